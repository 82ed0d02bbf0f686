"""``python -m agent`` is the ``audit`` command."""

import sys

from agent.cli import main

sys.exit(main())
