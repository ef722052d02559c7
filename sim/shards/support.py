"""What a run of more than one shard can carry today, and the refusal of what it cannot.

The social core crosses shards (`sim.shards.replica`): timeline reads, posts, reposts,
comments, likes, follows, unfollows and groups; so do chat and presence (with the mobile
app's connection and its push reads), photos, third-party apps' polls and posts, fan
services, and live broadcasts without gifts. Money (payments, commerce, ads, memberships,
live gifts, app purchases) does not yet: a scenario that switches any of it on is refused
before running, naming the field, and a call on a path outside those carried fails the
run (`UnshardedCall`), so no effect is ever dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scenario import Problem, Scenario, ScenarioError

SHARDED_PATHS = frozenset(
    {"timeline_read", "post", "repost", "comment", "like", "follow", "unfollow",
     "group_post", "group_read", "group_join", "membership_renew",
     "chat_presence", "chat_connect", "chat_friends", "chat_send", "chat_disconnect",
     "push_read", "album_create", "photo_upload", "thumbnail_read", "photo_read",
     "app_poll", "app_post", "live_start", "live_end", "live_join", "live_comment",
     "live_leave", "fanservice_broadcast", "fanservice_subscribe"}
)  # fmt: skip
"""Request paths whose effects on other shards travel as messages. `membership_renew` is
the operator's renewal run (on population row 0's shard): with joins switched off, which
a sharded run requires, no membership exists and it settles nothing."""


def _positive(value: Any) -> bool:
    return bool(value > 0)


def _diversion(value: Any) -> bool:
    return bool(value == "diversion")


UNSHARDED_SWITCHES: tuple[tuple[str, str, Callable[[Any], bool]], ...] = (
    ("behaviour.per_session.top_up", "payments", _positive),
    ("behaviour.per_session.game_purchase", "payments", _positive),
    ("behaviour.per_session.gift", "payments", _positive),
    ("behaviour.per_session.shop_browse", "commerce", _positive),
    ("population.merchant_share", "commerce", _positive),
    ("economy.commerce.influencer_product_post_share", "commerce", _positive),
    ("economy.commerce.model", "partner commerce", _diversion),
    ("population.advertiser_share", "ads", _positive),
    ("economy.ads.load", "ads", _positive),
    ("economy.memberships.join_per_session", "paid memberships", _positive),
    ("apps.purchases_per_user_day", "app purchases (payments)", _positive),
    ("behaviour.live.gift_share", "live gifts (payments)", _positive),
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
