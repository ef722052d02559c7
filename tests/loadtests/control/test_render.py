"""The load test's table: response times stand beside latency only when sends were scheduled."""

from __future__ import annotations

from datetime import UTC, datetime

from loadtests.control.render import loadtest_table, path_columns
from loadtests.control.results import loadtest_result
from outcomes.result import Metric, Result
from scenario import load_scenario


def result_with(names: list[str]) -> Result:
    scenario = load_scenario("scenarios/ci-smoke.yaml")
    metrics = {name: Metric(value=1.0, unit="ms") for name in names}
    return loadtest_result(scenario, datetime(2025, 1, 2, tzinfo=UTC), 1.0, metrics, {})


def test_a_closed_model_run_has_latency_columns_only() -> None:
    result = result_with(["latency.post.p99_ms"])
    assert not any(name.startswith("response.") for name in path_columns(result).values())
    assert loadtest_table(result).row_count == 1


def test_an_open_model_run_shows_response_time_beside_latency() -> None:
    result = result_with(["latency.post.p99_ms", "response.post.p99_ms"])
    assert path_columns(result)["response p99 ms"] == "response.{path}.p99_ms"
    assert loadtest_table(result).row_count == 1
