"""The passages collection in Chroma: build (incremental), open, stats, check, query.

Embedded by default: a ``PersistentClient`` under ``settings.kb_dir``. With ``--chroma-url`` (or
``AUDIT_CHROMA_URL``) the same code talks to a ``chroma run`` server through ``HttpClient``.

Every passage stores a content hash in its metadata. A build embeds only passages whose hash is new or changed and
deletes the ids that are no longer produced, so a second build with nothing changed embeds nothing, and an
interrupted build resumes where it stopped. The collection's metadata records the embedding model id; opening it
with another model is refused.

Chroma's search is approximate (an HNSW graph), and a local collection keeps its last writes in a log until
``sync_threshold`` of them have piled up, replaying that tail into the graph, in no fixed order, every time a
process opens it. Both made the dense neighbours of a sentence differ from the exact ones and from one process to
the next. So the collection is created with a wide search (``HNSW``; on the 11k-passage default KB its top 5 then
match an exact cosine search's), and every build ends with nothing left in the log (``KnowledgeBase.flush``).
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.collection_configuration import CreateHNSWConfiguration, UpdateHNSWConfiguration
from chromadb.api.models.Collection import Collection
from chromadb.api.types import Embedding, GetResult, Include
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError, NotFoundError
from pydantic import BaseModel, ConfigDict
from tqdm import tqdm

from agent.errors import ConfigError, KnowledgeBaseError
from agent.kb.embeddings import embedding_function, embedding_model_id
from agent.kb.passages import Passage
from agent.settings import Settings

logger = logging.getLogger(__name__)

COLLECTION = "kb_passages"
SCHEMA_VERSION = 1
_PAGE = 5000
# The HNSW graph and search settings of a new collection. Measured on the default KB (11,435 passages, 292 response
# sentences, top 5 against a numpy brute force over the stored vectors): Chroma's defaults (16 neighbours,
# ef_construction 100, ef_search 100) return 0.72 of the exact top 5; these return all of them.
HNSW: CreateHNSWConfiguration = {
    "space": "cosine",
    "max_neighbors": 32,
    "ef_construction": 400,
    "ef_search": 2000,
    "sync_threshold": 100,
}
# The part an existing collection can take without a rebuild (graph settings are fixed at creation); on the
# default KB built with the defaults it lifts the exact-top-5 share from 0.72 to 0.99.
HNSW_UPDATE: UpdateHNSWConfiguration = {"ef_search": HNSW["ef_search"], "sync_threshold": HNSW["sync_threshold"]}


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BuildReport(_Record):
    """What one build did."""

    total: int
    added: int
    updated: int = 0  # text changed: re-embedded
    relabelled: int = 0  # only metadata changed: rewritten without embedding
    deleted: int
    unchanged: int
    seconds: float
    embed_seconds: float

    @property
    def embedded(self) -> int:
        return self.added + self.updated


class KBStats(_Record):
    """What ``audit kb stats`` shows."""

    location: str
    model: str
    profile: str | None
    built_at: str | None
    count: int
    by_type: dict[str, int]
    by_source: dict[str, int]
    disk_bytes: int | None


class StoredPassage(_Record):
    """A passage as read back from Chroma; ``distance`` is cosine distance for query results."""

    id: str
    text: str
    metadata: dict[str, Any]
    distance: float | None = None


def parse_chroma_url(url: str) -> tuple[str, int, bool]:
    """``http(s)://host:port`` -> (host, port, ssl).

    Raises:
        ConfigError: the URL has no host or another scheme.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"chroma url {url!r} must look like http://localhost:8000 (scheme http or https, a host)")
    ssl = parts.scheme == "https"
    return parts.hostname, parts.port or (443 if ssl else 8000), ssl


