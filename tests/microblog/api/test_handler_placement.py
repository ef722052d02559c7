"""Synchronous handlers run on the event loop with a store in the process, on the
threadpool with one over the network, and always on the threadpool when they wait."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from cli import _server_settings
from microblog.api.app import create_app
from microblog.api.offload import HandlerPlacement, LoopRoute, placed, waits
from microblog.api.settings import ServerSettings


class Echo(BaseModel):
    n: int


def thread_name() -> str:
    return threading.current_thread().name


def placement_app(on_loop: bool) -> FastAPI:
    """Endpoints and a dependency that report the thread they ran on."""
    router = APIRouter(route_class=LoopRoute)

    def dependency() -> str:
        return thread_name()

    @router.get("/computes")
    def computes(dependency_thread: str = Depends(placed(dependency))) -> dict[str, str]:
        return {"endpoint": thread_name(), "dependency": dependency_thread}

    @router.get("/waits")
    @waits
    def waiting() -> dict[str, str]:
        return {"endpoint": thread_name()}

    @router.get("/echo")
    def echo(n: int) -> Echo:
        return Echo(n=n)

    @router.get("/async")
    async def asynchronous() -> dict[str, str]:
        return {"endpoint": thread_name()}

    app = FastAPI()
    app.include_router(router)
    app.add_middleware(HandlerPlacement, on_loop=on_loop)
    return app


def loop_thread(client: TestClient) -> str:
    """The name of the thread running the app's event loop (an async endpoint's)."""
    name: str = client.get("/async").json()["endpoint"]
    return name


def test_on_the_loop_a_computing_endpoint_and_dependency_run_on_the_loops_thread() -> None:
    with TestClient(placement_app(on_loop=True)) as client:
        ran = client.get("/computes").json()
        assert ran == {"endpoint": loop_thread(client), "dependency": loop_thread(client)}


def test_on_the_threadpool_they_run_off_the_loop() -> None:
    with TestClient(placement_app(on_loop=False)) as client:
        ran = client.get("/computes").json()
        assert ran["endpoint"] != loop_thread(client)
        assert ran["dependency"] != loop_thread(client)


@pytest.mark.parametrize("on_loop", [True, False])
def test_an_endpoint_that_waits_keeps_the_threadpool(on_loop: bool) -> None:
    with TestClient(placement_app(on_loop)) as client:
        assert client.get("/waits").json()["endpoint"] != loop_thread(client)


def test_a_generator_endpoint_is_left_to_fastapi_which_streams_it() -> None:
    def lines() -> Iterator[str]:
        yield "one"

    def plain() -> str:
        return "one"

    assert LoopRoute("/lines", lines).endpoint is lines
    assert LoopRoute("/plain", plain).endpoint is not plain


def test_placed_keeps_the_signature_fastapi_injects_and_the_response_model() -> None:
    app = placement_app(on_loop=True)
    schema = app.openapi()["paths"]["/echo"]["get"]
    assert [p["name"] for p in schema["parameters"]] == ["n"]
    ok = schema["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/Echo"}
    with TestClient(app) as client:
        assert client.get("/echo", params={"n": 3}).json() == {"n": 3}
        assert client.get("/echo", params={"n": "x"}).status_code == 422


@pytest.mark.parametrize(
    ("store", "on_loop"),
    [("memory", True), ("sqlite:///x.sqlite", True), ("postgresql+psycopg://u@h/db", False)],
)
def test_auto_runs_handlers_on_the_loop_exactly_for_a_store_in_the_process(
    store: str, on_loop: bool
) -> None:
    assert ServerSettings(store=store).handlers_on_loop() is on_loop
    assert ServerSettings(store=store, cache="redis://127.0.0.1:6379/0").handlers_on_loop() is False
    assert ServerSettings(store=store, handlers="threadpool").handlers_on_loop() is False
    assert ServerSettings(store=store, handlers="event_loop").handlers_on_loop() is True


@pytest.mark.parametrize(("handlers", "on_loop"), [("event_loop", True), ("threadpool", False)])
def test_the_platforms_api_authenticates_where_the_settings_say(
    handlers: str, on_loop: bool
) -> None:
    """`current_account_id` and `current_account` (an authenticated request's dependencies,
    both resolving the token with `account_id_for`) on a real app."""
    app = create_app(ServerSettings(store="memory", handlers=handlers))  # type: ignore[arg-type]
    seen: list[str] = []
    with TestClient(app) as client:
        accounts = app.state.blog.accounts
        account_id_for = accounts.account_id_for

        def recording(token: str) -> int:
            seen.append(thread_name())
            return account_id_for(token)

        accounts.account_id_for = recording
        loop = client.portal.call(thread_name)  # type: ignore[union-attr]
        client.post("/accounts", json={"name": "ada", "password": "correct horse"})
        token = client.post("/auth/token", json={"name": "ada", "password": "correct horse"})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        for path in ("/me", "/me/mentions"):
            answer = client.get(path, headers=headers)
            assert answer.status_code == 200, answer.text
    assert len(seen) >= 2 and all((name == loop) is on_loop for name in seen)


def test_serve_reads_the_handlers_option() -> None:
    assert _server_settings({"handlers": "threadpool"}).handlers == "threadpool"
    assert _server_settings({}).handlers == "auto"
