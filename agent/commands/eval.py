"""``audit eval``: measure the agent on a labelled dataset, once per ablation, and write the results table.

Datasets: ``gold`` (337 gold audits: generated + hand-written), ``gold-dev`` / ``gold-heldout`` (the fixed splits),
``blind-dev`` / ``blind-test`` (hand-written cases written blind, ``evals/gold_blind.py``: the test half is reported
in aggregate only), ``blind-2`` (a second blind set, dev material after its first read), ``blind-3-dev`` /
``blind-3-test`` (a third, split like the first), ``sample`` (the 41-case sample batch), ``halueval-qa`` /
``halueval-general`` (public hallucination benchmarks). Ablations: ``exact`` (exact checks only, no model),
``model-only``, ``retrieval-model``, ``full``, ``peer`` (the peer baseline: DeepEval's HallucinationMetric judging
each response with the same model and evidence, then compared with the contributor), or ``all`` (the five, same
data, same model). Each ablation's run resumes from ``.audit/eval/...`` (model calls are cached), so an interrupted
run can simply be started again.
Results: ``evals/results/<date>-<model>-<dataset>.md`` and ``.json``; while a run is under way, the ablations finished
so far are in ``<date>-<model>-<dataset>.partial.md`` / ``.json`` (replaced as each one finishes, removed at the end).
Exit code 0 when every ablation ran, 1 when one could not (for example no model reachable).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

from agent.settings import REPO_ROOT, Settings

# the labelled datasets of evals.harness.DATASETS
_LABELLED = (
    "gold", "gold-dev", "gold-heldout", "blind-dev", "blind-test", "blind-2", "blind-3-dev", "blind-3-test", "sample",
)  # fmt: skip
DATASET_CHOICES = (*_LABELLED, "halueval-qa", "halueval-general")
ABLATION_CHOICES = ("exact", "model-only", "retrieval-model", "full", "peer", "all")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``eval`` subcommand."""
    p = subparsers.add_parser(
        "eval",
        help="measure the agent on the gold set or a benchmark; write evals/results/*.md",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--dataset", choices=DATASET_CHOICES, default="gold", help="default: gold")
    p.add_argument("--model", help="provider:model (default: AUDIT_MODEL or the embedded local model)")
    p.add_argument(
        "--ablation", default="all", help="exact | model-only | retrieval-model | full | peer | all (default)"
    )
    p.add_argument("--limit", type=int, help="only N records (gold and sample: spread over the categories)")
    p.add_argument("--concurrency", type=int, default=2, help="evaluations audited at once (default 2)")
    p.add_argument("--fresh", action="store_true", help="do not resume earlier runs of this commit")
    p.add_argument("--results-dir", type=Path, help="where the .md/.json results go (default: evals/results)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=handle)


def _ablations(text: str) -> list[str]:
    names = [a.strip() for a in text.split(",") if a.strip()]
    if names == ["all"]:
        return ["exact", "model-only", "retrieval-model", "full", "peer"]
    unknown = [n for n in names if n not in ABLATION_CHOICES or n == "all"]
    if unknown or not names:
        raise SystemExit(
            f"audit eval: --ablation {text!r}: use one or more of exact, model-only, retrieval-model, "
            "full, peer (comma-separated), or all"
        )
    return names


def handle(args: argparse.Namespace, settings: Settings) -> int:
    """Run the evaluation and print where the results are."""
    ablations = _ablations(args.ablation)
    if args.limit is not None and args.limit < 1:
        raise SystemExit("audit eval: --limit must be at least 1")
    # The harness lives in the repository's evals/ folder, which is not part of the installed package.
    if importlib.util.find_spec("evals") is None:
        sys.path.insert(0, str(REPO_ROOT))
    from evals.harness import EvalRun, run_eval
    from evals.results_table import ablation_table, write_results

    written: list[Path] = []  # the partial results files so far, replaced as each ablation finishes

    def partial(run: EvalRun) -> None:
        for path in written:
            path.unlink(missing_ok=True)
        written[:] = write_results(run, args.results_dir) if args.results_dir else write_results(run)
        print(f"partial results ({', '.join(run.pending)} still to run): {written[0]}", file=sys.stderr)

    run = run_eval(
        settings,
        args.dataset,
        ablations,
        model=args.model,
        limit=args.limit,
        concurrency=args.concurrency,
        progress=not args.no_progress,
        fresh=args.fresh,
        on_progress=partial,
    )
    for path in written:
        path.unlink(missing_ok=True)
    md, js = write_results(run, args.results_dir) if args.results_dir else write_results(run)
    print(f"{run.dataset}: {run.n} records, commit {run.commit}, model {run.model}")
    print("\n".join(ablation_table(run.results)))
    print(f"results: {md}\n         {js}")
    not_run = [r for r in run.results if r.not_run is not None]
    for r in not_run:
        print(f"ablation {r.ablation} did not run: {r.not_run}", file=sys.stderr)
    return 1 if not_run else 0
