"""Live broadcast in the load test: `LiveAnchor` and `LiveViewer`, as sim/activities/live.py.

Run instead of `SessionUser` for a scenario with a `live_premiere` event (loadtests.control.run):
one `LiveAnchor` (the seeded big V, Locust `fixed_count` 1) goes on air (`live_start`) and
ends the room when the test stops (`live_end`); every other user is a `LiveViewer`, an
ordinary seeded account who finds the room in the live list (`live_list`, the simulator's
list viewers), joins it over the room's WebSocket (`live_join`: upgrade to `hello`), sends
Poisson(`behaviour.live.comments_per_viewer`) comments over the socket (`live_comment`,
paced by the session think time), gives a gift with probability `gift_share` of
`gift_coins` (`live_gift`, with an `Idempotency-Key`, sent again with it for a
`loadtest.retry_share` of gifts as a retrying client would), watches for a `watch_min` draw
scaled by `loadtest.think_time_scale` (minutes of watching would outlast the test) and
leaves (`live_leave`: a `ping` answered after every push before it, then the close). Between
visits it waits `loadtest.wait_s`.

Delivery is judged as chat's is: each viewer records every comment push's latency
(`live_deliver`: its receive time minus the comment's `created_at`; one machine, one clock)
and its receipt. A confirmed comment is expected by every viewer of this process connected
both when it was sent and when its reply came (the service pushes to the viewers connected
at the time, before it replies, and a viewer's `ping` on leaving is answered after those
pushes), one key per viewer (RECORDER.live); one never received is lost, one received twice
duplicated.
"""

from __future__ import annotations

import itertools
import time
from typing import ClassVar

import gevent
from locust import task

from loadtests.generator.measure import RECORDER
from loadtests.generator.session_mix import mean_think_s
from loadtests.generator.users.api import OK, Payment, live_gift
from loadtests.generator.users.base import FanoutUser
from loadtests.generator.users.chat_socket import (
    SOCKET_FAULTS,
    ChatSocket,
    Frame,
    report_call,
    timed_call,
)
from loadtests.records.deliveries import Receipts
from loadtests.records.plan import current_plan
from loadtests.records.seeded import FEN_PER_COIN

VIEWERS: dict[str, LiveViewer] = {}
"""Viewers of this process connected to the room now, by tag."""
ROOM_LOOKUPS = 30
"""How often a viewer looks for the anchor's room in the list before giving up the visit."""
ROOM_LOOKUP_PAUSE_S = 1.0
"""Pause between two looks (the anchor may not be on air yet)."""
SECONDS_PER_MINUTE = 60.0


def delivery_key(comment_id: int, viewer_tag: str) -> str:
    """One expected delivery: a comment to one viewer's connection."""
    return f"live/{comment_id}/{viewer_tag}"


class LiveAnchor(FanoutUser):
    """The seeded big V on air for the whole test (see module docstring)."""

    fixed_count = 1
    room_id: int | None = None

    def on_start(self) -> None:
        super().on_start()
        self.headers = self.headers_of(self.population.big_v)
        response = self.client.post(
            "/live/rooms", json={"title": "load test premiere"}, headers=self.headers,
            name="live_start",
        )  # fmt: skip
        if response.status_code in OK:
            self.room_id = int(response.json()["id"])

    def on_stop(self) -> None:
        if self.room_id is not None:
            url = f"/live/rooms/{self.room_id}/end"
            self.client.post(url, headers=self.headers, name="live_end")

    @task
    def on_air(self) -> None:
        """The anchor's part is starting and ending; on air it waits."""
        gevent.sleep(self.scenario.loadtest.wait_s[1])


