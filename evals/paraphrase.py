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
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from agent.factcheck.core import check_claims
from agent.kb.facts import FactIndex, default_index
from agent.kb.sources import Emmy, load_emmys
from evals.gold_facts import AwardFact, CastFact, EpisodeFact, FilmFact, load_pools

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DATASETS_DIR = Path(__file__).resolve().parent / "datasets"
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
# {p} person, {l} acting category ("Best Actress" ...), {t} title, {y} film year. The right text names a nominee
# who won; the wrong one a nominee who did not (the award_not_won error).
AWARD = (
    "{p} won {l} for {t} ({y}).",
    "{p} won the Oscar for {l} for {t}.",
    "{p} won the Academy Award for {l} for {t}.",
    "{p} took home {l} for {t}.",
    "{p} received the {l} Oscar for {t}.",
    "For {t}, {p} won {l}.",
    "{p} earned the Oscar for {l} for {t}.",
    "{p} won an Oscar ({l}) for {t}.",
    "The {l} Oscar for {t} went to {p}.",
    "{p} was awarded {l} for {t}.",
    "{p} picked up the Oscar for {l} for {t}.",
    "{p}'s performance in {t} won {l}.",
    "{p} won {l} at the Oscars for {t}.",
    "{p} is an Oscar winner: {l} for {t}.",
)
# {e} episode title, {s} series, {d} director, {w} writer(s). The wrong director directed another episode of the
# series; the wrong writer is the episode's own director (the swapped-credits slip).
EPISODE_DIRECTOR = (
    '"{e}" is an episode of {s}. It was directed by {d}.',
    'The {s} episode "{e}" was directed by {d}.',
    '{d} directed the {s} episode "{e}".',
    '"{e}" ({s}) was directed by {d}.',
    '{d} directed "{e}", an episode of {s}.',
    '"{e}", the {s} episode, was directed by {d}.',
    'In {s}, "{e}" was directed by {d}.',
    '{d} helmed the {s} episode "{e}".',
    'The director of the {s} episode "{e}" is {d}.',
    '{s}\'s "{e}" was directed by {d}.',
    '"{e}" from {s} was directed by {d}.',
    '{d} was behind the camera for "{e}" ({s}).',
    'The {s} episode "{e}" is directed by {d}.',
    '{s} episode "{e}" (directed by {d}) is a fan favourite.',
)
EPISODE_WRITER = (
    '"{e}" is an episode of {s}. It was written by {w}.',
    'The {s} episode "{e}" was written by {w}.',
    '{w} wrote the {s} episode "{e}".',
    '"{e}" ({s}) was written by {w}.',
    '{w} wrote "{e}", an episode of {s}.',
    '"{e}" from {s} was penned by {w}.',
    'The writer of the {s} episode "{e}" is {w}.',
    '{w} penned "{e}" ({s}).',
    '{s}\'s "{e}" was written by {w}.',
    '"{e}" ({s}) has a script by {w}.',
    '"{e}" ({s}) was scripted by {w}.',
    '{w} is credited as the writer of "{e}" ({s}).',
    'In {s}, "{e}" was written by {w}.',
    '{s} episode "{e}" (written by {w}) is a fan favourite.',
)
# {p} performer, {l} short category ("Supporting Actor"), {L} the full one ("Outstanding Supporting Actor in a Drama
# Series"), {s} series, {y} ceremony year. The right text names that year's winner; the wrong one a nominee of the
# same category and year who did not win it (and never won it for that series): the award_not_won error on TV.
EMMY = (
    "{p} won the Emmy for {L} for {s} in {y}.",
    "{p} won {l} at the {y} Emmys for {s}.",
    "In {y}, {p} took home the {l} Emmy for {s}.",
    "{p} ({s}) won {l} in {y}.",
    "The {y} Emmy for {L} went to {p} for {s}.",
    "{s} star {p} won {l} in {y}.",
    "{p}'s performance in {s} earned the {y} Emmy for {l}.",
    "Q: Who won the {l} Emmy in {y}? A: {p}, for {s}.",
    "{p} is an Emmy winner: {l}, {s}, {y}.",
    "For {s}, {p} won the {y} Emmy for {l}.",
)
WORDINGS = {
    "year": YEAR,
    "director": DIRECTOR,
    "cast": CAST,
    "award": AWARD,
    "episode_director": EPISODE_DIRECTOR,
    "episode_writer": EPISODE_WRITER,
    "emmy": EMMY,
}
# the claim kind the exact checks report for each shape
KIND = {"episode_director": "director", "episode_writer": "writer", "emmy": "award"}


@dataclass(frozen=True)
class Case:
    shape: str  # a key of WORDINGS; KIND maps it to the claim kind the checks should report
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


