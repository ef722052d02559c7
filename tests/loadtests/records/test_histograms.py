"""HDR histograms per request path: exact percentiles that merge across processes losslessly."""

from __future__ import annotations

import numpy as np
import pytest

from loadtests.records.histograms import PERCENTILES, PathHistograms, merged


def recorded(values_ms: np.ndarray, name: str = "timeline_read") -> PathHistograms:
    histograms = PathHistograms()
    for value in values_ms:
        histograms.record_ms(name, float(value))
    return histograms


def test_merging_encoded_parts_equals_recording_everything_in_one_histogram() -> None:
    """Workers' histograms, encoded and added up by the master, lose nothing."""
    values = np.random.default_rng(7).lognormal(mean=2.5, sigma=1.0, size=5000)
    whole = recorded(values)
    parts = [recorded(part).encode() for part in np.array_split(values, 3)]
    total = merged(parts)
    assert total.count("timeline_read") == len(values)
    assert total.summary_ms("timeline_read") == whole.summary_ms("timeline_read")


def test_percentiles_are_the_exact_order_statistics_to_three_significant_digits() -> None:
    """Each percentile is the response at its nearest rank, not a rounded bucket."""
    values = np.random.default_rng(3).exponential(scale=40.0, size=20_000)
    ordered = np.sort(values)
    summary = recorded(values).summary_ms("timeline_read")
    for key, pct in PERCENTILES.items():
        rank = max(1, int(pct * len(values) / 100 + 0.5))
        assert summary[key] == pytest.approx(ordered[rank - 1], rel=1e-3, abs=1e-3)
    assert summary["max"] == pytest.approx(ordered[-1], rel=1e-3)


def test_paths_are_kept_apart_and_empty_paths_have_no_summary() -> None:
    histograms = PathHistograms()
    histograms.record_ms("post", 10.0)
    histograms.record_ms("like", 1.0)
    assert histograms.names() == ["like", "post"]
    assert histograms.summary_ms("post")["p50"] == pytest.approx(10.0, rel=1e-3)
    assert histograms.summary_ms("comment") == {}


def test_zero_is_recorded_and_clearing_forgets_everything() -> None:
    """On-time sends have zero lag; a worker clears after each report to the master."""
    histograms = PathHistograms()
    histograms.record_ms("lag", 0.0)
    assert histograms.summary_ms("lag")["max"] == 0.0
    histograms.clear()
    assert histograms.encode() == {}
