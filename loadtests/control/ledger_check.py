"""After a payment load test: did the books balance, and did every payment move money once?

Run by the parent once Locust has stopped, while the server still runs:

1. Calls the end of the test cut off are sent again with their idempotency key, so their
   outcome becomes known without paying twice; a top-up that answer shows pending because
   its original is still at the gateway is polled until the gateway's timeout has passed.
2. `GET /admin/ledger/audit` must report the ledger balanced.
3. Each deliberate retry must have returned its original payment (loadtests.records.payment_log).
4. Every wallet the test touched must hold its seeded credit, less what its campaigns
   spent (promoting merchants), plus the effect of each accepted payment, once: a retry
   that paid again behind a replayed answer, or a payment lost, shows here.
"""

from __future__ import annotations

import time

import httpx
from pydantic import BaseModel

from loadtests.records.payment_log import (
    CREATED,
    DECLINED,
    PENDING,
    Answer,
    PaymentCall,
    PaymentLog,
    expected_balances,
)
from loadtests.records.seeded import SeededEconomy
from microblog.money_config import GatewayConfig
from outcomes.result import Metric

SETTLE_WAIT_S = GatewayConfig().timeout_ms / 1000 + 1.0
"""How long a top-up may stay pending while its original waits at the gateway (the
server's default gateway timeout, plus a second)."""
POLL_INTERVAL_S = 0.1


class PaymentVerdict(BaseModel):
    calls: int
    retries: int
    double_paid: int
    """Deliberate retries whose answer named another payment than the original's."""
    wallet_mismatches: dict[int, tuple[int, int]]
    """Account id -> (fen held, fen the test's accepted payments imply), where they differ."""
    audit_balanced: bool
    audit_problems: list[str]

    def metrics(self) -> dict[str, Metric]:
        counts = {"calls": self.calls, "retries": self.retries, "double_paid": self.double_paid}
        counts["wallet_mismatches"] = len(self.wallet_mismatches)
        metrics = {f"payments.{name}": Metric(value=n, unit="count") for name, n in counts.items()}
        metrics["payments.audit_balanced"] = Metric(value=int(self.audit_balanced), unit="bool")
        return metrics

    def problems(self) -> list[str]:
        """Why the run fails: unbalanced books, a retry that paid twice, a wallet that is off."""
        found = [f"payments: ledger audit unbalanced: {p}" for p in self.audit_problems]
        if not self.audit_balanced and not found:
            found.append("payments: ledger audit unbalanced")
        if self.double_paid:
            found.append(f"payments: {self.double_paid} of {self.retries} retries paid again")
        for account_id, (held, implied) in sorted(self.wallet_mismatches.items()):
            found.append(
                f"payments: account {account_id} holds {held} fen, its payments imply {implied}"
            )
        return found


def check_payments(
    client: httpx.Client, tokens: dict[int, str], economy: SeededEconomy, log: PaymentLog
) -> PaymentVerdict:
    """The whole check (see module docstring); `client` acts as the operator."""
    for call in log.unanswered():
        call.answer = _resend(client, call.token or tokens[call.account_id], call)
        _await_settlement(client, tokens[call.account_id], call)
    audit = client.get("/admin/ledger/audit")
    audit.raise_for_status()
    expected = expected_balances(_credits_left(client, tokens, economy), log.calls)
    held = {account: _balance(client, tokens[account], account) for account in expected}
    return PaymentVerdict(
        calls=len(log.calls),
        retries=len(log.retries()),
        double_paid=sum(not call.retried_the_same() for call in log.retries()),
        wallet_mismatches={a: (held[a], fen) for a, fen in expected.items() if held[a] != fen},
        audit_balanced=audit.json()["balanced"],
        audit_problems=audit.json()["problems"],
    )


def _credits_left(
    client: httpx.Client, tokens: dict[int, str], economy: SeededEconomy
) -> dict[int, int]:
    """Each seeded credit less what the account's campaigns spent (promoting merchants)."""
    credits = dict(economy.credits)
    for campaign in economy.campaigns:
        if campaign.owner_id in credits:
            headers = {"Authorization": f"Bearer {tokens[campaign.owner_id]}"}
            report = client.get(f"/campaigns/{campaign.id}/report", headers=headers)
            report.raise_for_status()
            credits[campaign.owner_id] -= int(report.json()["spent"])
    return credits


def _resend(client: httpx.Client, token: str, call: PaymentCall) -> Answer:
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": call.key}
    response = client.post(call.path, json=call.body, headers=headers)
    return Answer(status=response.status_code, body=response.json())


def _await_settlement(client: httpx.Client, token: str, call: PaymentCall) -> None:
    """Poll a pending top-up until it settles or its original's gateway wait is over."""
    deadline = time.monotonic() + SETTLE_WAIT_S
    while call.answer is not None and call.answer.status == PENDING:
        if time.monotonic() > deadline:
            return  # the gateway timed out: it stays pending, credited by no one
        time.sleep(POLL_INTERVAL_S)
        topup = call.answer.body
        path = f"/wallets/{topup['account_id']}/topups/{topup['id']}"
        polled = client.get(path, headers={"Authorization": f"Bearer {token}"}).json()
        statuses = {"pending": PENDING, "confirmed": CREATED, "failed": DECLINED}
        call.answer = Answer(status=statuses[polled["status"]], body=polled)


def _balance(client: httpx.Client, token: str, account_id: int) -> int:
    response = client.get(f"/wallets/{account_id}", headers={"Authorization": f"Bearer {token}"})
    response.raise_for_status()
    return int(response.json()["balance_fen"])
