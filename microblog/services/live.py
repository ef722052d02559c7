"""Live broadcast: anchors start and end rooms, viewers join and leave, comment and give
coin gifts; the live list ranks rooms on air with the platform's tilt towards verified
("V") anchors.

Starting a room posts an announcement, so followers learn of it through the same fan-out
as any post. Comments are stored, then pushed to every viewer connected at the time (each
exactly once: `microblog.services.live_rooms`). A gift moves coins through the ledger in one
transaction, viewer -> anchor less the platform's share, and the share -> platform revenue;
it takes an idempotency key, so a retried gift never pays twice, and is pushed to the room
only when it was made (not when a retry replays it).
"""

from __future__ import annotations

from microblog.errors import Conflict, Forbidden, Invalid, NotFound
from microblog.live_models import LiveComment, LiveGift, Room, RoomEnded, ViewerCount
from microblog.models import Page
from microblog.money_models import LedgerKind, TransferKind
from microblog.push_models import PushKind
from microblog.services.context import Context
from microblog.services.cursors import next_id_cursor, parse_id_cursor
from microblog.services.idempotency import Idempotency
from microblog.services.ledger import Ledger, Leg, check_count, cut
from microblog.services.live_board import open_room_board
from microblog.services.live_rooms import LiveConnection, RoomHub
from microblog.services.posts import Posts
from microblog.services.push import PushChannel
from microblog.store.base import Tx