def cases(
    seed: int = SEED, per_shape: int = PER_SHAPE, wordings: dict[str, tuple[str, ...]] | None = None
) -> list[Case]:
    """Every (shape, wording, fact) text pair; deterministic for a seed. ``wordings``: shape -> templates
    (default :data:`WORDINGS`); the facts sampled do not depend on it, so two wording sets meet the same facts."""
    wordings = WORDINGS if wordings is None else wordings
    pools = load_pools()
    rng = random.Random(seed)
    films = rng.sample(pools.films, min(per_shape, len(pools.films)))
    casts = rng.sample(pools.casts, min(per_shape, len(pools.casts)))
    out: list[Case] = []

    def add(shape: str, label: str, fill: Callable[[str, bool], str]) -> None:
        out.extend(Case(shape, w, label, fill(w, True), fill(w, False)) for w in wordings.get(shape, ()))

    for f in films:
        wrong_year, wrong_director = pools.wrong_year(f, rng), pools.wrong_director(f, rng)
        add("year", f"{f.film.title} ({f.film.year})", _year_fill(f, wrong_year))
        add("director", f"{f.film.title}: {f.director}", _director_fill(f, wrong_director))
    for c in casts:
        add("cast", f"{c.character} in {c.entry}: {c.actor}", _cast_fill(c))
    # drawn after the three original shapes, so adding these left the original facts unchanged
    won = rng.sample(pools.awards_won, min(per_shape, len(pools.awards_won)))
    lost = rng.sample(pools.awards_lost, min(per_shape, len(pools.awards_lost)))
    for right, wrong in zip(won, lost, strict=False):
        label = f"{wrong.nomination.name}, {wrong.label}, {wrong.film.title}: nominated only"
        add("award", label, _award_fill(right, wrong))
    for e in rng.sample(pools.episodes, min(per_shape, len(pools.episodes))):
        ep = e.episode
        wrong_director = pools.wrong_episode_director(e, rng)
        label = f"{ep.series} {ep.title}: {ep.directors[0]} / {' and '.join(ep.writers)}"
        add("episode_director", label, _episode_fill(e, "d", ep.directors[0], wrong_director))
        add("episode_writer", label, _episode_fill(e, "w", " and ".join(ep.writers), ep.directors[0]))
    # drawn after every other shape, so adding it left their facts unchanged
    emmys = _emmy_pairs()
    for winner, loser in rng.sample(emmys, min(per_shape, len(emmys))):
        label = f"{loser.year} {loser.category}, {loser.nominee}: {loser.credits[0].name} nominated only"
        add("emmy", label, _emmy_fill(winner, loser))
    return out


_EMMY_ACTING = re.compile(
    r"Outstanding (?P<l>(?:Lead|Supporting|Guest) Act(?:or|ress)) in a (?:Drama|Comedy) Series", re.I
)


def _emmy_pairs() -> list[tuple[Emmy, Emmy]]:
    """(winner, loser) of one acting category in one year, each naming one performer of one series; the loser never
    won that category for that series. Deterministic order (by id)."""
    rows = [
        e
        for e in load_emmys()
        if _EMMY_ACTING.fullmatch(e.category) and len(e.credits) == 1 and not _shouted(e.nominee, e.credits[0].name)
    ]
    won_ever = {(e.category.lower(), e.nominee, e.credits[0].name) for e in rows if e.winner}
    by_slot: dict[tuple[int, str], list[Emmy]] = {}
    for e in sorted(rows, key=lambda e: e.id):
        by_slot.setdefault((e.year, e.category.lower()), []).append(e)
    pairs = []
    for slot in sorted(by_slot):
        winners = [e for e in by_slot[slot] if e.winner]
        losers = [e for e in by_slot[slot] if not e.winner and (slot[1], e.nominee, e.credits[0].name) not in won_ever]
        if len(winners) == 1 and losers:
            pairs.append((winners[0], losers[0]))
    return pairs


def _shouted(*names: str) -> bool:
    """A name the source writes in capitals or as a headline ("MURPHY BROWN", "Malcolm In The Middle"): no text
    would write it that way, so the fact is not drawn."""
    return any(n.isupper() or re.search(r" (?:In|The|Of|A|And|From) ", n) for n in names)


def _emmy_fill(won: Emmy, lost: Emmy) -> Callable[[str, bool], str]:
    def fill(w: str, ok: bool) -> str:
        e = won if ok else lost
        full = _EMMY_ACTING.fullmatch(e.category)
        short = " ".join(x.capitalize() for x in full.group("l").split()) if full else e.category
        category = re.sub(r"\b(In|A)\b", lambda m: m.group().lower(), e.category)
        return w.format(p=e.credits[0].name, l=short, L=category, s=e.nominee, y=e.year)

    return fill


def _year_fill(f: FilmFact, wrong: int) -> Callable[[str, bool], str]:
    return lambda w, ok: w.format(t=f.film.title, y=f.film.year if ok else wrong)


def _director_fill(f: FilmFact, wrong: str) -> Callable[[str, bool], str]:
    return lambda w, ok: w.format(t=f.film.title, y=f.film.year, d=f.director if ok else wrong)


def _cast_fill(c: CastFact) -> Callable[[str, bool], str]:
    return lambda w, ok: w.format(t=c.entry, c=c.character, a=c.actor if ok else c.wrong_actor)


