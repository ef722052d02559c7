"""Chat: direct messages between friends and group chat, stored and pushed in real time.

Every message is stored with one inbox entry per recipient (undelivered, unread) before
anything is pushed. Then the switchboard has the recipients' messages pushed wherever they
are connected: in this process at once, in other server processes through the cache
tier's bus. Delivery to an account's connections in a process is one step under that
account's hub lock: take its undelivered messages above what every connection here has
had, oldest first, and push each connection those it has not had. Whoever runs it last
finds nothing new, so each message reaches each connection once and in id order, even when
sends and connects race.

An entry becomes delivered when the recipient has the message: at once for an in-process
connection (the simulator's), and for a WebSocket when its client acknowledges it (an
`ack` frame). A message pushed down a socket that closed before the client acknowledged it
stays undelivered and is pushed again on the next connection; clients that never
acknowledge get everything again each time they connect. Reading a conversation marks its
messages delivered too.
"""

from __future__ import annotations

from collections import defaultdict

from microblog.chat_models import ChatMessage, Conversation
from microblog.errors import Conflict, Forbidden, Invalid, NotFound
from microblog.models import Page
from microblog.push_models import PushKind
from microblog.services.context import Context
from microblog.services.cursors import next_id_cursor, parse_id_cursor
from microblog.services.hub import Connection, Hub
from microblog.services.presence import Presence
from microblog.services.push import Payload, PushChannel
from microblog.services.switchboard import open_switchboard
from microblog.store.base import Tx

MAX_CLIENT_MSG_ID = 64
"""Longest client message id, in characters (the width of its column)."""


def by_recipient(entries: list[tuple[int, ChatMessage]]) -> dict[int, list[ChatMessage]]:
    grouped: dict[int, list[ChatMessage]] = defaultdict(list)
    for account_id, message in entries:
        grouped[account_id].append(message)
    return grouped


