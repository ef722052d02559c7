"""An HTTP client over the app on each backend, and helpers to make authenticated users."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from microblog.api.app import create_app
from microblog.api.settings import ServerSettings
from microblog.cache import CacheTier
from microblog.config import PlatformConfig
from tests.backends import cache_for, store_url
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
        cache_for(backend) as cache,
        TestClient(
            create_app(server_settings(store, platform_config, cache, str(tmp_path / "media")))
        ) as test_client,
    ):
        yield test_client


def server_settings(
    store: str,
    platform_config: dict[str, object],
    cache: CacheTier | None = None,
    media: str = "memory",
) -> ServerSettings:
    """Settings of the app under test: inline fan-out, the operator token, the backend's
    cache tier (its Redis prefix, when it has one), photo bytes in `media`."""
    default = CacheTier()
    return ServerSettings(
        store=store,
        cache=(cache or default).url,
        cache_prefix=(cache or default).prefix,
        platform=PlatformConfig.model_validate({**CHEAP_HASHING, **platform_config}),
        fanout_delivery="inline",
        operator_token=OPERATOR,
        media=media,
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


def certify(client: TestClient, headers: Headers, operator: str = "ops-test") -> None:
    """Have an operator approve the caller's pending certification application."""
    (pending,) = [
        c for c in client.get("/certifications", headers=headers).json() if c["status"] == "pending"
    ]
    approved = client.post(
        f"/admin/certifications/{pending['id']}/approve",
        json={"operator": operator},
        headers={"Authorization": f"Bearer {OPERATOR}"},
    )
    assert approved.status_code == 200, approved.text
