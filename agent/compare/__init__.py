"""Contributor vs agent -> flags, priority and verdict (:func:`compare`); the policy is in :mod:`.policy`."""

from agent.compare.core import compare, priority_of
from agent.compare.policy import PRIORITY_BANDS
from agent.compare.schemas import AgentFindings, ComparisonResult, CompletenessFinding

__all__ = ["PRIORITY_BANDS", "AgentFindings", "ComparisonResult", "CompletenessFinding", "compare", "priority_of"]
