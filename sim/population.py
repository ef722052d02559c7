"""The simulated population as struct-of-arrays: a numpy column per attribute, a row per account.

Nothing here is one Python object per user, so a million accounts cost a few hundred MB of
columns (the follower graph dominates). Row i is account `first_id + i` in the microblog.

Roles follow the graph for synthetic and loaded graphs alike: the most-followed
`big_v_share` of accounts are big V, the next `medium_v_share` medium V; merchants and
advertisers are drawn at random from the rest (at least one of each role whose share is
positive). Groups draw `1 + Poisson(mean_size − 1)` members each, uniformly.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from microblog.models import Role, Tier
from microblog.store.memory_bulk import Csr
from scenario import Scenario
from scenario.population import PopulationConfig
from scenario.profiles import Profiles, draw_profiles
from scenario.seed_draws import group_memberships
from sim.graph import influencer_counts
from sim.propensity import post_rates, session_rates, top_posters


class Kind(IntEnum):
    """Role codes of the `kind` column (influencers split by tier)."""

    USER = 0
    BIG_V = 1
    MEDIUM_V = 2
    MERCHANT = 3
    ADVERTISER = 4

    @property
    def role(self) -> Role:
        return _ROLES[self]

    @property
    def tier(self) -> Tier | None:
        return {Kind.BIG_V: Tier.BIG_V, Kind.MEDIUM_V: Tier.MEDIUM_V}.get(self)


_ROLES = {
    Kind.USER: Role.USER,
    Kind.BIG_V: Role.INFLUENCER,
    Kind.MEDIUM_V: Role.INFLUENCER,
    Kind.MERCHANT: Role.MERCHANT,
    Kind.ADVERTISER: Role.ADVERTISER,
}


@dataclass(frozen=True)
class Population:
    """Accounts, their follows and groups, and what drives their behaviour."""

    follows: Csr
    """Followees of each account (row = follower), as rows."""
    kind: np.ndarray
    """`Kind` code of each account (int8)."""
    initial_followers: np.ndarray
    """Followers of each account when the run starts."""
    session_rate: np.ndarray
    """Expected sessions per day of each account."""
    post_rate: np.ndarray
    """Mean posts per session (ordinary users; others post on a schedule)."""
    mobile: np.ndarray
    """True for accounts on the mobile app."""
    profiles: Profiles
    groups: Csr
    """Members of each group (row = group), as account rows."""

    @property
    def size(self) -> int:
        return self.kind.size

    def rows_of(self, kind: Kind) -> np.ndarray:
        return np.flatnonzero(self.kind == kind)

    def by_followers(self, kind: Kind) -> np.ndarray:
        """Rows of one kind, most followed first (ties: lower row first)."""
        rows = self.rows_of(kind)
        return rows[np.argsort(-self.initial_followers[rows], kind="stable")]


def build_population(scenario: Scenario, follows: Csr, rng: np.random.Generator) -> Population:
    """Everyone in `follows` (as many accounts as it has rows), with roles by follower rank."""
    config = scenario.population
    users = follows.n_rows
    followers = np.bincount(follows.indices, minlength=users)
    kind = assign_kinds(config, followers, rng)
    behaviour, writers = scenario.behaviour, kind == Kind.USER
    sessions = session_rates(users, behaviour, rng)
    top = top_posters(writers, behaviour, rng)
    mobile = rng.random(users) < config.mobile_share
    sessions *= behaviour.clients.factors(mobile, "session_rate_factor")
    return Population(
        follows=follows,
        kind=kind,
        initial_followers=followers,
        session_rate=sessions,
        post_rate=post_rates(sessions, writers, top, behaviour),
        mobile=mobile,
        profiles=draw_profiles(config.profile, users, rng),
        groups=draw_groups(config, users, rng),
    )


def assign_kinds(
    config: PopulationConfig, followers: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Big and medium V by follower rank; merchants and advertisers at random from the rest."""
    users = followers.size
    kind = np.full(users, Kind.USER, dtype=np.int8)
    big, medium = influencer_counts(config, users)
    ranked = np.argsort(-followers, kind="stable")
    kind[ranked[:big]] = Kind.BIG_V
    kind[ranked[big : big + medium]] = Kind.MEDIUM_V
    rest = rng.permutation(ranked[big + medium :])
    merchants = role_count(users, config.merchant_share)
    advertisers = role_count(users, config.advertiser_share)
    kind[rest[:merchants]] = Kind.MERCHANT
    kind[rest[merchants : merchants + advertisers]] = Kind.ADVERTISER
    return kind


def role_count(users: int, share: float) -> int:
    """Accounts of a drawn role: its share of the users, and at least one when the share is
    positive (a sample of a platform whose merchants are 0.002 % of its accounts still
    holds a merchant, or its commerce would vanish with the sample's size)."""
    return max(round(users * share), 1 if share > 0 else 0)


def draw_groups(config: PopulationConfig, users: int, rng: np.random.Generator) -> Csr:
    count = config.groups.count
    groups, members = group_memberships(count, config.groups.mean_size, users, rng)
    return Csr.from_pairs(groups, members, count)
