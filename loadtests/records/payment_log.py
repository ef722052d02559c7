"""Every payment a load test made, its deliberate retry, and where the money should be now.

A payment user records each call with its answer and, for a `loadtest.retry_share` of
calls, the answer to a second send with the same idempotency key; a call cut off by the end
of the test is recorded too, without an answer, and the parent asks the server for it
after the run (with the same key, so it cannot pay twice). Workers report their calls to
the master like their other measurements. After the run (loadtests.control.ledger_check) this tells:

- whether a retry paid twice by its answer: an idempotent retry must return the original
  payment (a top-up may have moved from pending to settled meanwhile, nothing else);
- what every wallet should hold: its seeded credit plus the effect of each payment the
  server accepted, once. The server's balances must match, so money moved exactly once.

This module does not import Locust.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, Field

PaymentKind = Literal[
    "topup", "gift", "game_purchase", "order", "app_purchase", "live_gift", "membership_join"
]
"""Each is also the request path the payment is timed under."""
CREATED, PENDING, DECLINED = 201, 202, 402
ACCEPTED = (CREATED, PENDING, DECLINED)
"""Answers the server stores under the key: a retry must replay them. Other refusals
(overdraft, stock) store nothing, so a retry after them runs afresh."""


class Answer(BaseModel):
    status: int
    body: Any


class PaymentCall(BaseModel):
    """One payment: what was sent as whom, and what came back (None: no answer arrived)."""

    kind: PaymentKind
    account_id: int
    path: str
    body: dict[str, Any]
    key: str
    token: str | None = None
    """The app's token for an app purchase (the account's own token pays the others)."""
    answer: Answer | None = None
    retry: Answer | None = None

    def retried_the_same(self) -> bool:
        """Whether the retry (if any) returned this call's payment rather than a new one."""
        if self.answer is None or self.retry is None or self.answer.status not in ACCEPTED:
            return True
        if self.kind == "topup" and self.answer.status != DECLINED:
            return self.retry.status in ACCEPTED and _id(self.retry) == _id(self.answer)
        return self.retry == self.answer

    def effects(self) -> list[tuple[int, int]]:
        """(account id, fen) each wallet gained or lost through this payment, once."""
        if self.answer is None or self.answer.status != CREATED:
            return []
        paid = self.answer.body
        match self.kind:
            case "topup":
                confirmed = paid["status"] == "confirmed"
                return [(paid["account_id"], paid["amount_fen"])] if confirmed else []
            case "gift":
                amount = paid["amount_fen"]
                return [(paid["sender_id"], -amount), (paid["recipient_id"], amount)]
            case "live_gift":  # the platform's share goes to revenue, no wallet
                return [
                    (paid["viewer_id"], -paid["amount_fen"]),
                    (paid["anchor_id"], paid["anchor_fen"]),
                ]
            case "game_purchase":
                return [(paid["account_id"], -paid["amount_fen"])]
            case "order":
                legs = [(paid["buyer_id"], -paid["amount_fen"])]
                legs.append((paid["merchant_id"], paid["merchant_fen"]))
                if paid["influencer_id"] is not None:
                    legs.append((paid["influencer_id"], paid["influencer_fen"]))
                return legs
            case "app_purchase":
                return [(paid["account_id"], -paid["amount_fen"]),
                        (paid["developer_id"], paid["developer_fen"])]  # fmt: skip
            case "membership_join":  # the fee goes to the platform's revenue, no wallet
                return [(paid["account_id"], -paid["price_fen"])]


def _id(answer: Answer) -> Any:
    return answer.body.get("id") if isinstance(answer.body, dict) else None


class PaymentLog(BaseModel):
    """The calls of one process, or of all of them once merged."""

    calls: list[PaymentCall] = Field(default_factory=list)

    def record(self, call: PaymentCall) -> None:
        """A finished call (answered, retried, or cut off)."""
        self.calls.append(call)

    def take(self) -> PaymentLog:
        """Every call recorded so far, leaving this log empty (a worker's report)."""
        taken, self.calls = PaymentLog(calls=self.calls), []
        return taken

    def merge(self, other: PaymentLog) -> None:
        self.calls += other.calls

    def unanswered(self) -> list[PaymentCall]:
        return [call for call in self.calls if call.answer is None]

    def retries(self) -> list[PaymentCall]:
        return [call for call in self.calls if call.retry is not None]


def expected_balances(credits: dict[int, int], calls: Iterable[PaymentCall]) -> dict[int, int]:
    """What each wallet should hold: its credit plus every accepted payment's effect, once."""
    balances = Counter(credits)
    for call in calls:
        for account_id, fen in call.effects():
            balances[account_id] += fen
    return dict(balances)
