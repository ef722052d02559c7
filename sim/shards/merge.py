"""One replication's metrics and timeseries from its shards: the run is one platform.

- Capacity: the platform's servers are shared by every shard's accounts, so one capacity
  model prices every call: each window the shards' calls are fed to it in the order
  `(time, shard, call)` (docs/sharding.md, "The capacity model across shards"),
  with its own generator, and it is read at the same boundaries a shard samples at.
- Agents' counters, active accounts and churned accounts are sums over shards (each counts
  only its own accounts' calls); per-account state is taken from each account's owner.
- Retention sums the cohorts' counts; push latencies are pooled before percentiles.
- Money: each shard tallied the payments its own accounts made (a credit applied from
  another shard is tallied nowhere, its payment was), so streams, volumes and GMV are
  sums; revenue totals, shares and the clients' split are derived again from the merged
  streams and the shards' pooled attributions; the ledger audit is the union of the
  shards' books (`sim.shards.clearing`).
- Whatever else a shard measured (ads, commerce, a partner's fees, chat, live rooms; the
  activities a sharded run refuses measure nothing there) merges as a sum when it is a
  count, bytes or money, as the most of the shards' when it is a peak (`live.viewers.peak`:
  each shard's are its own rooms'), as the ratio of two merged sums when it is a rate
  (`RATIOS`), and must agree on every shard otherwise. Their within-run intervals merge
  likewise: a Poisson count's from the sum, money as independent compound sums (each
  shard's payers are different people), a rate's by Wilson on the merged counts. A share
  of two chat counts (`chat.delivered_live_share`: a message is sent on its sender's shard
  and delivered on its recipient's) is derived again from their sums by the chat activity's
  own rule, and revenue's totals, shares, per-account and annualised figures from the
  merged streams.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

import numpy as np

from scenario import Scenario
from sim.activities.chat import live_share
from sim.activities.fanservice import LAG_FAMILIES
from sim.activities.live import live_delivery
from sim.arrivals import SECONDS_PER_DAY, SECONDS_PER_HOUR
from sim.capacity.model import CapacityModel, Snapshot
from sim.capacity.requests import Calls
from sim.churn import user_metrics
from sim.client_revenue import client_revenue_metrics, pooled
from sim.engine import Outcome
from sim.intervals import Estimate, Intervals, independent_total, poisson_count, present, wilson
from sim.measure import (
    Counters,
    Metrics,
    Timeline,
    WindowStart,
    capacity_metrics,
    interval_bands,
    interval_row,
)
from sim.push_log import push_metrics
from sim.revenue import Scale, mix, revenue_intervals, revenue_metrics
from sim.shards.clearing import union_books
from sim.shards.shard import ShardOutcome
from sim.users import UserState

ADDITIVE_UNITS = frozenset({"count", "bytes", "coins", "yuan"})
"""Units of what a shard measures over its own accounts' calls: the run's is the sum."""

PEAKS = frozenset({"live.viewers.peak"})
"""Counts that are a most, not a sum: each shard's are its own rooms'."""

RATIOS = {
    "ads.ctr": ("ads.clicks", "ads.impressions"),
    "commerce.conversion": ("commerce.orders", "commerce.impressions"),
}
"""A rate and the merged (numerator, denominator) it is the ratio of."""

DERIVED_REVENUE = ("revenue.total", "revenue.share.", "revenue.per_account_day",
                   "revenue.annualised")  # fmt: skip
"""Revenue figures derived from the streams (`sim.revenue`): derived again, never merged."""

DERIVED_SHARES = frozenset({"chat.delivered_live_share"})
"""Shares the activity derives again from the merged counts (`live_share`)."""

AUDIT = "payments.audit_balanced"
"""The ledger audit: the union's of the shards' books, made apart (`union_books`)."""


class ShardingError(RuntimeError):
    """The shards' records cannot make one result (a metric no merge rule covers)."""


@dataclass
class MergeClock:
    """The merged model's time: where the last call fed to it stood. A SimPy environment
    did this before, at the cost of running it to every call's time."""

    now: float = 0.0


