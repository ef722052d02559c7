"""Albums and photos: create, rename, delete and list albums; upload, read and delete photos;
which photos a post may carry and which of a post's photos are gone.

An upload is checked and thumbnailed before any row is written (its thumbnail work, the
image's pixels, recorded whoever makes the thumbnail: `microblog.media.images`), its bytes
go to the media store under a fresh key, then one write transaction records it; if that
transaction refuses (the album went away meanwhile), the bytes are deleted again. Deleting
marks tombstones and then deletes the bytes, so no post ever points at a missing row: it
shows the photo removed.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from enum import StrEnum

from microblog.errors import Forbidden, Invalid, NotFound
from microblog.media.images import THUMBNAIL_TYPE, Thumbnailer, check_image, thumbnail
from microblog.media.store import MediaStore
from microblog.media_models import Album, Photo, PhotoDraft
from microblog.models import Page, Post
from microblog.services.context import Context
from microblog.services.cursors import next_id_cursor, parse_id_cursor
from microblog.store.base import Tx
from microblog.work import record


class Variant(StrEnum):
    """Which bytes of a photo a reader asks for."""

    FULL = "full"
    THUMBNAIL = "thumbnail"


def media_keys(key: str) -> dict[Variant, str]:
    """Where each variant's bytes of the photo stored under `key` are in the media store."""
    return {Variant.FULL: key, Variant.THUMBNAIL: f"{key}.thumb"}


def etag(photo: Photo, variant: Variant) -> str:
    """A strong entity tag: the bytes under a photo id never change, so its digest (and the
    variant) names them."""
    return f'"{photo.digest}"' if variant is Variant.FULL else f'"{photo.digest}-thumb"'


def content_type(photo: Photo, variant: Variant) -> str:
    return photo.content_type if variant is Variant.FULL else THUMBNAIL_TYPE


