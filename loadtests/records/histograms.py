"""Exact latency percentiles: one HDR histogram per request path, mergeable across processes.

Locust's own statistics round response times into buckets (to two significant digits above
100 ms), which blurs exactly the tail a gate is written against. Every response time is
recorded here instead, in microseconds, with three significant digits. HDR histograms add
without loss, so the histograms of several Locust worker processes merge into the one a
single process would have recorded; they travel between processes in HDR's compressed
base64 encoding.

This module does not import Locust: the pytest and CLI processes use it too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from hdrh.histogram import HdrHistogram

LOWEST_US = 1
HIGHEST_US = 3_600_000_000
"""Largest recordable value: one hour. Longer values are clamped to it rather than lost."""
SIGNIFICANT_DIGITS = 3
US_PER_MS = 1000.0

PERCENTILES: dict[str, float] = {
    "p50": 50.0,
    "p90": 90.0,
    "p95": 95.0,
    "p99": 99.0,
    "p999": 99.9,
}
"""Reported percentiles, keyed by the metric-name suffix they get (p999 = 99.9th)."""


def new_histogram() -> HdrHistogram:
    return HdrHistogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_DIGITS)


class PathHistograms:
    """Durations per name (a request path like `timeline_read`, or `loadgen_lag`)."""

    def __init__(self) -> None:
        self._by_name: dict[str, HdrHistogram] = {}

    def record_ms(self, name: str, duration_ms: float) -> None:
        micros = min(max(round(duration_ms * US_PER_MS), 0), HIGHEST_US)
        self._histogram(name).record_value(micros)

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def count(self, name: str) -> int:
        histogram = self._by_name.get(name)
        return histogram.get_total_count() if histogram else 0

    def summary_ms(self, name: str) -> dict[str, float]:
        """Percentiles, mean and max of one name in milliseconds (empty if nothing recorded)."""
        histogram = self._by_name.get(name)
        if histogram is None or histogram.get_total_count() == 0:
            return {}
        stats = {
            key: histogram.get_value_at_percentile(pct) / US_PER_MS
            for key, pct in PERCENTILES.items()
        }
        stats["mean"] = histogram.get_mean_value() / US_PER_MS
        stats["max"] = histogram.get_max_value() / US_PER_MS
        return stats

    def encode(self) -> dict[str, str]:
        """Every non-empty histogram in HDR's compressed base64 form, for another process."""
        return {
            name: histogram.encode().decode("ascii")
            for name, histogram in self._by_name.items()
            if histogram.get_total_count()
        }

    def merge_encoded(self, encoded: Mapping[str, str]) -> None:
        """Add histograms produced by `encode()` (of another process) to these."""
        for name, text in encoded.items():
            self._histogram(name).decode_and_add(text.encode("ascii"))

    def clear(self) -> None:
        """Forget everything recorded (a worker does so after each report to the master)."""
        self._by_name.clear()

    def _histogram(self, name: str) -> HdrHistogram:
        histogram = self._by_name.get(name)
        if histogram is None:
            histogram = self._by_name[name] = new_histogram()
        return histogram


def merged(parts: Iterable[Mapping[str, str]]) -> PathHistograms:
    """One PathHistograms from several encoded ones (e.g. the reports of every worker)."""
    total = PathHistograms()
    for encoded in parts:
        total.merge_encoded(encoded)
    return total
