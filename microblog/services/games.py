"""The games platform: third-party games selling value-added items for coins.

The catalogue is generated from a seed (same config, same games, names and prices). Each
game is an app of the open platform (client id `game-<id>`) whose earnings go to the game's
developer ledger account: buying an item is an app charge the buyer confirms by buying
(`AppPayments.pay_now`), split by `money.games.platform_share`, so game sales and other
apps' sales are one path through the ledger.
"""

from __future__ import annotations

import itertools
import threading

import numpy as np

from microblog.app_models import Scope, game_client_id
from microblog.errors import NotFound
from microblog.money_config import GamesCatalogueConfig
from microblog.money_models import Game, GameItem, Purchase
from microblog.rate_limit_config import AppTier
from microblog.services.accounts import hash_token
from microblog.services.app_payments import AppPayments
from microblog.services.apps import new_secret
from microblog.services.context import Context
from microblog.services.idempotency import Idempotency
from microblog.services.ledger import check_count
from microblog.store.base import Tx

ADJECTIVES = ("Jade", "Lucky", "Golden", "Silent", "Crimson", "Flying", "Hidden", "Dancing")
NOUNS = ("Dragon", "Panda", "Phoenix", "Lotus", "Tiger", "Lantern", "Crane", "Kingdom")
GENRES = ("puzzle", "card", "rpg", "strategy", "casual", "sports", "music", "idle")
ITEMS = ("Coin pack", "Gem bundle", "Season pass", "Hero skin", "Booster", "Extra lives")

GameSpec = tuple[str, str, list[tuple[str, int]]]


def _nth(names: list[str], i: int) -> str:
    """The i-th name, cycling with a lap number once the list is used up."""
    lap, slot = divmod(i, len(names))
    return names[slot] + (f" {lap + 1}" if lap else "")


def catalogue_specs(config: GamesCatalogueConfig) -> list[GameSpec]:
    """Names, genres and (item, price in fen) of every game, drawn from the config's seed."""
    rng = np.random.default_rng(config.seed)
    titles = [f"{a} {n}" for a, n in itertools.product(ADJECTIVES, NOUNS)]
    titles = [titles[i] for i in rng.permutation(len(titles))]
    median = np.log(config.item_price_median_coins)
    specs = []
    for i in range(config.catalogue_size):
        coins = rng.lognormal(median, config.item_price_sigma, config.items_per_game)
        items = [(_nth(list(ITEMS), j), max(1, round(c)) * 100) for j, c in enumerate(coins)]
        specs.append((_nth(titles, i), GENRES[int(rng.integers(len(GENRES)))], items))
    return specs


class Games:
    def __init__(self, ctx: Context, payments: AppPayments) -> None:
        self.ctx = ctx
        self.payments = payments
        self.keys = Idempotency(ctx)
        self._seeding = threading.Lock()
        self._ready = False

    def ensure_catalogue(self) -> None:
        """Create the configured catalogue once per store, on first use (developer ledger
        accounts, like wallets, open on their first movement). Call it up front to keep the
        work out of the first purchase's accounting."""
        with self._seeding:
            if not self._ready:
                self._seed()
                self._ready = True

    def _seed(self) -> None:
        with self.ctx.store.write() as tx:
            if tx.games.count():
                return
            for name, genre, items in catalogue_specs(self.ctx.config.money.games):
                self._register(tx, tx.games.create(name, genre, items))

    def _register(self, tx: Tx, game: Game) -> None:
        """The game's app: held by the platform (its secret is never shown, so it takes no
        OAuth grants), selling for the game's developer ledger account."""
        tx.apps.create(
            game_client_id(game.id), hash_token(new_secret()), None, game.name, [],
            [Scope.PAYMENTS], AppTier.NORMAL, self.ctx.clock(), game_id=game.id,
        )  # fmt: skip

    def catalogue(self) -> list[Game]:
        self.ensure_catalogue()
        with self.ctx.store.read() as tx:
            return tx.games.games()

    def get(self, game_id: int) -> Game:
        self.ensure_catalogue()
        with self.ctx.store.read() as tx:
            game = tx.games.get(game_id)
        if game is None:
            raise NotFound(f"no game {game_id}")
        return game

    def buy(
        self, account_id: int, item_id: int, quantity: int = 1, *, idempotency_key: str
    ) -> Purchase:
        """Buy value-added items with coins from the buyer's wallet."""
        check_count(quantity, self.ctx.config.money.max_order_quantity, "quantity", "items")
        self.ensure_catalogue()
        request: dict[str, object] = {"op": "buy_item", "item_id": item_id, "quantity": quantity}
        return self.keys.once(
            account_id,
            idempotency_key,
            request,
            Purchase,
            lambda tx: self._buy(tx, account_id, item_id, quantity),
        )

    def _buy(self, tx: Tx, account_id: int, item_id: int, quantity: int) -> Purchase:
        item = tx.games.item(item_id)
        if item is None:
            raise NotFound(f"no game item {item_id}", field="item_id")
        app = tx.apps.get(game_client_id(item.game_id))
        assert app is not None, "every catalogue game is registered as an app with it"
        charge = self.payments.pay_now(
            tx, app, account_id, item_label(item, quantity), item.price_fen * quantity
        )
        return Purchase(
            id=charge.id,
            account_id=account_id,
            game_id=item.game_id,
            item_id=item_id,
            quantity=quantity,
            amount_fen=charge.amount_fen,
            developer_fen=charge.developer_fen,
            platform_fen=charge.platform_fen,
            created_at=charge.created_at,
        )


def item_label(item: GameItem, quantity: int) -> str:
    """What the app charge says was bought, e.g. '2 x Gem bundle'."""
    return f"{quantity} x {item.name}"
