"""Open-model pacing: sends keep to their schedule, and lateness is measured, not hidden."""

from __future__ import annotations

import pytest

from loadtests.generator.pacing import Pacer, per_user_interval_s


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_users_share_the_target_rate() -> None:
    assert per_user_interval_s(actions_per_s=50.0, users=10) == pytest.approx(0.2)


def test_a_user_that_keeps_up_waits_for_each_send_and_is_never_late() -> None:
    clock = FakeClock()
    pacer = Pacer(interval_s=1.0, clock=clock, phase_s=0.25)
    assert pacer.first_wait_s() == pytest.approx(0.25)
    clock.now += 0.25 + 0.1  # first send at its time, 0.1 s response
    assert pacer.next_send() == pytest.approx((0.9, 0.0))


def test_a_slow_response_makes_the_next_sends_late_by_the_overrun() -> None:
    """Coordinated omission: the schedule does not wait for the server, so lag shows it."""
    clock = FakeClock()
    pacer = Pacer(interval_s=1.0, clock=clock)
    clock.now += 2.5  # a 2.5 s response to the first send
    assert pacer.next_send() == pytest.approx((0.0, 1.5))
    clock.now += 0.1
    assert pacer.next_send() == pytest.approx((0.0, 0.6))
    clock.now += 0.1
    assert pacer.next_send() == pytest.approx((0.3, 0.0))
