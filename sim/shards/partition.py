"""Which shard owns each account, and the seed each shard draws its behaviour from.

Accounts are dealt to shards round-robin in order of follower count (most followed
first, ties broken by a seeded shuffle), so the heavy tail of big Vs, whose posts and
readers cost most, spreads evenly instead of piling onto one shard. One shard owns
everyone, so a run of one shard draws exactly what an unsharded run draws.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np

from sim.population import Population


def owners(population: Population, shards: int, seed: np.random.SeedSequence) -> np.ndarray:
    """The shard of every population row (int32)."""
    owner = np.zeros(population.size, dtype=np.int32)
    if shards == 1:
        return owner
    followers = np.bincount(population.follows.indices, minlength=population.size)
    shuffled = np.random.default_rng(seed).permutation(population.size)
    order = shuffled[np.argsort(-followers[shuffled], kind="stable")]
    owner[order] = np.arange(population.size) % shards
    return owner


SHARDING_KEY = 24
"""Spawn-key element of the sharding streams: apart from the replication's own children."""


def sharding_streams(
    run_seed: np.random.SeedSequence, shards: int
) -> tuple[np.random.SeedSequence, np.random.SeedSequence, list[np.random.SeedSequence]]:
    """The partition's seed, the merged capacity model's and each shard's run seed. With
    one shard its run seed is the replication's own (what an unsharded run uses); with
    more, one spawned per shard, so a shard's draws never depend on another's progress."""
    base = np.random.SeedSequence(run_seed.entropy, spawn_key=(*run_seed.spawn_key, SHARDING_KEY))
    partition_seed, capacity_seed, *spawned = base.spawn(shards + 2)
    return partition_seed, capacity_seed, [run_seed] if shards == 1 else spawned


SHARED_KEY = 25
"""Spawn-key element of the stream every shard draws alike from."""


def shared_stream(run_seed: np.random.SeedSequence) -> np.random.SeedSequence:
    """A stream every shard of a replication draws the same from, for what all shards must
    agree on (which fan services are open and who had subscribed when the run began;
    which users each app has and when it polls them)."""
    return np.random.SeedSequence(run_seed.entropy, spawn_key=(*run_seed.spawn_key, SHARED_KEY))


def strided(ids: Iterator[int], shard: int, shards: int) -> itertools.count[int]:
    """A counter of ids unique over all shards from each shard's copy of one counter: shard
    s takes first + s, first + s + K, ... (photos, campaigns and live rooms are read by id
    on every shard they reach; nothing orders them by id across accounts)."""
    first = next(ids)
    return itertools.count(first + shard, shards)
