"""The server keeps the garbage collector's full scans short and rare (`quiet_collector`)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from microblog.api.app import FULL_COLLECTION_EVERY, create_app
from microblog.api.settings import ServerSettings


@pytest.fixture
def collector_restored() -> Iterator[None]:
    """This worker's collector as it was: thresholds and nothing frozen."""
    threshold = gc.get_threshold()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("collector_restored")
def test_a_started_server_freezes_what_start_up_left_and_scans_fully_less_often() -> None:
    assert gc.get_freeze_count() == 0
    app = create_app(ServerSettings(store="memory"))
    assert gc.get_freeze_count() == 0  # building the app is not starting it
    with TestClient(app) as client:
        assert gc.get_freeze_count() > 10_000  # imports, routes and the platform
        oldest = gc.get_threshold()[2]
        assert oldest == FULL_COLLECTION_EVERY > 10  # Python's default: 10
        assert client.get("/healthz").status_code == 200
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1  # garbage made while it runs is still collected
    assert gc.get_freeze_count() == 0  # stopped: the collector as it found it
    assert gc.get_threshold()[2] != FULL_COLLECTION_EVERY
