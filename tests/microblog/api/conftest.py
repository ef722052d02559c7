"""An HTTP client over the app on each backend, and helpers to make authenticated users."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from microblog.api.app import create_app
from microblog.api.settings import ServerSettings
from microblog.config import PlatformConfig
from tests.backends import store_url
from tests.microblog.conftest import CHEAP_HASHING

OPERATOR = "operator-secret"
Headers = dict[str, str]


@pytest.fixture
def platform_config() -> dict[str, object]:
    """Platform config of the app under test; a module overrides this fixture to change it."""
    return {}


@pytest.fixture
def client(
    backend: str, tmp_path: Path, platform_config: dict[str, object]
) -> Iterator[TestClient]:
    with (
        store_url(backend, tmp_path) as store,
        TestClient(create_app(server_settings(store, platform_config))) as test_client,
    ):
        yield test_client


def server_settings(store: str, platform_config: dict[str, object]) -> ServerSettings:
    return ServerSettings(
        store=store,
        platform=PlatformConfig.model_validate({**CHEAP_HASHING, **platform_config}),
        background_fanout_workers=0,
        operator_token=OPERATOR,
    )


@pytest.fixture
def signup(client: TestClient) -> Callable[[str], Headers]:
    """Register and log in a user; returns its auth headers."""

    def make(name: str) -> Headers:
        assert (
            client.post("/accounts", json={"name": name, "password": "password1"}).status_code
            == 201
        )
        token = client.post("/auth/token", json={"name": name, "password": "password1"})
        return {"Authorization": f"Bearer {token.json()['access_token']}"}

    return make
