"""The hot home read (microblog.api.home): a whole timeline's page from the cache tier alone
(Redis, or the memory tier beside an SQL store), and the same page the store's path gives,
however the reader's timeline changes.

The hot path serves a reader under push fan-out who is in no group, with a token this
process has answered for, once a read rebuilt the timeline; every test reads twice (the
first read takes the store's path and rebuilds) and compares with what the store's path
answers for the same request, by forcing that path (`hot_pages` switched off).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from microblog.cache.hot_pages import HotPage, HotPages
from microblog.platform import Microblog
from tests.microblog.api.conftest import Headers
from tests.microblog.api.test_home_round_trips import counted


@pytest.fixture(params=["sqlite", "postgres", "sqlite+redis", "postgres+redis"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@contextmanager
def hot_reads(client: TestClient) -> Iterator[list[bool]]:
    """Whether each hot read in the block was served from the tier alone (True) or handed to
    the store's path (False)."""
    served: list[bool] = []
    hot: HotPages = client.app.state.hot_pages  # type: ignore[attr-defined]
    page = hot.page

    async def counting_page(owner_id: int, before: int | None, limit: int) -> HotPage | None:
        found = await page(owner_id, before, limit)
        served.append(found is not None)
        return found

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hot, "page", counting_page)
        yield served


def from_store(client: TestClient, headers: Headers, **params: str | int) -> Any:
    """The page the store's path answers, with the hot path switched off."""
    app = client.app
    hot = app.state.hot_pages  # type: ignore[attr-defined]
    app.state.hot_pages = None  # type: ignore[attr-defined]
    try:
        return client.get("/timeline/home", params=params, headers=headers).json()
    finally:
        app.state.hot_pages = hot  # type: ignore[attr-defined]


def read(client: TestClient, headers: Headers, **params: str | int) -> Any:
    response = client.get("/timeline/home", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def reader(client: TestClient, signup: Callable[[str], Headers]) -> tuple[Headers, Headers]:
    """A reader following an author; both have posted (the reader's timeline not yet read)."""
    reader, author = signup("reader"), signup("author")
    author_id = client.get("/me", headers=author).json()["id"]
    assert client.put(f"/accounts/{author_id}/follow", headers=reader).status_code < 300
    for n in range(3):
        client.post("/posts", json={"text": f"author {n}"}, headers=author)
        client.post("/posts", json={"text": f"reader {n}"}, headers=reader)
    return reader, author


def test_a_whole_timeline_is_served_hot_with_the_store_paths_pages(
    client: TestClient, reader: tuple[Headers, Headers]
) -> None:
    headers, _ = reader
    first = read(client, headers, limit=4)  # the store's path: rebuilds, caches bodies
    read(client, headers, limit=4, cursor=first["next_cursor"])  # caches the rest's bodies
    with hot_reads(client) as served:
        hot = read(client, headers, limit=4)
        rest = read(client, headers, limit=4, cursor=hot["next_cursor"])
    assert served == [True, True]
    assert hot == first == from_store(client, headers, limit=4)
    assert rest == from_store(client, headers, limit=4, cursor=hot["next_cursor"])
    texts = [post["text"] for post in hot["items"] + rest["items"]]
    assert sorted(texts) == sorted(f"{who} {n}" for who in ("author", "reader") for n in range(3))
    assert rest["next_cursor"] is None


def test_own_posts_are_read_hot_at_once(
    client: TestClient, reader: tuple[Headers, Headers]
) -> None:
    headers, _ = reader
    read(client, headers)
    client.post("/posts", json={"text": "just now"}, headers=headers)
    read(client, headers)  # the new post's body is not cached yet: the store's path fills it
    with hot_reads(client) as served:
        page = read(client, headers)
    assert served == [True]
    assert page["items"][0]["text"] == "just now"
    assert page == from_store(client, headers)


def test_joining_a_group_ends_hot_reads_until_group_posts_are_merged(
    client: TestClient, reader: tuple[Headers, Headers]
) -> None:
    headers, author = reader
    read(client, headers)
    group = client.post("/groups", json={"name": "club"}, headers=author).json()["id"]
    client.post("/posts", json={"text": "members only", "group_id": group}, headers=author)
    assert client.put(f"/groups/{group}/members/me", headers=headers).status_code == 204
    with hot_reads(client) as served:
        page = read(client, headers)
        again = read(client, headers)
    assert served == [False, False]  # forgotten, then rebuilt as not whole
    assert page["items"][0]["text"] == "members only"
    assert page == again == from_store(client, headers)


def test_a_deleted_post_leaves_the_page_as_on_the_store_path(
    client: TestClient, reader: tuple[Headers, Headers]
) -> None:
    headers, _ = reader
    newest = read(client, headers)["items"][0]
    assert client.delete(f"/posts/{newest['id']}", headers=headers).status_code == 204
    with hot_reads(client) as served:
        page = read(client, headers)
    assert served == [False]  # a tombstone's body is not served spliced
    assert newest["id"] not in [post["id"] for post in page["items"]]
    assert page == from_store(client, headers)


def test_a_warm_hot_read_is_one_redis_round_trip_and_no_sql(
    client: TestClient, reader: tuple[Headers, Headers], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page and its bodies come from one script (none in the memory tier); the store is
    not asked."""
    headers, _ = reader
    blog: Microblog = client.app.state.blog  # type: ignore[attr-defined]
    first = read(client, headers)  # rebuilds the timeline, caches the bodies
    with counted(blog, monkeypatch) as trips:
        warm = read(client, headers)
    assert warm == first and len(warm["items"]) == 6
    assert (trips.sql, trips.redis) == ([], 1 if blog.ctx.cache.shared else 0)
