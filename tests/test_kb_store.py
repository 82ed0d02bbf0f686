"""The Chroma store: incremental builds, model-id guard, reopening, and the `chroma run` server path."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import chromadb
import pytest
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings

from agent.errors import ConfigError, KnowledgeBaseError
from agent.kb.passages import Passage
from agent.kb.store import COLLECTION, KnowledgeBase, parse_chroma_url
from agent.settings import Settings

LICENCE = "test fixture"


def _passage(pid: str, text: str, **extra: object) -> Passage:
    fields: dict[str, object] = {
        "id": pid,
        "text": text,
        "type": "film",
        "entity_ids": (pid.split("#")[0],),
        "title": pid,
        "source": "fixture.json",
        "licence": LICENCE,
    }
    fields.update(extra)
    return Passage.model_validate(fields)


PASSAGES = [
    _passage(
        "film:Inception#0", "Inception (2010) is a science fiction film directed by Christopher Nolan.", year=2010
    ),
    _passage(
        "film:Toy_Story#0", "Toy Story (1995) is a computer-animated film by Pixar.", year=1995, franchise="Pixar"
    ),
    _passage("film:Heat#0", "Heat (1995) is a crime film written and directed by Michael Mann.", year=1995),
    _passage("film:Alien#0", "Alien (1979) is a science fiction horror film directed by Ridley Scott.", year=1979),
]


def _settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, embedding_threads=1)


def test_build_is_incremental(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    kb = KnowledgeBase(settings, create=True)
    first = kb.build(PASSAGES, profile="default", progress=False)
    assert (first.added, first.updated, first.deleted, first.unchanged) == (4, 0, 0, 0)
    assert kb.count() == 4
    assert kb.unpersisted() == 0  # every write is in the saved search index: nothing for the next open to replay

    again = KnowledgeBase(settings).build(PASSAGES, profile="default", progress=False)
    assert again.embedded == 0 and again.unchanged == 4

    changed = [*PASSAGES[:3], _passage("film:Alien#0", "Alien (1979) is a horror film by Ridley Scott.", year=1979)]
    third = KnowledgeBase(settings).build(changed[1:], profile="default", progress=False)
    assert (third.added, third.updated, third.deleted, third.unchanged) == (0, 1, 1, 2)
    kb = KnowledgeBase(settings)
    assert kb.count() == 3

    relabelled = [changed[1], changed[2].model_copy(update={"franchise": "Heat films"}), changed[3]]
    fourth = kb.build(relabelled, profile="default", progress=False)
    assert (fourth.embedded, fourth.relabelled, fourth.unchanged) == (0, 1, 2)
    assert kb.get(["film:Heat#0"])[0].metadata["franchise"] == "Heat films"
    kb.build(changed[1:], profile="default", progress=False)
    assert kb.get(["film:Alien#0"])[0].text.startswith("Alien (1979) is a horror film")
    assert kb.check(changed[1:], profile="default") == []


def test_build_saves_every_write_and_updates_old_search_settings(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A collection made with Chroma's defaults (as the first versions did) and writes left in Chroma's log: `check`
    names both, a build brings the search settings up to date and leaves the log empty."""
    settings = _settings(tmp_path)
    path = settings.kb_dir / "chroma"
    path.mkdir(parents=True)
    client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
    kb = KnowledgeBase(settings, create=True)
    client.delete_collection(COLLECTION)
    old = client.create_collection(
        COLLECTION,
        configuration={"hnsw": {"space": "cosine"}},
        metadata={"embedding_model": kb.model_id, "schema_version": 1},
        embedding_function=None,
    )
    old.upsert(
        ids=[p.id for p in PASSAGES],
        embeddings=kb.embedder([p.text for p in PASSAGES]),
        documents=[p.text for p in PASSAGES],
        metadatas=[p.chroma_metadata() for p in PASSAGES],  # type: ignore[misc]
    )
    with caplog.at_level("WARNING", logger="agent.kb.store"):
        kb = KnowledgeBase(settings)
    assert "searches with older settings (ef_search 100 -> 2000" in caplog.text
    assert kb.unpersisted() == len(PASSAGES)  # under Chroma's default sync_threshold (1000): all still in the log
    problems = "\n".join(kb.check(PASSAGES))
    assert "search settings older than this version's (ef_search 100 -> 2000, sync_threshold 1000 -> 100)" in problems
    assert f"{len(PASSAGES)} writes not yet in the saved search index" in problems

    kb.build(PASSAGES, profile="default", progress=False)
    assert kb.unpersisted() == 0
    reopened = KnowledgeBase(settings)
    assert reopened.collection.configuration["hnsw"]["ef_search"] == 2000
    assert reopened.check(PASSAGES, profile="default") == []
    assert reopened.query("Ridley Scott horror in space", k=1)[0].id == "film:Alien#0"


