"""The platform model: request latency, background fan-out, statistics and intervals, and
its batch solution against an event-driven network (SimPy resources) on the same calls."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Protocol

import numpy as np
import pytest
import simpy

from microblog.work import Work
from scenario.capacity import CapacityConfig
from sim.capacity.analytic import mmc
from sim.capacity.demand import demand
from sim.capacity.model import CapacityModel
from tests.sim.capacity.event_driven import EventDrivenNetwork

READ = Work(db_reads=2, cache_reads=20, merged_items=5)
POST = Work(db_writes=2, cache_writes=1, fanout_deliveries=2500, push_sends=3)
FIXED = CapacityConfig(service_distribution="deterministic", fanout_workers=2, fanout_batch=1000)


def model_with(config: CapacityConfig, seed: int = 1) -> CapacityModel:
    return CapacityModel(simpy.Environment(), config, np.random.default_rng(seed))


def run_one(model: CapacityModel, path: str, work: Work, until: float | None = None) -> None:
    """Submit one request at time 0 and run the clock."""
    model.submit(path, work)
    model.env.run(until=until if until is not None else 60.0)


def test_lone_request_latency_is_network_plus_its_services() -> None:
    """No queueing: latency = network_ms + app + db + cache demand."""
    model = model_with(FIXED)
    run_one(model, "timeline_read", READ)
    need = demand(FIXED, READ)
    expected = FIXED.network_ms + need.app_ms + need.db_ms + need.cache_ms
    assert model.latency_ms("timeline_read").tolist() == pytest.approx([expected])


def test_request_skips_stations_it_puts_no_demand_on() -> None:
    """A chat message touching only the database and app never queues at the cache."""
    model = model_with(FIXED)
    run_one(model, "chat_send", Work(db_writes=1, pushes=3))
    stats = model.station_stats()
    assert (stats["app"].arrivals, stats["db"].arrivals, stats["cache"].arrivals) == (1, 1, 0)


def test_fanout_runs_after_the_request_in_batches_over_the_workers() -> None:
    """2500 deliveries = jobs of 1000, 1000, 500 on 2 idle workers: lag = 1500 deliveries' time."""
    model = model_with(FIXED)
    run_one(model, "post", POST)
    need = demand(FIXED, POST)
    assert model.latency_ms("post").tolist() == pytest.approx(
        [FIXED.network_ms + need.app_ms + need.db_ms + need.cache_ms]
    )
    lag_s = (1000 + 500) * FIXED.fanout_delivery_ms / 1000.0
    assert model.fanout_lags_s().tolist() == pytest.approx([lag_s])
    assert model.station_stats()["fanout"].completions == 3


def test_a_lag_familys_fanout_shares_the_station_but_keeps_its_lags_apart() -> None:
    """A broadcast queued behind a post on the one worker: its lag includes the wait, and
    it is reported under its family, not among posts'."""
    config = FIXED.model_copy(update={"fanout_workers": 1})
    model = CapacityModel(
        simpy.Environment(), config, np.random.default_rng(1), {"broadcast": "fanservice"}
    )
    model.submit("post", POST)
    model.submit("broadcast", Work(db_writes=2, cache_writes=1, fanout_deliveries=1000))
    model.env.run(until=60.0)
    per_delivery_s = config.fanout_delivery_ms / 1000.0
    assert model.fanout_lags_s().tolist() == pytest.approx([2500 * per_delivery_s])
    (broadcast_lag,) = model.lags_s("fanservice").tolist()
    assert broadcast_lag > 2500 * per_delivery_s  # it waited for the post's jobs
    assert model.lag_families() == ["fanout", "fanservice"]
    assert model.station_stats()["fanout"].completions == 4


def test_utilisation_is_busy_time_over_capacity() -> None:
    """One 2 ms app job in a 1 s run on 8 app servers: utilisation 0.002 / 8."""
    config = CapacityConfig(service_distribution="deterministic", app_unit_ms=0.0)
    model = model_with(config)
    run_one(model, "ping", Work(), until=1.0)
    assert model.utilisation()["app"] == pytest.approx(config.app_request_ms / 1000.0 / 8)
    assert model.utilisation()["db"] == 0.0


