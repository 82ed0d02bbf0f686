"""Exact claim checks, no model: claims about entities the fact index covers, compared with the index."""

from agent.factcheck.core import CHECKER_VERSION, check_claims

__all__ = ["CHECKER_VERSION", "check_claims"]
