"""Replayed live broadcasts (sim/activities/live.py's traced paths).

`live_start` goes on air as the actor's account; traced room ids map onto the rooms the
replay started, in the order each is first named (a room started before the trace began
has none: skipped, with that reason). The trace has a room's start before anything said
in it, so an action naming a new room while a start is still on its way waits for that
start's answer (up to START_WAIT_S) before it looks: a slow start no longer sends the
join that follows it to "not started". `live_join` opens the account's room socket,
`live_comment` sends over it (over HTTP when the account is not watching), `live_gift`
gives through the payment log with an idempotency key (retried at `loadtest.retry_share`),
`live_leave` closes the socket (skipped, with that reason, when the room ended first and
the server closed it) and `live_end` ends the room as its anchor. A comment push a
watching account receives is timed as `live_deliver`.
"""

from __future__ import annotations

import time
from typing import Any

from loadtests.generator.measure import RECORDER
from loadtests.generator.users import api
from loadtests.generator.users.chat_socket import (
    SOCKET_FAULTS,
    ChatSocket,
    Frame,
    report_call,
    timed_call,
)
from loadtests.generator.users.replay_money import payment
from loadtests.generator.users.replay_turn import Handler, Turn, World
from loadtests.records.plan import current_plan

NOT_STARTED = "the room was not started in the replay"
START_WAIT_S = 30.0
"""Longest wait for a start on its way before a new room counts as not started."""
ROOM_ENDED = "the room ended first: the server had closed the viewer's socket"


def start(turn: Turn) -> str | None:
    title = turn.params.get("title") or "replayed broadcast"
    body = {"title": title}
    world = turn.world
    with world.starts.sending():
        response = turn.user.client.post(
            "/live/rooms", json=body, headers=turn.headers, name="live_start"
        )
        if response.status_code in api.OK:
            world.rooms.append(int(response.json()["id"]))
    return None


def end(turn: Turn) -> str | None:
    room = _room(turn)
    if room is None:
        return NOT_STARTED
    turn.user.client.post(f"/live/rooms/{room}/end", headers=turn.headers, name="live_end")
    return None


def join(turn: Turn) -> str | None:
    room = _room(turn)
    if room is None:
        return NOT_STARTED
    _close(turn.seen.room)
    token = turn.headers["Authorization"].removeprefix("Bearer ")
    started = time.perf_counter()
    try:
        turn.seen.room = ChatSocket.connect(
            current_plan().base_url, token, _on_push, _ignore, f"/live/rooms/{room}/ws"
        )
    except SOCKET_FAULTS as error:
        report_call(turn.user.environment, "live_join", started, error, turn.user.context())
        return None
    report_call(turn.user.environment, "live_join", started, None, turn.user.context())
    return None


def comment(turn: Turn) -> str | None:
    text = turn.text("replayed live comment")
    socket = turn.seen.room
    if socket is not None:
        frame = {"type": "comment", "text": text}
        timed_call(socket, turn.user.environment, "live_comment", frame, turn.user.context())
        return None
    room = _room(turn)
    if room is None:
        return NOT_STARTED
    url = f"/live/rooms/{room}/comments"
    turn.user.client.post(url, json={"text": text}, headers=turn.headers, name="live_comment")
    return None


def gift(turn: Turn) -> str | None:
    room, amount = _room(turn), turn.params.get("amount_fen")
    if not isinstance(amount, int):
        return "params lack amount_fen"
    if room is None:
        return NOT_STARTED
    api.live_gift(turn.user.client, payment(turn), room, amount)
    return None


def leave(turn: Turn) -> str | None:
    socket, turn.seen.room = turn.seen.room, None
    if socket is None:
        return "the account is not watching a room"
    if socket.gone is not None:
        socket.close()
        return ROOM_ENDED
    started = time.perf_counter()
    error = socket.close()
    report_call(turn.user.environment, "live_leave", started, error, turn.user.context())
    return None


def close_all(world: World) -> None:
    """Close every room socket still open when the trace ends."""
    for seen in world.seen.values():
        _close(seen.room)
        seen.room = None


def _room(turn: Turn) -> int | None:
    """The replayed room standing for the traced `room_id` (first named, first started)."""
    traced, world = turn.params.get("room_id"), turn.world
    mapped = world.room_of
    if traced not in mapped and len(mapped) >= len(world.rooms):
        world.starts.wait(START_WAIT_S)  # a start on its way (module docstring)
    if traced not in mapped and len(mapped) < len(world.rooms):
        mapped[traced] = world.rooms[len(mapped)]
    return mapped.get(traced)


def _close(socket: ChatSocket | None) -> None:
    if socket is not None:
        socket.close()


def _on_push(frame: Frame) -> None:
    if frame["type"] == "comment":
        RECORDER.record_live_delivery(time.time() - frame["comment"]["created_at"])


def _ignore(_: Any) -> None:
    """A room socket's reader fault ends that socket; its calls fail as requests."""


HANDLERS: dict[str, Handler] = {
    "live_start": start, "live_end": end, "live_join": join, "live_comment": comment,
    "live_gift": gift, "live_leave": leave,
}  # fmt: skip
