"""Open-model pacing: actions keep to their schedule, and latency counts from when each
request was due, so a stalled server cannot hide behind the sends it delayed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from loadtests.generator.pacing import LATENESS, Pacer, RequestTimes, per_user_interval_s

INTERVAL_S = 0.1
FAST_S = 0.01
STALL_S = 3.0
STAT = "timeline_read"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def run_scheduled_user(
    actions: int, requests_per_action: int, server_s: Callable[[int], float]
) -> RequestTimes:
    """One open-model user as FanoutUser runs it: sleep until due, start the action, send
    its requests one after another; `server_s(k)` is how long the k-th request takes."""
    clock, times = FakeClock(), RequestTimes()
    pacer = Pacer(INTERVAL_S, clock)
    sent = 0
    for _ in range(actions):
        clock.now += pacer.wait_s()
        context = {LATENESS: pacer.start()}
        for _ in range(requests_per_action):
            took_s = server_s(sent)
            clock.now += took_s
            times.record(STAT, took_s * 1000, context)
            sent += 1
    return times


def test_users_share_the_target_rate() -> None:
    assert per_user_interval_s(actions_per_s=50.0, users=10) == pytest.approx(0.2)


def test_a_user_that_keeps_up_waits_for_each_action_and_is_never_late() -> None:
    clock = FakeClock()
    pacer = Pacer(interval_s=1.0, clock=clock, phase_s=0.25)
    assert pacer.wait_s() == pytest.approx(0.25)
    clock.now += 0.25
    assert pacer.start() == 0.0
    clock.now += 0.1  # a 0.1 s action
    assert pacer.wait_s() == pytest.approx(0.9)


def test_a_slow_action_makes_the_next_ones_late_by_the_overrun() -> None:
    """The schedule does not wait for the server, so lateness shows what it delayed."""
    clock = FakeClock()
    pacer = Pacer(interval_s=1.0, clock=clock)
    assert pacer.start() == 0.0
    clock.now += 2.5  # a 2.5 s action
    assert (pacer.wait_s(), pacer.start()) == pytest.approx((0.0, 1.5))
    clock.now += 0.1
    assert (pacer.wait_s(), pacer.start()) == pytest.approx((0.0, 0.6))
    clock.now += 0.1
    assert pacer.wait_s() == pytest.approx(0.3)


def test_a_stalled_server_shows_in_latency_far_above_the_response_times() -> None:
    """One 3 s stall in 400 requests is under the p99 of response times, but the actions
    due during it and after it, until the user caught up, waited for it too."""
    times = run_scheduled_user(200, 2, lambda k: STALL_S if k == 20 else FAST_S)
    response = times.response.summary_ms(STAT)
    latency = times.latency.summary_ms(STAT)
    assert response["p99"] == pytest.approx(FAST_S * 1000, rel=1e-2)
    assert latency["p99"] > 2000 > 100 * response["p99"]
    assert latency["max"] == pytest.approx(STALL_S * 1000 + FAST_S * 1000, rel=1e-2)


def test_every_request_of_a_late_action_counts_the_actions_lateness() -> None:
    """The first request is due at the action's start; each next one when the one before
    answered on the action's own timeline, so each is late by as much as the action."""
    times = RequestTimes()
    for response_ms in (10.0, 20.0):
        times.record(STAT, response_ms, {LATENESS: 0.5})
    assert times.latency.summary_ms(STAT)["max"] == pytest.approx(520.0, rel=1e-3)
    assert times.latency.summary_ms(STAT)["p50"] == pytest.approx(510.0, rel=1e-3)
    assert times.response.summary_ms(STAT)["max"] == pytest.approx(20.0, rel=1e-3)


def test_when_nothing_is_late_latency_equals_response_time() -> None:
    times = run_scheduled_user(100, 3, lambda k: FAST_S * (1 + k % 3))  # 60 ms of 100
    assert times.response.count(STAT) == times.latency.count(STAT) == 300
    assert times.latency.summary_ms(STAT) == times.response.summary_ms(STAT)


def test_without_a_schedule_only_latency_is_recorded() -> None:
    """Closed model: no due time to count from, so no separate response time either."""
    times = RequestTimes()
    times.record(STAT, 12.0, {})
    assert times.latency.summary_ms(STAT)["max"] == pytest.approx(12.0, rel=1e-3)
    assert times.response.names() == []
