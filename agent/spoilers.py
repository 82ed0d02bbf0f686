"""Spoilers of later films: "I'm on Prisoner of Azkaban, no spoilers" against a response that tells what happens in
Half-Blood Prince (exact, from the franchise notes' release order; no model).

A prompt that asks for no spoilers and names an entry of a franchise sets a limit: that entry. A response sentence
that names a later entry of the same franchise *and* tells a plot event (someone dies, kills, is revealed, ...)
breaks it. Naming a later film alone ("Gambon played him until Deathly Hallows") is not counted, and a prompt that
names no entry, or entries of two franchises, is left to the model stage, as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from agent.kb.notes import FranchiseNote

__all__ = ["LaterSpoiler", "later_entry_spoiler"]

_PLOT_EVENT = re.compile(
    r"\b(?:kill(?:s|ed|ing)?|dies|died|dying|death|dead|murder\w*|reveal(?:s|ed|ing)?|turns?\s+out|betray\w*"
    r"|sacrific\w*|ending|ends\s+with|destroy\w*|defeat\w*|returns?\s+from\s+the\s+dead|is\s+(?:really|secretly))\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_MIN_NAME = 6  # a shorter short name ("Up", "Cars") is an everyday word too often to count on its own
_NUMBERED_PART = re.compile(r"(?:Part|Episode|Vol\.?|Volume|Chapter)\s+\w+", re.IGNORECASE)  # "Part 1" names no entry


@dataclass(frozen=True)
class LaterSpoiler:
    """A response sentence that tells a plot event of an entry released after the one the prompt is at."""

    limit: str  # the entry the prompt names (release order)
    entry: str  # the later entry the sentence names
    sentence: str


def later_entry_spoiler(prompt: str, text: str, notes: Sequence[FranchiseNote]) -> LaterSpoiler | None:
    """The first response sentence that spoils a later entry than the one the prompt names, or None."""
    named = [(note, i) for note in notes for i in _entries_named(prompt, note)]
    if not named or len({id(note) for note, _ in named}) != 1:
        return None  # no entry named, or entries of two franchises: no limit code can read
    note = named[0][0]
    limit = max(i for _, i in named)
    for sentence in (s.group(0).strip() for s in _SENTENCE.finditer(text)):
        if not _PLOT_EVENT.search(sentence):
            continue
        later = [i for i in _entries_named(sentence, note) if i > limit]
        if later:
            order = note.meta.release_order
            return LaterSpoiler(order[limit].title, order[min(later)].title, sentence)
    return None


def _entries_named(text: str, note: FranchiseNote) -> list[int]:
    """Release-order positions of the note's entries that ``text`` names, in full or by their distinctive part."""
    found = []
    for i, entry in enumerate(note.meta.release_order):
        if any(re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) for name in _names(note, entry.title)):
            found.append(i)
    return found


def _names(note: FranchiseNote, title: str) -> set[str]:
    """``Harry Potter and the Half-Blood Prince`` -> itself and ``Half-Blood Prince``; a subtitle after ":"/"–"."""
    names = {title}
    for alias in (note.meta.franchise, *note.meta.aliases):
        for joiner in (" and the ", " and "):
            if title.startswith(alias + joiner):
                names.add(title[len(alias + joiner) :])
    parts = re.split(r"\s*(?::|\s[–—-]\s)\s*", title, maxsplit=1)
    if len(parts) == 2:
        names.add(parts[1])
    for variant in note.meta.title_variants:
        if variant.title == title:
            names.update(variant.variants)
    return {n for n in names if len(n) >= _MIN_NAME and not _NUMBERED_PART.fullmatch(n)}
