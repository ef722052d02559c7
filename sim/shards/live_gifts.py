"""Live gifts across shards: paid where the viewer's wallet is, shown where the room is.

A room is held by its anchor's shard, and its viewers' room calls (join, comment, leave)
run there (`sim.shards.routes`); but a gift moves money, and a wallet is held by its
account's shard only (`sim.shards.clearing`). So the gift of a viewer another shard owns
is handed over when it is drawn: `live_gift(room, viewer row, fen, pushes)` to the
viewer's shard, carrying the room as the room's shard sees it then (on air) and how many
connections the gift's broadcast would reach. At the barrier the viewer's shard keeps a
copy of the room (not on air there: only the gift's check reads it) and makes the gift,
a real `live_gift` call from the viewer's wallet, priced there with the broadcast's pushes:
the anchor's share clears to the anchor's shard (`credit`), the platform's share stays on
the viewer's shard, and `live.gifts` and `revenue.live` are counted there. The room's
shard is then told (`gift_shown`): it pushes the gift to the room's viewers (unpriced,
the call was priced) and adds it to the room's gift total. The gift record itself stays
with its payer's shard (no simulated activity reads an anchor's earnings).

Room ids are unique over shards (shard s takes first + s, first + s + K, ...), so a room's
copy never stands for another shard's own room.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from microblog.live_models import LiveGift, Room
from microblog.services.live import Live
from microblog.store.memory import MemoryStore
from sim.activities.base import Arrival, Steps
from sim.activities.live import LiveBroadcasts
from sim.world import World

Send = Callable[[int, str, tuple[Any, ...]], None]
"""Puts a message in the shard's outbox: (target shard, kind, payload)."""


class ShardLiveGifts:
    """Hands viewers' gifts to their shards, makes those handed here, shows them in rooms."""

    def __init__(
        self,
        broadcasts: LiveBroadcasts,
        store: MemoryStore,
        world: World,
        owner: np.ndarray,
        shard: int,
        send: Send,
    ) -> None:
        self.broadcasts = broadcasts
        self.live: Live = world.blog.live
        self.store = store
        self.world = world
        self.owner = owner
        self.shard = shard
        self.send = send

    def install(self) -> None:
        """From now on a drawn gift is made on its viewer's shard."""
        self.broadcasts.giving = self.giving

    def giving(self, row: int, room_id: int, amount: int) -> Steps:
        """On the room's shard: its own viewer gives now; another shard's is handed over."""
        viewer_shard = int(self.owner[row])
        if viewer_shard == self.shard:
            yield from self.broadcasts.give(row, room_id, amount)
            return
        room = self.store.data.live.rooms[room_id]
        pushes = self.live.hub.viewers_here(room_id)
        self.send(viewer_shard, "live_gift", (room, row, amount, pushes))

    def handed(self, room: Room, row: int, amount: int, pushes: int) -> None:
        """On the viewer's shard: the room as it was when the gift was drawn, and the gift
        made now from the viewer's wallet (`LiveBroadcasts.give`)."""
        self.store.data.live.rooms[room.id] = room
        plan = (room.id, amount, pushes)
        self.world.start_at(Arrival(self.world.env.now, row, self._give, plan, False))

    def _give(self, row: int, plan: tuple[int, int, int]) -> Steps:
        yield from self.broadcasts.give(row, *plan)

    def made(self, gift: LiveGift) -> None:
        """A gift made here: shown in its room, if another shard holds the room."""
        room_shard = int(self.owner[self.world.row(gift.anchor_id)])
        if room_shard != self.shard:
            self.send(room_shard, "gift_shown", (gift,))

    def shown(self, gift: LiveGift) -> None:
        """On the room's shard: the gift pushed to the room's viewers, and counted in its
        total (a room that ended meanwhile has no viewers left to push to)."""
        rooms = self.store.data.live.rooms
        room = rooms[gift.room_id]
        rooms[gift.room_id] = replace(room, gift_fen=room.gift_fen + gift.amount_fen)
        self.live.board.broadcast(gift.room_id, gift)
