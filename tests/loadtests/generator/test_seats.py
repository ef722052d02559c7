"""Seating mixed users so that those running at once act as consecutive (befriended) accounts."""

from __future__ import annotations

from loadtests.generator.seats import Seats, seated_account


def test_users_take_the_lowest_free_seat_and_reuse_given_back_ones() -> None:
    seats = Seats()
    assert [seats.take() for _ in range(4)] == [0, 1, 2, 3]
    seats.give_back(1)
    seats.give_back(0)
    assert [seats.take(), seats.take(), seats.take()] == [0, 1, 4]


def test_the_seats_of_worker_processes_interleave_into_consecutive_accounts() -> None:
    ordinary = range(11, 20)
    seated = [seated_account(ordinary, s, w, processes=3) for s in (0, 1) for w in (0, 1, 2)]
    assert sorted(seated) == list(range(11, 17))


def test_more_users_than_accounts_wrap_round() -> None:
    assert seated_account(range(5, 8), seat=4, worker=0, processes=1) == 6