class Albums:
    def __init__(
        self, ctx: Context, media: MediaStore, thumbnailer: Thumbnailer = thumbnail
    ) -> None:
        self.ctx = ctx
        self.media = media
        self.thumbnailer = thumbnailer

    def create(self, owner_id: int, name: str) -> Album:
        self._check_name(name)
        with self.ctx.store.write() as tx:
            return tx.albums.create(owner_id, name, self.ctx.clock())

    def rename(self, actor_id: int, album_id: int, name: str) -> Album:
        self._check_name(name)
        with self.ctx.store.write() as tx:
            self._own_album(tx, album_id, actor_id)
            tx.albums.rename(album_id, name)
            album = tx.albums.get(album_id)
        assert album is not None
        return album

    def delete(self, actor_id: int, album_id: int) -> None:
        """Delete the album and every photo in it; posts show those photos removed."""
        with self.ctx.store.write() as tx:
            self._own_album(tx, album_id, actor_id)
            gone = tx.albums.delete(album_id)
        self._forget_bytes(gone)

    def of_owner(self, owner_id: int, cursor: str | None = None, limit: int = 20) -> Page[Album]:
        limit = self.ctx.page_limit(limit)
        with self.ctx.store.read() as tx:
            found = tx.albums.by_owner(owner_id, parse_id_cursor(cursor), limit)
        return Page(found, next_id_cursor([a.id for a in found], limit))

    def photos_in(self, album_id: int, cursor: str | None = None, limit: int = 20) -> Page[Photo]:
        limit = self.ctx.page_limit(limit)
        with self.ctx.store.read() as tx:
            self._live_album(tx, album_id)
            found = tx.albums.in_album(album_id, parse_id_cursor(cursor), limit)
        return Page(found, next_id_cursor([p.id for p in found], limit))

    def upload(self, owner_id: int, album_id: int, data: bytes) -> Photo:
        """Check the bytes are an accepted image (413 over the size limit, 422 otherwise),
        make its thumbnail once, keep both, and record the photo in the album."""
        rules = self.ctx.config.media
        checked = check_image(data, rules)
        with self.ctx.store.read() as tx:
            self._own_album(tx, album_id, owner_id)
        record(thumbnail_pixels=checked.width * checked.height)
        small = self.thumbnailer(data, rules.thumbnail_px)
        key = uuid.uuid4().hex
        draft = PhotoDraft(
            owner_id,
            album_id,
            key,
            checked.content_type,
            checked.width,
            checked.height,
            len(data),
            len(small),
            hashlib.sha256(data).hexdigest(),
        )
        keys = media_keys(key)
        self.media.put(keys[Variant.FULL], data)
        self.media.put(keys[Variant.THUMBNAIL], small)
        try:
            with self.ctx.store.write() as tx:
                self._own_album(tx, album_id, owner_id)
                return tx.albums.add_photo(draft, self.ctx.clock())
        except BaseException:
            for stored in keys.values():
                self.media.delete(stored)
            raise

    def photo(self, photo_id: int) -> Photo:
        """A live photo's metadata (every signed-in account may see a photo, as on Weibo).
        One statement, so no transaction: every photo and thumbnail read asks."""
        with self.ctx.store.statements() as tx:
            photo = tx.albums.photo(photo_id)
        if photo is None or photo.deleted:
            raise NotFound(f"no photo {photo_id}")
        return photo

    def read(self, photo: Photo, variant: Variant) -> bytes:
        """The bytes of a photo just looked up (`photo`); NotFound when a delete won the race."""
        data = self.media.get(media_keys(photo.media_key)[variant])
        if data is None:
            raise NotFound(f"no photo {photo.id}")
        return data

    def delete_photo(self, actor_id: int, photo_id: int) -> None:
        with self.ctx.store.write() as tx:
            photo = tx.albums.photo(photo_id)
            if photo is None or photo.deleted:
                raise NotFound(f"no photo {photo_id}")
            if photo.owner_id != actor_id:
                raise Forbidden(f"photo {photo_id} belongs to another account")
            tx.albums.delete_photo(photo_id)
        self._forget_bytes([photo])

    def removed(self, posts: Iterable[Post]) -> set[int]:
        """Ids of the photos these posts carry that have been deleted since (one read, and
        none at all for posts without photos: the common timeline page)."""
        ids = sorted({i for post in posts for i in post.photo_ids})
        if not ids:
            return set()
        with self.ctx.store.read() as tx:
            found = tx.albums.photos(ids)
        return {i for i in ids if i not in found or found[i].deleted}

    def _forget_bytes(self, photos: Iterable[Photo]) -> None:
        for photo in photos:
            for key in media_keys(photo.media_key).values():
                self.media.delete(key)

    def _check_name(self, name: str) -> None:
        longest = self.ctx.config.media.max_album_name_chars
        if not name.strip() or len(name) > longest:
            raise Invalid(f"name must be 1-{longest} characters, got {len(name)}", field="name")

    @staticmethod
    def _live_album(tx: Tx, album_id: int) -> Album:
        album = tx.albums.get(album_id)
        if album is None or album.deleted:
            raise NotFound(f"no album {album_id}")
        return album

    @classmethod
    def _own_album(cls, tx: Tx, album_id: int, actor_id: int) -> Album:
        album = cls._live_album(tx, album_id)
        if album.owner_id != actor_id:
            raise Forbidden(f"album {album_id} belongs to another account")
        return album


def require_attachable(tx: Tx, author_id: int, photo_ids: tuple[int, ...], most: int) -> None:
    """Refuse (naming `photo_ids`) photos a new post may not carry: too many, repeated,
    missing or deleted, or another account's."""
    if len(photo_ids) > most:
        raise Invalid(
            f"a post carries at most {most} photos, got {len(photo_ids)}", field="photo_ids"
        )
    if len(set(photo_ids)) != len(photo_ids):
        raise Invalid("photo_ids must not repeat a photo", field="photo_ids")
    found = tx.albums.photos(list(photo_ids))
    for photo_id in photo_ids:
        photo = found.get(photo_id)
        if photo is None or photo.deleted:
            raise NotFound(f"no photo {photo_id}", field="photo_ids")
        if photo.owner_id != author_id:
            raise Forbidden(f"photo {photo_id} belongs to another account", field="photo_ids")
