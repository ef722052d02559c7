"""The small statistics results need: a t-based 95 % interval and Welch's test between runs.

Replications of a simulation (or repeated load tests) are few, so intervals use Student's t
rather than the normal approximation, and two runs are compared with Welch's t-test, which
does not assume both runs have the same spread.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np

CONFIDENCE = 0.95
"""Confidence level of every interval in a Result (the schema's field is named `ci95`)."""
SIGNIFICANCE = 0.05
"""False discovery rate at which changes between two runs are reported as significant."""

ROUNDING = 1e-9
"""Relative difference below which two values differ only by floating-point rounding."""

Interval = tuple[float, float]


def mean_ci95(values: Sequence[float]) -> tuple[float, Interval | None]:
    """Mean of the replicate values and its t-based 95 % interval (None for one value)."""
    if not values:
        raise ValueError("no replicate values to summarise")
    sample = np.asarray(values, dtype=float)
    mean = float(sample.mean())
    if len(sample) < 2:
        return mean, None
    from scipy import stats  # imported on use: ~1 s, and every CLI command loads this module

    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, len(sample) - 1) * stats.sem(sample))
    return mean, (mean - half, mean + half)


def mean_ci95_by_row(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and t-based 95 % interval bounds of each column of a (replications, rows) array.

    NaN cells are gaps and left out; a column with fewer than two values has NaN bounds
    (and NaN mean when empty). Vectorised: a month of hourly rows is thousands of intervals.
    """
    from scipy import stats  # see mean_ci95

    present = np.sum(~np.isnan(samples), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.nansum(samples, axis=0)
        mean = np.where(present > 0, total / np.maximum(present, 1), np.nan)
        spread = np.nansum((samples - mean) ** 2, axis=0) / (present - 1)
        half = stats.t.ppf(0.5 + CONFIDENCE / 2, present - 1) * np.sqrt(spread / present)
    half = np.where(present >= 2, half, np.nan)
    return mean, mean - half, mean + half


def welch_p_value(a: Sequence[float], b: Sequence[float]) -> float:
    """Two-sided p-value of Welch's t-test that samples `a` and `b` share a mean.

    Needs two values per sample. Constant samples have no spread for scipy to use (and
    samples constant but for rounding, such as shares summed in another order, make it warn
    of catastrophic cancellation), so they are decided directly: same value p = 1,
    different values p = 0.
    """
    if len(a) < 2 or len(b) < 2:
        raise ValueError("Welch's t-test needs at least two replicates per run")
    if _constant(a) and _constant(b):
        return 1.0 if math.isclose(a[0], b[0], rel_tol=ROUNDING) else 0.0
    from scipy import stats  # see mean_ci95

    with warnings.catch_warnings():
        # One constant sample (every replication made the same number of calls to a rare
        # path) has an exact variance of 0; scipy still warns that its variance lost
        # precision, and Welch's test rightly leans on the other sample's spread alone.
        warnings.filterwarnings("ignore", "Precision loss occurred", RuntimeWarning)
        return float(stats.ttest_ind(a, b, equal_var=False).pvalue)


def _constant(sample: Sequence[float]) -> bool:
    """All values equal, up to floating-point rounding."""
    return all(math.isclose(value, sample[0], rel_tol=ROUNDING) for value in sample)


def intervals_overlap(a: Interval, b: Interval) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def relative_change(base: float, value: float) -> float | None:
    """(value - base) / |base|; None when the base is zero, where no ratio exists."""
    if base == 0:
        return None
    return (value - base) / abs(base)


def fdr_adjusted(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values of a family of tests, in the same order.

    A comparison tests every shared metric at once; at p < 0.05 each, two runs of the same
    scenario with different seeds would show a few "significant" changes among fifty metrics
    by chance alone. Adjusted values below SIGNIFICANCE keep the expected share of false
    discoveries among the reported changes at that rate.
    """
    if not p_values:
        return []
    from scipy import stats  # imported on use, as above

    return [float(q) for q in stats.false_discovery_control(np.asarray(p_values, dtype=float))]
