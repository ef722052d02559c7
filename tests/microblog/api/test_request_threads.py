"""The server runs at most `request_threads` synchronous endpoints (database calls) at once."""

from __future__ import annotations

import threading
import time

import pytest
from anyio import to_thread
from fastapi.testclient import TestClient

from cli import _server_settings
from microblog.api.app import create_app
from microblog.api.settings import REQUEST_THREADS, ServerSettings


def limiter_tokens(client: TestClient) -> float:
    portal = client.portal
    assert portal is not None
    return portal.call(lambda: to_thread.current_default_thread_limiter().total_tokens)


@pytest.mark.parametrize("threads", [1, 3])
def test_the_app_lets_as_many_threads_run_database_calls_as_its_settings_say(
    threads: int,
) -> None:
    with TestClient(create_app(ServerSettings(store="memory", request_threads=threads))) as client:
        assert limiter_tokens(client) == threads


def test_one_request_thread_runs_slow_calls_one_after_another() -> None:
    """With one thread, slow synchronous calls never overlap (the limit is real)."""
    app = create_app(ServerSettings(store="memory", request_threads=1))
    running, most = 0, 0
    lock = threading.Lock()

    def slow() -> dict[str, int]:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return {"most": most}

    app.add_api_route("/slow", slow)
    with TestClient(app) as client:
        workers = [threading.Thread(target=client.get, args=("/slow",)) for _ in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    assert most == 1


def test_serve_reads_the_request_threads_option_and_defaults_below_anyios_forty() -> None:
    assert _server_settings({"request_threads": 3}).request_threads == 3
    assert _server_settings({}).request_threads == REQUEST_THREADS < 40
