"""Request paths: one name per endpoint, the same in a load test and a simulation.

A simulation and a load test of one scenario are comparable path by path only when a path
name means the same request in both: `latency.<path>.*`, `throughput.<path>.*` and
`requests.<path>.share` are reported per path of `LATENCY_PATHS`, and `docs/metrics.md`
shows each path's HTTP endpoint beside the service call the simulator makes for it.
"""

from __future__ import annotations

from typing import NamedTuple


class RequestPath(NamedTuple):
    """One request path: the same endpoint in a load test and a simulation, or comparing
    the two modes path by path means nothing."""

    action: str
    """What the request does, as the metrics' descriptions say it ("read a page of...")."""
    endpoint: str
    """The HTTP request a load test sends for it."""
    simulated: str
    """The service-layer call the simulator makes for it (in-process, same work)."""


POST_PATHS = frozenset({"post", "repost", "group_post", "product_post", "app_post"})
"""Paths that publish a post: `throughput.posts_per_s` counts them, in both modes."""
APP_PATHS = ("app_poll", "app_post", "app_purchase")
"""The third-party apps' paths (sim/activities/apps.py), counted in `apps.requests`."""
MEDIA_PATHS = ("photo_upload", "thumbnail_read", "photo_read")
"""The paths that move photo bytes (`media.bytes_stored`, `media.egress_bytes`)."""

