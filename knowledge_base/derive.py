"""Derive the curated knowledge-base tables in ``knowledge_base/data/`` from the public data in ``../shared/data``.

Usage::

    .venv/bin/python knowledge_base/derive.py --shared ../shared/data

Every table is written as gzip-compressed JSON Lines (one record per line, ``mtime=0`` in the gzip header, keys in
a fixed order), so re-running on the same inputs gives byte-identical files. ``manifest.json`` records the row
count of every table and the sha256 of every source file, which ``audit kb check`` compares against.

The record shapes are the ones ``agent.kb.sources`` validates on load; change both together.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

logger = logging.getLogger("knowledge_base.derive")

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "data"
SCHEMA_VERSION = 1

LICENCE_FILMS = (
    "compilation MIT (prust/wikipedia-movie-data, commit 91ae721); extract text from Wikipedia, CC BY-SA 4.0"
)
LICENCE_OSCARS = "BSD-2-Clause, (c) 2022 David V. Lu!! (DLu/oscar_data, commit c5e9716), Academy Awards Database"
LICENCE_EMMYS = "Television Academy public awards search (Kaggle 'Emmy Awards, 1949-2019')"
LICENCE_EPISODES = "facts from Wikipedia episode lists, CC BY-SA 4.0"
LICENCE_STREAMING = "Shivam Bansal's public catalogue datasets (Kaggle), CC0"
LICENCE_COMICS = "CC BY 4.0, FiveThirtyEight (fivethirtyeight/data)"

# Known slips in the sources, recorded as corrections next to the source value (never silently overwritten).
COMIC_CORRECTIONS: dict[tuple[str, str], list[dict[str, str]]] = {
    ("marvel", "Thor (Thor Odinson)"): [
        {
            "field": "year",
            "source_value": "1950",
            "corrected_value": "1962",
            "note": "Known slip in the FiveThirtyEight data (noted in shared/data/README.md): Thor's first "
            "appearance reads 1950 (Nov-50) but is 1962.",
        }
    ],
}

SERIES = {
    "game_of_thrones.csv": ("game-of-thrones", "Game of Thrones"),
    "the_office_us.csv": ("the-office-us", "The Office"),
    "friends.csv": ("friends", "Friends"),
    "the_simpsons.csv": ("the-simpsons", "The Simpsons"),
}
SERVICES = {
    "netflix.csv": "netflix",
    "disney_plus.csv": "disney-plus",
    "hulu.csv": "hulu",
    "amazon_prime.csv": "amazon-prime",
}

_LEAD_TITLE = re.compile(r"^(?P<title>[^\n]{1,200}?)\s+(?:\([^)]*\)\s+)?(?:is|was|are|were)\s+(?:a|an|the)\s")
_CREDIT_SPLIT = re.compile(r"\s*(?:&|\||;|,\s*and\s+|\band\b|,)\s*")
# Some source cells glue two credits together ("Mike SikowitzMichael Borkow", "O'Brien (wraparounds)Greg").
_GLUED = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z]+ [A-Z])|(?<=\))(?=[A-Z])")
_PAREN = re.compile(r"\s*\([^)]*\)")
_STORY_TELEPLAY = re.compile(r"(Story by|Teleplay by)\s*[\u200a\s]*:\s*", re.IGNORECASE)


# ------------------------------------------------------------------------------------------------------------
# helpers


def _clean(text: str | None) -> str:
    return " ".join((text or "").replace("\u200a", " ").split())


def split_names(text: str | None) -> list[str]:
    """Split a credit like ``"David Benioff & D. B. Weiss"`` or ``"A, B and C"`` into names (order kept)."""
    value = _clean(text)
    if not value or value.upper() in {"TBA", "TBD", "N/A"}:
        return []
    value = _GLUED.sub(" & ", value)
    names = [_PAREN.sub("", n).strip(" ,") for n in _CREDIT_SPLIT.split(value)]
    out: list[str] = []
    for name in names:
        if name and name not in out:
            out.append(name)
    return out


def parse_writers(text: str | None) -> tuple[list[str], list[str], list[str]]:
    """Writers of an episode: (all writers, story by, teleplay by); handles ``Story by: X Teleplay by: Y``.

    A few source cells repeat the pair or glue a name in front of ``Story by``; every name found is kept once.
    """
    raw = (text or "").replace("\u200a", " ")
    if not _STORY_TELEPLAY.search(raw):
        names = split_names(raw)
        return names, [], []
    story: list[str] = []
    teleplay: list[str] = []
    writers: list[str] = []
    parts = _STORY_TELEPLAY.split(raw)
    # parts = [prefix, label, names, label, names, ...]
    for name in split_names(parts[0]):
        writers.append(name)
    for label, names in zip(parts[1::2], parts[2::2], strict=True):
        target = story if label.lower().startswith("story") else teleplay
        for name in split_names(names):
            if name not in target:
                target.append(name)
    for name in story + teleplay:
        if name not in writers:
            writers.append(name)
    return writers, story, teleplay


def _date(value: str, fmts: Iterable[str]) -> str | None:
    value = _clean(value)
    for fmt in fmts:
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _int(value: str | None) -> int | None:
    value = _clean(value)
    return int(value) if value.isdigit() else None


def _split_list(value: str | None, sep: str = ",") -> list[str]:
    return [v.strip() for v in _clean(value).split(sep) if v.strip()]


def _read_csv(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            {k: (v or "") for k, v in row.items() if k is not None} for row in csv.DictReader(fh, delimiter=delimiter)
        ]


# ------------------------------------------------------------------------------------------------------------
# tables


def _lead_title(extract: str) -> str | None:
    """The title the article's lead sentence gives (it can be the UK title, or an alternative title)."""
    match = _LEAD_TITLE.match(_clean(extract))
    if not match:
        return None
    lead = re.split(r",? (?:also\b|or simply|released|known|originally|\()|, or ", match.group("title"))[0]
    return lead.strip(" ,") or None


