"""Replayed money and commerce: payments, shops and product posts, advertisers' campaigns.

Each handler sends one traced action (loadtests.generator.users.replay has the table) and
returns why it did not, or None when it did. Payments carry a fresh idempotency key and,
for a `loadtest.retry_share` of them, are sent twice with it, as the scenario's users do,
so the ledger check after the run judges the replay's payments too. Traced shops,
products, game items and campaigns map onto the seeded ones (`Stable`). A product post or
a campaign call is made as the seeded product's merchant or the campaign's owner, since
only they may make it; a campaign launch is not replayed (its creative, bid type and
targeting are the simulator's) and is counted as skipped.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from loadtests.generator.users import api
from loadtests.generator.users.payments import REFUSED
from loadtests.generator.users.replay_turn import Handler, Turn
from loadtests.records.seeded import Priced

NOTHING_SEEDED = "nothing of the kind was seeded"


def topup(turn: Turn) -> str | None:
    amount, channel = turn.params.get("amount_fen"), turn.params.get("channel")
    if not isinstance(amount, int) or not isinstance(channel, str):
        return "params lack amount_fen or channel"
    api.topup(turn.user.client, payment(turn), amount, channel)
    return None


def gift(turn: Turn) -> str | None:
    recipient = turn.world.account_id(turn.params.get("recipient_id"))
    amount = turn.params.get("amount_fen")
    if recipient is None or not isinstance(amount, int):
        return "params lack recipient_id or amount_fen"
    if recipient == turn.account_id:
        return "the two accounts fold onto one seeded account"
    api.gift(turn.user.client, payment(turn), recipient, amount)
    return None


def membership_join(turn: Turn) -> str | None:
    """A month of paid membership; 409 (already a member, wallet short) is an answer."""
    api.membership_join(turn.user.client, replace(payment(turn), expected=REFUSED))
    return None


def game_purchase(turn: Turn) -> str | None:
    if "item_id" not in turn.params:
        return "params lack item_id"
    item = turn.world.items(turn.params["item_id"])
    if item is None:
        return NOTHING_SEEDED
    quantity = int(turn.params.get("quantity") or 1)
    api.game_purchase(turn.user.client, payment(turn), item.id, quantity)
    return None


def order(turn: Turn) -> str | None:
    """Through the product post the replay made for the traced one, else through a seeded
    post selling the product (the influencer's commission), else from the shop page."""
    post_id: int | None
    made = turn.world.product_posts.get(turn.params.get("post_id"))
    if made is not None:
        post_id, product_id = made
    else:
        product = turn.world.products(turn.params.get("product_id"))
        if product is None:
            return _unmapped(turn, "product_id")
        product_id, post_id = product.id, _seeded_post(turn, product, turn.params.get("post_id"))
    api.order(turn.user.client, payment(turn), product_id, post_id)
    return None


def product_post(turn: Turn) -> str | None:
    product = turn.world.products(turn.params.get("product_id"))
    if product is None:
        return _unmapped(turn, "product_id")
    token = turn.world.economy.merchant_tokens[turn.world.merchant_of(product)]
    text = turn.text("replayed product post")
    created = api.product_post(turn.user.client, api.bearer(token), product.id, text)
    if created is not None:
        turn.world.cast.posted(turn.params.get("post"), created)
        turn.world.product_posts[turn.params.get("post")] = (created, product.id)
    return None


def shop_browse(turn: Turn) -> str | None:
    shop = turn.world.shops(turn.params.get("shop_id"))
    if shop is None:
        return _unmapped(turn, "shop_id")
    limit = int(turn.params.get("limit") or turn.user.scenario.behaviour.page_size)
    api.shop_browse(turn.user.client, turn.headers, shop, limit)
    return None


def campaign_report(turn: Turn) -> str | None:
    return _as_owner(turn, lambda campaign, headers: api.campaign_report(
        turn.user.client, headers, campaign))  # fmt: skip


def campaign_change(turn: Turn) -> str | None:
    """A pause of the traced campaign; a launch is not replayed (see module docstring)."""
    if turn.params.get("status") != "paused":
        return "a campaign launch: its creative, bid type and targeting are the simulator's"
    return _as_owner(turn, lambda campaign, headers: api.pause_campaign(
        turn.user.client, headers, campaign))  # fmt: skip


def _as_owner(turn: Turn, send: Any) -> str | None:
    if "campaign_id" not in turn.params:
        return "params lack campaign_id"
    campaign = turn.world.campaigns(turn.params["campaign_id"])
    if campaign is None:
        return NOTHING_SEEDED
    token = turn.world.owner_token(campaign)
    if token is None:
        return "the seeded campaign's owner is unknown to the replay"
    send(campaign.id, api.bearer(token))
    return None


def _seeded_post(turn: Turn, product: Priced, traced_post: Any) -> int | None:
    """A seeded post selling `product` when the traced order came through a post."""
    if traced_post is None:
        return None
    posts = turn.world.economy.product_posts
    return next((post for post, ref in sorted(posts.items()) if ref.product_id == product.id), None)


def payment(turn: Turn) -> api.Payment:
    """A fresh idempotency key, sent twice for a `loadtest.retry_share` of calls."""
    retry = bool(turn.user.rng.random() < turn.user.scenario.loadtest.retry_share)
    key = f"replay-{next(turn.world.keys)}"
    return api.Payment(turn.account_id, turn.headers, key, retry)


HANDLERS: dict[str, Handler] = {
    "topup": topup, "gift": gift, "game_purchase": game_purchase, "order": order,
    "membership_join": membership_join,
    "product_post": product_post, "shop_browse": shop_browse,
    "campaign_report": campaign_report, "campaign_change": campaign_change,
}  # fmt: skip


def _unmapped(turn: Turn, key: str) -> str:
    """Why a traced id found no seeded counterpart: the param is missing, or nothing of its
    kind was seeded."""
    return f"params lack {key}" if key not in turn.params else NOTHING_SEEDED
