"""What `fanout loadtest` accepts before it starts anything, and how its flags map to fields."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loadtests.control.hosts import HostRefused
from loadtests.control.request import (
    LoadtestInputError,
    LoadtestRequest,
    duration_s,
    flag_overrides,
    prepare,
)
from loadtests.records.trace import TraceError
from scenario import ScenarioError

SMOKE = "scenarios/ci-smoke.yaml"


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90.0), ("8s", 8.0), ("2m", 120.0), ("1h30m", 5400.0)]
)
def test_run_times_read_as_seconds(text: str, seconds: float) -> None:
    assert duration_s(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "5 minutes", "m"])
def test_unreadable_run_times_are_bad_input(text: str) -> None:
    with pytest.raises(LoadtestInputError, match="--run-time"):
        duration_s(text)


def test_shorthand_flags_become_scenario_overrides() -> None:
    flags = {"users": 5, "spawn_rate": None, "run_time": "2m", "rate": 40.0, "processes": None}
    assert flag_overrides(flags) == [
        "loadtest.users=5", "loadtest.run_time_s=120.0", "loadtest.rate_actions_per_s=40.0",
    ]  # fmt: skip


def test_a_prepared_run_has_the_overridden_scenario(tmp_path: Path) -> None:
    prepared = prepare(LoadtestRequest(SMOKE, ("loadtest.users=3",), out=tmp_path / "run"))
    assert prepared.scenario.loadtest.users == 3
    assert prepared.run_time_s == prepared.scenario.loadtest.run_time_s
    assert prepared.run_dir == tmp_path / "run"
    assert prepared.notes == []


def test_a_premiere_says_its_viewers_are_capped_by_the_load_tests_users(tmp_path: Path) -> None:
    request = LoadtestRequest(
        "scenarios/live-premiere.yaml", ("loadtest.users=40",), out=tmp_path / "run"
    )
    (note,) = prepare(request).notes
    assert "at most 39 viewers" in note and "(2,000 from the live list, and followers)" in note


def write_trace(path: Path, actors: int) -> Path:
    """A trace over 600 s in which `actors` accounts read, and one gateway callback."""
    actions = [{"t": t, "actor": 100 + t, "action": "timeline_read"} for t in range(actors)]
    actions += [{"t": 600, "actor": 100, "action": "topup_callback", "params": {"topup_id": 1}}]
    path.write_text("\n".join(json.dumps(a) for a in actions))
    return path


def test_a_replay_runs_for_its_trace_span_plus_a_tail_and_seeds_an_account_per_actor(
    tmp_path: Path,
) -> None:
    trace = write_trace(tmp_path / "trace.jsonl", actors=300)
    prepared = prepare(LoadtestRequest(SMOKE, replay=trace, speedup=60.0))
    assert prepared.replay is not None
    assert prepared.run_time_s > 10.0
    config = prepared.scenario.loadtest
    assert config.seed_users == 1 + config.influencers + 300  # the ordinary accounts: 1:1
    assert prepared.notes == [
        "the trace's 300 actors act as one seeded account each",
        "the replay does not send topup_callback: the payment gateway's late answer: "
        "the server makes it itself (×1)",
    ]


def test_a_replay_with_more_actors_than_max_actors_folds_them_with_a_warning(
    tmp_path: Path,
) -> None:
    trace = write_trace(tmp_path / "trace.jsonl", actors=300)
    prepared = prepare(LoadtestRequest(SMOKE, replay=trace, max_actors=120))
    config = prepared.scenario.loadtest
    assert config.seed_users == 1 + config.influencers + 120
    assert prepared.notes[0] == (
        "WARNING: the trace has 300 actors but --max-actors is 120: they share 120 seeded "
        "accounts, 2.5 actors to an account"
    )


def test_a_replays_pool_of_users_keeps_up_with_its_peak_and_starts_at_once(
    tmp_path: Path,
) -> None:
    # 300 actions one simulated second apart: 60 fall due in each real second at 60x
    trace = write_trace(tmp_path / "trace.jsonl", actors=300)
    config = prepare(LoadtestRequest(SMOKE, replay=trace)).scenario.loadtest
    assert config.users == 60  # above ci-smoke's 20 users, at the default 1 s
    assert config.spawn_rate >= config.users
    answer_in_3_s = ("loadtest.replay_answer_s=3",)
    config = prepare(LoadtestRequest(SMOKE, answer_in_3_s, replay=trace)).scenario.loadtest
    assert config.users == 180
    more_users = ("loadtest.users=500",)  # a pool the user asked for and larger: kept
    config = prepare(LoadtestRequest(SMOKE, more_users, replay=trace)).scenario.loadtest
    assert config.users == 500


def test_a_replay_of_few_actors_keeps_the_big_v_followers_within_the_seeded(
    tmp_path: Path,
) -> None:
    trace = write_trace(tmp_path / "trace.jsonl", actors=5)
    config = prepare(LoadtestRequest(SMOKE, replay=trace)).scenario.loadtest
    assert config.big_v_followers == config.seed_users - 1 < 150


def test_a_replay_no_longer_than_the_warm_up_is_bad_input(tmp_path: Path) -> None:
    trace = tmp_path / "trace.jsonl"
    trace.write_text(json.dumps({"t": 0, "actor": 1, "action": "timeline_read"}))
    overrides = ("loadtest.run_time_s=60", "loadtest.warmup_s=30")
    request = LoadtestRequest(SMOKE, overrides, replay=trace, speedup=60.0)
    with pytest.raises(LoadtestInputError, match="warmup_s"):
        prepare(request)


@pytest.mark.parametrize(
    ("request_", "error", "message"),
    [
        (LoadtestRequest(SMOKE, host="http://10.1.2.3:8000", operator_token="t"), HostRefused,
         "not a loopback"),
        (LoadtestRequest(SMOKE, host="http://127.0.0.1:8000"), LoadtestInputError,
         "operator-token"),
        (LoadtestRequest("scenarios/absent.yaml"), ScenarioError, "no such file"),
        (LoadtestRequest(SMOKE, ("loadtest.users=0",)), ScenarioError, "loadtest.users"),
        (LoadtestRequest(SMOKE, replay=Path("absent.jsonl")), TraceError, "cannot read"),
        (LoadtestRequest(SMOKE, replay=Path("absent.jsonl"), max_actors=0),
         LoadtestInputError, "--max-actors"),
        (LoadtestRequest(SMOKE, ("loadtest.server.store=postgresql+psycopg://u@10.0.0.5/db",)),
         HostRefused, "loadtest.server.store .*10.0.0.5.* --allow-remote"),
        (LoadtestRequest(SMOKE, ("loadtest.server.cache=redis://cache.example.com:6379/0",)),
         HostRefused, "loadtest.server.cache .*cache.example.com"),
        (LoadtestRequest(SMOKE, ("loadtest.server.workers=2",)), ScenarioError,
         "workers 2 needs a shared cache"),
        (LoadtestRequest(SMOKE, ("loadtest.server.store=mysql://root@127.0.0.1/test",)),
         ScenarioError, "store must be 'sqlite' or a postgresql"),
        (LoadtestRequest(SMOKE, ("loadtest.server.cache=redis://127.0.0.1:6379/0",
                                 "loadtest.server.fanout_workers=0")),
         ScenarioError, "fanout_workers 0 with a Redis cache"),
    ],
)  # fmt: skip
def test_bad_requests_are_refused_before_anything_starts(
    request_: LoadtestRequest, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        prepare(request_)
    assert issubclass(error, ValueError)  # the CLI turns every one into exit code 2
