"""The fanout process's side of a replay: the memberships it seeds, what it did not send.

`seed_memberships` seeds the group memberships the trace shows its actors had from the
start. An actor that posts in or reads a group without joining it in the trace was a member when
the simulation began; its seeded account must be one too, or the server refuses the
replayed request (a group is for its members only). The accounts and groups map as the
replay maps them (loadtests.records.trace: `Stable`, `actors_of`, `groups_named`), and each
missing membership is a join through the public API as the member, like the groups' own.
`seed_fan_follows` likewise makes each traced subscriber's account a follower of the seeded
service standing for the traced one (`services_named`): only followers may subscribe, and
the traced subscriber followed its account in the simulation.
"""

from __future__ import annotations

from typing import Any

import httpx

from loadtests.control.runner import Progress
from loadtests.control.seed import EDGES_PER_CALL, as_account, batches, operator_post
from loadtests.records.plan import Measurements, ReplayPlan
from loadtests.records.seeded import SeededFanService, SeededPopulation
from loadtests.records.trace import (
    SUBSCRIBE,
    Stable,
    TraceAction,
    actors_of,
    groups_named,
    services_named,
)
from outcomes.result import Metric


def trace_memberships(
    actions: list[TraceAction], population: SeededPopulation
) -> list[tuple[int, int]]:
    """(account index, group id) of every membership the trace implies and the seeded
    groups lack, in order of first appearance."""
    accounts = Stable(population.ordinary, actors_of(actions))
    groups = Stable(sorted(population.groups), groups_named(actions))
    joined: set[tuple[int, object]] = set()
    missing: dict[tuple[int, int], None] = {}
    for action in actions:
        traced = (action.actor, action.params.get("group_id"))
        if action.action == "group_join":
            joined.add(traced)
        if action.action not in ("group_post", "group_read") or traced in joined:
            continue
        index, group = accounts(action.actor), groups(traced[1])
        if index is None or group is None:
            continue
        if population.ids[index] not in population.groups[group]:
            missing.setdefault((index, group))
    return list(missing)


def seed_memberships(
    client: httpx.Client, population: SeededPopulation, actions: list[TraceAction]
) -> SeededPopulation:
    """Join each account to the groups the trace shows it in; the population's groups
    with the new members."""
    groups = {group: list(members) for group, members in population.groups.items()}
    for index, group in trace_memberships(actions, population):
        as_account(client, "PUT", f"/groups/{group}/members/me", population.tokens[index])
        groups[group].append(population.ids[index])
    return population.model_copy(update={"groups": groups})


def trace_fan_follows(
    actions: list[TraceAction], population: SeededPopulation, services: list[SeededFanService]
) -> list[list[int]]:
    """[follower id, service account id] of every traced subscription, once each, in order
    of first appearance (none when no service was seeded)."""
    accounts = Stable(population.ordinary, actors_of(actions))
    mapped = Stable(services, services_named(actions))
    edges: dict[tuple[int, int], None] = {}
    for action in actions:
        traced = action.params.get("account_id")
        if action.action != SUBSCRIBE or not isinstance(traced, int):
            continue
        index, service = accounts(action.actor), mapped(traced)
        if index is not None and service is not None:
            edges.setdefault((population.ids[index], service.account_id))
    return [list(edge) for edge in edges]


def seed_fan_follows(
    client: httpx.Client,
    population: SeededPopulation,
    services: list[SeededFanService],
    actions: list[TraceAction],
    max_body_bytes: int,
) -> None:
    """Make each traced subscriber's account follow its service's (operator bulk follows)."""
    edges = trace_fan_follows(actions, population, services)
    for batch in batches(edges, EDGES_PER_CALL, max_body_bytes):
        operator_post(client, "/admin/seed/follows", {"edges": batch})


def replay_description(replay: ReplayPlan, measured: Measurements) -> dict[str, Any]:
    """The Result's `environment.loadtest` entries of a replay: its actors, the accounts
    they act as, and every traced action it did not send (`action: reason` -> count)."""
    return {
        "replay_actors": replay.actors,
        "replay_accounts": min(replay.actors, replay.max_actors),
        "replay_not_sent": replay.not_sent | measured.skipped,
    }


def replay_metrics(replay: ReplayPlan, measured: Measurements) -> dict[str, Metric]:
    """How many of the trace's actions the replay did not send, and their share."""
    not_sent = sum((replay.not_sent | measured.skipped).values())
    return {
        "replay.not_sent": Metric(value=not_sent, unit="count"),
        "replay.not_sent_share": Metric(value=not_sent / max(1, replay.traced), unit="ratio"),
    }


def report_skips(measured: Measurements, progress: Progress) -> None:
    for reason, count in sorted(measured.skipped.items()):
        progress(f"the replay skipped {reason} (×{count})")
