"""The capacity benchmark: the model's cost net of its driver, and every call accounted for."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.capacity import measure
from sim.capacity.model import CapacityModel


def test_a_repeat_reports_the_models_cost_and_its_reference() -> None:
    """Both numbers are positive CPU times per call, and every call came back as a latency."""
    measured = measure(2_000)
    assert measured.failures == ()
    assert measured.values["reference.driver_us_per_call"] > 0.0
    assert set(measured.values) == {"submit_us_per_call", "reference.driver_us_per_call"}


def test_calls_that_never_complete_fail_the_benchmark(monkeypatch: pytest.MonkeyPatch) -> None:
    """A model that loses calls is a correctness failure, not a faster number."""
    monkeypatch.setattr(CapacityModel, "latency_ms", lambda self, path: np.empty(0))
    assert measure(500).failures == ("0 of 500 calls completed",)
