"""Seeding: the heavy-tailed follow graph, and sending it through the operator endpoints."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
import pytest
from fastapi.testclient import TestClient

from loadtests.control.seed import (
    batches,
    follow_graph,
    seed_history,
    seed_population,
    warm_timelines,
)
from loadtests.records.seeded import ring_friends
from microblog.api.app import create_app
from microblog.api.settings import ServerSettings
from scenario import load_scenario
from scenario.loadtest import LoadtestConfig
from tests.loadtests.conftest import SeededServer

CONFIG = LoadtestConfig(
    seed_users=2000, big_v_followers=1500, influencers=5,
    influencer_follower_share=(0.02, 0.1), mean_followees=20.0, friend_neighbours=0,
)  # fmt: skip


def in_degree(edges: np.ndarray, accounts: int) -> np.ndarray:
    return np.bincount(edges[:, 1], minlength=accounts)


def test_the_big_v_and_influencers_get_exactly_their_configured_followings() -> None:
    graph = follow_graph(CONFIG, np.random.default_rng(1))
    followers = in_degree(graph.edges, graph.accounts)
    assert graph.big_v == 0 and graph.influencers == [1, 2, 3, 4, 5]
    assert followers[0] == CONFIG.big_v_followers
    low, high = CONFIG.influencer_follower_share
    for influencer in graph.influencers:
        assert low * CONFIG.seed_users - 1 <= followers[influencer] <= high * CONFIG.seed_users + 1


def test_edges_are_distinct_in_range_and_never_self_follows() -> None:
    edges = follow_graph(CONFIG, np.random.default_rng(2)).edges
    assert edges.min() >= 0 and edges.max() < CONFIG.seed_users
    assert not (edges[:, 0] == edges[:, 1]).any()
    assert len(np.unique(edges, axis=0)) == len(edges)


def test_ordinary_followings_average_near_mean_followees_and_are_heavy_tailed() -> None:
    """Repeated popularity picks collapse, so the mean is at most `mean_followees`."""
    graph = follow_graph(CONFIG, np.random.default_rng(3))
    first_ordinary = 1 + CONFIG.influencers
    ordinary = graph.edges[graph.edges[:, 1] >= first_ordinary]
    per_account = len(ordinary) / CONFIG.seed_users
    assert 0.75 * CONFIG.mean_followees <= per_account <= 1.03 * CONFIG.mean_followees
    followers = in_degree(ordinary, graph.accounts)[first_ordinary:]
    assert followers.max() > 10 * np.median(followers)


def test_each_ordinary_account_befriends_its_next_neighbours_round_a_ring() -> None:
    def edges(neighbours: int) -> set[tuple[int, int]]:
        config = CONFIG.model_copy(update={"friend_neighbours": neighbours})
        graph = follow_graph(config, np.random.default_rng(7))
        return {(a, b) for a, b in graph.edges.tolist()}

    ring = range(1 + CONFIG.influencers, CONFIG.seed_users)
    with_friends = edges(2)
    for index, account in enumerate(ring):
        for step in (1, 2):
            friend = ring[(index + step) % len(ring)]
            assert {(account, friend), (friend, account)} <= with_friends
    added = with_friends - edges(0)
    assert all(a in ring and b in ring for a, b in added)


def test_the_same_seed_builds_the_same_graph() -> None:
    first = follow_graph(CONFIG, np.random.default_rng(4)).edges
    again = follow_graph(CONFIG, np.random.default_rng(4)).edges
    other = follow_graph(CONFIG, np.random.default_rng(5)).edges
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize(("max_items", "max_bytes"), [(3, 10_000), (1000, 200)])
def test_batches_keep_order_and_respect_item_and_body_limits(
    max_items: int, max_bytes: int
) -> None:
    items = [[i, i * 7919] for i in range(100)]
    sent = list(batches(items, max_items, max_bytes))
    assert [item for batch in sent for item in batch] == items
    assert all(len(batch) <= max_items for batch in sent)
    assert all(len(orjson.dumps(batch)) <= max_bytes - 50 for batch in sent)


def test_seeding_creates_the_accounts_roles_and_follows_on_the_server() -> None:
    config = LoadtestConfig(seed_users=60, big_v_followers=40, influencers=2, mean_followees=5)
    graph = follow_graph(config, np.random.default_rng(6))
    settings = ServerSettings(store="memory", operator_token="operator-secret")
    with TestClient(create_app(settings)) as client:
        client.headers["Authorization"] = "Bearer operator-secret"
        population = seed_population(client, graph, max_body_bytes=settings.max_body_bytes)
        client.headers["Authorization"] = f"Bearer {population.tokens[7]}"
        big_v = client.get(f"/accounts/{population.ids[0]}").json()
        influencer = client.get(f"/accounts/{population.ids[1]}").json()
        me = client.get("/me").json()
    assert population.follows == len(graph.edges)
    assert (big_v["tier"], big_v["follower_count"]) == ("big_v", 40)
    assert influencer["tier"] == "medium_v"
    assert me["id"] == population.ids[7]
    assert list(population.ordinary) == list(range(3, 60))


def test_warming_builds_every_seeded_timeline_with_the_history_a_read_would_rebuild(
    tmp_path: Path,
) -> None:
    """Over SQLite (a server whose cache tier starts empty, unlike the simulator's), seeded
    posts reach no timeline; after warming, every account's timeline is on the cache tier
    and holds what its owner's first read would otherwise have rebuilt from the store."""
    config = LoadtestConfig(seed_users=30, big_v_followers=10, influencers=1, mean_followees=4)
    scenario = load_scenario("scenarios/ci-smoke.yaml", ["history_days=2"])
    settings = ServerSettings(store=f"sqlite:///{tmp_path / 'warm.sqlite'}", operator_token="op")
    with TestClient(create_app(settings)) as client:
        client.headers["Authorization"] = "Bearer op"
        graph = follow_graph(config, np.random.default_rng(3))
        population = seed_population(client, graph, max_body_bytes=settings.max_body_bytes)
        written = seed_history(client, population, scenario, np.random.default_rng(4))
        timelines = client.app.state.blog.timelines  # type: ignore[attr-defined]
        cold = [timelines.cache.page(account, None, 50) for account in population.ids]
        warmed = warm_timelines(client)
        warm = [timelines.cache.page(account, None, 50) for account in population.ids]
        timelines.cache.forget_all()
        for account in population.ids:  # each first read rebuilds its timeline
            timelines.home(account, None, 20)
        on_read = [timelines.cache.page(account, None, 50) for account in population.ids]
    assert written > 0 and cold == [None] * len(population.ids)
    assert warmed == len(population.ids)
    assert warm == on_read and sum(map(len, warm)) > written


def test_groups_scale_with_the_seeded_accounts_and_hold_their_members(
    seeded_server: SeededServer,
) -> None:
    """ci-smoke with population.groups.count=100 of 2000 users: 2 groups among 40 accounts."""
    population, client = seeded_server.population, seeded_server.client
    assert len(population.groups) == 2
    ordinary = {population.ids[i] for i in population.ordinary}
    for group_id, members in population.groups.items():
        assert members and set(members) <= ordinary
        headers = {"Authorization": f"Bearer {population.tokens[population.ids.index(members[0])]}"}
        group = client.get(f"/groups/{group_id}", headers=headers).json()
        assert group["owner_id"] == members[0] and group["member_count"] == len(members)


def test_ring_friends_are_the_neighbours_the_seeding_made_mutual_followers() -> None:
    """Ordinary accounts 3..9, two neighbours each side, round the ring."""
    assert ring_friends(range(3, 10), 3, 2) == [4, 5, 8, 9]
    graph = follow_graph(
        LoadtestConfig(seed_users=10, big_v_followers=0, influencers=2, mean_followees=0.1),
        np.random.default_rng(1),
    )
    edges = {tuple(edge) for edge in graph.edges.tolist()}
    assert all({(3, f), (f, 3)} <= edges for f in ring_friends(range(3, 10), 3, 2))


def write_history(server: SeededServer, days: float, post: float, group_post: float) -> int:
    """Seed ci-smoke's history over `days` with these posts a session (followers', groups')
    and none by the big V and the influencers; how many posts were written."""
    scenario = load_scenario(
        "scenarios/ci-smoke.yaml",
        [f"history_days={days}", f"behaviour.per_session.post={post}",
         f"behaviour.per_session.group_post={group_post}",
         "behaviour.posting.big_v_posts_per_day=0", "behaviour.posting.medium_v_posts_per_day=0"],
    )  # fmt: skip
    rng = np.random.default_rng(4)
    return seed_history(server.client, server.population, scenario, rng)


def test_the_scenarios_history_of_posts_is_written_by_their_authors(
    seeded_server: SeededServer,
) -> None:
    """Over `history_days` = 3 every ordinary account writes Poisson(0.43 × 6 × 1 × 3)
    posts with one post a session and none in groups; the big V, at no posts a day, none."""
    written = write_history(seeded_server, days=3, post=1, group_post=0)
    population, client = seeded_server.population, seeded_server.client
    expected = 0.43 * 6 * 3 * len(population.ordinary)
    assert abs(written - expected) < 4 * expected**0.5
    big_v = population.ids[population.big_v]
    headers = {"Authorization": f"Bearer {population.tokens[0]}"}
    posts = client.get(f"/accounts/{big_v}/posts", headers=headers).json()["items"]
    assert not [post for post in posts if post["text"].startswith("seeded post")]


def test_group_posts_of_the_history_go_to_groups_their_authors_are_in(
    seeded_server: SeededServer,
) -> None:
    """A cold scenario still gets a day: members post Poisson(0.43 × 6 × 1) in their group."""
    written = write_history(seeded_server, days=0, post=0, group_post=1)
    population, client = seeded_server.population, seeded_server.client
    members = {m for ids in population.groups.values() for m in ids}
    expected = 0.43 * 6 * len(members)
    assert abs(written - expected) < 4 * expected**0.5 and written < 100  # one page a group
    in_groups = 0
    for group_id, ids in population.groups.items():
        token = population.tokens[population.ids.index(ids[0])]
        url = f"/groups/{group_id}/posts?limit=100"
        items = client.get(url, headers={"Authorization": f"Bearer {token}"}).json()["items"]
        seeded = [post for post in items if post["text"].startswith("seeded post")]
        assert {post["author_id"] for post in seeded} <= set(ids)
        in_groups += len(seeded)
    assert in_groups == written
