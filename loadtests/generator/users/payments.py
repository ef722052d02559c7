"""The payment part of a load-test session, as sim/activities/payments.py does it.

Each with its `behaviour.per_session` probability: a top-up (`topup`) of an amount and
through a channel drawn from `behaviour.topup`; a purchase (`game_purchase`) of
1 + Poisson(`games.items_per_purchase` − 1) units of a game item drawn uniformly, only for
the `games.paying_user_share` of accounts who ever buy (drawn once per account); a gift (`gift`)
of `behaviour.gifts.coins` to an account the user follows (one of its seeded friends); a
month of paid membership (`membership_join`) at `economy.memberships.join_per_session` while
the account is not a member (an "already a member" or "wallet short" 409 is an answer).
Orders (`order`) come from the feed readers' product impressions. Seeded wallets hold
`loadtest.wallet_credit_coins`, so the simulator's top-up after a refused payment does not
arise.

Every call carries a fresh `Idempotency-Key`; a `loadtest.retry_share` of answered calls
is sent again at once with the same key and body, as a client retrying after a lost
answer would. A declined top-up (402) and a pending one (202) are answers, not errors.
Each call, its answer and its retry's go into the process's PaymentLog, also when the end
of the test cuts the call off (loadtests.records.payment_log and ledger_check judge them).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from loadtests.generator.users.api import (
    Payment,
    game_purchase,
    gift,
    membership_join,
    order,
    topup,
)
from loadtests.records.payment_log import CREATED
from loadtests.records.seeded import FEN_PER_COIN, ring_friends

REFUSED = (409,)
"""A membership the server refuses (already a member, wallet short): an answer, not an error."""

if TYPE_CHECKING:
    from loadtests.generator.users.session import SessionUser


class Payer:
    """The payment side of one user's sessions (see module docstring)."""

    def __init__(self, user: SessionUser) -> None:
        self.user = user
        behaviour = user.scenario.behaviour
        chances = behaviour.per_session
        self.chances = np.array([chances.top_up, chances.game_purchase, chances.gift])
        if user.kept.buys_games is None:
            user.kept.buys_games = bool(user.rng.random() < behaviour.games.paying_user_share)
        self.buys_games = user.kept.buys_games
        neighbours = user.scenario.loadtest.friend_neighbours
        friends = ring_friends(user.population.ordinary, user.account, neighbours)
        self.friends = [user.population.ids[friend] for friend in friends]
        self.joins = user.scenario.economy.memberships.join_per_session

    def session(self) -> None:
        """This session's top-up, game purchase and gift, each if drawn."""
        tops_up, buys, gives = (self.user.rng.random(3) < self.chances).tolist()
        if tops_up:
            self._top_up()
        if buys and self.buys_games and self.user.economy.game_items:
            self._buy_game_item()
        if gives and self.friends:
            self._give()
        if not self.user.kept.member and self.user.rng.random() < self.joins:
            self._join()

    def order(self, product_id: int, post_id: int | None) -> None:
        """Order one unit of a product, through the post that showed it if any."""
        order(self.user.client, self._payment(), product_id, post_id)

    def _top_up(self) -> None:
        rng, config = self.user.rng, self.user.scenario.behaviour.topup
        amount = rng.choice(list(config.amounts), p=list(config.amounts.values()))
        channel = rng.choice(list(config.channels), p=list(config.channels.values()))
        self.user.think()
        topup(self.user.client, self._payment(), int(amount) * FEN_PER_COIN, str(channel))

    def _buy_game_item(self) -> None:
        rng, items = self.user.rng, self.user.economy.game_items
        units = 1 + int(rng.poisson(self.user.scenario.behaviour.games.items_per_purchase - 1))
        item = items[int(rng.integers(len(items)))]
        self.user.think()
        game_purchase(self.user.client, self._payment(), item.id, units)

    def _give(self) -> None:
        rng = self.user.rng
        amount_fen = max(
            1, round(rng.uniform(*self.user.scenario.behaviour.gifts.coins) * FEN_PER_COIN)
        )
        recipient = self.friends[int(rng.integers(len(self.friends)))]
        self.user.think()
        gift(self.user.client, self._payment(), recipient, amount_fen)

    def _join(self) -> None:
        self.user.think()
        paid = membership_join(self.user.client, replace(self._payment(), expected=REFUSED))
        self.user.kept.member = paid is not None and paid.status == CREATED

    def _payment(self) -> Payment:
        """A fresh key, sent twice for a `retry_share` of calls."""
        user = self.user
        retry = bool(user.rng.random() < user.scenario.loadtest.retry_share)
        return Payment(user.account_id, user.headers, f"{user.tag}-{next(user.written)}", retry)
