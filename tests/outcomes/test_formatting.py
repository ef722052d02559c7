"""How numbers read: significant digits, thousands separators, percentages."""

from __future__ import annotations

from outcomes.formatting import number, percent


def test_numbers_keep_their_significant_digits_and_never_read_as_exponents_in_thousands() -> None:
    assert number(1234.5678) == "1235"
    assert number(1234.5678, 3) == "1,235"
    assert number(8551.0, 3) == "8,551"
    assert number(22_390.0) == "22,390"
    assert number(0.0280812, 3) == "0.0281"


def test_ratios_read_as_percentages() -> None:
    assert percent(0.00976) == "0.976 %"
    assert percent(0.5) == "50 %"