def test_check_reports_drift(tmp_path: Path) -> None:
    kb = KnowledgeBase(_settings(tmp_path), create=True)
    kb.build(PASSAGES[:3], profile="default", progress=False)
    problems = kb.check(PASSAGES, profile="full")
    text = "\n".join(problems)
    assert "profile 'default', expected 'full'" in text
    assert "type film: 3 stored, sources give 4" in text
    assert "1 passages missing" in text and "film:Alien#0" in text
    assert problems[-1].startswith("fix: run `audit kb build`")


def test_query_filters_and_metadata(tmp_path: Path) -> None:
    kb = KnowledgeBase(_settings(tmp_path), create=True)
    kb.build(PASSAGES, profile="default", progress=False)
    hits = kb.query("Ridley Scott horror in space", k=2)
    assert hits[0].id == "film:Alien#0"
    assert hits[0].distance is not None and 0 <= hits[0].distance < 1
    only_pixar = kb.query("science fiction", k=4, where={"franchise": "Pixar"})
    assert [h.id for h in only_pixar] == ["film:Toy_Story#0"]
    by_entity = kb.where_get({"entity_ids": {"$contains": "film:Heat"}}, limit=5)
    assert [h.id for h in by_entity] == ["film:Heat#0"]
    assert by_entity[0].metadata["year"] == 1995 and by_entity[0].metadata["licence"] == LICENCE


def _built_then_opened_raw(settings: Settings) -> Collection:
    """Build the fixture KB, then open its collection with a plain Chroma client (no embedding function)."""
    KnowledgeBase(settings, create=True).build(PASSAGES, profile="default", progress=False)
    path = str(settings.kb_dir / "chroma")
    client = chromadb.PersistentClient(path=path, settings=ChromaSettings(anonymized_telemetry=False))
    return client.get_collection(COLLECTION)