class Submits(Protocol):
    env: simpy.Environment

    def submit(self, path: str, work: Work) -> None: ...


def drive(model: Submits, requests: int, rate: float) -> Generator[simpy.Event, Any, None]:
    """`requests` timeline reads and as many posts, alternating at seeded Poisson times
    (the same for every model) of `rate` pairs a second.

    No two arrive at once: with fixed services, a read and a post arriving together at a
    2-server station can leave it at the same instant, and a FIFO queue may take such a
    tie either way (the model takes submission order; SimPy its own event order)."""
    rng = np.random.default_rng(99)
    for gap in rng.exponential(0.5 / rate, (requests, 2)).tolist():
        for (path, work), wait in zip((("timeline_read", READ), ("post", POST)), gap, strict=True):
            yield model.env.timeout(wait)
            model.submit(path, work)


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


def test_batches_give_exactly_the_latencies_of_the_event_driven_network() -> None:
    """Solved in batches, the model queues like SimPy processes on `simpy.Resource` given
    the same service times (fixed here), to the last request: latencies, fan-out lags and
    the station statistics, read mid-run and after."""
    config = FIXED.model_copy(update={"app_servers": 2, "db_servers": 1})
    model = model_with(config)
    reference = EventDrivenNetwork(simpy.Environment(), config, lambda: 1.0)
    for each in (model, reference):
        each.env.process(drive(each, 500, rate=400.0))
        each.env.run(until=0.5)
    middle = model.snapshot()
    assert middle.requests == {p: len(s) for p, s in reference.latency_ms.items()}
    assert middle.stations["db"].mean_in_queue > 0.1, "requests queue"
    for each in (model, reference):
        each.env.run(until=30.0)
    for path in ("timeline_read", "post"):
        np.testing.assert_allclose(model.latency_ms(path), reference.latency_ms[path])
    np.testing.assert_allclose(model.fanout_lags_s(), reference.lags_s)


