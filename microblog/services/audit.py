"""The ledger audit: the books checked to the fen, each check naming what is wrong.

Checks, in one read transaction:
1. all balances sum to zero (double entry: every transfer debits what it credits);
2. each balance equals its recomputation from the journal (credits minus debits);
3. no account runs negative except the issuance account;
4. coins in circulation (every account but issuance) equal coins issued minus redeemed;
5. the journal's top-up transfers equal the confirmed top-up records;
6. no product's stock is below zero.

A platform split by account into shards keeps one ledger per shard, each holding its own
accounts' wallets and clearing with the others (`LedgerKind.CLEARING`): `audit_union`
checks their books as one, at a moment when the payments in flight between them are known.
"""

from __future__ import annotations

from collections.abc import Sequence

from microblog.money_models import (
    ISSUING,
    MAY_RUN_NEGATIVE,
    Audit,
    LedgerAccount,
    LedgerKind,
    TransferKind,
)
from microblog.store.base import Tx


def audit_books(tx: Tx) -> Audit:
    accounts = tx.ledger.accounts()
    journal = tx.ledger.journal_balances()
    totals = tx.ledger.kind_totals()
    issued = sum(totals.get(kind, 0) for kind in ISSUING)
    redeemed = totals.get(TransferKind.WITHDRAWAL, 0)
    circulating = sum(a.balance_fen for a in accounts if a.kind is not LedgerKind.ISSUANCE)
    confirmed = tx.topups.confirmed_total()
    audit = Audit(
        balanced=True,
        accounts=len(accounts),
        transfers=tx.ledger.transfer_count(),
        total_fen=sum(a.balance_fen for a in accounts),
        issued_fen=issued,
        redeemed_fen=redeemed,
        circulating_fen=circulating,
        topups_confirmed_fen=confirmed,
        platform_revenue_fen=sum(a.balance_fen for a in accounts if a.kind is LedgerKind.PLATFORM),
        clearing_fen=sum(a.balance_fen for a in accounts if a.kind is LedgerKind.CLEARING),
    )
    audit.problems = [
        *_balance_problems(accounts, journal),
        *_total_problems(audit, totals.get(TransferKind.TOPUP, 0)),
        *(f"product {p} has negative stock" for p in tx.shops.negative_stock()),
    ]
    audit.balanced = not audit.problems
    return audit


def _balance_problems(accounts: list[LedgerAccount], journal: dict[int, int]) -> list[str]:
    problems = []
    for account in accounts:
        recomputed = journal.get(account.id, 0)
        if account.balance_fen != recomputed:
            problems.append(
                f"ledger account {account.id} ({account.kind.value} {account.owner_id}) holds "
                f"{account.balance_fen} fen but its journal sums to {recomputed} fen"
            )
        if account.balance_fen < 0 and account.kind not in MAY_RUN_NEGATIVE:
            problems.append(
                f"ledger account {account.id} ({account.kind.value} {account.owner_id}) "
                f"is negative: {account.balance_fen} fen"
            )
    return problems


def _total_problems(audit: Audit, topup_transfers: int) -> list[str]:
    problems = []
    if audit.total_fen != 0:
        problems.append(f"balances sum to {audit.total_fen} fen, not 0")
    if audit.circulating_fen != audit.issued_fen - audit.redeemed_fen:
        problems.append(
            f"{audit.circulating_fen} fen circulate but {audit.issued_fen} were issued and "
            f"{audit.redeemed_fen} redeemed"
        )
    if topup_transfers != audit.topups_confirmed_fen:
        problems.append(
            f"top-up transfers total {topup_transfers} fen but confirmed top-ups "
            f"{audit.topups_confirmed_fen} fen"
        )
    return problems


def audit_union(parts: Sequence[Audit], in_flight_fen: int) -> Audit:
    """The books of the shards' ledgers checked as one: each shard's own problems (named by
    its index), the totals' checks over the sums, and the clearing accounts, which together
    must hold exactly the `in_flight_fen` sent between shards and not yet applied (0 once
    every shard has applied what the others sent it)."""
    union = Audit(
        balanced=True,
        accounts=sum(p.accounts for p in parts),
        transfers=sum(p.transfers for p in parts),
        total_fen=sum(p.total_fen for p in parts),
        issued_fen=sum(p.issued_fen for p in parts),
        redeemed_fen=sum(p.redeemed_fen for p in parts),
        circulating_fen=sum(p.circulating_fen for p in parts),
        topups_confirmed_fen=sum(p.topups_confirmed_fen for p in parts),
        platform_revenue_fen=sum(p.platform_revenue_fen for p in parts),
        clearing_fen=sum(p.clearing_fen for p in parts),
    )
    topups = union.topups_confirmed_fen  # each part checked its own top-ups against its journal
    union.problems = [
        *(f"shard {index}: {problem}" for index, p in enumerate(parts) for problem in p.problems),
        *_total_problems(union, topups),
    ]
    if union.clearing_fen != in_flight_fen:
        union.problems.append(
            f"clearing accounts hold {union.clearing_fen} fen but {in_flight_fen} fen are in "
            "flight between shards"
        )
    union.balanced = not union.problems
    return union
