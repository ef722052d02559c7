"""Chat: a session's private messages to friends, over an in-process live connection.

A session chats with probability `per_session.chat`. It draws a presence state from
`chat.presence` and, when that differs from the account's stored choice, sets it first
(`chat_presence`; before connecting, so friends see one change, not two). It then connects
(`chat_connect`, unless its client still is: see `sim.activities.presence`, where a mobile
app stays connected in the background for a while after its chat; friends see it come
online unless it is invisible, and every message waiting for it is pushed, oldest first),
lists the first page of its friends (mutual follows) with the presence each shows
(`chat_friends`), and sends `Poisson(messages_per_session)` messages (`chat_send`) to one
of them: a friend shown online, busy or away when there is one, else any friend on the
page, whose messages wait for their next connection. Last its chat ends: a web client
disconnects (`chat_disconnect`), a mobile app goes to the background. A session without
friends sends nothing. Talking to a friend is a friend interaction, which lowers the
friend's churn hazard.

The connection is the microblog's own: `Chat.connect` registers an object with a `push`
in its hub, as the HTTP server registers a WebSocket, so delivery follows the service's
rules. As the service documents, an `invisible` account shows offline to its friends but,
while connected, still receives in real time; its senders count it as offline.

Measured: `chat.sent`, `chat.sent_to_offline`, `chat.delivered_live`,
`chat.delivered_on_connect` over the measured window, `chat.delivered_live_share` (live
deliveries per message sent, in the window) and `chat.backlog`: messages of the whole run
still waiting at its end (each message reaches its recipient once, so that is the run's
sent minus both kinds of delivery).
"""

from __future__ import annotations

import itertools
from functools import partial

import numpy as np

from microblog.chat_models import ChatMessage, FriendPresence, Status
from microblog.errors import Forbidden
from microblog.models import Page
from sim.activities.base import Call, Steps, succeeded
from sim.activities.presence import Connections, SessionConnection
from sim.activities.tally import Tally
from sim.world import World

ChatPlan = tuple[int, int]
"""Presence state (index into the scenario's states), then messages to send; `APP_OPEN`
for a mobile session that does not chat (its app connects all the same)."""

COUNTS = ("chat.sent", "chat.sent_to_offline", "chat.delivered_live", "chat.delivered_on_connect")
NEVER_CHOSEN = -1
APP_OPEN: ChatPlan = (NEVER_CHOSEN, 0)


class Chat:
    def __init__(self, world: World, presence_rng: np.random.Generator) -> None:
        self.world = world
        self.chat = world.blog.chat
        config = world.scenario.behaviour.chat
        self.share = world.scenario.behaviour.per_session.chat
        self.mean_messages = config.messages_per_session
        self.states = [Status(name) for name in config.presence]
        self.state_shares = np.array(list(config.presence.values()))
        self.chosen = np.full(world.population.size, self._index(Status.ONLINE), dtype=np.int8)
        """Each account's stored presence choice (the service's default until it chooses)."""
        self.tally = Tally(world, COUNTS, timeseries=("chat.sent",))
        self.delivered_up_to = np.zeros(world.population.size, dtype=np.int64)
        """Per account, the highest message id counted as delivered to it."""
        self.connections = Connections(world, presence_rng)
        self._serial = itertools.count(1)

    def _index(self, status: Status) -> int:
        return self.states.index(status) if status in self.states else NEVER_CHOSEN

    def plan(self, rows: np.ndarray) -> list[ChatPlan | None]:
        rng = self.world.rng
        chatting = np.flatnonzero(rng.random(rows.size) < self.share)
        states = rng.choice(len(self.states), chatting.size, p=self.state_shares)
        messages = rng.poisson(self.mean_messages, chatting.size)
        on_mobile = self.world.population.mobile[rows].tolist()
        plans: list[ChatPlan | None] = [APP_OPEN if mobile else None for mobile in on_mobile]
        for at, state, count in zip(
            chatting.tolist(), states.tolist(), messages.tolist(), strict=True
        ):
            plans[at] = (state, count)
        return plans

    def steps(self, row: int, plan: ChatPlan) -> Steps:
        connection = SessionConnection(self.tally, self.delivered_up_to, row)
        if plan is APP_OPEN:
            yield from self.connections.connect(row, connection)
        else:
            yield from self._chat(row, plan, connection)
        yield from self.connections.release(row)

    def _chat(self, row: int, plan: ChatPlan, connection: SessionConnection) -> Steps:
        state, messages = plan
        actor = self.world.account(row)
        if self.chosen[row] != state:
            status = self.states[state]
            action = partial(self.chat.presence.set_status, actor, status)
            chosen = yield Call("chat_presence", action, {"status": status.value})
            if succeeded(chosen):
                self.chosen[row] = state
        yield from self.connections.connect(row, connection)
        friends = yield Call("chat_friends", partial(self.chat.presence.friends, actor), {})
        if succeeded(friends) and friends.items:
            yield from self._talk(actor, self._pick(friends), messages)

    def _pick(self, friends: Page[FriendPresence]) -> FriendPresence:
        shown_online = [f for f in friends.items if f.status is not Status.OFFLINE]
        return self.world.draws.pick(shown_online or friends.items)

    def _talk(self, actor: int, friend: FriendPresence, messages: int) -> Steps:
        to = friend.account_id
        for sent in range(messages):
            text = f"message {next(self._serial)}"
            send = partial(self._send, actor, text, friend)
            # the friendship may end mid-chat (an unfollow by either side): refused as usual
            message = yield Call("chat_send", send, {"to": to, "text": text}, (Forbidden,))
            if not succeeded(message):
                return
            if sent == 0:
                self.world.users.friend_interacted(self.world.row(to), self.world.day)

    def _send(self, actor: int, text: str, friend: FriendPresence) -> ChatMessage:
        """Send, counted when stored (a session cut off by the end of the run has sent it)."""
        message = self.chat.send(actor, text, to=friend.account_id)
        self.tally.add("chat.sent")
        if friend.status is Status.OFFLINE:
            self.tally.add("chat.sent_to_offline")
        return message

    def interval_row(self) -> dict[str, float]:
        return self.tally.interval_row()

    def metrics(self) -> dict[str, tuple[float, str]]:
        found = {name: (value, "count") for name, value in self.tally.window.items()}
        run = self.tally.run
        delivered = run["chat.delivered_live"] + run["chat.delivered_on_connect"]
        found["chat.backlog"] = (run["chat.sent"] - delivered, "count")
        return found | live_share(found)


def live_share(counts: dict[str, tuple[float, str]]) -> dict[str, tuple[float, str]]:
    """`chat.delivered_live_share` of the window's counts (one run's, or its shards' summed:
    a message may be sent on one shard and delivered on another); absent when none was sent."""
    sent = counts.get("chat.sent", (0.0, "count"))[0]
    if not sent:
        return {}
    return {"chat.delivered_live_share": (counts["chat.delivered_live"][0] / sent, "ratio")}
