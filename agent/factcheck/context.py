"""Shared state and entity resolution of the exact checks: sentences, the film a mention names, focus."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple, cast

from agent.kb.aliases import ARTICLES, TextMention, find_titles, tokens
from agent.kb.facts import FactIndex, FilmMatch
from agent.kb.sources import Episode, Film
from agent.models import Claim, ClaimStatus, Evidence, ResponseSide

logger = logging.getLogger(__name__)

MAX_YEAR_GAP = 3  # a stated year further off than this may be another film of the same title (a remake)
_SENTENCE_END = re.compile(
    r"(?<!\b[A-Z])(?<!\bInc)(?<!\bJr)(?<!\bSr)(?<!\bDr)(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bSt)(?<!\bvs)(?<!\bdir)"
    r"(?!(?<=\bBros)\.\s+(?:Pictures|Entertainment|Animation|Television|Family|Records|Studios?)\b)[.!?](?=\s+[\"“(A-Z])"
    r"|(?<!\b[A-Z])(?<!\bNo)[.!?](?=\s+[0-9])|\n+"
)
# A sentence whose subject is the film in focus: "It was directed by ...", "The film grossed ..."
IT_OPENS = re.compile(r"\s*(?:It|The film|The movie)\b")
# "it" / "the film" as the subject of a clause after a comma ("A sequel to Cars 2 (2011), the film was directed by ...")
FILM_AS_SUBJECT = re.compile(r",\s+(?P<it>it|the (?:film|movie))\s+(?=[a-z])")
# A source work named before its title: "based on the novel Cheaper by the Dozen (1948)", "the musical On Your Toes"
SOURCE_KINDS = r"novel|novella|book|play|musical|stage show|story|memoir|poem|opera|operetta|comic|comics|radio series"
SOURCE_WORK = re.compile(rf"\b(?:{SOURCE_KINDS})(?: of the same name)?\s+$")
# A person's name of two to four capitalised words, as short as the pattern around it allows ("Ridley Scott").
_NAME = r"(?:[A-Z][\w'’.-]+ ){1,3}?[A-Z][\w'’-]+"
_CLEFT = re.compile(r"^(?:It|That|This|Here|There)['’]s ")  # "It's X who directed ...": not part of the name


def _person(name: str) -> str:
    """A name matched by ``_NAME`` without a leading "It's" / "That's"."""
    return _CLEFT.sub("", name)


_CINEMAS = r"(?:theaters|theatres|cinemas|screens|the big screen)"
_RELEASED = (
    rf"(?:released|came out|premiered|opened|debuted|dates from|(?:hit|reached) {_CINEMAS}|arrived in {_CINEMAS})"
)
_MONTH = (
    r"(?:(?:early |late |mid-)?(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|[Ss]pring|[Ss]ummer|[Ff]all|[Aa]utumn|[Ww]inter)(?: of)? )"
)
_YEAR_AFTER = re.compile(
    r"^(?:\s*\((?:(?:first |originally )?released (?:in )?)?(?P<p>\d{4})\)|,? (?:which |that )?(?:was |is |were )?"
    rf"(?:first |originally )?{_RELEASED}(?: in {_CINEMAS})?(?: (?:back )?in)? {_MONTH}?(?P<r>\d{{4}})\b"
    r"|\s*(?:[—–:,-]\s*|\(\s*)(?:(?:[Rr]elease(?: year| date)?|[Yy]ear)\s*:|[Rr]eleased(?: in)?:?)\s*(?P<l>\d{4})\b"
    r"|,? (?:is |was )?from (?P<f>(?:19|20)\d\d)\b(?![\w'’-])"
    r"|\s*\((?P<q>(?:19|20)\d\d),|\s*\([Dd]ir(?:\.|ected by) [^()]{1,40}?,\s*(?P<d>(?:19|20)\d\d)\))"
)  # "(1994)", "was released in 1994", "first reached theaters back in 1994", "— release year: 1994", "is from 1994",
# "came out in October 1994", "(1994, dir. X)", "(dir. X, 1994)"
# A year stated before the title: "Released in 1994, Pulp Fiction ...", "the 1994 film Pulp Fiction", and "In 1994,
# Pulp Fiction ..." when a release verb follows the title (see ``_RELEASED_AFTER``).
_YEAR_BEFORE = re.compile(
    r"(?:\b(?:[Ff]irst |[Oo]riginally )?(?:[Rr]eleased|[Pp]remiered|[Oo]pened|[Dd]ebuted) in (?P<r>\d{4}),\s+"
    r"|\b(?:[Tt]he|[Hh]is|[Hh]er|[Tt]heir|[A-Z][\w.-]*['’]s) (?P<y>(?:19|20)\d\d) (?P<words>(?:[\w-]+ ){0,3}?)"
    r"(?:film|movie|blockbuster|picture|biopic),?\s+"  # not "drama", "musical", "thriller": plays and novels too
    r"|(?:^|[.!?]\s+|\n\s*)In (?P<v>(?:19|20)\d\d),\s+(?:[A-Z][\w.'’-]*\s+){1,3}(?:released|directed|made)\s+"
    r"|(?:^|[.!?]\s+|\n\s*)(?:In (?P<i>(?:19|20)\d\d),|It was in (?P<c>(?:19|20)\d\d) that)\s+"
    r"|\b(?P<s>(?:19|20)\d\d) saw the (?:release|premiere|debut) of\s+)$"
)
# "The release year of Heat is 1995", "Year of release for Heat: 1995": the label before, the year after the title
_YEAR_OF_BEFORE = re.compile(r"\b(?:[Tt]he )?(?:[Rr]elease year|[Yy]ear of release|[Rr]elease date) (?:of|for) $")
_YEAR_OF_AFTER = re.compile(r"^(?:\s+(?:is|was)|\s*:)\s*(?P<y>(?:19|20)\d\d)\b")
_RELEASED_AFTER = re.compile(rf"^,? (?:was |were )?(?:first |originally )?{_RELEASED}\b")
_IS_A_YEAR = re.compile(
    r"^(?:\s*\([^)]{0,60}\))?,? (?:is|was) an? (?P<y>(?:18|19|20)\d\d) (?:[\w-]+ ){0,4}?(?:film|movie|release)\b"
)
_PRONOUNS = frozenset({"He", "She", "They", "It", "This", "That", "These", "Both", "Who", "Which", "The"})
# number words the checks read ("three Oscars", "nine seasons")
_NUMBER_WORDS = {
    w: i for i, w in enumerate("one two three four five six seven eight nine ten eleven twelve".split(), start=1)
}


@dataclass
class _Context:
    """What one response is about so far: the film/episodes in focus, the series named, franchise words."""

    index: FactIndex
    text: str
    prompt: str
    side: ResponseSide
    series: str | None = None
    focus_film: Film | None = None
    asked_film: Film | None = None  # the one film the prompt names, if it names one
    focus_episodes: list[Episode] = field(default_factory=list)
    parts: dict[int, Episode] = field(default_factory=dict)  # the multi-part episode named last, by part number
    previous_films: list[Film] = field(default_factory=list)
    films_seen: list[tuple[int, int, Film]] = field(default_factory=list)  # every film mention so far
    prompt_keys: set[str] = field(default_factory=set)  # the titles the prompt names
    pinned: set[str] = field(default_factory=set)
    previous_titles: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    last_question: tuple[Film, str] | None = None  # the sentence before, when it asks about one film ("...?")

    @cached_property
    def words(self) -> str:
        """The prompt and the answer as normalised tokens, space-padded: `` the hobbit `` in ``words`` means said."""
        return " " + " ".join(tokens(self.prompt + " " + self.text)) + " "

    @cached_property
    def franchises_named(self) -> dict[str, set[str]]:
        """Every title said in the prompt or the answer that is a film's subtitle, with those films' franchises
        ("An Unexpected Journey" -> {"the hobbit"})."""
        said = find_titles(self.prompt + "\n" + self.text, self.index.has_title_key)
        return {
            m.key: {_franchise_words(f.film.title) for f in self.index.find_films(m.key, kinds=("subtitle",))}
            for m in said
        }

    def claim(
        self,
        span: tuple[int, int],
        status: str,
        kind: str,
        evidence: Sequence[Evidence],
        correction: str | None = None,
    ) -> None:
        start, end = span
        if start > 0 and self.text[start - 1] in '"“' and re.search(r"[\"”]", self.text[start:end]):
            start -= 1  # keep a quoted title's opening quote, so the claim reads as the response does
        opened = len(re.findall(r"[\"“”]", self.text[start:end]))
        if opened % 2 and end < len(self.text) and self.text[end] in '"”':
            end += 1  # and its closing quote
        text = self.text[start:end].strip() or self.text[start:end]
        if status == "contradicted" and not evidence:
            status, correction = "unverifiable", None
        if status != "contradicted":
            correction = None  # the contract: a correction is the evidence's value for a contradicted claim
        self.claims.append(
            Claim(
                text=text,
                status=cast(ClaimStatus, status),
                evidence=list(evidence),
                response=self.side,
                span=(start, end),
                method="exact",
                correction=correction,
                kind=kind,
            )
        )


_TABLE_LINE = re.compile(r"^[ \t]*\|[^\n]*$", re.MULTILINE)


class MarkdownTable(NamedTuple):
    """Spans of a markdown table's parts: the non-empty line before it, its header row and its data rows."""

    before: tuple[int, int]
    header: tuple[int, int]
    rows: list[tuple[int, int]]


