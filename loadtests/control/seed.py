"""Seed the server under test with the load test's population, through the operator endpoints.

The population is `loadtest.seed_users` accounts: account 0 is the big V (followed by
`big_v_followers` accounts), the next `influencers` accounts are medium Vs (each followed by
a share of everyone drawn from `influencer_follower_share`), and the rest are ordinary users.
On top of those followings every account follows a Poisson(`mean_followees`) number of
ordinary accounts picked by heavy-tailed popularity (Pareto with tail index
`follower_exponent - 1`, so follower counts follow a power law with exponent
`follower_exponent`, as Kwak et al. measured on Twitter). Repeated picks collapse into one
edge, so the realised mean is a little below `mean_followees` in small populations.
Finally each ordinary account and the next `friend_neighbours` ordinary accounts, round a
ring, follow each other: friends, who may chat (the sessions running at once act as
neighbouring ordinary accounts, so their friends are online: loadtests.generator.accounts).

`follow_graph` is pure (one seeded numpy Generator); `seed_population` sends the accounts
and edges in batches that fit both the endpoints' item limits and the server's body limit.
`seed_groups` then opens the scenario's groups, scaled to the seeded accounts, among the
ordinary accounts (members drawn as the simulator draws them: scenario.seed_draws).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import numpy as np
import orjson

from loadtests.records.seeded import SeededPopulation
from microblog.models import Profile
from microblog.push_models import ClientKind
from scenario import Scenario
from scenario.loadtest import LoadtestConfig
from scenario.seed_draws import group_memberships

ACCOUNTS_PER_CALL = 5000
"""Most accounts `POST /admin/seed/accounts` takes in one call."""
EDGES_PER_CALL = 50_000
"""Most edges `POST /admin/seed/follows` takes in one call."""
ENVELOPE_BYTES = 64
"""Room left in a request body for the JSON object around the batch."""

T = TypeVar("T")


@dataclass(frozen=True)
class SeedGraph:
    """Who follows whom, by account index (0 is the big V, then the influencers)."""

    accounts: int
    influencers: list[int]
    edges: np.ndarray
    """(n, 2) int array of [follower, followee] indices, without self-follows or repeats."""

    big_v: int = 0


def follow_graph(config: LoadtestConfig, rng: np.random.Generator) -> SeedGraph:
    """The heavy-tailed follower graph of the load test's population (see module docstring)."""
    n = config.seed_users
    influencers = list(range(1, 1 + config.influencers))
    parts = [_followers_of(0, config.big_v_followers, n, rng)]
    low, high = config.influencer_follower_share
    for account in influencers:
        count = min(round(rng.uniform(low, high) * n), n - 1)
        parts.append(_followers_of(account, count, n, rng))
    first_ordinary = 1 + config.influencers
    exponent = config.follower_exponent
    parts.append(_popularity_follows(n, first_ordinary, config.mean_followees, exponent, rng))
    parts.append(_friend_ring(first_ordinary, n, config.friend_neighbours))
    edges = np.concatenate(parts)
    edges = edges[edges[:, 0] != edges[:, 1]]
    return SeedGraph(n, influencers, np.unique(edges, axis=0))


