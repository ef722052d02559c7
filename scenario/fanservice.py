"""The `behaviour.fanservice` section: certified accounts' fan services in the simulator.

Weibo opened its fan service platform to "all certified users" in October 2013, to
"actively subscribe to his fans" and push them content; a certified account messaging
its subscribers is a bulk private-message fan-out, priced on the fan-out station like
posts' fan-out on write (`sim.activities.fanservice`). Which accounts open one, how many
followers subscribe and how often accounts broadcast are not published: assumptions,
except the broadcast rate, taken from the platform rule of the comparable service.
"""

from __future__ import annotations

from scenario.fields import ASSUMED, Section, Share, spec

WECHAT_RULE = (
    "WeChat Official Accounts rules (2013): a subscription account may send one mass "
    "message a day; the rule's cap is taken as the rate"
)


class FanServiceBehaviour(Section):
    """Who opens a fan service, who subscribes, and how often accounts broadcast."""

    open_share: Share = spec(
        0.3, "Share of certified accounts (big V, medium V, merchants) with a fan service "
        "open when the run starts.", source=ASSUMED,
    )  # fmt: skip
    subscriber_share: Share = spec(
        0.1, "Share of an open service's followers subscribed when the run starts.",
        source=ASSUMED,
    )  # fmt: skip
    subscribe_rate: float = spec(
        0.01, "Chance per day that a follower of an open service, not yet subscribed, "
        "subscribes (Poisson over all such followers).",
        unit="per follower per day", source=ASSUMED, ge=0,
    )  # fmt: skip
    broadcasts_per_day: float = spec(
        1.0, "Broadcasts per open service per day (Poisson, shaped by `behaviour.diurnal`).",
        unit="per service per day", source=WECHAT_RULE, ge=0,
    )  # fmt: skip
    segment_share: Share = spec(
        0.2, "Share of broadcasts sent to one region's subscribers only (a segment by "
        "profile); the rest go to every subscriber.", source=ASSUMED,
    )  # fmt: skip
