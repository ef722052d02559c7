"""Replayed third-party app calls: `app_poll`, `app_post`, `app_purchase`.

The simulator traces each app call with its actor (the user the app serves) and `app` (the
app's client id). Each traced (app, user) pair maps onto one of the grants seeded through
the OAuth flow (loadtests.control.seed_apps), by order of first appearance (`Stable`), so
a pair's calls stay one pair's and count against one pair's hourly limit; the call is sent
with that grant's token (loadtests.generator.users.apps has the calls). A purchase is
charged at `apps.purchase_price_coins` with a fresh idempotency key (sent twice for a
`loadtest.retry_share` of them) and goes into the PaymentLog like every payment. A trace
without `app`, or a run with no apps seeded, is counted as skipped with the reason.
"""

from __future__ import annotations

from loadtests.generator.users import api
from loadtests.generator.users.apps import ITEM, expected_refusals
from loadtests.generator.users.replay_turn import Handler, Turn
from loadtests.records.seeded import FEN_PER_COIN, SeededAppGrant

NO_APP = "params lack app"
NO_GRANTS = "no app was seeded (apps section empty)"


def app_poll(turn: Turn) -> str | None:
    grant = _grant(turn)
    if isinstance(grant, str):
        return grant
    api.app_poll(turn.user.client, api.bearer(grant.token), expected_refusals(turn.user.scenario))
    return None


def app_post(turn: Turn) -> str | None:
    grant = _grant(turn)
    if isinstance(grant, str):
        return grant
    text = turn.text(f"shared with {grant.client_id}")
    expected = expected_refusals(turn.user.scenario)
    api.app_post(turn.user.client, api.bearer(grant.token), text, expected)
    return None


def app_purchase(turn: Turn) -> str | None:
    grant = _grant(turn)
    if isinstance(grant, str):
        return grant
    scenario = turn.user.scenario
    account_id = turn.world.population.ids[grant.account]
    key = f"replay-{next(turn.world.keys)}"
    expected = expected_refusals(scenario) + (api.CONFLICT,)
    retry = bool(turn.user.rng.random() < scenario.loadtest.retry_share)
    payment = api.Payment(account_id, api.bearer(grant.token), key, retry, expected)
    price_fen = scenario.apps.purchase_price_coins * FEN_PER_COIN
    api.app_purchase(turn.user.client, payment, grant.token, ITEM, price_fen)
    return None


def _grant(turn: Turn) -> SeededAppGrant | str:
    """The seeded grant standing for the traced (app, user) pair, or why there is none."""
    app = turn.params.get("app")
    if not isinstance(app, str):
        return NO_APP
    grant = turn.world.app_grants((app, turn.action.actor))
    return NO_GRANTS if grant is None else grant


HANDLERS: dict[str, Handler] = {
    "app_poll": app_poll, "app_post": app_post, "app_purchase": app_purchase,
}  # fmt: skip