def derive_films(src: Path) -> Iterator[dict[str, Any]]:
    """Every film of the Wikipedia movie lists; ids ``film:<href>`` (unique; re-listed hrefs get ``~<year>``).

    A row that repeats an earlier row's article and year is the same film listed twice (22 such rows): its cast and
    genres are added to the first row's instead of making a second record, so the title names one film.
    """
    seen: set[str] = set()
    listed: dict[tuple[str, int], dict[str, Any]] = {}
    films: list[dict[str, Any]] = []
    for path in sorted((src / "wikipedia_movies").glob("movies-*.json")):
        rows = json.loads(path.read_text(encoding="utf-8"))
        for row in rows:
            title = _clean(row["title"])
            year = int(row["year"])
            href = row.get("href") or None
            cast = [_clean(c) for c in row.get("cast") or [] if _clean(c)]
            genres = [_clean(g) for g in row.get("genres") or [] if _clean(g)]
            first = listed.get((href, year)) if href else None
            if first is not None:
                first["cast"] += [c for c in cast if c not in first["cast"]]
                first["genres"] += [g for g in genres if g not in first["genres"]]
                continue
            base = f"film:{href}" if href else f"film:nohref:{title.replace(' ', '_')}_({year})"
            rid = base if base not in seen else f"{base}~{year}"
            n = 2
            while rid in seen:
                rid = f"{base}~{year}~{n}"
                n += 1
            seen.add(rid)
            extract = (row.get("extract") or "").strip()
            lead = _lead_title(extract)
            film = {
                "id": rid,
                "title": title,
                "year": year,
                "cast": cast,
                "genres": genres,
                "href": href,
                "url": f"https://en.wikipedia.org/wiki/{href}" if href else None,
                "extract": extract,
                "lead_title": lead,
                "upcoming": "upcoming" in extract.lower() and year >= 2022,
                "source": path.name,
                "licence": LICENCE_FILMS,
            }
            films.append(film)
            if href:
                listed[(href, year)] = film
    yield from films