LATENCY_PATHS: dict[str, RequestPath] = {
    "timeline_read": RequestPath(
        "read a page of the home timeline (with ads at `economy.ads.load`)",
        "GET /timeline/home/feed",
        "feed.home",
    ),
    "post": RequestPath(
        "publish a post (fan-out on write runs after it returns)", "POST /posts", "posts.create"
    ),
    "repost": RequestPath(
        "repost another user's post", "POST /posts with repost_of", "posts.create(repost_of=)"
    ),
    "comment": RequestPath(
        "comment on a post (may @-mention a friend)",
        "POST /posts/{id}/comments",
        "posts.comment",
    ),
    "like": RequestPath("like a post", "PUT /posts/{id}/like", "posts.like"),
    "follow": RequestPath("follow an account", "PUT /accounts/{id}/follow", "graph.follow"),
    "unfollow": RequestPath(
        "stop following an account", "DELETE /accounts/{id}/follow", "graph.unfollow"
    ),
    "group_post": RequestPath(
        "publish a post to a group's members",
        "POST /posts with group_id",
        "posts.create(group_id=)",
    ),
    "group_read": RequestPath(
        "read a page of a group's posts", "GET /groups/{id}/posts", "groups.feed"
    ),
    "group_join": RequestPath("join a group", "PUT /groups/{id}/members/me", "groups.join"),
    "chat_send": RequestPath(
        "send a private chat message",
        "POST /chat/messages, or a WebSocket `send` frame",
        "chat.send",
    ),
    "chat_deliver": RequestPath(
        "deliver a chat message: receive time minus the server's sent_at",
        "(WebSocket push; load tests only)",
        "(none)",
    ),
    "live_deliver": RequestPath(
        "deliver a live comment to a viewer: receive time minus the comment's created_at",
        "(room WebSocket push; load tests only)",
        "(none)",
    ),
    "chat_connect": RequestPath(
        "open the chat WebSocket (upgrade to hello)", "open WebSocket /ws", "chat.connect"
    ),
    "chat_presence": RequestPath(
        "choose a chat presence status",
        "PUT /chat/presence (or a WebSocket status frame)",
        "presence.set_status",
    ),
    "chat_friends": RequestPath(
        "list chat friends with their presence", "GET /chat/friends", "presence.friends"
    ),
    "chat_history": RequestPath(
        "read a page of a chat conversation", "GET /chat/conversations/{c}/messages", "(none)"
    ),
    "chat_disconnect": RequestPath(
        "close the chat connection (friends see the account go offline)",
        "close WebSocket /ws",
        "chat.disconnect",
    ),
    "topup": RequestPath(
        "top up the wallet with coins (waiting on the payment gateway included)",
        "POST /wallets/{id}/topups",
        "payments.top_up",
    ),
    "topup_callback": RequestPath(
        "apply the payment gateway's late answer to a pending top-up",
        "(the gateway's callback; simulations only)",
        "payments.deliver_callbacks",
    ),
    "gift": RequestPath(
        "give coins to a followed account", "POST /wallets/{id}/gifts", "payments.gift"
    ),
    "game_purchase": RequestPath(
        "buy game items with coins", "POST /games/items/{id}/purchases", "games.buy"
    ),
    "order": RequestPath(
        "order goods (through the product post seen: its influencer earns commission)",
        "POST /orders",
        "orders.place",
    ),
    "partner_fee": RequestPath(
        "bill the commerce partner a marketing fee: a diversion to its store, or the day's "
        "share of its contract (`diversion` commerce)",
        "(the operator's billing of a partner; simulations only)",
        "partners.charge",
    ),
    "product_post": RequestPath(
        "publish a merchant's or influencer's product post",
        "POST /products/{id}/posts",
        "shops.post_product",
    ),
    "ad_serve": RequestPath(
        "choose the ads shown in a timeline page", "(inside timeline_read)", "(none)"
    ),
    "ad_click": RequestPath(
        "click an ad in the feed (a CPC campaign pays for it)",
        "POST /ads/impressions/{id}/click",
        "ads.click",
    ),
    "ad_hide": RequestPath(
        "dismiss an ad in the feed as not interesting",
        "POST /ads/impressions/{id}/hide",
        "ads.hide",
    ),
    "shop_browse": RequestPath(
        "read a page of a shop's products", "GET /shops/{id}/products", "shops.products"
    ),
    "campaign_report": RequestPath(
        "read a campaign's delivery and spend report",
        "GET /campaigns/{id}/report",
        "ads.report",
    ),
    "campaign_change": RequestPath(
        "pause a campaign or launch one (an advertiser changing its bid)",
        "POST /campaigns/{id}/pause, POST /campaigns",
        "ads.pause, ads.create_campaign",
    ),
    "app_poll": RequestPath(
        "a third-party app polls a user's home timeline (every 3-5 minutes)",
        "GET /timeline/home with an app's OAuth token",
        "timelines.home",
    ),
    "app_post": RequestPath(
        "a third-party app posts on a user's behalf",
        "POST /posts with an app's OAuth token (post scope)",
        "posts.create",
    ),
    "app_purchase": RequestPath(
        "a third-party app charges a user coins for an item",
        "POST /charges with an app's OAuth token (payments scope)",
        "app_payments.charge",
    ),
    "album_create": RequestPath(
        "create a photo album (a user's first photo post makes one)",
        "POST /albums",
        "albums.create",
    ),
    "photo_upload": RequestPath(
        "upload a photo: checked, thumbnailed once and stored",
        "POST /albums/{id}/photos (multipart)",
        "albums.upload",
    ),
    "thumbnail_read": RequestPath(
        "read the thumbnails of a timeline page's photos",
        "GET /photos/{id}/thumbnail, per photo",
        "albums.photo + albums.read(thumbnail), per photo",
    ),
    "photo_read": RequestPath(
        "open one full photo seen in the feed", "GET /photos/{id}", "albums.photo + albums.read"
    ),
    "live_start": RequestPath(
        "go on air (the announcement post fans out to followers)",
        "POST /live/rooms",
        "live.start",
    ),
    "live_end": RequestPath("end a broadcast", "POST /live/rooms/{id}/end", "live.end"),
    "live_join": RequestPath(
        "join a live room as a viewer", "open WebSocket /live/rooms/{id}/ws", "live.join"
    ),
    "live_leave": RequestPath(
        "leave a live room", "close WebSocket /live/rooms/{id}/ws", "live.leave"
    ),
    "live_comment": RequestPath(
        "comment in a live room (pushed to every viewer within the request)",
        "POST /live/rooms/{id}/comments, or a room WebSocket `comment` frame",
        "live.comment",
    ),
    "membership_join": RequestPath(
        "buy a month of paid membership with coins", "POST /me/membership", "memberships.join"
    ),
    "membership_renew": RequestPath(
        "the operator's renewal run: charge, lapse or end the memberships due",
        "POST /admin/memberships/renewals (the server's cron)",
        "memberships.renew_due",
    ),
    "live_gift": RequestPath(
        "give a live anchor coins (the platform keeps its share)",
        "POST /live/rooms/{id}/gifts",
        "live.gift",
    ),
    "fanservice_broadcast": RequestPath(
        "a certified account broadcasts to its fan service's subscribers (fan-out to their "
        "service inboxes runs after it returns)",
        "POST /fanservice/broadcasts",
        "fanservice.broadcast",
    ),
    "push_read": RequestPath(
        "read the notifications pushed to the session, as a phone app opens "
        "(`behaviour.clients.*.push_reads_per_session`)",
        "GET /me/push",
        "push.outbox",
    ),
    "fanservice_subscribe": RequestPath(
        "a follower subscribes to an account's fan service",
        "PUT /fanservice/{id}/subscription",
        "fanservice.subscribe",
    ),
}
"""Request paths whose latency is reported, one family of statistics each; one path is
one endpoint in both modes."""


def paths_markdown() -> list[str]:
    """The "Request paths" table of `docs/metrics.md`, one row per path."""
    lines = [
        "## Request paths",
        "",
        "Each path is one endpoint in both modes; `latency.<path>.*`, `throughput.<path>.*`",
        "and `requests.<path>.share` are reported per path.",
        "",
        "| path | HTTP endpoint (load tests) | `Blog` service call (simulations) | what it does |",
        "| --- | --- | --- | --- |",
    ]
    for path, route in LATENCY_PATHS.items():
        called = route.simulated if route.simulated.startswith("(") else f"`{route.simulated}`"
        lines.append(f"| `{path}` | {route.endpoint} | {called} | {route.action} |")
    return lines
