"""The games platform: third-party games selling value-added items for coins.

The catalogue is generated from a seed (same config, same games, names and prices). Each
game has a developer ledger account; a purchase pays the developer the price minus the
platform's share, and the platform its share.
"""

from __future__ import annotations

import itertools
import threading

import numpy as np

from microblog.errors import NotFound
from microblog.money_config import GamesCatalogueConfig
from microblog.money_models import Game, LedgerKind, Purchase, TransferKind
from microblog.services.context import Context
from microblog.services.idempotency import Idempotency
from microblog.services.ledger import Ledger, Leg, check_count, cut
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
    def __init__(self, ctx: Context, ledger: Ledger) -> None:
        self.ctx = ctx
        self.ledger = ledger
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
                tx.games.create(name, genre, items)

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
        amount = item.price_fen * quantity
        fee = cut(amount, self.ctx.config.money.games.platform_share)
        wallet = self.ledger.wallet(tx, account_id)
        developer = self.ledger.system(tx, LedgerKind.DEVELOPER, item.game_id)
        legs = [
            Leg(wallet, developer, amount - fee, TransferKind.GAME_ITEM),
            Leg(wallet, self.ledger.system(tx, LedgerKind.PLATFORM), fee, TransferKind.GAME_FEE),
        ]
        self.ledger.check(tx, legs)
        purchase = tx.games.record_purchase(
            Purchase(
                id=0,
                account_id=account_id,
                game_id=item.game_id,
                item_id=item_id,
                quantity=quantity,
                amount_fen=amount,
                developer_fen=amount - fee,
                platform_fen=fee,
                created_at=self.ctx.clock(),
            )
        )
        self.ledger.apply(tx, legs, purchase.id)
        return purchase
