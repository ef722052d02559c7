"""Real images made with Pillow for the photo tests (and their wrong twins)."""

from __future__ import annotations

import io

from PIL import Image


def image_bytes(kind: str = "JPEG", size: tuple[int, int] = (640, 480), mode: str = "RGB") -> bytes:
    """A `kind` image of `size` pixels of noise, so encoders cannot shrink it to nothing
    (its bytes grow with its pixels, as a photo's do)."""
    image = Image.effect_noise(size, 64).convert(mode)
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


def thumbnail_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size
