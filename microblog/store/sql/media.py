"""Album and photo tables and repository of the SQL backend (metadata only: the bytes are
in the media store). Photo counts move by atomic increments on the album row, so two
uploads to one album at once both count."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    bindparam,
    select,
    update,
)

from microblog.media_models import Album, Photo, PhotoDraft
from microblog.store.sql import schema as t
from microblog.store.sql.prepared import Prepared
from microblog.store.sql.social import _insert_id, _newest
from microblog.work import record

albums = Table(
    "albums",
    t.metadata,
    Column("id", t.Id, primary_key=True, autoincrement=True),
    Column("owner_id", ForeignKey("accounts.id"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("photo_count", Integer, nullable=False, default=0),
    Column("deleted", Boolean, nullable=False, default=False),
    Index("ix_albums_owner", "owner_id", "deleted", "id"),
)

photos = Table(
    "photos",
    t.metadata,
    Column("id", t.Id, primary_key=True, autoincrement=True),
    Column("owner_id", ForeignKey("accounts.id"), nullable=False),
    Column("album_id", ForeignKey("albums.id"), nullable=False),
    Column("media_key", String(64), nullable=False, unique=True),
    Column("content_type", String(32), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("thumbnail_bytes", Integer, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Index("ix_photos_album", "album_id", "deleted", "id"),
)

_PHOTO_FIELDS = [c.name for c in photos.columns]


def _album(row: Any) -> Album:
    return Album(row.id, row.owner_id, row.name, row.created_at, row.photo_count, row.deleted)


_PHOTO = Prepared(select(photos).where(photos.c.id == bindparam("id")))
"""Every photo and thumbnail read's metadata lookup."""


def _photo(row: Any) -> Photo:
    return Photo(*(getattr(row, name) for name in _PHOTO_FIELDS))


class SqlAlbums:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def create(self, owner_id: int, name: str, created_at: float) -> Album:
        values = dict(owner_id=owner_id, name=name, created_at=created_at, photo_count=0)
        new_id = _insert_id(self.conn, albums.insert().values(deleted=False, **values))
        record(db_writes=1)
        return Album(new_id, owner_id, name, created_at)

    def get(self, album_id: int) -> Album | None:
        row = self.conn.execute(select(albums).where(albums.c.id == album_id)).first()
        record(db_reads=1 if row else 0)
        return _album(row) if row else None

    def rename(self, album_id: int, name: str) -> None:
        self.conn.execute(update(albums).where(albums.c.id == album_id).values(name=name))
        record(db_writes=1)

    def delete(self, album_id: int) -> list[Photo]:
        live = photos.c.album_id == album_id, photos.c.deleted.is_(False)
        rows = self.conn.execute(select(photos).where(*live).with_for_update()).all()
        self.conn.execute(update(photos).where(*live).values(deleted=True))
        self.conn.execute(
            update(albums).where(albums.c.id == album_id).values(deleted=True, photo_count=0)
        )
        record(db_reads=len(rows), db_writes=1 + len(rows))
        return [_photo(row) for row in rows]

    def by_owner(self, owner_id: int, before: int | None, limit: int) -> list[Album]:
        query = select(albums).where(albums.c.owner_id == owner_id, albums.c.deleted.is_(False))
        found = [
            _album(row) for row in self.conn.execute(_newest(query, albums.c.id, before, limit))
        ]
        record(db_reads=len(found))
        return found

    def add_photo(self, draft: PhotoDraft, created_at: float) -> Photo:
        values = {name: getattr(draft, name) for name in PhotoDraft.__dataclass_fields__}
        statement = photos.insert().values(created_at=created_at, deleted=False, **values)
        photo = Photo.of(_insert_id(self.conn, statement), draft, created_at)
        self._count(draft.album_id, +1)
        record(db_writes=2)
        return photo

    def photo(self, photo_id: int) -> Photo | None:
        row = _PHOTO.first(self.conn, id=photo_id)
        record(db_reads=1 if row else 0)
        return _photo(row) if row else None

    def photos(self, photo_ids: list[int]) -> dict[int, Photo]:
        rows = self.conn.execute(select(photos).where(photos.c.id.in_(photo_ids)))
        found = {row.id: _photo(row) for row in rows}
        record(db_reads=len(found))
        return found

    def delete_photo(self, photo_id: int) -> None:
        album_id = self.conn.scalar(
            update(photos)
            .where(photos.c.id == photo_id, photos.c.deleted.is_(False))
            .values(deleted=True)
            .returning(photos.c.album_id)
        )
        if album_id is not None:  # a concurrent delete already uncounted it
            self._count(album_id, -1)
        record(db_writes=2)

    def in_album(self, album_id: int, before: int | None, limit: int) -> list[Photo]:
        query = select(photos).where(photos.c.album_id == album_id, photos.c.deleted.is_(False))
        found = [
            _photo(row) for row in self.conn.execute(_newest(query, photos.c.id, before, limit))
        ]
        record(db_reads=len(found))
        return found

    def _count(self, album_id: int, delta: int) -> None:
        self.conn.execute(
            update(albums)
            .where(albums.c.id == album_id)
            .values(photo_count=albums.c.photo_count + delta)
        )
