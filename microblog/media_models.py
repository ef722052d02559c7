"""Albums and photos as stored: metadata rows only, the bytes live in a `MediaStore`.

A deleted album or photo stays as a tombstone (`deleted`), so a post that carried a photo
can say "removed" instead of pointing at nothing; its bytes are gone from the media store.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Album:
    id: int
    owner_id: int
    name: str
    created_at: float
    photo_count: int = 0
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class PhotoDraft:
    """What an upload knows before the photo has an id: the checked image and its thumbnail,
    already written to the media store under `media_key`."""

    owner_id: int
    album_id: int
    media_key: str
    content_type: str
    width: int
    height: int
    size_bytes: int
    thumbnail_bytes: int
    digest: str
    """Hex SHA-256 of the original bytes: the photo's entity tag."""


@dataclass(frozen=True, slots=True)
class Photo:
    id: int
    owner_id: int
    album_id: int
    media_key: str
    content_type: str
    width: int
    height: int
    size_bytes: int
    thumbnail_bytes: int
    digest: str
    created_at: float
    deleted: bool = False

    @classmethod
    def of(cls, photo_id: int, draft: PhotoDraft, created_at: float) -> Photo:
        return cls(
            photo_id,
            draft.owner_id,
            draft.album_id,
            draft.media_key,
            draft.content_type,
            draft.width,
            draft.height,
            draft.size_bytes,
            draft.thumbnail_bytes,
            draft.digest,
            created_at,
        )
