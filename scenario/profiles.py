"""Targeting profiles: interests, region, gender and age band of every account, as columns.

Drawn from `population.profile`: categorical shares for region, gender and age band, and
`1 + Poisson(interests_per_user − 1)` distinct interests per account, each picked in
proportion to a Zipf weight of its rank in the catalogue (Gumbel top-k, vectorised). The
store gets one `Profile` per account; the columns stay with the simulator for targeting.
Both modes draw them alike: the simulator for its population, the load test for the
accounts it seeds (loadtests.control.seed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from microblog.models import AgeBand, Gender, Profile
from scenario.population import ProfileConfig

K = TypeVar("K")


@dataclass(frozen=True)
class Profiles:
    """Profile columns; codes index the tuples of names."""

    interest_names: tuple[str, ...]
    interests: np.ndarray
    """Boolean matrix: accounts × interests."""
    region_names: tuple[str, ...]
    region: np.ndarray
    gender_names: tuple[str, ...]
    gender: np.ndarray
    age_band_names: tuple[str, ...]
    age_band: np.ndarray

    def store_profiles(self) -> list[Profile]:
        """The store's `Profile` of every account, in row order.

        Accounts share a few hundred interest combinations, so each distinct one is named
        once (rows packed to bytes and grouped) rather than once per account.
        """
        packed = np.packbits(self.interests, axis=1)
        rows = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).ravel()
        combos, which = np.unique(rows, return_index=True, return_inverse=True)[1:]
        names = [
            [self.interest_names[i] for i in np.flatnonzero(self.interests[row]).tolist()]
            for row in combos.tolist()
        ]
        genders = [Gender(name) for name in self.gender_names]
        bands = [AgeBand(name) for name in self.age_band_names]
        columns = zip(
            which.ravel().tolist(),
            self.region.tolist(),
            self.gender.tolist(),
            self.age_band.tolist(),
            strict=True,
        )
        return [
            Profile(list(names[c]), self.region_names[r], genders[g], bands[a])
            for c, r, g, a in columns
        ]


def draw_profiles(config: ProfileConfig, users: int, rng: np.random.Generator) -> Profiles:
    regions, region = _categorical(config.regions, users, rng)
    genders, gender = _categorical(config.gender, users, rng)
    bands, band = _categorical(config.age_bands, users, rng)
    return Profiles(
        interest_names=tuple(config.interests),
        interests=_interests(config, users, rng),
        region_names=regions,
        region=region,
        gender_names=genders,
        gender=gender,
        age_band_names=bands,
        age_band=band,
    )


def _categorical(
    shares: Mapping[K, float], users: int, rng: np.random.Generator
) -> tuple[tuple[K, ...], np.ndarray]:
    names = tuple(shares)
    weights = np.array([shares[name] for name in names], dtype=float)
    codes = rng.choice(len(names), size=users, p=weights / weights.sum())
    return names, codes.astype(np.int8)


def _interests(config: ProfileConfig, users: int, rng: np.random.Generator) -> np.ndarray:
    """Distinct interests per account, more popular ones (Zipf by rank) more often."""
    catalogue = len(config.interests)
    counts = np.minimum(1 + rng.poisson(config.interests_per_user - 1.0, users), catalogue)
    ranks = np.arange(1, catalogue + 1, dtype=float)
    scores = -config.interest_zipf_exponent * np.log(ranks) + rng.gumbel(size=(users, catalogue))
    order = np.argsort(-scores, axis=1)
    chosen = np.zeros((users, catalogue), dtype=bool)
    taken = np.arange(catalogue) < counts[:, None]
    np.put_along_axis(chosen, order, taken, axis=1)
    return chosen
