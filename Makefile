# Every command the README and CI use. Python 3.11; everything installs into .venv.
PY ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install -c constraints.txt

.PHONY: help setup setup-local test lint format demo demo-fast bench eval record soak kb clean

help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -q -e '.[dev]'
	$(PIP) -q --no-deps deepeval nest-asyncio portalocker jinja2 markupsafe  # the peer baseline (evals/peer_baseline.py); why --no-deps: pyproject.toml
	$(BIN)/python -c "import agent" && touch $@

setup: $(STAMP) ## install the package and dev tools into .venv (no compiler, no model)

setup-local: setup ## build the local model runtime (~7 min) and assemble the local model weights
	$(BIN)/python -m agent.local_model setup

test: $(STAMP) ## run the test suite (cassettes replay; no network, no local model needed)
	$(BIN)/pytest -q

lint: $(STAMP) ## ruff + mypy
	$(BIN)/ruff check agent tests evals
	$(BIN)/ruff format --check agent tests evals
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format agent tests evals
	$(BIN)/ruff check --fix agent tests evals

kb: $(STAMP) ## build the default knowledge base (offline embeddings)
	$(BIN)/audit kb build

demo: setup-local kb ## the main job on the embedded defaults: audit the sample batch, write the report
	$(BIN)/audit run evals/datasets/sample_batch.jsonl --out out/demo

demo-fast: $(STAMP) ## the same batch with the exact checks only (no model, no KB build): seconds, not an hour
	$(BIN)/audit run evals/datasets/sample_batch.jsonl --out out/demo-fast --no-llm

bench: $(STAMP) ## benchmarks (numbers go in the README)
	$(BIN)/python -m evals.bench

eval: setup-local kb ## run the offline evaluation with the embedded local model
	$(BIN)/audit eval

record: setup-local ## re-record the LLM cassettes against the embedded llama.cpp server
	$(BIN)/pytest -q --record-mode=rewrite -m vcr tests

soak: $(STAMP) ## full-size fault soak (1,000 evaluations under injected faults)
	$(BIN)/pytest -q tests/test_soak.py --soak-size=1000

clean:
	rm -rf out build *.egg-info .pytest_cache .mypy_cache .ruff_cache
