"""Social sessions beyond reading and posting: unfollows, group reads, @mentions in comments;
and the request mix a simulated Result reports."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from scenario import Scenario
from sim.engine import Simulation
from sim.seeding import account_name
from sim.trace import Trace

from .conftest import population_of, run_once

TIES = {
    "mention_share": 1.0,
    "per_session": {"comment": 1.0, "unfollow": 0.3, "group_read": 0.5},
}


def test_unfollows_group_reads_and_mentions_happen_without_errors(
    tiny: Callable[..., Scenario],
) -> None:
    run, outcome = run_once(tiny(behaviour=TIES))
    assert {"unfollow", "group_read", "comment"} <= set(run.model.paths())
    assert run.counters.errors == 0
    assert outcome.metrics["throughput.unfollow.requests_per_s"][0] > 0


def test_without_unfollows_group_reads_or_mentions_there_are_none(
    tiny: Callable[..., Scenario],
) -> None:
    """The negative control: the new actions come from their own fields, nothing else."""
    quiet = {"mention_share": 0.0, "per_session": {"unfollow": 0.0, "group_read": 0.0}}
    run, _ = run_once(tiny(behaviour=quiet))
    assert not {"unfollow", "group_read"} & set(run.model.paths())
    blog, world = run.world.blog, run.world
    mentioned = [blog.posts.mentions(world.account(row)).items for row in range(400)]
    assert not any(mentioned)


def test_a_mentioning_comment_names_a_friend_whose_mentions_list_the_post(
    tiny: Callable[..., Scenario],
) -> None:
    run, _ = run_once(tiny(behaviour=TIES))
    blog, world = run.world.blog, run.world
    mentions = 0
    for row in range(400):
        account = world.account(row)
        for post in blog.posts.mentions(account, limit=100).items:
            comments = blog.posts.comments(account, post.id, limit=100).items
            assert any(f"@{account_name(row)}" in c.text for c in comments) or (
                f"@{account_name(row)}" in post.text
            )
            mentions += 1
    assert mentions > 0


def test_the_request_shares_sum_to_one_and_match_the_throughputs(
    tiny: Callable[..., Scenario],
) -> None:
    _, outcome = run_once(tiny(behaviour=TIES))
    metrics = {name: value for name, (value, _) in outcome.metrics.items()}
    shares = {
        name.removeprefix("requests.").removesuffix(".share"): value
        for name, value in metrics.items()
        if name.startswith("requests.")
    }
    assert sum(shares.values()) == pytest.approx(1.0)
    total = metrics["throughput.requests_per_s"]
    for path, share in shares.items():
        assert share == pytest.approx(metrics[f"throughput.{path}.requests_per_s"] / total)
    assert {"timeline_read", "unfollow", "group_read"} <= set(shares)


TRACED = {
    "timeline_read": {"cursor", "limit"},
    "post": {"text", "post"},
    "repost": {"post_id", "text", "post"},
    "comment": {"post_id", "text"},
    "like": {"post_id"},
    "follow": {"account_id"},
    "unfollow": {"account_id"},
    "group_post": {"group_id", "text", "post"},
    "group_read": {"group_id", "limit"},
    "group_join": {"group_id"},
    "chat_presence": {"status"},
    "chat_send": {"to", "text"},
    "topup": {"amount_fen", "channel", "idempotency_key"},
    "gift": {"recipient_id", "amount_fen", "idempotency_key"},
    "game_purchase": {"item_id", "quantity", "idempotency_key"},
    "order": {"product_id", "post_id", "idempotency_key"},
    "product_post": {"product_id", "text", "post"},
    "shop_browse": {"shop_id", "limit"},
    "ad_click": {"impression_id", "campaign_id"},
    "ad_hide": {"impression_id", "campaign_id"},
}
"""What a replay needs of each traced action (simulated account, post, group... ids)."""
BUSY = {
    "behaviour": {
        **TIES,
        "per_session": {
            **TIES["per_session"], "chat": 0.5, "top_up": 0.3, "game_purchase": 0.5,
            "gift": 0.3, "shop_browse": 0.5,
        },
        "games": {"paying_user_share": 0.5},
    },
    "economy": {"ads": {"ctr_base": 0.2}, "commerce": {"conversion_probability": 0.3}},
    "population": {"advertiser_share": 0.02},
}  # fmt: skip


def test_every_traced_action_carries_what_a_replay_needs(
    tiny: Callable[..., Scenario], tmp_path: Path
) -> None:
    merchants = {"population": {**BUSY["population"], "merchant_share": 0.03}}
    scenario = tiny(**(BUSY | merchants))  # enough merchants that some post a product
    population, seed = population_of(scenario)
    trace = Trace(tmp_path / "trace.jsonl")
    simulation = Simulation(scenario, population, seed, trace=trace)
    simulation.run()
    trace.close()
    lines = [json.loads(line) for line in (tmp_path / "trace.jsonl").read_text().splitlines()]
    seen = set()
    for line in lines:
        needed = TRACED.get(line["action"], set())
        assert needed <= set(line["params"]), line
        seen.add(line["action"])
    assert seen >= set(TRACED)
    world = simulation.world
    accounts = [
        line["params"][key]
        for line in lines
        for key in ("account_id", "recipient_id", "to", "mention_id")
        if key in line["params"]
    ]
    assert accounts and all(0 <= world.row(a) < population.size for a in accounts)
