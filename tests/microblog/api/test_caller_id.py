"""Authentication reads no account row when the endpoint needs only the caller's id.

Most endpoints take `CurrentAccountId`: once this process knows a first-party token it is a
lookup in memory. `CurrentAccount`, kept where a handler needs the whole account (`/me`),
reads the row on every request, which is the negative control here: the same counter
must see that read. Both refuse a missing or forged token alike, and an app token whose
grant was withdrawn stops working at once on either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient

from microblog.models import Account
from microblog.platform import Microblog
from tests.microblog.api.conftest import Headers
from tests.microblog.api.oauth_flow import authorize, bearer, register_app

Signup = Callable[[str], Headers]


@contextmanager
def account_reads(blog: Microblog, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The ids the store's accounts repository is asked for by `get`, whatever the backend."""
    with blog.ctx.store.read() as tx:
        repository = type(tx.accounts)
    get = repository.get
    asked: list[int] = []

    def counting(self: object, account_id: int) -> Account | None:
        asked.append(account_id)
        return get(self, account_id)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(repository, "get", counting)
        yield asked


def id_only_calls(client: TestClient, headers: Headers) -> list[tuple[str, str]]:
    """Calls of endpoints that take `CurrentAccountId` and whose services read no account."""
    post_id = client.post("/posts", json={"text": "hello"}, headers=headers).json()["id"]
    return [
        ("GET", "/me/mentions"),
        ("PUT", f"/posts/{post_id}/like"),
        ("GET", f"/posts/{post_id}/comments"),
        ("GET", "/chat/unread"),
    ]


def test_an_id_only_endpoint_reads_no_account_once_the_token_is_known(
    client: TestClient, signup: Signup, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = signup("alice")
    blog: Microblog = client.app.state.blog  # type: ignore[attr-defined]
    calls = id_only_calls(client, alice)  # its POST /posts makes the token known
    with account_reads(blog, monkeypatch) as asked:
        for method, path in calls:
            answer = client.request(method, path, headers=alice)
            assert answer.status_code == 200, (path, answer.text)
    assert asked == []


def test_the_whole_account_is_read_where_the_handler_needs_it(
    client: TestClient, signup: Signup, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = signup("alice")
    blog: Microblog = client.app.state.blog  # type: ignore[attr-defined]
    alice_id = client.get("/me", headers=alice).json()["id"]
    with account_reads(blog, monkeypatch) as asked:
        assert client.get("/me", headers=alice).json()["name"] == "alice"
    assert alice_id in asked


def test_a_missing_or_forged_token_gets_the_same_401_as_from_current_account(
    client: TestClient, signup: Signup
) -> None:
    calls = id_only_calls(client, signup("alice"))
    for headers in ({}, bearer("forged")):
        expected = client.get("/me", headers=headers)
        assert expected.status_code == 401
        for method, path in calls:
            answer = client.request(method, path, headers=headers)
            assert (answer.status_code, answer.json()) == (401, expected.json()), path


def test_an_app_token_stops_working_when_its_grant_is_withdrawn(
    client: TestClient, signup: Signup
) -> None:
    dev, alice = signup("dev"), signup("alice")
    app = register_app(client, dev)
    as_app = bearer(authorize(client, app, alice, "read")["access_token"])
    assert client.get("/me/mentions", headers=as_app).status_code == 200
    assert client.delete(f"/apps/authorized/{app.client_id}", headers=alice).status_code == 204
    assert client.get("/me/mentions", headers=as_app).status_code == 401
