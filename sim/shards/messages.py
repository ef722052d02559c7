"""What one shard tells another at a barrier, in a total order fixed by the run alone.

An effect of a call on an account (or a post) another shard owns is not applied where the
call ran: it becomes a `Message` in the caller's outbox and is applied by the owner at the
end of the window, after every shard's messages of that window were sorted by
`(send_time, source_shard, source_seq)`. That order does not depend on which shard reached
the barrier first, which is what makes a sharded run deterministic. Every message is
counted when sent and when applied, by kind and by (source, target) pair.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, NamedTuple

KINDS = (
    "post", "like", "comment", "repost", "follow", "unfollow", "friend", "join", "chat",
    "presence", "push", "photo", "subscribe", "ad_charge", "product_post", "endorse",
    "credit", "refund", "merchant_quit", "live_gift", "gift_shown", "campaign",
    "campaign_launch",
)  # fmt: skip
"""Message kinds: a post replicated to another shard; a reaction to a post its author's
shard owns; a follow or unfollow of another shard's account; a friend's interaction that
lowers the owner's churn hazard; a group join every shard must know of; a chat message to
another shard's account; an account's presence, replicated to every other shard; pushes
to another shard's accounts, for their outboxes; a photo, replicated to every other shard
(as its post is); a subscription to another shard's account's fan service; a charge of an
ad shown on one shard to a campaign whose advertiser's wallet another owns; a product post
replicated with the product it sells; a like, repost or order that endorses a product to
the endorser's friends on every shard; a payment's credit to a wallet another shard holds,
and its refund when the payee refused it (`sim.shards.clearing`); a merchant that quit
selling, drawn and found on its own shard (every shard's shop browsing stops picking it);
a viewer's live gift handed from the room's shard to the viewer's, which pays it, and the
gift made, back to the room's shard, which shows it (`sim.shards.live_gifts`); a bid
review's pause of a campaign and the campaign it launched instead, for every shard's ad
servers (`sim.shards.bid_reviews`)."""

Tally = Counter[tuple[str, int, int]]
"""Messages counted by (kind, source shard, target shard)."""


class Message(NamedTuple):
    send_time: float
    source_shard: int
    source_seq: int
    target_shard: int
    kind: str
    payload: tuple[Any, ...]


def delivery_order(message: Message) -> tuple[float, int, int]:
    """The total order a shard applies its inbox in."""
    return message.send_time, message.source_shard, message.source_seq


class Outbox:
    """A shard's messages of the current window, numbered in the order they were made."""

    def __init__(self, shard: int) -> None:
        self.shard = shard
        self._seq = 0
        self._messages: list[Message] = []
        self.sent: Tally = Counter()

    def send(self, now: float, target: int, kind: str, payload: tuple[Any, ...]) -> None:
        assert kind in KINDS, f"unknown message kind {kind!r}"
        self._messages.append(Message(now, self.shard, self._seq, target, kind, payload))
        self._seq += 1
        self.sent[kind, self.shard, target] += 1

    def take(self) -> list[Message]:
        """The window's messages; the outbox starts the next window empty."""
        taken, self._messages = self._messages, []
        return taken


def route(outboxes: list[list[Message]], shards: int) -> list[list[Message]]:
    """Each shard's inbox: every message addressed to it, in delivery order."""
    inboxes: list[list[Message]] = [[] for _ in range(shards)]
    for messages in outboxes:
        for message in messages:
            inboxes[message.target_shard].append(message)
    for inbox in inboxes:
        inbox.sort(key=delivery_order)
    return inboxes
