"""The in-process CPU benchmark measures what it names: every probe of every deployment
that can run here answers 200 and costs CPU, and one that cannot is a note, not a crash."""

from __future__ import annotations

import pytest

from benchmarks import server_cpu
from benchmarks.backends import POSTGRES_ENV, REDIS_ENV
from benchmarks.seeding import Population


def test_every_probe_of_a_deployment_is_measured_and_the_unnamed_ones_are_noted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(server_cpu, "POPULATION", Population(people=4, follows_each=2, posts=60))
    monkeypatch.setattr(server_cpu, "BATCH", {True: 5, False: 5})
    monkeypatch.setattr(server_cpu, "BATCHES", 2)
    monkeypatch.delenv(POSTGRES_ENV, raising=False)
    monkeypatch.delenv(REDIS_ENV, raising=False)
    with server_cpu.prepare(True) as repeat:
        measured = repeat()
    probes = ("timeline", "feed", "bare", "healthz", "bare_healthz")
    expected = {f"{probe}.{name}.cpu_us" for probe in probes for name in ("sqlite", "memory")}
    assert set(measured.values) == expected
    assert all(value > 0 for value in measured.values.values())
    assert measured.notes == (
        f"postgresql: PostgreSQL: not measured, {POSTGRES_ENV} unset",
        f"postgresql_redis: PostgreSQL: not measured, {POSTGRES_ENV} unset",
    )
    assert set(measured.values) <= set(server_cpu.BENCHMARK.units)
