"""A replay's running side: the schedule sped up, and traced ids mapped onto seeded ones."""

from __future__ import annotations

import pytest

from loadtests.generator.script import Cast, Follows, Schedule
from loadtests.records.trace import Stable, TraceAction


def test_actions_fall_due_at_their_trace_time_divided_by_the_speedup() -> None:
    actions = [TraceAction(t, 1, "timeline_read") for t in (100.0, 160.0, 400.0)]
    now = [50.0]
    schedule = Schedule(actions, speedup=60.0, clock=lambda: now[0])
    first = schedule.take()
    now[0] = 999.0  # later takes do not move the origin
    due = [first, schedule.take(), schedule.take()]
    assert [taken[1] for taken in due if taken] == pytest.approx([50.0, 51.0, 55.0])
    assert schedule.take() is None


def test_actors_map_one_to_one_in_order_of_first_appearance() -> None:
    cast = Cast(accounts=range(3, 8))
    assert [cast.account(actor) for actor in (70, 5, 70, 9, 11)] == [3, 4, 3, 5, 6]


def test_actors_beyond_the_seeded_accounts_wrap_round() -> None:
    cast = Cast(accounts=range(3, 5))
    assert [cast.account(actor) for actor in (70, 5, 9, 70, 11)] == [3, 4, 3, 3, 4]


def test_traced_ids_map_stably_onto_the_seeded_ones() -> None:
    groups = Stable([501, 502])
    assert [groups(traced) for traced in (9, 4, 9, 7, [1])] == [501, 502, 501, 501, None]
    assert Stable([])(9) is None
    assert Stable([501, 502], order=[4, 9])(9) == 502  # the trace's order, known beforehand


def test_actors_known_beforehand_take_accounts_in_that_order() -> None:
    cast = Cast(accounts=range(3, 8), actors=[11, 70])
    assert [cast.account(actor) for actor in (70, 5, 11)] == [4, 5, 3]


def test_reactions_target_the_replayed_post_they_may_see_or_else_the_newest_public_one() -> None:
    cast = Cast(accounts=range(3))
    assert cast.post(1) is None
    cast.posted(1, server_post=501)
    cast.posted(None, server_post=502)
    cast.posted(2, server_post=503, group=7)  # for group 7's members only
    assert cast.post(1) == 501
    assert cast.post(2, groups={7}) == 503
    assert cast.post(2, groups={8}) == 502
    assert cast.post(99) == 502
    assert cast.post(None) == 502


IDS = [900, 901, 902, 903, 904, 905]
"""Account ids by index: 0 the big V, 1..5 the ordinary accounts."""


def test_the_seeded_ring_neighbours_are_known_follows_and_friends() -> None:
    follows = Follows(range(1, 6), IDS, neighbours=1)
    assert follows.friends(1) == [902, 905]  # either side, round the ring
    assert follows.known(1, 902) and follows.known(1, 905)
    assert not follows.known(1, 903)


def test_follows_made_and_dropped_by_the_replay_are_tracked() -> None:
    follows = Follows(range(1, 6), IDS, neighbours=1)
    follows.add(1, 903)
    assert follows.known(1, 903)
    follows.drop(1, 902)
    follows.drop(1, 905)
    assert not follows.known(1, 902)
    assert follows.any_of(1) == 903
    follows.drop(1, 903)
    assert follows.any_of(1) is None
