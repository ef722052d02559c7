"""Checking an upload is a real image (Pillow reads the bytes; the file name decides nothing)
and making its thumbnail once, at upload time.

Thumbnails are always JPEG (transparency flattened on white): one content type for every
thumbnail, and the smallest bytes for a photo-sized grid cell. Making one is a pure
function of the bytes, so a service may be handed `ReusedThumbnails`, which makes the
thumbnail of byte-identical uploads once, as an image service deduplicating by content
does; the work an upload records is its own either way (`Albums.upload`).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageOps, UnidentifiedImageError

from microblog.errors import Invalid, TooLarge
from microblog.media_config import MediaConfig

THUMBNAIL_TYPE = "image/jpeg"
_THUMBNAIL_QUALITY = 80
"""JPEG quality of thumbnails: Pillow's scale, 80 is the usual web trade-off (assumption)."""

Thumbnailer = Callable[[bytes, int], bytes]
"""Makes the JPEG thumbnail of an image's bytes, no larger than a longest side in pixels."""


@dataclass(frozen=True, slots=True)
class CheckedImage:
    content_type: str
    width: int
    height: int


def check_image(data: bytes, rules: MediaConfig, field: str = "file") -> CheckedImage:
    """The upload's type and size, or a refusal naming `field`: 413 over the byte limit,
    422 when the bytes are not an accepted image or decode to too many pixels."""
    if len(data) > rules.max_photo_bytes:
        raise TooLarge(
            f"{field} is {len(data)} bytes; the limit is {rules.max_photo_bytes}", field=field
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            image.verify()
    except UnidentifiedImageError:
        message = f"{field} is not an image: no image format reads its bytes"
        raise Invalid(message, field=field) from None
    except (OSError, SyntaxError, ValueError) as error:
        raise Invalid(f"{field} is a damaged image ({error})", field=field) from None
    if kind not in rules.formats:
        accepted = ", ".join(rules.formats)
        raise Invalid(f"{field} is a {kind} image; accepted: {accepted}", field=field)
    if width * height > rules.max_photo_pixels:
        raise Invalid(
            f"{field} is {width}x{height} pixels; the limit is {rules.max_photo_pixels}",
            field=field,
        )
    return CheckedImage(Image.MIME[kind], width, height)


def thumbnail(data: bytes, longest_side: int, field: str = "file") -> bytes:
    """A JPEG no larger than `longest_side` on either side, upright per its EXIF tag."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (longest_side, longest_side))  # JPEG: decode at a smaller scale
            small = ImageOps.exif_transpose(image)
            small.thumbnail((longest_side, longest_side))
            flat = _on_white(small)
    except OSError as error:  # a header that verified but pixels that do not decode
        raise Invalid(f"{field} is a damaged image ({error})", field=field) from None
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=_THUMBNAIL_QUALITY)
    return out.getvalue()


def _on_white(image: Image.Image) -> Image.Image:
    """RGB pixels, any transparency composed over white."""
    rgba = image.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, rgba).convert("RGB")


class ReusedThumbnails:
    """A `Thumbnailer` that keeps the thumbnails of the last `kept` distinct uploads and
    hands back the same bytes for a byte-identical one instead of decoding it again.

    For a process that uploads the same few images over and over (the simulator's one
    sample photo stands for every user's distinct photos): Pillow's output for equal bytes
    is equal, so only the repeated CPU goes, not a byte of what is stored or measured.
    """

    def __init__(self, kept: int = 8) -> None:
        self._made = lru_cache(maxsize=kept)(thumbnail)

    def __call__(self, data: bytes, longest_side: int) -> bytes:
        return self._made(data, longest_side)
