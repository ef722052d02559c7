"""The payments activity: top-ups through the gateway, game items and gifts on a real ledger."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from microblog.money_models import TransferKind
from scenario import Scenario
from sim.activities.payments import Payments
from sim.engine import Simulation
from sim.runner import simulate

from .conftest import run_once

SPENDING: dict[str, Any] = {
    "per_session": {"top_up": 0.1, "game_purchase": 0.5, "gift": 0.1},
    "games": {"paying_user_share": 0.5},
}
"""Many payments, so a short run moves money in every way."""


def payments_of(simulation: Simulation) -> Payments:
    (payments,) = (a for a in simulation.activities if isinstance(a, Payments))
    return payments


def test_topups_raise_balances_and_the_ledger_audit_balances(
    tiny: Callable[..., Scenario],
) -> None:
    """With only top-ups, the wallets hold exactly the confirmed top-ups' money."""
    only_topups = {
        "per_session": {"top_up": 0.2, "game_purchase": 0.0, "gift": 0.0, "shop_browse": 0.0}
    }
    no_shopping = {"starting_balance": 0.0, "commerce": {"conversion_probability": 0.0}}
    simulation, outcome = run_once(tiny(behaviour=only_topups, economy=no_shopping))
    blog, world = simulation.world.blog, simulation.world
    balances = [blog.payments.balance(world.account(row)) for row in range(world.population.size)]
    metrics = outcome.metrics
    assert metrics["payments.topups_confirmed"][0] > 0
    assert sum(balances) == round(metrics["payments.topup_volume"][0] * 100) > 0
    assert sum(b > 0 for b in balances) > 1
    assert metrics["payments.audit_balanced"] == (1.0, "bool")
    assert blog.ledger.audit().balanced


def test_game_revenue_is_the_platform_fee_the_ledger_moved(tiny: Callable[..., Scenario]) -> None:
    simulation, outcome = run_once(tiny(behaviour=SPENDING))
    with simulation.world.blog.store.read() as tx:
        fees = tx.ledger.kind_totals().get(TransferKind.APP_FEE, 0)
    metrics = outcome.metrics
    apps = metrics["revenue.apps"][0] if "revenue.apps" in metrics else 0.0
    assert (metrics["revenue.games"][0] + apps) * 100 == fees > 0, "games sell as apps"
    assert sum(outcome.timeline.columns["revenue.games"]) * 100 == pytest.approx(fees)
    assert metrics["payments.game_spend"][0] > metrics["revenue.games"][0]
    assert metrics["payments.gifts"][0] > 0
    assert simulation.world.blog.ledger.audit().balanced


def test_game_revenue_appears_only_when_users_buy_game_items(
    tiny: Callable[..., Scenario],
) -> None:
    no_games = {**SPENDING, "per_session": {**SPENDING["per_session"], "game_purchase": 0.0}}
    _, outcome = run_once(tiny(behaviour=no_games))
    assert "revenue.games" not in outcome.metrics
    assert "payments.game_purchases" not in outcome.metrics
    assert outcome.metrics["payments.topups"][0] > 0


def test_a_short_wallet_is_refused_then_topped_up_and_not_counted_as_an_error(
    tiny: Callable[..., Scenario],
) -> None:
    """Nobody tops up on their own: every purchase starts from an empty wallet."""
    only_games = {**SPENDING, "per_session": {"top_up": 0.0, "game_purchase": 0.5, "gift": 0.0}}
    simulation, outcome = run_once(tiny(behaviour=only_games))
    metrics = outcome.metrics
    assert metrics["errors.refused"][0] > 0
    assert metrics["errors.count"][0] == 0 and metrics["errors.rate"][0] == 0
    assert 0 < metrics["payments.topups"][0] <= metrics["errors.refused"][0]
    assert metrics["payments.game_purchases"][0] > 0


def test_late_gateway_answers_are_settled_by_their_callback_in_simulated_time(
    tiny: Callable[..., Scenario],
) -> None:
    """A slow gateway (mean 20 s, the platform waits 2 s): most top-ups go pending, their
    callbacks settle them later, and the wait shows in the top-up latency."""
    slow = {"topup": {"latency_ms": 20_000.0}}
    simulation, outcome = run_once(tiny(behaviour=SPENDING, economy=slow))
    metrics = outcome.metrics
    still_due = len(payments_of(simulation).gateway.pending_callbacks())
    settled = metrics["payments.topups_confirmed"][0] + metrics["payments.topups_declined"][0]
    assert metrics["payments.topups_late"][0] > metrics["payments.topups"][0] / 2
    assert settled + still_due == metrics["payments.topups"][0]
    assert settled > metrics["payments.topups"][0] - metrics["payments.topups_late"][0]
    assert "latency.topup_callback.p50_ms" in metrics
    assert metrics["latency.topup.p50_ms"][0] >= 2000
    assert simulation.world.blog.ledger.audit().balanced


def test_same_seed_gives_identical_metrics_with_chat_and_payments_on(
    tiny: Callable[..., Scenario],
) -> None:
    scenario = tiny(behaviour={**SPENDING, "per_session": {**SPENDING["per_session"], "chat": 0.5}})
    first = json.dumps(simulate(scenario).result.model_dump(mode="json")["metrics"])
    assert json.dumps(simulate(scenario).result.model_dump(mode="json")["metrics"]) == first
    assert '"revenue.games"' in first and '"chat.sent"' in first
