"""A home-timeline read is a few round trips per store, however many streams it merges.

Counted on the wire: SQL statements through SQLAlchemy's `before_cursor_execute` event
(transaction control, BEGIN, aside), Redis round trips as the packets redis-py sends,
synchronous or asyncio (a pipeline or a script is one). The bound holds for a reader in
two groups following five accounts under every strategy, warm (the cache tier holds the
timeline, the token and the bodies); tests/microblog/api/test_hot_home.py counts the read
of a reader in no group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from redis.asyncio.connection import AbstractConnection as AsyncConnection
from redis.connection import AbstractConnection
from sqlalchemy import event

from microblog.platform import Microblog
from tests.microblog.api.conftest import Headers

ROUND_TRIPS_PER_STORE = 3
"""The issue's bound for the hot path: e.g. the timeline page, one multi-get of bodies and
the token lookup."""


@pytest.fixture(params=["push", "pull", "hybrid"])
def platform_config(request: pytest.FixtureRequest) -> dict[str, object]:
    return {"fanout": request.param, "hybrid_threshold": 3}


@dataclass
class Trips:
    sql: list[str] = field(default_factory=list)
    redis: int = 0


@contextmanager
def counted(blog: Microblog, monkeypatch: pytest.MonkeyPatch) -> Iterator[Trips]:
    trips = Trips()
    engine = getattr(blog.store, "engine", None)

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith("BEGIN"):
            trips.sql.append(statement)

    send = AbstractConnection.send_packed_command

    def counting_send(self: AbstractConnection, command: Any, check_health: bool = True) -> None:
        trips.redis += 1
        send(self, command, check_health)

    send_async = AsyncConnection.send_packed_command

    async def counting_send_async(
        self: AsyncConnection, command: Any, check_health: bool = True
    ) -> None:
        trips.redis += 1
        await send_async(self, command, check_health)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counting_send)
    monkeypatch.setattr(AsyncConnection, "send_packed_command", counting_send_async)
    if engine is not None:
        event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield trips
    finally:
        if engine is not None:
            event.remove(engine, "before_cursor_execute", on_execute)
        monkeypatch.undo()


def seed_reader(client: TestClient, signup: Callable[[str], Headers]) -> Headers:
    """A reader following five posting accounts (one of them above the hybrid threshold),
    in two groups with posts, with posts of their own."""
    reader = signup("reader")
    authors = [signup(f"author{i}") for i in range(5)]
    fans = [signup(f"fan{i}") for i in range(3)]
    ids = {
        name: client.get("/me", headers=h).json()["id"]
        for name, h in [("reader", reader), *[(f"a{i}", h) for i, h in enumerate(authors)]]
    }
    for headers in fans:
        assert client.put(f"/accounts/{ids['a0']}/follow", headers=headers).status_code < 300
    for i in range(5):
        assert client.put(f"/accounts/{ids[f'a{i}']}/follow", headers=reader).status_code < 300
    for n in range(4):
        for headers in [reader, *authors]:
            client.post("/posts", json={"text": f"post {n}"}, headers=headers)
    for name in ("club", "guild"):
        group = client.post("/groups", json={"name": name}, headers=authors[1]).json()["id"]
        assert client.put(f"/groups/{group}/members/me", headers=reader).status_code == 204
        client.post("/posts", json={"text": "members", "group_id": group}, headers=authors[1])
    return reader


@pytest.mark.parametrize("backend", ["sqlite", "postgres", "sqlite+redis"])
def test_a_warm_home_read_is_at_most_three_round_trips_per_store(
    client: TestClient, signup: Callable[[str], Headers], monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = seed_reader(client, signup)
    blog: Microblog = client.app.state.blog  # type: ignore[attr-defined]
    for path in ("/timeline/home", "/timeline/home/feed"):
        first = client.get(path, params={"limit": 10}, headers=reader)  # warms the tier
        with counted(blog, monkeypatch) as trips:
            warm = client.get(path, params={"limit": 10}, headers=reader)
        assert warm.status_code == 200 and warm.json() == first.json()
        assert len(warm.json()["items"]) == 10
        assert len(trips.sql) <= ROUND_TRIPS_PER_STORE, (path, trips.sql)
        assert trips.redis <= ROUND_TRIPS_PER_STORE, (path, trips.redis)
        if blog.ctx.cache.shared:
            assert len(trips.sql) <= 1, (path, trips.sql)  # only the merged streams
