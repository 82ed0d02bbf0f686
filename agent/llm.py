"""The one LLM seam: every model call in the project goes through :class:`LLM`.

``open_llm(model, settings)`` takes a model string:

- ``local``: the embedded Qwen2.5-Coder-1.5B-Instruct served by llama.cpp (``make setup-local``); the server is
  started on the first cache miss and stopped on :meth:`LLM.close`, at exit and on Ctrl-C;
- ``local:<path.gguf>``: the same runtime with another GGUF file;
- ``openai:<model>``: OpenAI (``OPENAI_API_KEY``);
- ``openai-compatible:<model>@<base_url>``: vLLM, Ollama, a llama.cpp server, any OpenAI-protocol endpoint.

:meth:`LLM.structured` returns a validated pydantic object: forced function calling (the llama.cpp server answers
``json_schema`` response formats with HTTP 500) or a ``json_schema`` response format (OpenAI), temperature 0 and
a fixed seed, transient failures retried with backoff, one re-ask on a schema violation, then :class:`LLMError`.
Answers are cached on disk and every call is logged (:mod:`agent.llm_cache`).
"""

from __future__ import annotations

import asyncio
import atexit
import email.utils
import hashlib
import json
import logging
import threading
import time
import uuid
import weakref
from pathlib import Path
from typing import Any, Generic, TypeVar

import httpx2
import openai
from langchain_core.language_models import BaseChatModel
from langchain_openai import ChatOpenAI
from pydantic import BaseModel, ValidationError

from agent import local_model
from agent.errors import LLMError, ModelUnavailableError
from agent.llm_cache import LLMCache
from agent.llm_retry import RetryPolicy
from agent.llm_spec import CallStats, ModelSpec, StructuredMethod, parse_model
from agent.prompts import RenderedPrompt
from agent.settings import Settings

__all__ = ["LLM", "CallStats", "ModelSpec", "StructuredMethod", "open_llm", "parse_model"]

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)
NO_KEY = "sk-no-key-needed"
SETUP_HINT = f"run `make setup-local` (embedded model) or set AUDIT_MODEL; {local_model.SKIP_HINT}"
REASK = (
    "Your previous answer did not match the required JSON schema. Error:\n{error}\n"
    "Answer again with arguments that follow the schema exactly."
)


def open_llm(model: str, settings: Settings) -> LLM:
    """Build the :class:`LLM` for a model string (see the module docstring).

    Raises:
        ModelUnavailableError: the local model is not set up, or OpenAI has no API key.
    """
    spec = parse_model(model)
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    if spec.provider == "openai" and not key:
        raise ModelUnavailableError(f"{model} needs OPENAI_API_KEY in the environment; or {SETUP_HINT}")
    if spec.provider != "local":
        return LLM(spec, settings, api_key=key or NO_KEY)
    path = model.partition(":")[2]
    gguf = local_model.require_ready(settings, gguf=None if not path else Path(path))
    server = local_model.LocalServer(gguf, log_dir=settings.data_dir / "logs")
    base = ModelSpec("local", spec.name, server.base_url, spec.model_id, spec.method)
    return LLM(base, settings, api_key=NO_KEY, server=server)


