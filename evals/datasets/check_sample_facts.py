"""Re-check the sample batch's planted errors and film-year mentions against the public data.

Usage::

    .venv/bin/python evals/datasets/check_sample_facts.py [--data /work/shared/data]

Two checks, both against ``<data>/kb_sources`` (the files the knowledge base is built from):

1. Every ``planted_errors[].source`` in ``sample_batch.expected.jsonl`` is split on ``"; "`` and each part is
   re-checked when it has one of the machine-readable forms below; the planted quote must occur in the response and,
   for a year, must state a different year than the data:

   - ``wikipedia_movies/<file>: <Title>, year <YYYY>``
   - ``wikipedia_movies/<file>: <Title>, extract '<text>'``
   - ``wikipedia_movies: no title <Title>``
   - ``oscars/oscars.tsv: <Year> <CANONICAL CATEGORY> <Film>[ <Name>], Winner True|empty``
   - ``tv_episodes/<file>.csv: season <S> episode <E> <Title>, directed_by <Name>``

2. Every ``Title (YYYY)`` mention in every response is matched to the longest film title that the Wikipedia
   film list knows; a year that disagrees with every film of that title must lie inside a planted error's quote.

Exit status 0 when everything checks out, 1 otherwise (each failure is printed).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WM_YEAR = re.compile(r"^wikipedia_movies/(?P<file>movies-\d{4}s\.json): (?P<title>.+), year (?P<year>\d{4})$")
WM_EXTRACT = re.compile(r"^wikipedia_movies/(?P<file>movies-\d{4}s\.json): (?P<title>.+), extract '(?P<text>.+)'$")
WM_ABSENT = re.compile(r"^wikipedia_movies: no title (?P<title>.+)$")
OSCAR = re.compile(r"^oscars/oscars\.tsv: (?P<year>\S+) (?P<rest>.+), Winner (?P<winner>True|empty)$")
EPISODE = re.compile(
    r"^tv_episodes/(?P<file>\w+\.csv): season (?P<season>\d+) episode (?P<episode>\d+) (?P<title>.+), "
    r"directed_by (?P<director>.+)$"
)
MENTION = re.compile(r"\((\d{4})\)")


@dataclass
class KB:
    """The slices of kb_sources the checks need."""

    films: dict[str, list[dict[str, Any]]]  # title -> film records (with the file they came from)
    oscars: list[dict[str, str]]
    episodes: dict[str, list[dict[str, str]]]

    @classmethod
    def load(cls, data: Path) -> KB:
        src = data / "kb_sources"
        films: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for path in sorted((src / "wikipedia_movies").glob("movies-*.json")):
            for film in json.loads(path.read_text(encoding="utf-8")):
                films[film["title"]].append({**film, "file": path.name})
        with (src / "oscars" / "oscars.tsv").open(encoding="utf-8", newline="") as f:
            oscars = list(csv.DictReader(f, delimiter="\t"))
        episodes = {}
        for path in sorted((src / "tv_episodes").glob("*.csv")):
            with path.open(encoding="utf-8", newline="") as f:
                episodes[path.name] = list(csv.DictReader(f))
        return cls(films=dict(films), oscars=oscars, episodes=episodes)

    def episode(self, file: str, season: int, number: int) -> dict[str, str] | None:
        """One episode by season and number within the season (each guide names these columns differently)."""
        rows = self.episodes.get(file, [])
        if file == "friends.csv":
            code = f"{season:02d}-{number:02d}"
            return next((r for r in rows if code in r["code"].split()), None)
        if file == "game_of_thrones.csv":
            return next((r for r in rows if r["season"] == str(season) and r["episode"] == str(number)), None)
        if file == "the_simpsons.csv":
            return next((r for r in rows if r["season"] == str(season) and r["number_in_season"] == str(number)), None)
        in_season = [r for r in rows if r.get("season") == str(season)]  # the_office_us.csv: file order
        return in_season[number - 1] if 0 < number <= len(in_season) else None


@dataclass
class Report:
    """What the checks found."""

    verified: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)


def check_part(kb: KB, part: str, quote: str) -> tuple[bool | None, str]:
    """Re-check one ``source`` part; ``None`` when the part has no machine-readable form."""
    if part.startswith("wikipedia_movies"):
        return _check_film(kb, part, quote)
    if m := OSCAR.match(part):
        return _check_oscar(kb, m["year"], m["rest"], m["winner"] == "True")
    if m := EPISODE.match(part):
        return _check_episode(kb, m, quote)
    return None, "no machine-readable form"


def _check_film(kb: KB, part: str, quote: str) -> tuple[bool | None, str]:
    if m := WM_YEAR.match(part):
        title, year = m["title"], int(m["year"])
        hits = [f for f in kb.films.get(title, []) if f["year"] == year and f["file"] == m["file"]]
        if not hits:
            return False, f"no film {title!r} ({year}) in {m['file']}"
        stated = re.findall(r"\((\d{4})\)", quote)
        if title in quote and stated and all(int(y) == year for y in stated):
            return False, f"the planted quote states the true year {year}, so it is not an error"
        return True, f"{title} is {year}"
    if m := WM_EXTRACT.match(part):
        films = [f for f in kb.films.get(m["title"], []) if f["file"] == m["file"]]
        if not any(m["text"] in (f.get("extract") or "") for f in films):
            return False, f"extract of {m['title']!r} does not contain {m['text']!r}"
        return True, f"{m['title']} extract: {m['text']}"
    if m := WM_ABSENT.match(part):
        if m["title"] in kb.films:
            return False, f"{m['title']!r} does exist in wikipedia_movies"
        return True, f"no film titled {m['title']!r}"
    return None, "no machine-readable form"


def _check_episode(kb: KB, m: re.Match[str], quote: str) -> tuple[bool, str]:
    row = kb.episode(m["file"], int(m["season"]), int(m["episode"]))
    if row is None:
        return False, f"no season {m['season']} episode {m['episode']} in {m['file']}"
    if row["title"] != m["title"] or row["directed_by"] != m["director"]:
        return False, f"{m['file']} has {row['title']!r} directed by {row['directed_by']!r}"
    if m["director"] in quote:
        return False, "the planted quote names the true director, so it is not an error"
    return True, f"{row['title']} directed by {row['directed_by']}"


def _check_oscar(kb: KB, year: str, rest: str, winner: bool) -> tuple[bool, str]:
    for row in kb.oscars:
        if row["Year"] != year or not rest.startswith(row["CanonicalCategory"] + " "):
            continue
        tail = rest[len(row["CanonicalCategory"]) + 1 :]
        if tail in (row["Film"], f"{row['Film']} {row['Name']}"):
            won = row["Winner"] == "True"
            if won != winner:
                return False, f"{year} {rest}: Winner is {row['Winner'] or 'empty'}"
            return True, f"{year} {rest}: {'won' if won else 'nominated, did not win'}"
    return False, f"no oscars.tsv row for {year} {rest}"


def check_planted(kb: KB, batch: dict[str, dict[str, Any]], expected: list[dict[str, Any]], report: Report) -> None:
    """Check 1: every planted error's source parts and quote."""
    for exp in expected:
        ev = batch[exp["evaluation_id"]]
        texts = [ev["response"]["text"]] + ([ev["response_b"]["text"]] if ev.get("response_b") else [])
        for planted in exp["planted_errors"]:
            where = f"{exp['evaluation_id']}: {planted['quote'][:50]!r}"
            if not any(planted["quote"] in t for t in texts):
                report.failed.append(f"{where}: quote does not occur in the response")
            for part in planted["source"].split("; "):
                ok, detail = check_part(kb, part, planted["quote"])
                line = f"{where}: {detail}"
                {True: report.verified, False: report.failed, None: report.unchecked}[ok].append(line)


