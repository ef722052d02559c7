"""Storage interfaces: one small repository per domain, grouped into a transaction.

Services never see a backend. They open `store.read()` or `store.write()` and call the
repositories on the `Tx` it yields; everything inside one `write()` block commits or rolls
back together (the memory backend serialises blocks under one lock instead, so services
check before they change anything). Every repository method records the rows or keys it
touched in the active `Work` scope, by the same rule in every backend:
rows returned or affected, never the cost of how a backend found them.

Lists are newest first and paged with `before`: ids strictly below it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from enum import StrEnum
from typing import Protocol

from microblog.ads_models import AdImpression, Campaign, CampaignSpec, CampaignStatus, Delivery
from microblog.chat_models import ChatMessage, Status
from microblog.live_models import LiveComment, LiveGift, Room
from microblog.media_models import Album, Photo, PhotoDraft
from microblog.models import Account, Comment, Group, Post, Profile, Role, Tier
from microblog.push_models import ClientKind
from microblog.store.app_repo import AppRepo
from microblog.store.certification_repo import CertificationRepo
from microblog.store.fanservice_repo import FanServiceRepo
from microblog.store.membership_repo import MembershipRepo
from microblog.store.money_repos import GameRepo, IdempotencyRepo, LedgerRepo, ShopRepo, TopUpRepo
from microblog.store.push_repo import PushRepo


class FolloweePosts(StrEnum):
    """Which of a reader's followees' posts a home read merges from the store."""

    NONE = "none"
    """Push: fan-out delivered them all."""
    UNPUSHED = "unpushed"
    """Hybrid: those fan-out did not deliver (of followees marked pull authors)."""
    ALL = "all"
    """Pull: every public post."""


class AccountRepo(Protocol):
    def create(
        self,
        name: str,
        role: Role,
        profile: Profile,
        created_at: float,
        *,
        tier: Tier | None = None,
        verified: bool = False,
        password_hash: str | None = None,
    ) -> Account:
        """Insert an account; raises `Conflict` when the name is taken."""
        ...

    def get(self, account_id: int) -> Account | None: ...
    def get_many(self, account_ids: list[int]) -> dict[int, Account]: ...
    def get_by_name(self, name: str) -> Account | None: ...
    def password_hash(self, account_id: int) -> str | None: ...
    def update_profile(self, account_id: int, profile: Profile) -> None: ...
    def add_follow_counts(self, follower_id: int, followee_id: int, delta: int) -> None:
        """Keep follower/followee counters exact in the same transaction as the edge."""
        ...

    def add_follow_counts_many(self, edges: list[tuple[int, int]]) -> None:
        """Bulk twin of `add_follow_counts` (+1 per edge), one statement per account."""
        ...

    def certify(self, account_id: int, role: Role, tier: Tier | None) -> None:
        """Give the account the role and tier of an approved certification, verified."""
        ...

    def add_token(
        self, token_hash: str, account_id: int, created_at: float, client: ClientKind
    ) -> None:
        """Keep a session's token (hashed) with the client it was issued to."""
        ...

    def mobile_devices(self, account_ids: list[int]) -> dict[int, list[str]]:
        """The token hashes of the accounts' mobile sessions (their push targets); accounts
        without one are left out."""
        ...

    def account_for_token(self, token_hash: str) -> int | None: ...
    def mark_pull_author(self, account_id: int) -> None:
        """Remember that this author has posts that were not pushed (hybrid merges them)."""
        ...

    def count(self) -> int: ...
    def ids_after(self, after: int, limit: int) -> list[int]:
        """Up to `limit` account ids above `after`, ascending (walks every account)."""
        ...


class GraphRepo(Protocol):
    def add(self, follower_id: int, followee_id: int, created_at: float) -> bool:
        """Add the edge; False when it already existed."""
        ...

    def add_many(self, edges: list[tuple[int, int]], created_at: float) -> list[tuple[int, int]]:
        """Add distinct edges in bulk; returns those that did not exist yet."""
        ...

    def remove(self, follower_id: int, followee_id: int) -> bool: ...
    def exists(self, follower_id: int, followee_id: int) -> bool: ...
    def followers(self, account_id: int, before: int | None, limit: int) -> list[int]: ...
    def followees(self, account_id: int, before: int | None, limit: int) -> list[int]: ...
    def all_followees(self, account_id: int) -> list[int]: ...
    def pull_followees(self, account_id: int) -> list[int]:
        """Followees marked as pull authors (hybrid strategy)."""
        ...

    def follower_chunks(self, account_id: int, size: int) -> Iterator[list[int]]:
        """All followers in chunks, for fan-out (each chunk may be its own transaction)."""
        ...


