"""Fields a search may vary: numbers only, within their schema's bounds, refused by name."""

from __future__ import annotations

import pytest

from scenario.numeric import check_range, numeric_field


def test_a_float_field_carries_its_schema_bounds() -> None:
    load = numeric_field("economy.ads.load")
    assert not load.integer
    assert load.admits(0) and load.admits(0.99)
    assert not load.admits(1) and not load.admits(-0.01)
    check_range(load, 0.02, 0.3)


def test_an_int_field_is_integer_and_wants_whole_ends() -> None:
    cap = numeric_field("economy.ads.frequency_cap")
    assert cap.integer
    check_range(cap, 1, 5)
    with pytest.raises(ValueError, match="frequency_cap: holds whole numbers; got 1.5..5"):
        check_range(cap, 1.5, 5)


def test_an_unknown_field_is_named_with_the_nearest_one() -> None:
    with pytest.raises(ValueError, match=r"economy.ads.lod: unknown field \(did you mean 'load'"):
        numeric_field("economy.ads.lod")


@pytest.mark.parametrize(
    ("path", "holds"),
    [("platform.fanout", "Literal"), ("population.graph", "GraphConfig"), ("slos", "list")],
)
def test_a_field_that_is_no_number_is_refused(path: str, holds: str) -> None:
    with pytest.raises(ValueError, match=f"{path}: not a number field \\(it holds {holds}"):
        numeric_field(path)


def test_an_empty_or_reversed_range_is_refused() -> None:
    load = numeric_field("economy.ads.load")
    for low, high in ((0.3, 0.3), (0.3, 0.02)):
        with pytest.raises(ValueError, match="is empty; LOW must be below HIGH"):
            check_range(load, low, high)


def test_a_range_leaving_the_bounds_says_which_end_and_the_bounds() -> None:
    load = numeric_field("economy.ads.load")
    with pytest.raises(ValueError, match=r"must be >= 0 and < 1; 1.5 is not"):
        check_range(load, 0.1, 1.5)
    share = numeric_field("economy.ads.targeting_precision")
    with pytest.raises(ValueError, match=r"must be between 0 and 1; -0.1 is not"):
        check_range(share, -0.1, 0.5)
