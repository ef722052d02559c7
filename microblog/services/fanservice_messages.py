"""Messages between subscribers and a fan service: keyword auto-replies, menu taps, the
developer app's forwarding and answers, and the subscriber's service inbox.

A subscriber's message is answered by the first of the account's keywords it contains;
in developer mode it goes to the account's app instead (`Callbacks`), which answers
through the API as the account (`answer`). Answers land in the subscriber's inbox beside
the broadcasts.
"""

from __future__ import annotations

from microblog.errors import Forbidden, NotFound
from microblog.fanservice_models import DeadLetter, FanService, InboxEntry, Sent
from microblog.models import Page
from microblog.services.context import Context
from microblog.services.cursors import next_id_cursor, parse_id_cursor
from microblog.services.fanservice_callbacks import Callbacks
from microblog.services.fanservice_rules import auto_reply, check_text
from microblog.store.base import Tx


class ServiceMessages:
    def __init__(self, ctx: Context, callbacks: Callbacks) -> None:
        self.ctx = ctx
        self.config = ctx.config.fanservice
        self.callbacks = callbacks

    def send(self, subscriber_id: int, account_id: int, text: str) -> Sent:
        """A subscriber writes to the service: the auto-reply of a keyword it contains, or,
        in developer mode, forwarded to the account's app (which answers later)."""
        check_text(text, self.config.max_message_chars)
        with self.ctx.store.write() as tx:
            service = _subscribed(tx, account_id, subscriber_id)
            reply = None if service.developer_mode else auto_reply(service, text)
            if reply is not None:
                entry = tx.fanservice.reply(account_id, subscriber_id, reply, self.ctx.clock())
                return Sent(entry, forwarded=False)
        if service.developer_mode:
            self.callbacks.forward(service, subscriber_id, text)
        return Sent(None, forwarded=service.developer_mode)

    def tap(self, subscriber_id: int, account_id: int, key: str) -> InboxEntry:
        """A subscriber taps a menu button: its answer in their inbox."""
        with self.ctx.store.write() as tx:
            service = _subscribed(tx, account_id, subscriber_id)
            item = next((m for m in service.menu if m.key == key), None)
            if item is None:
                raise NotFound(f"account {account_id}'s menu has no item {key!r}")
            return tx.fanservice.reply(account_id, subscriber_id, item.reply, self.ctx.clock())

    def answer(self, account_id: int, subscriber_id: int, text: str) -> InboxEntry:
        """The account (or its developer app, with the account's token) answers one subscriber."""
        check_text(text, self.config.max_message_chars)
        with self.ctx.store.write() as tx:
            _subscribed(tx, account_id, subscriber_id)
            return tx.fanservice.reply(account_id, subscriber_id, text, self.ctx.clock())

    def inbox(self, subscriber_id: int, cursor: str | None, limit: int) -> Page[InboxEntry]:
        """The subscriber's service inbox, newest first: broadcasts and answers."""
        limit = self.ctx.page_limit(limit)
        with self.ctx.store.read() as tx:
            rows = tx.fanservice.inbox(subscriber_id, parse_id_cursor(cursor), limit)
        return Page(rows, next_id_cursor([e.id for e in rows], limit))

    def dead_letters(self, account_id: int, cursor: str | None, limit: int) -> Page[DeadLetter]:
        """Subscribers' messages the account's callback never took, newest first (none for
        an account without a service)."""
        limit = self.ctx.page_limit(limit)
        with self.ctx.store.read() as tx:
            rows = tx.fanservice.dead_letters(account_id, parse_id_cursor(cursor), limit)
        return Page(rows, next_id_cursor([d.id for d in rows], limit))


def _subscribed(tx: Tx, account_id: int, subscriber_id: int) -> FanService:
    service = tx.fanservice.get(account_id)
    if service is None:
        raise NotFound(f"account {account_id} has no fan service")
    if not tx.fanservice.is_subscribed(account_id, subscriber_id):
        raise Forbidden(f"account {subscriber_id} is not subscribed to account {account_id}")
    return service
