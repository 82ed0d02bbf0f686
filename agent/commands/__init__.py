"""Subcommands of ``audit``: each module defines ``register(subparsers)``; handlers take ``(args, settings)``."""
