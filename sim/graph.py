"""The follower graph: synthetic and heavy-tailed, from the scenario's `population.graph`.

Ordinary follows are drawn Chung–Lu style: each follow picks its follower by an "out"
weight and its followee by an "in" weight, both Pareto with the tail of Kwak et al.'s
follower counts (`follower_exponent`), so follower and followee counts are heavy-tailed.
The in weights are capped so that no ordinary account outgrows the least-followed medium V,
and the out weights so that nobody expects to exceed `max_followees`. Influencers are
followed by their drawn share of everyone; a `reciprocity` share of ordinary follows is
returned. All of it is vectorised, so a million accounts and 3 × 10^7 follows take seconds.

The result is a `Csr` of followees per account (row = follower); roles are assigned from it
by follower rank (see `sim.population`), for this graph and for loaded edge lists alike.
"""

from __future__ import annotations

import numpy as np

from microblog.store.memory_bulk import Csr
from scenario.population import GraphConfig, PopulationConfig


def influencer_counts(config: PopulationConfig, users: int) -> tuple[int, int]:
    """Big V and medium V accounts in a population of `users`."""
    return round(users * config.big_v_share), round(users * config.medium_v_share)


def synthetic_graph(config: PopulationConfig, rng: np.random.Generator) -> Csr:
    """Followees per account for `config.users` accounts; big Vs come first, then medium Vs."""
    users = config.users
    big, medium = influencer_counts(config, users)
    graph = config.graph
    shares = _influencer_shares(graph, big, medium, rng)
    followers, followees = _influencer_follows(shares, users, rng)
    ordinary_budget = max(0, round(users * graph.mean_followees) - followers.size)
    pairs = _ordinary_follows(graph, users, big + medium, ordinary_budget, rng)
    rows = np.concatenate([followers, pairs[0]])
    cols = np.concatenate([followees, pairs[1]])
    keep = rows != cols
    return limit_followees(Csr.from_pairs(rows[keep], cols[keep], users), graph.max_followees)


def limit_followees(follows: Csr, most: int) -> Csr:
    """Drop each account's follows beyond the first `most` (the platform's follow limit)."""
    degrees = follows.degrees()
    if degrees.size == 0 or degrees.max() <= most:
        return follows
    rows = np.repeat(np.arange(follows.n_rows), degrees)
    rank = np.arange(follows.indices.size) - follows.indptr[rows]
    kept = rank < most
    indptr = np.zeros_like(follows.indptr)
    np.cumsum(np.minimum(degrees, most), out=indptr[1:])
    return Csr(indptr, follows.indices[kept])


def _influencer_shares(
    graph: GraphConfig, big: int, medium: int, rng: np.random.Generator
) -> np.ndarray:
    """The share of all users following each influencer (accounts 0 .. big + medium - 1)."""
    return np.concatenate(
        [
            rng.uniform(*graph.big_v_follower_share, big),
            rng.uniform(*graph.medium_v_follower_share, medium),
        ]
    )


def _influencer_follows(
    shares: np.ndarray, users: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(follower, followee) pairs: each influencer is followed by a random `share` of users.

    Followers are drawn with replacement, as many as leave `share × users` distinct ones
    in expectation (duplicates are dropped later), which is vectorised where sampling
    without replacement would cost a permutation of all users per influencer.
    """
    distinct = np.minimum(shares, 1.0 - 1.0 / users)
    counts = np.round(-users * np.log1p(-distinct)).astype(np.int64)
    followers = rng.integers(0, users, counts.sum())
    return followers, np.repeat(np.arange(counts.size), counts)


def _capped_pareto(
    users: int, exponent: float, draws: int, most: float, rng: np.random.Generator
) -> np.ndarray:
    """Pareto weights (density exponent `exponent`) capped where one account would expect
    `most` of the `draws` picks."""
    weights = (1.0 - rng.random(users)) ** (-1.0 / (exponent - 1.0))
    return np.minimum(weights, _cap_for(weights, draws, most))


def _cap_for(weights: np.ndarray, draws: int, most: float) -> float:
    """The weight at which an account expects `most` of `draws` picks (two fixed-point steps)."""
    cap = np.inf
    for _ in range(2):
        total = np.minimum(weights, cap).sum()
        cap = most * total / max(draws, 1)
    return max(float(cap), 1.0)


def _ordinary_follows(
    graph: GraphConfig, users: int, influencers: int, budget: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Follows among ordinary accounts, with `reciprocity` of them returned."""
    returned = graph.reciprocity / (2.0 - graph.reciprocity)
    draws = round(budget / (1.0 + returned))
    ordinary = users - influencers
    if draws == 0 or ordinary < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    most_followers = graph.medium_v_follower_share[0] * users if influencers else users
    exponent = graph.follower_exponent
    in_weights = _capped_pareto(ordinary, exponent, draws, most_followers, rng)
    out_weights = _capped_pareto(ordinary, exponent, draws, graph.max_followees, rng)
    followers = influencers + _weighted_picks(out_weights, draws, rng)
    followees = influencers + rng.permutation(_weighted_picks(in_weights, draws, rng))
    back = rng.random(draws) < returned
    return (
        np.concatenate([followers, followees[back]]),
        np.concatenate([followees, followers[back]]),
    )


def _weighted_picks(weights: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """`draws` account indices picked in proportion to `weights`, grouped by account."""
    counts = rng.multinomial(draws, weights / weights.sum())
    return np.repeat(np.arange(weights.size), counts)
