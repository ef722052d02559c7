"""The driver's one capacity model fed the shards' windows of calls as columns."""

from __future__ import annotations

import numpy as np

from microblog.work import Work
from scenario import load_scenario
from sim.capacity.requests import RequestLog
from sim.shards.merge import MergedCapacity

CALLS = [  # (shard, time, path, db reads); times tie across shards and within one, and
    # cross the measured window's start (an hour of warm-up) and the samples (every hour)
    (0, 1.0, "timeline_read", 3), (0, 2.0, "post", 1), (0, 2.0, "like", 2),
    (0, 3600.0, "like", 1), (0, 7200.5, "post", 2),
    (1, 0.5, "chat_send", 1), (1, 2.0, "timeline_read", 4), (1, 3.5, "post", 5),
    (1, 3600.0, "post", 3), (1, 3600.25, "timeline_read", 2), (1, 9000.0, "like", 4),
]  # fmt: skip
OVERRIDES = ["warmup_days=0.041666666666666664", "timeseries_interval_hours=1"]


def test_calls_are_priced_by_time_then_shard_then_the_order_each_shard_made_them() -> None:
    """Fed as two shards' columns at once, the model sees the calls one by one in that
    order, at their own times: the latencies, samples and measured window of reaching
    each call's time and submitting it, one by one."""
    scenario = load_scenario("scenarios/ci-smoke.yaml", OVERRIDES)
    logs = [RequestLog(), RequestLog()]
    for shard, time_s, path, reads in CALLS:
        logs[shard].append(time_s, path, Work(db_reads=reads), 0.0)
    fed = MergedCapacity(scenario, np.random.default_rng(7))
    fed.feed([log.take_calls() for log in logs])
    fed.close()
    by_hand = MergedCapacity(scenario, np.random.default_rng(7))
    ordered = sorted(CALLS, key=lambda call: (call[1], call[0]))  # sorted() keeps made order
    for _, time_s, path, reads in ordered:
        by_hand._reach(time_s)
        by_hand.model.submit(path, Work(db_reads=reads))
    by_hand.close()
    assert sorted(fed.model.paths()) == sorted({path for _, _, path, _ in CALLS})
    for path in fed.model.paths():
        assert fed.model.latency_ms(path).tolist() == by_hand.model.latency_ms(path).tolist()
    assert fed.model.latency_ms("timeline_read").size == 3
    assert repr(fed.snapshots) == repr(by_hand.snapshots) and len(fed.snapshots) == 6
    assert repr(fed.window) == repr(by_hand.window) and fed.window is not None
    assert fed.window.time_s == 3600.0


def test_a_window_without_calls_moves_nothing() -> None:
    capacity = MergedCapacity(load_scenario("scenarios/ci-smoke.yaml"), np.random.default_rng(1))
    capacity.feed([RequestLog().take_calls(), RequestLog().take_calls()])
    assert capacity.clock.now == 0.0 and capacity.model.paths() == []
