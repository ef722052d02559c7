"""The `apps` section: third-party apps of the open platform, polling for their users.

Drives the simulator's apps (`sim.activities.apps`): apps of each authorisation level, each
authorised by some users, poll a user's home timeline every few minutes (the platform told
developers to refresh every 3-5 minutes), sometimes post for them, and sell them items for
micro-coins. Their calls count against the published per-app, per-user hourly limits when
`platform.rate_limits` is on; a call over its limit is throttled (`apps.throttled`), an
expected refusal that leaves `errors.rate` alone.
"""

from __future__ import annotations

from pydantic import model_validator

from scenario.fields import ASSUMED, Section, Share, spec

WEIBO_API = "Weibo open platform API v2 documentation (2011-2012)"
REFRESH = f"{WEIBO_API}: developers were advised to refresh every 3-5 minutes"
NO_FEES = (
    "Sina, 2011: the open platform 'plans to charge no fees to partners and developers "
    "within one year'"
)


class AppsConfig(Section):
    """How many apps there are, whom they serve, how often they call and what they sell."""

    normal: int = spec(2, "Apps at the normal authorisation level (150 calls per user-hour).",
                       unit="apps", source=ASSUMED, ge=0)  # fmt: skip
    medium: int = spec(1, "Apps at the medium level (300 calls per user-hour).",
                       unit="apps", source=ASSUMED, ge=0)  # fmt: skip
    advanced: int = spec(1, "Apps at the advanced level (450 calls per user-hour).",
                         unit="apps", source=ASSUMED, ge=0)  # fmt: skip
    users_per_app: int = spec(20, "Users who authorised each app (drawn from the population).",
                              unit="users", source=ASSUMED, ge=1)  # fmt: skip
    poll_interval_min_s: float = spec(180.0, "Shortest wait between an app's polls for one user.",
                                      unit="s", source=REFRESH, gt=0)  # fmt: skip
    poll_interval_max_s: float = spec(300.0, "Longest wait between an app's polls for one user.",
                                      unit="s", source=REFRESH, gt=0)  # fmt: skip
    post_share: Share = spec(
        0.02, "Share of an app's calls that post on the user's behalf; the rest read the "
        "user's home timeline.", source=ASSUMED,
    )  # fmt: skip
    purchases_per_user_day: float = spec(
        0.05, "App purchases per authorised user per day (Poisson).",
        unit="per user per day", source=ASSUMED, ge=0,
    )  # fmt: skip
    purchase_price_coins: int = spec(6, "Price of an app item.", unit="coins",
                                     source=ASSUMED, ge=1)  # fmt: skip
    platform_share: Share = spec(0.0, "The platform's share of app purchases.", source=NO_FEES)
    preauthorized_max_coins: int = spec(
        100, "Largest charge an app's `payments` grant pays at once; a dearer item waits for "
        "the user to confirm it, which the simulated users never do (it goes unpaid).",
        unit="coins", source=ASSUMED, ge=0,
    )  # fmt: skip

    @model_validator(mode="after")
    def _interval_in_order(self) -> AppsConfig:
        if self.poll_interval_min_s > self.poll_interval_max_s:
            raise ValueError("poll_interval_min_s must not exceed poll_interval_max_s")
        return self

    @property
    def count(self) -> int:
        return self.normal + self.medium + self.advanced
