"""Real images made with Pillow for the photo tests (and their wrong twins)."""

from __future__ import annotations

import io

from PIL import Image


def image_bytes(kind: str = "JPEG", size: tuple[int, int] = (640, 480), mode: str = "RGB") -> bytes:
    """A `kind` image of `size` pixels: a gradient, so encoders cannot shrink it to nothing."""
    image = Image.linear_gradient("L").resize(size).convert(mode)
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


def thumbnail_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size
