"""The `behaviour` section: when users come, what they do in a session, and how much they spend.

Drives the simulator's agents (arrivals follow `diurnal`, a non-homogeneous Poisson process,
and each session draws its actions from `per_session`). The diurnal curve also shapes the
load test's `diurnal` shape.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from scenario.clients import ClientsConfig
from scenario.fanservice import FanServiceBehaviour
from scenario.fields import (
    ASSUMED,
    NonNegative,
    Range,
    Section,
    Share,
    check_shares,
    check_weights,
    section,
    spec,
)

PEW_2019 = "Wojcik & Hughes, 'Sizing Up Twitter Users', Pew Research Center, 2019"

# Relative activity per hour of day: night trough at 4-5h, evening peak at 21-22h,
# peak about twice the trough.
DEFAULT_DIURNAL = [
    0.85, 0.72, 0.64, 0.60, 0.58, 0.60, 0.68, 0.82, 0.95, 1.00, 1.02, 1.05,
    1.10, 1.05, 1.00, 1.00, 1.02, 1.05, 1.08, 1.12, 1.18, 1.22, 1.20, 1.05,
]  # fmt: skip

PresenceState = Literal["online", "busy", "away", "invisible"]
TopUpChannel = Literal["online_banking", "third_party_wallet"]


class SessionActions(Section):
    """Probability that one session includes each action (each drawn independently)."""

    post: Share = spec(0.08, "Writes an original post (spread over users by `posting`).")
    repost: Share = spec(0.1, "Reposts a post from the timeline.")
    comment: Share = spec(0.15, "Comments on a post from the timeline.")
    like: Share = spec(0.4, "Likes a post from the timeline.")
    follow: Share = spec(
        0.03, "Follows a new account: the original author of a repost seen on the timeline, "
        "else an account picked in proportion to its followers.",
        source=ASSUMED,
    )  # fmt: skip
    group_post: Share = spec(
        0.03, "Posts in one of the user's groups (members only); no-op outside any group.",
        source=ASSUMED,
    )  # fmt: skip
    group_join: Share = spec(
        0.005, "Joins a group picked in proportion to its members.", source=ASSUMED
    )
    unfollow: Share = spec(
        0.01, "Unfollows one of the accounts it followed when the population was drawn; "
        "no-op once it no longer follows the one picked.",
        source=ASSUMED,
    )  # fmt: skip
    group_read: Share = spec(
        0.15, "Reads the first page of posts of one of the user's groups; no-op outside any "
        "group.",
        source=ASSUMED,
    )  # fmt: skip
    chat: Share = spec(0.25, "Opens a private chat (see `chat`).")
    top_up: Share = spec(0.004, "Tops up the wallet (see `topup`).")
    game_purchase: Share = spec(
        0.05, "Buys game items; only the `games.paying_user_share` of users ever buy."
    )
    gift: Share = spec(
        0.01, "Gives coins to an account the user follows (see `gifts`).", source=ASSUMED
    )
    shop_browse: Share = spec(0.08, "Browses a shop's products; may buy (economy.commerce).")


class PostingConfig(Section):
    """Who writes the posts: ordinary users are heavily skewed, roles post on a schedule."""

    top_user_share: Share = spec(
        0.1, "Share of ordinary users who are the most active posters.", source=PEW_2019
    )
    top_post_share: Share = spec(
        0.8, "Share of ordinary users' posts that those most active posters write.",
        source=PEW_2019,
    )  # fmt: skip
    big_v_posts_per_day: float = spec(5.0, "Posts per big V per day.", unit="posts/day", ge=0)
    medium_v_posts_per_day: float = spec(3.0, "Posts per medium V per day.", unit="posts/day", ge=0)
    merchant_posts_per_day: float = spec(2.0, "Posts per merchant per day.", unit="posts/day", ge=0)

    @model_validator(mode="after")
    def _top_writes_more(self) -> PostingConfig:
        if self.top_post_share < self.top_user_share:
            raise ValueError("top_post_share must be at least top_user_share")
        return self


class ChatConfig(Section):
    """Private chat sessions and the presence states shown to contacts."""

    messages_per_session: float = spec(
        6.0, "Mean messages sent per chat session.", unit="messages", gt=0
    )
    presence: Annotated[dict[PresenceState, Share], AfterValidator(check_shares)] = spec(
        {"online": 0.6, "busy": 0.1, "away": 0.2, "invisible": 0.1},
        "Share of chat sessions in each presence state; `invisible` shows as offline to "
        "friends but still receives messages while connected.",
        source=ASSUMED,
        min_length=1,
    )
    mobile_background_minutes: float = spec(
        360.0, "Mean time a mobile app stays connected in the background after its user's "
        "chat (exponential): messages reach it live meanwhile, and another chat session "
        "takes the same connection back. Web clients disconnect when their chat ends; who "
        "is on mobile is `population.mobile_share`.",
        unit="minutes", source=ASSUMED, ge=0,
    )  # fmt: skip


class TopUpConfig(Section):
    """How much users put into their wallet, and through which payment channel."""

    amounts: Annotated[dict[int, Share], AfterValidator(check_shares)] = spec(
        {6: 0.35, 30: 0.3, 68: 0.15, 128: 0.1, 328: 0.07, 648: 0.03},
        "Share of top-ups per amount, keyed by amount in yuan (the common app price tiers).",
        unit="yuan",
        min_length=1,
    )
    channels: Annotated[dict[TopUpChannel, Share], AfterValidator(check_shares)] = spec(
        {"online_banking": 0.3, "third_party_wallet": 0.7},
        "Share of top-ups per payment channel.",
        source="assumption: wallets such as Alipay dominate",
        min_length=1,
    )


class GameSpendConfig(Section):
    """Who spends in the platform's games; prices are in economy.games."""

    paying_user_share: Share = spec(
        0.05, "Share of users who ever buy game items.",
        source="assumption: free-to-play paying rates are a few per cent",
    )  # fmt: skip
    items_per_purchase: float = spec(1.5, "Mean items per game purchase.", unit="items", ge=1)


