"""Exact checks against the 2021 streaming catalogues: "Stranger Things is on Netflix".

Support only. The catalogues are one snapshot (2021) and rights move, so a title missing from a service's catalogue
says nothing about today; a title the service's catalogue lists is evidence that it streamed there.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from agent.factcheck.context import LIST_LINE, _Context
from agent.kb.aliases import TextMention

_SERVICES = {
    "netflix": "netflix",
    "hulu": "hulu",
    "disney+": "disney-plus",
    "disney plus": "disney-plus",
    "amazon prime video": "amazon-prime",
    "amazon prime": "amazon-prime",
    "prime video": "amazon-prime",
}
# "on Netflix", "streams on Hulu", "available on Disney+": a service after a word that puts a title on it
_ON_SERVICE = re.compile(
    r"\b(?:on|via|to|through) (?P<service>Netflix|Hulu|Disney\+|Disney Plus|Amazon Prime Video|Amazon Prime|"
    r"Prime Video)(?![\w+])"
)
# Words that make the sentence about something other than the title being there: it left, it is not there
_NOT_THERE = re.compile(
    r"\b(?:not|never|no longer|n['’]t|left|leaves|leaving|removed|gone|expired|used to|was on|were on|until|"
    r"coming|will|soon|rumou?red|exclusive\w*)\b|\b(?:Netflix|Hulu|Disney\+?|Amazon|Prime Video) [Oo]riginal",
    re.IGNORECASE,
)
# "where it's listed (simply) as "The Office"": the title named after the service
_LISTED_AS = re.compile(r"^[^.;]{0,40}?\b(?:listed|titled|called|found|available) (?:simply |just )?as\s+[\"“]?$")


def check_streaming(ctx: _Context, start: int, end: int, mentions: Sequence[TextMention]) -> None:
    """A title and a service in one sentence: supported when that service's catalogue lists the title.

    The title is the one named nearest before the service in the sentence, or its list line's title, or one named
    right after it as the service lists it ("on Prime Video, where it's listed simply as "The Office"")."""
    sentence = ctx.text[start:end]
    if _NOT_THERE.search(sentence):
        return
    line: list[TextMention] | None = None  # the list line's title, read once when a service has no title before it
    for m in _ON_SERVICE.finditer(sentence):
        service = _SERVICES[m.group("service").lower()]
        at = start + m.start()
        before = [t for t in mentions if t.end <= at]
        if not before and line is None:
            found = _line_title(ctx, start)
            line = [found] if found is not None else []
        candidates = [*before[-1:], *(line if not before and line else [])]
        after = start + m.end()
        candidates += [t for t in mentions if t.start >= after and _LISTED_AS.match(ctx.text[after : t.start])][:1]
        for title in candidates:
            rows = [r for r in ctx.index.streaming_titles(title.key) if r.service == service]
            if rows:
                lo, hi = min(title.start, at), max(title.end, start + m.end())
                ctx.claim((lo, hi), "supported", "streaming", [rows[0].evidence()])
                break


def _line_title(ctx: _Context, start: int) -> TextMention | None:
    """The title a list line opens with ("- **The Office (U.S.)** — on Netflix"), when ``start`` is in that line."""
    from agent.kb.aliases import find_titles

    line_start = ctx.text.rfind("\n", 0, start) + 1
    line = ctx.text[line_start : ctx.text.find("\n", start) if "\n" in ctx.text[start:] else len(ctx.text)]
    if not LIST_LINE.match(line):
        return None
    found = find_titles(line, ctx.index.has_title_key)
    if not found or found[0].start > 8:
        return None
    first = found[0]
    return dataclasses.replace(first, start=first.start + line_start, end=first.end + line_start)