class Live:
    def __init__(
        self,
        ctx: Context,
        ledger: Ledger,
        posts: Posts,
        push: PushChannel,
        hub: RoomHub | None = None,
    ) -> None:
        self.ctx = ctx
        self.push = push
        self.ledger = ledger
        self.posts = posts
        self.hub = hub or RoomHub()
        self.board = open_room_board(ctx.cache, self.hub)
        self.keys = Idempotency(ctx)

    def start(self, anchor_id: int, title: str, stream_url: str | None = None) -> Room:
        """Go on air; the anchor's followers find the announcement in their timelines."""
        self._check_text(title, self.ctx.config.live.max_title_chars, "title")
        with self.ctx.store.read() as tx:
            if (on_air := tx.live.live_of(anchor_id)) is not None:
                raise Conflict(f"room {on_air.id} of this account is already on air")
        announcement = self.posts.create(anchor_id, f"Live now: {title}")
        with self.ctx.store.write() as tx:
            room = tx.live.create(anchor_id, title, stream_url, self.ctx.clock(), announcement.id)
        self._push_followers(room)
        return room

    def _push_followers(self, room: Room) -> None:
        """Followers' phones hear that the anchor is on air, a chunk of followers at a time."""
        with self.ctx.store.read() as tx:
            chunks = list(tx.graph.follower_chunks(room.anchor_id, self.ctx.config.fanout_chunk))
        payload: dict[str, int | str] = {"room_id": room.id, "anchor_id": room.anchor_id}
        for chunk in chunks:
            self.push.notify_many(chunk, PushKind.LIVE_START, payload)

    def end(self, anchor_id: int, room_id: int) -> Room:
        """End the broadcast: viewers are told and let go."""
        with self.ctx.store.write() as tx:
            room = self._on_air(tx, room_id)
            if room.anchor_id != anchor_id:
                raise Forbidden(f"room {room_id} belongs to another anchor")
            tx.live.end(room_id, self.ctx.clock())
            ended = tx.live.get(room_id)
        self.board.broadcast(room_id, RoomEnded(room_id))
        self.hub.close_room(room_id)
        assert ended is not None
        return ended

    def close(self) -> None:
        """Stop hearing other processes' room events."""
        self.board.close()

    def room(self, room_id: int) -> Room:
        with self.ctx.store.read() as tx:
            room = tx.live.get(room_id)
        if room is None:
            raise NotFound(f"no room {room_id}")
        return room

    def ranked(self) -> list[Room]:
        """Rooms on air, the most watched first, a verified anchor's viewers multiplied by
        its tier's boost (the tilt); ties go to the newer room."""
        boost = self.ctx.config.live.tier_boost
        with self.ctx.store.read() as tx:
            rooms = tx.live.on_air()
            anchors = tx.accounts.get_many(sorted({r.anchor_id for r in rooms}))

        def score(room: Room) -> tuple[float, int]:
            tier = anchors[room.anchor_id].tier
            return room.viewers * (boost.get(tier, 1.0) if tier else 1.0), room.id

        return sorted(rooms, key=score, reverse=True)[: self.ctx.config.live.list_size]

    def join(self, viewer_id: int, room_id: int, connection: LiveConnection) -> Room:
        """Connect a viewer: from now on it is pushed the room's comments and gifts; the
        other viewers are pushed the new count (the joiner has it in the room returned)."""
        with self.ctx.store.write() as tx:
            self._on_air(tx, room_id)
            self.hub.attach(room_id, viewer_id, connection)
            viewers = tx.live.add_viewers(room_id, +1)
            room = tx.live.get(room_id)
        self.board.broadcast(room_id, ViewerCount(room_id, viewers), but=connection)
        assert room is not None
        return room

    def leave(self, room_id: int, connection: LiveConnection) -> None:
        if not self.hub.detach(room_id, connection):
            return  # the room ended and let it go, or it left already
        with self.ctx.store.write() as tx:
            viewers = tx.live.add_viewers(room_id, -1)
        self.board.broadcast(room_id, ViewerCount(room_id, viewers))

    def comment(self, author_id: int, room_id: int, text: str) -> LiveComment:
        self._check_text(text, self.ctx.config.live.max_comment_chars, "text")
        with self.ctx.store.write() as tx:
            self._on_air(tx, room_id)
            comment = tx.live.add_comment(room_id, author_id, text, self.ctx.clock())
        self.board.broadcast(room_id, comment)
        return comment

    def gift(
        self, viewer_id: int, room_id: int, amount_fen: int, *, idempotency_key: str
    ) -> LiveGift:
        """Give the room's anchor coins; the platform keeps `live.platform_share` of them."""
        check_count(amount_fen, self.ctx.config.money.max_amount_fen, "amount_fen")
        request: dict[str, object] = {"op": "live_gift", "room_id": room_id, "amount": amount_fen}
        made: list[LiveGift] = []

        def give(tx: Tx) -> LiveGift:
            made.append(self._give(tx, viewer_id, room_id, amount_fen))
            return made[0]

        gift = self.keys.once(viewer_id, idempotency_key, request, LiveGift, give)
        if made:
            self.board.broadcast(room_id, gift)
        return gift

    def earnings(
        self, anchor_id: int, cursor: str | None = None, limit: int = 20
    ) -> Page[LiveGift]:
        """The anchor's gifts, newest first: who gave what, and what the anchor kept."""
        limit = self.ctx.page_limit(limit)
        with self.ctx.store.read() as tx:
            found = tx.live.gifts_to(anchor_id, parse_id_cursor(cursor), limit)
        return Page(found, next_id_cursor([g.id for g in found], limit))

    def _give(self, tx: Tx, viewer_id: int, room_id: int, amount_fen: int) -> LiveGift:
        room = self._on_air(tx, room_id)
        if room.anchor_id == viewer_id:
            raise Invalid("an anchor cannot give gifts to itself", field="room_id")
        fee = cut(amount_fen, self.ctx.config.live.platform_share)
        wallet = self.ledger.wallet(tx, viewer_id)
        legs = [
            Leg(
                wallet,
                self.ledger.wallet(tx, room.anchor_id),
                amount_fen - fee,
                TransferKind.LIVE_GIFT,
            ),
            Leg(wallet, self.ledger.system(tx, LedgerKind.PLATFORM), fee, TransferKind.LIVE_FEE),
        ]
        self.ledger.check(tx, legs)
        draft = LiveGift(
            0,
            room_id,
            viewer_id,
            room.anchor_id,
            amount_fen,
            amount_fen - fee,
            fee,
            self.ctx.clock(),
        )
        gift = tx.live.add_gift(draft)
        self.ledger.apply(tx, legs, gift.id)
        return gift

    @staticmethod
    def _on_air(tx: Tx, room_id: int) -> Room:
        room = tx.live.get(room_id)
        if room is None:
            raise NotFound(f"no room {room_id}", field="room_id")
        if not room.live:
            raise Conflict(f"room {room_id} has ended", field="room_id")
        return room

    @staticmethod
    def _check_text(text: str, longest: int, field: str) -> None:
        if not text.strip() or len(text) > longest:
            raise Invalid(f"{field} must be 1-{longest} characters, got {len(text)}", field=field)
