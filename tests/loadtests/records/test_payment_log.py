"""Judging payment calls: a retry must return its original payment; each payment moves once."""

from __future__ import annotations

from typing import Any

import pytest

from loadtests.records.payment_log import Answer, PaymentCall, PaymentLog, expected_balances

GIFT = {"id": 7, "sender_id": 1, "recipient_id": 2, "amount_fen": 500, "post_id": None}
ORDER = {
    "id": 3, "buyer_id": 1, "merchant_id": 9, "amount_fen": 1000, "merchant_fen": 950,
    "platform_fen": 50, "influencer_id": None, "influencer_fen": 0, "status": "paid",
}  # fmt: skip


def topup(id_: int, status: str) -> dict[str, Any]:
    return {"id": id_, "account_id": 1, "amount_fen": 600, "channel": "online_banking",
            "status": status}  # fmt: skip


def call(kind: str, answer: Answer | None, retry: Answer | None = None) -> PaymentCall:
    return PaymentCall.model_validate(
        {"kind": kind, "account_id": 1, "path": "/p", "body": {}, "key": "k",
         "answer": answer, "retry": retry}
    )  # fmt: skip


def test_a_retry_replaying_the_original_answer_paid_once() -> None:
    assert call(
        "gift", Answer(status=201, body=GIFT), Answer(status=201, body=GIFT)
    ).retried_the_same()


def test_a_retry_answered_with_another_payment_paid_twice() -> None:
    again = Answer(status=201, body={**GIFT, "id": 8})
    assert not call("gift", Answer(status=201, body=GIFT), again).retried_the_same()


@pytest.mark.parametrize(("retried", "same"), [
    (Answer(status=201, body=topup(4, "confirmed")), True),
    (Answer(status=202, body=topup(4, "pending")), True),
    (Answer(status=201, body=topup(5, "confirmed")), False),
    (Answer(status=409, body={"error": "conflict"}), False),
])  # fmt: skip
def test_a_pending_top_ups_retry_may_show_it_settled_but_must_be_the_same_top_up(
    retried: Answer, same: bool
) -> None:
    pending = Answer(status=202, body=topup(4, "pending"))
    assert call("topup", pending, retried).retried_the_same() is same


def test_a_declined_top_ups_retry_must_be_declined_alike() -> None:
    declined = Answer(status=402, body={"error": "payment_declined", "message": "top-up 4"})
    assert call("topup", declined, declined).retried_the_same()
    assert not call(
        "topup", declined, Answer(status=201, body=topup(4, "confirmed"))
    ).retried_the_same()


def test_a_refused_call_stores_nothing_so_its_retry_may_run_afresh() -> None:
    refused = Answer(status=409, body={"error": "conflict", "field": "amount_fen"})
    assert call("gift", refused, Answer(status=201, body=GIFT)).retried_the_same()


def test_each_accepted_payment_moves_money_once_between_the_right_wallets() -> None:
    calls = [
        call("topup", Answer(status=201, body=topup(4, "confirmed"))),
        call("topup", Answer(status=202, body=topup(5, "pending"))),
        call("gift", Answer(status=201, body=GIFT), Answer(status=201, body=GIFT)),
        call("game_purchase", Answer(status=201, body={"account_id": 1, "amount_fen": 300})),
        call("order", Answer(status=201, body=ORDER)),
        call("order", Answer(status=201, body={**ORDER, "influencer_id": 4, "influencer_fen": 200,
                                               "merchant_fen": 750})),
        call("gift", Answer(status=409, body={"error": "conflict"})),
        call("gift", None),
    ]  # fmt: skip
    balances = expected_balances({1: 10_000, 2: 0}, calls)
    assert balances == {1: 10_000 + 600 - 500 - 300 - 2000, 2: 500, 9: 950 + 750, 4: 200}


def test_a_workers_reports_add_up_and_unanswered_calls_are_found() -> None:
    worker, master = PaymentLog(), PaymentLog()
    worker.record(call("gift", Answer(status=201, body=GIFT), Answer(status=201, body=GIFT)))
    master.merge(PaymentLog.model_validate(worker.take().model_dump(mode="json")))
    worker.record(call("gift", None))
    master.merge(worker.take())
    assert worker.calls == [] and len(master.calls) == 2
    assert len(master.retries()) == 1 and master.unanswered() == [call("gift", None)]


def test_a_live_gift_moves_the_anchors_part_and_leaves_the_platforms_share_out() -> None:
    gift = {"id": 2, "room_id": 5, "viewer_id": 1, "anchor_id": 8, "amount_fen": 500,
            "anchor_fen": 250, "platform_fen": 250, "created_at": 0.0}  # fmt: skip
    calls = [call("live_gift", Answer(status=201, body=gift), Answer(status=201, body=gift))]
    assert expected_balances({1: 10_000}, calls) == {1: 9_500, 8: 250}


def test_a_membership_fee_leaves_the_members_wallet_for_the_platform() -> None:
    joined = {"account_id": 1, "status": "active", "joined_at": 0.0, "period_end": 2.6e6,
              "price_fen": 1000, "renewals": 0}  # fmt: skip
    answer = Answer(status=201, body=joined)
    calls = [call("membership_join", answer, answer)]
    assert calls[0].retried_the_same()
    assert expected_balances({1: 10_000}, calls) == {1: 9_000}