class MergedCapacity:
    """The run's one capacity model, fed every shard's calls window by window."""

    def __init__(self, scenario: Scenario, rng: np.random.Generator) -> None:
        self.clock = MergeClock()
        self.model = CapacityModel(self.clock, scenario.platform.capacity, rng, LAG_FAMILIES)
        self.end_s = scenario.duration_days * SECONDS_PER_DAY
        self.warmup_s = scenario.warmup_days * SECONDS_PER_DAY
        interval = scenario.timeseries_interval_hours * SECONDS_PER_HOUR
        marks = set(np.arange(interval, self.end_s + interval / 2, interval).tolist())
        self._samples = sorted(t for t in marks | {self.end_s} if 0 < t <= self.end_s)
        self.snapshots: list[Snapshot] = []
        self.window: WindowStart | None = None
        if self.warmup_s == 0:
            self.window = WindowStart.now(self.model, Counters())

    def feed(self, windows: Sequence[Calls]) -> None:
        """One window's calls of every shard (shard k's at index k), in merged order: by
        time, then shard, then the order the shard made them. They go to the model in runs
        between the moments something happens (a sample, the measured window's start, a
        full buffer), so it sees them exactly as if submitted one by one at their times."""
        batches = [calls.submitted for calls in windows]
        sizes = [batch.time.size for batch in batches]
        if not sum(sizes):
            return
        time = np.concatenate([batch.time for batch in batches])
        shard = np.repeat(np.arange(len(windows)), sizes)
        made = np.concatenate([np.arange(size) for size in sizes])
        order = np.lexsort((made, shard, time))
        time = time[order]
        names = [
            np.array(calls.paths, dtype=object)[batch.path]
            for calls, batch in zip(windows, batches, strict=True)
        ]
        paths = np.concatenate(names)[order].tolist()
        work = np.concatenate([batch.work for batch in batches])[order]
        external_s = np.concatenate([batch.external_s for batch in batches])[order]
        start = 0
        while start < time.size:
            self._reach(float(time[start]))
            stop = min(self._quiet_until(time), start + self.model.room)
            self._advance(float(time[stop - 1]))
            self.model.submit_many(
                time[start:stop], paths[start:stop], work[start:stop], external_s[start:stop]
            )
            start = stop

    def _quiet_until(self, time: np.ndarray) -> int:
        """Index of the first of these (sorted) calls that `_reach` has work for: the next
        sample before it, or the measured window to open."""
        end = time.size
        if self._samples:
            end = min(end, int(np.searchsorted(time, self._samples[0], side="right")))
        if self.window is None:
            end = min(end, int(np.searchsorted(time, self.warmup_s, side="left")))
        return end

    def close(self) -> None:
        """Reach the end of the run: its last samples."""
        self._reach(self.end_s, inclusive=True)

    def _reach(self, time_s: float, inclusive: bool = False) -> None:
        """Take the samples (and open the window) due before `time_s`, then stand at it."""
        while self._samples and (
            self._samples[0] < time_s or (inclusive and self._samples[0] == time_s)
        ):
            self._advance(self._samples.pop(0))
            self.snapshots.append(self.model.snapshot())
        if self.window is None and self.warmup_s <= time_s:
            self._advance(self.warmup_s)
            self.window = WindowStart.now(self.model, Counters())
        self._advance(time_s)

    def _advance(self, time_s: float) -> None:
        if time_s > self.clock.now:
            self.clock.now = time_s


def merged_outcome(
    scenario: Scenario, capacity: MergedCapacity, shards: Sequence[ShardOutcome], running_s: float
) -> Outcome:
    """The replication's outcome, as one unsharded run would report it."""
    capacity.close()
    assert capacity.window is not None
    counters = total_counters([s.counters for s in shards])
    window = replace(
        capacity.window, counters=total_counters([s.records.window_counters for s in shards])
    )
    metrics, intervals = capacity_metrics(capacity.model, window, counters)
    users = merged_users(shards)
    retention = summed_retention([s.retention for s in shards])
    cohort_day = shards[0].cohort_day
    user_values, user_intervals = user_metrics(users, cohort_day, retention, scenario.duration_days)
    metrics.update(user_values)
    intervals.update(user_intervals)
    metrics.update(push_metrics(np.concatenate([s.push[0] for s in shards]),
                                sum(s.push[1] for s in shards)))  # fmt: skip
    others = _other_metrics(metrics, [s.outcome.metrics for s in shards])
    intervals.update(_other_intervals(others, [s.outcome for s in shards]))
    metrics.update(others)
    metrics.update(live_share(metrics))
    if AUDIT in shards[0].outcome.metrics:
        metrics[AUDIT] = (float(union_books([s.books for s in shards]).balanced), "bool")
    metrics.update(live_delivery(metrics))
    intervals.update(live_delivery(intervals))
    scale = Scale.of(scenario)
    intervals.update(revenue_intervals(metrics, intervals, scale))
    metrics.update(revenue_metrics(metrics, scale))
    metrics.update(client_revenue_metrics(metrics, pooled([s.client_revenue for s in shards])))
    timeline = merged_timeline(capacity, shards)
    seeding_s = max(s.outcome.seeding_s for s in shards)
    actions = sum(s.outcome.actions for s in shards)
    return Outcome(metrics, intervals, timeline, seeding_s, running_s, actions)