class Chat:
    def __init__(self, ctx: Context, push: PushChannel, hub: Hub | None = None) -> None:
        self.ctx = ctx
        self.push = push
        self.hub = hub or Hub()
        self.switchboard = open_switchboard(ctx.cache, self.hub, self.deliver, ctx.config.presence)
        self.presence = Presence(ctx, self.hub, self.switchboard)

    def connect(self, account_id: int, connection: Connection) -> None:
        """Open a live connection: friends see the account's presence, and every message
        it has not yet received is pushed, oldest first."""
        with self.hub.lock(account_id):
            self.presence.connect(account_id, connection)
            self.deliver([account_id])

    def disconnect(self, account_id: int, connection: Connection) -> None:
        self.presence.disconnect(account_id, connection)

    def send(
        self,
        sender_id: int,
        text: str,
        *,
        to: int | None = None,
        group_id: int | None = None,
        client_msg_id: str | None = None,
    ) -> ChatMessage:
        """Send to a friend (`to`) or to a group's members (`group_id`).

        A resend with the same `client_msg_id` returns the stored message instead of a new
        one; reusing the id for a different message is a conflict.
        """
        self._check(text, to, group_id, client_msg_id)
        with self.ctx.store.write() as tx:
            stored = tx.chat.by_client_id(sender_id, client_msg_id) if client_msg_id else None
            if stored is not None:
                message = self._replayed(stored, text, to, group_id)
                recipients = self._recipients(tx, message)
            else:
                talk, recipients = self._route(tx, sender_id, to, group_id)
                draft = ChatMessage(
                    0, talk.key, sender_id, text, self.ctx.clock(), to, group_id, client_msg_id
                )
                message = tx.chat.add_message(draft, recipients)
                if to is not None:  # recorded with the message, in its one transaction
                    payload: Payload = {"message_id": message.id, "from": sender_id}
                    self.push.notify_within(tx, [to], PushKind.MESSAGE, payload)
        self.switchboard.mail(recipients)
        return message

    def acknowledge(self, account_id: int, connection: Connection, up_to: int) -> int:
        """The client of `connection` has every message pushed to it up to id `up_to`:
        those are delivered and will not be pushed again. Returns how many were not yet."""
        pushed = self.hub.pushed_up_to(account_id, connection)
        if not 1 <= up_to <= pushed:
            raise Invalid(
                f"up_to must be the id of a message pushed to this connection (1-{pushed}), "
                f"got {up_to}",
                field="up_to",
            )
        with self.ctx.store.write() as tx:
            return tx.chat.acknowledge(account_id, up_to)

    def history(
        self, viewer_id: int, conversation: str, cursor: str | None = None, limit: int = 20
    ) -> Page[ChatMessage]:
        """A conversation's messages, newest first, for its participants only."""
        limit = self.ctx.page_limit(limit)
        talk = Conversation.parse(conversation)
        with self.ctx.store.read() as tx:
            self._require_participant(tx, viewer_id, talk)
            found = tx.chat.history(talk.key, parse_id_cursor(cursor), limit)
        return Page(found, next_id_cursor([m.id for m in found], limit))

    def unread(self, account_id: int) -> dict[str, int]:
        """Unread messages per conversation key (conversations with none are left out)."""
        with self.ctx.store.read() as tx:
            return tx.chat.unread_counts(account_id)

    def mark_read(self, account_id: int, conversation: str, up_to: int | None = None) -> int:
        """Mark a conversation read up to a message id (all of it when None); read messages
        count as delivered too. Returns how many were unread."""
        talk = Conversation.parse(conversation)
        with self.ctx.store.write() as tx:
            self._require_participant(tx, account_id, talk)
            return tx.chat.mark_read(account_id, talk.key, up_to)

    def deliver(self, account_ids: list[int]) -> None:
        """Push the accounts' undelivered messages to their live connections here, oldest
        first, one store transaction per batch for all of them (see module docstring)."""
        if not account_ids:  # every recipient offline: nothing to lock or push
            return
        batch_size = self.ctx.config.chat_delivery_batch
        with self.hub.locks(account_ids):
            waiting = self.hub.online(account_ids)
            while waiting:
                entries = self._take(waiting, batch_size)
                for account_id, messages in by_recipient(entries).items():
                    self.hub.push_messages(account_id, messages)
                waiting = self.hub.online(waiting) if len(entries) == batch_size else []

    def _take(self, account_ids: list[int], limit: int) -> list[tuple[int, ChatMessage]]:
        """The next undelivered messages for these connected accounts; those going to an
        in-process connection, which receives them by being pushed, are delivered now."""
        after = {a: self.hub.pending_after(a) for a in account_ids}
        received = {a for a in account_ids if self.hub.receipt_on_push(a)}
        if not received:
            with self.ctx.store.read() as tx:
                return tx.chat.pending(after, limit)
        with self.ctx.store.write() as tx:
            entries = tx.chat.pending(after, limit)
            tx.chat.mark_delivered([(a, m.id) for a, m in entries if a in received])
        return entries

    def close(self) -> None:
        """Stop reaching other processes (a shared tier's subscriber and heartbeat)."""
        self.switchboard.close()

    def _check(
        self, text: str, to: int | None, group_id: int | None, client_msg_id: str | None
    ) -> None:
        if (to is None) == (group_id is None):
            raise Invalid("send to exactly one of a friend (to) or a group (group_id)", field="to")
        if not text.strip() or len(text) > self.ctx.config.max_message_chars:
            raise Invalid(
                f"text must be 1-{self.ctx.config.max_message_chars} characters and not blank, "
                f"got {len(text)}",
                field="text",
            )
        if client_msg_id is not None and not 1 <= len(client_msg_id) <= MAX_CLIENT_MSG_ID:
            raise Invalid(
                f"client_msg_id must be 1-{MAX_CLIENT_MSG_ID} characters, got {len(client_msg_id)}",
                field="client_msg_id",
            )

    @staticmethod
    def _replayed(
        stored: ChatMessage, text: str, to: int | None, group_id: int | None
    ) -> ChatMessage:
        if (stored.text, stored.recipient_id, stored.group_id) != (text, to, group_id):
            raise Conflict(
                f"client_msg_id {stored.client_msg_id!r} was already used for another message",
                field="client_msg_id",
            )
        return stored

    def _route(
        self, tx: Tx, sender_id: int, to: int | None, group_id: int | None
    ) -> tuple[Conversation, list[int]]:
        """The conversation and recipients of a new message, once the sender may send it.

        The common case costs one query; telling "no such account or group" from "not
        allowed" only matters, and is only looked up, when sending is refused.
        """
        if group_id is not None:
            talk = Conversation.group(group_id)
            members = tx.chat.group_members(group_id)
            if sender_id not in members:
                self._require_participant(tx, sender_id, talk)
            return talk, [m for m in members if m != sender_id]
        assert to is not None
        if to == sender_id:
            raise Invalid("an account cannot message itself", field="to")
        if not tx.chat.is_friend(sender_id, to):
            if tx.accounts.get(to) is None:
                raise NotFound(f"no account {to}")
            raise Forbidden(
                f"account {to} is not your friend: direct messages need a mutual follow"
            )
        return Conversation.direct(sender_id, to), [to]

    @staticmethod
    def _recipients(tx: Tx, message: ChatMessage) -> list[int]:
        """Who a stored message is for; a resend pushes it to any who have not had it yet."""
        if message.group_id is None:
            assert message.recipient_id is not None
            return [message.recipient_id]
        return [m for m in tx.chat.group_members(message.group_id) if m != message.sender_id]

    @staticmethod
    def _require_participant(tx: Tx, account_id: int, talk: Conversation) -> None:
        if talk.group_id is not None:
            if tx.groups.get(talk.group_id) is None:
                raise NotFound(f"no group {talk.group_id}")
            if not tx.groups.is_member(talk.group_id, account_id):
                raise Forbidden(f"group {talk.group_id}'s chat is open to its members only")
        elif account_id not in (talk.pair or ()):
            raise Forbidden(f"conversation {talk.key} is readable by its two participants only")
