"""The push channel: notifications to the mobile sessions of accounts, through a provider.

Other services call `notify(account_id, kind, payload)` (or `notify_many` for one event
reaching many accounts, a live start to followers); the channel finds the accounts'
mobile sessions, hands one push per device to the provider and keeps what the provider
reported in the push outbox, which the device reads with `GET /me/push`. Web and
third-party sessions get nothing. The provider is behind `PushProvider`; the one here is
simulated (latency and failure rate from `push` settings, seeded), as the payment gateway
is. Each push counts as `push_sends` work: the capacity model's `push` station prices it.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

import numpy as np

from microblog.models import Page
from microblog.push_config import PushConfig
from microblog.push_models import PushKind, PushMessage
from microblog.services.accounts import hash_token
from microblog.services.context import Context
from microblog.services.cursors import next_id_cursor, parse_id_cursor
from microblog.store.base import Tx
from microblog.work import record

MS_PER_S = 1000.0
Payload = dict[str, int | str]


class Receipt(NamedTuple):
    delivered: bool
    latency_s: float


class PushProvider(Protocol):
    def send(self, device: str, kind: PushKind, payload: Payload) -> Receipt:
        """Hand one notification to the provider; it says whether and how fast it arrived."""
        ...


class SimulatedPushProvider:
    """A provider with exponential latency and independent failures, seeded."""

    def __init__(self, config: PushConfig, rng: np.random.Generator | None = None) -> None:
        self.config = config
        self.rng = rng or np.random.default_rng(config.seed)

    def send(self, device: str, kind: PushKind, payload: Payload) -> Receipt:
        delivered = bool(self.rng.random() >= self.config.provider_failure_rate)
        latency_ms = float(self.rng.exponential(self.config.provider_latency_ms))
        return Receipt(delivered, latency_ms / MS_PER_S)


class PushChannel:
    def __init__(self, ctx: Context, provider: PushProvider | None = None) -> None:
        self.ctx = ctx
        self.provider = provider or SimulatedPushProvider(ctx.config.push)

    def notify(self, account_id: int, kind: PushKind, payload: Payload) -> list[PushMessage]:
        """Push to every mobile session of the account; returns the pushes sent."""
        return self.notify_many([account_id], kind, payload)

    def notify_many(
        self, account_ids: list[int], kind: PushKind, payload: Payload
    ) -> list[PushMessage]:
        with self.ctx.store.read() as tx:
            devices = tx.accounts.mobile_devices(account_ids)
        sent = self._send_all(devices, kind, payload)
        if sent:
            with self.ctx.store.write() as tx:
                tx.push.add_many(sent)
            record(push_sends=len(sent))
        return sent

    def notify_within(
        self, tx: Tx, account_ids: list[int], kind: PushKind, payload: Payload
    ) -> list[PushMessage]:
        """`notify_many` inside the caller's write transaction, so the pushes are recorded
        if and only if what they announce is: a fan-out worker killed after committing a
        chunk's inbox entries and before pushing would otherwise leave those phones with
        none, since the job's next delivery finds them already reached."""
        sent = self._send_all(tx.accounts.mobile_devices(account_ids), kind, payload)
        if sent:
            tx.push.add_many(sent)
            record(push_sends=len(sent))
        return sent

    def _send_all(
        self, devices: dict[int, list[str]], kind: PushKind, payload: Payload
    ) -> list[PushMessage]:
        now = self.ctx.clock()
        return [
            self._send(account_id, device, kind, payload, now)
            for account_id, owned in devices.items()
            for device in owned
        ]

    def outbox(self, token: str, cursor: str | None, limit: int) -> Page[PushMessage]:
        """The pushes sent to the session of `token`, newest first (none unless mobile)."""
        limit = min(self.ctx.page_limit(limit), self.ctx.config.push.max_outbox_page)
        with self.ctx.store.read() as tx:
            found = tx.push.of_device(hash_token(token), parse_id_cursor(cursor), limit)
        return Page(found, next_id_cursor([p.id for p in found], limit))

    def _send(
        self, account_id: int, device: str, kind: PushKind, payload: Payload, now: float
    ) -> PushMessage:
        receipt = self.provider.send(device, kind, payload)
        arrived = now + receipt.latency_s if receipt.delivered else None
        return PushMessage(0, account_id, device, kind, dict(payload), now, arrived)
