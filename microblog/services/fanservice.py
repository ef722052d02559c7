"""Fan services: a certified account opens one, followers subscribe, the account broadcasts.

A broadcast is committed first and then fanned out on a queue of its own built by the same
factories as posts' (`microblog.fanout`): inline in the simulator and the tests, on the
server's fan-out threads when it serves. Delivery walks the subscribers in chunks of
`fanout_chunk`, one transaction each, puts the message in each one's service inbox
(once, however often a job is delivered) and records the deliveries as fan-out work, so the
capacity model prices them on the fan-out station. Only a certified (verified) account may
open a service, as on Weibo's platform; only its followers may subscribe.
"""

from __future__ import annotations

from dataclasses import replace

from microblog.callback_address import RefusedCallback, resolve_callback
from microblog.errors import Conflict, Forbidden, Invalid, NotFound
from microblog.fanout import FanoutQueueFactory, Proceed
from microblog.fanout.local import InlineQueue
from microblog.fanservice_models import (
    Broadcast,
    DeliveryStats,
    FanService,
    MenuItem,
    Segment,
)
from microblog.push_models import PushKind
from microblog.services.context import Context
from microblog.services.fanservice_rules import check_text, lag_percentiles
from microblog.services.push import Payload, PushChannel
from microblog.store.base import Tx
from microblog.work import record


