"""Service-level objectives: `metric <op> threshold`, e.g. `latency.timeline_read.p95_ms <= 200`.

Shared by scenario validation (a scenario's `slos:` list) and `fanout gate`.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
    "==": operator.eq,
}
_PATTERN = re.compile(
    r"^\s*([A-Za-z0-9_.]+)\s*(<=|>=|==|<|>)\s*(-?[0-9][0-9_]*(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)\s*$"
)


@dataclass(frozen=True, slots=True)
class Slo:
    metric: str
    op: str
    threshold: float

    def holds(self, value: float) -> bool:
        return OPERATORS[self.op](value, self.threshold)

    def __str__(self) -> str:
        return f"{self.metric} {self.op} {self.threshold:g}"


def parse_slo(text: str) -> Slo:
    """Parse one SLO expression; raises ValueError that quotes the text and the expected form."""
    match = _PATTERN.match(text)
    if not match:
        raise ValueError(
            f"not an SLO: {text!r}; expected 'metric <op> number' with <op> one of "
            f"{', '.join(OPERATORS)}, e.g. 'latency.timeline_read.p95_ms <= 200'"
        )
    metric, op, threshold = match.groups()
    return Slo(metric, op, float(threshold))
