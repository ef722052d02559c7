"""The albums' and photos' HTTP endpoints as Locust requests, named as the simulator's paths.

`album_create`, `photo_upload` (a multipart upload of the field `file`, encoded by urllib3),
`post` with photo ids, `photo_read` and `thumbnail_read`. Photo reads send the ETag a user
got before for that URL (`If-None-Match`); a 304 is an answer, as a browser's cache would
take it. A page's thumbnails are read side by side, as a browser fetches them, and reported
as one `thumbnail_read` request timed from the first to the last, as the simulator counts
one call for them, with the work of its reads summed (the bytes they served).
"""

from __future__ import annotations

import time
from typing import Any

import gevent
from locust.contrib.fasthttp import FastHttpSession, FastResponse
from locust.env import Environment
from urllib3 import encode_multipart_formdata

from loadtests.generator.users.api import OK, Headers, _post_id
from microblog.work import WORK_HEADER, Work

NOT_MODIFIED = 304
ETags = dict[str, str]
"""URL -> the ETag its last read answered with (one user's browser cache)."""


def album_create(client: FastHttpSession, headers: Headers, name: str) -> int | None:
    """Create an album (`album_create`); its id."""
    body = {"name": name}
    return _post_id(client.post("/albums", json=body, headers=headers, name="album_create"))


def photo_upload(
    client: FastHttpSession, headers: Headers, album_id: int, image: bytes, filename: str
) -> int | None:
    """Upload an image into an album (`photo_upload`, multipart field `file`); its id."""
    body, content_type = encode_multipart_formdata({"file": (filename, image)})
    response = client.post(
        f"/albums/{album_id}/photos", data=body, name="photo_upload",  # type: ignore[arg-type]
        headers={**headers, "Content-Type": content_type},
    )  # fmt: skip
    return _post_id(response)


def photo_post(
    client: FastHttpSession, headers: Headers, text: str, photo_ids: list[int]
) -> int | None:
    """Write a post carrying photos (`post`, as the simulator names it with or without)."""
    body: dict[str, Any] = {"text": text, "photo_ids": photo_ids}
    return _post_id(client.post("/posts", json=body, headers=headers, name="post"))


def photo_read(client: FastHttpSession, headers: Headers, photo_id: int, etags: ETags) -> None:
    """Read a photo in full (`photo_read`), revalidating a cached copy by its ETag."""
    url = f"/photos/{photo_id}"
    with client.get(
        url, headers=_revalidating(headers, etags, url), name="photo_read", catch_response=True
    ) as response:
        _remember(response, etags, url)


def thumbnails_read(
    client: FastHttpSession,
    environment: Environment,
    headers: Headers,
    photo_ids: list[int],
    etags: ETags,
    context: dict[str, Any],
) -> None:
    """Read photos' thumbnails side by side, reported as one `thumbnail_read` request."""
    started = time.perf_counter()
    reads = [gevent.spawn(_thumbnail, client, headers, i, etags) for i in photo_ids]
    gevent.joinall(reads)
    failures = [read.value for read in reads if isinstance(read.value, Exception)]
    work = Work()
    for read in reads:
        if isinstance(read.value, Work):
            work.add(read.value)
    environment.events.request.fire(
        request_type="GET", name="thumbnail_read", context=context,
        response_time=(time.perf_counter() - started) * 1000,
        response_length=len(reads) - len(failures), response=BatchResponse(work),
        exception=failures[0] if failures else None,
    )  # fmt: skip


class BatchResponse:
    """The response a batch's request event carries: only the work header, its reads' work
    summed, so the recorder tallies the batch's bytes served as it does any request's."""

    def __init__(self, work: Work) -> None:
        self.headers = {WORK_HEADER: work.to_header()}


def _thumbnail(
    client: FastHttpSession, headers: Headers, photo_id: int, etags: ETags
) -> Exception | Work:
    """One thumbnail, read past Locust's statistics (the batch is the request): its fault,
    or the work its answer reported."""
    url = f"/photos/{photo_id}/thumbnail"
    try:
        response = client.client.urlopen(
            f"{client.base_url}{url}", method="GET", headers=_revalidating(headers, etags, url)
        )
        response.read()
    except Exception as error:  # noqa: BLE001 (any fault fails the batch's request)
        return error
    if response.status_code != NOT_MODIFIED and response.status_code not in OK:
        return ConnectionError(f"GET {url}: {response.status_code}")
    _keep_etag(etags, url, response.headers)
    reported = response.headers.get(WORK_HEADER)
    return Work.from_header(reported if isinstance(reported, str) else "")


def _revalidating(headers: Headers, etags: ETags, url: str) -> Headers:
    etag = etags.get(url)
    return headers if etag is None else {**headers, "If-None-Match": etag}


def _remember(response: FastResponse, etags: ETags, url: str) -> None:
    """A 304 is success; keep the ETag of a fresh answer."""
    if response.status_code == NOT_MODIFIED:
        response.success()
    elif response.status_code in OK:
        _keep_etag(etags, url, response.headers)


def _keep_etag(etags: ETags, url: str, headers: Any) -> None:
    """Keep the ETag an answer carried (geventhttpclient's headers are loosely typed)."""
    etag = None if headers is None else headers.get("etag")
    if isinstance(etag, str):
        etags[url] = etag
