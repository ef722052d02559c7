"""The ledger check after a payment load test, against an in-process server."""

from __future__ import annotations

import itertools
from typing import Any

from loadtests.control.ledger_check import PaymentVerdict, check_payments
from loadtests.records.payment_log import Answer, PaymentCall, PaymentKind, PaymentLog
from tests.loadtests.conftest import SeededServer


def send(server: SeededServer, call: PaymentCall, key: str | None = None) -> Answer:
    """Send `call` as its account, with its own idempotency key unless another is given."""
    token = server.tokens[call.account_id]
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key or call.key}
    response = server.client.post(call.path, json=call.body, headers=headers)
    return Answer(status=response.status_code, body=response.json())


class Payments:
    """Payments by the seeded ordinary accounts, logged as the load test's users log them."""

    def __init__(self, server: SeededServer) -> None:
        self.server = server
        self.log = PaymentLog()
        self.keys = itertools.count()
        ids = server.population.ids
        self.payer, self.friend = ids[server.population.ordinary[0]], ids[-1]

    def call(self, kind: PaymentKind, path: str, body: dict[str, Any]) -> PaymentCall:
        key = f"k{next(self.keys)}"
        return PaymentCall(kind=kind, account_id=self.payer, path=path, body=body, key=key)

    def gift(self, fen: int = 500) -> PaymentCall:
        body = {"recipient_id": self.friend, "amount_fen": fen}
        return self.call("gift", f"/wallets/{self.payer}/gifts", body)

    def every_kind(self) -> list[PaymentCall]:
        economy = self.server.economy
        return [
            self.gift(),
            self.call("topup", f"/wallets/{self.payer}/topups",
                      {"amount_fen": 600, "channel": "third_party_wallet"}),
            self.call("game_purchase", f"/games/items/{economy.game_items[0].id}/purchases",
                      {"quantity": 2}),
            self.call("order", "/orders", {"product_id": economy.products[0].id, "quantity": 1}),
        ]  # fmt: skip

    def record(self, call: PaymentCall, *, answered: bool = True, retried: bool = False) -> None:
        call.answer = send(self.server, call) if answered else None
        call.retry = send(self.server, call) if retried else None
        self.log.record(call)

    def check(self) -> PaymentVerdict:
        server = self.server
        return check_payments(server.client, server.tokens, server.economy, self.log)


def test_honest_payments_retries_and_cut_off_calls_balance(seeded_server: SeededServer) -> None:
    payments = Payments(seeded_server)
    for call in payments.every_kind():
        payments.record(call, retried=True)
    cut_off_after_paying, never_arrived = payments.gift(700), payments.gift(900)
    send(seeded_server, cut_off_after_paying)
    payments.record(cut_off_after_paying, answered=False)
    payments.log.record(never_arrived)
    verdict = payments.check()
    assert (verdict.calls, verdict.retries, verdict.double_paid) == (6, 4, 0)
    assert verdict.wallet_mismatches == {} and verdict.audit_balanced
    assert verdict.problems() == []
    assert never_arrived.answer is not None and never_arrived.answer.status == 201
    assert verdict.metrics()["payments.audit_balanced"].value == 1


def test_a_retry_that_paid_again_shows_in_its_answer_and_in_both_wallets(
    seeded_server: SeededServer,
) -> None:
    payments = Payments(seeded_server)
    gift = payments.gift()
    gift.answer = send(seeded_server, gift)
    gift.retry = send(seeded_server, gift, key="a-client-bug-sent-a-new-key")
    payments.log.record(gift)
    verdict = payments.check()
    assert verdict.double_paid == 1 and verdict.audit_balanced
    assert set(verdict.wallet_mismatches) == {payments.payer, payments.friend}
    assert "payments: 1 of 1 retries paid again" in verdict.problems()


def test_money_moved_behind_the_tests_back_shows_in_the_wallets(
    seeded_server: SeededServer,
) -> None:
    payments = Payments(seeded_server)
    send(seeded_server, payments.gift(300))
    verdict = payments.check()
    held, implied = verdict.wallet_mismatches[payments.payer]
    assert implied - held == 300
    assert verdict.metrics()["payments.wallet_mismatches"].value == 2


def test_app_purchases_by_an_apps_token_balance_user_and_developer(
    seeded_server: SeededServer,
) -> None:
    """Charged with the app's token (also when the check sends a cut-off one again): the
    user pays, the developer earns, each once."""
    grant = seeded_server.economy.app_grants[0]
    user = seeded_server.population.ids[grant.account]
    log = PaymentLog()
    answered, cut_off = (
        PaymentCall(kind="app_purchase", account_id=user, path="/charges", key=key,
                    body={"item": "app item", "amount_fen": 600}, token=grant.token)
        for key in ("app-1", "app-2")
    )  # fmt: skip
    headers = {"Authorization": f"Bearer {grant.token}", "Idempotency-Key": answered.key}
    response = seeded_server.client.post("/charges", json=answered.body, headers=headers)
    answered.answer = Answer(status=response.status_code, body=response.json())
    log.record(answered)
    log.record(cut_off)
    verdict = check_payments(seeded_server.client, seeded_server.tokens, seeded_server.economy, log)
    assert answered.answer.status == 201 and cut_off.answer is not None
    assert cut_off.answer.status == 201
    assert verdict.wallet_mismatches == {} and verdict.audit_balanced
    developer = answered.answer.body["developer_id"]
    held = seeded_server.client.get(
        f"/wallets/{developer}",
        headers={"Authorization": f"Bearer {seeded_server.tokens[developer]}"},
    ).json()["balance_fen"]
    assert held == 1200
