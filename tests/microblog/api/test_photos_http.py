"""Albums and photos over HTTP, as acceptance item 1 of issue 20 walks them: an album, a JPEG
and a PNG uploaded (multipart), a post with both, the follower's timeline with thumbnail
URLs, 304 on a repeated read, and clear refusals of an oversize upload and of text named
`.jpg`."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from microblog.work import WORK_HEADER, Work
from tests.microblog.api.conftest import Headers
from tests.microblog.images import image_bytes, thumbnail_size

Signup = Callable[[str], Headers]


def upload(
    client: TestClient, album_id: int, headers: Headers, data: bytes, name: str = "p.jpg"
) -> dict[str, object]:
    response = client.post(
        f"/albums/{album_id}/photos", files={"file": (name, data, "image/jpeg")}, headers=headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_album_photos_in_a_post_read_from_a_followers_timeline(
    client: TestClient, signup: Signup
) -> None:
    ann, bob = signup("ann"), signup("bob")
    ann_id = client.get("/me", headers=ann).json()["id"]
    client.put(f"/accounts/{ann_id}/follow", headers=bob)
    album = client.post("/albums", json={"name": "trip"}, headers=ann).json()
    jpeg, png = image_bytes("JPEG", (800, 600)), image_bytes("PNG", (300, 300))
    photo_ids = [
        upload(client, album["id"], ann, jpeg)["id"],
        upload(client, album["id"], ann, png, "p.png")["id"],
    ]
    post = client.post("/posts", json={"text": "look", "photo_ids": photo_ids}, headers=ann)
    assert post.status_code == 201, post.text
    (seen,) = client.get("/timeline/home", headers=bob).json()["items"]
    assert [p["id"] for p in seen["photos"]] == photo_ids
    first = seen["photos"][0]
    small = client.get(first["thumbnail_url"], headers=bob)
    assert (
        small.headers["content-type"] == "image/jpeg" and max(thumbnail_size(small.content)) == 240
    )
    full = client.get(first["url"], headers=bob)
    assert full.status_code == 200 and full.content == jpeg
    assert (
        full.headers["content-type"] == "image/jpeg" and "max-age" in full.headers["cache-control"]
    )
    assert Work.from_header(full.headers[WORK_HEADER]).media_bytes_served == len(jpeg)
    again = client.get(first["url"], headers={**bob, "If-None-Match": full.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert Work.from_header(again.headers[WORK_HEADER]).media_bytes_served == 0
    png_read = client.get(seen["photos"][1]["url"], headers=bob)
    assert png_read.headers["content-type"] == "image/png" and png_read.content == png
    listed = client.get("/albums", params={"owner_id": ann_id}, headers=bob).json()["items"]
    assert [(a["name"], a["photo_count"]) for a in listed] == [("trip", 2)]


def test_refusals_name_the_file_field(client: TestClient, signup: Signup) -> None:
    ann = signup("ann")
    album = client.post("/albums", json={"name": "a"}, headers=ann).json()
    path = f"/albums/{album['id']}/photos"
    text = client.post(path, files={"file": ("cat.jpg", b"not a cat", "image/jpeg")}, headers=ann)
    assert text.status_code == 422 and text.json()["field"] == "file"
    huge = b"\xff\xd8" + b"\0" * (30 * 2**20)
    big = client.post(path, files={"file": ("big.jpg", huge, "image/jpeg")}, headers=ann)
    assert big.status_code == 413, big.text
    assert big.json()["error"] == "payload_too_large" and big.json()["field"] == "file"
    assert client.get(f"/albums/{album['id']}/photos", headers=ann).json()["items"] == []


@pytest.mark.parametrize("platform_config", [{"media": {"max_photo_bytes": 4096}}])
def test_an_upload_over_the_limit_but_within_the_envelope_is_refused_by_the_service(
    client: TestClient, signup: Signup
) -> None:
    ann = signup("ann")
    album = client.post("/albums", json={"name": "a"}, headers=ann).json()
    over = client.post(
        f"/albums/{album['id']}/photos",
        files={"file": ("x.png", image_bytes("PNG", (400, 400)), "image/png")},
        headers=ann,
    )
    assert over.status_code == 413 and over.json()["field"] == "file"


def test_deleted_photos_show_removed_and_read_as_404(client: TestClient, signup: Signup) -> None:
    ann, bob = signup("ann"), signup("bob")
    album = client.post("/albums", json={"name": "a"}, headers=ann).json()
    photo = upload(client, album["id"], ann, image_bytes())
    post = client.post("/posts", json={"text": "x", "photo_ids": [photo["id"]]}, headers=ann)
    assert client.delete(f"/photos/{photo['id']}", headers=bob).status_code == 403
    assert client.delete(f"/photos/{photo['id']}", headers=ann).status_code == 204
    shown = client.get(f"/posts/{post.json()['id']}", headers=bob).json()["photos"]
    assert shown == [{"id": photo["id"], "removed": True, "url": None, "thumbnail_url": None}]
    assert client.get(f"/photos/{photo['id']}", headers=bob).status_code == 404
    other = client.post("/posts", json={"text": "y", "photo_ids": [photo["id"]]}, headers=ann)
    assert other.status_code == 404 and other.json()["field"] == "photo_ids"
