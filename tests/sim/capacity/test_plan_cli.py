"""`fanout plan` on the command line: exit codes and JSON."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cli import fanout

SMALL = ["--probe-users", "1000", "--set", "slos=[]"]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(fanout, ["plan", "scenarios/baseline.yaml", *args, *SMALL])
    return result.exit_code, result.stdout, result.stderr


def test_json_plan_meets_its_slo() -> None:
    code, out, _ = invoke(
        "--users", "50000", "--slo", "latency.timeline_read.p99_ms<=200", "--json"
    )
    assert code == 0
    plan = json.loads(out)
    assert plan["users"] == 50_000
    assert plan["slos"] == [
        {
            "slo": "latency.timeline_read.p99_ms <= 200",
            "predicted": plan["slos"][0]["predicted"],
            "met": True,
        }
    ]
    assert set(plan["servers"]) == {"app", "db", "cache", "fanout"}
    assert all(0.0 < u < 1.0 for u in plan["utilization"].values())


def test_unknown_metric_is_bad_input() -> None:
    code, _, err = invoke("--users", "50000", "--slo", "latency.nowhere.p99_ms<=200")
    assert code == 2
    assert "latency.nowhere.p99_ms" in err


def test_malformed_slo_is_bad_input() -> None:
    code, _, err = invoke("--users", "50000", "--slo", "latency.timeline_read.p99_ms about 200")
    assert code == 2
    assert "not an SLO" in err


def test_slo_below_the_service_time_exits_1() -> None:
    """No number of servers brings a p99 under the network round trip."""
    code, _, err = invoke("--users", "50000", "--slo", "latency.timeline_read.p99_ms<=0.5")
    assert code == 1
    assert "no capacity meets" in err


def test_a_population_that_does_not_fit_at_the_planned_size_is_bad_input() -> None:
    """The baseline's influencers, each followed by 5-30 % of all users, would have every
    one of 500 million users follow 75 000 of them."""
    code, _, err = invoke("--users", "500000000")
    assert code == 2
    assert "at --users 500,000,000" in err
    assert "75000 follows per user" in err


def test_an_slo_both_in_the_scenario_and_on_the_command_line_is_planned_once() -> None:
    slo = "latency.timeline_read.p95_ms <= 200"
    args = ["plan", "scenarios/baseline.yaml", "--users", "50000", "--probe-users", "1000"]
    args += ["--set", f"slos=['{slo}']", "--slo", slo.replace(" ", ""), "--json"]
    result = CliRunner().invoke(fanout, args)
    assert result.exit_code == 0, result.output
    assert [verdict["slo"] for verdict in json.loads(result.stdout)["slos"]] == [slo]


def test_an_unreachable_plan_still_prints_the_workload_that_rules_it_out() -> None:
    code, out, err = invoke(
        "--users", "50000", "--slo", "latency.timeline_read.p99_ms<=0.5", "--json"
    )
    assert code == 1
    assert "no capacity meets" in err
    report = json.loads(out)
    assert report["users"] == 50_000
    assert report["unreachable"].startswith("no capacity meets SLO 'latency.timeline_read.p99_ms")
    assert report["workload"]["paths"]["timeline_read"]["work"]["db_reads"] > 0
