"""A small real HTTP server speaking the OpenAI chat-completions protocol, scripted for fault tests.

Each POST to ``/v1/chat/completions`` takes the next step of a script (the last step repeats): a function-call
answer, an HTTP error with headers, a hang past the client's timeout, or a dropped connection. ``GET /v1/models``
answers like llama.cpp's server, so :class:`agent.local_model.LocalServer` can run this module as its "server":
``python -m tests.fake_openai_server --port P`` answers every request with ``--arguments``.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Step:
    """What the server does for one request."""

    kind: str = "answer"  # answer | content | error | hang | drop
    arguments: str = ""
    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    usage: dict[str, int] | None = None  # the completion's token counts (default 11 + 7)


def answer(arguments: str | dict[str, Any], *, after_s: float = 0.0) -> Step:
    """A forced-function-call answer whose ``arguments`` string is sent verbatim (so it may be malformed)."""
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return Step("answer", arguments=text, seconds=after_s)


def content(text: str) -> Step:
    """A plain message answer (what a ``json_schema`` response format returns)."""
    return Step("content", arguments=text)


def error(status: int, message: str = "injected", headers: dict[str, str] | None = None) -> Step:
    """An HTTP error with an OpenAI-style error body."""
    return Step("error", status=status, body={"error": {"message": message, "type": "injected"}}, headers=headers or {})


def hang(seconds: float) -> Step:
    """Accept the request and send nothing for ``seconds``."""
    return Step("hang", seconds=seconds)


def drop() -> Step:
    """Close the connection without any response."""
    return Step("drop")


def completion(model: str, step: Step) -> dict[str, Any]:
    """The chat-completion body for an answer step."""
    if step.kind == "answer":
        call = {"id": "call_0", "type": "function", "function": {"name": "Answer", "arguments": step.arguments}}
        message: dict[str, Any] = {"role": "assistant", "content": None, "tool_calls": [call]}
        finish = "tool_calls"
    else:
        message, finish = {"role": "assistant", "content": step.arguments}, "stop"
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": step.usage or {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }


class FakeOpenAIServer:
    """The scripted server on 127.0.0.1 in a background thread; ``requests`` holds every JSON body received.

    ``responder``, when given, decides each request's step from its body instead of the script (a deterministic
    stand-in model, see ``tests/standin_model.py``).
    """

    def __init__(
        self, steps: list[Step], *, port: int = 0, responder: Callable[[dict[str, Any]], Step] | None = None
    ) -> None:
        self.steps = list(steps)
        self.responder = responder
        self.authorizations: list[str] = []  # the Authorization header of every POST
        self.requests: list[dict[str, Any]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._httpd.daemon_threads = True
        self.port = int(self._httpd.server_address[1])
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def _next(self, body: dict[str, Any]) -> Step:
        with self._lock:
            self.requests.append(body)
            if self.responder is not None:
                return self.responder(body)
            return self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
                return

            def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self._send(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.authorizations.append(self.headers.get("Authorization", ""))
                step = server._next(body)
                with server._lock:
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    self._act(step, body)
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _act(self, step: Step, body: dict[str, Any]) -> None:
                if step.kind == "hang":
                    server._stopping.wait(step.seconds)
                    self.close_connection = True
                elif step.kind == "drop":
                    self.close_connection = True
                elif step.kind == "error":
                    self._send(step.status, step.body, step.headers)
                else:
                    server._stopping.wait(step.seconds)
                    self._send(200, completion(str(body.get("model", "fake")), step))

        return Handler


def main() -> None:
    """Serve one fixed answer forever (the "local server" of the crash tests)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--arguments", default='{"status": "ok", "echo": "pong", "total": 42}')
    parser.add_argument("--then-hang", action="store_true", help="answer once, then hang on every request")
    args = parser.parse_args()
    steps = [answer(args.arguments), hang(3600)] if args.then_hang else [answer(args.arguments)]
    with FakeOpenAIServer(steps, port=args.port):
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main()
