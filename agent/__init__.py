"""Audit agent for AI-data-annotation quality review in entertainment media."""

__version__ = "0.1.0"
