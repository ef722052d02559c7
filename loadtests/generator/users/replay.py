"""Replay a simulator trace: a pool of users sends each traced action when it falls due.

The pool (`loadtest.users` users) shares one Schedule in time order; a user takes the next
action, sleeps until it is due (or records how late it already is, as load-generator lag
and as part of its requests' latency, as in the open model: loadtests.generator.pacing),
and sends it as the actor's seeded account (loadtests.generator.script maps actors, posts
and the other ids) with the request function of its path (loadtests.generator.users.api).
What each action reads of the trace's params, and whom it targets:

| action | params used; target |
| --- | --- |
| `timeline_read` | `cursor`, `limit`: a later page follows the account's last `next_cursor` |
| `post` / `repost` / `comment` / `like` | `text`; `post_id`: the replayed post, else newest |
| `follow` / `unfollow` | `account_id` (an unfollow drops a known follow if not that) |
| `group_post` / `group_read` | `group_id`: a seeded group the account is a member of |
| `group_join` | `group_id`: a seeded group the account is not in yet |
| `push_read` | `limit`: the first page of the account's seeded session's push outbox |
| `chat_presence` / `chat_friends` | `status` |
| `chat_connect` / `chat_disconnect` | open / close the account's own WebSocket |
| `chat_send` | `to` (a friend on the server), `text`; over the open socket, else HTTP |
| `chat_history` | the conversation of the account's last message |
| `topup` / `gift` | `amount_fen`, `channel` / `recipient_id`, with idempotency keys |
| `membership_join` | a month of membership for the account, with an idempotency key |
| `game_purchase` / `order` | `item_id`, `quantity` / `product_id`, `post_id` |
| `product_post` | `product_id`, `text`; posted as the seeded product's merchant |
| `shop_browse` | `shop_id`, `limit` |
| `ad_click` / `ad_hide` | an ad the account was shown in its last feed read |
| `campaign_report` / `campaign_change` | `campaign_id`, `status`; as the campaign's owner |
| `app_poll` / `app_post` / `app_purchase` | `app`: the (app, user) pair maps onto a seeded grant |
| `album_create` / `photo_upload` / `thumbnail_read` / `photo_read` | replay_media.py |
| `live_start` / `live_join` / `live_comment` / `live_gift` / `live_leave` / `live_end` | see
  replay_live.py |
| `fanservice_broadcast` / `fanservice_subscribe` | `text`, `segment` / `account_id`: the
  seeded open service standing for the traced one (replay_fanservice.py) |

An action that cannot be sent as traced (a param missing, no post replayed yet to react to,
no ad seen, no friend to message, a campaign launch...) is skipped
and counted by kind and reason (`Recorder.skipped`), never dropped silently. When the trace
runs out and the last action sent has been answered, the sockets still open are closed and
the test stops.
"""

from __future__ import annotations

import gc
import time
from functools import cache
from pathlib import Path

import gevent
from locust import task
from locust.exception import StopUser

from loadtests.generator.measure import RECORDER
from loadtests.generator.pacing import Pacer
from loadtests.generator.users import (
    replay_apps,
    replay_chat,
    replay_fanservice,
    replay_live,
    replay_media,
    replay_money,
    replay_social,
)
from loadtests.generator.users.base import FanoutUser
from loadtests.generator.users.replay_turn import Handler, World
from loadtests.records.plan import current_plan
from loadtests.records.trace import TraceAction

FINISH_POLL_S = 0.1
"""How often a user with nothing left to send looks whether the others are done."""
HANDLERS: dict[str, Handler] = (
    replay_social.HANDLERS | replay_chat.HANDLERS | replay_money.HANDLERS | replay_apps.HANDLERS
    | replay_media.HANDLERS | replay_live.HANDLERS | replay_fanservice.HANDLERS
)  # fmt: skip


@cache
def world() -> World:
    """This process's replay (it runs in one process: loadtests.control.request checks)."""
    replay = current_plan().replay
    if replay is None:
        raise RuntimeError("ReplayUser runs only with a replay plan (fanout loadtest --replay)")
    built = World(Path(replay.trace), replay.speedup, current_plan())
    # The trace's actions (a day of baseline: ~385,000, each an object and its params) live
    # until the replay ends: frozen, the collector's full scans skip them, which otherwise
    # stopped every user for up to half a second at a time and showed in every latency.
    gc.collect()
    gc.freeze()
    return built


class ReplayUser(FanoutUser):
    """One of the pool of users sending the trace's actions (see module docstring)."""

    def make_pacer(self) -> Pacer | None:
        return None  # the trace sets the pace

    def wait_time(self) -> float:
        return 0.0

    @task
    def send_next(self) -> None:
        taken = world().schedule.take()
        if taken is None:
            self._finish()
            return
        action, due = taken
        world().in_flight += 1
        try:
            late_s = time.monotonic() - due
            if late_s < 0:
                gevent.sleep(-late_s)
            self.start_action(max(0.0, late_s))
            self._send(action)
        finally:
            world().in_flight -= 1

    def _send(self, action: TraceAction) -> None:
        reason = HANDLERS[action.action](world().turn(self, action))
        if reason is not None:
            RECORDER.skip(action.action, reason)

    def _finish(self) -> None:
        """Once the trace is done and no action is still on its way, close the sockets and
        stop the test; until then wait (a stopped user would be replaced by a new one)."""
        runner = self.environment.runner
        if world().in_flight:
            gevent.sleep(FINISH_POLL_S)
            return
        if runner is not None and not world().quitting:
            world().quitting = True
            replay_chat.close_all(world())
            replay_live.close_all(world())
            gevent.spawn(runner.quit)
        raise StopUser()