def make_client(settings: Settings, chroma_url: str | None = None) -> tuple[ClientAPI, str]:
    """A Chroma client and a human-readable location: the server at ``chroma_url``, else the local folder."""
    url = chroma_url or settings.chroma_url
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if url:
        host, port, ssl = parse_chroma_url(url)
        try:
            return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings), url
        except ValueError as e:
            raise KnowledgeBaseError(
                f"cannot reach the Chroma server at {url} ({e}); start one with "
                f"`chroma run --path .audit/chroma-server --port {port}` or drop --chroma-url to use the local KB"
            ) from e
    path = settings.kb_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings), str(path)


class KnowledgeBase:
    """The passages collection plus the embedding function its vectors were made with."""

    def __init__(self, settings: Settings, *, chroma_url: str | None = None, create: bool = False) -> None:
        """Open the collection (create it when ``create``); refuse one built with another embedding model.

        Raises:
            KnowledgeBaseError: no KB yet (and not ``create``), the server is unreachable, or the model differs.
        """
        self.settings = settings
        self.model_id = embedding_model_id(settings)
        self.embedder = embedding_function(settings)
        self.client, self.location = make_client(settings, chroma_url)
        self.is_local = not (chroma_url or settings.chroma_url)
        self.collection = self._open(create)

    def _open(self, create: bool) -> Collection:
        try:
            collection = self.client.get_collection(COLLECTION)
        except NotFoundError as e:
            if not create:
                raise KnowledgeBaseError(f"no knowledge base at {self.location}; build it with `audit kb build`") from e
            return self._create()
        stored = (collection.metadata or {}).get("embedding_model")
        if stored != self.model_id:
            raise KnowledgeBaseError(
                f"the knowledge base at {self.location} was embedded with {stored!r}, but the settings ask for "
                f"{self.model_id!r}; vectors of two models cannot be mixed. Set AUDIT_EMBEDDING back, or rebuild "
                "it with `audit kb build --rebuild`"
            )
        stale = _stale_search_settings(collection)
        if stale:
            logger.warning(
                "the knowledge base at %s searches with older settings (%s); its dense results are approximate. "
                "`audit kb build` updates them (no re-embedding)",
                self.location,
                ", ".join(stale),
            )
        return collection

    def _create(self) -> Collection:
        logger.info("creating collection %s at %s (%s)", COLLECTION, self.location, self.model_id)
        return self.client.create_collection(
            COLLECTION,
            embedding_function=self.embedder,  # type: ignore[arg-type]
            configuration={"hnsw": HNSW.copy()},
            metadata=self._metadata(profile=None),
        )

    def _metadata(self, profile: str | None) -> dict[str, str | int]:
        meta: dict[str, str | int] = {"embedding_model": self.model_id, "schema_version": SCHEMA_VERSION}
        if profile is not None:
            meta["profile"] = profile
            meta["built_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        return meta

    @classmethod
    def rebuild(cls, settings: Settings, *, chroma_url: str | None = None) -> KnowledgeBase:
        """Drop the collection (whatever model it has) and start an empty one."""
        client, location = make_client(settings, chroma_url)
        try:
            client.delete_collection(COLLECTION)
            logger.warning("deleted collection %s at %s for a rebuild", COLLECTION, location)
        except NotFoundError:
            pass
        return cls(settings, chroma_url=chroma_url, create=True)

    # -- reading -----------------------------------------------------------------------------------------

    def count(self) -> int:
        return int(self.collection.count())

    def _pages(self, include: Include) -> Iterator[GetResult]:
        """Every stored passage, ``_PAGE`` at a time, with the fields in ``include``."""
        for offset in range(0, self.count(), _PAGE):
            yield self.collection.get(include=include, limit=_PAGE, offset=offset)

    def iter_metadata(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """(id, metadata) of every stored passage, paged."""
        for page in self._pages(["metadatas"]):
            for pid, meta in zip(page["ids"], page["metadatas"] or [], strict=True):
                yield pid, meta or {}

    def iter_vectors(self) -> Iterator[tuple[list[str], Any]]:
        """(ids, embeddings) of every stored passage, a page at a time (embeddings as Chroma returns them)."""
        for page in self._pages(["embeddings"]):
            yield list(page["ids"]), page["embeddings"] if page["embeddings"] is not None else []

    def unpersisted(self) -> int | None:
        """Writes of a local collection still in Chroma's log, not yet in the saved HNSW graph (each open replays
        them in no fixed order); None for a server, or when Chroma's files do not say.

        Reads Chroma's own bookkeeping (``chroma.sqlite3``: the sequence id each segment has reached), read-only.
        """
        if not self.is_local:
            return None
        db = Path(self.location) / "chroma.sqlite3"
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
                rows = con.execute(
                    "SELECT s.type, m.seq_id FROM max_seq_id m JOIN segments s ON s.id = m.segment_id "
                    "WHERE s.collection = ?",
                    (str(self.collection.id),),
                ).fetchall()
        except sqlite3.Error as e:
            logger.debug("cannot read Chroma's sequence ids at %s: %s", db, e)
            return None
        seq = {kind.rsplit("/", 2)[-2]: int(value) for kind, value in rows if "/" in kind}
        if "metadata" not in seq:
            return None
        return seq["metadata"] - seq.get("vector", 0)

    def stored_hashes(self) -> dict[str, tuple[str, str]]:
        """id -> (content hash, text hash) of every stored passage."""
        return {pid: (str(meta.get("hash", "")), str(meta.get("text_hash", ""))) for pid, meta in self.iter_metadata()}

    def get(self, ids: Sequence[str]) -> list[StoredPassage]:
        """Stored passages by id (missing ids are skipped), in the order given."""
        if not ids:
            return []
        page = self.collection.get(ids=list(ids), include=["documents", "metadatas"])
        found = {
            pid: StoredPassage(id=pid, text=doc or "", metadata=dict(meta or {}))
            for pid, doc, meta in zip(page["ids"], page["documents"] or [], page["metadatas"] or [], strict=True)
        }
        return [found[i] for i in ids if i in found]

    def where_get(self, where: dict[str, Any], limit: int) -> list[StoredPassage]:
        """Passages whose metadata matches ``where`` (Chroma syntax), at most ``limit``."""
        page = self.collection.get(where=where, limit=limit, include=["documents", "metadatas"])
        return [
            StoredPassage(id=pid, text=doc or "", metadata=dict(meta or {}))
            for pid, doc, meta in zip(page["ids"], page["documents"] or [], page["metadatas"] or [], strict=True)
        ]

    def query(self, text: str, k: int = 5, where: dict[str, Any] | None = None) -> list[StoredPassage]:
        """The ``k`` nearest passages to ``text`` (cosine), optionally filtered by metadata."""
        return self.nearest(self.embedder.embed_query([text])[0], k=k, where=where)

    def nearest(self, vector: Embedding, k: int = 5, where: dict[str, Any] | None = None) -> list[StoredPassage]:
        """The ``k`` nearest passages to an embedded query (cosine), optionally filtered by metadata."""
        result = self.collection.query(
            query_embeddings=[vector],
            n_results=k,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        ids = result["ids"][0]
        docs = (result["documents"] or [[]])[0]
        metas = (result["metadatas"] or [[]])[0]
        dists = (result["distances"] or [[]])[0]
        return [
            StoredPassage(id=pid, text=doc or "", metadata=dict(meta or {}), distance=float(dist))
            for pid, doc, meta, dist in zip(ids, docs, metas, dists, strict=True)
        ]

    def disk_bytes(self) -> int | None:
        """Bytes on disk of the local KB folder; None for a server."""
        if not self.is_local:
            return None
        return sum(p.stat().st_size for p in Path(self.location).rglob("*") if p.is_file())

    def stats(self) -> KBStats:
        by_type: Counter[str] = Counter()
        by_source: Counter[str] = Counter()
        for _, meta in self.iter_metadata():
            by_type[str(meta.get("type"))] += 1
            by_source[str(meta.get("source"))] += 1
        meta = self.collection.metadata or {}
        return KBStats(
            location=self.location,
            model=str(meta.get("embedding_model")),
            profile=meta.get("profile"),
            built_at=meta.get("built_at"),
            count=self.count(),
            by_type=dict(sorted(by_type.items())),
            by_source=dict(sorted(by_source.items())),
            disk_bytes=self.disk_bytes(),
        )

    # -- writing -----------------------------------------------------------------------------------------

    def build(
        self, passages: Sequence[Passage], *, profile: str, progress: bool = True, batch_size: int = 256
    ) -> BuildReport:
        """Make the collection hold exactly ``passages``: embed new/changed ones, delete the rest.

        Raises:
            KnowledgeBaseError: two passages share an id, or Chroma rejects a write.
        """
        started = time.perf_counter()
        wanted = _unique(passages)
        stored = self.stored_hashes()
        changed = [p for p in wanted.values() if stored.get(p.id, ("", ""))[0] != p.content_hash]
        relabel = [p for p in changed if p.id in stored and stored[p.id][1] == p.text_hash]
        todo = [p for p in changed if p.id not in stored or stored[p.id][1] != p.text_hash]
        stale = sorted(set(stored) - set(wanted))
        added = sum(1 for p in todo if p.id not in stored)
        embed_seconds = 0.0
        try:
            for start in range(0, len(stale), _PAGE):
                self.collection.delete(ids=stale[start : start + _PAGE])
            for start in range(0, len(relabel), _PAGE):
                batch = relabel[start : start + _PAGE]
                self.collection.update(ids=[p.id for p in batch], metadatas=[p.chroma_metadata() for p in batch])  # type: ignore[misc]
            bar = tqdm(total=len(todo), unit="passage", desc="embedding", file=sys.stderr, disable=not progress)
            with bar:
                for start in range(0, len(todo), batch_size):
                    batch = todo[start : start + batch_size]
                    t0 = time.perf_counter()
                    vectors = self.embedder([p.text for p in batch])
                    embed_seconds += time.perf_counter() - t0
                    self.collection.upsert(
                        ids=[p.id for p in batch],
                        embeddings=vectors,
                        documents=[p.text for p in batch],
                        metadatas=[p.chroma_metadata() for p in batch],  # type: ignore[misc]
                    )
                    bar.update(len(batch))
            self.collection.modify(metadata=self._metadata(profile))
            self.flush()
        except ChromaError as e:
            raise KnowledgeBaseError(
                f"Chroma rejected a write at {self.location}: {e}; rerun `audit kb build` (it resumes), or "
                "`audit kb build --rebuild` if it keeps failing"
            ) from e
        report = BuildReport(
            total=len(wanted),
            added=added,
            updated=len(todo) - added,
            relabelled=len(relabel),
            deleted=len(stale),
            unchanged=len(wanted) - len(changed),
            seconds=round(time.perf_counter() - started, 3),
            embed_seconds=round(embed_seconds, 3),
        )
        logger.info("kb build: %s", report.model_dump())
        return report

    def flush(self) -> None:
        """Bring the search settings up to ``HNSW_UPDATE`` and leave nothing in Chroma's log.

        Chroma saves the graph only once ``sync_threshold`` writes have piled up, so the last ones of a build stay in
        the log. Writing the last ``sync_threshold`` passages again, with their own stored vectors, documents and
        metadata, crosses the threshold and saves everything: seconds, nothing re-embedded, nothing changed.

        Raises:
            ChromaError: Chroma rejects a write (``build`` turns it into ``KnowledgeBaseError``).
        """
        # A modified sync_threshold takes effect when Chroma next loads the collection: this process still saves
        # at the old one, so the rewrite below must cross whichever is larger.
        threshold = max(HNSW_UPDATE["sync_threshold"], int(_hnsw_config(self.collection).get("sync_threshold") or 0))
        stale = _stale_search_settings(self.collection)
        if stale:
            logger.info("updating the search settings of %s: %s", self.location, ", ".join(stale))
            self.collection.modify(configuration={"hnsw": HNSW_UPDATE})
        pending = self.unpersisted()
        total = self.count()
        if pending == 0 or not total:
            return
        chunk = min(total, threshold)
        for _ in range(-(-threshold // chunk) + 1):  # a collection smaller than the threshold takes several rounds
            page = self.collection.get(
                limit=chunk, offset=total - chunk, include=["embeddings", "documents", "metadatas"]
            )
            self.collection.upsert(
                ids=page["ids"],
                embeddings=page["embeddings"],
                documents=page["documents"],
                metadatas=page["metadatas"],
            )
            pending = self.unpersisted()
            if pending is None or pending == 0:
                break
        if pending:
            logger.warning("%d writes are still in Chroma's log at %s; dense results may vary", pending, self.location)
        else:
            logger.info("kb %s: every write saved in the search index", self.location)

    def check(self, passages: Sequence[Passage], *, profile: str | None = None) -> list[str]:
        """Integrity problems (empty when sound): model id, counts per type, missing/extra/stale passages."""
        problems: list[str] = []
        meta = self.collection.metadata or {}
        if meta.get("embedding_model") != self.model_id:
            problems.append(f"collection model {meta.get('embedding_model')!r} != settings model {self.model_id!r}")
        if profile is not None and meta.get("profile") != profile:
            problems.append(f"collection was built with profile {meta.get('profile')!r}, expected {profile!r}")
        stale = _stale_search_settings(self.collection)
        if stale:
            problems.append(f"search settings older than this version's ({', '.join(stale)}): dense search approximate")
        pending = self.unpersisted()
        if pending:
            problems.append(f"{pending} writes not yet in the saved search index (each open replays them in any order)")
        wanted = _unique(passages)
        stored: dict[str, str] = {}
        stored_types: Counter[str] = Counter()
        for pid, m in self.iter_metadata():
            stored[pid] = str(m.get("hash", ""))
            stored_types[str(m.get("type"))] += 1
        expected_types: Counter[str] = Counter(p.type for p in wanted.values())
        for kind in sorted(set(expected_types) | set(stored_types)):
            if expected_types[kind] != stored_types[kind]:
                problems.append(f"type {kind}: {stored_types[kind]} stored, sources give {expected_types[kind]}")
        missing = [pid for pid in wanted if pid not in stored]
        extra = [pid for pid in stored if pid not in wanted]
        changed = [pid for pid, p in wanted.items() if pid in stored and stored[pid] != p.content_hash]
        for label, ids in (("missing", missing), ("not in the sources", extra), ("out of date", changed)):
            if ids:
                problems.append(f"{len(ids)} passages {label}, e.g. {ids[:3]}")
        if problems:
            problems.append("fix: run `audit kb build` (only the differences are embedded)")
        return problems


def _hnsw_config(collection: Collection) -> dict[str, Any]:
    return dict((collection.configuration or {}).get("hnsw") or {})


def _stale_search_settings(collection: Collection) -> list[str]:
    """``key stored -> wanted`` for each modifiable HNSW setting that differs from ``HNSW``."""
    stored = _hnsw_config(collection)
    return [f"{key} {stored.get(key)} -> {wanted}" for key, wanted in HNSW_UPDATE.items() if stored.get(key) != wanted]


def _unique(passages: Sequence[Passage]) -> dict[str, Passage]:
    wanted: dict[str, Passage] = {}
    for p in passages:
        if p.id in wanted:
            raise KnowledgeBaseError(f"two passages share the id {p.id!r} (sources {p.source}); make the ids unique")
        wanted[p.id] = p
    return wanted