class PostRepo(Protocol):
    def create(
        self,
        author_id: int,
        text: str,
        created_at: float,
        *,
        group_id: int | None,
        repost_of: int | None,
        pushed: bool,
        photo_ids: tuple[int, ...] = (),
    ) -> Post: ...

    def get(self, post_id: int) -> Post | None: ...
    def get_many(self, post_ids: list[int]) -> dict[int, Post]: ...
    def set_text(self, post_id: int, text: str, edited_at: float) -> None: ...
    def mark_deleted(self, post_id: int) -> None: ...
    def add_counts(
        self, post_id: int, *, likes: int = 0, comments: int = 0, reposts: int = 0
    ) -> None: ...
    def by_author(
        self, author_id: int, before: int | None, limit: int, *, pushed: bool | None = None
    ) -> list[int]:
        """Ids of the author's public (non-group) posts, tombstones included.

        `pushed` narrows to posts fan-out did (True) or did not (False) deliver.
        """
        ...

    def by_group(self, group_id: int, before: int | None, limit: int) -> list[int]: ...
    def home_streams(
        self, viewer_id: int, before: int | None, limit: int, followees: FolloweePosts
    ) -> list[int]:
        """The ids a home read merges from the store, in one query: the newest `limit` below
        `before` of each stream (the viewer's own public posts, each group of the viewer,
        and per `followees` each followee's public posts), streams concatenated."""
        ...

    def pushed_by_followees(self, owner_id: int, limit: int) -> list[int]:
        """The newest `limit` pushed posts of the owner's followees, newest first: what a
        materialised home timeline holds (its rebuild), in one query."""
        ...

    def add_like(self, post_id: int, account_id: int) -> bool: ...
    def remove_like(self, post_id: int, account_id: int) -> bool: ...
    def add_comment(
        self, post_id: int, author_id: int, text: str, created_at: float
    ) -> Comment: ...

    def comments(self, post_id: int, before: int | None, limit: int) -> list[Comment]: ...
    def add_mentions(self, post_id: int, account_ids: list[int]) -> None:
        """Mention accounts in a post or in a comment on it; an account already mentioned
        in that post (or in an earlier comment on it) is mentioned there once."""
        ...

    def mentions(self, account_id: int, before: int | None, limit: int) -> list[int]: ...


class GroupRepo(Protocol):
    def create(self, name: str, owner_id: int, created_at: float) -> Group: ...
    def get(self, group_id: int) -> Group | None: ...
    def add_member(self, group_id: int, account_id: int) -> bool: ...
    def remove_member(self, group_id: int, account_id: int) -> bool: ...
    def is_member(self, group_id: int, account_id: int) -> bool: ...
    def groups_of(self, account_id: int) -> list[int]: ...
    def members(self, group_id: int, before: int | None, limit: int) -> list[int]: ...


def any_campaign(_campaign: Campaign) -> bool:
    """`AdsRepo.reaching`'s test when the caller has none: every live match is wanted."""
    return True


