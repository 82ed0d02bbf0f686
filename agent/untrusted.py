"""Reading untrusted response text the way a human sees it, before any check runs.

A response can hide a title from exact matching with letters that look Latin but are not (Cyrillic ``Т``, ``о``,
``е`` in "Тhе Gоdfаthеr") or with invisible characters inside a name ("G\u200bary"). A human reads "The Godfather";
the fact index would find nothing, and a wrong year next to it would go unchecked. :func:`fold` maps look-alike
letters to Latin inside words that are Latin-looking (a word that mixes scripts, or one made only of look-alike
letters) and drops invisible format characters, keeping a map from the folded text back to the original so that
claim spans still point at the response the contributor saw. Genuine non-Latin words ("Война") are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.models import Claim

# Cyrillic and Greek letters that render like Latin ones in common fonts.
LOOKALIKES = str.maketrans(
    "аеорсухіјѕһԁԛԝӏАВЕКМНОРСТХІЈЅԌԚԜΑΒΕΖΗΙΚΜΝΟΡΤΥΧοιν",
    "aeopcyxijshdqwlABEKMHOPCTXIJSGQWABEZHIKMNOPTYXoiv",
)
_LOOKALIKE_CHARS = frozenset(chr(c) for c in LOOKALIKES)
# Zero-width and other invisible format characters (soft hyphen, joiners, bidi controls, variation selectors, BOM).
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]"
)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Folded:
    """The folded text, what changed, and where each folded character came from in the original."""

    text: str
    lookalikes: int
    invisible: int
    origin: tuple[int, ...]  # origin[i] = index in the original of folded char i; one extra entry for the end

    @property
    def changed(self) -> bool:
        return bool(self.lookalikes or self.invisible)

    def note(self, label: str) -> str:
        """A line for the audit trail: what was folded in which response."""
        return (
            f"response {label}: read {self.lookalikes} look-alike letter(s) as Latin and ignored "
            f"{self.invisible} invisible character(s) before the checks"
        )

    def restore(self, claim: Claim) -> Claim:
        """The claim with its span moved back onto the original text."""
        if claim.span is None or not self.invisible:
            return claim
        start, end = claim.span
        start = min(max(start, 0), len(self.origin) - 1)
        end = min(max(end, start), len(self.origin) - 1)
        new_end = self.origin[end - 1] + 1 if end > start else self.origin[start]
        return claim.model_copy(update={"span": (self.origin[start], new_end)})


def _fold_word(match: re.Match[str]) -> str:
    word = match.group(0)
    fakes = sum(c in _LOOKALIKE_CHARS for c in word)
    if not fakes:
        return word
    latin = sum("a" <= c.lower() <= "z" for c in word)
    if latin or fakes == len(word):
        return word.translate(LOOKALIKES)
    return word


def fold(text: str) -> Folded:
    """Fold look-alike letters and drop invisible characters (see the module docstring)."""
    origin: list[int] = []
    kept: list[str] = []
    for i, ch in enumerate(text):
        if not _INVISIBLE.match(ch):
            kept.append(ch)
            origin.append(i)
    origin.append(len(text))
    visible = "".join(kept)
    folded = _WORD.sub(_fold_word, visible)
    lookalikes = sum(a != b for a, b in zip(visible, folded, strict=True))
    return Folded(text=folded, lookalikes=lookalikes, invisible=len(text) - len(visible), origin=tuple(origin))
