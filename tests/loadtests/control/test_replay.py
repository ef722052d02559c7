"""What a replay seeds from its trace: the group memberships the actors had from the start,
and the follows of the fan services' traced subscribers."""

from __future__ import annotations

from typing import Any

from loadtests.control.replay import trace_fan_follows, trace_memberships
from loadtests.records.seeded import SeededFanService, SeededPopulation
from loadtests.records.trace import TraceAction

POPULATION = SeededPopulation(
    ids=[900, 901, 902, 903, 904], tokens=["t"] * 5, big_v=0, influencers=[], follows=0,
    groups={70: [901], 80: [902]},
)  # fmt: skip
"""Ordinary accounts 1..4 (ids 901..904); group 70 has 901, group 80 has 902."""


def act(t: float, actor: int, action: str, **params: Any) -> TraceAction:
    return TraceAction(t, actor, action, params)


def test_posting_or_reading_a_group_without_joining_it_makes_a_member_from_the_start() -> None:
    actions = [
        act(0, 5, "group_read", group_id=1),  # actor 5: account 1; group 1: group 70
        act(1, 6, "group_post", group_id=1),  # actor 6: account 2, not in 70
        act(2, 6, "group_read", group_id=2),  # group 2: group 80, which account 2 is in
        act(3, 7, "group_join", group_id=2),  # actor 7: account 3 joins in the trace...
        act(4, 7, "group_post", group_id=2),  # ... so it was no member from the start
        act(5, 6, "group_read", group_id=1),  # once is enough
    ]
    assert trace_memberships(actions, POPULATION) == [(2, 70)]


def test_a_trace_without_group_actions_seeds_no_membership() -> None:
    assert trace_memberships([act(0, 5, "post")], POPULATION) == []


SERVICES = [SeededFanService(account_id=a, token="t") for a in (700, 701)]


def test_each_traced_subscriber_follows_the_seeded_service_of_its_traced_one_once() -> None:
    actions = [
        act(0, 50, "fanservice_broadcast", text="hi", segment=None),  # service 50: 700
        act(1, 5, "fanservice_subscribe", account_id=60),  # actor 5: id 902; service 60: 701
        act(2, 6, "fanservice_subscribe", account_id=50),  # actor 6: id 904 (60 took 903)
        act(3, 5, "fanservice_subscribe", account_id=60),  # once is enough
    ]
    assert trace_fan_follows(actions, POPULATION, SERVICES) == [[902, 701], [904, 700]]


def test_without_seeded_services_no_subscriber_follows() -> None:
    actions = [act(0, 5, "fanservice_subscribe", account_id=60)]
    assert trace_fan_follows(actions, POPULATION, []) == []
