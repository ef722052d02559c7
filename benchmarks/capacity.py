"""The capacity model's own cost: CPU time per call submitted to `CapacityModel`.

A SimPy process submits a fixed, seeded stream of calls (four paths of the baseline mix's
shapes, Poisson at `RATE_PER_S`) and the model's latencies are read at the end, which
solves the last batch; the reference is the same driver with a submit that does nothing,
timed in the same repeat, so `submit_us_per_call` is the model's cost net of SimPy's.
CPU time (`time.process_time`), not wall time: the machine is shared. Every call must
come back as a latency sample, or the benchmark fails.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import simpy

from benchmarks.runner import Benchmark, Measured, Ratio, Repeat
from microblog.work import Work
from scenario.capacity import CapacityConfig
from sim.capacity.model import CapacityModel

CALLS, QUICK_CALLS = 200_000, 50_000
RATE_PER_S = 400.0
"""Calls per simulated second: the default platform at a few per cent busy, like baseline."""
DRAIN_S = 10.0
"""Simulated seconds after the last call, so that every call has left the platform."""
WORKS = (
    ("timeline_read", Work(db_reads=2, cache_reads=20, merged_items=5)),
    ("post", Work(db_writes=2, cache_writes=1, fanout_deliveries=50)),
    ("chat_send", Work(db_writes=1, pushes=2)),
    ("like", Work(db_reads=1, db_writes=1)),
)

Submit = Callable[[str, Work], None]


def drive(env: simpy.Environment, submit: Submit, calls: int) -> float:
    """CPU seconds to run `calls` seeded submissions through `submit` on `env`."""
    rng = np.random.default_rng(1)
    gaps = rng.exponential(1.0 / RATE_PER_S, calls).tolist()
    kinds = rng.integers(0, len(WORKS), calls).tolist()

    def calls_made() -> Generator[simpy.Event, Any, None]:
        for gap, kind in zip(gaps, kinds, strict=True):
            yield env.timeout(gap)
            submit(*WORKS[kind])
        yield env.timeout(DRAIN_S)

    env.process(calls_made())
    started = time.process_time()
    env.run()
    return time.process_time() - started


def measure(calls: int) -> Measured:
    """One repeat: the driver alone, then the driver feeding the model."""
    driver_s = drive(simpy.Environment(), lambda path, work: None, calls)
    env = simpy.Environment()
    model = CapacityModel(env, CapacityConfig(), np.random.default_rng(2))
    model_s = drive(env, model.submit, calls)
    started = time.process_time()
    completed = sum(model.latency_ms(path).size for path, _ in WORKS)
    model_s += time.process_time() - started
    values = {
        "submit_us_per_call": (model_s - driver_s) / calls * 1e6,
        "reference.driver_us_per_call": driver_s / calls * 1e6,
    }
    failures = () if completed == calls else (f"{completed} of {calls} calls completed",)
    return Measured(values, failures=failures)


@contextmanager
def prepare(quick: bool) -> Iterator[Repeat]:
    calls = QUICK_CALLS if quick else CALLS
    yield lambda: measure(calls)


BENCHMARK = Benchmark(
    name="capacity",
    description="CPU per call submitted to the capacity model, net of the SimPy driver",
    prepare=prepare,
    units={"submit_us_per_call": "µs", "reference.driver_us_per_call": "µs"},
    ratios={"ratio.submit_vs_driver": Ratio("submit_us_per_call", "reference.driver_us_per_call")},
    repeats=5,
    quick_repeats=3,
)
