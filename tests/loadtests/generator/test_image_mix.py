"""The load test's photo uploads: a mix of generated images drawn by weight, each encoded
once per process."""

from __future__ import annotations

from collections import Counter

import numpy as np

from loadtests.generator.image_mix import ImageMix, encoded
from scenario import load_scenario
from scenario.loadtest import PhotoImage

SMALL = PhotoImage(format="JPEG", px=(64, 48), weight=3.0)
LARGE = PhotoImage(format="PNG", px=(320, 240), weight=1.0)


def test_uploads_draw_each_image_by_its_weight() -> None:
    mix = ImageMix([SMALL, LARGE], np.random.default_rng(7))
    drawn = Counter(mix.draw() for _ in range(400))
    small, large = encoded(SMALL), encoded(LARGE)
    assert set(drawn) == {small, large}
    assert 0.68 < drawn[small] / 400 < 0.82  # weight 3 of 4
    assert small[1] == "photo.jpg" and large[1] == "photo.png"
    assert small[0][:2] == b"\xff\xd8" and large[0][:8] == b"\x89PNG\r\n\x1a\n"
    assert len(large[0]) > 5 * len(small[0])  # sizes that differ, so the bytes do


def test_each_image_is_encoded_once_and_shared() -> None:
    assert encoded(LARGE)[0] is encoded(PhotoImage(format="PNG", px=(320, 240)))[0]


def test_the_default_mix_has_small_medium_and_large_jpegs_and_pngs() -> None:
    images = load_scenario("scenarios/ci-smoke.yaml", []).loadtest.photo_images
    assert {image.format for image in images} == {"JPEG", "PNG"}
    jpeg_sides = sorted(image.px[0] for image in images if image.format == "JPEG")
    assert len(jpeg_sides) == 3 and jpeg_sides[0] < jpeg_sides[1] < jpeg_sides[2]
