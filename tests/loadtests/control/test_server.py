"""The reference server for a load test: up on loopback for the block, gone after it."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import psutil
import pytest
from redis import Redis
from sqlalchemy import create_engine, text

from loadtests.control.server import local_server
from microblog.config import FanoutStrategy, PlatformConfig
from scenario.loadtest import ServerShape
from tests.backends import POSTGRES_URL, REDIS_URL, postgres_unavailable, redis_unavailable
from tests.microblog.fanout.support import wait_until


def test_the_server_answers_inside_the_block_and_is_stopped_even_after_an_error() -> None:
    with (
        pytest.raises(RuntimeError, match="the test broke"),
        local_server(PlatformConfig(fanout=FanoutStrategy.PULL)) as server,
    ):
        pid = server.pid
        assert server.base_url.startswith("http://127.0.0.1:")
        assert httpx.get(f"{server.base_url}/healthz").json() == {"status": "ok"}
        operator = {"Authorization": f"Bearer {server.operator_token}"}
        assert httpx.get(f"{server.base_url}/admin/stats/fanout", headers=operator).is_success
        raise RuntimeError("the test broke")
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.base_url}/healthz")


def test_a_production_shaped_server_keeps_its_data_in_a_scratch_schema_and_prefix() -> None:
    """PostgreSQL + Redis + two server processes: a post written through the server is in
    the run's own schema while it runs, and the schema and keys are gone afterwards."""
    if reason := postgres_unavailable() or redis_unavailable():
        pytest.skip(reason)
    shape = ServerShape(store=POSTGRES_URL, cache=REDIS_URL, workers=2)
    with local_server(PlatformConfig(), shape=shape) as server:
        environment = process_environment(server.pid)
        schema = environment["FANOUT_STORE"].rpartition("search_path%3D")[2]
        prefix = environment["FANOUT_CACHE_PREFIX"]
        assert schema.startswith("fanout_loadtest_") and prefix.startswith("fanout-loadtest-")
        headers = {"Authorization": f"Bearer {server.operator_token}"}
        seeded = httpx.post(
            f"{server.base_url}/admin/seed/accounts",
            json={"accounts": [{"name": "shaped_one"}]},
            headers=headers,
        )
        assert seeded.status_code == 201, seeded.text
        assert postgres_rows(f"SELECT count(*) FROM {schema}.accounts") == 1
    assert postgres_rows(f"SELECT count(*) FROM pg_namespace WHERE nspname = '{schema}'") == 0
    assert not Redis.from_url(REDIS_URL).keys(f"{prefix}*")


def test_a_server_with_redis_fans_out_through_worker_processes_stopped_with_it() -> None:
    if reason := redis_unavailable():
        pytest.skip(reason)
    shape = ServerShape(cache=REDIS_URL, fanout_workers=2)
    with local_server(PlatformConfig(), shape=shape) as server:
        children = psutil.Process().children(recursive=True)
        workers = [p for p in children if "fanout-worker" in p.cmdline()]
        assert len(workers) == 2
        operator = {"Authorization": f"Bearer {server.operator_token}"}
        star_token = seed_star_with_a_fan(server.base_url, operator)
        posted = httpx.post(
            f"{server.base_url}/posts", json={"text": "to my fan"}, headers=star_token
        )
        assert posted.status_code == 201, posted.text
        wait_until(
            lambda: fanout_stats(server.base_url, operator)["deliveries"] == 1, "the delivery"
        )
    assert not any(p.is_running() for p in workers)


def seed_star_with_a_fan(base_url: str, operator: dict[str, str]) -> dict[str, str]:
    """Seed a star and a follower; the star's auth headers."""
    names = {"accounts": [{"name": "the_star"}, {"name": "the_fan"}]}
    seeded = httpx.post(f"{base_url}/admin/seed/accounts", json=names, headers=operator).json()
    star, fan = seeded
    edges = {"edges": [[fan["id"], star["id"]]]}
    httpx.post(f"{base_url}/admin/seed/follows", json=edges, headers=operator).raise_for_status()
    return {"Authorization": f"Bearer {star['token']}"}


def fanout_stats(base_url: str, operator: dict[str, str]) -> dict[str, int]:
    stats: dict[str, int] = httpx.get(f"{base_url}/admin/stats/fanout", headers=operator).json()
    return stats


def process_environment(pid: int) -> dict[str, str]:
    pairs = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(p.decode().partition("=")[::2] for p in pairs if p)


def postgres_rows(query: str) -> int:
    engine = create_engine(POSTGRES_URL)
    with engine.connect() as conn:
        count = int(conn.execute(text(query)).scalar_one())
    engine.dispose()
    return count
