"""The images a load test's photo uploads carry: `loadtest.photo_images`, drawn by weight.

Each image is generated as the simulator's is (noise over a gradient, sim.activities.photos)
and encoded once per size and kind in a process, so a mix of small, medium and large JPEGs
and PNGs costs the server what real photos do while the generator spends nothing per upload.
This module does not import Locust (its tests run in the test process).
"""

from __future__ import annotations

import numpy as np

from scenario.loadtest import PhotoImage
from sim.activities.photos import sample_image

FILE_NAMES = {"JPEG": "photo.jpg", "PNG": "photo.png"}
"""What a browser would name each kind (the service reads the bytes, never the name)."""


class ImageMix:
    """Draws one upload's image at a time from the configured images, by weight."""

    def __init__(self, images: list[PhotoImage], rng: np.random.Generator) -> None:
        self.images = images
        self.rng = rng
        weights = np.array([image.weight for image in images])
        self.p = weights / weights.sum()

    def draw(self) -> tuple[bytes, str]:
        """An upload's bytes and file name."""
        return encoded(self.images[self.rng.choice(len(self.images), p=self.p)])


def encoded(image: PhotoImage) -> tuple[bytes, str]:
    """The image's bytes (made once per process: `sample_image` caches them) and its name."""
    return sample_image(*image.px, image.format), FILE_NAMES[image.format]