class FanServices:
    def __init__(
        self,
        ctx: Context,
        push: PushChannel,
        fanout: FanoutQueueFactory[Broadcast] = InlineQueue,
    ) -> None:
        self.ctx = ctx
        self.push = push
        self.config = ctx.config.fanservice
        self.queue = fanout(self.deliver, ctx.clock)

    def open(self, account_id: int) -> FanService:
        with self.ctx.store.write() as tx:
            account = tx.accounts.get(account_id)
            if account is None:
                raise NotFound(f"no account {account_id}")
            if not account.verified:
                raise Forbidden("only certified accounts open a fan service: see /certifications")
            opened = tx.fanservice.open(account_id, self.ctx.clock())
        if opened is None:
            raise Conflict(f"account {account_id} has a fan service already")
        return opened

    def get(self, account_id: int) -> FanService:
        with self.ctx.store.read() as tx:
            return _service(tx, account_id)

    def subscribe(self, account_id: int, subscriber_id: int) -> FanService:
        """Subscribe a follower of the account (again: no change)."""
        with self.ctx.store.write() as tx:
            _service(tx, account_id)
            if not tx.graph.exists(subscriber_id, account_id):
                raise Forbidden(f"follow account {account_id} before subscribing to its service")
            tx.fanservice.subscribe(account_id, subscriber_id, self.ctx.clock())
            return _service(tx, account_id)

    def unsubscribe(self, account_id: int, subscriber_id: int) -> FanService:
        with self.ctx.store.write() as tx:
            _service(tx, account_id)
            tx.fanservice.unsubscribe(account_id, subscriber_id)
            return _service(tx, account_id)

    def configure(
        self, account_id: int, auto_replies: dict[str, str], menu: list[MenuItem]
    ) -> FanService:
        """Replace the service's keyword auto-replies and menu."""
        self._check_settings(auto_replies, menu)
        with self.ctx.store.write() as tx:
            service = _service(tx, account_id)
            changed = replace(service, auto_replies=tuple(auto_replies.items()), menu=tuple(menu))
            tx.fanservice.update(changed)
            return _service(tx, account_id)

    def bind_callback(self, account_id: int, url: str | None, secret: str | None) -> FanService:
        """Developer mode on (a URL and its signing secret) or off (neither)."""
        if (url is None) != (secret is None):
            raise Invalid("give callback_url and secret together, or neither", field="secret")
        if url is not None:
            try:
                resolve_callback(url, self.config.allow_private_callbacks)
            except RefusedCallback as refused:
                raise Invalid(f"callback_url: {refused}", field="callback_url") from None
        with self.ctx.store.write() as tx:
            service = _service(tx, account_id)
            tx.fanservice.update(replace(service, callback_url=url, callback_secret=secret))
            return _service(tx, account_id)

    def broadcast(self, account_id: int, text: str, segment: Segment | None = None) -> Broadcast:
        """Commit the message, then queue its delivery to every (segment's) subscriber."""
        check_text(text, self.config.max_message_chars)
        with self.ctx.store.write() as tx:
            _service(tx, account_id)
            broadcast = tx.fanservice.add_broadcast(account_id, text, segment, self.ctx.clock())
        self.queue.submit(broadcast)
        return broadcast

    def deliver(self, broadcast: Broadcast, proceed: Proceed) -> int | None:
        """Put the broadcast in every subscriber's inbox, a chunk per transaction, and push
        it to the phones of those it reached for the first time in the same transaction (a
        job delivered again pushes nothing twice, and a worker killed mid-chunk leaves no
        phone without its push); the subscribers reached, or None when stopped before the
        last chunk."""
        after, delivered, chunk = 0, 0, self.ctx.config.fanout_chunk
        while proceed():
            with self.ctx.store.write() as tx:
                ids = tx.fanservice.subscribers_after(broadcast.account_id, after, chunk)
                reached = _in_segment(tx, ids, broadcast.segment)
                fresh = tx.fanservice.deliver(broadcast, reached)
                payload: Payload = {"broadcast_id": broadcast.id, "from": broadcast.account_id}
                self.push.notify_within(tx, fresh, PushKind.FAN_SERVICE, payload)
                record(fanout_deliveries=len(reached))
                delivered += len(reached)
                last = len(ids) < chunk
                if last:
                    tx.fanservice.finish_broadcast(broadcast.id, delivered, self.ctx.clock())
            if last:
                return delivered
            after = ids[-1]
        return None

    def stats(self, account_id: int) -> DeliveryStats:
        """Subscribers, and what the account's most recent broadcasts reached and how fast."""
        with self.ctx.store.read() as tx:
            service = _service(tx, account_id)
            recent = tx.fanservice.recent_broadcasts(account_id, self.config.stats_window)
            dead = tx.fanservice.count_dead_letters(account_id)
        lags = [b.finished_at - b.created_at for b in recent if b.finished_at is not None]
        p50, p99 = lag_percentiles(lags)
        return DeliveryStats(
            service.subscribers, len(recent), sum(b.delivered for b in recent),
            len(recent) - len(lags), p50, p99, dead,
        )  # fmt: skip

    def _check_settings(self, auto_replies: dict[str, str], menu: list[MenuItem]) -> None:
        config = self.config
        if len(auto_replies) > config.max_auto_replies:
            raise Invalid(f"at most {config.max_auto_replies} auto-replies", field="auto_replies")
        if len(menu) > config.max_menu_items:
            raise Invalid(f"at most {config.max_menu_items} menu items", field="menu")
        if len({item.key for item in menu}) < len(menu):
            raise Invalid("menu keys must be distinct", field="menu")
        for keyword, reply in auto_replies.items():
            check_text(keyword, config.max_keyword_chars, "auto_replies")
            check_text(reply, config.max_message_chars, "auto_replies")
        for item in menu:
            check_text(item.reply, config.max_message_chars, "menu")

    def close(self) -> None:
        self.queue.close()


def _service(tx: Tx, account_id: int) -> FanService:
    service = tx.fanservice.get(account_id)
    if service is None:
        raise NotFound(f"account {account_id} has no fan service")
    return service


def _in_segment(tx: Tx, ids: list[int], segment: Segment | None) -> list[int]:
    """The subscribers of `ids` the broadcast is for (all of them without a segment)."""
    if segment is None:
        return ids
    accounts = tx.accounts.get_many(ids)
    return [i for i in ids if i in accounts and segment.admits(accounts[i].profile)]
