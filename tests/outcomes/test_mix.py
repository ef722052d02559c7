"""The request mix: each path's share of all requests."""

from __future__ import annotations

import pytest

from outcomes.metrics import CATALOGUE
from outcomes.mix import request_shares


def test_each_path_gets_its_share_of_all_requests() -> None:
    shares = request_shares({"timeline_read": 30, "post": 10, "like": 0})
    assert shares == {
        "requests.post.share": (pytest.approx(0.25), "ratio"),
        "requests.timeline_read.share": (pytest.approx(0.75), "ratio"),
    }


def test_no_requests_give_no_shares() -> None:
    assert request_shares({}) == {}
    assert request_shares({"post": 0}) == {}


def test_share_metrics_are_catalogued() -> None:
    assert CATALOGUE["requests.timeline_read.share"].unit == "ratio"
