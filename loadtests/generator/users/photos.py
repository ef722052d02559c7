"""The photo part of a load-test session, as sim/activities/photos.py does it, over HTTP.

Each session post carries photos with probability `behaviour.photos.post_share`: the user's
album is made on its first photo post (`album_create`), then the drawn number of photos in
`photos_per_post` is uploaded (`photo_upload`, multipart) and the post carries them
(`post`). The other posts are plain. After the feed is read, the photo posts seen have
their thumbnails read in one batch (`thumbnail_read`) and `open_share` of them have their
first photo opened in full (`photo_read`). Repeated reads revalidate by ETag (304).

Each upload carries an image drawn by weight from `loadtest.photo_images` (small, medium and
large JPEGs and PNGs by default; loadtests.generator.image_mix). The simulator uploads one
small JPEG instead (its bytes stay in its memory), so photo bytes and upload latency differ
between the modes by design.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loadtests.generator.image_mix import FILE_NAMES, ImageMix
from loadtests.generator.users.api import SeenPost, publish
from loadtests.generator.users.media_api import (
    ETags,
    album_create,
    photo_post,
    photo_read,
    photo_upload,
    thumbnails_read,
)

if TYPE_CHECKING:
    from loadtests.generator.users.session import SessionUser

ALBUM_NAME = "photos"
PHOTO_FILE = FILE_NAMES["JPEG"]
MOST_PHOTOS = 9
"""Photos a post may carry (the service's limit, as Weibo allowed)."""


class Photographer:
    """The photo side of one user's sessions (see module docstring)."""

    def __init__(self, user: SessionUser) -> None:
        self.user = user
        self.config = user.scenario.behaviour.photos
        self.images = ImageMix(user.scenario.loadtest.photo_images, user.rng)
        self.kept = user.kept
        self.etags: ETags = user.kept.etags

    def post(self) -> None:
        """One session post: with photos at `post_share`, else a plain one."""
        user, config = self.user, self.config
        if user.rng.random() >= config.post_share:
            user.think()
            publish(user.client, user.headers, user.text("post"))
            return
        fewest, most = config.photos_per_post
        count = min(MOST_PHOTOS, max(1, int(fewest + user.rng.random() * (most - fewest))))
        if self.kept.album is None:
            user.think()
            self.kept.album = album_create(user.client, user.headers, ALBUM_NAME)
            if self.kept.album is None:
                return
        ids: list[int] = []
        for _ in range(count):
            user.think()
            photo = photo_upload(user.client, user.headers, self.kept.album, *self.images.draw())
            if photo is not None:
                ids.append(photo)
        user.think()
        photo_post(user.client, user.headers, user.text("post"), ids)

    def seen(self, posts: list[SeenPost]) -> None:
        """Thumbnails of the photo posts seen, and some photos opened in full."""
        user = self.user
        with_photos = [post for post in posts if post.photo_ids]
        if not with_photos:
            return
        thumbnails = [photo for post in with_photos for photo in post.photo_ids]
        user.think()
        thumbnails_read(
            user.client, user.environment, user.headers, thumbnails, self.etags, user.context()
        )
        for post in with_photos:
            if user.rng.random() < self.config.open_share:
                user.think()
                photo_read(user.client, user.headers, post.photo_ids[0], self.etags)