def total_counters(parts: Sequence[Counters | None]) -> Counters:
    names = [f.name for f in fields(Counters)]
    present = [part for part in parts if part is not None]
    return Counters(*(sum(getattr(part, name) for part in present) for name in names))


def merged_users(shards: Sequence[ShardOutcome]) -> UserState:
    """Each account's state from its owner (the shards' `mine` masks partition the rows)."""
    states = [shard.users for shard in shards]
    merged = UserState(states[0].size)
    for state, mine in zip(states, (shard.mine for shard in shards), strict=True):
        for name in ("churned", "first_active_day", "last_active_day", "last_active_hour",
                     "active_hours_today", "friend_day", "member", "lapsed_day"):  # fmt: skip
            getattr(merged, name)[mine] = getattr(state, name)[mine]
    days = max(len(state.daily_active) for state in states)
    merged.daily_active = [
        sum(s.daily_active[d] for s in states if d < len(s.daily_active)) for d in range(days)
    ]
    merged.in_window.count = sum(state.in_window.count for state in states)
    return merged


def summed_retention(parts: Sequence[dict[int, tuple[int, int]]]) -> dict[int, tuple[int, int]]:
    days = sorted({day for part in parts for day in part})
    return {
        day: (sum(p[day][0] for p in parts if day in p), sum(p[day][1] for p in parts if day in p))
        for day in days
    }


def _other_metrics(merged: Metrics, per_shard: Sequence[Metrics]) -> Metrics:
    """The shards' other measured parts: sums, peaks and rates as the module says;
    anything else equal on all (the audit is the union's, made apart)."""
    found: Metrics = {}
    names = sorted(set().union(*per_shard) - set(merged))
    for name in names:
        if _derived(name) or name == AUDIT or name in RATIOS:
            continue
        values = [metrics[name][0] for metrics in per_shard if name in metrics]
        unit = next(metrics[name][1] for metrics in per_shard if name in metrics)
        if name in PEAKS:
            found[name] = (float(max(values)), unit)
        elif unit in ADDITIVE_UNITS:
            found[name] = (float(sum(values)), unit)
        elif len(values) == len(per_shard) and all(v == values[0] or v != v for v in values):
            found[name] = per_shard[0][name]
        else:
            raise ShardingError(
                f"metric {name} differs across shards ({values}): no rule merges it"
            )
    for name, (numerator, denominator) in RATIOS.items():
        if name in names and found.get(denominator, (0.0, ""))[0] > 0:
            found[name] = (found[numerator][0] / found[denominator][0], "ratio")
    return found


def _other_intervals(merged: Metrics, shards: Sequence[Outcome]) -> Intervals:
    """Intervals of the merged other metrics, from the shards' own of the same kind."""
    found: dict[str, Estimate | None] = {}
    for name, (value, _) in merged.items():
        if name in RATIOS:
            numerator, denominator = RATIOS[name]
            found[name] = wilson(merged[numerator][0], merged[denominator][0])
            continue
        methods = {s.intervals[name].method for s in shards if name in s.intervals}
        if methods == {"poisson"}:
            found[name] = poisson_count(value)
        elif methods == {"compound-poisson"}:
            parts = [(s.metrics[name][0], s.intervals.get(name)) for s in shards
                     if name in s.metrics]  # fmt: skip
            found[name] = independent_total(parts)
    return present(found)


def merged_timeline(capacity: MergedCapacity, shards: Sequence[ShardOutcome]) -> Timeline:
    """Rows from the merged model's snapshots and the shards' summed counters; columns of
    other measured parts summed over the shards' own rows."""
    timeline = Timeline()
    previous = Counters()
    for index, snapshot in enumerate(capacity.snapshots):
        samples = [s.records.samples[index] for s in shards]
        counters = total_counters([sample[0] for sample in samples])
        active, churned = sum(s[1] for s in samples), sum(s[2] for s in samples)
        row = interval_row(snapshot, counters.since(previous), active, churned)
        for name in shards[0].outcome.timeline.columns:
            if name not in row and not _derived(name):
                row[name] = float(sum(s.outcome.timeline.columns[name][index] for s in shards))
        row.update(mix(row))
        timeline.add(snapshot.start_s / SECONDS_PER_HOUR, row, interval_bands(snapshot))
        previous = counters
    return timeline


def _derived(name: str) -> bool:
    """Derived again from the merged streams, never merged: a revenue figure, a client's
    revenue (`sim.client_revenue`) or a share of chat counts (`live_share`)."""
    return (
        name.startswith(DERIVED_REVENUE)
        or (name.startswith("clients.") and ".revenue" in name)
        or name in DERIVED_SHARES
    )
