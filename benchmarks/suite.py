"""The benchmarks of the suite, in the order they run."""

from __future__ import annotations

from benchmarks import (
    capacity,
    fanout,
    http_stack,
    ledger,
    loadgen,
    server_cpu,
    server_throughput,
    sharding,
    simulator,
    writers,
)
from benchmarks.runner import Benchmark

SUITE: tuple[Benchmark, ...] = (
    simulator.BENCHMARK,
    capacity.BENCHMARK,
    sharding.BENCHMARK,
    fanout.BENCHMARK,
    ledger.BENCHMARK,
    writers.BENCHMARK,
    http_stack.BENCHMARK,
    server_throughput.BENCHMARK,
    server_cpu.BENCHMARK,
    loadgen.BENCHMARK,
)


def select(only: str | None) -> list[Benchmark]:
    """The benchmarks named in a comma-separated `only` (all when None), in suite order."""
    if only is None:
        return list(SUITE)
    wanted = {name.strip() for name in only.split(",") if name.strip()}
    unknown = wanted - {b.name for b in SUITE}
    if unknown:
        known = ", ".join(b.name for b in SUITE)
        raise ValueError(
            f"--only: unknown benchmark(s) {', '.join(sorted(unknown))}; known: {known}"
        )
    return [b for b in SUITE if b.name in wanted]
