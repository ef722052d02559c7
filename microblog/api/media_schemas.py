"""Request and response bodies of albums and photos."""

from __future__ import annotations

from pydantic import BaseModel, Field

from microblog.api.schemas import Body, PhotoRef
from microblog.media_models import Album, Photo
from microblog.models import Page


class AlbumCreate(Body):
    name: str = Field(description="1 to `max_album_name_chars` characters.")


class AlbumRename(Body):
    name: str


class AlbumPublic(BaseModel):
    id: int
    owner_id: int
    name: str
    created_at: float
    photo_count: int

    @classmethod
    def of(cls, a: Album) -> AlbumPublic:
        return cls(
            id=a.id,
            owner_id=a.owner_id,
            name=a.name,
            created_at=a.created_at,
            photo_count=a.photo_count,
        )


class AlbumsPage(BaseModel):
    items: list[AlbumPublic]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[Album]) -> AlbumsPage:
        return cls(items=[AlbumPublic.of(a) for a in page.items], next_cursor=page.next_cursor)


class PhotoPublic(BaseModel):
    id: int
    album_id: int
    owner_id: int
    content_type: str = Field(description="What the bytes are, as Pillow read them.")
    width: int
    height: int
    size_bytes: int
    created_at: float
    url: str | None
    thumbnail_url: str | None

    @classmethod
    def of(cls, p: Photo) -> PhotoPublic:
        ref = PhotoRef.of(p.id, p.deleted)
        return cls(
            id=p.id,
            album_id=p.album_id,
            owner_id=p.owner_id,
            content_type=p.content_type,
            width=p.width,
            height=p.height,
            size_bytes=p.size_bytes,
            created_at=p.created_at,
            url=ref.url,
            thumbnail_url=ref.thumbnail_url,
        )


class PhotosPage(BaseModel):
    items: list[PhotoPublic]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[Photo]) -> PhotosPage:
        return cls(items=[PhotoPublic.of(p) for p in page.items], next_cursor=page.next_cursor)
