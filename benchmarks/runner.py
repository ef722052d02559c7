"""Run benchmarks several times and summarise each number as a median with its spread.

A benchmark is prepared once (seeding, servers) and then measured `repeats` times; each
repeat returns named numbers, and the failures of any correctness check it made (a ledger
that does not balance): a benchmark that fails one keeps its numbers but is `failed`, and
the suite exits 1, because a fast wrong answer is not a result. The machine is shared and
noisy, so every benchmark also measures a reference in the same repeat, and the ratio of a
number to its reference (taken per repeat, then summarised) is what stays comparable
across runs and machines.
"""

from __future__ import annotations

import statistics
import traceback
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

TRACEBACK_CHARS = 2000
FAILING = ("crashed", "failed")
"""Statuses that make the suite exit 1."""


class Skipped(Exception):
    """The benchmark cannot run here (missing tool or service); the message says why."""


@dataclass(frozen=True)
class Measured:
    """One repeat: named numbers, notes on what could not be measured, and what a
    correctness check found wrong."""

    values: dict[str, float]
    notes: tuple[str, ...] = ()
    failures: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ratio:
    """`numerator / reference`, both names of numbers in the same repeat."""

    numerator: str
    reference: str


Repeat = Callable[[], Measured]
Prepare = Callable[[bool], AbstractContextManager[Repeat]]
"""Given `quick`, a context that sets the benchmark up, yields one repeat, and tears down."""


@dataclass(frozen=True)
class Benchmark:
    name: str
    description: str
    prepare: Prepare
    units: dict[str, str]
    """Unit of every number a repeat may return."""
    ratios: dict[str, Ratio] = field(default_factory=dict)
    repeats: int = 5
    quick_repeats: int = 3


@dataclass(frozen=True)
class Spread:
    """Median, min–max and interquartile range of one number over the repeats."""

    median: float
    min: float
    max: float
    q1: float
    q3: float
    values: list[float]

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        q1, _, q3 = (
            statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else values * 3
        )
        return cls(statistics.median(values), min(values), max(values), q1, q3, values)

    def as_dict(self) -> dict[str, Any]:
        return {
            "median": self.median,
            "min": self.min,
            "max": self.max,
            "iqr": [self.q1, self.q3],
            "values": self.values,
        }


def run_benchmark(benchmark: Benchmark, quick: bool) -> dict[str, Any]:
    """The JSON record of one benchmark: ok or failed with its numbers, skipped, or crashed."""
    record: dict[str, Any] = {"name": benchmark.name, "description": benchmark.description}
    try:
        repeats = _repeats(benchmark, quick)
    except Skipped as skip:
        return {**record, "status": "skipped", "reason": str(skip)}
    except Exception:  # a crash is reported, and the other benchmarks still run
        return {**record, "status": "crashed", "reason": traceback.format_exc()[-TRACEBACK_CHARS:]}
    notes = sorted({note for repeat in repeats for note in repeat.notes})
    failures = sorted({failure for repeat in repeats for failure in repeat.failures})
    return {
        **record,
        "status": "failed" if failures else "ok",
        **({"reason": "; ".join(failures)} if failures else {}),
        "repeats": len(repeats),
        "notes": notes,
        "metrics": _metrics(benchmark, repeats),
        "ratios": _ratios(benchmark, repeats, notes),
    }


def _repeats(benchmark: Benchmark, quick: bool) -> list[Measured]:
    count = benchmark.quick_repeats if quick else benchmark.repeats
    with benchmark.prepare(quick) as repeat:
        return [repeat() for _ in range(count)]


def _series(repeats: list[Measured]) -> Iterator[tuple[str, list[float]]]:
    names = dict.fromkeys(name for repeat in repeats for name in repeat.values)
    for name in names:
        yield name, [r.values[name] for r in repeats if name in r.values]


def _metrics(benchmark: Benchmark, repeats: list[Measured]) -> dict[str, Any]:
    return {
        name: {"unit": benchmark.units[name], **Spread.of(values).as_dict()}
        for name, values in _series(repeats)
    }


def _ratios(benchmark: Benchmark, repeats: list[Measured], notes: list[str]) -> dict[str, Any]:
    ratios: dict[str, Any] = {}
    for name, ratio in benchmark.ratios.items():
        values = [
            r.values[ratio.numerator] / r.values[ratio.reference]
            for r in repeats
            if ratio.numerator in r.values and ratio.reference in r.values
        ]
        of = {"numerator": ratio.numerator, "reference": ratio.reference}
        if values:
            ratios[name] = {**of, **Spread.of(values).as_dict()}
        else:
            ratios[name] = {**of, "skipped": "; ".join(notes) or "operands not measured"}
    return ratios
