"""The trace format: reading the simulator's trace, and what a replay does not send."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loadtests.records.trace import (
    ACTIONS,
    TraceAction,
    TraceError,
    peak_actions_per_s,
    read_trace,
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
    assert read_trace(trace).actions == [
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
    ],
)
def test_a_bad_line_is_reported_with_file_and_line(tmp_path: Path, line: str, problem: str) -> None:
    trace = tmp_path / "trace.jsonl"
    trace.write_text(json.dumps({"t": 0, "actor": 1, "action": "post"}) + "\n" + line + "\n")
    with pytest.raises(TraceError, match=f"trace.jsonl, line 2: .*{problem}"):
        read_trace(trace)


def test_every_request_path_is_sent_and_the_rest_counted_with_a_reason(tmp_path: Path) -> None:
    sent = [{"t": i, "actor": 1, "action": action} for i, action in enumerate(ACTIONS)]
    trace = write_trace(
        tmp_path / "trace.jsonl",
        *sent,
        {"t": 50, "actor": 1, "action": "topup_callback", "params": {"topup_id": 3}},
        {"t": 51, "actor": 1, "action": "teleport"},
        {"t": 52, "actor": 2, "action": "teleport"},
    )
    read = read_trace(trace)
    assert [action.action for action in read.actions] == list(ACTIONS)
    assert read.not_sent == {
        "topup_callback: the payment gateway's late answer: the server makes it itself": 1,
        "teleport: not a request path the replay knows": 2,
    }


def test_the_actors_are_those_acting_and_those_named_as_recipients(tmp_path: Path) -> None:
    trace = write_trace(
        tmp_path / "trace.jsonl",
        {"t": 0, "actor": 1, "action": "follow", "params": {"account_id": 2}},
        {"t": 1, "actor": 1, "action": "chat_send", "params": {"to": 3}},
        {"t": 2, "actor": 4, "action": "gift", "params": {"recipient_id": 1}},
        {"t": 3, "actor": 4, "action": "like", "params": {"post_id": 99}},
    )
    assert read_trace(trace).actors == 4  # the liked post's id names no account


def test_a_missing_or_empty_trace_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TraceError, match="cannot read"):
        read_trace(tmp_path / "absent.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(TraceError, match="no actions"):
        read_trace(tmp_path / "empty.jsonl")


def test_the_span_is_first_to_last_action_divided_by_the_speedup() -> None:
    actions = [TraceAction(t, 1, "timeline_read") for t in (100.0, 160.0, 400.0)]
    assert replay_span_s(actions, speedup=60.0) == pytest.approx(5.0)


def test_the_peak_is_the_most_actions_due_within_one_real_second() -> None:
    # at 60x a real second is 60 simulated seconds: 100, 130 and 159.9 fall in one, 160 not
    times = (0.0, 100.0, 130.0, 159.9, 160.0, 500.0)
    actions = [TraceAction(t, 1, "timeline_read") for t in times]
    assert peak_actions_per_s(actions, speedup=60.0) == 3
    assert peak_actions_per_s(actions, speedup=1000.0) == 6
    assert peak_actions_per_s(actions[:1], speedup=60.0) == 1