def test_collection_reopens_without_passing_the_embedding_function(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    collection = _built_then_opened_raw(settings)
    result = collection.query(query_texts=["a Pixar cartoon about toys"], n_results=1)
    assert result["ids"][0] == ["film:Toy_Story#0"]
    assert collection.metadata["embedding_model"] == "all-MiniLM-L6-v2-onnx-int8"


def test_vectors_of_another_model_are_refused(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    collection = _built_then_opened_raw(settings)
    collection.modify(metadata={**(collection.metadata or {}), "embedding_model": "openai:text-embedding-3-small"})
    with pytest.raises(KnowledgeBaseError, match="cannot be mixed") as info:
        KnowledgeBase(settings)
    assert "--rebuild" in str(info.value)
    rebuilt = KnowledgeBase.rebuild(settings)
    assert rebuilt.count() == 0


def test_missing_kb_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="audit kb build"):
        KnowledgeBase(_settings(tmp_path))


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    kb = KnowledgeBase(_settings(tmp_path), create=True)
    with pytest.raises(KnowledgeBaseError, match="share the id"):
        kb.build([PASSAGES[0], PASSAGES[0]], profile="default", progress=False)


def test_chroma_url_parsing() -> None:
    assert parse_chroma_url("http://localhost:8123") == ("localhost", 8123, False)
    assert parse_chroma_url("https://kb.example") == ("kb.example", 443, True)
    with pytest.raises(ConfigError, match="http://localhost:8000"):
        parse_chroma_url("localhost:8000")


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    port = _free_port()
    with pytest.raises(KnowledgeBaseError, match="chroma run"):
        KnowledgeBase(_settings(tmp_path), chroma_url=f"http://127.0.0.1:{port}", create=True)


# -- the server path: a real `chroma run` subprocess --------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _chroma_cli() -> str | None:
    candidate = Path(sys.executable).parent / "chroma"
    return str(candidate) if candidate.exists() else shutil.which("chroma")


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    cli = _chroma_cli()
    if cli is None:
        pytest.skip("the `chroma` CLI (installed with chromadb) is not on this machine")
    port = _free_port()
    log = (tmp_path / "chroma.log").open("w")
    proc = subprocess.Popen(
        [cli, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"chroma run exited with {proc.returncode}: {(tmp_path / 'chroma.log').read_text()[-2000:]}"
                )
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("chroma run did not open its port within 30 s")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_server_path_builds_and_queries_the_same_way(tmp_path: Path, chroma_server: str) -> None:
    settings = _settings(tmp_path / "client")
    kb = KnowledgeBase(settings, chroma_url=chroma_server, create=True)
    report = kb.build(PASSAGES, profile="default", progress=False)
    assert report.added == 4
    again = KnowledgeBase(settings, chroma_url=chroma_server).build(PASSAGES, profile="default", progress=False)
    assert again.embedded == 0
    kb = KnowledgeBase(settings, chroma_url=chroma_server)
    assert kb.query("Michael Mann crime", k=1)[0].id == "film:Heat#0"
    stats = kb.stats()
    assert stats.count == 4 and stats.disk_bytes is None and stats.location == chroma_server
    assert not (settings.kb_dir / "chroma").exists(), "the server path must not create a local KB"


# -- the CLI end to end on a tiny copy of the sources (real subprocesses) ----------------------------------------


def _tiny_sources(repo_root: Path, dest: Path) -> Path:
    """A few rows of every committed table and one franchise note, in the layout of ``knowledge_base/``."""
    keep = {
        "films": lambda r: r["year"] >= 2019 and bool(r["extract"]),
        "oscars": lambda r: r["ceremony"] == 92 and r["canonical_category"] == "BEST PICTURE",
        "emmys": lambda r: r["year"] == 2019 and r["category"] == "Outstanding Drama Series",
        "episodes": lambda r: r["series_slug"] == "game-of-thrones" and r["season"] == 8,
        "streaming": lambda r: False,
        "comics": lambda r: (r["appearances"] or 0) >= 3000,
        "avengers": lambda r: r["id"] in ("comic:avengers:1", "comic:avengers:2"),
    }
    (dest / "data").mkdir(parents=True)
    for table, wanted in keep.items():
        with gzip.open(repo_root / "knowledge_base" / "data" / f"{table}.jsonl.gz", "rt", encoding="utf-8") as src:
            rows = [line for line in src if wanted(json.loads(line))]
        rows = rows[:12]
        with gzip.open(dest / "data" / f"{table}.jsonl.gz", "wt", encoding="utf-8") as out:
            out.writelines(rows)
    (dest / "franchises").mkdir()
    shutil.copy(repo_root / "knowledge_base" / "franchises" / "game_of_thrones.md", dest / "franchises")
    return dest


def _audit(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent", *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def test_cli_build_is_incremental_per_source_file(tmp_path: Path, repo_root: Path) -> None:
    sources = _tiny_sources(repo_root, tmp_path / "kb_src")
    env = {**os.environ, "AUDIT_DATA_DIR": str(tmp_path / "data"), "AUDIT_KB_SOURCE_DIR": str(sources)}
    env["AUDIT_EMBEDDING_THREADS"] = "1"

    first = _audit(["kb", "build"], env)
    assert first.returncode == 0, first.stderr
    assert "embedding:" in first.stderr  # the progress bar goes to stderr
    total = int(re.search(r": (\d+) passages; embedded (\d+)", first.stdout).group(1))  # type: ignore[union-attr]
    assert f"embedded {total} (added {total}, changed 0)" in first.stdout

    second = _audit(["kb", "build", "--no-progress"], env)
    assert "embedded 0 (added 0, changed 0), relabelled 0, deleted 0" in second.stdout, second.stdout

    # Change one episode's title in one source file: only that episode's passage is re-embedded.
    episodes = sources / "data" / "episodes.jsonl.gz"
    with gzip.open(episodes, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    rows[0]["title"] = rows[0]["title"] + " (retitled)"
    del rows[3]  # a middle episode: no other passage mentions it
    with gzip.open(episodes, "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in rows)
    third = _audit(["kb", "build", "--no-progress"], env)
    assert "embedded 1 (added 0, changed 1)" in third.stdout and "deleted 1" in third.stdout, third.stdout

    check = _audit(["kb", "check"], env)
    assert check.returncode == 0 and ": ok," in check.stdout, check.stdout + check.stderr
    stats = json.loads(_audit(["kb", "stats", "--json"], env).stdout)
    assert stats["count"] == total - 1 and stats["model"] == "all-MiniLM-L6-v2-onnx-int8"
    found = json.loads(_audit(["kb", "search", "The Iron Throne", "--k", "3", "--json"], env).stdout)
    assert found[0]["entity_ids"][0] == "episode:game-of-thrones:s08e06"

    # The sources moved on but the KB did not: check says so and exits 1.
    rows[1]["title"] = "Another title"
    with gzip.open(episodes, "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in rows)
    stale = _audit(["kb", "check"], env)
    assert stale.returncode == 1 and "1 passages out of date" in stale.stdout, stale.stdout


def test_cli_refuses_a_bad_franchise_note(tmp_path: Path, repo_root: Path) -> None:
    sources = _tiny_sources(repo_root, tmp_path / "kb_src")
    (sources / "franchises" / "broken.md").write_text("no front matter here\n", encoding="utf-8")
    env = {**os.environ, "AUDIT_DATA_DIR": str(tmp_path / "data"), "AUDIT_KB_SOURCE_DIR": str(sources)}
    result = _audit(["kb", "build", "--no-progress"], env)
    assert result.returncode == 4 and "broken.md: no YAML front matter" in result.stderr
