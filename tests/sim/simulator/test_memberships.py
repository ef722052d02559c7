"""Paid memberships in the simulator: `revenue.vas` is what the ledger moved for them, and
wallets that run short lapse (acceptance 2 at population scale: 25 coins and a 10-coin
fee buy a membership, renew it once, then lapse it)."""

from collections.abc import Callable

import numpy as np
import pytest

from microblog.money_models import LedgerKind, TransferKind
from scenario import Scenario
from sim.engine import Simulation
from tests.sim.simulator.conftest import run_once


def fees_paid_from(simulation: Simulation, rows: np.ndarray) -> int:
    """Membership fees, in fen, the ledger moved out of these rows' wallets."""
    paid = 0
    with simulation.world.blog.store.read() as tx:
        for row in rows.tolist():
            wallet = tx.ledger.find(LedgerKind.WALLET, simulation.world.account(row))
            if wallet is None:
                continue
            statement = tx.ledger.statement(wallet.id, None, 10**6)
            paid += sum(
                t.amount_fen for t in statement
                if t.kind is TransferKind.MEMBERSHIP and t.debit_id == wallet.id
            )  # fmt: skip
    return paid


def test_members_renew_once_then_lapse_and_vas_revenue_is_the_ledgers(
    tiny: Callable[..., Scenario],
) -> None:
    scenario = tiny(
        economy={
            "starting_balance": 25.0,
            "memberships": {
                "price": 10.0,
                "period_days": 0.04,
                "join_per_session": 0.3,
                "renewal_interval_hours": 0.25,
            },
        }
    )
    simulation, outcome = run_once(scenario)
    metrics = {name: value for name, (value, _) in outcome.metrics.items()}
    joins, renewals = metrics["memberships.joins"], metrics["memberships.renewals"]
    assert joins > 10 and 0 < renewals <= joins and metrics["memberships.lapses"] > 0
    with simulation.world.blog.store.read() as tx:
        moved_fen = tx.ledger.kind_totals()[TransferKind.MEMBERSHIP]
    assert metrics["revenue.vas"] == moved_fen / 100 == 10 * (joins + renewals)
    assert metrics["clients.mobile.revenue_vas"] == pytest.approx(
        fees_paid_from(simulation, simulation.world.population.mobile.nonzero()[0]) / 100
    ), "every fee is its payer's client's"
    assert metrics["revenue.vas"] == pytest.approx(
        metrics["clients.mobile.revenue_vas"] + metrics["clients.web.revenue_vas"]
    )
    assert "revenue.share.vas" in metrics and metrics["payments.audit_balanced"] == 1.0
    users = simulation.world.users  # what churn reads: members now, and who lapsed
    with simulation.world.blog.store.read() as tx:
        active = {m.account_id for m in tx.memberships.due(float("inf"), 10**6)}
    assert {simulation.world.account(int(row)) for row in users.member.nonzero()[0]} == active
    assert 0 < (users.lapsed_day >= 0).sum() <= metrics["memberships.lapses"]
