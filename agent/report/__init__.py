"""What the auditor reads: the review queue, contributor performance and the HTML report."""

from agent.report.build import ReportFiles, build_report
from agent.report.contributors import ContributorStats, contributor_stats
from agent.report.html import ReportData, render
from agent.report.queue import QueueItem, build_queue

__all__ = [
    "ContributorStats",
    "QueueItem",
    "ReportData",
    "ReportFiles",
    "build_queue",
    "build_report",
    "contributor_stats",
    "render",
]
