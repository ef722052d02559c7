"""Photo bytes and thumbnails with caching headers (ETag, 304), and deleting a photo.

Thumbnails are about half the server's requests (a replayed baseline evening: 19,657 of
the ~38,000 its synchronous handlers answered in 90 s, a feed page's photos read side by
side), so this router is the first the app tries, and its reads ask FastAPI to solve as
little as the timeline's route does: the bearer credentials and the request, the platform
read off the app and the caller resolved in the body (FastAPI 0.165 spends ~10-15 µs
solving each dependency, per request).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response, status

from microblog.api.deps import Blog, Credentials, CurrentAccountId, blog_of, current_account_id
from microblog.api.offload import LoopRoute, run_sync
from microblog.api.params import Id
from microblog.platform import Microblog
from microblog.services.albums import Variant, content_type, etag

router = APIRouter(prefix="/photos", tags=["photos"], route_class=LoopRoute)

IfNoneMatch = Annotated[
    str | None, Header(description="The ETag of a copy you hold: 304 if it is still current.")
]
_BYTES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/*": {}}, "description": "The image's bytes."},
    304: {"description": "Your copy (If-None-Match) is current; no body."},
}


@router.get("/{photo_id}", response_class=Response, responses=_BYTES)
async def read_photo(
    photo_id: Id, credentials: Credentials, request: Request, if_none_match: IfNoneMatch = None
) -> Response:
    return await _read(credentials, request, photo_id, Variant.FULL, if_none_match)


@router.get("/{photo_id}/thumbnail", response_class=Response, responses=_BYTES)
async def read_thumbnail(
    photo_id: Id, credentials: Credentials, request: Request, if_none_match: IfNoneMatch = None
) -> Response:
    return await _read(credentials, request, photo_id, Variant.THUMBNAIL, if_none_match)


async def _read(
    credentials: Credentials,
    request: Request,
    photo_id: int,
    variant: Variant,
    if_none_match: str | None,
) -> Response:
    """Any signed-in caller may read a photo (401 otherwise)."""
    await current_account_id(request, credentials)
    blog = blog_of(request)
    return await run_sync(photo_response, blog, photo_id, variant, if_none_match)


@router.delete("/{photo_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_photo(photo_id: Id, account_id: CurrentAccountId, blog: Blog) -> None:
    """Delete the photo; posts that carried it show it removed."""
    blog.albums.delete_photo(account_id, photo_id)


def photo_response(
    blog: Microblog, photo_id: int, variant: Variant, if_none_match: str | None
) -> Response:
    """The variant's bytes, or 304 without reading them when the caller's copy is current
    (so a revalidation costs a metadata read and no egress)."""
    photo = blog.albums.photo(photo_id)
    tag = etag(photo, variant)
    max_age = blog.config.media.cache_max_age_s
    headers = {"ETag": tag, "Cache-Control": f"private, max-age={max_age}"}
    if if_none_match is not None and matches(if_none_match, tag):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    data = blog.albums.read(photo, variant)
    return Response(data, media_type=content_type(photo, variant), headers=headers)


def matches(if_none_match: str, tag: str) -> bool:
    """Whether an If-None-Match list names `tag` (weak comparison, as RFC 9110 asks of it)."""
    listed = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in listed or tag in listed