def _followers_of(account: int, count: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """`count` distinct followers of `account`, drawn uniformly from everyone else."""
    followers = rng.choice(n - 1, size=count, replace=False)
    followers[followers >= account] += 1
    return np.column_stack([followers, np.full(count, account)])


def _popularity_follows(
    n: int, first: int, mean_followees: float, exponent: float, rng: np.random.Generator
) -> np.ndarray:
    """Everyone follows Poisson(mean) accounts among `first..n-1`, picked by popularity."""
    counts = np.minimum(rng.poisson(mean_followees, n), n - first)
    popularity = rng.pareto(exponent - 1, n - first) + 1
    picks = rng.choice(n - first, size=int(counts.sum()), p=popularity / popularity.sum())
    return np.column_stack([np.repeat(np.arange(n), counts), first + picks])


def _friend_ring(first: int, n: int, neighbours: int) -> np.ndarray:
    """Mutual follows between each of accounts `first..n-1` and its next `neighbours`."""
    ring = np.arange(n - first)
    one_way = [
        np.column_stack([first + ring, first + (ring + step) % len(ring)])
        for step in range(1, neighbours + 1)
    ]
    edges = np.concatenate(one_way) if one_way else np.empty((0, 2), dtype=np.int64)
    return np.concatenate([edges, edges[:, ::-1]])


def draw_clients(scenario: Scenario, accounts: int, rng: np.random.Generator) -> list[bool]:
    """Whether each seeded account's session is on the mobile app. Drawn at the share of
    the simulator's *sessions* on it (`ClientsConfig.mobile_session_share`), not of its
    accounts: every load-test user lives sessions at the same pace, so this makes the load
    test's sessions mobile as often as the simulator's."""
    clients = scenario.behaviour.clients
    share = clients.mobile_session_share(scenario.population.mobile_share)
    return (rng.random(accounts) < share).tolist()


def seed_population(
    client: httpx.Client,
    graph: SeedGraph,
    max_body_bytes: int,
    profiles: Sequence[Profile] | None = None,
    mobile: Sequence[bool] | None = None,
) -> SeededPopulation:
    """Create the graph's accounts (with `profiles`, one per account, if given, and their
    tokens on the mobile app where `mobile` says, else the web) and follows on the server
    behind `client` (operator auth)."""
    prefix = f"lt{secrets.token_hex(4)}_"
    profiles = profiles or [Profile()] * graph.accounts
    mobile = mobile or [False] * graph.accounts
    accounts = [
        _account_body(f"{prefix}{i}", i, graph, profile, on_phone)
        for i, (profile, on_phone) in enumerate(zip(profiles, mobile, strict=True))
    ]
    created: list[dict[str, Any]] = []
    for batch in batches(accounts, ACCOUNTS_PER_CALL, max_body_bytes):
        created += operator_post(client, "/admin/seed/accounts", {"accounts": batch})
    ids = [account["id"] for account in created]
    edges = [[ids[a], ids[b]] for a, b in graph.edges.tolist()]
    follows = sum(
        operator_post(client, "/admin/seed/follows", {"edges": batch})["added"]
        for batch in batches(edges, EDGES_PER_CALL, max_body_bytes)
    )
    return SeededPopulation(
        ids=ids,
        tokens=[account["token"] for account in created],
        names=[account["name"] for account in created],
        interests=[list(profile.interests) for profile in profiles],
        mobile=list(mobile),
        big_v=graph.big_v,
        influencers=graph.influencers,
        follows=follows,
    )


def seed_groups(
    client: httpx.Client, population: SeededPopulation, scenario: Scenario, rng: np.random.Generator
) -> dict[int, list[int]]:
    """The scenario's groups scaled to the seeded accounts, members drawn among ordinary ones.

    `population.groups.count` × seed_users / population.users groups (rounded), each with
    members drawn as the simulator draws them (scenario.seed_draws), created through the
    public API: the first member opens the group, the others join it.
    """
    config = scenario.population.groups
    ordinary = population.ordinary
    count = round(config.count * len(population.ids) / scenario.population.users)
    groups, members = group_memberships(count, config.mean_size, len(ordinary), rng)
    seeded: dict[int, list[int]] = {}
    for group in range(count):
        accounts = list(dict.fromkeys(ordinary[m] for m in members[groups == group].tolist()))
        seeded[_open_group(client, population, accounts, group)] = [
            population.ids[a] for a in accounts
        ]
    return seeded


def seeded_days(scenario: Scenario) -> float:
    """Days of posts `seed_history` writes: the scenario's `history_days`, a day at least."""
    return max(scenario.history_days, 1.0)


def seed_history(
    client: httpx.Client, population: SeededPopulation, scenario: Scenario, rng: np.random.Generator
) -> int:
    """The scenario's `history_days` of posts before the test (a day at least, so a cold
    scenario's short load test still reads feeds that hold posts and ad slots), as the
    simulator starts on its history (sim/history.py): home feeds as deep as the simulated
    ones, so a replayed read of a later page finds one. Returns how many were written.

    A day's posts: an ordinary account writes Poisson(`daily_active_share` ×
    `sessions_per_day` × `per_session.post`) to its followers and, when it is in a group,
    Poisson(the same sessions × `per_session.group_post`) in one of its groups; the big V
    Poisson(`posting.big_v_posts_per_day`) and each medium V
    Poisson(`posting.medium_v_posts_per_day`) times the share of their posts that sell
    nothing (seed_ads writes the others). Written through the public API, which delivers
    them as fan-out does, in a random order of authors.
    """
    behaviour, commerce = scenario.behaviour, scenario.economy.commerce
    days = seeded_days(scenario)
    sessions = behaviour.daily_active_share * behaviour.sessions_per_day * days
    plain = (1 - commerce.influencer_product_post_share) * days
    rates = np.full(len(population.ids), sessions * behaviour.per_session.post)
    rates[population.big_v] = behaviour.posting.big_v_posts_per_day * plain
    rates[population.influencers] = behaviour.posting.medium_v_posts_per_day * plain
    groups_of = _groups_of(population)
    in_groups = np.array([account in groups_of for account in range(len(population.ids))])
    group_rates = in_groups * sessions * behaviour.per_session.group_post
    public = np.repeat(np.arange(len(population.ids)), rng.poisson(rates))
    grouped = np.repeat(np.arange(len(population.ids)), rng.poisson(group_rates))
    posts = [(int(a), None) for a in public] + [
        (int(a), int(rng.choice(groups_of[int(a)]))) for a in grouped
    ]
    for n in rng.permutation(len(posts)).tolist():
        account, group = posts[n]
        body = {"text": f"seeded post of {population.names[account]}", "group_id": group}
        as_account(client, "POST", "/posts", population.tokens[account], body)
    return len(posts)


def _groups_of(population: SeededPopulation) -> dict[int, list[int]]:
    """The seeded groups of each account index that is in any."""
    index = {account_id: i for i, account_id in enumerate(population.ids)}
    groups: dict[int, list[int]] = {}
    for group, members in sorted(population.groups.items()):
        for account_id in members:
            groups.setdefault(index[account_id], []).append(group)
    return groups


def _open_group(
    client: httpx.Client, population: SeededPopulation, accounts: list[int], group: int
) -> int:
    """Open a group as its first member and join the others to it; its id."""
    owner, *others = accounts
    body = {"name": f"load test group {group}"}
    opened = as_account(client, "POST", "/groups", population.tokens[owner], body)
    for account in others:
        path = f"/groups/{opened['id']}/members/me"
        as_account(client, "PUT", path, population.tokens[account])
    return int(opened["id"])


def as_account(client: httpx.Client, method: str, path: str, token: str, body: Any = None) -> Any:
    """A seeding call through the public API as a seeded account; its JSON answer, if any."""
    headers = {"Authorization": f"Bearer {token}"}
    response = client.request(method, path, json=body, headers=headers)
    if response.status_code >= 400:
        raise RuntimeError(
            f"seeding failed: {method} {path} -> {response.status_code} {response.text}"
        )
    return response.json() if response.content else None


def _account_body(
    name: str, index: int, graph: SeedGraph, profile: Profile, mobile: bool
) -> dict[str, Any]:
    client = ClientKind.MOBILE if mobile else ClientKind.WEB
    body = {"name": name, "profile": _profile_body(profile), "client": client.value}
    if index == graph.big_v:
        return body | {"role": "influencer", "tier": "big_v"}
    if index in graph.influencers:
        return body | {"role": "influencer", "tier": "medium_v"}
    return body


def _profile_body(profile: Profile) -> dict[str, Any]:
    return {
        "interests": profile.interests, "region": profile.region,
        "gender": profile.gender.value, "age_band": profile.age_band.value,
    }  # fmt: skip


def warm_timelines(client: httpx.Client) -> int:
    """Rebuild every account's home timeline on the server's cache tier now, before the
    test; returns how many. The simulator's platform starts with every timeline built, as a
    production cache tier holds them; a server seeded through its API holds none (seeded
    posts reach only timelines already there), so without this each account's first feed
    read in the test would rebuild its timeline from the store: a cold cache tier's cost,
    measured as if it were the steady state's (`loadtest.warm_timelines`)."""
    return int(operator_post(client, "/admin/timelines/rebuild", {})["rebuilt"])


def operator_post(client: httpx.Client, path: str, body: dict[str, Any]) -> Any:
    """POST a seeding body as the operator; its JSON answer (a refusal raises)."""
    headers = {"Content-Type": "application/json"}
    response = client.post(path, content=orjson.dumps(body), headers=headers)
    if response.status_code >= 400:
        raise RuntimeError(f"seeding failed: POST {path} -> {response.status_code} {response.text}")
    return response.json()


def batches(items: Sequence[T], max_items: int, max_body_bytes: int) -> Iterator[list[T]]:
    """Consecutive runs of at most `max_items` items whose JSON fits in `max_body_bytes`."""
    budget = max_body_bytes - ENVELOPE_BYTES
    batch: list[T] = []
    size = 0
    for item in items:
        item_bytes = len(orjson.dumps(item)) + 1
        if batch and (len(batch) == max_items or size + item_bytes > budget):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += item_bytes
    if batch:
        yield batch
