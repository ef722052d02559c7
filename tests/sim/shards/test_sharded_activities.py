"""Merchants quitting, app purchases and live gifts across two in-process shards: each
effect reaches the other shard as a counted message, and the union of the shards' books
balances at every barrier."""

from __future__ import annotations

import pytest

from scenario import Scenario
from sim.activities.apps import Apps
from sim.activities.commerce import Commerce
from sim.shards.support import require_shardable
from tests.sim.shards.conftest import TwoShards, social_ci_smoke, two_shards

SMALL = ("population.users=600", "duration_days=0.1", "sharding.window_s=60")
"""600 accounts for 2.4 evening hours, one-minute windows: seconds to run."""


def activities_ci_smoke(*overrides: str) -> Scenario:
    """`SMALL` with 60 merchants quitting fast (half a day to quit on average: about ten in
    the run), every app user buying an item an hour, and a dozen live rooms whose every
    viewer gives a gift."""
    return social_ci_smoke(
        *SMALL, "population.merchant_share=0.1",
        "economy.commerce.merchant_churn_per_week=0.999999",
        "apps.purchases_per_user_day=24", "behaviour.live.rooms_per_day=200",
        "population.medium_v_share=0.02", "behaviour.live.gift_share=1", *overrides,
    )  # fmt: skip


@pytest.fixture(scope="module")
def run() -> TwoShards:
    return two_shards(activities_ci_smoke(), audit_windows=True)


def commerce(run: TwoShards, shard: int) -> Commerce:
    activities = run.shards[shard].simulation.activities
    return next(part for part in activities if isinstance(part, Commerce))


def test_every_message_is_applied_and_the_books_balance_at_every_barrier(run: TwoShards) -> None:
    assert run.sent == run.applied
    assert len(run.audits) > 100
    assert [audit.problems for audit in run.audits if not audit.balanced] == []


def test_a_merchants_quitting_is_drawn_on_its_shard_and_reaches_the_other(run: TwoShards) -> None:
    """Each shard keeps only its own merchants' moments; every quit found is told to the
    other shard once, so both stop picking the same merchants."""
    parts = [commerce(run, shard) for shard in range(2)]
    mine = [run.shards[shard].simulation.mine for shard in range(2)]
    for shard, part in enumerate(parts):
        assert all(mine[shard][row] for _, row in part.quits)
    assert parts[0].quit == parts[1].quit
    assert parts[0].merchants == parts[1].merchants
    told = {(s, t): n for (kind, s, t), n in run.sent.items() if kind == "merchant_quit"}
    assert set(told) == {(0, 1), (1, 0)}
    assert sum(told.values()) == len(parts[0].quit) > 5


def test_app_purchases_pay_the_developers_wallet_on_the_shard_that_holds_it(
    run: TwoShards,
) -> None:
    """Developer i is held by shard i mod 2: the other shard's sales clear to it, and the
    developer's wallet is empty where it is not held."""
    assert run.metric("apps.purchases") > 50
    apps = next(p for p in run.shards[0].simulation.schedules if isinstance(p, Apps))
    credits = {(s, t) for kind, s, t in run.sent if kind == "credit"}
    assert credits == {(0, 1), (1, 0)}
    for index, developer in enumerate(apps.developers):
        balances = [run.shards[k].simulation.world.blog.payments.balance(developer)
                    for k in range(2)]  # fmt: skip
        assert balances[1 - index % 2] == 0, index
    total = sum(run.shards[k].simulation.world.blog.payments.balance(d)
                for k in range(2) for d in apps.developers)  # fmt: skip
    volume = run.metric("apps.purchase_volume") - run.metric("revenue.apps")
    assert total == round(volume * 100)


def test_a_live_gift_is_paid_on_its_viewers_shard_and_shown_in_its_rooms(run: TwoShards) -> None:
    """A viewer on the other shard than the room's is handed its gift (`live_gift`), pays
    it there and the room's shard shows it (`gift_shown`): every room's gift total, on the
    room's shard, is the sum of its gifts wherever they were paid."""
    gifts = [gift for k in range(2) for gift in run.data(k).live.gifts.values()]
    crossing = [g for g in gifts if run.owner_of(g.viewer_id) != run.owner_of(g.anchor_id)]
    assert len(crossing) > 20 and len(gifts) == run.metric("live.gifts")
    for kind in ("live_gift", "gift_shown"):
        assert {(s, t) for k, s, t in run.sent if k == kind} == {(0, 1), (1, 0)}
    shown = sum(n for (kind, _, _), n in run.sent.items() if kind == "gift_shown")
    assert shown == len(crossing)
    handed = sum(n for (kind, _, _), n in run.sent.items() if kind == "live_gift")
    assert handed >= shown  # a handed gift may be refused (a short wallet)
    for shard in range(2):
        rooms = run.data(shard).live.rooms.values()
        for room in (r for r in rooms if run.owner_of(r.anchor_id) == shard):
            assert room.gift_fen == sum(g.amount_fen for g in gifts if g.room_id == room.id)


def test_merchants_quitting_app_purchases_and_live_gifts_are_no_longer_refused() -> None:
    require_shardable(activities_ci_smoke(), 2)