class AdsRepo(Protocol):
    """Campaigns, their impressions and viewers' hides. Campaign specs never change."""

    def create(self, owner_id: int, spec: CampaignSpec, created_at: float) -> Campaign: ...
    def get(self, campaign_id: int) -> Campaign | None: ...
    def by_owner(self, owner_id: int, before: int | None, limit: int) -> list[Campaign]: ...
    def set_status(self, campaign_id: int, status: CampaignStatus) -> None: ...
    def reaching(
        self,
        profile: Profile,
        now: float,
        click_rate: float,
        wanted: Callable[[Campaign], bool] = any_campaign,
    ) -> Iterator[Campaign]:
        """Live campaigns (active, dates including `now`, total budget not spent, not held
        back past `now`) whose targeting matches `profile` and that `wanted` accepts,
        highest bid first and, on equal bids, oldest first.

        Bids are compared in fen per thousand impressions, a CPC bid valued at
        `click_rate` clicks per impression. Lazy, so a caller that stops early reads (and
        records `db_reads` for) only the campaigns the lookup walked; consume it before
        writing ads in the same transaction. `wanted` is the caller's own eligibility
        test, asked in walk order of each campaign that is live and matches: a backend may
        hand it the record it holds (read it there, keep or change nothing), so only the
        campaigns it accepts need copying out.
        """
        ...

    def hold(self, campaign_id: int, until: float) -> None:
        """Keep the campaign out of `reaching` until `until`: pacing or its daily budget
        holds it back till then, so lookups in between need not read it."""
        ...

    def hidden(self, account_id: int) -> set[int]:
        """Campaigns the account said it is not interested in."""
        ...

    def seen(self, account_id: int, day: int) -> dict[int, int]:
        """Impressions per campaign shown to the account on `day` (frequency caps)."""
        ...

    def add_impression(
        self, campaign_id: int, account_id: int, price: int, day: int, created_at: float
    ) -> AdImpression:
        """Record an impression and count it on its campaign."""
        ...

    def add_spend(self, campaign_id: int, day: int, fen: int, owed_millifen: int) -> None:
        """Add charged fen to the campaign's total and `day` spend; set the CPM carry."""
        ...

    def impression(self, impression_id: int) -> AdImpression | None: ...
    def latest_impression(self, campaign_id: int, account_id: int) -> AdImpression | None: ...
    def mark_clicked(self, impression_id: int, campaign_id: int) -> bool:
        """Count the first click on an impression; False when it was already clicked."""
        ...

    def mark_converted(self, impression_id: int, campaign_id: int, amount: int) -> bool:
        """Attribute an order to an impression once; False when it already converted."""
        ...

    def hide(self, account_id: int, campaign_id: int) -> bool: ...
    def totals(self) -> Delivery:
        """Delivery summed over every campaign (platform ad revenue is `spent`)."""
        ...


class ChatRepo(Protocol):
    """Messages, each recipient's inbox (delivered? read?) and chosen presence statuses.

    Presence statuses live in the cache tier (Redis in a deployment), so they count as
    cache units; messages and inbox entries are rows.
    """

    def add_message(self, message: ChatMessage, recipient_ids: list[int]) -> ChatMessage:
        """Store a draft message under a new id (the draft's `id` is a placeholder) and an
        unread, undelivered inbox entry for each recipient."""
        ...

    def by_client_id(self, sender_id: int, client_msg_id: str) -> ChatMessage | None: ...
    def history(self, conversation: str, before: int | None, limit: int) -> list[ChatMessage]:
        """The conversation's messages below `before`, newest first."""
        ...

    def pending(self, after: Mapping[int, int], limit: int) -> list[tuple[int, ChatMessage]]:
        """Up to `limit` undelivered (recipient id, message) entries of the accounts in
        `after` whose message id is above the account's value there, oldest message first."""
        ...

    def mark_delivered(self, entries: list[tuple[int, int]]) -> None:
        """Mark (recipient id, message id) inbox entries delivered."""
        ...

    def acknowledge(self, account_id: int, up_to: int) -> int:
        """Mark the account's undelivered messages up to `up_to` delivered (its client has
        them); returns how many were undelivered."""
        ...

    def unread_counts(self, account_id: int) -> dict[str, int]:
        """Unread messages per conversation key, for conversations with any."""
        ...

    def mark_read(self, account_id: int, conversation: str, up_to: int | None) -> int:
        """Mark the conversation's messages up to `up_to` (all when None) read and delivered;
        returns how many were unread."""
        ...

    def set_status(self, account_id: int, status: Status) -> None: ...
    def statuses(self, account_ids: list[int]) -> dict[int, Status]:
        """Chosen statuses; accounts that never chose one are absent."""
        ...

    def is_friend(self, a: int, b: int) -> bool:
        """Whether the two follow each other (one query on the send path)."""
        ...

    def group_members(self, group_id: int) -> list[int]:
        """Every member of the group, in id order (the recipients of a group message)."""
        ...

    def friends(
        self, account_id: int, name_prefix: str, after_name: str | None, limit: int | None
    ) -> list[tuple[int, str]]:
        """(id, name) of mutual follows whose name starts with `name_prefix` (ignoring
        case), ordered by name, after `after_name`; all of them when `limit` is None."""
        ...


