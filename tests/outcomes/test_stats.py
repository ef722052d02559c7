"""Statistics for replications: Welch's test edge cases, interval overlap, relative change."""

from __future__ import annotations

import numpy as np
import pytest

from outcomes.stats import (
    intervals_overlap,
    mean_ci95,
    mean_ci95_by_row,
    relative_change,
    welch_p_value,
)


def test_welch_decides_constant_samples_without_scipy_warnings() -> None:
    assert welch_p_value([5.0, 5.0], [5.0, 5.0]) == 1.0
    assert welch_p_value([5.0, 5.0], [6.0, 6.0]) == 0.0


def test_welch_needs_two_replicates_per_sample() -> None:
    with pytest.raises(ValueError, match="at least two replicates"):
        welch_p_value([1.0], [1.0, 2.0])


def test_welch_p_value_is_small_for_separated_samples_and_large_for_interleaved() -> None:
    assert welch_p_value([1.0, 1.1, 0.9, 1.05], [2.0, 2.1, 1.9, 2.05]) < 0.001
    assert welch_p_value([1.0, 2.0, 3.0, 4.0], [1.5, 2.5, 3.5, 2.0]) > 0.5


def test_intervals_overlap_when_they_share_any_point() -> None:
    assert intervals_overlap((0.0, 1.0), (1.0, 2.0))
    assert intervals_overlap((0.0, 3.0), (1.0, 2.0))
    assert not intervals_overlap((0.0, 1.0), (1.5, 2.0))


def test_relative_change_is_against_the_magnitude_of_the_base() -> None:
    assert relative_change(100.0, 110.0) == pytest.approx(0.1)
    assert relative_change(-100.0, -90.0) == pytest.approx(0.1)
    assert relative_change(0.0, 5.0) is None


def test_an_empty_sample_cannot_be_summarised() -> None:
    with pytest.raises(ValueError, match="no replicate values"):
        mean_ci95([])


def test_row_intervals_match_the_single_sample_interval_and_skip_gaps() -> None:
    samples = np.array([[1.0, 5.0, np.nan, 2.0], [2.0, 7.0, np.nan, np.nan], [4.0, 6.0, 1.0, 3.0]])
    mean, lo, hi = mean_ci95_by_row(samples)
    for column, present in ((0, [1.0, 2.0, 4.0]), (1, [5.0, 7.0, 6.0]), (3, [2.0, 3.0])):
        expected_mean, interval = mean_ci95(present)
        assert interval is not None
        expected_lo, expected_hi = interval
        assert mean[column] == pytest.approx(expected_mean)
        assert (lo[column], hi[column]) == pytest.approx((expected_lo, expected_hi))
    assert mean[2] == 1.0 and np.isnan(lo[2]) and np.isnan(hi[2])  # one value: no interval


def test_welch_decides_samples_constant_but_for_rounding_without_scipy_warnings() -> None:
    third = [1 / 3, 0.1 + 0.2 - 0.3 + 1 / 3]  # equal but for the last bits
    assert third[0] != third[1]
    assert welch_p_value(third, [1 / 3, 1 / 3]) == 1.0
    assert welch_p_value(third, [0.5, 0.5]) == 0.0


def test_welch_against_one_constant_sample_leans_on_the_others_spread_without_warnings() -> None:
    # the replicates of a rare path's rate that tripped scipy's precision-loss warning
    varying, constant = [0.0020833333333333333, 0.001990740740740741], [0.0020833333333333333] * 2
    assert 0.05 < welch_p_value(varying, constant) < 1.0
