"""The offline embedding model: real ONNX file, real tokenizer, no downloads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from chromadb.utils.embedding_functions import known_embedding_functions

from agent.errors import ConfigError, KnowledgeBaseError
from agent.kb.embeddings import (
    DIMENSION,
    MODEL_ID,
    MODEL_SHA256,
    MiniLMInt8Embedding,
    default_model_path,
    embedding_function,
    embedding_model_id,
    sha256_file,
)
from agent.settings import Settings

INCEPTION = (
    "Inception is a 2010 science fiction action film written and directed by Christopher Nolan, who also "
    "produced the film with Emma Thomas, his wife."
)
TOY_STORY = "Toy Story is a 1995 American computer-animated comedy film produced by Pixar Animation Studios."


@pytest.fixture(scope="module")
def embedder() -> MiniLMInt8Embedding:
    return MiniLMInt8Embedding(threads=1)


def test_installed_model_matches_the_pinned_hash() -> None:
    assert sha256_file(default_model_path()) == MODEL_SHA256


def test_vectors_are_unit_length_and_in_input_order(embedder: MiniLMInt8Embedding) -> None:
    texts = [TOY_STORY, "Inception", INCEPTION]
    vectors = embedder.embed(texts)
    assert vectors.shape == (3, DIMENSION)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # Batching sorts by length internally; each row must still belong to its own text.
    one_by_one = np.stack([embedder.embed([t])[0] for t in texts])
    assert (vectors * one_by_one).sum(axis=1).min() > 0.9999


def test_similar_texts_score_higher(embedder: MiniLMInt8Embedding) -> None:
    query, inception, toy_story = embedder.embed(["Who directed Inception?", INCEPTION, TOY_STORY])
    assert float(query @ inception) > float(query @ toy_story) + 0.2


def test_long_text_is_truncated_not_rejected(embedder: MiniLMInt8Embedding) -> None:
    vector = embedder.embed([INCEPTION * 40])[0]
    assert np.isfinite(vector).all()


def test_empty_input_gives_no_vectors(embedder: MiniLMInt8Embedding) -> None:
    assert embedder.embed([]).shape == (0, DIMENSION)


def test_chroma_call_returns_one_vector_per_document(embedder: MiniLMInt8Embedding) -> None:
    out = embedder([INCEPTION, TOY_STORY])
    assert len(out) == 2 and len(out[0]) == DIMENSION


def test_wrong_model_file_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not the model")
    with pytest.raises(KnowledgeBaseError, match="sha256") as info:
        MiniLMInt8Embedding(model_path=str(fake)).embed(["x"])
    assert "reinstall" in str(info.value)


def test_missing_model_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="not found"):
        MiniLMInt8Embedding(model_path=str(tmp_path / "absent.onnx")).embed(["x"])


def test_registered_with_chroma_and_rebuilt_from_config() -> None:
    assert known_embedding_functions[MiniLMInt8Embedding.name()] is MiniLMInt8Embedding
    original = MiniLMInt8Embedding(threads=3, batch_size=8)
    rebuilt = MiniLMInt8Embedding.build_from_config(original.get_config())
    assert (rebuilt.threads, rebuilt.batch_size, rebuilt.model_id) == (3, 8, MODEL_ID)
    assert not rebuilt.is_legacy()


def test_config_of_another_model_is_refused() -> None:
    with pytest.raises(KnowledgeBaseError, match="rebuild"):
        MiniLMInt8Embedding.build_from_config({"model_id": "some-other-model"})


def test_thread_count_comes_from_settings(tmp_path: Path) -> None:
    ef = embedding_function(Settings(data_dir=tmp_path, embedding_threads=1))
    assert isinstance(ef, MiniLMInt8Embedding)
    ef.load()
    assert ef._session.get_session_options().intra_op_num_threads == 1


def test_openai_needs_a_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    settings = Settings(data_dir=tmp_path, embedding="openai:text-embedding-3-small")
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        embedding_function(settings)
    assert embedding_model_id(settings) == "openai:text-embedding-3-small"


def test_unknown_embedding_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not supported"):
        embedding_function(Settings(data_dir=tmp_path, embedding="word2vec"))


def test_module_does_not_import_openai() -> None:
    code = "import sys, agent.kb.embeddings; print('openai' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
