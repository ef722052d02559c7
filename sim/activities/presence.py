"""Who is connected for chat, and for how long: presence that follows sessions and clients.

A chat session opens the account's live connection (`chat_connect`) unless its client is
already connected. When the chat ends, a web client disconnects at once; a mobile app
(`population.mobile`) stays connected in the background for an exponential time of mean
`chat.mobile_background_minutes`, so its friends still see it and its messages still
arrive live, and then disconnects (`chat_disconnect`, an arrival of its own). A chat
session that starts while the app is in the background takes the same connection back:
no second connect, and the pending disconnect is dropped (the next one is drawn when that
session's chat ends). So an account is reachable while it chats and, on mobile, for a
while after, which is what lets most messages between active friends arrive live.
"""

from __future__ import annotations

import itertools
from functools import partial

import numpy as np

from microblog.chat_models import ChatEvent, ChatMessage
from sim.activities.base import Arrival, Call, Steps, succeeded
from sim.activities.tally import Tally
from sim.world import World

SECONDS_PER_MINUTE = 60.0


class SessionConnection:
    """A live connection of one account: counts the messages delivered down it.

    An account with two connections at once (two devices) has a message pushed to both; it
    counts as delivered once, at the first. Messages reach an account in id order, so the
    highest id counted per account is all it takes to tell.
    """

    __slots__ = ("tally", "counted_up_to", "row", "live")
    receipt_on_push = True
    """In process: a push is the receipt (sockets' clients acknowledge instead)."""

    def __init__(self, tally: Tally, counted_up_to: np.ndarray, row: int) -> None:
        self.tally = tally
        self.counted_up_to = counted_up_to
        self.row = row
        self.live = False
        """False while connecting: what is pushed then is the waiting backlog."""

    def push(self, event: ChatEvent) -> None:
        if isinstance(event, ChatMessage) and event.id > self.counted_up_to[self.row]:
            self.counted_up_to[self.row] = event.id
            self.tally.add("chat.delivered_live" if self.live else "chat.delivered_on_connect")


class Open:
    """An account's connection, its chat sessions in the foreground, and the background
    spell its pending disconnect belongs to."""

    __slots__ = ("connection", "sessions", "spell")

    def __init__(self, connection: SessionConnection) -> None:
        self.connection = connection
        self.sessions = 1
        self.spell: int | None = None
        """Set while the app is in the background; a disconnect of another spell is void."""


class Connections:
    def __init__(self, world: World, rng: np.random.Generator) -> None:
        self.world = world
        self.rng = rng
        """Background times only: a stream of their own, so the time apps linger never
        changes what people do."""
        self.chat = world.blog.chat
        self.mobile = world.population.mobile
        minutes = world.scenario.behaviour.chat.mobile_background_minutes
        self.background_mean_s = minutes * SECONDS_PER_MINUTE
        self.open: dict[int, Open] = {}
        """Population row -> its open connection (in the foreground or the background)."""
        self._spells = itertools.count(1)

    def connect(self, row: int, connection: SessionConnection) -> Steps:
        """Connect for a chat session, or take back the connection already open (the app in
        the background, or another device's session still chatting)."""
        kept = self.open.get(row)
        if kept is not None:
            kept.sessions += 1
            kept.spell = None
            return
        self.open[row] = Open(connection)
        action = partial(self._connect, self.world.account(row), connection)
        connected = yield Call("chat_connect", action, {})
        if not succeeded(connected):
            del self.open[row]

    def _connect(self, actor: int, connection: SessionConnection) -> None:
        self.chat.connect(actor, connection)
        connection.live = True

    def release(self, row: int) -> Steps:
        """A chat ended: after the account's last, a web client disconnects now and a
        mobile app goes to the background."""
        kept = self.open.get(row)
        if kept is None:
            return
        kept.sessions -= 1
        if kept.sessions > 0:
            return
        if not self.mobile[row] or self.background_mean_s == 0:
            yield from self._disconnect(row)
            return
        spell = kept.spell = next(self._spells)
        after = float(self.rng.exponential(self.background_mean_s))
        at = self.world.env.now + after
        self.world.start_at(Arrival(at, row, self._expire, spell, False))

    def _expire(self, row: int, spell: int) -> Steps:
        """The background spell ran out, unless a new chat session took the app back."""
        kept = self.open.get(row)
        if kept is not None and kept.spell == spell:
            yield from self._disconnect(row)

    def _disconnect(self, row: int) -> Steps:
        connection = self.open.pop(row).connection
        action = partial(self.chat.disconnect, self.world.account(row), connection)
        yield Call("chat_disconnect", action, {})