class LLM:
    """A model plus the project's "give me this pydantic schema back" interface, cache and call log."""

    def __init__(
        self,
        spec: ModelSpec,
        settings: Settings,
        *,
        api_key: str = NO_KEY,
        server: local_model.LocalServer | None = None,
        cache: LLMCache | None = None,
        retry: RetryPolicy | None = None,
        method: StructuredMethod | None = None,
    ) -> None:
        self.spec = spec
        self.model_id = spec.model_id
        self.method: StructuredMethod = method or spec.method
        self.run_id = uuid.uuid4().hex[:12]
        self._settings = settings
        self._api_key = api_key
        self._server = server
        self._own_cache = cache is None
        self._cache = cache or LLMCache(settings.cache_path)
        self._retry = retry or RetryPolicy.from_settings(settings)
        self._price = settings.price_per_1k_tokens.get(spec.model_id, (0.0, 0.0))
        client_args: dict[str, Any] = {
            "api_key": api_key,
            "base_url": spec.base_url,
            "timeout": settings.llm_timeout_s,
            "max_retries": 0,  # tenacity retries; the SDK's own would multiply them
        }
        self._client = openai.OpenAI(**client_args)
        # No keep-alive for async: a pooled connection belongs to one event loop, and callers may run several
        # loops in turn (asyncio.run per batch); a fresh connection per request costs little next to a model call.
        no_pool = httpx2.Limits(max_connections=64, max_keepalive_connections=0)
        self._aclient = openai.AsyncOpenAI(**client_args, http_client=openai.DefaultAsyncHttpxClient(limits=no_pool))
        self._stats = CallStats()
        self._lock = threading.Lock()
        self._closed = False
        # The embedded server computes one request at a time; queueing here instead of in the server keeps the
        # request timeout about the request itself, and a retry does not pile up behind an abandoned one.
        self._max_concurrency = 1 if spec.provider == "local" else None
        self._slots = threading.BoundedSemaphore(1) if self._max_concurrency else None
        self._async_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )
        atexit.register(self.close)

    def __enter__(self) -> LLM:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def stats(self) -> CallStats:
        """Running totals for this object (a copy)."""
        with self._lock:
            return self._stats.model_copy()

    @property
    def cache(self) -> LLMCache:
        """The cache and call log this object writes to."""
        return self._cache

    def chat_model(self) -> BaseChatModel:
        """The LangChain chat model for the same endpoint (starts the local server if needed).

        It has no tenacity layer of its own, so here the SDK's retries (backoff, ``Retry-After``) are the one layer.
        """
        self._ensure_server()
        return ChatOpenAI(
            model=self.spec.name,
            base_url=self.spec.base_url,
            api_key=self._api_key,
            temperature=0,
            seed=self._settings.llm_seed,
            max_tokens=self._settings.llm_max_output_tokens,
            timeout=self._settings.llm_timeout_s,
            max_retries=self._settings.llm_max_attempts - 1,
            # LangChain sends max_completion_tokens, which llama.cpp's server ignores; it reads max_tokens.
            extra_body=None if self.spec.provider == "openai" else {"max_tokens": self._settings.llm_max_output_tokens},
        )

    def close(self) -> None:
        """Stop the local server (if any) and release the cache. Idempotent."""
        if self._closed:
            return
        self._closed = True
        atexit.unregister(self.close)
        if self._server is not None:
            self._server.stop()
        self._client.close()
        if self._own_cache:
            self._cache.close()

    # -- the structured interface -------------------------------------------------------------------------

    def structured(self, prompt: RenderedPrompt, schema: type[T], *, tag: str | None = None) -> T:
        """Ask for ``schema``; validated, cached and logged.

        Raises:
            LLMError: the answer never validated (``last_output`` has it) or a call failed after its retries.
            ModelUnavailableError: the endpoint cannot be reached.
        """
        key = self._key(prompt, schema)
        hit = self._from_cache(key, prompt, schema, tag)
        if hit is not None:
            return hit
        self._ensure_server()
        started = time.monotonic()
        call = _Call(self, prompt, schema, key, tag)
        while True:
            try:
                completion = self._retry.run_sync(
                    lambda: self._send(call.messages, schema),
                    on_attempt=call.count_request,
                    transient=self._transient,
                    retry_after=_retry_after,
                )
            except openai.OpenAIError as e:
                raise call.failed(self._failure(e), started) from e
            result = call.take(completion)
            if result is not None:
                return call.succeeded(result, started)
            if call.gave_up():
                raise call.failed(None, started)

    async def astructured(self, prompt: RenderedPrompt, schema: type[T], *, tag: str | None = None) -> T:
        """The async :meth:`structured`; safe to run many concurrently."""
        key = self._key(prompt, schema)
        hit = self._from_cache(key, prompt, schema, tag)
        if hit is not None:
            return hit
        await asyncio.to_thread(self._ensure_server)
        started = time.monotonic()
        call = _Call(self, prompt, schema, key, tag)
        while True:
            try:
                completion = await self._retry.run_async(
                    lambda: self._asend(call.messages, schema),
                    on_attempt=call.count_request,
                    transient=self._transient,
                    retry_after=_retry_after,
                )
            except openai.OpenAIError as e:
                raise call.failed(self._failure(e), started) from e
            result = call.take(completion)
            if result is not None:
                return call.succeeded(result, started)
            if call.gave_up():
                raise call.failed(None, started)

    # -- internals ----------------------------------------------------------------------------------------

    def _ensure_server(self) -> None:
        if self._closed:
            raise LLMError(f"{self.model_id}: this LLM was closed")
        if self._server is not None:
            self._server.ensure_started()

    def _key(self, prompt: RenderedPrompt, schema: type[BaseModel]) -> str:
        material = {
            "model": self.model_id,
            "prompt": [prompt.name, prompt.version],
            "messages": prompt.messages,
            "schema": [schema.__name__, schema.model_json_schema()],
        }
        if self._server is not None:  # how the embedded server computes decides its answers too
            material["server"] = self._server.cache_tag
        return hashlib.sha256(json.dumps(material, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def _from_cache(self, key: str, prompt: RenderedPrompt, schema: type[T], tag: str | None) -> T | None:
        started = time.monotonic()
        cached = self._cache.get(key)
        if cached is None:
            return None
        try:
            value = schema.model_validate_json(cached)
        except ValidationError:
            logger.warning("cache entry %s no longer validates as %s; asking the model", key[:12], schema.__name__)
            return None
        seconds = time.monotonic() - started
        self._cache.log_call(
            run_id=self.run_id, model=self.model_id, prompt_name=prompt.name, prompt_version=prompt.version,
            input_hash=key, tag=tag, cache_hit=True, attempts=0, prompt_tokens=0, completion_tokens=0,
            cost_usd=0.0, latency_s=seconds, output=cached,
        )  # fmt: skip
        with self._lock:
            self._stats.cache_hits += 1
            self._stats.seconds += seconds
        return value

    def _request_args(self, messages: list[dict[str, str]], schema: type[BaseModel]) -> dict[str, Any]:
        args: dict[str, Any] = {
            "model": self.spec.name,
            "messages": messages,
            "temperature": 0,
            "seed": self._settings.llm_seed,
            "max_tokens": self._settings.llm_max_output_tokens,
        }
        name, json_schema = schema.__name__, schema.model_json_schema()
        if self.method == "function_calling":
            description = (schema.__doc__ or name).strip().splitlines()[0]
            function = {"name": name, "description": description, "parameters": json_schema}
            args["tools"] = [{"type": "function", "function": function}]
            args["tool_choice"] = {"type": "function", "function": {"name": name}}
        else:
            args["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": name, "schema": json_schema, "strict": False},
            }
        return args

    def _send(self, messages: list[dict[str, str]], schema: type[BaseModel]) -> Any:
        if self._slots is None:
            return self._client.chat.completions.create(**self._request_args(messages, schema))
        with self._slots:
            return self._client.chat.completions.create(**self._request_args(messages, schema))

    async def _asend(self, messages: list[dict[str, str]], schema: type[BaseModel]) -> Any:
        if self._slots is None:
            return await self._aclient.chat.completions.create(**self._request_args(messages, schema))
        loop = asyncio.get_running_loop()
        with self._lock:
            slots = self._async_slots.setdefault(loop, asyncio.Semaphore(self._max_concurrency or 1))
        async with slots:
            return await self._aclient.chat.completions.create(**self._request_args(messages, schema))

    def _count_request(self) -> None:
        with self._lock:
            self._stats.requests += 1

    def _failure(self, error: openai.OpenAIError) -> LLMError:
        """Turn an SDK error that survived the retries into the project's error, with what to do."""
        where = self.spec.base_url or "api.openai.com"
        if isinstance(error, openai.APITimeoutError) and (self._server is None or self._server.running):
            return LLMError(
                f"{self.model_id} at {where}: no answer within {self._settings.llm_timeout_s:g} s per request; "
                "raise AUDIT_LLM_TIMEOUT_S or check the server's load"
            )
        if isinstance(error, openai.APIConnectionError):
            detail = self._server.failure_detail() if self._server is not None else None
            return ModelUnavailableError(
                f"{self.model_id} unreachable at {where}: {error}{'; ' + detail if detail else ''}; {SETUP_HINT}"
            )
        if self._rejected_json_schema(error):
            return LLMError(
                f"{self.model_id} rejected the json_schema response format (HTTP 500); "
                "this server needs forced function calling (use openai-compatible:<model>@<url>)"
            )
        return LLMError(f"{self.model_id} at {where}: {error}")

    def _rejected_json_schema(self, error: BaseException) -> bool:
        # The llama.cpp server answers a json_schema response format with HTTP 500: permanent, not transient.
        return (
            self.method == "json_schema"
            and isinstance(error, openai.APIStatusError)
            and error.status_code == 500
            and "response_format" in str(error.body or error.message)
        )

    def _transient(self, error: BaseException) -> bool:
        """429, 5xx (but not the structured-output 500), timeouts and connection errors; never other 4xx."""
        if isinstance(error, openai.APIConnectionError):  # timeouts included
            return True
        if isinstance(error, openai.APIStatusError):
            return error.status_code == 429 or (error.status_code >= 500 and not self._rejected_json_schema(error))
        return False

    def _add_usage(self, prompt_tokens: int, completion_tokens: int, seconds: float, failed: bool) -> float:
        cost = (prompt_tokens * self._price[0] + completion_tokens * self._price[1]) / 1000.0
        with self._lock:
            self._stats.calls += 1
            self._stats.errors += int(failed)
            self._stats.prompt_tokens += prompt_tokens
            self._stats.completion_tokens += completion_tokens
            self._stats.cost_usd += cost
            self._stats.seconds += seconds
        return cost


class _Call(Generic[T]):
    """One structured call across its retries and re-ask: messages, requests, tokens, the last raw output."""

    def __init__(self, llm: LLM, prompt: RenderedPrompt, schema: type[T], key: str, tag: str | None) -> None:
        self.llm, self.prompt, self.schema, self.key, self.tag = llm, prompt, schema, key, tag
        self.messages = [dict(m) for m in prompt.messages]
        self.answers = 0
        self.requests = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.last_output: str | None = None
        self.last_error = ""

    def count_request(self) -> None:
        self.requests += 1
        self.llm._count_request()

    def take(self, completion: Any) -> T | None:
        """Validate one completion; on failure prepare the re-ask and return None."""
        self.answers += 1
        usage = getattr(completion, "usage", None)
        self.prompt_tokens += getattr(usage, "prompt_tokens", 0) or 0
        self.completion_tokens += getattr(usage, "completion_tokens", 0) or 0
        choice = completion.choices[0] if completion.choices else None
        raw = _raw_output(choice)
        self.last_output = raw
        try:
            return self.schema.model_validate_json(raw or "")
        except ValidationError as e:
            truncated = getattr(choice, "finish_reason", None) == "length"
            self.last_error = ("the answer was cut off at the output token limit; " if truncated else "") + str(e)
            logger.info("%s %s: invalid answer %d: %s", self.prompt.name, self.llm.model_id, self.answers,
                        self.last_error.splitlines()[0])  # fmt: skip
            self.messages += [
                {"role": "assistant", "content": raw or ""},
                {"role": "user", "content": REASK.format(error=self.last_error)},
            ]
            return None

    def gave_up(self) -> bool:
        return self.answers >= 2  # the first answer plus one re-ask

    def succeeded(self, value: T, started: float) -> T:
        output = value.model_dump_json()
        llm = self.llm
        llm._cache.put(self.key, model=llm.model_id, prompt_name=self.prompt.name,
                       prompt_version=self.prompt.version, output=output)  # fmt: skip
        self._log(output, None, started)
        return value

    def failed(self, error: LLMError | None, started: float) -> LLMError:
        """The error to raise (logged), carrying the number of requests and the last raw output."""
        if error is None:
            first = self.last_error.splitlines()[0] if self.last_error else "no output"
            error = LLMError(
                f"{self.llm.model_id}: the answer to prompt {self.prompt.name} {self.prompt.version} did not "
                f"validate as {self.schema.__name__} after {self.answers} answers (one re-ask): {first}"
            )
        else:
            error.args = (f"{error.args[0]} [{self.requests} request(s)]",)
        error.attempts = self.requests
        error.last_output = self.last_output
        self._log(self.last_output, str(error), started)
        return error

    def _log(self, output: str | None, error: str | None, started: float) -> None:
        seconds = time.monotonic() - started
        cost = self.llm._add_usage(self.prompt_tokens, self.completion_tokens, seconds, error is not None)
        self.llm._cache.log_call(
            run_id=self.llm.run_id, model=self.llm.model_id, prompt_name=self.prompt.name,
            prompt_version=self.prompt.version, input_hash=self.key, tag=self.tag, cache_hit=False,
            attempts=self.requests, prompt_tokens=self.prompt_tokens, completion_tokens=self.completion_tokens,
            cost_usd=cost, latency_s=seconds, output=output, error=error,
        )  # fmt: skip


def _retry_after(error: BaseException) -> float | None:
    """Seconds the server asked us to wait (``retry-after-ms`` / ``retry-after``: seconds or an HTTP date)."""
    if not isinstance(error, openai.APIStatusError):
        return None
    headers = error.response.headers
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) / divisor)
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None
            return max(0.0, when.timestamp() - time.time())
    return None


def _raw_output(choice: Any) -> str | None:
    """The function-call arguments, else the message text."""
    message = getattr(choice, "message", None)
    if message is None:
        return None
    for call in getattr(message, "tool_calls", None) or []:
        function = getattr(call, "function", None)
        if function is not None and function.arguments is not None:
            return str(function.arguments)
    content = getattr(message, "content", None)
    return None if content is None else str(content)
