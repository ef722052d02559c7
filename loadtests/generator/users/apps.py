"""Third-party apps' calls in a load test, as sim/activities/apps.py makes them.

`AppClient` holds the apps' grants seeded through the real OAuth flow (authorization code
with PKCE, loadtests.control.seed_apps) and calls with the app's token, never the user's:
polls of the user's home timeline (`app_poll`), posts on the user's behalf (`app_post`) and
charges of `apps.purchase_price_coins` (`app_purchase`, through the ledger, recorded in the
PaymentLog like every payment so the check after the run judges it; a `loadtest.retry_share`
of them sent twice with their key, as the session's own payments are).

The simulator's apps poll on their own clock (`apps.poll_interval_*_s` per pair, a
`post_share` of the calls posting, `purchases_per_user_day`), which a load test has not: as
the scheduled posts do (scheduled.py), each session brings Poisson(mean) calls of each kind
with the means of loadtests.generator.session_mix.app_calls_per_session, so app traffic
keeps the simulator's ratio to sessions; each call is made by a grant drawn uniformly and,
as in the simulator, without thinking. With `platform.rate_limits` on, a 429 is the
platform's answer to an app over its limit, counted as expected, not as an error (as the
simulator's `apps.throttled`); so is a purchase refused for a short wallet (409).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from loadtests.generator.session_mix import AppCall, app_calls_per_session
from loadtests.generator.users.api import (
    CONFLICT,
    THROTTLED,
    Payment,
    app_poll,
    app_post,
    app_purchase,
    bearer,
)
from loadtests.records.seeded import FEN_PER_COIN, SeededAppGrant
from scenario import Scenario

if TYPE_CHECKING:
    from loadtests.generator.users.session import SessionUser

ITEM = "app item"
"""What the apps sell (the simulator's item name)."""


def expected_refusals(scenario: Scenario) -> tuple[int, ...]:
    """An app over its limit gets 429 when the platform's limits are on: an answer."""
    return (THROTTLED,) if scenario.platform.rate_limits else ()


class AppClient:
    """The apps' calls due for each of one user's sessions (see module docstring)."""

    def __init__(self, user: SessionUser) -> None:
        self.user = user
        means = app_calls_per_session(user.scenario)
        self.kinds: list[AppCall] = list(means)
        self.means = np.array([float(mean) for mean in means.values()])
        self.grants: list[SeededAppGrant] = user.economy.app_grants
        self.throttled = expected_refusals(user.scenario)

    def session(self) -> None:
        """This session's share of the apps' calls."""
        if not self.grants:
            return
        counts = self.user.rng.poisson(self.means).tolist()
        for kind, count in zip(self.kinds, counts, strict=True):
            for _ in range(count):
                self.call(kind, self.grants[int(self.user.rng.integers(len(self.grants)))])

    def call(self, kind: AppCall, grant: SeededAppGrant) -> None:
        """One call of `kind` by the app holding `grant`."""
        user, headers = self.user, bearer(grant.token)
        if kind == "app_poll":
            app_poll(user.client, headers, self.throttled)
        elif kind == "app_post":
            app_post(
                user.client, headers, user.text(f"shared with {grant.client_id}"), self.throttled
            )
        else:
            account_id = user.population.ids[grant.account]
            key = f"{user.tag}-{next(user.written)}"
            retry = bool(user.rng.random() < user.scenario.loadtest.retry_share)
            expected = self.throttled + (CONFLICT,)
            payment = Payment(account_id, headers, key, retry, expected)
            price_fen = user.scenario.apps.purchase_price_coins * FEN_PER_COIN
            app_purchase(user.client, payment, grant.token, ITEM, price_fen)
