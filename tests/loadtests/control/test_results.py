"""From what Locust measured to the Result's catalogued metrics."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from loadtests.control.results import loadtest_metrics, loadtest_result
from loadtests.control.server_stats import AdStats, FanoutStats, ServerStats
from loadtests.records.histograms import PathHistograms, merged
from loadtests.records.plan import Measurements, RequestCount
from outcomes.metrics import CATALOGUE
from scenario import load_scenario


def measurements(lags_ms: list[float], responses_ms: tuple[float, ...] = ()) -> Measurements:
    """Five requests (four timeline reads) and the given send lags; `responses_ms`: the
    timeline reads' response times when they ran on a schedule."""
    latency = PathHistograms()
    for ms in (5.0, 10.0, 20.0, 40.0):
        latency.record_ms("timeline_read", ms)
    latency.record_ms("post", 30.0)
    response = PathHistograms()
    for ms in responses_ms:
        response.record_ms("timeline_read", ms)
    loadgen = PathHistograms()
    for ms in lags_ms:
        loadgen.record_ms("lag", ms)
    return Measurements(
        duration_s=10.0,
        counts={
            "timeline_read": RequestCount(requests=4, failures=1),
            "post": RequestCount(requests=1, failures=0),
        },
        latency=latency.encode(),
        response=response.encode(),
        loadgen_lag=loadgen.encode(),
        exceptions={"KeyError: 'items'": 2},
    )


STATS_BEFORE = ServerStats(
    fanout=FanoutStats(deliveries=100, posts=1, lag_p50_s=0.1, lag_p99_s=0.2, lag_max_s=0.2),
    ads=AdStats(impressions=40, clicks=2, spent=500),
)
STATS_AFTER = ServerStats(
    fanout=FanoutStats(
        deliveries=350,
        posts=3,
        lag_p50_s=0.01,
        lag_p99_s=0.3,
        lag_max_s=0.5,
        queue_depth=4,
        pending=1,
    ),
    ads=AdStats(impressions=240, clicks=12, spent=2500),
)
UNREAD = ServerStats(fanout=None, ads=None)


def test_every_metric_is_catalogued_with_its_unit() -> None:
    measured = measurements([0.0, 3.0], responses_ms=(4.0, 4.0, 4.0, 4.0))
    metrics = loadtest_metrics(measured, STATS_BEFORE, STATS_AFTER)
    for name, metric in metrics.items():
        assert name in CATALOGUE, name
        assert metric.unit == CATALOGUE[name].unit, name


def test_latency_throughput_and_errors_per_path_and_overall() -> None:
    metrics = loadtest_metrics(measurements([]), UNREAD, UNREAD)
    value = {name: metric.value for name, metric in metrics.items()}
    assert value["latency.timeline_read.p50_ms"] == pytest.approx(10.0, rel=1e-3)
    assert value["latency.timeline_read.p999_ms"] == pytest.approx(40.0, rel=1e-3)
    assert value["latency.timeline_read.mean_ms"] == pytest.approx(18.75, rel=1e-3)
    assert value["throughput.timeline_read.requests_per_s"] == pytest.approx(0.4)
    assert value["throughput.requests_per_s"] == pytest.approx(0.5)
    assert value["throughput.posts_per_s"] == pytest.approx(0.1)
    assert value["errors.rate"] == pytest.approx(0.2)
    assert (value["errors.count"], value["errors.exceptions"]) == (1, 2)


def test_throughput_counts_responses_after_the_warm_up_and_errors_the_whole_run() -> None:
    """Locust's counts include the warm-up; the histograms and duration_s do not."""
    measured = measurements([]).model_copy(
        update={"counts": {"timeline_read": RequestCount(requests=9, failures=3)}}
    )
    value = {
        name: metric.value for name, metric in loadtest_metrics(measured, UNREAD, UNREAD).items()
    }
    assert value["throughput.timeline_read.requests_per_s"] == pytest.approx(0.4)
    assert value["throughput.requests_per_s"] == pytest.approx(0.4)
    assert value["errors.rate"] == pytest.approx(3 / 9)


def test_generator_lag_appears_only_when_sends_were_scheduled() -> None:
    assert not any(name.startswith("loadgen.") for name in loadtest_metrics(
        measurements([]), UNREAD, UNREAD))  # fmt: skip
    metrics = loadtest_metrics(measurements([0.0, 0.0, 250.0]), UNREAD, UNREAD)
    assert metrics["loadgen.lag.p50_ms"].value == 0.0
    assert metrics["loadgen.lag.max_ms"].value == pytest.approx(250.0, rel=1e-3)


