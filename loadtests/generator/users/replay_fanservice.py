"""Replayed fan-service actions: `fanservice_broadcast` and `fanservice_subscribe`.

The simulator traces a broadcast with the certified account as its actor and `text` and
`segment` (a region, or none) as params, and a subscription with the follower as its actor
and the service's account as `account_id`. Traced services map onto the seeded open ones
(loadtests.control.seed_fanservice) by order of first appearance (`World.fan_services`,
`services_named`): a broadcast is sent with that service's token, a subscription by the
actor's seeded account, which the fanout process made a follower of that service before
the test (loadtests.control.replay.seed_fan_follows), as the traced follower was. A run
where no certified account opened a service skips them, counted with the reason.
"""

from __future__ import annotations

from loadtests.generator.users.api import bearer
from loadtests.generator.users.fanservice import fanservice_broadcast, fanservice_subscribe
from loadtests.generator.users.replay_turn import Handler, Turn
from loadtests.records.trace import BROADCAST, SUBSCRIBE

NO_SERVICE = "no fan service was seeded (no certified account opened one)"
NO_ACCOUNT = "params lack account_id"


def broadcast(turn: Turn) -> str | None:
    service = turn.world.fan_services(turn.action.actor)
    if service is None:
        return NO_SERVICE
    segment = turn.params.get("segment")
    region = segment if isinstance(segment, str) else None
    text = turn.text("fan service message")
    fanservice_broadcast(turn.user.client, bearer(service.token), text, region)
    return None


def subscribe(turn: Turn) -> str | None:
    traced = turn.params.get("account_id")
    if not isinstance(traced, int):
        return NO_ACCOUNT
    service = turn.world.fan_services(traced)
    if service is None:
        return NO_SERVICE
    fanservice_subscribe(turn.user.client, turn.headers, service.account_id)
    return None


HANDLERS: dict[str, Handler] = {BROADCAST: broadcast, SUBSCRIBE: subscribe}
