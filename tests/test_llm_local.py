"""The embedded-model plumbing without the model: model strings, setup checks, weight assembly, and the server
lifecycle (start, crash mid-run, stop on exit / Ctrl-C / parent death), with the fake server as the child process.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from agent import local_model
from agent.commands.llm import PingReply
from agent.errors import ConfigError, ModelUnavailableError
from agent.llm import LLM, open_llm, parse_model
from agent.llm_retry import RetryPolicy
from agent.local_model import LocalServer, assemble, free_port
from agent.prompts import load_prompt
from agent.settings import REPO_ROOT, Settings

FAKE_SERVER = [sys.executable, "-m", "tests.fake_openai_server"]


def ping_prompt():  # type: ignore[no-untyped-def]
    return load_prompt("ping").render(word="pong", a="17", b="25")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purposes
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


def wait_dead(pid: int, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize(
    ("model", "provider", "name", "base_url", "method"),
    [
        ("local", "local", "qwen2.5-coder-1.5b-instruct", None, "function_calling"),
        ("openai:gpt-4o-mini", "openai", "gpt-4o-mini", None, "json_schema"),
        ("openai-compatible:llama3@http://gpu:8000/v1/", "openai-compatible", "llama3", "http://gpu:8000/v1",
         "function_calling"),
    ],
)  # fmt: skip
def test_parse_model(model: str, provider: str, name: str, base_url: str | None, method: str) -> None:
    spec = parse_model(model)
    assert (spec.provider, spec.name, spec.base_url, spec.method) == (provider, name, base_url, method)


@pytest.mark.parametrize("model", ["gpt-4o", "openai:", "openai-compatible:llama3", "openai-compatible:m@gpu:8000"])
def test_bad_model_strings_say_what_is_accepted(model: str) -> None:
    with pytest.raises(ModelUnavailableError, match="openai-compatible:<model>@http"):
        parse_model(model)


def test_openai_without_a_key_is_unavailable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ModelUnavailableError, match="OPENAI_API_KEY"):
        open_llm("openai:gpt-4o-mini", Settings(data_dir=tmp_path))


def test_local_model_not_set_up_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError) as caught:
        open_llm("local", Settings(data_dir=tmp_path))
    message = str(caught.value)
    assert "make setup-local" in message and "--no-llm" in message and "\n" not in message


def test_cli_ping_without_local_model_exits_cleanly(tmp_path: Path) -> None:
    env = {**os.environ, "AUDIT_DATA_DIR": str(tmp_path), "AUDIT_MODEL": "local"}
    done = subprocess.run([sys.executable, "-m", "agent", "llm", "ping"], env=env, capture_output=True, text=True,
                          timeout=120, cwd=REPO_ROOT)  # fmt: skip
    assert done.returncode == ModelUnavailableError.exit_code
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "make setup-local" in done.stderr and "--no-llm" in done.stderr


def make_parts(folder: Path, sizes: list[int]) -> tuple[list[Path], bytes]:
    parts, whole = [], b""
    for i, size in enumerate(sizes, start=1):
        data = bytes((i * 7 + j) % 251 for j in range(size))
        part = folder / f"part{i:02d}.bin"
        part.write_bytes(data)
        parts.append(part)
        whole += data
    return parts, whole


def test_assemble_concatenates_in_order_verifies_and_is_idempotent(tmp_path: Path) -> None:
    parts, whole = make_parts(tmp_path, [1000, 1, 70_000])
    dest = tmp_path / "models" / "m.gguf"
    seen: list[int] = []
    digest = hashlib.sha256(whole).hexdigest()
    assemble(parts, dest, sha256=digest, size=len(whole), progress=lambda i, n: seen.append(n))
    assert dest.read_bytes() == whole and seen == [1000, 1001, 71_001]
    stamp = dest.stat().st_mtime_ns
    parts[0].unlink()  # a verified result is kept without reading the parts again
    assemble(parts, dest, sha256=digest, size=len(whole))
    assert dest.stat().st_mtime_ns == stamp


def test_assemble_rejects_a_wrong_digest_and_leaves_nothing(tmp_path: Path) -> None:
    parts, whole = make_parts(tmp_path, [500, 500])
    dest = tmp_path / "m.gguf"
    with pytest.raises(ConfigError, match="corrupt"):
        assemble(parts, dest, sha256="0" * 64, size=len(whole))
    assert not dest.exists() and not list(tmp_path.glob("*.part"))


def test_assemble_names_missing_parts(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="missing: .*nope.bin"):
        assemble([tmp_path / "nope.bin"], tmp_path / "m.gguf", sha256="0" * 64, size=1)


def fake_local(tmp_path: Path, *, policy: RetryPolicy | None = None, hang: bool = False) -> tuple[LLM, LocalServer]:
    port = free_port()
    command = [*FAKE_SERVER, "--port", str(port), *(["--then-hang"] if hang else [])]
    server = LocalServer(tmp_path / "none.gguf", log_dir=tmp_path / "logs", port=port, command=command,
                         startup_timeout_s=60)  # fmt: skip
    spec = parse_model("local")
    spec = type(spec)("local", spec.name, server.base_url, spec.model_id, spec.method)
    llm = LLM(spec, Settings(data_dir=tmp_path, llm_timeout_s=30), server=server, retry=policy)
    return llm, server


def test_local_server_starts_lazily_answers_and_stops_on_close(tmp_path: Path) -> None:
    llm, server = fake_local(tmp_path)
    assert not server.running, "the server must start on the first cache miss, not before"
    assert llm.structured(ping_prompt(), PingReply).total == 42
    assert server.running
    pid = server._process.pid  # type: ignore[union-attr]
    llm.close()
    assert wait_dead(pid) and not server.running


def test_local_server_dying_mid_run_is_a_clear_error(tmp_path: Path) -> None:
    policy = RetryPolicy(max_attempts=3, max_total_s=20, initial_s=0.05, max_wait_s=0.1, jitter_s=0.01)
    llm, server = fake_local(tmp_path, policy=policy, hang=True)
    try:
        assert llm.structured(ping_prompt(), PingReply).echo == "pong"
        process = server._process
        assert process is not None
        killer = threading.Timer(1.0, process.kill)  # dies while the next request is in flight
        killer.start()
        other = load_prompt("ping").render(word="again", a="1", b="2")
        started = time.monotonic()
        with pytest.raises(ModelUnavailableError, match="exited with code -9") as caught:
            llm.structured(other, PingReply)
        assert time.monotonic() - started < 15 and caught.value.attempts == 3
        assert "make setup-local" in str(caught.value)
        # later calls fail at once, without waiting for timeouts
        with pytest.raises(ModelUnavailableError, match="died earlier"):
            llm.structured(load_prompt("ping").render(word="x", a="1", b="1"), PingReply)
        assert llm.cache.calls(limit=1)[0].error is not None
    finally:
        llm.close()


def test_a_second_server_on_the_machine_is_named_with_how_to_share_the_first(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Two model servers at once share the cores (on 2 cores: requests past the 300 s timeout): the second start
    says which server already runs and how to point at it instead; once it has stopped, nothing is said."""

    def fake(name: str) -> LocalServer:
        port = free_port()
        command = [*FAKE_SERVER, "--port", str(port)]
        return LocalServer(
            tmp_path / "m.gguf", log_dir=tmp_path / name, port=port, command=command, startup_timeout_s=60
        )

    first, second, third = fake("a"), fake("b"), fake("c")
    with first:
        assert first._process is not None
        with caplog.at_level("WARNING", logger="agent.local_model"), second:
            pass
        warned = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
        assert any(f"pid {first._process.pid}, port {first.port}" in m for m in warned), warned
        assert any(f"openai-compatible:{local_model.MODEL_ALIAS}@{first.base_url}" in m for m in warned), warned
    caplog.clear()
    with caplog.at_level("WARNING", logger="agent.local_model"), third:
        pass
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


