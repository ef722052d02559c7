"""The simulation engine: reproducible, and blind to the platform's fan-out strategy."""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np

from microblog.work import recording
from scenario import Scenario
from sim.engine import EPOCH
from sim.population import Kind
from sim.runner import simulate

from .conftest import population_of, run_once


def metrics_json(scenario: Scenario) -> str:
    return json.dumps(simulate(scenario).result.model_dump(mode="json")["metrics"])


def test_same_seed_gives_byte_identical_metrics_and_another_seed_does_not(
    tiny: Callable[..., Scenario],
) -> None:
    first = metrics_json(tiny(replications=2))
    assert metrics_json(tiny(replications=2)) == first
    assert metrics_json(tiny(replications=2, seed=7)) != first


def test_fanout_strategy_changes_work_but_not_what_users_do_or_see(
    tiny: Callable[..., Scenario],
) -> None:
    """Push, pull and hybrid: same actions and final home timelines, different deliveries."""
    population, _ = population_of(tiny())
    threshold = int(np.median(population.initial_followers))  # hybrid pushes half the authors
    runs = {
        strategy: run_once(tiny(platform={"fanout": strategy, "hybrid_threshold": threshold}))[0]
        for strategy in ("push", "pull", "hybrid")
    }
    actions = {
        s: (r.counters.requests, r.counters.posts, r.counters.sessions) for s, r in runs.items()
    }
    assert len(set(actions.values())) == 1
    assert runs["push"].counters.posts > 0
    sampled = range(0, 400, 7)
    timelines, merged = {}, {}
    for strategy, run in runs.items():
        blog, world = run.world.blog, run.world
        with recording() as work:
            timelines[strategy] = [
                [post.id for post in blog.timelines.home(world.account(row), None, 50).items]
                for row in sampled
            ]
        merged[strategy] = work.merged_items
    assert timelines["push"] == timelines["pull"] == timelines["hybrid"]
    assert any(timelines["push"])
    deliveries = {s: r.counters.deliveries for s, r in runs.items()}
    assert deliveries["push"] > deliveries["hybrid"] > deliveries["pull"] == 0
    assert merged["pull"] > merged["hybrid"] > merged["push"]


def test_posts_and_interactions_happen_and_no_request_fails(
    tiny: Callable[..., Scenario],
) -> None:
    run, _ = run_once(tiny())
    paths = set(run.model.paths())
    assert {"timeline_read", "post", "like", "comment", "repost", "follow"} <= paths
    assert {"group_post", "group_join"} <= paths
    assert run.counters.errors == 0


def test_a_scripted_big_v_post_reaches_followers_at_its_hour(
    tiny: Callable[..., Scenario],
) -> None:
    """The most-followed big V posts three times at 19:00 (an hour into an 18:00 start)."""
    events = [{"kind": "big_v_post", "at_hours": 1, "account_rank": 1, "count": 3}]
    run, _ = run_once(tiny(events=events, platform={"fanout": "push"}))
    population, world = run.world.population, run.world
    big_v = int(population.by_followers(Kind.BIG_V)[0])
    posts = world.blog.posts.by_author(world.account(big_v), limit=100).items
    burst = [p for p in posts if abs(p.created_at - (EPOCH + 19 * 3600)) < 1e-6]
    assert len(burst) == 3
    follower = world.row(world.blog.graph.followers(world.account(big_v), limit=1).items[0].id)
    home = world.blog.timelines.home(world.account(follower), limit=100).items
    assert {p.id for p in burst} <= {p.id for p in home}
