"""The `economy.memberships` section: the paid monthly membership and who buys it."""

from __future__ import annotations

from scenario.fields import ASSUMED, Section, Share, spec

WEIBO_VIP = (
    "Sina Weibo's paid membership at its launch in June 2012: 10 RMB a month (Radio Free "
    "Asia, 'Netizens Boycott Sina Membership', 20 June 2012; TechNode, 19 June 2012)"
)


class MembershipsConfig(Section):
    """A value-added service paid in micro-coins: `revenue.vas`."""

    price: float = spec(
        10.0, "Monthly membership fee, charged on joining and at each renewal.",
        unit="yuan", source=WEIBO_VIP, gt=0,
    )  # fmt: skip
    period_days: float = spec(
        30.0, "Days one fee buys; auto-renewal charges the wallet at the end.",
        unit="days", source=ASSUMED, gt=0,
    )  # fmt: skip
    join_per_session: Share = spec(
        0.0002, "Chance that a session of an ordinary user who is not a member buys a "
        "membership (a lapsed or ended member may buy again).",
        source="assumption: sized so memberships stay a minor stream beside ads",
    )  # fmt: skip
    renewal_interval_hours: float = spec(
        1.0, "How often the operator's renewal run settles the memberships due (cron).",
        unit="h", source=ASSUMED, gt=0,
    )  # fmt: skip
