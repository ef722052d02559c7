"""The reference server for a load test: up on loopback for the block, gone after it."""

from __future__ import annotations

import os

import httpx
import pytest

from loadtests.control.server import local_server
from microblog.config import FanoutStrategy, PlatformConfig


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