def markdown_tables(text: str) -> list[MarkdownTable]:
    """Every markdown table with a header row and a separator row ("|---|")."""
    out: list[MarkdownTable] = []
    block: list[tuple[int, int]] = []
    for m in [*_TABLE_LINE.finditer(text), None]:
        if m is not None and (not block or text[block[-1][1] : m.start()].strip() == ""):
            block.append(m.span())
            continue
        if len(block) >= 3 and re.fullmatch(r"[\s|:-]+", text[block[1][0] : block[1][1]]):
            head = text[: block[0][0]].rstrip()
            h0 = head.rfind("\n") + 1
            out.append(MarkdownTable((h0, len(head)), block[0], block[2:]))
        block = [m.span()] if m is not None else []
    return out


def table_header(text: str, pos: int) -> str | None:
    """The first row of the markdown table whose row holds ``pos`` ("| Film | Year | Director |"); None outside a
    table."""
    line_start = text.rfind("\n", 0, pos) + 1
    if not text[line_start:].lstrip().startswith("|"):
        return None
    header = None
    for row in reversed(text[:line_start].rstrip("\n").split("\n")):
        if not row.lstrip().startswith("|"):
            break
        header = row
    return header


def _sentences(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.end() > start:
            out.append((start, match.end()))
        start = match.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


# "Office (US)", "the Office", and "Office" before a word about the show ("Which Office cast members ...")
_THE_OFFICE = re.compile(
    r"\b(?:[Tt]he )?Office \(U\.?S\.?\)|\b[Tt]he Office\b(?! \(U\.?K\.?\)| UK\b)"
    r"|\bOffice(?= (?:cast|episodes?|writers?|directors?|characters?|seasons?|series|finale|fans?"
    r"|(?:US|U\.S\.|American) (?:version|series|show)))"
)


def _series_in(index: FactIndex, text: str) -> str | None:
    found = {
        index.series_slug(m.group())
        for m in re.finditer(
            # "Barney & Friends" is not Friends
            r"Game of Thrones|The Office(?! \(U\.?K\.?\)| UK\b)|(?<!& )(?<!and )Friends|Simpsons",
            _THE_OFFICE.sub("The Office", text),
        )
    }
    found.discard(None)
    return found.pop() if len(found) == 1 else None


def _resolve_film(ctx: _Context, mention: TextMention, sentence: str) -> Film | None:
    """The one film a mention names, or None when the match is uncertain."""
    key = mention.key
    if ctx.index.series_slug(key) or re.match(r"\s+(?:is|was) an upcoming\b", ctx.text[mention.end :]):
        return None
    matches = ctx.index.find_films(key)
    if " " not in key:  # one word: "Lion" is not "The Lion"
        has_article = ctx.text[mention.start : mention.end].split()[0].lower() in ARTICLES
        matches = [m for m in matches if (m.film.title.split()[0].lower() in ARTICLES) == has_article]
    year = mention.year or _stated_year(ctx.text[mention.end : mention.end + 80])
    if year is not None:
        exact = [m for m in matches if year in _film_years(m.film)]
        # A stated year far from every candidate: another film of the same title (a remake, a TV film).
        matches = exact or [m for m in matches if min(abs(y - year) for y in _film_years(m.film)) <= MAX_YEAR_GAP]
    if matches and all(m.kind == "subtitle" for m in matches) and key not in ctx.prompt_keys:
        matches = [m for m in matches if _subtitle_names_film(ctx, m.film, key, year)]
    if len(matches) > 1 and (listed_twice := _one_article(matches)) is not None:
        return listed_twice
    if len(matches) > 1:
        rest = ctx.prompt + " " + ctx.text[: mention.start] + " " + ctx.text[mention.end :]
        context = " " + " ".join(tokens(rest)) + " "
        franchise = [m for m in matches if m.kind == "subtitle" and f" {_franchise_words(m.film.title)} " in context]
        people = [m for m in matches if _people_named(m.film, sentence)]
        exact_title = [m for m in matches if m.kind == "title"]
        for narrowed in (franchise, people, exact_title):
            if len(narrowed) == 1:
                return narrowed[0].film
        # Then the whole answer and prompt, for a title the prompt asks about or one that starts its sentence (a
        # subject, not a side mention: "Whiplash won three Oscars" after "J. K. Simmons ... it came out in 2014"):
        # the one same-title film whose people it names, or whose year it states.
        lead_in = re.split(r"[.!?:\n]", ctx.text[max(0, mention.start - 200) : mention.start])[-1]
        if key not in ctx.prompt_keys and not re.fullmatch(r"[\s*_\"“'‘(•#>-]*(?:\d{1,2}[.)]\s*)?", lead_in):
            return None
        whole = ctx.prompt + "\n" + ctx.text
        years = {int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", whole)}
        for narrowed in (
            [m for m in matches if _people_named(m.film, whole)],
            [m for m in matches if _film_years(m.film) & years],
        ):
            if len(narrowed) == 1:
                return narrowed[0].film
        return None
    return matches[0].film if matches else None


def _one_article(matches: Sequence[FilmMatch]) -> Film | None:
    """The film when every match is one Wikipedia article listed in two adjacent years (a festival and a release
    year: Return of the Fly in the 1958 and 1959 lists): the listing of the year its lead paragraph gives, else the
    first. None when the matches are different films."""
    films = [m.film for m in matches]
    if films[0].href is None or any(f.href != films[0].href for f in films):
        return None
    if max(f.year for f in films) - min(f.year for f in films) > 1:
        return None  # one article linked from far-apart years: a wrong link, not one film
    return next((f for f in films if f.year == f.lead_year()), films[0])


def _stated_year(after: str) -> int | None:
    m = _YEAR_AFTER.match(after) or _IS_A_YEAR.match(after)
    value = _year_of(m) if m else None
    return int(value) if value else None


def _year_of(m: re.Match[str]) -> str | None:
    """The year a ``_YEAR_AFTER`` / ``_IS_A_YEAR`` match states, whichever wording group matched."""
    return next((v for g in ("p", "r", "l", "f", "q", "d", "y") if (v := m.groupdict().get(g))), None)


def _other_version(ctx: _Context, film: Film) -> bool:
    """True when the Oscar data or a catalogue knows a film of this title from another year (a remake the
    film table lacks), so an attribute that disagrees may belong to that other film."""
    if film.id in ctx.pinned:
        return False
    years = _film_years(film)
    oscars = ctx.index.oscars_for_film(film.title)
    rows = ctx.index.streaming_titles(film.title)
    other = [o.film_year for o in oscars] + [r.release_year for r in rows if r.type == "Movie" and r.release_year]
    return any(min(abs(y - x) for x in years) > 1 for y in other)


def another_film_near(ctx: _Context, title: str, film: Film, stated: int) -> bool:
    """Another film whose exact title is ``title`` is within ``2 * MAX_YEAR_GAP`` of the stated year: a wrong year
    said of ``film`` may be that film's right one."""
    others = [m.film for m in ctx.index.find_films(title, kinds=("title",)) if m.film.id != film.id]
    return any(abs(o.year - stated) <= 2 * MAX_YEAR_GAP for o in others)


def _film_years(film: Film) -> set[int]:
    """The list year, and the year the lead paragraph or the article name gives (festival vs release year)."""
    years = {film.year}
    lead = film.lead_year()
    if lead is not None and abs(lead - film.year) <= 1:
        years.add(lead)
    href = re.search(r"\((\d{4})_", film.href or "")
    if href:
        years.add(int(href.group(1)))
    return years


def _subtitle_names_film(ctx: _Context, film: Film, key: str, year: int | None) -> bool:
    """Whether a subtitle said alone ("Apocalypse", "Hell!", "An Unexpected Journey") names ``film``: its year is
    stated with it, its franchise is named ("Resident Evil"), or another subtitle of the same franchise is
    ("An Unexpected Journey and The Battle of the Five Armies"). Else it is likely another work's title, or an
    everyday word."""
    if year is not None and year in _film_years(film):
        return True
    franchise = _franchise_words(film.title)
    if f" {franchise} " in ctx.words:
        return True
    return any(franchise in named for other, named in ctx.franchises_named.items() if other != key)


def _franchise_words(title: str) -> str:
    return " ".join(tokens(re.split(r":| – | - ", title)[0]))


def _people_named(film: Film, sentence: str) -> bool:
    lead = film.directed_by()
    people = [*film.cast, *(lead[0] if lead else [])]
    return any(p and p in sentence for p in people)


def _sentence_film(ctx: _Context, pos: int, films: list[tuple[int, int, Film]]) -> Film | None:
    """The film "it" means at ``pos``: the one film named earlier in the sentence, else the focus film."""
    earlier = list({f.id: f for s, _, f in films if s < pos}.values())
    if earlier:
        return earlier[0] if len(earlier) == 1 else None
    return ctx.focus_film


# A list line: "1. The One with Joey's New Brain — aired February 15, 2001", "- Rainn Wilson — "Sabre" (season 6)"
LIST_LINE = re.compile(r"\s*(?:[-*•+]|\d{1,2}[.)])\s+")


def list_heading(text: str, line_start: int) -> str:
    """The line above a list (skipping blank lines and its other items), or "" when there is none."""
    for line in reversed(text[:line_start].rstrip("\n").split("\n")):
        if not line.strip() or LIST_LINE.match(line):
            continue
        return line
    return ""


def only_asked_film_before(ctx: _Context, start: int) -> bool:
    """The prompt asks about one film, it is the film in focus, and the response names no other title before
    ``start``: a line such as "Director: Michael Curtiz" then speaks of the film asked about."""
    if ctx.asked_film is None or ctx.focus_film is not ctx.asked_film:
        return False
    return all(m.key in ctx.prompt_keys for m in find_titles(ctx.text[:start], ctx.index.has_title_key))


def _close(gap: str, limit: int) -> bool:
    """A credit phrase belongs to the title before it: short gap, no other quoted title, no clause break."""
    gap = gap.lstrip(".!?\"”’'")  # a title's own closing punctuation: "The One with Frank Jr." was ...
    return len(gap) <= limit and not re.search(r"[\"“”;:]", gap)


def _note_for(ctx: _Context, *titles: str) -> object | None:
    from agent.kb import notes as notes_module

    found = [notes_module.franchise_for_title(ctx.index.notes, t) for t in titles]
    return found[0] if found and found[0] is not None and all(f is found[0] for f in found) else None


def _note_evidence(note: object, section: str, lines: Sequence[str]) -> Evidence:
    meta = note.meta  # type: ignore[attr-defined]
    path = note.path  # type: ignore[attr-defined]
    return Evidence(
        passage_id=f"note:{meta.id}:{section}#0", source=f"franchises/{path.name}", quote="; ".join(lines)[:1500]
    )
