"""A run of one replication carries within-run intervals; replications keep the t-interval."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from outcomes.headline import headline
from outcomes.metrics import STREAM_METRICS
from outcomes.result import load_runs, write_result
from outcomes.timeseries import write_timeseries
from scenario import Scenario, load_scenario
from sim.intervals import Estimate
from sim.runner import aggregate_metrics, simulate

SMOKE = "scenarios/ci-smoke.yaml"


def test_every_headline_card_of_a_single_smoke_run_has_an_interval(tmp_path: Path) -> None:
    """ci-smoke as CI runs it: every card it shows has a 95 % interval that holds its value
    and says it is within-run; only a revenue stream that took no payment has none."""
    run = simulate(load_scenario(SMOKE))
    write_result(tmp_path, run.result)
    write_timeseries(tmp_path, run.timeseries)
    cards = [card for group in headline(load_runs([tmp_path])).groups for card in group.cards]
    unpaid = {c.metric for c in cards if c.metric in STREAM_METRICS}
    unpaid = {m for m in unpaid if run.result.metrics[m].value == 0}
    assert len(cards) >= 15
    for card in cards:
        (reading,) = card.readings
        assert reading is not None
        metric = reading.value
        if card.metric in unpaid:
            assert metric.ci95 is None, card.metric
            continue
        assert metric.ci95 is not None, card.metric
        assert metric.ci95[0] <= metric.value <= metric.ci95[1], card.metric
        assert metric.interval not in (None, "replications"), card.metric


def test_a_single_runs_intervals_are_byte_identical_for_the_same_seed(
    tiny: Callable[..., Scenario],
) -> None:
    first = simulate(tiny(duration_days=0.125)).result.model_dump(mode="json")["metrics"]
    assert first["latency.timeline_read.p50_ms"]["interval"] == "order-statistic"
    again = simulate(tiny(duration_days=0.125)).result.model_dump(mode="json")["metrics"]
    assert json.dumps(again) == json.dumps(first)


def test_replications_keep_their_t_interval_and_ignore_the_within_run_one() -> None:
    within = {"revenue.total": Estimate(90.0, 110.0, "compound-poisson")}
    one = aggregate_metrics([{"revenue.total": (100.0, "coins")}], within)["revenue.total"]
    assert (one.ci95, one.interval) == ((90.0, 110.0), "compound-poisson")
    replicated = [{"revenue.total": (v, "coins")} for v in (98.0, 100.0, 102.0)]
    three = aggregate_metrics(replicated, within)["revenue.total"]
    assert three.interval == "replications"
    assert three.ci95 is not None and three.ci95 != (90.0, 110.0)
