"""Locating quotes and claims in a response, and deciding when two spans are about the same words. Pure.

A contributor's ``quote`` is matched to the agent's claims by span overlap in the response text, never by string
equality: a quote may be shorter or longer than the claim, and its whitespace or case may differ.
"""

from __future__ import annotations

import re

__all__ = ["Span", "coverage", "find_spans", "overlaps", "token_overlap"]

Span = tuple[int, int]
_ALNUM = re.compile(r"[^\W_]")
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_STOP = {"the", "a", "an", "of", "in", "and", "or", "to", "is", "was", "by", "for", "on", "at", "it", "its", "with"}


def _normalised(text: str) -> tuple[str, list[int]]:
    """Lowercased text with whitespace runs collapsed to one space, and each character's offset in ``text``."""
    chars: list[str] = []
    offsets: list[int] = []
    in_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not in_space and chars:
                chars.append(" ")
                offsets.append(i)
            in_space = True
            continue
        in_space = False
        chars.append(ch.lower())
        offsets.append(i)
    return "".join(chars), offsets


def find_spans(needle: str, text: str) -> list[Span]:
    """Every place ``needle`` occurs in ``text`` (case and whitespace insensitive), as offsets into ``text``."""
    norm_needle = " ".join(needle.lower().split())
    if not norm_needle:
        return []
    norm_text, offsets = _normalised(text)
    spans: list[Span] = []
    start = norm_text.find(norm_needle)
    while start != -1:
        end = start + len(norm_needle) - 1
        spans.append((offsets[start], offsets[end] + 1))
        start = norm_text.find(norm_needle, start + 1)
    return spans


def overlaps(a: Span, b: Span, text: str) -> bool:
    """The two spans share at least one letter or digit of ``text`` (touching, or sharing a space, is not enough)."""
    lo, hi = max(a[0], b[0]), min(a[1], b[1])
    return lo < hi and bool(_ALNUM.search(text[lo:hi]))


def coverage(target: Span, covers: list[Span], text: str) -> float:
    """Share of the letters and digits of ``target`` that fall inside any of ``covers`` (0.0-1.0)."""
    positions = [i for i in range(target[0], min(target[1], len(text))) if _ALNUM.match(text[i])]
    if not positions:
        return 0.0
    inside = sum(1 for i in positions if any(s <= i < e for s, e in covers))
    return inside / len(positions)


def token_overlap(claim: str, quote: str) -> float:
    """How far a claim without a span and a quote share content tokens: the larger of the two shares (0.0-1.0).

    The fallback when a claim cannot be located in the response (a paraphrase). A single shared token only counts
    when one side has a single token, so "released in 2010" and "directed in 2010" do not match on "2010" alone.
    """
    a = {t.lower() for t in _TOKEN.findall(claim)} - _STOP
    b = {t.lower() for t in _TOKEN.findall(quote)} - _STOP
    shared = a & b
    if not a or not b or len(shared) < min(2, len(a), len(b)):
        return 0.0
    return max(len(shared) / len(a), len(shared) / len(b))
