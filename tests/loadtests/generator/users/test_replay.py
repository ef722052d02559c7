"""`fanout loadtest --replay`: a short trace of every kind of action, against a real server.

One run serves the tests: two friends (A first, B second: neighbours on the seeded
friends ring, which C, followed and unfollowed, is not) read, post, react, follow, join
and use a group, chat over their sockets, pay, shop and see ads, and third-party apps poll,
post and charge for them (with grants seeded through the OAuth flow); a merchant's product
post sells, an advertiser's campaign is read and paused; A posts a photo B reads, goes on
air, and B watches, comments and gives; A subscribes to a certified account's fan service,
which broadcasts to one region. A campaign launch and the gateway's callback are in
the trace too, and must be counted as not sent with their reasons.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli import fanout
from loadtests.control.run import MEASUREMENTS_FILE
from loadtests.records.plan import read_measurements
from loadtests.records.trace import ACTIONS
from outcomes.result import Result, load_result

SMOKE = "scenarios/ci-smoke.yaml"
GAP_S = 30.0
"""Simulated seconds between two actions: half a real second at the test's speedup."""
A, B, C, MERCHANT, ADVERTISER, STAR = 1001, 1002, 1003, 1004, 1005, 1006
STEPS: list[tuple[int, str, dict[str, Any]]] = [
    (A, "chat_presence", {"status": "online"}),
    (B, "post", {"post": 899, "text": "something to read"}),
    (A, "timeline_read", {"cursor": None, "limit": 20}),
    (B, "push_read", {"limit": 20}),
    (A, "post", {"post": 900, "text": "hello"}),
    (B, "repost", {"post_id": 900, "post": 901, "text": "look"}),
    (B, "comment", {"post_id": 900, "text": "nice"}),
    (B, "like", {"post_id": 900}),
    (A, "follow", {"account_id": C}),
    (A, "unfollow", {"account_id": C}),
    (A, "group_join", {"group_id": 77}),
    (A, "group_post", {"group_id": 77, "post": 902, "text": "to the group"}),
    (A, "group_read", {"group_id": 77, "limit": 20}),
    (B, "group_read", {"group_id": 78, "limit": 20}),  # a member from the start
    (A, "chat_connect", {}),
    (B, "chat_connect", {}),
    (A, "chat_friends", {}),
    (A, "chat_send", {"to": B, "text": "hi"}),
    (A, "chat_history", {}),
    (A, "chat_disconnect", {}),
    (B, "chat_disconnect", {}),
    (A, "album_create", {"name": "photos"}),
    (A, "photo_upload", {"album_id": 1, "bytes": 9000}),
    (A, "post", {"post": 904, "text": "with a photo", "photo_ids": [1]}),
    (B, "thumbnail_read", {"photo_ids": [1]}),
    (B, "photo_read", {"photo_id": [1]}),
    (A, "live_start", {"title": "on air"}),
    (B, "live_join", {"room_id": 1}),
    (B, "live_comment", {"room_id": 1, "text": "hi"}),
    (B, "live_gift", {"room_id": 1, "amount_fen": 500}),
    (B, "live_leave", {"room_id": 1}),
    (A, "live_end", {"room_id": 1}),
    (A, "topup", {"amount_fen": 600, "channel": "online_banking", "idempotency_key": "k1"}),
    (A, "gift", {"recipient_id": B, "amount_fen": 100, "idempotency_key": "k2"}),
    (A, "game_purchase", {"item_id": 5, "quantity": 1, "idempotency_key": "k3"}),
    (B, "membership_join", {"idempotency_key": "k5"}),
    (MERCHANT, "product_post", {"product_id": 8, "post": 903, "text": "on sale"}),
    (B, "order", {"product_id": 8, "post_id": 903, "idempotency_key": "k4"}),
    (B, "shop_browse", {"shop_id": 3, "limit": 20}),
    (A, "ad_click", {"impression_id": 1, "campaign_id": 1}),
    (A, "timeline_read", {"cursor": None, "limit": 20}),
    (A, "ad_hide", {"impression_id": 2, "campaign_id": 1}),
    (A, "app_poll", {"app": "app-one"}),
    (B, "app_post", {"app": "app-two"}),
    (A, "app_purchase", {"app": "app-one", "idempotency_key": "sim-app-1"}),
    (A, "fanservice_subscribe", {"account_id": STAR}),
    (STAR, "fanservice_broadcast", {"text": "news for fans", "segment": "east"}),
    (ADVERTISER, "campaign_report", {"campaign_id": 1}),
    (ADVERTISER, "campaign_change", {"campaign_id": 1, "status": "paused"}),
    (ADVERTISER, "campaign_change", {"post_id": 5, "bid": 1.0, "total_budget": 100}),
    (A, "topup_callback", {"topup_id": 1}),
]
NOT_SENT = {
    "campaign_change: a campaign launch: its creative, bid type and targeting are the "
    "simulator's": 1,
    "topup_callback: the payment gateway's late answer: the server makes it itself": 1,
}
SMALL = [
    "loadtest.users=4", "loadtest.warmup_s=1", "loadtest.influencers=2",
    "loadtest.mean_followees=1", "loadtest.friend_neighbours=1", "loadtest.merchants=2",
    "loadtest.retry_share=1", "economy.ads.load=0.5", "economy.ads.campaigns_per_advertiser=3",
    "population.advertiser_share=0.2", "population.groups.count=750",
    "population.groups.mean_size=1", "behaviour.fanservice.open_share=1",
]  # fmt: skip