class GiftConfig(Section):
    """Coins users give to accounts they follow (tips)."""

    coins: Range = spec(
        (1.0, 20.0), "Gift amounts, drawn uniformly and rounded to the fen.",
        unit="coins", source=ASSUMED,
    )  # fmt: skip


Pixels = Annotated[int, Field(ge=16, le=4096)]


class PhotoConfig(Section):
    """Photos in posts and in what readers look at (albums, issue 20)."""

    post_share: Share = spec(
        0.3, "Share of users' session posts that carry photos.", source=ASSUMED
    )
    photos_per_post: Range = spec(
        (1.0, 9.0), "Photos a photo post carries, drawn uniformly and rounded down (at most "
        "9, as Weibo allowed: issue 20).",
        unit="photos", source=ASSUMED,
    )  # fmt: skip
    image_px: tuple[Pixels, Pixels] = spec(
        (320, 240), "Width and height of the image a simulated upload carries (a real JPEG, "
        "checked and thumbnailed by the service; its bytes are kept in memory for the run, so "
        "keep it small and read the byte metrics as scaled to it).",
        unit="px", source=ASSUMED,
    )  # fmt: skip
    open_share: Share = spec(
        0.1, "Share of photo posts seen in the feed whose first photo the reader opens in "
        "full (every photo post seen has its thumbnails read).",
        source=ASSUMED,
    )  # fmt: skip


StartHours = Annotated[
    list[Annotated[float, Field(ge=0)]],
    Field(min_length=24, max_length=24),
    AfterValidator(check_weights),
]
DEFAULT_LIVE_HOURS = [
    0.3, 0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6,
    0.7, 0.6, 0.5, 0.5, 0.6, 0.8, 1.0, 1.4, 2.0, 2.5, 2.0, 1.0,
]  # fmt: skip


