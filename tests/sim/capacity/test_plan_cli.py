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
        "--users", "1000000", "--slo", "latency.timeline_read.p99_ms<=200", "--json"
    )
    assert code == 0
    plan = json.loads(out)
    assert plan["users"] == 1_000_000
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
    code, _, err = invoke("--users", "1000000", "--slo", "latency.nowhere.p99_ms<=200")
    assert code == 2
    assert "latency.nowhere.p99_ms" in err


def test_malformed_slo_is_bad_input() -> None:
    code, _, err = invoke("--users", "1000000", "--slo", "latency.timeline_read.p99_ms about 200")
    assert code == 2
    assert "not an SLO" in err


def test_slo_below_the_service_time_exits_1() -> None:
    """No number of servers brings a p99 under the network round trip."""
    code, _, err = invoke("--users", "1000000", "--slo", "latency.timeline_read.p99_ms<=0.5")
    assert code == 1
    assert "no capacity meets" in err
