"""Money rules of the platform: take rates, limits, the game catalogue and the top-up gateway.

Amounts are integer fen (1 coin = 1 RMB = 100 fen). Rates are shares of a sale; they are
applied in whole basis points and each cut is rounded down to the fen, so the seller keeps
the remainder and no fen is ever created or lost by rounding. Defaults follow the scenario
schema's `economy` section (scenario/economy.py), which the simulator passes in.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, model_validator

Share = Annotated[float, Field(ge=0, le=1)]


class GatewayConfig(BaseModel):
    """The simulated external payment gateway that wallet top-ups go through."""

    latency_ms: float = Field(
        default=300.0, ge=0, description="Mean gateway latency per charge (exponential), ms."
    )
    failure_rate: Share = Field(default=0.01, description="Share of charges the gateway declines.")
    timeout_ms: float = Field(
        default=2000.0,
        gt=0,
        description="The platform stops waiting after this long; the top-up stays pending "
        "until the gateway's late callback settles it.",
    )
    seed: int = Field(default=0, description="Seed of the gateway's latency and failure draws.")


class GamesCatalogueConfig(BaseModel):
    """The third-party games the platform sells value-added items for."""

    catalogue_size: int = Field(default=47, ge=0, description="Games in the catalogue.")
    items_per_game: int = Field(default=5, ge=1, description="Value-added items each game sells.")
    item_price_median_coins: float = Field(
        default=6.0, gt=0, description="Median item price (log-normal, rounded to whole coins)."
    )
    item_price_sigma: float = Field(
        default=1.0, ge=0, description="Log-normal sigma of item prices."
    )
    platform_share: Share = Field(
        default=0.3,
        description="Platform's share of each item sale; the game's developer keeps the rest.",
    )
    seed: int = Field(default=0, description="Seed of the catalogue's names and prices.")


class MoneyConfig(BaseModel):
    """Take rates, limits, games and the gateway of the micro-coin economy."""

    commerce_commission: Share = Field(
        default=0.05, description="Platform's take of each order's value."
    )
    influencer_commission: Share = Field(
        default=0.2,
        description="Referring influencer's share of an order placed through their post.",
    )
    max_amount_fen: int = Field(
        default=5_000_000,
        ge=1,
        description="Largest single top-up, gift, withdrawal or price, in fen.",
    )
    max_order_quantity: int = Field(
        default=100, ge=1, description="Most units of one item per order."
    )
    max_stock: int = Field(
        default=1_000_000, ge=1, description="Most units a merchant adds at once."
    )
    max_idempotency_key_chars: int = Field(
        default=255, ge=1, description="Longest Idempotency-Key."
    )
    games: GamesCatalogueConfig = Field(default_factory=GamesCatalogueConfig)
    gateway: GatewayConfig = Field(default_factory=GatewayConfig)

    @model_validator(mode="after")
    def _cuts_fit(self) -> MoneyConfig:
        if self.commerce_commission + self.influencer_commission > 1:
            raise ValueError("commerce_commission + influencer_commission exceed the sale")
        return self
