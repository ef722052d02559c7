"""Photos: a share of session posts carry photos, and feed readers look at them.

A session post carries photos with probability `photos.post_share`: the user's album is
made on its first photo post (`album_create`), then `photos_per_post` photos are uploaded
(`photo_upload`: the service checks the bytes are an image and makes the thumbnail) and the
post is published carrying them. Every page of the feed with photo posts in it has their
thumbnails read (`thumbnail_read`, one request for the page's thumbnails, as a browser
fetches them side by side), and `photos.open_share` (times the reader's client's
`clients.*.full_photo_factor`) of the photo posts seen have their first
photo opened in full (`photo_read`).

The image uploaded is one real JPEG of `photos.image_px`, made once per run (its pixels
come from a fixed seed, so runs are reproducible); the service keeps its bytes in memory,
which is why it is small: byte metrics are for that image size.

Measured: `media.photos`, `media.bytes_stored` (photos and thumbnails written) and
`media.egress_bytes` (bytes read back for readers), counted when the service did them.
"""

from __future__ import annotations

import io
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from functools import cache, partial
from typing import Any

import numpy as np
from PIL import Image

from microblog.ads_models import FeedItem
from microblog.media_models import Photo
from microblog.services.albums import Variant
from microblog.work import Work, record, recording
from scenario.loadtest import ImageKind
from sim.activities.base import Call, Steps, succeeded
from sim.activities.social import Social
from sim.activities.tally import Tally
from sim.draws import Draws
from sim.world import World

COUNTS = ("media.photos", "media.bytes_stored", "media.egress_bytes")
IMAGE_SEED = 20
"""Seed of the uploaded image's pixels (any fixed number: only its size matters)."""
ENCODING: dict[ImageKind, dict[str, int]] = {"JPEG": {"quality": 85}, "PNG": {}}
"""Pillow's save options per kind: JPEG at a camera's usual quality (assumption)."""


@cache
def sample_image(width: int, height: int, kind: ImageKind = "JPEG") -> bytes:
    """An image of noise over a gradient: compresses about as a photo does, not to nothing.
    Encoded once per size and kind (a large one takes a few hundred ms), then shared."""
    rng = np.random.default_rng(IMAGE_SEED)
    gradient = np.linspace(0, 255, width, dtype=np.float64)[None, :, None]
    noise = rng.normal(0, 24, (height, width, 3))
    pixels = np.clip(gradient + noise, 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(out, kind, **ENCODING[kind])
    return out.getvalue()


@contextmanager
def passed_on() -> Iterator[Work]:
    """A work scope of its own (to read the bytes a call moved) whose work still reaches
    the engine's scope around it, where the capacity model prices it."""
    with recording() as work:
        yield work
    record(**work.as_dict())


class Photos:
    def __init__(self, world: World, social: Social) -> None:
        self.world = world
        self.blog = world.blog
        self.social = social
        self.draws = Draws(world.rng.spawn(1)[0])
        """A stream of its own, so choosing photos leaves the sessions' draws as they were."""
        config = world.scenario.behaviour.photos
        self.share = config.post_share
        self.fewest, self.most = config.photos_per_post
        self.open_share = config.open_share * world.scenario.behaviour.clients.factors(
            world.population.mobile, "full_photo_factor"
        )
        """Per account, by its client: phones leave more photos as thumbnails."""
        self.image = sample_image(*config.image_px)
        self.albums: dict[int, int] = {}
        """Row -> the user's album (made on its first photo post)."""
        self.tally = Tally(world, COUNTS, timeseries=("media.photos",))
        social.readers.append(self)
        social.writer = self.post

    def post(self, actor: int) -> Steps:
        """One session post: with photos at `post_share`, else a plain one."""
        draws = self.draws
        if draws.uniform() >= self.share:
            yield self.social.post(actor)
            return
        count = min(9, max(1, int(self.fewest + draws.uniform() * (self.most - self.fewest))))
        album = yield from self._album(actor)
        if album is None:
            return
        uploaded: list[int] = []
        for _ in range(count):
            upload = partial(self._upload, actor, album)
            photo = yield Call(
                "photo_upload", upload, {"album_id": album, "bytes": len(self.image)}
            )
            if succeeded(photo):
                uploaded.append(photo.id)
        yield self.social.post(actor, tuple(uploaded))

    def seen(self, row: int, items: list[FeedItem]) -> Steps:
        posts = [item.post for item in items if item.post.photo_ids]
        if not posts:
            return
        thumbnails = [i for post in posts for i in post.photo_ids]
        read_all = partial(self._read, thumbnails, Variant.THUMBNAIL)
        yield Call("thumbnail_read", read_all, {"photo_ids": thumbnails})
        open_share = self.open_share[row]
        for post in posts:
            if self.draws.uniform() < open_share:
                first = [post.photo_ids[0]]
                yield Call(
                    "photo_read", partial(self._read, first, Variant.FULL), {"photo_id": first}
                )

    def _album(self, actor: int) -> Generator[Call, Any, int | None]:
        row = self.world.row(actor)
        if row not in self.albums:
            create = partial(self.blog.albums.create, actor, "photos")
            album = yield Call("album_create", create, {"name": "photos"})
            if not succeeded(album):
                return None
            self.albums[row] = album.id
        return self.albums[row]

    def _upload(self, actor: int, album_id: int) -> Photo:
        with passed_on() as work:
            photo = self.blog.albums.upload(actor, album_id, self.image)
        self.tally.add("media.bytes_stored", work.media_bytes_stored)
        self.tally.add("media.photos")
        return photo

    def _read(self, photo_ids: list[int], variant: Variant) -> int:
        """Read the photos' bytes (as a client's GETs would); returns bytes read."""
        albums = self.blog.albums
        with passed_on() as work:
            for photo_id in photo_ids:
                albums.read(albums.photo(photo_id), variant)
        self.tally.add("media.egress_bytes", work.media_bytes_served)
        return work.media_bytes_served

    def interval_row(self) -> dict[str, float]:
        return self.tally.interval_row()

    def metrics(self) -> dict[str, tuple[float, str]]:
        units = {"media.photos": "count"}
        return {
            name: (value, units.get(name, "bytes")) for name, value in self.tally.window.items()
        }