def check_mentions(kb: KB, batch: dict[str, dict[str, Any]], expected: list[dict[str, Any]], report: Report) -> None:
    """Check 2: every ``Title (YYYY)`` mention agrees with the film list or lies inside a planted quote."""
    planted = {e["evaluation_id"]: [p["quote"] for p in e["planted_errors"]] for e in expected}
    for eid, ev in batch.items():
        texts = [ev["response"]["text"]] + ([ev["response_b"]["text"]] if ev.get("response_b") else [])
        for text in texts:
            for m in MENTION.finditer(text):
                title = _longest_title(kb, text[: m.start()].rstrip())
                if title is None:
                    inside = [q for q in planted.get(eid, []) if q in text and m.group(0) in q]
                    if inside:
                        report.verified.append(f"{eid}: planted {inside[0]!r} is not a known film title")
                    else:
                        report.unchecked.append(f"{eid}: no known film title before {m.group(0)}")
                    continue
                year = int(m.group(1))
                years = sorted({f["year"] for f in kb.films[title]})
                if year in years:
                    report.verified.append(f"{eid}: {title} ({year})")
                    continue
                span = f"{title} ({year})"
                if any(span in q for q in planted.get(eid, [])):
                    report.verified.append(f"{eid}: planted {span} contradicted by {years}")
                else:
                    report.failed.append(f"{eid}: {span} disagrees with wikipedia_movies {years} and is not planted")


def _longest_title(kb: KB, before: str) -> str | None:
    words = before.split()
    for n in range(min(12, len(words)), 0, -1):
        candidate = " ".join(words[-n:]).lstrip("-*\"'").strip()
        if candidate in kb.films:
            return candidate
    return None


def main(argv: list[str] | None = None) -> int:
    """Run both checks and print the findings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"), help="folder holding kb_sources/")
    parser.add_argument("--batch", type=Path, default=HERE / "sample_batch.jsonl")
    parser.add_argument("--expected", type=Path, default=HERE / "sample_batch.expected.jsonl")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every verified fact")
    args = parser.parse_args(argv)
    if not (args.data / "kb_sources").is_dir():
        print(f"error: {args.data}/kb_sources not found; pass --data <folder holding kb_sources/>", file=sys.stderr)
        return 2
    kb = KB.load(args.data)
    batch = {e["evaluation_id"]: e for e in map(json.loads, args.batch.read_text(encoding="utf-8").splitlines())}
    expected = [json.loads(line) for line in args.expected.read_text(encoding="utf-8").splitlines()]
    report = Report()
    check_planted(kb, batch, expected, report)
    n_planted = len(report.verified)
    check_mentions(kb, batch, expected, report)
    for line in report.verified if args.verbose else []:
        print(f"ok       {line}")
    for line in report.unchecked:
        print(f"skipped  {line}")
    for line in report.failed:
        print(f"FAILED   {line}")
    print(
        f"planted-error source facts verified: {n_planted}; title-year mentions verified: "
        f"{len(report.verified) - n_planted}; skipped: {len(report.unchecked)}; failed: {len(report.failed)}"
    )
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
