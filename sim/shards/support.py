"""What a run of more than one shard can carry today, and the refusal of what it cannot.

The social core crosses shards (`sim.shards.replica`): timeline reads, posts, reposts,
comments, likes, follows, unfollows and groups; so do chat and presence (with the mobile
app's connection and its push reads), photos, third-party apps' polls, posts and
purchases, fan services, live broadcasts with their gifts (`sim.shards.live_gifts`), feed
ads (`sim.shards.budgets`, `sim.shards.ad_billing`) with advertisers' bid reviews
(`sim.shards.bid_reviews`), commerce (product posts, shop browsing, merchants' promotions,
orders on the platform, a partner's diversions, merchants quitting) and wallet payments
through clearing accounts (`sim.shards.clearing`): top-ups, game purchases, gifts, paid
memberships, app purchases and live gifts. Nothing is refused today; an activity added
without its cross-shard effects belongs in `UNSHARDED_SWITCHES`, so a scenario that
switches it on is refused before running, naming the field, and a call on a path outside
those carried fails the run (`UnshardedCall`): no effect is ever dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scenario import Problem, Scenario, ScenarioError

SHARDED_PATHS = frozenset(
    {"timeline_read", "post", "repost", "comment", "like", "follow", "unfollow",
     "group_post", "group_read", "group_join", "membership_join", "membership_renew",
     "chat_presence", "chat_connect", "chat_friends", "chat_send", "chat_disconnect",
     "push_read", "album_create", "photo_upload", "thumbnail_read", "photo_read",
     "app_poll", "app_post", "live_start", "live_end", "live_join", "live_comment",
     "live_leave", "fanservice_broadcast", "fanservice_subscribe",
     "ad_click", "ad_hide", "campaign_report", "product_post", "shop_browse", "partner_fee",
     "topup", "topup_callback", "game_purchase", "gift", "order", "app_purchase",
     "live_gift", "campaign_change"}
)  # fmt: skip
"""Request paths whose effects on other shards travel as messages, or that have none: an
ad's click, hide and report touch the viewer's or the advertiser's own shard (its charges
go to the advertiser's, `sim.shards.ad_billing`); a shop's page is read from the replica;
a partner's fee is settled where the diversion happens (`sim.activities.partner`: from a
seed credit made there, so no money crosses shards). A top-up (and its gateway's
callback), a game purchase and a membership pay only the payer's own shard's accounts
(its wallet, issuance, the platform's and the game developer's); a gift's credit to
another shard's account clears (`sim.shards.clearing`), and so do an order's credits to
its merchant and referring influencer and an app purchase's to its developer, whose wallet
one shard holds. `membership_renew` is the operator's renewal run,
which every shard runs over its own members."""


UNSHARDED_SWITCHES: tuple[tuple[str, str, Callable[[Any, Scenario], bool]], ...] = ()
"""(field, activity, whether the value switches the activity on in the scenario) for every
activity whose cross-shard effects are not built yet."""


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
        if switched_on(field_value(scenario, path), scenario)
    ]  # fmt: skip
    if problems:
        raise ScenarioError(scenario.name, problems)


def require_sharded_path(path: str) -> None:
    if path not in SHARDED_PATHS:
        raise UnshardedCall(
            f"a call on {path!r} reached a sharded run, whose cross-shard effects are not "
            "built: add its switch to sim.shards.support.UNSHARDED_SWITCHES"
        )
