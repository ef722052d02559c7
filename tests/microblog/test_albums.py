"""Albums and photos on every backend: limits, ownership, thumbnails, posts with photos, and
deletes that leave posts showing the photo removed rather than pointing at nothing."""

from __future__ import annotations

import pytest

from microblog.errors import Forbidden, Invalid, NotFound, TooLarge
from microblog.media import images
from microblog.platform import Microblog
from microblog.services.albums import Variant
from microblog.work import recording
from tests.microblog.conftest import MakeBlog, people
from tests.microblog.images import image_bytes, thumbnail_size


def test_albums_are_created_renamed_listed_and_deleted_by_their_owner(blog: Microblog) -> None:
    ann, bob = people(blog, "ann", "bob")
    trip = blog.albums.create(ann.id, "trip")
    home = blog.albums.create(ann.id, "home")
    assert [a.name for a in blog.albums.of_owner(ann.id).items] == ["home", "trip"]
    with pytest.raises(Forbidden):
        blog.albums.rename(bob.id, trip.id, "mine")
    assert blog.albums.rename(ann.id, trip.id, "holiday").name == "holiday"
    with pytest.raises(Forbidden):
        blog.albums.delete(bob.id, home.id)
    blog.albums.delete(ann.id, home.id)
    assert [a.name for a in blog.albums.of_owner(ann.id).items] == ["holiday"]
    with pytest.raises(NotFound):
        blog.albums.photos_in(home.id)


def test_album_names_are_checked(blog: Microblog) -> None:
    (ann,) = people(blog, "ann")
    for bad in ("", "  ", "x" * 101):
        with pytest.raises(Invalid) as raised:
            blog.albums.create(ann.id, bad)
        assert raised.value.field == "name"


def test_byte_identical_uploads_share_one_thumbnail_run_and_record_their_own_work(
    blog: Microblog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `ReusedThumbnails` (as the simulator runs), Pillow makes the thumbnail of the
    same bytes once; every upload still stores it and records its thumbnail work."""
    made: list[int] = []
    plain = images.thumbnail

    def counted(data: bytes, longest_side: int) -> bytes:
        made.append(longest_side)
        return plain(data, longest_side)

    monkeypatch.setattr(images, "thumbnail", counted)
    blog.albums.thumbnailer = images.ReusedThumbnails()
    (ann,) = people(blog, "ann")
    album = blog.albums.create(ann.id, "a")
    jpeg = image_bytes("JPEG", (640, 480))
    works = []
    for data in (jpeg, bytes(jpeg), image_bytes("PNG", (64, 48))):
        with recording() as work:
            photo = blog.albums.upload(ann.id, album.id, data)
        works.append(work.thumbnail_pixels)
        small = blog.albums.read(photo, Variant.THUMBNAIL)
        assert small == plain(data, blog.config.media.thumbnail_px)
    assert len(made) == 2  # the JPEG once (a copy of its bytes too), the PNG once
    assert works == [640 * 480, 640 * 480, 64 * 48]


def test_an_upload_is_a_real_image_within_the_limits(make_blog: MakeBlog) -> None:
    blog = make_blog(media={"max_photo_bytes": 50_000})
    (ann,) = people(blog, "ann")
    album = blog.albums.create(ann.id, "a")
    with pytest.raises(Invalid) as not_image:
        blog.albums.upload(ann.id, album.id, b"just some text, named photo.jpg")
    assert not_image.value.field == "file"
    with pytest.raises(TooLarge) as too_big:
        blog.albums.upload(ann.id, album.id, b"\xff" * 50_001)
    assert too_big.value.field == "file"
    bmp = image_bytes("BMP", (20, 20))
    with pytest.raises(Invalid, match="BMP"):
        blog.albums.upload(ann.id, album.id, bmp)
    assert blog.albums.photos_in(album.id).items == []


def test_uploads_keep_the_bytes_and_a_thumbnail_made_once(blog: Microblog) -> None:
    ann, bob = people(blog, "ann", "bob")
    album = blog.albums.create(ann.id, "a")
    jpeg, png = image_bytes("JPEG", (1200, 600)), image_bytes("PNG", (100, 300), "RGBA")
    with recording() as work:
        first = blog.albums.upload(ann.id, album.id, jpeg)
    assert work.thumbnail_pixels == 1200 * 600
    assert work.media_bytes_stored == len(jpeg) + first.thumbnail_bytes
    second = blog.albums.upload(ann.id, album.id, png)
    assert (first.content_type, first.width, first.height) == ("image/jpeg", 1200, 600)
    assert second.content_type == "image/png"
    assert blog.albums.read(blog.albums.photo(first.id), Variant.FULL) == jpeg
    with recording() as read:
        small = blog.albums.read(blog.albums.photo(first.id), Variant.THUMBNAIL)
    assert read.media_bytes_served == len(small) and read.thumbnail_pixels == 0
    assert max(thumbnail_size(small)) == blog.config.media.thumbnail_px
    assert thumbnail_size(blog.albums.read(second, Variant.THUMBNAIL))[0] < 100
    assert blog.albums.photos_in(album.id).items == [second, first]
    assert blog.albums.of_owner(ann.id).items[0].photo_count == 2
    with pytest.raises(Forbidden):
        blog.albums.upload(bob.id, album.id, jpeg)


def test_a_post_carries_up_to_nine_of_its_authors_photos(blog: Microblog) -> None:
    ann, bob = people(blog, "ann", "bob")
    album = blog.albums.create(ann.id, "a")
    small = image_bytes("PNG", (8, 8))
    ids = tuple(blog.albums.upload(ann.id, album.id, small).id for _ in range(10))
    post = blog.posts.create(ann.id, "nine", photo_ids=ids[:9])
    assert blog.posts.get(bob.id, post.id).photo_ids == ids[:9]
    for bad in (ids, (ids[0], ids[0]), (999,)):
        with pytest.raises((Invalid, NotFound)) as raised:
            blog.posts.create(ann.id, "bad", photo_ids=bad)
        assert raised.value.field == "photo_ids"
    with pytest.raises(Forbidden):
        blog.posts.create(bob.id, "not mine", photo_ids=ids[:1])


def test_deleted_photos_show_as_removed_in_posts(blog: Microblog) -> None:
    ann, bob = people(blog, "ann", "bob")
    blog.graph.follow(bob.id, ann.id)
    album, other = blog.albums.create(ann.id, "a"), blog.albums.create(ann.id, "b")
    one = blog.albums.upload(ann.id, album.id, image_bytes())
    two = blog.albums.upload(ann.id, other.id, image_bytes("PNG"))
    post = blog.posts.create(ann.id, "two photos", photo_ids=(one.id, two.id))
    home = blog.timelines.home(bob.id).items
    assert [p.photo_ids for p in home] == [(one.id, two.id)] and not blog.albums.removed(home)
    with pytest.raises(Forbidden):
        blog.albums.delete_photo(bob.id, one.id)
    blog.albums.delete_photo(ann.id, one.id)
    assert blog.albums.removed([blog.posts.get(bob.id, post.id)]) == {one.id}
    blog.albums.delete(ann.id, other.id)
    assert blog.albums.removed(blog.timelines.home(bob.id).items) == {one.id, two.id}
    for gone in (one, two):
        with pytest.raises(NotFound):
            blog.albums.photo(gone.id)
        with pytest.raises(NotFound):
            blog.albums.read(gone, Variant.FULL)
