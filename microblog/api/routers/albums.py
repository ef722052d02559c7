"""Albums: create, rename, delete, list; their photos, and uploads into them (multipart)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile, status

from microblog.api.deps import Blog, CurrentAccountId
from microblog.api.media_schemas import (
    AlbumCreate,
    AlbumPublic,
    AlbumRename,
    AlbumsPage,
    PhotoPublic,
    PhotosPage,
)
from microblog.api.offload import LoopRoute, waits
from microblog.api.params import Cursor, Id, Limit

router = APIRouter(prefix="/albums", tags=["albums"], route_class=LoopRoute)

Owner = Annotated[Id | None, Query(description="Whose albums; omit it for your own.")]
Upload = Annotated[
    UploadFile, File(description="A JPEG, PNG, GIF or WebP image: its bytes decide, not its name.")
]


@router.post("", status_code=status.HTTP_201_CREATED)
def create_album(body: AlbumCreate, account_id: CurrentAccountId, blog: Blog) -> AlbumPublic:
    return AlbumPublic.of(blog.albums.create(account_id, body.name))


@router.get("")
def list_albums(
    account_id: CurrentAccountId,
    blog: Blog,
    owner_id: Owner = None,
    cursor: Cursor = None,
    limit: Limit = 20,
) -> AlbumsPage:
    return AlbumsPage.of(blog.albums.of_owner(owner_id or account_id, cursor, limit))


@router.patch("/{album_id}")
def rename_album(
    album_id: Id, body: AlbumRename, account_id: CurrentAccountId, blog: Blog
) -> AlbumPublic:
    return AlbumPublic.of(blog.albums.rename(account_id, album_id, body.name))


@router.delete("/{album_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_album(album_id: Id, account_id: CurrentAccountId, blog: Blog) -> None:
    """Delete the album and its photos; posts that carried them show them removed."""
    blog.albums.delete(account_id, album_id)


@router.get("/{album_id}/photos")
def album_photos(
    album_id: Id, _: CurrentAccountId, blog: Blog, cursor: Cursor = None, limit: Limit = 20
) -> PhotosPage:
    return PhotosPage.of(blog.albums.photos_in(album_id, cursor, limit))


@router.post("/{album_id}/photos", status_code=status.HTTP_201_CREATED)
@waits
def upload_photo(
    album_id: Id, file: Upload, account_id: CurrentAccountId, blog: Blog
) -> PhotoPublic:
    """Upload a photo (multipart field `file`): over the size limit is 413, bytes that are
    not an accepted image 422, both naming `file`. The thumbnail is made here, once."""
    data = file.file.read(blog.config.media.max_photo_bytes + 1)  # one byte over is enough
    return PhotoPublic.of(blog.albums.upload(account_id, album_id, data))