class AlbumRepo(Protocol):
    """Albums and their photos' metadata (the bytes are in the media store). Deleting marks
    a tombstone, so posts that carried a photo can show it removed."""

    def create(self, owner_id: int, name: str, created_at: float) -> Album: ...
    def get(self, album_id: int) -> Album | None:
        """The album, tombstones included."""
        ...

    def rename(self, album_id: int, name: str) -> None: ...
    def delete(self, album_id: int) -> list[Photo]:
        """Mark the album and its live photos deleted; returns those photos."""
        ...

    def by_owner(self, owner_id: int, before: int | None, limit: int) -> list[Album]:
        """The owner's live albums, newest first."""
        ...

    def add_photo(self, draft: PhotoDraft, created_at: float) -> Photo:
        """Insert a photo and count it on its album."""
        ...

    def photo(self, photo_id: int) -> Photo | None:
        """The photo, tombstones included."""
        ...

    def photos(self, photo_ids: list[int]) -> dict[int, Photo]:
        """The photos found among these ids, tombstones included."""
        ...

    def delete_photo(self, photo_id: int) -> None:
        """Mark a live photo deleted and uncount it from its album."""
        ...

    def in_album(self, album_id: int, before: int | None, limit: int) -> list[Photo]:
        """The album's live photos, newest first."""
        ...


class LiveRepo(Protocol):
    """Live rooms, their comments and the gifts to their anchors."""

    def create(
        self, anchor_id: int, title: str, stream_url: str | None, started_at: float, post_id: int
    ) -> Room: ...
    def get(self, room_id: int) -> Room | None: ...
    def end(self, room_id: int, ended_at: float) -> None: ...
    def live_of(self, anchor_id: int) -> Room | None:
        """The anchor's room on air, if any."""
        ...

    def on_air(self) -> list[Room]:
        """Every room not yet ended."""
        ...

    def add_viewers(self, room_id: int, delta: int) -> int:
        """Move the connected-viewer count (and the peak with it); returns the new count."""
        ...

    def add_comment(
        self, room_id: int, author_id: int, text: str, created_at: float
    ) -> LiveComment: ...
    def add_gift(self, gift: LiveGift) -> LiveGift:
        """Store a gift under a new id (the draft's id is a placeholder) and add its amount
        to the room's total."""
        ...

    def gifts_to(self, anchor_id: int, before: int | None, limit: int) -> list[LiveGift]:
        """The anchor's gifts, newest first (its earnings statement)."""
        ...


class Tx(Protocol):
    """The repositories, bound to one transaction (read-only members, so any backend's
    repository classes satisfy them structurally)."""

    @property
    def accounts(self) -> AccountRepo: ...
    @property
    def graph(self) -> GraphRepo: ...
    @property
    def posts(self) -> PostRepo: ...
    @property
    def groups(self) -> GroupRepo: ...
    @property
    def chat(self) -> ChatRepo: ...
    @property
    def ledger(self) -> LedgerRepo: ...
    @property
    def idempotency(self) -> IdempotencyRepo: ...
    @property
    def topups(self) -> TopUpRepo: ...
    @property
    def games(self) -> GameRepo: ...
    @property
    def shops(self) -> ShopRepo: ...
    @property
    def ads(self) -> AdsRepo: ...
    @property
    def certifications(self) -> CertificationRepo: ...
    @property
    def apps(self) -> AppRepo: ...
    @property
    def albums(self) -> AlbumRepo: ...
    @property
    def live(self) -> LiveRepo: ...
    @property
    def fanservice(self) -> FanServiceRepo: ...
    @property
    def memberships(self) -> MembershipRepo: ...
    @property
    def push(self) -> PushRepo: ...


class Store(Protocol):
    """A backend. `read()` may run concurrently; `write()` blocks are isolated from each
    other: serialised (memory, SQLite) or locking only the rows they decide on
    (PostgreSQL), so a block's checks still hold when it commits."""

    volatile: bool
    """Whether the store lives and dies with this process (memory): a cache tier of this
    process built together with it has then seen every write."""

    def read(self) -> AbstractContextManager[Tx]: ...
    def write(self) -> AbstractContextManager[Tx]: ...
    def statements(self) -> AbstractContextManager[Tx]:
        """A read without a transaction: each statement sees the latest commits, and the
        BEGIN and COMMIT round trips are saved. For a hot read whose statements need not
        agree (a home page: a body deleted between them is left out, as when it is
        deleted just after)."""
        ...

    def snapshot(self) -> AbstractContextManager[Tx]:
        """A read whose statements all see the store as of one instant, however many
        writers commit meanwhile (the ledger audit compares tables against each other)."""
        ...

    def close(self) -> None: ...
