"""The microblog's HTTP endpoints as Locust requests, one function per request path.

Each request is named after its path (the agreed path table: `timeline_read`, `post`,
`repost`, `comment`, `like`, `follow`, `unfollow`, `group_post`, `group_read`,
`group_join`, `chat_*`, `topup`, `gift`, `game_purchase`, `order`, `product_post`,
`shop_browse`, `ad_click`, `ad_hide`, `campaign_report`, `campaign_change`, `app_poll`,
`app_post`, `app_purchase`, `push_read`), so statistics
come out per path however the URL varies (post ids, cursors, conversations). Failed
requests are counted by Locust; these functions then return None (or nothing) rather than
raise, so one failure does not end the user's task.

Payments carry an idempotency key and may be sent twice with it (a client retrying after a
lost answer); every payment call, answered, retried or cut off by the end of the test, goes
into the process's PaymentLog, which the ledger check after the run judges.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from locust.contrib.fasthttp import FastHttpSession, FastResponse

from loadtests.generator.measure import RECORDER
from loadtests.records.payment_log import ACCEPTED, Answer, PaymentCall, PaymentKind

OK = range(200, 300)
CONFLICT = 409
THROTTLED = 429
KEY_HEADER = "Idempotency-Key"
Headers = dict[str, str]


@dataclass(frozen=True, slots=True)
class SeenPost:
    """A post a user saw: enough to react to it or to its author."""

    id: int
    author_id: int
    photo_ids: tuple[int, ...] = ()
    """The photos it carries that are still there (not removed since)."""


@dataclass(frozen=True, slots=True)
class SeenAd:
    """An ad a user was shown: its impression to click or hide, and the creative post."""

    impression_id: int
    campaign_id: int
    kind: str
    """`ad` (an advertiser's) or `promotion` (a merchant's product post)."""
    post: SeenPost


@dataclass(frozen=True, slots=True)
class FeedPage:
    """One page of the home feed: organic posts and ads apart, and the next page's cursor."""

    posts: list[SeenPost]
    ads: list[SeenAd]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class Payment:
    """Who pays, with which idempotency key, and whether the call is sent twice with it."""

    account_id: int
    headers: Headers
    key: str
    retry: bool = False
    expected: tuple[int, ...] = ()
    """Refusals that are answers here, not errors (429 when the platform's limits are on)."""


def bearer(token: str) -> Headers:
    return {"Authorization": f"Bearer {token}"}


def timeline_read(
    client: FastHttpSession, headers: Headers, limit: int, cursor: str | None = None
) -> FeedPage | None:
    """One page of the home feed with ads (GET /timeline/home/feed); `limit` counts posts."""
    query: dict[str, Any] = (
        {"limit": limit} if cursor is None else {"limit": limit, "cursor": cursor}
    )
    url = f"/timeline/home/feed?{urlencode(query)}"
    page = _json(client.get(url, headers=headers, name="timeline_read"))
    if page is None:
        return None
    posts = [_seen(item["post"]) for item in page["items"] if item["ad"] is None]
    ads = [_seen_ad(item) for item in page["items"] if item["ad"] is not None]
    return FeedPage(posts, ads, page["next_cursor"])


def read_home_timeline(
    client: FastHttpSession, headers: Headers, page_size: int, pages: int
) -> list[int]:
    """Read up to `pages` pages of the home feed, following `next_cursor`; the post ids."""
    seen: list[int] = []
    cursor: str | None = None
    for _ in range(pages):
        page = timeline_read(client, headers, page_size, cursor)
        if page is None:
            break
        seen += [post.id for post in page.posts]
        cursor = page.next_cursor
        if cursor is None:
            break
    return seen


def publish(client: FastHttpSession, headers: Headers, text: str) -> int | None:
    """Write a post (`post`; fan-out to followers starts behind it); its id."""
    return _post_id(client.post("/posts", json={"text": text}, headers=headers, name="post"))


def repost(client: FastHttpSession, headers: Headers, post_id: int, text: str) -> int | None:
    """Repost someone's post (`repost`); the new post's id."""
    body = {"text": text, "repost_of": post_id}
    return _post_id(client.post("/posts", json=body, headers=headers, name="repost"))


def group_post(client: FastHttpSession, headers: Headers, group_id: int, text: str) -> int | None:
    """Post to a group's members only (`group_post`); the post's id."""
    body = {"text": text, "group_id": group_id}
    return _post_id(client.post("/posts", json=body, headers=headers, name="group_post"))


def like(client: FastHttpSession, headers: Headers, post_id: int) -> None:
    client.put(f"/posts/{post_id}/like", headers=headers, name="like")


def comment(client: FastHttpSession, headers: Headers, post_id: int, text: str) -> None:
    client.post(f"/posts/{post_id}/comments", json={"text": text}, headers=headers, name="comment")