def _award_fill(won: AwardFact, lost: AwardFact) -> Callable[[str, bool], str]:
    def fill(w: str, ok: bool) -> str:
        a = won if ok else lost
        return w.format(p=a.nomination.name, l=a.label, t=a.film.title, y=a.film.year)

    return fill


def _episode_fill(e: EpisodeFact, slot: str, right: str, wrong: str) -> Callable[[str, bool], str]:
    series = e.episode.series

    def fill(w: str, ok: bool) -> str:
        text = w.format(e=e.episode.title, s=series, **{slot: right if ok else wrong})
        if series.startswith("The "):  # "the The Simpsons episode" -> "The Simpsons episode"
            text = re.sub(r"\b[Tt]he " + re.escape(series), series, text)
        if series.endswith("s"):
            text = text.replace(f"{series}'s", f"{series}'")
        return text

    return fill


def load_wordings(path: Path, part: str = "all") -> dict[str, tuple[str, ...]]:
    """Templates from a YAML file (``shapes: {shape: [template, ...]}``), e.g. the blind set.

    ``part``: ``all``, or one half of each shape's list: ``dev`` (the 1st, 3rd, 5th ... template; may be read and
    tuned on) or ``test`` (the 2nd, 4th ... ; only ever measured)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    shapes = data.get("shapes") if isinstance(data, dict) else None
    if not isinstance(shapes, dict) or not set(shapes) <= set(WORDINGS):
        raise SystemExit(f"{path}: expected 'shapes:' with some of {', '.join(WORDINGS)}")
    keep = {"all": (0, 1), "dev": (0,), "test": (1,)}[part]
    return {
        shape: tuple(str(t) for i, t in enumerate(templates) if i % 2 in keep) for shape, templates in shapes.items()
    }


def measure(index: FactIndex, all_cases: list[Case]) -> list[Row]:
    """Run the exact checks on both texts of every case; one row per (shape, wording), in template order."""
    rows: dict[tuple[str, str], Row] = {}
    for case in all_cases:
        row = rows.setdefault((case.shape, case.wording), Row(case.shape, case.wording, missed=[]))
        row.n += 1
        kind = KIND.get(case.shape, case.shape)
        wrong = {c.status for c in check_claims(case.wrong, index) if c.kind == kind}
        right = {c.status for c in check_claims(case.right, index) if c.kind == kind}
        row.caught += "contradicted" in wrong
        row.read += "supported" in right and "contradicted" not in right
        row.false += "contradicted" in right
        if "contradicted" not in wrong and row.missed is not None:
            row.missed.append(case.fact)
    return list(rows.values())


def table(rows: list[Row], *, hide_wordings: bool = False) -> str:
    """The results table; ``hide_wordings`` numbers the wordings instead of printing them (a test half stays
    unread by whoever tunes the checks)."""
    lines = [
        "| shape | wording | facts | caught (wrong value contradicted) | read (true value supported) | false alarms |",
        "|---|---|---|---|---|---|",
    ]
    number: dict[str, int] = {}
    for r in rows:
        number[r.shape] = number.get(r.shape, 0) + 1
        wording = f"#{number[r.shape]}" if hide_wordings else f"`{r.wording}`"
        lines.append(f"| {r.shape} | {wording} | {r.n} | {r.caught / r.n:.2f} | {r.read / r.n:.2f} | {r.false} |")
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
    parser.add_argument(
        "--wordings", type=Path, help="templates from this YAML instead of the built-in ones (e.g. the blind set)"
    )
    parser.add_argument(
        "--part",
        choices=("all", "dev", "test"),
        default="all",
        help="with --wordings: only this half of the file (default all; never tune on 'test')",
    )
    args = parser.parse_args(argv)
    if args.part != "all" and not args.wordings:
        parser.error("--part needs --wordings")
    if args.misses and args.part != "dev" and args.wordings:
        parser.error("--misses with --wordings lists only the dev half (--part dev): the test half stays unread")
    wordings = load_wordings(args.wordings, args.part) if args.wordings else None
    rows = measure(default_index(), cases(args.seed, args.per_shape, wordings))
    text = table(rows, hide_wordings=args.part == "test")
    print(text)
    if args.misses:
        for r in rows:
            if r.missed:
                print(f"\n{r.shape} `{r.wording}` missed: " + "; ".join(r.missed))
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = f"-{args.wordings.stem.replace('_', '-')}" if args.wordings else ""
    suffix += f"-{args.part}" if args.part != "all" else ""
    path = args.out / f"{dt.date.today().isoformat()}-paraphrase-exact{suffix}.md"
    source = f"templates from `{args.wordings}`" if args.wordings else "the built-in templates"
    path.write_text(
        f"# Exact checks: paraphrase stress set (seed {args.seed}, {args.per_shape} facts per shape, {source})\n\n"
        f"Produced by `python -m evals.paraphrase{' --wordings ' + str(args.wordings) if args.wordings else ''}"
        f"{' --part ' + args.part if args.part != 'all' else ''}`; "
        f"see the module docstring for what the columns mean.\n\n{text}\n",
        encoding="utf-8",
    )
    print(f"\nwritten: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