class LiveBehaviourConfig(Section):
    """Live broadcasts: who goes on air and when, who watches, what viewers do (issue 20)."""

    rooms_per_day: float = spec(
        1.0, "Broadcasts started per day, per 1000 accounts; 0 = none but scripted ones "
        "(`events`, kind live_premiere).",
        unit="rooms/1000 accounts/day", source=ASSUMED, ge=0,
    )  # fmt: skip
    anchor_tilt: dict[Literal["big_v", "medium_v", "user"], NonNegative] = spec(
        {"big_v": 50.0, "medium_v": 10.0, "user": 1.0},
        "Relative chance of an account of each kind to be the next anchor: the source's "
        "'deliberately tilting resources towards anchors such as China V and big V' (issue "
        "20); the weights are an assumption.",
        source=ASSUMED,
    )  # fmt: skip
    start_hours: StartHours = spec(
        DEFAULT_LIVE_HOURS, "24 relative weights of broadcast starts per hour of day, 0h first.",
        source="assumption: evening peak at 20-22 h",
    )  # fmt: skip
    duration_min: Range = spec(
        (30.0, 120.0), "Broadcast length, drawn uniformly.", unit="min", source=ASSUMED
    )
    follower_viewer_share: Share = spec(
        0.05, "Share of the anchor's followers who watch the broadcast.", source=ASSUMED
    )
    list_viewers: float = spec(
        5.0, "Mean viewers who find the room in the live list (Poisson), besides followers.",
        unit="viewers", source=ASSUMED, ge=0,
    )  # fmt: skip
    join_window_share: float = spec(
        1.0, "Share of the broadcast, from its start, within which its viewers arrive "
        "(uniformly): 1 spreads them over the whole broadcast; a premiere announced ahead "
        "draws its crowd early, which is what lets its viewers be there at once.",
        source=ASSUMED, gt=0, le=1,
    )  # fmt: skip
    watch_min: Range = spec(
        (2.0, 30.0), "How long a viewer watches, drawn uniformly.", unit="min", source=ASSUMED
    )
    comments_per_viewer: float = spec(
        2.0, "Mean comments a viewer sends while watching (Poisson; paced by think_time_s).",
        unit="comments", source=ASSUMED, ge=0,
    )  # fmt: skip
    gift_share: Share = spec(0.05, "Share of viewers who give the anchor a gift.", source=ASSUMED)
    gift_coins: Range = spec(
        (1.0, 50.0), "Gift amounts, drawn uniformly and rounded to the fen.",
        unit="coins", source=ASSUMED,
    )  # fmt: skip


Diurnal = Annotated[
    list[Annotated[float, Field(ge=0)]],
    Field(min_length=24, max_length=24),
    AfterValidator(check_weights),
]


class BehaviourConfig(Section):
    """Arrivals and sessions of ordinary users (influencers and merchants add `posting`)."""

    daily_active_share: Share = spec(
        0.43, "Share of users active on a given day (DAU/MAU).",
        source="Weibo prospectus supplement, 2021: average DAUs/MAUs 43 % for 2018-2021",
    )  # fmt: skip
    sessions_per_day: float = spec(
        6.0, "Sessions per active user per day.", unit="sessions/day", source=ASSUMED, gt=0
    )
    diurnal: Diurnal = spec(
        DEFAULT_DIURNAL, "24 relative weights of activity per hour of day, 0h first; "
        "normalised by the simulator.",
        source="assumption: evening peak at 21-22 h, night trough at 4-5 h about half of it",
    )  # fmt: skip
    timeline_pages_per_session: float = spec(
        2.0, "Mean home-timeline pages read per session (at least 1).", unit="pages", ge=1
    )
    page_size: int = spec(20, "Posts per timeline page.", unit="posts", ge=1, le=100)
    think_time_s: float = spec(
        10.0, "Mean pause between two actions of a session (exponential).",
        unit="s", source=ASSUMED, ge=0,
    )  # fmt: skip
    mention_share: Share = spec(
        0.1, "Share of comments that @-mention one of the commenter's friends (mutual "
        "follows) by account name; a commenter without friends mentions no one.",
        source=ASSUMED,
    )  # fmt: skip
    per_session: SessionActions = section(SessionActions, "What a session does.")
    posting: PostingConfig = section(PostingConfig, "Who writes the posts.")
    chat: ChatConfig = section(ChatConfig, "Private chat.")
    topup: TopUpConfig = section(TopUpConfig, "Wallet top-ups.")
    games: GameSpendConfig = section(GameSpendConfig, "Game spending.")
    gifts: GiftConfig = section(GiftConfig, "Gifts to followed accounts.")
    photos: PhotoConfig = section(PhotoConfig, "Photos in posts and feeds.")
    live: LiveBehaviourConfig = section(LiveBehaviourConfig, "Live broadcasts.")
    fanservice: FanServiceBehaviour = section(
        FanServiceBehaviour, "Certified accounts' fan services: subscribers and broadcasts."
    )
    clients: ClientsConfig = section(ClientsConfig, "Mobile app and web sessions compared.")

    @model_validator(mode="after")
    def _active_share_reachable(self) -> BehaviourConfig:
        """With Poisson sessions, a day's active share stays below 1 − exp(−share × sessions)."""
        reachable = 1.0 - math.exp(-self.daily_active_share * self.sessions_per_day)
        if self.daily_active_share >= reachable:
            raise ValueError(
                f"daily_active_share {self.daily_active_share:g} is out of reach with "
                f"sessions_per_day {self.sessions_per_day:g} (at most {reachable:.3f} of "
                "users can be active on a day); raise sessions_per_day or lower the share"
            )
        return self