def follow(client: FastHttpSession, headers: Headers, account_id: int) -> bool:
    """Follow an account (`follow`); whether it is newly followed.

    Already following (409) is an answer, not an error: unlike the simulator, a load-test
    user does not know whom it follows before it asks.
    """
    url = f"/accounts/{account_id}/follow"
    with client.put(url, headers=headers, name="follow", catch_response=True) as response:
        if response.status_code == CONFLICT:
            response.success()
        return response.status_code in OK


def unfollow(client: FastHttpSession, headers: Headers, account_id: int) -> None:
    client.delete(f"/accounts/{account_id}/follow", headers=headers, name="unfollow")


def group_read(
    client: FastHttpSession, headers: Headers, group_id: int, limit: int
) -> list[SeenPost]:
    """The newest page of a group's members-only feed (`group_read`)."""
    url = f"/groups/{group_id}/posts?{urlencode({'limit': limit})}"
    page = _json(client.get(url, headers=headers, name="group_read"))
    return [] if page is None else [_seen(post) for post in page["items"]]


def push_read(client: FastHttpSession, headers: Headers, limit: int) -> None:
    """The first page of the session's push outbox, as a phone's app opening (`push_read`)."""
    client.get(f"/me/push?{urlencode({'limit': limit})}", headers=headers, name="push_read")


def group_join(client: FastHttpSession, headers: Headers, group_id: int) -> None:
    client.put(f"/groups/{group_id}/members/me", headers=headers, name="group_join")


def send_message(
    client: FastHttpSession, headers: Headers, to: int, text: str, client_msg_id: str
) -> dict[str, Any] | None:
    """A direct message over HTTP (`chat_send`; the recipient's live sockets get it pushed)."""
    body = {"to": to, "text": text, "client_msg_id": client_msg_id}
    message: dict[str, Any] | None = _json(
        client.post("/chat/messages", json=body, headers=headers, name="chat_send")
    )
    return message


def read_conversation(
    client: FastHttpSession, headers: Headers, conversation: str, limit: int
) -> None:
    """The newest page of a conversation's history (`chat_history`)."""
    url = f"/chat/conversations/{conversation}/messages?{urlencode({'limit': limit})}"
    client.get(url, headers=headers, name="chat_history")


def choose_status(client: FastHttpSession, headers: Headers, status: str) -> None:
    client.put("/chat/presence", json={"status": status}, headers=headers, name="chat_presence")


def friends_statuses(client: FastHttpSession, headers: Headers, limit: int) -> dict[int, str]:
    """The first page of friends (`chat_friends`), with each one's status (`offline` too)."""
    url = f"/chat/friends?{urlencode({'limit': limit})}"
    page = _json(client.get(url, headers=headers, name="chat_friends"))
    return {} if page is None else {item["account_id"]: item["status"] for item in page["items"]}


def shop_browse(
    client: FastHttpSession, headers: Headers, shop_id: int, limit: int
) -> list[dict[str, Any]]:
    """The first page of a shop's products (`shop_browse`): id, price_fen, stock, ..."""
    url = f"/shops/{shop_id}/products?{urlencode({'limit': limit})}"
    page = _json(client.get(url, headers=headers, name="shop_browse"))
    return [] if page is None else list(page["items"])


def product_post(
    client: FastHttpSession, headers: Headers, product_id: int, text: str
) -> int | None:
    """A merchant's or influencer's post selling a product (`product_post`); the post's id."""
    response = client.post(
        f"/products/{product_id}/posts", json={"text": text}, headers=headers, name="product_post"
    )
    page = _json(response)
    return None if page is None else int(page["post"]["id"])


def ad_click(client: FastHttpSession, headers: Headers, impression_id: int) -> None:
    client.post(f"/ads/impressions/{impression_id}/click", headers=headers, name="ad_click")


def ad_hide(client: FastHttpSession, headers: Headers, impression_id: int) -> None:
    client.post(f"/ads/impressions/{impression_id}/hide", headers=headers, name="ad_hide")


def campaign_report(
    client: FastHttpSession, headers: Headers, campaign_id: int
) -> dict[str, Any] | None:
    """A campaign's delivery report (`campaign_report`): impressions, clicks, spent, ..."""
    report: dict[str, Any] | None = _json(
        client.get(f"/campaigns/{campaign_id}/report", headers=headers, name="campaign_report")
    )
    return report


def create_campaign(client: FastHttpSession, headers: Headers, body: dict[str, Any]) -> int | None:
    """Start a campaign (`campaign_change`; body as microblog.api.ads_schemas.CampaignCreate)."""
    campaign = _json(client.post("/campaigns", json=body, headers=headers, name="campaign_change"))
    return None if campaign is None else int(campaign["id"])


def pause_campaign(client: FastHttpSession, headers: Headers, campaign_id: int) -> None:
    client.post(f"/campaigns/{campaign_id}/pause", headers=headers, name="campaign_change")


def topup(
    client: FastHttpSession, payment: Payment, amount_fen: int, channel: str
) -> Answer | None:
    """Buy coins through a channel (`topup`); declined (402) or pending (202) are answers."""
    body = {"amount_fen": amount_fen, "channel": channel}
    return _pay(client, payment, "topup", f"/wallets/{payment.account_id}/topups", body)


