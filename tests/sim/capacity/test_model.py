"""The platform model: request latency, background fan-out, statistics and intervals."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
import pytest
import simpy

from microblog.work import Work
from scenario.capacity import CapacityConfig
from sim.capacity.demand import demand
from sim.capacity.model import CapacityModel

READ = Work(db_reads=2, cache_reads=20, merged_items=5)
POST = Work(db_writes=2, cache_writes=1, fanout_deliveries=2500)
FIXED = CapacityConfig(service_distribution="deterministic", fanout_workers=2, fanout_batch=1000)


def model_with(config: CapacityConfig, seed: int = 1) -> CapacityModel:
    return CapacityModel(simpy.Environment(), config, np.random.default_rng(seed))


def test_lone_request_latency_is_network_plus_its_services() -> None:
    """No queueing: latency = network_ms + app + db + cache demand."""
    model = model_with(FIXED)
    model.env.process(model.serve("timeline_read", READ))
    model.env.run()
    need = demand(FIXED, READ)
    expected = FIXED.network_ms + need.app_ms + need.db_ms + need.cache_ms
    assert model.latency_ms("timeline_read").tolist() == pytest.approx([expected])


def test_request_skips_stations_it_puts_no_demand_on() -> None:
    """A chat message touching only the database and app never queues at the cache."""
    model = model_with(FIXED)
    model.env.process(model.serve("chat_send", Work(db_writes=1, pushes=3)))
    model.env.run()
    stats = model.station_stats()
    assert (stats["app"].arrivals, stats["db"].arrivals, stats["cache"].arrivals) == (1, 1, 0)


def test_fanout_runs_after_the_request_in_batches_over_the_workers() -> None:
    """2500 deliveries = jobs of 1000, 1000, 500 on 2 idle workers: lag = 1500 deliveries' time."""
    model = model_with(FIXED)
    model.env.process(model.serve("post", POST))
    model.env.run()
    need = demand(FIXED, POST)
    assert model.latency_ms("post").tolist() == pytest.approx(
        [FIXED.network_ms + need.app_ms + need.db_ms + need.cache_ms]
    )
    lag_s = (1000 + 500) * FIXED.fanout_delivery_ms / 1000.0
    assert model.fanout_lags_s().tolist() == pytest.approx([lag_s])
    assert model.station_stats()["fanout"].completions == 3


def test_utilisation_is_busy_time_over_capacity() -> None:
    """One 2 ms app job in a 1 s run on 8 app servers: utilisation 0.002 / 8."""
    config = CapacityConfig(service_distribution="deterministic", app_unit_ms=0.0)
    model = model_with(config)
    model.env.process(model.serve("ping", Work()))
    model.env.run(until=1.0)
    assert model.utilisation()["app"] == pytest.approx(config.app_request_ms / 1000.0 / 8)
    assert model.utilisation()["db"] == 0.0


def drive(model: CapacityModel, requests: int, rate: float) -> Generator[simpy.Event, Any, None]:
    rng = np.random.default_rng(99)
    for gap in rng.exponential(1.0 / rate, requests).tolist():
        yield model.env.timeout(gap)
        model.env.process(model.serve("timeline_read", READ))
        model.env.process(model.serve("post", POST))


def test_same_seed_same_run_other_seed_other_run() -> None:
    """Exponential service draws come only from the generator passed in."""
    runs = []
    for seed in (5, 5, 6):
        model = model_with(CapacityConfig(), seed)
        model.env.process(drive(model, 300, rate=200.0))
        model.env.run()
        runs.append(np.concatenate([model.latency_ms("post"), model.fanout_lags_s()]))
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


def test_snapshots_partition_the_run() -> None:
    """Each snapshot covers only its interval; together they add up to the whole run."""
    model = model_with(CapacityConfig())
    model.env.process(drive(model, 400, rate=200.0))
    snapshots = []
    for end in (0.5, 1.0, 3.0):
        model.env.run(until=end)
        snapshots.append(model.snapshot())
    assert [(s.start_s, s.end_s) for s in snapshots] == [(0, 0.5), (0.5, 1.0), (1.0, 3.0)]
    assert sum(s.requests["timeline_read"] for s in snapshots) == 400
    assert sum(s.posts_fanned_out for s in snapshots) == model.fanout_lags_s().size
    busy = sum(s.stations["app"].utilisation * (s.end_s - s.start_s) for s in snapshots)
    assert busy / 3.0 == pytest.approx(model.utilisation()["app"])
    first = model.latency_ms("timeline_read")[: snapshots[0].requests["timeline_read"]]
    assert snapshots[0].latency_ms["timeline_read"].p99 == pytest.approx(np.percentile(first, 99))


def test_unknown_path_has_no_samples() -> None:
    assert model_with(CapacityConfig()).latency_ms("gift").size == 0


