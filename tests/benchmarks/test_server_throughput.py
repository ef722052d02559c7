"""The server benchmark's parts against a real `fanout serve`: wrk's Lua scripts act as the
seeded accounts and are answered 2xx, gifts carry fresh keys, and what cannot run is skipped
with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import serving
from benchmarks.backends import POSTGRES_ENV, REDIS_ENV
from benchmarks.runner import Skipped
from benchmarks.seeding import Population, audit_failures
from benchmarks.server_throughput import CHAT_SEND, GIFT, TIMELINE, seeded
from benchmarks.serving import Deployment, fanout_server
from benchmarks.wrk_run import run_wrk, wrk_executable

SMALL = Population(people=6, follows_each=2, posts=10)
WRK_S = 1.0


@pytest.fixture
def wrk() -> str:
    found = wrk_executable()
    if found is None:
        pytest.skip("wrk not installed (apt-get install wrk)")
    return found


def test_the_lua_scripts_act_as_seeded_people_and_every_gift_is_a_new_payment(
    wrk: str, tmp_path: Path
) -> None:
    deployment = Deployment("sqlite", store="sqlite")
    with seeded(deployment, tmp_path, SMALL) as server, server.operator_client() as client:
        before = client.get("/admin/ledger/audit").json()["transfers"]
        for probe in (TIMELINE, CHAT_SEND):
            result = run_wrk(wrk, probe.load(server), WRK_S, connections=2)
            assert result.requests > 0 and result.refused == 0, probe.name
        gifts = run_wrk(wrk, GIFT.load(server), WRK_S, connections=2)
        assert gifts.requests > 0 and gifts.refused == 0
        assert not audit_failures(client)
        audit = client.get("/admin/ledger/audit").json()
    # answered gifts all moved money: no key was reused (a replay makes no transfer)
    assert audit["transfers"] - before >= gifts.requests


def test_an_unnamed_postgresql_or_redis_is_skipped_saying_which_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(POSTGRES_ENV, raising=False)
    monkeypatch.delenv(REDIS_ENV, raising=False)
    with (
        pytest.raises(Skipped, match=POSTGRES_ENV),
        fanout_server(Deployment("pg", store="postgresql"), tmp_path),
    ):
        pass
    with (
        pytest.raises(Skipped, match=REDIS_ENV),
        fanout_server(Deployment("redis", store="memory", cache="redis"), tmp_path),
    ):
        pass


def test_several_processes_are_skipped_while_fanout_serve_has_no_workers_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serving, "serve_options", lambda: "--fanout-workers INTEGER")
    with (
        pytest.raises(Skipped, match="--workers"),
        fanout_server(Deployment("two", store="memory", workers=2), tmp_path),
    ):
        pass
