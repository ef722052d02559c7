"""Sharded runs' scaling: one scenario file run as `fanout run SCENARIO --shards K` for
K = 1 and K = 2, and K = 2's actions per second as a multiple of K = 1's (issue 24's
target: at least 1.7 on bench-100k on a two-core machine). K = 2 runs twice: at the
scenario's own window (`sharding.window_s`, 1 s by default) and at a ten-second one
(`w10`), since the lock step at each barrier, not the messages, is what a short window
costs (docs/sharding.md, "Projection"): the pair shows what a longer window would buy.

K = 1 is the reference measured in the same repeat: the same scenario, seed and local Ray
cluster, one shard. Beside it, `k1x2` runs two K = 1 runs of the scenario at once and sums
their actions per second: what two processes get from this machine's cores together, so
`k1x2_vs_k1` is the most K = 2 could reach here (two vCPUs that share a physical core, or
a host busy with other guests, give well under 2) and K = 2's ratio reads against it.

`actions_per_s` is the simulator's own figure, the run's actions over the window loop's
wall time (every barrier included, seeding excluded); `wall_s` is the whole command;
`messages_per_action` the messages the shards sent one another (a post delivered to
followers on the other shard, a like of its post, a gift's credit) per action, the volume
docs/sharding.md's projection scales with. Peak memory is not measured: the shards are Ray
worker processes, not children of the command.

Quick runs ci-smoke (its 21,600 one-second windows in six hours make it a measure of the
barrier more than of the work); full runs bench-100k's day.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from benchmarks.runner import Benchmark, Measured, Ratio, Repeat
from benchmarks.simulator import SCENARIOS, measured_run, unmeasured

QUICK = ("ci-smoke",)
FULL = ("bench-100k",)
NAMES = (*FULL, *QUICK)
LONG_WINDOW_S = 10.0
"""The longer window K = 2 also runs at: ten of the default's seconds."""
RUNS = {"k1": (1, None), "k2": (2, None), "k2.w10": (2, LONG_WINDOW_S)}
"""Label -> (shards, window in simulated seconds; None: the scenario's own)."""
PAIR = "k1x2"
"""Label of two K = 1 runs started together (the machine's ceiling for K = 2)."""
LABELS = (*RUNS, PAIR)


def run_sharded(
    scenario: Path, out: Path, shards: int, window_s: float | None = None
) -> dict[str, float]:
    """One `fanout run --shards` of a scenario file in a measured child, at the scenario's
    window or at `window_s`."""
    window = () if window_s is None else ("--set", f"sharding.window_s={window_s:g}")
    usage, simulator = measured_run(scenario, out, "--shards", str(shards), *window)
    return {
        "actions_per_s": float(simulator["actions_per_s"]),
        "wall_s": usage.wall_s,
        "messages_per_action": sum(sum(kinds.values()) for kinds in simulator["messages"])
        / sum(simulator["actions"]),
    }


def run_pair(scenario: Path, out: Path) -> dict[str, float]:
    """Two K = 1 runs of a scenario file started together, each in its own measured child:
    their actions per second summed, the later one's wall time."""
    out.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda i: run_sharded(scenario, out / f"run{i}", 1), range(2)))
    return {
        "actions_per_s": sum(run["actions_per_s"] for run in runs),
        "wall_s": max(run["wall_s"] for run in runs),
        "messages_per_action": 0.0,
    }


@contextmanager
def prepare(quick: bool) -> Iterator[Repeat]:
    names = QUICK if quick else FULL
    with tempfile.TemporaryDirectory(prefix="fanout-bench-shards-") as tmp:
        runs = itertools.count()

        def repeat() -> Measured:
            values: dict[str, float] = {}
            for name, (label, (shards, window_s)) in itertools.product(names, RUNS.items()):
                out = Path(tmp) / f"{name}-{label}-{next(runs)}"
                measured = run_sharded(SCENARIOS / f"{name}.yaml", out, shards, window_s)
                for key, value in measured.items():
                    values[f"{name}.{label}.{key}"] = value
            for name in names:
                measured = run_pair(SCENARIOS / f"{name}.yaml", Path(tmp) / f"{name}-{PAIR}")
                for key, value in measured.items():
                    values[f"{name}.{PAIR}.{key}"] = value
            return Measured(values, unmeasured(names, FULL))

        yield repeat


BENCHMARK = Benchmark(
    name="sharding",
    description="fanout run --shards 1 and 2 (and 2 at a 10 s window, and two K = 1 runs at "
    "once, the machine's ceiling): actions/s, K = 2 vs 1",
    prepare=prepare,
    units={
        f"{name}.{label}.{key}": unit
        for name, label in itertools.product(NAMES, LABELS)
        for key, unit in (
            ("actions_per_s", "actions/s"),
            ("wall_s", "s"),
            ("messages_per_action", "msg/action"),
        )
    },
    ratios={
        f"ratio.{name}.{label.replace('.', '_')}_vs_k1": Ratio(
            f"{name}.{label}.actions_per_s", f"{name}.k1.actions_per_s"
        )
        for name, label in itertools.product(NAMES, LABELS)
        if label != "k1"
    },
    repeats=1,
    quick_repeats=1,
)