def test_submitted_requests_get_exactly_the_latencies_of_served_ones() -> None:
    """Open-loop `submit` (lazy, no processes) and `serve` processes: same queueing, to the
    last request, including fan-out lags and the station statistics, read mid-run and after.

    Services are fixed, because the two draw exponential services in a different order.
    """
    config = FIXED.model_copy(update={"app_servers": 2, "db_servers": 1})
    served, submitted = model_with(config), model_with(config)

    def submit_all(model: CapacityModel) -> Generator[simpy.Event, Any, None]:
        rng = np.random.default_rng(99)
        for gap in rng.exponential(1.0 / 400.0, 500).tolist():
            yield model.env.timeout(gap)
            model.submit("timeline_read", READ)
            model.submit("post", POST)

    served.env.process(drive(served, 500, rate=400.0))
    submitted.env.process(submit_all(submitted))
    for model in (served, submitted):
        model.env.run(until=0.5)
    middle = [model.snapshot() for model in (served, submitted)]
    assert middle[0].requests == middle[1].requests
    assert middle[0].stations["db"].mean_in_queue > 0.1, "requests queue"
    assert middle[0].stations["db"].utilisation == pytest.approx(
        middle[1].stations["db"].utilisation
    )
    for model in (served, submitted):
        model.env.run(until=30.0)
    for path in ("timeline_read", "post"):
        np.testing.assert_allclose(served.latency_ms(path), submitted.latency_ms(path))
    np.testing.assert_allclose(served.fanout_lags_s(), submitted.fanout_lags_s())
    assert served.utilisation() == pytest.approx(submitted.utilisation())


def with_delay(config: CapacityConfig, path: str, mean_ms: float, shape: float) -> CapacityConfig:
    return CapacityConfig.model_validate(
        {**config.model_dump(), "path_delay_ms": {path: mean_ms}, "path_delay_shape": {path: shape}}
    )


def submitted(config: CapacityConfig, requests: int, rate: float) -> CapacityModel:
    """Timeline reads and posts submitted at the same seeded Poisson times, run to the end."""
    model = model_with(config)
    rng = np.random.default_rng(99)

    def submit_all() -> Generator[simpy.Event, Any, None]:
        for gap in rng.exponential(1.0 / rate, requests).tolist():
            yield model.env.timeout(gap)
            model.submit("timeline_read", READ)
            model.submit("post", POST)

    model.env.process(submit_all())
    model.env.run()
    return model


def test_a_delay_adds_to_latency_but_holds_no_server() -> None:
    """A 50 ms delay per timeline read at 400 reads/s would need 20 servers if it held one;
    it holds none: every station's statistics are exactly those without it, and each read
    is later by one gamma draw of the delay's mean and SCV (1/shape)."""
    config = FIXED.model_copy(update={"app_servers": 2, "db_servers": 1})
    plain = submitted(config, 4000, rate=400.0)
    delayed = submitted(with_delay(config, "timeline_read", 50.0, 0.5), 4000, rate=400.0)
    assert delayed.station_stats() == plain.station_stats()
    extra = delayed.latency_ms("timeline_read") - plain.latency_ms("timeline_read")
    assert extra.min() >= 0.0
    assert extra.mean() == pytest.approx(50.0, rel=0.05)
    assert extra.var() / extra.mean() ** 2 == pytest.approx(1 / 0.5, rel=0.15)
    np.testing.assert_array_equal(delayed.latency_ms("post"), plain.latency_ms("post"))


def test_without_delays_the_draws_are_those_of_plain_exponential_service() -> None:
    """A lone request's service is its demand times the generator's first exponential
    draw, and a delay on a path never served changes no draw: a configuration without
    delays runs exactly as before they existed."""
    config = CapacityConfig(app_unit_ms=0.0)
    model = model_with(config, seed=3)
    model.env.process(model.serve("ping", Work()))
    model.env.run()
    first = np.random.default_rng(3).standard_exponential(1)[0]
    expected = config.network_ms + config.app_request_ms * first
    assert model.latency_ms("ping").tolist() == pytest.approx([expected])
    plain = submitted(CapacityConfig(), 300, rate=200.0)
    elsewhere = submitted(with_delay(CapacityConfig(), "gift", 50.0, 0.5), 300, rate=200.0)
    for path in ("timeline_read", "post"):
        np.testing.assert_array_equal(elsewhere.latency_ms(path), plain.latency_ms(path))
    np.testing.assert_array_equal(elsewhere.fanout_lags_s(), plain.fanout_lags_s())


def test_a_delay_needs_a_shape() -> None:
    with pytest.raises(ValueError, match="without a path_delay_shape: \\['gift'\\]"):
        CapacityConfig(path_delay_ms={"gift": 3.0})
