"""Replayed albums and photos (sim/activities/photos.py's traced paths).

A trace names no photo the service made (it records a post's id, not a photo's), so the
replay does the nearest thing: `album_create` makes the account's album, `photo_upload`
uploads the simulator's JPEG of `behaviour.photos.image_px` into it (skipped, with that
reason, when the account has no album), a `post` traced with `photo_ids` carries the
account's photos uploaded since its last photo post, `thumbnail_read` reads as many
thumbnails as traced of the newest photos uploaded in the replay, and `photo_read` the
newest one (both skipped before any upload). The trace has an album's creation before
its uploads and an upload before the reads of its photo, but the pool's users share one
schedule, so a busy server (or the first image's encoding) can answer the first after the
second falls due: an upload that finds no album while the account's `album_create` is on
its way, or a read that finds fewer photos than it names while an upload is, waits for
that answer (up to UPLOAD_WAIT_S) before it looks.
"""

from __future__ import annotations

from loadtests.generator.users.media_api import (
    album_create,
    photo_post,
    photo_read,
    photo_upload,
    thumbnails_read,
)
from loadtests.generator.users.photos import ALBUM_NAME, PHOTO_FILE
from loadtests.generator.users.replay_turn import Handler, Turn
from sim.activities.photos import sample_image

NO_PHOTO = "no photo uploaded in the replay yet"
UPLOAD_WAIT_S = 30.0
"""Longest wait for an album or upload on its way before it counts as not there."""


def create_album(turn: Turn) -> str | None:
    name = turn.params.get("name")
    with turn.seen.album_creates.sending():
        made = album_create(turn.user.client, turn.headers, name if name else ALBUM_NAME)
        if made is not None:
            turn.seen.album = made
    return None


def upload(turn: Turn) -> str | None:
    if turn.seen.album is None:
        turn.seen.album_creates.wait(UPLOAD_WAIT_S)
    album = turn.seen.album
    if album is None:
        return "the account has no album in the replay"
    with turn.world.uploads.sending():
        image = sample_image(*turn.user.scenario.behaviour.photos.image_px)
        photo = photo_upload(turn.user.client, turn.headers, album, image, PHOTO_FILE)
        if photo is not None:
            turn.seen.unposted.append(photo)
            turn.world.photos.append(photo)
    return None


def post_with_photos(turn: Turn, text: str) -> int | None:
    """A traced photo post: the account's photos not posted yet."""
    photos, turn.seen.unposted = turn.seen.unposted, []
    return photo_post(turn.user.client, turn.headers, text, photos)


def read_thumbnails(turn: Turn) -> str | None:
    traced = turn.params.get("photo_ids")
    count = len(traced) if isinstance(traced, list) and traced else 1
    photos = _newest(turn, count)
    if not photos:
        return NO_PHOTO
    user = turn.user
    thumbnails_read(user.client, user.environment, turn.headers, photos, turn.seen.etags, {})
    return None


def read_photo(turn: Turn) -> str | None:
    photos = _newest(turn, 1)
    if not photos:
        return NO_PHOTO
    photo_read(turn.user.client, turn.headers, photos[0], turn.seen.etags)
    return None


def _newest(turn: Turn, count: int) -> list[int]:
    """Up to `count` of the newest photos uploaded, once any upload on its way that would
    make up the count has been answered (module docstring)."""
    world = turn.world
    if len(world.photos) < count:
        world.uploads.wait(UPLOAD_WAIT_S)
    return world.photos[-count:]


HANDLERS: dict[str, Handler] = {
    "album_create": create_album, "photo_upload": upload,
    "thumbnail_read": read_thumbnails, "photo_read": read_photo,
}  # fmt: skip
