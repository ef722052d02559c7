"""The chat activity: messages to friends over in-process connections, delivered once each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scenario import Scenario
from sim.activities.chat import Chat
from sim.engine import Simulation

from .conftest import run_once

BUSY_CHAT: dict[str, Any] = {
    "sessions_per_day": 20,
    "think_time_s": 60,
    "per_session": {"chat": 1.0},
    "chat": {"messages_per_session": 8},
}
"""Long, frequent chat sessions, so friends are often connected at the same time."""


def busy_chat(tiny: Callable[..., Scenario], **chat: Any) -> Scenario:
    """Two busy hours of 150 accounts chatting (`chat` changes the chat section)."""
    behaviour = {**BUSY_CHAT, "chat": {**BUSY_CHAT["chat"], **chat}}
    return tiny(duration_days=0.08, population={"users": 150}, behaviour=behaviour)


def chat_totals(simulation: Simulation) -> dict[str, float]:
    (chat,) = (a for a in simulation.activities if isinstance(a, Chat))
    return dict(chat.tally.run)


def stored_and_waiting(simulation: Simulation) -> tuple[int, int]:
    """Messages stored (nothing is read in the simulation, so all are unread) and inbox
    entries still undelivered, over every account, from the microblog itself."""
    blog, world = simulation.world.blog, simulation.world
    accounts = [world.account(row) for row in range(world.population.size)]
    stored = sum(sum(blog.chat.unread(account).values()) for account in accounts)
    with blog.store.read() as tx:
        waiting = len(tx.chat.pending(dict.fromkeys(accounts, 0), 10**9))
    return stored, waiting


def test_every_message_is_stored_once_and_delivered_at_most_once(
    tiny: Callable[..., Scenario],
) -> None:
    """Sent = stored, and sent = pushed live + pushed on connect + still waiting."""
    simulation, outcome = run_once(busy_chat(tiny))
    totals = chat_totals(simulation)
    stored, waiting = stored_and_waiting(simulation)
    delivered = totals["chat.delivered_live"] + totals["chat.delivered_on_connect"]
    assert totals["chat.sent"] == stored > 0
    assert delivered + waiting == stored
    assert totals["chat.delivered_live"] > 0 and totals["chat.delivered_on_connect"] > 0
    assert outcome.metrics["chat.backlog"][0] == waiting
    assert outcome.metrics["errors.count"][0] == 0


def test_invisible_friends_look_offline_yet_receive_while_connected(
    tiny: Callable[..., Scenario],
) -> None:
    """As the service documents: invisible shows offline to senders, but a connected
    invisible recipient still gets messages pushed at once."""
    runs = {
        state: run_once(busy_chat(tiny, presence={state: 1.0}))[1]
        for state in ("online", "invisible")
    }
    online, invisible = (runs[s].metrics for s in ("online", "invisible"))
    assert online["chat.sent_to_offline"][0] < online["chat.sent"][0]
    assert invisible["chat.sent_to_offline"][0] == invisible["chat.sent"][0] > 0
    assert 0 < invisible["chat.delivered_live"][0] < online["chat.delivered_live"][0]


def test_chatting_with_a_friend_is_a_friend_interaction(tiny: Callable[..., Scenario]) -> None:
    no_reactions = {"repost": 0.0, "comment": 0.0, "like": 0.0}
    chatting, _ = run_once(tiny(behaviour={"per_session": {**no_reactions, "chat": 1.0}}))
    silent, _ = run_once(tiny(behaviour={"per_session": {**no_reactions, "chat": 0.0}}))
    assert (chatting.users.friend_day >= 0).sum() > 0
    assert (silent.users.friend_day >= 0).sum() == 0
    assert "chat_send" not in silent.model.paths()