def test_response_times_stand_beside_latency_only_when_requests_ran_on_a_schedule() -> None:
    assert not any(name.startswith("response.") for name in loadtest_metrics(
        measurements([]), UNREAD, UNREAD))  # fmt: skip
    scheduled = measurements([0.0], responses_ms=(5.0, 5.0, 5.0, 6.0))
    metrics = loadtest_metrics(scheduled, UNREAD, UNREAD)
    assert metrics["response.timeline_read.p50_ms"].value == pytest.approx(5.0, rel=1e-3)
    assert metrics["response.timeline_read.p999_ms"].value == pytest.approx(6.0, rel=1e-3)
    assert metrics["latency.timeline_read.p999_ms"].value == pytest.approx(40.0, rel=1e-3)
    assert "response.post.p50_ms" not in metrics


def test_fan_out_counts_deliveries_during_the_test_the_recent_lag_and_the_backlog_left() -> None:
    metrics = loadtest_metrics(measurements([]), STATS_BEFORE, STATS_AFTER)
    assert metrics["fanout.deliveries"].value == 250
    assert metrics["fanout.lag.p99_s"].value == pytest.approx(0.3)
    assert metrics["fanout.backlog"].value == 5
    assert "fanout.deliveries" not in loadtest_metrics(measurements([]), UNREAD, STATS_AFTER)


def test_ad_totals_count_what_the_server_served_and_charged_during_the_test() -> None:
    metrics = loadtest_metrics(measurements([]), STATS_BEFORE, STATS_AFTER)
    assert (metrics["ads.impressions"].value, metrics["ads.clicks"].value) == (200, 10)
    assert metrics["ads.ctr"].value == pytest.approx(0.05)
    assert metrics["revenue.ads"].value == pytest.approx(20.0)
    assert "ads.impressions" not in loadtest_metrics(measurements([]), UNREAD, STATS_AFTER)


def test_no_impressions_no_click_through_rate() -> None:
    still = ServerStats(fanout=None, ads=AdStats(impressions=0, clicks=0, spent=0))
    metrics = loadtest_metrics(measurements([]), still, still)
    assert metrics["ads.impressions"].value == 0 and "ads.ctr" not in metrics


def test_request_shares_are_of_the_requests_after_the_warm_up_without_pushes() -> None:
    """4 timeline reads and 1 post after the warm-up; a delivery time is no request."""
    measured = measurements([])
    latency = merged([measured.latency])
    latency.record_ms("chat_deliver", 3.0)
    metrics = loadtest_metrics(
        measured.model_copy(update={"latency": latency.encode()}), UNREAD, UNREAD
    )
    assert metrics["requests.timeline_read.share"].value == pytest.approx(0.8)
    assert metrics["requests.post.share"].value == pytest.approx(0.2)
    assert "requests.chat_deliver.share" not in metrics


def test_the_result_is_a_loadtest_of_the_resolved_scenario() -> None:
    scenario = load_scenario("scenarios/ci-smoke.yaml", ["loadtest.users=3"])
    result = loadtest_result(
        scenario, datetime(2025, 1, 2, tzinfo=UTC), 12.5, {}, {"host": "http://127.0.0.1:1"}
    )
    assert (result.kind, result.seed, result.scenario.name) == ("loadtest", 42, "ci-smoke")
    assert result.scenario.resolved["loadtest"]["users"] == 3
    assert result.environment["loadtest"] == {"host": "http://127.0.0.1:1"}
    assert result.started_at == "2025-01-02T00:00:00+00:00"


def test_app_requests_and_their_expected_throttling_are_counted_apart_from_errors() -> None:
    """Three app polls after the warm-up, two of them 429s the limits answered as expected."""
    measured = measurements([])
    latency = PathHistograms()
    for ms in (5.0, 6.0, 7.0):
        latency.record_ms("app_poll", ms)
    latency.record_ms("app_purchase", 9.0)
    measured.latency = merged([measured.latency, latency.encode()]).encode()
    measured.throttled = {"app_poll": 2}
    metrics = loadtest_metrics(measured, UNREAD, UNREAD)
    assert metrics["apps.requests"].value == 4 and metrics["apps.throttled"].value == 2
    assert metrics["errors.count"].value == 1  # the timeline read's failure only


def test_photo_bytes_are_the_photo_paths_work_and_absent_without_photos() -> None:
    """Bytes stored by uploads and served by photo and thumbnail reads, as the server's work
    headers said; a run without photo paths reports no media metrics, not zeros."""
    measured = measurements([])
    assert "media.bytes_stored" not in loadtest_metrics(measured, UNREAD, UNREAD)
    measured.work.record("photo_upload", "db_writes=2,media_bytes_stored=240000")
    measured.work.record("photo_upload", "media_bytes_stored=35000")
    measured.work.record("thumbnail_read", "media_bytes_served=9000")
    measured.work.record("photo_read", "media_bytes_served=200000")
    measured.work.record("timeline_read", "db_reads=20")
    metrics = loadtest_metrics(measured, UNREAD, UNREAD)
    assert metrics["media.bytes_stored"].value == 275_000
    assert metrics["media.egress_bytes"].value == 209_000
