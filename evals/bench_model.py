"""Speed of the embedded local model on this machine: prompt processing and generation, tokens per second.

``make bench`` runs it as ``local_model`` (skipped, with the reason, when ``make setup-local`` has not been run).
It loads the GGUF with whichever ``llama_cpp`` comes first on ``sys.path``, so two builds of the runtime compare by
running it twice in one session, alternating, one of them with ``PYTHONPATH`` on the other build::

    python -m evals.bench_model                                   # the runtime installed in .venv
    PYTHONPATH=/tmp/other-build python -m evals.bench_model      # a build made with pip install --target

The prompt is a fixed 1,200-token text (about a judge request's length); generation is 64 greedy tokens.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

PROMPT_TOKENS = 1200
GENERATED_TOKENS = 64


def measure(gguf: str) -> dict[str, Any]:
    """Load the model once, time one prompt and the tokens after it (in this process)."""
    import llama_cpp

    llm = llama_cpp.Llama(model_path=gguf, n_ctx=4096, n_threads=os.cpu_count() or 2, verbose=False)
    text = "The film was directed by a famous director and released in a year that critics still argue about. " * 60
    prompt = llm.tokenize(text.encode())[:PROMPT_TOKENS]
    t0 = time.perf_counter()
    llm.eval(prompt)
    t1 = time.perf_counter()
    for _ in range(GENERATED_TOKENS):
        llm.eval([llm.sample(temp=0.0)])
    t2 = time.perf_counter()
    return {
        "runtime": os.path.dirname(llama_cpp.__file__),
        "prompt_tokens_per_s": round(len(prompt) / (t1 - t0), 1),
        "generated_tokens_per_s": round(GENERATED_TOKENS / (t2 - t1), 1),
    }


def bench_local_model() -> dict[str, Any]:
    """The installed runtime's speed, measured in a child process (the model's memory goes with it)."""
    from agent.local_model import default_model_path, runtime_ready, weights_ready
    from agent.settings import load_settings

    gguf = default_model_path(load_settings())
    if not runtime_ready() or not weights_ready(gguf):
        return {"skipped": "the local model is not set up (make setup-local)"}
    run = subprocess.run(
        [sys.executable, "-m", "evals.bench_model", str(gguf)], capture_output=True, text=True, check=False
    )
    if run.returncode != 0:
        return {"failed": run.stderr.strip().splitlines()[-1:] or f"exit code {run.returncode}"}
    return dict(json.loads(run.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args:
        print(json.dumps(measure(args[0])))
    else:
        print(json.dumps(bench_local_model()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
