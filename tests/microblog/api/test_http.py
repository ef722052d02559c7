"""The HTTP API: the journey the README shows, and errors that name the problem."""

from collections.abc import Callable

from fastapi.testclient import TestClient

from microblog.work import WORK_HEADER, Work
from tests.microblog.api.conftest import OPERATOR, Headers

Signup = Callable[[str], Headers]


def test_register_follow_post_and_read_the_home_timeline(
    client: TestClient, signup: Signup
) -> None:
    alice, bob = signup("alice"), signup("bob")
    bob_id = client.get("/me", headers=bob).json()["id"]
    assert client.put(f"/accounts/{bob_id}/follow", headers=alice).status_code == 204
    post = client.post("/posts", json={"text": "hello @alice"}, headers=bob).json()
    home = client.get("/timeline/home", headers=alice).json()
    assert [p["id"] for p in home["items"]] == [post["id"]]
    assert [p["id"] for p in client.get("/me/mentions", headers=alice).json()["items"]] == [
        post["id"]
    ]
    assert client.get(f"/accounts/{bob_id}", headers=alice).json()["follower_count"] == 1


def test_every_response_reports_its_work(client: TestClient, signup: Signup) -> None:
    alice = signup("alice")
    response = client.post("/posts", json={"text": "counted"}, headers=alice)
    assert Work.from_header(response.headers[WORK_HEADER]).db_writes >= 1


def test_unauthenticated_calls_get_401(client: TestClient) -> None:
    for method, path in [("get", "/timeline/home"), ("post", "/posts"), ("get", "/me")]:
        response = client.request(method, path, json={"text": "x"})
        assert response.status_code == 401
        assert response.json()["error"] == "unauthorized"
    bad = client.get("/me", headers={"Authorization": "Bearer forged"})
    assert bad.status_code == 401


def test_malformed_bodies_get_422_naming_the_field(client: TestClient, signup: Signup) -> None:
    alice = signup("alice")
    missing = client.post("/posts", json={"txt": "typo"}, headers=alice)
    assert missing.status_code == 422 and missing.json()["field"] == "text"
    too_long = client.post("/posts", json={"text": "x" * 2001}, headers=alice)
    assert too_long.status_code == 422 and too_long.json()["field"] == "text"
    bad_name = client.post("/accounts", json={"name": "a b", "password": "password1"})
    assert bad_name.status_code == 422 and bad_name.json()["field"] == "name"
    bad_cursor = client.get("/timeline/home?cursor=zzz", headers=alice)
    assert bad_cursor.status_code == 422 and bad_cursor.json()["field"] == "cursor"


def test_editing_or_deleting_another_users_post_is_forbidden(
    client: TestClient, signup: Signup
) -> None:
    alice, mallory = signup("alice"), signup("mallory")
    post = client.post("/posts", json={"text": "mine"}, headers=alice).json()
    assert (
        client.patch(f"/posts/{post['id']}", json={"text": "x"}, headers=mallory).status_code == 403
    )
    assert client.delete(f"/posts/{post['id']}", headers=mallory).status_code == 403
    assert client.delete(f"/posts/{post['id']}", headers=alice).status_code == 204
    assert client.get(f"/posts/{post['id']}", headers=alice).status_code == 404


def test_duplicates_conflict_and_oversized_bodies_get_413(
    client: TestClient, signup: Signup
) -> None:
    signup("alice")
    again = client.post("/accounts", json={"name": "alice", "password": "password1"})
    assert again.status_code == 409
    huge = client.post("/accounts", content=b"{" + b" " * 70_000 + b"}")
    assert huge.status_code == 413


def test_group_posts_reach_members_only_over_http(client: TestClient, signup: Signup) -> None:
    owner, member, outsider = signup("owner"), signup("member"), signup("outsider")
    group = client.post("/groups", json={"name": "club"}, headers=owner).json()
    assert client.put(f"/groups/{group['id']}/members/me", headers=member).status_code == 204
    post = client.post("/posts", json={"text": "members", "group_id": group["id"]}, headers=owner)
    assert post.status_code == 201
    assert len(client.get("/timeline/home", headers=member).json()["items"]) == 1
    assert client.get("/timeline/home", headers=outsider).json()["items"] == []
    assert client.get(f"/groups/{group['id']}/posts", headers=outsider).status_code == 403


def test_operator_seeding_creates_accounts_with_tokens_and_edges(client: TestClient) -> None:
    operator = {"Authorization": f"Bearer {OPERATOR}"}
    names = [{"name": f"seed{i}"} for i in range(3)]
    seeded = client.post("/admin/seed/accounts", json={"accounts": names}, headers=operator).json()
    ids = [s["id"] for s in seeded]
    edges = [[ids[1], ids[0]], [ids[2], ids[0]], [ids[2], ids[0]]]
    added = client.post("/admin/seed/follows", json={"edges": edges}, headers=operator).json()
    assert added == {"added": 2}
    star = {"Authorization": f"Bearer {seeded[0]['token']}"}
    client.post("/posts", json={"text": "to two fans"}, headers=star)
    stats = client.get("/admin/stats/fanout", headers=operator).json()
    assert stats["deliveries"] == 2 and stats["posts"] == 1
    assert client.get("/admin/stats/fanout", headers=star).status_code == 401


def test_openapi_and_healthz_are_served(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    paths = client.get("/openapi.json").json()["paths"]
    assert "/timeline/home" in paths and "/posts" in paths


def test_healthz_is_matched_before_any_api_route_and_carries_the_work_header(
    client: TestClient,
) -> None:
    """Routes are tried in order, so a health probe must not pay for matching the API's."""
    paths = [getattr(route, "path", None) for route in client.app.routes]  # type: ignore[attr-defined]
    tried_first = paths[: paths.index("/healthz")]
    assert set(tried_first) <= {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
    response = client.get("/healthz")
    assert response.headers[WORK_HEADER] == ""  # no work done, and said so


def test_openapi_documents_the_error_body_every_4xx_carries(client: TestClient) -> None:
    """FastAPI documents 422 as `{"detail": [...]}`, a body this API never sends."""
    spec = client.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if path != "/healthz":
                error = operation["responses"]["4XX"]["content"]["application/json"]
                assert error["schema"] == {"$ref": "#/components/schemas/ErrorPublic"}, path
                assert "422" not in operation["responses"], (method, path)
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert set(spec["components"]["schemas"]["ErrorPublic"]["required"]) == {
        "error",
        "message",
        "field",
    }
