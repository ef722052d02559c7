"""The reference server for a load test: up on loopback for the block, gone after it."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from redis import Redis
from sqlalchemy import create_engine, text

from loadtests.control.server import local_server
from microblog.config import FanoutStrategy, PlatformConfig
from scenario.loadtest import ServerShape
from tests.backends import POSTGRES_URL, REDIS_URL, postgres_unavailable, redis_unavailable


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


def process_environment(pid: int) -> dict[str, str]:
    pairs = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(p.decode().partition("=")[::2] for p in pairs if p)


def postgres_rows(query: str) -> int:
    engine = create_engine(POSTGRES_URL)
    with engine.connect() as conn:
        count = int(conn.execute(text(query)).scalar_one())
    engine.dispose()
    return count
