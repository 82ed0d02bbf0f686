"""Micro-benchmark of the exact fact index: load time and per-query latency (``make bench`` calls this)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from agent.kb.facts import FactIndex

QUERIES: dict[str, Callable[[FactIndex], Any]] = {
    "year_of('Inception')": lambda ix: ix.year_of("Inception"),
    "find_films('Iron Man')": lambda ix: ix.find_films("Iron Man"),
    "find_films('A New Hope')": lambda ix: ix.find_films("A New Hope"),
    "cast_of('The Godfather')": lambda ix: ix.cast_of("The Godfather"),
    "directors_of('Inception')": lambda ix: ix.directors_of("Inception"),
    "episode('Game of Thrones', 3, 9)": lambda ix: ix.episode("Game of Thrones", 3, 9),
    "episodes_titled('The Rains of Castamere')": lambda ix: ix.episodes_titled("The Rains of Castamere"),
    "season_count('The Simpsons')": lambda ix: ix.season_count("The Simpsons"),
    "oscar_winner('Best Picture', 1994)": lambda ix: ix.oscar_winner("Best Picture", 1994),
    "oscars_for_film('Titanic', 1997)": lambda ix: ix.oscars_for_film("Titanic", 1997),
    "oscars_for_person('Meryl Streep')": lambda ix: ix.oscars_for_person("Meryl Streep"),
    "emmys_for('Breaking Bad')": lambda ix: ix.emmys_for("Breaking Bad"),
    "films_with('Keanu Reeves')": lambda ix: ix.films_with("Keanu Reeves"),
}


def bench_fact_index(repeats: int = 200) -> dict[str, Any]:
    """Load the index, then time each query ``repeats`` times; latencies in microseconds (p50, p95, max)."""
    started, cpu = time.perf_counter(), time.process_time()
    index = FactIndex.load()
    load_s, load_cpu_s = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    index.load_all()
    load_all_s = time.perf_counter() - started
    queries: dict[str, dict[str, float]] = {}
    for name, query in QUERIES.items():
        query(index)  # warm caches
        samples = []
        for _ in range(repeats):
            t0 = time.perf_counter_ns()
            query(index)
            samples.append((time.perf_counter_ns() - t0) / 1000)
        samples.sort()
        queries[name] = {
            "p50_us": round(statistics.median(samples), 1),
            "p95_us": round(samples[int(0.95 * (len(samples) - 1))], 1),
            "max_us": round(samples[-1], 1),
        }
    worst_p95 = max(q["p95_us"] for q in queries.values())
    return {
        "records": index.record_count,
        "load_s": round(load_s, 2),  # films, Oscars, episodes, notes: what the exact checks need at startup
        "load_cpu_s": round(load_cpu_s, 2),  # CPU time of that load: less sensitive to a busy machine
        "load_rest_s": round(load_all_s, 2),  # Emmys, streaming catalogues, comics (loaded on first use)
        "queries": queries,
        "worst_p95_us": worst_p95,
        "under_1ms": worst_p95 < 1000,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(bench_fact_index(), indent=1))