def test_running_servers_reads_the_process_table(tmp_path: Path) -> None:
    for pid, words in {"101": ["python", "-m", "agent.llama_server", "--port", "9"], "102": ["python", "x.py"]}.items():
        (tmp_path / pid).mkdir()
        (tmp_path / pid / "cmdline").write_bytes(b"\0".join(w.encode() for w in words) + b"\0")
    (tmp_path / "103").mkdir()  # no cmdline: a process that ended while being read
    found = local_model.running_servers(local_model.LLAMA_SERVER_MODULES, proc=tmp_path)
    assert found == [(101, "python -m agent.llama_server --port 9")]


@pytest.mark.parametrize(
    ("command_line", "modules", "port"),
    [
        ("python -m agent.llama_server --port 9", ["agent.llama_server"], "9"),
        ("python -X dev -m llama_cpp.server --host 127.0.0.1", ["llama_cpp.server"], None),  # no port given
        ("python script.py --port", [], None),  # a flag at the end has no value
    ],
)
def test_flag_values_read_modules_and_port_from_a_command_line(
    command_line: str, modules: list[str], port: str | None
) -> None:
    assert local_model._flag_values(command_line.split(), "-m") == modules
    assert local_model._port_of(command_line) == port


def test_local_server_that_cannot_start_reports_its_log(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "import sys; print('boom: no such model file'); sys.exit(3)"]
    server = LocalServer(tmp_path / "m.gguf", log_dir=tmp_path, command=command, startup_timeout_s=30)
    with pytest.raises(ModelUnavailableError, match="exited with code 3 .*boom: no such model file"):
        server.ensure_started()


CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from agent.local_model import LocalServer, free_port
    port = free_port()
    server = LocalServer(Path("none.gguf"), log_dir=Path(sys.argv[1]), port=port,
                         command=[sys.executable, "-m", "tests.fake_openai_server", "--port", str(port)])
    server.ensure_started()
    print(server._process.pid, flush=True)
    time.sleep(120)
    """
)


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_server_is_stopped_when_the_parent_is_interrupted_or_killed(tmp_path: Path, how: signal.Signals) -> None:
    command = [sys.executable, "-c", CHILD, str(tmp_path)]
    quiet = {"stderr": subprocess.DEVNULL, "text": True, "cwd": REPO_ROOT, "start_new_session": True}
    # a shell's background job inherits SIGINT ignored; the child must get the default that a terminal gives
    quiet["preexec_fn"] = lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)
    with subprocess.Popen(command, stdout=subprocess.PIPE, **quiet) as parent:  # type: ignore[call-overload]
        try:
            assert parent.stdout is not None
            child_pid = int(parent.stdout.readline())
            assert alive(child_pid)
            parent.send_signal(how)
            parent.wait(90)  # stopping the server takes seconds; on a loaded 2-core machine, tens of them
            assert wait_dead(child_pid), f"the server outlived its parent after {how.name}"
        finally:
            if parent.poll() is None:
                parent.kill()
                parent.wait(10)


def test_status_reports_missing_parts(tmp_path: Path) -> None:
    assert not local_model.weights_ready(tmp_path / "m.gguf")


def test_server_started_from_a_short_lived_thread_outlives_the_thread(tmp_path: Path) -> None:
    import asyncio

    llm, server = fake_local(tmp_path)
    try:
        # asyncio.run + to_thread: the worker thread that triggered the start is gone after the first batch
        assert asyncio.run(llm.astructured(ping_prompt(), PingReply)).total == 42
        time.sleep(0.5)
        assert server.running
        other = load_prompt("ping").render(word="later", a="1", b="2")
        assert asyncio.run(llm.astructured(other, PingReply)).total == 42
    finally:
        llm.close()


AVX512_CPU = frozenset({"sse4_2", "avx2", "avx512f", "avx512cd", "avx512vl", "avx512dq", "avx512bw", "avx512_vnni"})


@pytest.mark.parametrize(
    ("flags", "override", "expected"),
    [
        (frozenset({"sse4_2", "avx2", "fma"}), None, "-DGGML_NATIVE=OFF"),
        (AVX512_CPU, None, "-DGGML_NATIVE=OFF -DGGML_AVX512=ON -DGGML_AVX512_VNNI=ON"),
        (AVX512_CPU - {"avx512bw"}, None, "-DGGML_NATIVE=OFF"),  # GGML_AVX512 needs every one of the five
        (AVX512_CPU | {"amx_tile", "avx512vbmi"}, None,
         "-DGGML_NATIVE=OFF -DGGML_AVX512=ON -DGGML_AVX512_VNNI=ON -DGGML_AVX512_VBMI=ON"),  # never AMX
        (AVX512_CPU, "-DGGML_NATIVE=OFF", "-DGGML_NATIVE=OFF"),  # AUDIT_LLAMA_CMAKE_ARGS decides
    ],
)  # fmt: skip
def test_the_runtime_build_uses_avx512_only_where_the_cpu_has_it(
    flags: frozenset[str], override: str | None, expected: str
) -> None:
    assert local_model.runtime_cmake_args(flags, override) == expected


def test_cpu_flags_are_read_from_cpuinfo(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse avx2 avx512f\nbugs\t\t: spectre\n", encoding="utf-8")
    assert local_model.cpu_flags(cpuinfo) == {"fpu", "sse", "avx2", "avx512f"}
    assert local_model.cpu_flags(tmp_path / "absent") == frozenset()
