"""Targeting profiles: interests, region, gender and age band of every account, as columns.

Drawn from `population.profile`: categorical shares for region, gender and age band, and
`1 + Poisson(interests_per_user − 1)` distinct interests per account, each picked in
proportion to a Zipf weight of its rank in the catalogue (Gumbel top-k, vectorised). The
store gets one `Profile` per account; the columns stay with the simulator for targeting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from microblog.models import AgeBand, Gender, Profile
from outcomes.scenario.population import ProfileConfig

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

    def profile(self, row: int) -> Profile:
        """The store's `Profile` of one account."""
        names = self.interest_names
        return Profile(
            interests=[names[i] for i in np.flatnonzero(self.interests[row]).tolist()],
            region=self.region_names[self.region[row]],
            gender=Gender(self.gender_names[self.gender[row]]),
            age_band=AgeBand(self.age_band_names[self.age_band[row]]),
        )


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
