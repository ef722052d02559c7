"""What a replayed action is sent with: the replay's shared state and one action's turn.

`World` is the replay of this process: the schedule, who is who (loadtests.generator.script),
the seeded things traced ids map onto, and what each replayed account has seen and holds
(its last feed page's ads and cursor, its friends, its chat socket, its conversations).
A `Turn` is one action as sent by one of the pool's users acting as the actor's account.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gevent.event import Event

from loadtests.generator.measure import RECORDER
from loadtests.generator.script import Cast, Follows, Schedule
from loadtests.generator.users.api import Headers, SeenAd
from loadtests.records.deliveries import Receipts
from loadtests.records.plan import LocustPlan, current_scenario
from loadtests.records.seeded import (
    Priced,
    SeededAppGrant,
    SeededCampaign,
    SeededEconomy,
    SeededFanService,
)
from loadtests.records.trace import (
    Stable,
    TraceAction,
    actors_of,
    groups_named,
    read_trace,
    services_named,
)

if TYPE_CHECKING:
    from loadtests.generator.users.base import FanoutUser
    from loadtests.generator.users.chat_socket import ChatSocket
    from loadtests.generator.users.replay_chat import ActorSocket


Handler = Callable[["Turn"], str | None]
"""Sends one traced action; the reason it was not sent, or None when it was."""


class OnTheirWay:
    """Requests sent and not yet answered whose answers a later action needs (a room's
    start, an album's creation, a photo's upload). The pool's users share one schedule, so
    the action after one of them can be sent while it is still on its way: that action
    waits for an answer instead of finding nothing there."""

    def __init__(self) -> None:
        self.count = 0
        self._answered = Event()

    @contextmanager
    def sending(self) -> Iterator[None]:
        """Count a request on its way until it is answered (or fails)."""
        self.count += 1
        try:
            yield
        finally:
            self.count -= 1
            answered, self._answered = self._answered, Event()
            answered.set()

    def wait(self, timeout_s: float) -> None:
        """Wait for the next answer (up to `timeout_s`), when any request is on its way."""
        if self.count:
            self._answered.wait(timeout_s)


@dataclass
class Seen:
    """What one replayed account has seen and holds between its actions."""

    ads: list[SeenAd] = field(default_factory=list)
    next_cursor: str | None = None
    friends: list[int] = field(default_factory=list)
    socket: ActorSocket | None = None
    conversation: str | None = None
    receipts: Receipts = field(default_factory=lambda: Receipts(RECORDER.deliveries))
    """Pushes the account received, over all its sockets (a second one is a duplicate)."""
    album: int | None = None
    album_creates: OnTheirWay = field(default_factory=OnTheirWay)
    """The account's `album_create` requests on their way (its uploads wait for one)."""
    unposted: list[int] = field(default_factory=list)
    """Photos the account uploaded that no post carries yet (its next photo post will)."""
    room: ChatSocket | None = None
    """The account's live room socket while it watches (replay_live)."""
    etags: dict[str, str] = field(default_factory=dict)


class World:
    """This process's replay (see module docstring)."""

    def __init__(self, trace: Path, speedup: float, plan: LocustPlan) -> None:
        if plan.economy is None:
            raise RuntimeError("a replay needs the seeded economy in its plan")
        actions = read_trace(trace).actions
        self.schedule = Schedule(actions, speedup, time.monotonic)
        self.population = plan.population
        self.economy: SeededEconomy = plan.economy
        self.cast = Cast(self.population.ordinary, actors_of(actions))
        self.seen: dict[int, Seen] = {}
        self.members = {group: set(ids) for group, ids in self.population.groups.items()}
        self.groups = Stable(sorted(self.members), groups_named(actions))
        self.shops = Stable(sorted(self.economy.shops))
        self.products = Stable(self.economy.products)
        self.items = Stable(self.economy.game_items)
        self.campaigns = Stable(self.economy.campaigns)
        self.app_grants: Stable[SeededAppGrant] = Stable(self.economy.app_grants)
        """Traced (app, user) pairs onto the seeded apps' grants."""
        self.fan_services: Stable[SeededFanService] = Stable(
            self.economy.fan_services.services, services_named(actions)
        )
        """Traced fan services (their accounts) onto the seeded open ones."""
        self.product_posts: dict[Any, tuple[int, int]] = {}
        """Traced product post -> (server post, server product) of those the replay made."""
        neighbours = current_scenario().loadtest.friend_neighbours
        self.follows = Follows(self.population.ordinary, self.population.ids, neighbours)
        self.keys = itertools.count()
        self.photos: list[int] = []
        """Every photo the replay uploaded, oldest first (reads pick the newest)."""
        self.uploads = OnTheirWay()
        self.rooms: list[int] = []
        """Rooms the replay started, in order; traced room ids map onto them in order."""
        self.room_of: dict[Any, int] = {}
        self.starts = OnTheirWay()
        """`live_start` requests sent and not yet answered."""
        self.in_flight = 0
        """Actions taken from the schedule and not yet sent and answered."""
        self.quitting = False

    def turn(self, user: FanoutUser, action: TraceAction) -> Turn:
        index = self.cast.account(action.actor)
        return Turn(user, self, action, index, self.population.ids[index])

    def account_id(self, actor: Any) -> int | None:
        """The server account of a traced account id, None when the trace names none."""
        if not isinstance(actor, int) or isinstance(actor, bool):
            return None
        return self.population.ids[self.cast.account(actor)]

    def groups_of(self, account_id: int, traced: Any) -> int | None:
        """The seeded group standing for `traced` if the account is in it, else one of the
        account's groups (by the traced id); None when it is in none."""
        mine = sorted(group for group, ids in self.members.items() if account_id in ids)
        return _pick(mine, self.groups(traced), traced)

    def group_to_join(self, account_id: int, traced: Any) -> int | None:
        """The seeded group standing for `traced` if the account is not in it yet, else
        another it is not in; None when it is in every one."""
        others = sorted(group for group, ids in self.members.items() if account_id not in ids)
        return _pick(others, self.groups(traced), traced)

    def merchant_of(self, product: Priced) -> int:
        """The merchant account whose shop sells `product`."""
        shop = next(s for s, products in self.economy.shops.items() if product in products)
        return self.economy.shop_owners[shop]

    def owner_token(self, campaign: SeededCampaign) -> str | None:
        owners = self.economy.merchant_tokens | self.economy.advertiser_tokens
        return owners.get(campaign.owner_id)


def _pick(choices: list[int], mapped: int | None, traced: Any) -> int | None:
    if not choices:
        return None
    if mapped in choices:
        return mapped
    return choices[(traced if isinstance(traced, int) else 0) % len(choices)]


@dataclass
class Turn:
    """One traced action, sent by `user` as the seeded account `index` (`account_id`)."""

    user: FanoutUser
    world: World
    action: TraceAction
    index: int
    account_id: int

    @property
    def params(self) -> dict[str, Any]:
        return self.action.params

    @property
    def headers(self) -> Headers:
        return self.user.headers_of(self.index)

    @property
    def seen(self) -> Seen:
        return self.world.seen.setdefault(self.account_id, Seen())

    def text(self, fallback: str) -> str:
        """The traced text, else `fallback` numbered by the action's time."""
        text = self.params.get("text")
        return text if isinstance(text, str) and text else f"{fallback} {self.action.t:.0f}"
