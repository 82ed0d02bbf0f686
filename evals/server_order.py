"""Does the embedded llama.cpp server's answer to a request depend on the requests before it?

llama-cpp-python's stock server reuses the longest prompt prefix it shares with the previous request and evaluates
only the rest, so the same temperature-0 request can be computed along different paths and answered differently;
the embedded server (``agent.llama_server``) reuses only whole batches so that it cannot. This asks one fixed request
(the verify_claims system prompt and a short claim list) five times on a freshly started server, with other requests
between, and prints whether each answer is the first one's:

    .venv/bin/python -m evals.server_order           # the embedded server: 1 distinct answer, exit 0 (~1 minute)
    .venv/bin/python -m evals.server_order --stock   # python -m llama_cpp.server: 4 distinct answers, exit 1

Nothing in it is scored; it is a reproducibility probe for the numbers in evals/results (measured 2026-11-30 on the
2-core machine, both as above).
"""

from __future__ import annotations

import argparse
import sys

import httpx

from agent.errors import AuditError
from agent.local_model import MODEL_ALIAS, SERVER_MODULE, LocalServer, require_ready
from agent.settings import REPO_ROOT, load_settings

_CLAIMS = (
    "Claims to verify:\n1. Heat (1995) was directed by Michael Mann.\n2. It stars Al Pacino and Robert De Niro.\n"
    "3. It won the Academy Award for Best Picture.\nEvidence:\n[1] Heat is a 1995 American crime film written and "
    "directed by Michael Mann. It features an ensemble cast led by Al Pacino and Robert De Niro.\nAnswer with a JSON "
    "object listing each claim's status (supported, contradicted, not_found) and a one-sentence reason."
)
_OTHER_CLAIMS = (
    "Claims to verify:\n1. Jaws (1975) was directed by Steven Spielberg.\n2. Its score was written by John Williams.\n"
    "Evidence:\n[1] Jaws is a 1975 American thriller film directed by Steven Spielberg. The score was composed by "
    "John Williams.\nAnswer with a JSON object listing each claim's status and a one-sentence reason."
)


def _ask(base_url: str, system: str, user: str) -> str:
    body = {
        "model": MODEL_ALIAS,
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
        "temperature": 0,
        "max_tokens": 160,
    }
    r = httpx.post(f"{base_url}/chat/completions", json=body, timeout=600)
    r.raise_for_status()
    return str(r.json()["choices"][0]["message"]["content"])


def main(argv: list[str] | None = None) -> int:
    """Ask the fixed request five times in different server states; exit 1 when the answers differ, 2 when the
    local model is not set up."""
    parser = argparse.ArgumentParser(prog="python -m evals.server_order", description=__doc__.split("\n")[0])
    parser.add_argument("--stock", action="store_true", help="probe python -m llama_cpp.server instead")
    args = parser.parse_args(argv)
    module = "llama_cpp.server" if args.stock else SERVER_MODULE
    settings = load_settings()
    system = (REPO_ROOT / "prompts" / "verify_claims" / "v1.yaml").read_text(encoding="utf-8")
    try:
        gguf = require_ready(settings)
    except AuditError as e:  # the local model is not set up: one line naming the fix
        print(f"server_order: {e}", file=sys.stderr)
        return 2
    answers: list[tuple[str, str]] = []
    print(f"probing python -m {module}", flush=True)
    with LocalServer(gguf, log_dir=settings.data_dir / "logs", module=module) as server:
        url = server.base_url
        answers.append(("first request on a fresh server", _ask(url, system, _CLAIMS)))
        answers.append(("the same again, right after", _ask(url, system, _CLAIMS)))
        _ask(url, "You write short poems about the sea.", "Two lines about waves.")
        answers.append(("after an unrelated request", _ask(url, system, _CLAIMS)))
        _ask(url, system, _OTHER_CLAIMS)
        answers.append(("after a request sharing the system prompt", _ask(url, system, _CLAIMS)))
        answers.append(("right after itself", _ask(url, system, _CLAIMS)))
    first = answers[0][1]
    for name, text in answers:
        same = "same as the first" if text == first else "DIFFERENT from the first"
        print(f"{name}: {same}")
    distinct = len({text for _, text in answers})
    print(f"{distinct} distinct answer(s) to {len(answers)} identical temperature-0 requests")
    return 0 if distinct == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
