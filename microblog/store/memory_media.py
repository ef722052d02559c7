"""Albums and photo metadata in memory (the memory backend's `AlbumRepo`).

Records are immutable and shared with readers, like posts: a change stores a new record.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TypeVar

from microblog.media_models import Album, Photo, PhotoDraft
from microblog.store.paging import page_sorted
from microblog.store.records import replace
from microblog.work import record

R = TypeVar("R", Album, Photo)


@dataclass
class MediaData:
    album_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    photo_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    albums: dict[int, Album] = field(default_factory=dict)
    photos: dict[int, Photo] = field(default_factory=dict)
    owner_albums: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    album_photos: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    """Ids in ascending order, tombstones included (pages skip them)."""


class MemoryAlbums:
    def __init__(self, data: MediaData) -> None:
        self.d = data

    def create(self, owner_id: int, name: str, created_at: float) -> Album:
        album = Album(next(self.d.album_ids), owner_id, name, created_at)
        self.d.albums[album.id] = album
        self.d.owner_albums[owner_id].append(album.id)
        record(db_writes=1)
        return album

    def get(self, album_id: int) -> Album | None:
        album = self.d.albums.get(album_id)
        record(db_reads=1 if album else 0)
        return album

    def rename(self, album_id: int, name: str) -> None:
        self.d.albums[album_id] = replace(self.d.albums[album_id], name=name)
        record(db_writes=1)

    def delete(self, album_id: int) -> list[Photo]:
        album = self.d.albums[album_id]
        self.d.albums[album_id] = replace(album, deleted=True, photo_count=0)
        photos = self.d.photos
        live = [photos[i] for i in self.d.album_photos.get(album_id, []) if not photos[i].deleted]
        for photo in live:
            photos[photo.id] = replace(photo, deleted=True)
        record(db_reads=len(live), db_writes=1 + len(live))
        return live

    def by_owner(self, owner_id: int, before: int | None, limit: int) -> list[Album]:
        ids = self.d.owner_albums.get(owner_id, [])
        found = self._live(self.d.albums, ids, before, limit)
        record(db_reads=len(found))
        return found

    def add_photo(self, draft: PhotoDraft, created_at: float) -> Photo:
        photo = Photo.of(next(self.d.photo_ids), draft, created_at)
        self.d.photos[photo.id] = photo
        self.d.album_photos[draft.album_id].append(photo.id)
        self._count(draft.album_id, +1)
        record(db_writes=2)
        return photo

    def photo(self, photo_id: int) -> Photo | None:
        photo = self.d.photos.get(photo_id)
        record(db_reads=1 if photo else 0)
        return photo

    def photos(self, photo_ids: list[int]) -> dict[int, Photo]:
        stored = self.d.photos
        found = {i: p for i in photo_ids if (p := stored.get(i))}
        record(db_reads=len(found))
        return found

    def delete_photo(self, photo_id: int) -> None:
        photo = self.d.photos[photo_id]
        self.d.photos[photo_id] = replace(photo, deleted=True)
        self._count(photo.album_id, -1)
        record(db_writes=2)

    def in_album(self, album_id: int, before: int | None, limit: int) -> list[Photo]:
        ids = self.d.album_photos.get(album_id, [])
        found = self._live(self.d.photos, ids, before, limit)
        record(db_reads=len(found))
        return found

    def _count(self, album_id: int, delta: int) -> None:
        album = self.d.albums[album_id]
        self.d.albums[album_id] = replace(album, photo_count=album.photo_count + delta)

    @staticmethod
    def _live(table: dict[int, R], ids: list[int], before: int | None, limit: int) -> list[R]:
        """Up to `limit` live records below `before`, newest first, skipping tombstones."""
        found: list[R] = []
        while len(found) < limit:
            page = page_sorted(ids, before, limit - len(found))
            if not page:
                break
            found += [table[i] for i in page if not table[i].deleted]
            before = page[-1]
        return found
