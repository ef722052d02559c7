"""Scalar random draws for agents' one-off choices, taken in blocks from the run's generator.

A numpy scalar draw costs about a microsecond, a Python float from a pre-drawn block a few
tens of nanoseconds; agents make millions of small choices (which post to like, how long to
pause), so they draw here. The blocks come from the run's one generator, in the order the
simulation asks, so runs stay reproducible. `whole_and_chance` draws counts of a mean
that is not whole, for the simulator and the load test alike (no heavy imports here).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

import numpy as np

BLOCK = 8192
T = TypeVar("T")


class Draws:
    """Uniform and exponential variates on demand, drawn `BLOCK` at a time."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._uniform: Iterator[float] = iter(())
        self._exponential: Iterator[float] = iter(())

    def uniform(self) -> float:
        """A float in [0, 1)."""
        try:
            return next(self._uniform)
        except StopIteration:
            self._uniform = iter(self.rng.random(BLOCK).tolist())
            return next(self._uniform)

    def exponential(self, mean: float) -> float:
        try:
            return mean * next(self._exponential)
        except StopIteration:
            self._exponential = iter(self.rng.standard_exponential(BLOCK).tolist())
            return mean * next(self._exponential)

    def index(self, size: int) -> int:
        """A uniform index into a sequence of `size` items (size > 0)."""
        return min(int(self.uniform() * size), size - 1)

    def pick(self, items: Sequence[T]) -> T:
        return items[self.index(len(items))]


def whole_and_chance(means: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Counts of mean `means`: the whole part always, the fraction as the chance of one
    more (1.5 reads a session: one read, and a second every other session)."""
    whole = np.floor(means)
    return (whole + (rng.random(means.size) < means - whole)).astype(int)
