"""The measured window opens a warm-up after the test starts and lasts to the last response."""

from __future__ import annotations

import pytest

from loadtests.generator.window import MeasuredWindow


def test_nothing_is_measured_before_the_test_starts_or_during_its_warm_up() -> None:
    window = MeasuredWindow()
    assert not window.is_open(1000.0)
    window.start(1000.0, warmup_s=10.0)
    assert not window.is_open(1009.9)
    assert window.is_open(1010.0) and window.is_open(1035.0)


def test_without_a_warm_up_the_window_opens_at_the_start() -> None:
    window = MeasuredWindow()
    window.start(1000.0, warmup_s=0.0)
    assert window.is_open(1000.0)
    assert window.measured_s(1025.0) == pytest.approx(25.0)


def test_the_measured_time_runs_from_the_warm_ups_end_to_the_last_response() -> None:
    window = MeasuredWindow()
    assert window.measured_s(1035.0) == 0.0
    window.start(1000.0, warmup_s=10.0)
    assert window.measured_s(1035.0) == pytest.approx(25.0)
    assert window.measured_s(1005.0) == 0.0  # the last response came during the warm-up
    assert window.measured_s(None) == 0.0  # no response at all