def derive_oscars(src: Path) -> Iterator[dict[str, Any]]:
    """Every Academy Award nomination; ``oscar:<n>`` with n the 1-based data row of ``oscars.tsv``."""
    for n, row in enumerate(_read_csv(src / "oscars" / "oscars.tsv", delimiter="\t"), start=1):
        label = row["Year"]
        years = [int(y) for y in re.findall(r"\d{2,4}", label)]
        first = years[0]
        last = years[-1] if years[-1] > 100 else (first // 100) * 100 + years[-1]
        yield {
            "id": f"oscar:{n}",
            "ceremony": int(row["Ceremony"]),
            "year_label": label,
            "film_year": first,
            "ceremony_year": last + 1,
            "award_class": row["Class"],
            "canonical_category": row["CanonicalCategory"],
            "category": row["Category"],
            "films": _split_list(row["Film"], "|"),
            "film_ids": _split_list(row["FilmId"], "|"),
            "name": _clean(row["Name"]),
            "nominees": _split_list(row["Nominees"], "|"),
            "nominee_ids": _split_list(row["NomineeIds"], "|"),
            "winner": row["Winner"].strip() == "True",
            "detail": _split_list(row["Detail"], "|"),
            "note": _clean(row["Note"]),
            "citation": _clean(row["Citation"]),
            "source": "oscars.tsv",
            "licence": LICENCE_OSCARS,
        }


def _emmy_credits(staff: str) -> list[dict[str, str]]:
    credits = []
    for part in staff.split(";"):
        part = _clean(part)
        if not part:
            continue
        name, _, role = part.partition(",")
        role = _clean(role)
        character = role[3:].strip() if role.lower().startswith("as ") else ""
        credits.append({"name": name.strip(), "role": role, "character": character})
    return credits


def derive_emmys(src: Path) -> Iterator[dict[str, Any]]:
    """Every Primetime Emmy nomination; ``emmy:<id>`` with the source's own id column."""
    for row in _read_csv(src / "emmys" / "emmy_nominations.csv"):
        yield {
            "id": f"emmy:{row['id']}",
            "year": int(row["year"]),
            "category": _clean(row["category"]),
            "nominee": _clean(row["nominee"]),
            "staff": _clean(row["staff"]),
            "credits": _emmy_credits(row["staff"]),
            "company": _clean(row["company"]),
            "producer": _clean(row["producer"]),
            "winner": row["win"].strip() == "True",
            "source": "emmy_nominations.csv",
            "licence": LICENCE_EMMYS,
        }


def _episode(slug: str, series: str, source: str, **fields: Any) -> dict[str, Any]:
    season, episode = fields["season"], fields["episode"]
    if fields.pop("special_n", None) is not None:
        rid = f"episode:{slug}:special-{fields['number_label']}"
    else:
        rid = f"episode:{slug}:s{season:02d}e{episode:02d}"
    writers, story, teleplay = parse_writers(fields.pop("written_by"))
    return {
        "id": rid,
        "series": series,
        "series_slug": slug,
        "season": season,
        "episode": episode,
        "episode_end": fields.get("episode_end"),
        "number_in_series": fields.get("number_in_series"),
        "numbering": fields["numbering"],
        "title": _clean(fields["title"]),
        "air_date": fields.get("air_date"),
        "air_date_raw": _clean(fields.get("air_date_raw")),
        "directors": split_names(fields.get("directed_by")),
        "writers": writers,
        "story_by": story,
        "teleplay_by": teleplay,
        "production_code": _clean(fields.get("production_code")) or None,
        "guest_stars": _split_list(fields.get("guest_stars")),
        "source": source,
        "licence": LICENCE_EPISODES,
    }


def derive_episodes(src: Path) -> Iterator[dict[str, Any]]:
    """Episode guides; ids ``episode:<series-slug>:s03e09`` (Friends specials: ``special-<n>``)."""
    folder = src / "tv_episodes"
    for name, (slug, series) in SERIES.items():
        rows = _read_csv(folder / name)
        per_season: dict[int, int] = {}
        specials = 0
        for row in rows:
            fields: dict[str, Any] = {"title": row["title"], "directed_by": row.get("directed_by")}
            fields["written_by"] = row.get("written_by")
            if name == "friends.csv":
                codes = re.findall(r"(\d+)-(\d+)", row["code"])
                fields["air_date_raw"] = row["air_date"]
                fields["air_date"] = _date(row["air_date"], ["%m/%d/%y"])
                if not codes:
                    specials += 1
                    fields.update(season=None, episode=None, special_n=specials, number_label=specials)
                    fields["numbering"] = "special (no season/episode number in the source)"
                else:
                    fields["season"], fields["episode"] = int(codes[0][0]), int(codes[0][1])
                    fields["episode_end"] = int(codes[-1][1]) if len(codes) > 1 else None
                    fields["numbering"] = "source code"
            elif name == "the_office_us.csv":
                season = int(row["season"])
                per_season[season] = per_season.get(season, 0) + 1
                fields.update(season=season, episode=per_season[season], guest_stars=row.get("guest_stars"))
                fields["air_date_raw"] = row["air_date"]
                fields["air_date"] = _date(row["air_date"], ["%d %B %Y"])
                fields["numbering"] = "row order within the season (the source has no episode numbers)"
            else:
                fields["season"] = int(row["season"])
                fields["episode"] = int(row.get("episode") or row.get("number_in_season") or 0)
                fields["number_in_series"] = _int(row.get("number_in_series"))
                fields["production_code"] = row.get("production_code")
                fields["air_date_raw"] = row.get("original_air_date", "")
                fields["air_date"] = _date(row.get("original_air_date", ""), ["%Y-%m-%d"])
                fields["numbering"] = "source season/episode"
            yield _episode(slug, series, name, **fields)


def derive_streaming(src: Path) -> Iterator[dict[str, Any]]:
    """Catalogue rows; ``streaming:<service>:<n>`` with n the 1-based data row (the files carry no show id)."""
    for name, service in SERVICES.items():
        for n, row in enumerate(_read_csv(src / "streaming_catalogs" / name), start=1):
            duration = _clean(row["duration"])
            seasons = re.fullmatch(r"(\d+) Seasons?", duration)
            yield {
                "id": f"streaming:{service}:{n}",
                "service": service,
                "platform": _clean(row["platform"]),
                "type": _clean(row["type"]),
                "title": _clean(row["title"]),
                "directors": _split_list(row["director"]),
                "cast": _split_list(row["cast"]),
                "countries": _split_list(row["country"]),
                "date_added": _date(row["date_added"], ["%d-%b-%y", "%B %d, %Y"]),
                "release_year": _int(row["release_year"]),
                "rating": _clean(row["rating"]),
                "duration": duration,
                "seasons": int(seasons.group(1)) if seasons else None,
                "genres": _split_list(row["listed_in"]),
                "source": name,
                "licence": LICENCE_STREAMING,
            }


def derive_comics(src: Path) -> Iterator[dict[str, Any]]:
    """Marvel and DC wiki characters; ``comic:<publisher>:<page_id>``."""
    for name, publisher in (("marvel-wikia-data.csv", "marvel"), ("dc-wikia-data.csv", "dc")):
        for row in _read_csv(src / "comic_characters" / name):
            cname = _clean(row["name"])
            yield {
                "id": f"comic:{publisher}:{row['page_id']}",
                "publisher": publisher,
                "name": cname,
                "urlslug": row["urlslug"].replace("\\/", "/"),
                "identity": _clean(row["ID"]),
                "alignment": _clean(row["ALIGN"]),
                "eye": _clean(row["EYE"]),
                "hair": _clean(row["HAIR"]),
                "sex": _clean(row["SEX"]),
                "gsm": _clean(row["GSM"]),
                "alive": _clean(row["ALIVE"]),
                "appearances": _int(row["APPEARANCES"]),
                "first_appearance": _clean(row["FIRST APPEARANCE"]),
                "year": _int(row.get("YEAR") or row.get("Year")),
                "corrections": COMIC_CORRECTIONS.get((publisher, cname), []),
                "source": name,
                "licence": LICENCE_COMICS,
            }


def derive_avengers(src: Path) -> Iterator[dict[str, Any]]:
    """The 173 Avengers of ``avengers.csv``; ``comic:avengers:<n>`` with n the 1-based data row."""
    for n, row in enumerate(_read_csv(src / "comic_characters" / "avengers.csv"), start=1):
        deaths = [row.get(f"Death{i}", "").strip().upper() == "YES" for i in range(1, 6)]
        returns = [row.get(f"Return{i}", "").strip().upper() == "YES" for i in range(1, 6)]
        yield {
            "id": f"comic:avengers:{n}",
            "publisher": "marvel",
            "name": _clean(row["Name/Alias"]),
            "url": _clean(row["URL"]),
            "appearances": _int(row["Appearances"]),
            "current": row["Current?"].strip().upper() == "YES",
            "gender": _clean(row["Gender"]),
            "probationary_intro": _clean(row["Probationary Introl"]),
            "full_reserve_intro": _clean(row["Full/Reserve Avengers Intro"]),
            "year_joined": _int(row["Year"]),
            "honorary": _clean(row["Honorary"]),
            "deaths": sum(deaths),
            "returns": sum(returns),
            "notes": _clean(row["Notes"]),
            "source": "avengers.csv",
            "licence": LICENCE_COMICS,
        }


TABLES = {
    "films": derive_films,
    "oscars": derive_oscars,
    "emmys": derive_emmys,
    "episodes": derive_episodes,
    "streaming": derive_streaming,
    "comics": derive_comics,
    "avengers": derive_avengers,
}


# ------------------------------------------------------------------------------------------------------------
# writing


def write_jsonl_gz(path: Path, records: Iterable[dict[str, Any]]) -> tuple[int, str]:
    """Write records as deterministic gzip JSON Lines; returns (row count, sha256 of the uncompressed text)."""
    buf = io.StringIO()
    count = 0
    for rec in records:
        buf.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")))
        buf.write("\n")
        count += 1
    data = buf.getvalue().encode("utf-8")
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    path.write_bytes(out.getvalue())
    return count, hashlib.sha256(data).hexdigest()


def _source_hashes(src: Path) -> dict[str, str]:
    return {
        str(p.relative_to(src)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(src.rglob("*"))
        if p.is_file()
    }


def derive(shared: Path, out_dir: Path = OUT_DIR) -> dict[str, Any]:
    """Derive every table from ``shared`` (the ``shared/data`` folder) into ``out_dir``; returns the manifest."""
    src = shared / "kb_sources"
    if not src.is_dir():
        raise SystemExit(f"error: {src} not found; pass --shared pointing at the shared/data folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    tables: dict[str, dict[str, Any]] = {}
    for name, fn in TABLES.items():
        count, digest = write_jsonl_gz(out_dir / f"{name}.jsonl.gz", fn(src))
        tables[name] = {"file": f"{name}.jsonl.gz", "rows": count, "sha256": digest}
        logger.info("%s: %d rows", name, count)
    # Every source row is accounted for: the film rows listed twice (same article, same year) were merged.
    listed = sum(
        len(json.loads(p.read_text(encoding="utf-8"))) for p in (src / "wikipedia_movies").glob("movies-*.json")
    )
    tables["films"]["source_rows"] = listed
    logger.info("films: %d source rows, %d listed twice and merged", listed, listed - tables["films"]["rows"])
    manifest = {"schema_version": SCHEMA_VERSION, "tables": tables, "sources": _source_hashes(src)}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    manifest = derive(args.shared, args.out)
    total = sum(t["rows"] for t in manifest["tables"].values())
    logger.info("wrote %d rows in %d tables to %s", total, len(manifest["tables"]), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