class LiveViewer(FanoutUser):
    """An ordinary account watching the premiere again and again (see module docstring)."""

    account: int | None = None
    socket: ChatSocket | None = None
    _visits: ClassVar[itertools.count[int]] = itertools.count()

    def on_start(self) -> None:
        super().on_start()
        self.account = self.turns().take()  # held while the viewer runs
        self.account_id = self.population.ids[self.account]
        self.headers = self.headers_of(self.account)
        self.config = self.scenario.behaviour.live
        self.think_s = mean_think_s(self.scenario)
        self.receipts = Receipts(RECORDER.live)
        self.gifts = itertools.count()
        self.visit_tag = ""

    def on_stop(self) -> None:
        self._leave(timed=False)
        if self.account is not None:
            self.turns().give_back(self.account)

    @task
    def watch(self) -> None:
        room_id = self._find_room()
        if room_id is None or not self._join(room_id):
            return
        started = time.monotonic()
        watch_s = self.rng.uniform(*self.config.watch_min) * SECONDS_PER_MINUTE
        watch_s *= self.scenario.loadtest.think_time_scale
        for _ in range(int(self.rng.poisson(self.config.comments_per_viewer))):
            self._think()
            if not self._comment():
                break
        if self.rng.random() < self.config.gift_share:
            self._think()
            self._gift(room_id)
        gevent.sleep(max(0.0, watch_s - (time.monotonic() - started)))
        self._leave(timed=True)

    def _find_room(self) -> int | None:
        """The anchor's room from the live list, waiting while it is not on air yet."""
        anchor = self.population.ids[self.population.big_v]
        for _ in range(ROOM_LOOKUPS):
            response = self.client.get("/live/rooms", headers=self.headers, name="live_list")
            rooms = response.json()["items"] if response.status_code in OK else []
            for room in rooms:
                if room["anchor_id"] == anchor:
                    return int(room["id"])
            gevent.sleep(ROOM_LOOKUP_PAUSE_S)
        return None

    def _join(self, room_id: int) -> bool:
        token = self.headers["Authorization"].removeprefix("Bearer ")
        path = f"/live/rooms/{room_id}/ws"
        started = time.perf_counter()
        try:
            self.socket = ChatSocket.connect(
                current_plan().base_url, token, self._on_push, self._on_fault, path
            )
        except SOCKET_FAULTS as error:
            report_call(self.environment, "live_join", started, error, self.context())
            return False
        report_call(self.environment, "live_join", started, None, self.context())
        self.visit_tag = f"{self.tag}.{next(LiveViewer._visits)}"
        VIEWERS[self.visit_tag] = self
        return True

    def _comment(self) -> bool:
        """One comment over the socket; its expected deliveries once confirmed."""
        assert self.socket is not None
        connected = set(VIEWERS)
        frame = {"type": "comment", "text": f"load test live comment {self.visit_tag}"}
        reply = timed_call(self.socket, self.environment, "live_comment", frame, self.context())
        if reply is None:
            return False
        comment_id = int(reply["comment"]["id"])
        for tag in connected & set(VIEWERS):
            RECORDER.live.record_sent(delivery_key(comment_id, tag), VIEWERS[tag].account_id)
        return True

    def _gift(self, room_id: int) -> None:
        """A gift through the ledger, logged with the payments the ledger check judges."""
        low, high = self.config.gift_coins
        amount_fen = max(1, round(self.rng.uniform(low, high) * FEN_PER_COIN))
        retry = bool(self.rng.random() < self.scenario.loadtest.retry_share)
        key = f"live-{self.tag}-{next(self.gifts)}"
        live_gift(
            self.client, Payment(self.account_id, self.headers, key, retry), room_id, amount_fen
        )

    def _leave(self, timed: bool) -> None:
        """Stop being expected, then close once every push before the `ping` is read."""
        if self.socket is None:
            return
        VIEWERS.pop(self.visit_tag, None)
        started = time.perf_counter()
        error = self.socket.close()
        self.socket = None
        if timed:
            report_call(self.environment, "live_leave", started, error, self.context())

    def _think(self) -> None:
        gevent.sleep(float(self.rng.exponential(self.think_s)))

    def _on_push(self, frame: Frame) -> None:
        if frame["type"] != "comment":
            return  # gifts, viewer counts and the end are shown, not checked
        comment = frame["comment"]
        RECORDER.record_live_delivery(time.time() - comment["created_at"])
        self.receipts.receive(delivery_key(int(comment["id"]), self.visit_tag))

    def _on_fault(self, error: BaseException) -> None:
        self.environment.events.user_error.fire(
            user_instance=self, exception=error, tb=error.__traceback__
        )
