"""Trace replay: reading the simulator's trace, scheduling it sped up, mapping actors and posts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loadtests.generator.script import Cast, Schedule
from loadtests.records.trace import (
    TraceAction,
    TraceError,
    read_trace,
    read_trace_counting_skips,
    replay_span_s,
)


def write_trace(path: Path, *lines: object) -> Path:
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    return path


def test_a_trace_is_read_in_time_order_with_params_defaulting_to_empty(tmp_path: Path) -> None:
    trace = write_trace(
        tmp_path / "trace.jsonl",
        {"t": 60, "actor": 2, "action": "post", "params": {"post": 9}},
        {"t": 0, "actor": 1, "action": "timeline_read"},
    )
    assert read_trace(trace) == [
        TraceAction(0.0, 1, "timeline_read", {}),
        TraceAction(60.0, 2, "post", {"post": 9}),
    ]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("not json", "not JSON"),
        (json.dumps([1, 2]), "expected an object"),
        (json.dumps({"t": -1, "actor": 1, "action": "post"}), "field 't'"),
        (json.dumps({"t": 1, "actor": "a", "action": "post"}), "field 'actor'"),
        (json.dumps({"t": 1, "actor": 1, "action": 7}), "field 'action'"),
        (json.dumps({"t": 1, "actor": 1, "action": "post", "params": [1]}), "field 'params'"),
        (json.dumps({"t": 1, "actor": 1, "action": "follow"}), "params.followee"),
    ],
)
def test_a_bad_line_is_reported_with_file_and_line(tmp_path: Path, line: str, problem: str) -> None:
    trace = tmp_path / "trace.jsonl"
    trace.write_text(json.dumps({"t": 0, "actor": 1, "action": "post"}) + "\n" + line + "\n")
    with pytest.raises(TraceError, match=f"trace.jsonl, line 2: .*{problem}"):
        read_trace(trace)


def test_the_simulators_names_are_read_and_other_actions_skipped_and_counted(
    tmp_path: Path,
) -> None:
    trace = write_trace(
        tmp_path / "trace.jsonl",
        {"t": 0, "actor": 1, "action": "like", "params": {"post_id": 4}},
        {"t": 1, "actor": 1, "action": "follow", "params": {"account_id": 2}},
        {"t": 2, "actor": 1, "action": "chat_send", "params": {"to": 2}},
        {"t": 3, "actor": 2, "action": "chat_send", "params": {"to": 1}},
        {"t": 4, "actor": 2, "action": "topup", "params": {}},
    )
    actions, skipped = read_trace_counting_skips(trace)
    assert actions == [
        TraceAction(0.0, 1, "like", {"post": 4}),
        TraceAction(1.0, 1, "follow", {"followee": 2}),
    ]
    assert skipped == {"chat_send": 2, "topup": 1}


def test_a_missing_or_empty_trace_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TraceError, match="cannot read"):
        read_trace(tmp_path / "absent.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(TraceError, match="no actions"):
        read_trace(tmp_path / "empty.jsonl")


def test_actions_fall_due_at_their_trace_time_divided_by_the_speedup() -> None:
    actions = [TraceAction(t, 1, "timeline_read") for t in (100.0, 160.0, 400.0)]
    now = [50.0]
    schedule = Schedule(actions, speedup=60.0, clock=lambda: now[0])
    first = schedule.take()
    now[0] = 999.0  # later takes do not move the origin
    due = [first, schedule.take(), schedule.take()]
    assert [taken[1] for taken in due if taken] == pytest.approx([50.0, 51.0, 55.0])
    assert schedule.take() is None
    assert replay_span_s(actions, speedup=60.0) == pytest.approx(5.0)


def test_actors_map_to_accounts_in_order_of_first_appearance_wrapping_round() -> None:
    cast = Cast(accounts=3)
    assert [cast.account(actor) for actor in (70, 5, 70, 9, 11)] == [0, 1, 0, 2, 0]


def test_reactions_target_the_replayed_post_or_else_the_newest() -> None:
    cast = Cast(accounts=3)
    assert cast.post(1) is None
    cast.posted(1, server_post=501)
    cast.posted(None, server_post=502)
    assert cast.post(1) == 501
    assert cast.post(99) == 502
    assert cast.post(None) == 502
