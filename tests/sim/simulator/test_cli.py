"""`fanout run` and `fanout sweep` through the CLI: files written, exit codes, --json, --trace."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from cli import fanout
from loadtests.records.trace import read_trace
from outcomes.result import Result, load_result

from .conftest import TINY


def scenario_file(tmp_path: Path, **changes: object) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump({**TINY, **changes}), encoding="utf-8")
    return path


def edge_list(tmp_path: Path) -> Path:
    """300 accounts in a ring, everyone following account 7, with comment lines."""
    lines = ["# follower followee", "% made for the test"]
    lines += [f"{i} {(i + 1) % 300}" for i in range(300)] + [f"{i} 7" for i in range(300) if i != 7]
    path = tmp_path / "graph.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_run_writes_summary_timeseries_plots_report_and_trace(tmp_path: Path) -> None:
    out, trace = tmp_path / "run", tmp_path / "trace.jsonl"
    graph = edge_list(tmp_path)
    args = ["run", str(scenario_file(tmp_path)), "--graph", str(graph), "--undirected"]
    args += ["--out", str(out), "--trace", str(trace), "--json", "--quiet"]
    result = CliRunner().invoke(fanout, args)
    assert result.exit_code == 0, result.output
    printed = Result.model_validate_json(result.output)
    assert printed.kind == "simulation"
    assert printed.scenario.resolved["population"]["users"] == 300
    assert load_result(out).metrics == printed.metrics
    for name in ("summary.json", "timeseries.csv", "chart_capacity.png", "report.html"):
        assert (out / name).is_file(), name
    with (out / "timeseries.csv").open() as handle:
        assert "latency.timeline_read.p99_ms" in next(csv.reader(handle))
    actions = [json.loads(line) for line in trace.read_text().splitlines()]
    assert actions and {"t", "actor", "action", "params"} == set(actions[0])
    assert {"timeline_read", "post"} <= {a["action"] for a in actions}
    assert [a["t"] for a in actions] == sorted(a["t"] for a in actions)
    replay = read_trace(trace)  # what `fanout loadtest --replay` sends
    assert {a.action for a in replay.actions} >= {"timeline_read", "post", "like"}
    assert all(isinstance(a.params.get("post"), int) for a in replay.actions if a.action == "post")
    assert sum(replay.not_sent.values()) == len(actions) - len(replay.actions)


def test_a_malformed_scenario_exits_2_naming_the_field_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "run"
    bad = scenario_file(tmp_path, platform={"fanout": "sideways"})
    result = CliRunner().invoke(fanout, ["run", str(bad), "--out", str(out)])
    assert result.exit_code == 2
    assert "platform.fanout" in result.output
    assert not out.exists()


def test_an_unreadable_edge_list_exits_2(tmp_path: Path) -> None:
    graph = tmp_path / "graph.txt"
    graph.write_text("1 2\nnot an edge\n", encoding="utf-8")
    out = tmp_path / "run"
    result = CliRunner().invoke(
        fanout, ["run", str(scenario_file(tmp_path)), "--graph", str(graph), "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "line 2" in result.output
    assert not out.exists()


def test_sweep_over_two_values_writes_sweep_csv_and_plots(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    args = ["sweep", str(scenario_file(tmp_path, duration_days=0.1)), "--vary"]
    args += ["platform.fanout=push,pull", "--metrics", "fanout.deliveries", "--out", str(out)]
    result = CliRunner().invoke(fanout, [*args, "--json"])
    assert result.exit_code == 0, result.output
    written = json.loads(result.output)
    with (out / "sweep.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [row["platform.fanout"] for row in rows] == ["push", "pull"]
    assert float(rows[0]["fanout.deliveries"]) > float(rows[1]["fanout.deliveries"]) == 0
    assert written["plots"] and all(Path(plot).is_file() for plot in written["plots"])
    assert "Fan-out deliveries" in Path(written["report"]).read_text(encoding="utf-8")


def test_sweep_rejects_a_bad_value_before_running_anything(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    args = ["sweep", str(scenario_file(tmp_path)), "--vary", "platform.fanout=push,sideways"]
    result = CliRunner().invoke(fanout, [*args, "--out", str(out)])
    assert result.exit_code == 2
    assert "platform.fanout" in result.output
    assert not out.exists()


def test_an_event_naming_a_big_v_the_population_lacks_exits_2(tmp_path: Path) -> None:
    out = tmp_path / "run"
    events = [{"kind": "big_v_post", "at_hours": 1, "account_rank": 5}]
    result = CliRunner().invoke(
        fanout, ["run", str(scenario_file(tmp_path, events=events)), "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "events.0.account_rank" in result.output and "2 big V accounts" in result.output
    assert not out.exists()
