"""Photo rules of the platform: upload limits, accepted formats, thumbnail size, photos per
post. Limits protect the server (memory, CPU of decoding); none changes what a reader sees
of a photo it may read."""

from __future__ import annotations

from pydantic import BaseModel, Field


class MediaConfig(BaseModel):
    max_photo_bytes: int = Field(
        20 * 2**20,
        ge=1024,
        description="Largest photo upload, bytes; larger is refused with 413 (assumption: "
        "20 MiB, a phone camera's JPEG is 2-8 MiB).",
    )
    max_photo_pixels: int = Field(
        50_000_000,
        ge=1,
        description="Largest photo, width x height; larger is refused with 422 before it is "
        "decoded, so a small file cannot expand into gigabytes (assumption: 50 megapixels).",
    )
    formats: list[str] = Field(
        default_factory=lambda: ["JPEG", "PNG", "GIF", "WEBP"],
        min_length=1,
        description="Image formats accepted, as Pillow names them (the bytes decide, never "
        "the file name); assumption: what phone cameras and browsers produce.",
    )
    thumbnail_px: int = Field(
        240,
        ge=16,
        description="Longest side of a thumbnail, pixels (assumption: a feed's 3x3 grid cell "
        "on a phone at 2x density).",
    )
    max_photos_per_post: int = Field(
        9, ge=0, description="Photos one post may carry (source: issue 20, 'as Weibo allowed')."
    )
    max_album_name_chars: int = Field(100, ge=1, description="Longest album name, characters.")
    cache_max_age_s: int = Field(
        86_400,
        ge=0,
        description="Cache-Control max-age of photo reads, seconds (assumption: a photo's "
        "bytes never change under its id, so a day is safe; revalidation uses the ETag).",
    )