@pytest.mark.parametrize("solve_every", [1, 7, 1000])
def test_latencies_do_not_depend_on_when_the_model_solves(
    solve_every: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exponential services, queueing, fan-out: solving after every call, every 7 calls or
    only when read gives the same numbers, because each stream of draws is consumed in
    an order fixed by the run (submission, completion), not by the batches."""
    runs = []
    for every in (solve_every, 10**9):
        monkeypatch.setattr("sim.capacity.model.SOLVE_EVERY", every)
        model = model_with(CapacityConfig(app_servers=1, db_servers=1, fanout_workers=1))
        model.env.process(drive(model, 300, rate=300.0))
        model.env.run(until=5.0)
        runs.append((model.latency_ms("post"), model.fanout_lags_s(), model.utilisation()))
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
    assert runs[0][2] == pytest.approx(runs[1][2], rel=1e-12)  # sums added in other batches


LATENCY_TOLERANCE = 0.06
"""Relative agreement required of mean and p50/p95/p99 latency with exponential services.
The two models queue identically on the same service times (test above) but draw them in
a different order (the model per stream in submission order, the reference as each
process starts), so what is left is sampling noise: over 4 seeds × 6,000 requests per path
at ρ ≈ 0.7 on `app`, a percentile's standard error is about 1.5 % (p99: 2.5 %)."""


def test_exponential_latencies_match_the_event_driven_network_within_sampling_error() -> None:
    """Same workload, independent exponential draws: the two agree within the tolerance."""
    config = CapacityConfig(app_servers=2, db_servers=1, fanout_workers=2)
    ours: dict[str, list[np.ndarray]] = {"timeline_read": [], "post": []}
    theirs: dict[str, list[np.ndarray]] = {"timeline_read": [], "post": []}
    for seed in (1, 2, 3, 4):
        model = model_with(config, seed)
        rng = np.random.default_rng(seed + 100)
        reference = EventDrivenNetwork(simpy.Environment(), config, rng.standard_exponential)
        for each in (model, reference):
            each.env.process(drive(each, 6000, rate=325.0))
            each.env.run(until=20.0)
        for path in ours:
            ours[path].append(model.latency_ms(path))
            theirs[path].append(np.array(reference.latency_ms[path]))
    assert model.utilisation()["app"] > 0.6, "requests queue"
    for path in ours:
        a, b = np.concatenate(ours[path]), np.concatenate(theirs[path])
        assert a.mean() == pytest.approx(b.mean(), rel=LATENCY_TOLERANCE)
        for q in (50, 95, 99):
            assert np.percentile(a, q) == pytest.approx(np.percentile(b, q), rel=LATENCY_TOLERANCE)


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


def test_a_delay_on_a_path_never_served_changes_no_draw() -> None:
    """A configuration's delays draw only for the paths that have one: a delay on a path
    nobody calls leaves every latency and lag as it was."""
    plain = submitted(CapacityConfig(), 300, rate=200.0)
    elsewhere = submitted(with_delay(CapacityConfig(), "gift", 50.0, 0.5), 300, rate=200.0)
    for path in ("timeline_read", "post"):
        np.testing.assert_array_equal(elsewhere.latency_ms(path), plain.latency_ms(path))
    np.testing.assert_array_equal(elsewhere.fanout_lags_s(), plain.fanout_lags_s())


def test_a_delay_needs_a_shape() -> None:
    with pytest.raises(ValueError, match="without a path_delay_shape: \\['gift'\\]"):
        CapacityConfig(path_delay_ms={"gift": 3.0})


def test_the_whole_model_meets_erlang_c_and_littles_law() -> None:
    """Pings (app demand only) submitted at Poisson times to 4 app servers at ρ = 0.7: the
    latencies the model records, less the network round trip, have the M/M/4 mean response
    within 3 % (or 4 batch-means standard errors), and the app station's time integrals
    meet Little's law. This goes through the buffers, batching and carried-over requests,
    not only the kernel (tests/sim/capacity/test_station.py)."""
    servers, rho, requests = 4, 0.7, 120_000
    config = CapacityConfig(app_servers=servers, app_unit_ms=0.0)
    service_rate = 1000.0 / config.app_request_ms
    arrival_rate = rho * servers * service_rate
    model = model_with(config, seed=8)
    gaps = np.random.default_rng(9).exponential(1.0 / arrival_rate, requests)

    def pings() -> Generator[simpy.Event, Any, None]:
        for gap in gaps.tolist():
            yield model.env.timeout(gap)
            model.submit("ping", Work())

    model.env.process(pings())
    model.env.run()
    kept = model.latency_ms("ping")[requests // 10 :] - config.network_ms
    batches = np.array([batch.mean() for batch in np.array_split(kept, 20)])
    expected = mmc(arrival_rate, service_rate, servers).mean_response() * 1000.0
    band = max(0.03, 4.0 * batches.std(ddof=1) / np.sqrt(batches.size) / expected)
    error = kept.mean() / expected - 1.0
    assert abs(error) <= band, f"error {error:+.2%}, band ±{band:.2%}"
    app = model.station_stats()["app"]
    assert app.mean_in_system == pytest.approx(app.throughput * app.mean_response, rel=0.02)


def test_pushes_are_background_work_of_the_push_workers() -> None:
    """A post's pushes hold a push worker for `push_send_ms` each after the post returns:
    the push station's busy time is posts x pushes x that time (but for the last post's,
    still running at the end), and the post's latency is that of a post without pushes."""
    config = FIXED.model_copy(update={"push_send_ms": 1.0, "push_workers": 1})
    model = submitted(config, 400, rate=100.0)
    stats = model.station_stats()["push"]
    posts = model.latency_ms("post").size
    assert posts > 0 and stats.arrivals == posts
    assert stats.utilisation * stats.elapsed == pytest.approx(posts * 3 * 0.001, rel=0.01)
    silent = submitted(config.model_copy(update={"push_send_ms": 0.0}), 400, rate=100.0)
    np.testing.assert_array_equal(model.latency_ms("post"), silent.latency_ms("post"))