def gift(
    client: FastHttpSession, payment: Payment, recipient_id: int, amount_fen: int
) -> Answer | None:
    """Give coins to another account (`gift`)."""
    body = {"recipient_id": recipient_id, "amount_fen": amount_fen}
    return _pay(client, payment, "gift", f"/wallets/{payment.account_id}/gifts", body)


def live_gift(
    client: FastHttpSession, payment: Payment, room_id: int, amount_fen: int
) -> Answer | None:
    """Give coins to a live room's anchor (`live_gift`)."""
    path = f"/live/rooms/{room_id}/gifts"
    return _pay(client, payment, "live_gift", path, {"amount_fen": amount_fen})


def game_purchase(
    client: FastHttpSession, payment: Payment, item_id: int, quantity: int
) -> Answer | None:
    """Buy units of a game item (`game_purchase`)."""
    path = f"/games/items/{item_id}/purchases"
    return _pay(client, payment, "game_purchase", path, {"quantity": quantity})


def order(
    client: FastHttpSession, payment: Payment, product_id: int, post_id: int | None
) -> Answer | None:
    """Buy one unit of a product (`order`), through the product post that sold it if any."""
    body = {"product_id": product_id, "quantity": 1, "post_id": post_id}
    return _pay(client, payment, "order", "/orders", body)


def membership_join(client: FastHttpSession, payment: Payment) -> Answer | None:
    """Buy a month of paid membership from the wallet (`membership_join`)."""
    return _pay(client, payment, "membership_join", "/me/membership", {})


def app_poll(client: FastHttpSession, headers: Headers, expected: tuple[int, ...]) -> None:
    """A third-party app reads its user's home timeline with its token (`app_poll`)."""
    with client.get("/timeline/home", headers=headers, name="app_poll", catch_response=True) as r:
        _expected(r, "app_poll", expected)


def app_post(
    client: FastHttpSession, headers: Headers, text: str, expected: tuple[int, ...]
) -> None:
    """A third-party app posts on its user's behalf (`app_post`)."""
    body = {"text": text}
    with client.post(
        "/posts", json=body, headers=headers, name="app_post", catch_response=True
    ) as response:
        _expected(response, "app_post", expected)


def app_purchase(
    client: FastHttpSession, payment: Payment, token: str, item: str, amount_fen: int
) -> Answer | None:
    """A third-party app charges its user (`app_purchase`), with the app's token."""
    body = {"item": item, "amount_fen": amount_fen}
    return _pay(client, payment, "app_purchase", "/charges", body, token)


def _expected(response: Any, name: str, expected: tuple[int, ...]) -> None:
    """An expected refusal is an answer, not a failure (Locust counts the rest as it does);
    a 429 among them is counted as throttled."""
    if response.status_code in expected:
        response.success()
        if response.status_code == THROTTLED:
            RECORDER.record_throttled(name)


def _pay(
    client: FastHttpSession,
    payment: Payment,
    kind: PaymentKind,
    path: str,
    body: dict[str, Any],
    token: str | None = None,
) -> Answer | None:
    """Send a payment (and its retry); record it, also when the end of the test cuts it off."""
    call = PaymentCall(
        kind=kind, account_id=payment.account_id, path=path, body=body, key=payment.key,
        token=token,
    )  # fmt: skip
    try:
        call.answer = _send_payment(client, payment.headers, call, payment.expected)
        if payment.retry and call.answer is not None:
            call.retry = _send_payment(client, payment.headers, call, payment.expected)
    finally:
        RECORDER.payments.record(call)
    return call.answer


def _send_payment(
    client: FastHttpSession, headers: Headers, call: PaymentCall, expected: tuple[int, ...]
) -> Answer | None:
    """Send the call with its key, named by its kind; its answer, None when none arrived."""
    keyed = {**headers, KEY_HEADER: call.key}
    with client.post(
        call.path, json=call.body, headers=keyed, name=call.kind, catch_response=True
    ) as response:
        # declined or pending is the gateway's answer, not an error; so is an expected refusal
        _expected(response, call.kind, ACCEPTED + expected)
        if not response.status_code:
            return None  # no answer: the check after the run asks the server again
        return Answer(status=response.status_code, body=response.json())


def _seen(post: dict[str, Any]) -> SeenPost:
    photos = tuple(int(photo["id"]) for photo in post.get("photos", ()) if not photo["removed"])
    return SeenPost(int(post["id"]), int(post["author_id"]), photos)


def _seen_ad(item: dict[str, Any]) -> SeenAd:
    ad = item["ad"]
    return SeenAd(int(ad["impression_id"]), int(ad["campaign_id"]), ad["kind"], _seen(item["post"]))


def _post_id(response: FastResponse) -> int | None:
    post = _json(response)
    return None if post is None else int(post["id"])


def _json(response: FastResponse) -> Any:
    return response.json() if response.status_code in OK else None
