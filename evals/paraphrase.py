"""Paraphrase stress set for the exact checks: one fact, many wordings, the right value and a wrong one.

The exact checks read claims with fixed patterns, so a planted error written in a wording no pattern knows is a
missed error. This set measures how far the patterns carry: for each claim shape the gold set plants (a film's
year, a film's director, who played a character in a franchise film) it writes the same fact in many wordings a
contributor or a model might use, once with the true value and once with a wrong one, and runs
:func:`agent.factcheck.core.check_claims` on each text.

Per wording it reports: **caught** (the wrong value is read as ``contradicted``), **read** (the true value is read
as ``supported``) and **false** (the true value is read as ``contradicted``: a false alarm). The first wording of
each shape is the one the gold generator uses, so it shows the ceiling set by the facts themselves (a title the
film table cannot resolve, a lead paragraph that names the wrong director's surname ...).

Facts and wrong values come from :mod:`evals.gold_facts` (seeded sample of its pools, checked against the KB
tables). The wordings are written for this set; none is copied from a gold case. It is a development set: tune the
patterns on it, never on the held-out gold split. ``python -m evals.paraphrase`` prints the table and writes it to
``evals/results/<date>-paraphrase-exact.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from agent.factcheck.core import check_claims
from agent.kb.facts import FactIndex, default_index
from evals.gold_facts import CastFact, FilmFact, load_pools

RESULTS_DIR = Path(__file__).resolve().parent / "results"
SEED = 20261127
PER_SHAPE = 40  # facts sampled per shape; every wording of the shape uses the same facts

# {t} title, {y} year, {d} director, {a} actor, {c} character. Each text is what a response would say.
YEAR = (
    "{t} ({y}) is a film worth watching.",
    "{t} was released in {y}.",
    "{t} came out in {y}.",
    "{t} premiered in {y}.",
    "{t} is a {y} film.",
    "{t}, released in {y}, is well worth a look.",
    "{t} was first released in {y}.",
    "{t} opened in theaters in {y}.",
    "{t} hit theaters in {y}.",
    "{t} debuted in {y}.",
    "{t} arrived in cinemas in {y}.",
    "{t} (released {y}) is well worth a look.",
    "Released in {y}, {t} is well worth a look.",
    "The {y} film {t} is well worth a look.",
    "In {y}, {t} was released to strong reviews.",
)
DIRECTOR = (
    "{t} ({y}) was directed by {d}.",
    "{d} directed {t} ({y}).",
    "{t} ({y}), directed by {d}, is well worth a look.",
    "{t} ({y}) is a film directed by {d}.",
    "{t} ({y}) is directed by {d}.",
    "{t} ({y}) was helmed by {d}.",
    "{d} helmed {t} ({y}).",
    "The director of {t} ({y}) is {d}.",
    "{d} was the director of {t} ({y}).",
    "{t} ({y}) comes from director {d}.",
    "{t} ({y}) was made by director {d}.",
    "Director {d} made {t} ({y}).",
    "{d} is the director behind {t} ({y}).",
    "{t}'s director was {d}.",
)
CAST = (
    "{a} played {c} in {t}.",
    "In {t}, {a} plays {c}.",
    "{a} portrayed {c} in {t}.",
    "In {t}, {c} is played by {a}.",
    "{c} was played by {a} in {t}.",
    "In {t}, {c} is portrayed by {a}.",
    "{t} stars {a} as {c}.",
    "{t} features {a} as {c}.",
    "In {t}, {a} stars as {c}.",
    "{a} was cast as {c} in {t}.",
    "{a} took on the role of {c} in {t}.",
    "{a} appears as {c} in {t}.",
    "In {t}, the role of {c} went to {a}.",
    "{a} starred in {t} as {c}.",
)


@dataclass(frozen=True)
class Case:
    shape: str  # year | director | cast (the claim kind the checks should report)
    wording: str
    fact: str  # a short label of the fact, for the misses listing
    right: str
    wrong: str


@dataclass
class Row:
    shape: str
    wording: str
    n: int = 0
    caught: int = 0
    read: int = 0
    false: int = 0
    missed: list[str] | None = None


def cases(seed: int = SEED, per_shape: int = PER_SHAPE) -> list[Case]:
    """Every (shape, wording, fact) text pair; deterministic for a seed."""
    pools = load_pools()
    rng = random.Random(seed)
    films = rng.sample(pools.films, min(per_shape, len(pools.films)))
    casts = rng.sample(pools.casts, min(per_shape, len(pools.casts)))
    out: list[Case] = []

    def add(shape: str, wordings: tuple[str, ...], label: str, fill: Callable[[str, bool], str]) -> None:
        out.extend(Case(shape, w, label, fill(w, True), fill(w, False)) for w in wordings)

    for f in films:
        wrong_year, wrong_director = pools.wrong_year(f, rng), pools.wrong_director(f, rng)
        add("year", YEAR, f"{f.film.title} ({f.film.year})", _year_fill(f, wrong_year))
        add("director", DIRECTOR, f"{f.film.title}: {f.director}", _director_fill(f, wrong_director))
    for c in casts:
        add("cast", CAST, f"{c.character} in {c.entry}: {c.actor}", _cast_fill(c))
    return out


def _year_fill(f: FilmFact, wrong: int) -> Callable[[str, bool], str]:
    return lambda w, ok: w.format(t=f.film.title, y=f.film.year if ok else wrong)


def _director_fill(f: FilmFact, wrong: str) -> Callable[[str, bool], str]:
    return lambda w, ok: w.format(t=f.film.title, y=f.film.year, d=f.director if ok else wrong)


def _cast_fill(c: CastFact) -> Callable[[str, bool], str]:
    return lambda w, ok: w.format(t=c.entry, c=c.character, a=c.actor if ok else c.wrong_actor)


def measure(index: FactIndex, all_cases: list[Case]) -> list[Row]:
    """Run the exact checks on both texts of every case; one row per (shape, wording), in template order."""
    rows: dict[tuple[str, str], Row] = {}
    for case in all_cases:
        row = rows.setdefault((case.shape, case.wording), Row(case.shape, case.wording, missed=[]))
        row.n += 1
        wrong = {c.status for c in check_claims(case.wrong, index) if c.kind == case.shape}
        right = {c.status for c in check_claims(case.right, index) if c.kind == case.shape}
        row.caught += "contradicted" in wrong
        row.read += "supported" in right and "contradicted" not in right
        row.false += "contradicted" in right
        if "contradicted" not in wrong and row.missed is not None:
            row.missed.append(case.fact)
    return list(rows.values())


def table(rows: list[Row]) -> str:
    lines = [
        "| shape | wording | facts | caught (wrong value contradicted) | read (true value supported) | false alarms |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r.shape} | `{r.wording}` | {r.n} | {r.caught / r.n:.2f} | {r.read / r.n:.2f} | {r.false} |")
    for shape in dict.fromkeys(r.shape for r in rows):
        mine = [r for r in rows if r.shape == shape]
        n = sum(r.n for r in mine)
        caught, read, false = (sum(getattr(r, k) for r in mine) for k in ("caught", "read", "false"))
        lines.append(f"| **{shape}, all wordings** | | {n} | **{caught / n:.2f}** | **{read / n:.2f}** | **{false}** |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.paraphrase", description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-shape", type=int, default=PER_SHAPE, help=f"facts per shape (default {PER_SHAPE})")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="where the .md goes (default evals/results)")
    parser.add_argument("--misses", action="store_true", help="also list the facts each wording missed")
    args = parser.parse_args(argv)
    rows = measure(default_index(), cases(args.seed, args.per_shape))
    text = table(rows)
    print(text)
    if args.misses:
        for r in rows:
            if r.missed:
                print(f"\n{r.shape} `{r.wording}` missed: " + "; ".join(r.missed))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{dt.date.today().isoformat()}-paraphrase-exact.md"
    path.write_text(
        f"# Exact checks: paraphrase stress set (seed {args.seed}, {args.per_shape} facts per shape)\n\n"
        f"Produced by `python -m evals.paraphrase`; see the module docstring for what the columns mean.\n\n{text}\n",
        encoding="utf-8",
    )
    print(f"\nwritten: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
