"""What seeding put on the server, as the Locust users need it: accounts, wallets, goods.

The control side seeds the server (loadtests.control.seed, seed_money, seed_ads, seed_apps,
seed_fanservice) and hands these records to the users inside Locust through the plan file
(loadtests.records.plan).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

FEN_PER_COIN = 100


class SeededPopulation(BaseModel):
    """Seeded accounts by index: 0 is the big V, then the influencers, then ordinary users."""

    ids: list[int]
    tokens: list[str]
    names: list[str] = []
    """Account names (an @-mention names its account)."""
    interests: list[list[str]] = []
    """Each account's interests (what targeted ads aim at)."""
    mobile: list[bool] = []
    """Whether each account's token is a session on the mobile app (else the web)."""
    big_v: int
    influencers: list[int]
    follows: int
    groups: dict[int, list[int]] = {}
    """Members' account ids of each seeded group, by group id (the owner first)."""

    @property
    def ordinary(self) -> range:
        """Indices of the ordinary accounts, which the mixed users act as."""
        return range(1 + len(self.influencers), len(self.ids))


def ring_friends(ordinary: range, account: int, neighbours: int) -> list[int]:
    """The friends `_friend_ring` gives an ordinary account: its `neighbours` on each side."""
    at, size = account - ordinary.start, len(ordinary)
    around = {(at + step) % size for step in range(-neighbours, neighbours + 1)} - {at}
    return [ordinary[i] for i in sorted(around)]


class Priced(BaseModel):
    """Something to buy: a product or a game item."""

    id: int
    price_fen: int


class ProductPostRef(BaseModel):
    """What a seeded product post sells, and whether an influencer (on commission) wrote it."""

    product_id: int
    price_fen: int
    by_influencer: bool


class SeededCampaign(BaseModel):
    """A seeded campaign: whose wallet pays for it, and what it is."""

    id: int
    owner_id: int
    kind: str
    """`ad` (an advertiser's) or `promotion` (a merchant's product post)."""
    topic: str
    """The interest it is about (targeted campaigns reach only viewers interested in it)."""


class SeededAppGrant(BaseModel):
    """A third-party app's grant of one seeded user, obtained through the OAuth flow."""

    client_id: str
    tier: str
    account: int
    """The user's index in the seeded population."""
    token: str
    """The app's access token for this user (scopes read, post, payments)."""


class SeededFanService(BaseModel):
    """A certified account's fan service opened before the test."""

    account_id: int
    token: str


class SeededFanServices(BaseModel):
    """The open fan services and their followers (loadtests.control.seed_fanservice)."""

    services: list[SeededFanService] = []
    waiting: list[tuple[int, int]] = []
    """(service account id, follower's account index) of followers not subscribed yet."""
    subscribed: list[tuple[int, int]] = []
    """The same of the followers subscribed before the test."""
    simulated_certified: int = 0
    """Certified accounts of the simulator's population of the scenario (the rates' base)."""
    simulated_followers: int = 0
    """Their followers there (loadtests.generator.session_mix.fanservice_calls_per_session)."""


class SeededEconomy(BaseModel):
    credits: dict[int, int]
    """Fen credited per account id before the test (ordinary users, promoting merchants)."""
    merchant_tokens: dict[int, str]
    """Merchant account id -> token (to read their wallets after the test)."""
    products: list[Priced]
    game_items: list[Priced]
    shops: dict[int, list[Priced]] = {}
    """Each shop's products, by shop id."""
    shop_owners: dict[int, int] = {}
    """The merchant account id of each shop, by shop id."""
    product_posts: dict[int, ProductPostRef] = {}
    """Seeded product posts (merchants' and influencers'), by post id."""
    campaigns: list[SeededCampaign] = []
    advertiser_tokens: dict[int, str] = {}
    """Advertiser account id -> token (a replay reads and pauses campaigns as their owner)."""
    app_grants: list[SeededAppGrant] = []
    """The third-party apps' grants (loadtests.control.seed_apps)."""
    developer_tokens: dict[int, str] = {}
    """App developer account id -> token (to read the wallets app purchases pay into)."""
    fan_services: SeededFanServices = Field(default_factory=SeededFanServices)