def write_trace(path: Path) -> Path:
    lines = [
        {"t": i * GAP_S, "actor": actor, "action": action, "params": params}
        for i, (actor, action, params) in enumerate(STEPS)
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    directory = tmp_path_factory.mktemp("replay")
    trace, out = write_trace(directory / "trace.jsonl"), directory / "run"
    slos = json.dumps(["errors.rate <= 0.2"])
    args = ["loadtest", SMOKE, "--replay", str(trace), "--speedup", "60", "--out", str(out)]
    sets = [arg for field in [*SMALL, f"slos={slos}"] for arg in ("--set", field)]
    outcome = CliRunner().invoke(fanout, [*args, *sets])
    return outcome.exit_code, out


def sent_requests(out: Path) -> dict[str, int]:
    """Locust's own request counts per name, the whole run, as its process counted them
    when it quit (its stats CSV is rewritten once a second and can miss the last request)."""
    measured = read_measurements(out / "locust" / MEASUREMENTS_FILE)
    return {name: count.requests for name, count in measured.counts.items()}


def result_of(replayed: tuple[int, Path]) -> Result:
    return load_result(replayed[1])


@pytest.mark.slow
def test_every_traced_kind_of_request_is_sent(replayed: tuple[int, Path]) -> None:
    code, out = replayed
    sent = sent_requests(out)
    assert code == 0
    assert {action for action in ACTIONS if not sent.get(action)} == set()


@pytest.mark.slow
def test_what_is_not_sent_is_recorded_by_kind_and_reason(replayed: tuple[int, Path]) -> None:
    result = result_of(replayed)
    assert result.environment["loadtest"]["replay_not_sent"] == NOT_SENT
    assert result.metrics["replay.not_sent"].value == 2
    assert result.metrics["replay.not_sent_share"].value == 2 / len(STEPS)


@pytest.mark.slow
def test_each_actor_has_its_own_seeded_account(replayed: tuple[int, Path]) -> None:
    loadtest = result_of(replayed).environment["loadtest"]
    assert loadtest["replay_actors"] == loadtest["replay_accounts"] == 6
    assert loadtest["seeded_accounts"] == 1 + 2 + 6  # the big V, the influencers, the actors


@pytest.mark.slow
def test_the_replays_chat_and_payments_pass_their_checks(replayed: tuple[int, Path]) -> None:
    metrics = result_of(replayed).metrics
    assert metrics["chat.sent"].value == 1
    assert metrics["chat.lost"].value == metrics["chat.duplicated"].value == 0
    # topup, gift, game purchase, membership, order, app purchase, live gift: each retried once
    assert metrics["payments.calls"].value == 7 and metrics["payments.retries"].value == 7
    assert metrics["payments.audit_balanced"].value == 1
    assert metrics["payments.double_paid"].value == 0
    assert metrics["latency.live_deliver.p50_ms"].value > 0  # B's comment pushed back to B


@pytest.mark.slow
def test_the_traced_subscriber_follows_and_subscribes_and_the_service_broadcasts(
    replayed: tuple[int, Path],
) -> None:
    counts = read_measurements(replayed[1] / "locust" / MEASUREMENTS_FILE).counts
    assert counts["fanservice_subscribe"].failures == 0
    assert counts["fanservice_broadcast"].failures == 0
    assert result_of(replayed).metrics["fanservice.broadcasts"].value == 1
