"""What a run of more than one shard can carry today, and the refusal of what it cannot.

The social core crosses shards (`sim.shards.replica`): timeline reads, posts, reposts,
comments, likes, follows, unfollows and groups; so do wallet payments (`sim.shards.clearing`):
top-ups, game purchases, gifts, paid memberships and commerce orders on the platform. Chat,
partner commerce, merchants quitting, ads, live gifts, apps, photos and fan services do not
yet: a scenario that switches any of them on is refused
before running, naming the field, and a call on a path outside those fails the run
(`UnshardedCall`), so no effect is ever dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scenario import Problem, Scenario, ScenarioError

SHARDED_PATHS = frozenset(
    {"timeline_read", "post", "repost", "comment", "like", "follow", "unfollow",
     "group_post", "group_read", "group_join", "topup", "topup_callback", "game_purchase",
     "gift", "membership_join", "membership_renew", "product_post", "shop_browse", "order"}
)  # fmt: skip
"""Request paths whose effects on other shards travel as messages. A top-up (and its
gateway's callback), a game purchase and a membership pay only the payer's own shard's
accounts (its wallet, issuance, the platform's and the game developer's); a gift's credit
to another shard's account clears (`sim.shards.clearing`), and so do an order's credits to
its merchant and referring influencer; a product post is replicated with its product link.
`membership_renew` is the operator's renewal run, which every shard runs over its own
members."""


def _positive(value: Any) -> bool:
    return bool(value > 0)


def _diversion(value: Any) -> bool:
    return bool(value == "diversion")


UNSHARDED_SWITCHES: tuple[tuple[str, str, Callable[[Any], bool]], ...] = (
    ("behaviour.per_session.chat", "chat", _positive),
    ("population.mobile_share", "the mobile app's chat connection (presence)", _positive),
    ("economy.commerce.model", "partner commerce", _diversion),
    ("economy.commerce.merchant_churn_per_week", "merchants quitting (drawn per shard)", _positive),
    ("population.advertiser_share", "ads", _positive),
    ("economy.ads.load", "ads", _positive),
    ("apps.normal", "apps", _positive),
    ("apps.medium", "apps", _positive),
    ("apps.advanced", "apps", _positive),
    ("behaviour.photos.post_share", "photos", _positive),
    ("behaviour.live.rooms_per_day", "live broadcasts", _positive),
    ("behaviour.fanservice.open_share", "fan services", _positive),
)
"""(field, activity, whether the value switches the activity on) for every activity whose
cross-shard effects are not built yet."""


class UnshardedCall(RuntimeError):
    """A call on a path whose cross-shard effects are not built (a switch missing above)."""


def field_value(scenario: Scenario, path: str) -> Any:
    value: Any = scenario
    for name in path.split("."):
        value = getattr(value, name)
    return value


def require_shardable(scenario: Scenario, shards: int) -> None:
    """Refuse a scenario that switches on an activity `shards` > 1 cannot carry yet."""
    if shards == 1:
        return
    problems = [
        Problem(path, f"is {field_value(scenario, path)!r}: {activity} cannot run on "
                f"{shards} shards yet (set it off, or run with --shards 1)")
        for path, activity, switched_on in UNSHARDED_SWITCHES
        if switched_on(field_value(scenario, path))
    ]  # fmt: skip
    if problems:
        raise ScenarioError(scenario.name, problems)


def require_sharded_path(path: str) -> None:
    if path not in SHARDED_PATHS:
        raise UnshardedCall(
            f"a call on {path!r} reached a sharded run, whose cross-shard effects are not "
            "built: add its switch to sim.shards.support.UNSHARDED_SWITCHES"
        )
