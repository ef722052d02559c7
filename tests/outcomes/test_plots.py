"""Shared plotting: overlays draw a line per run, labels carry units, file names are safe."""

from __future__ import annotations

from pathlib import Path

from outcomes.plots import axis_label, file_stem, timeseries_figures, write_timeseries_plots
from outcomes.timeseries import Timeseries

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _series(offset: float) -> Timeseries:
    return Timeseries([0.0, 1.0], {"users.online": [offset, offset + 1], f"only{offset}": [0, 0]})


def test_overlays_cover_shared_columns_with_a_line_per_run() -> None:
    figures = timeseries_figures([("main", _series(1.0)), ("pr", _series(2.0))])
    assert list(figures) == ["users.online"]
    (axes,) = figures["users.online"].axes
    assert [line.get_label() for line in axes.get_lines()] == ["main", "pr"]


def test_saved_overlays_are_png_files(tmp_path: Path) -> None:
    paths = write_timeseries_plots([("main", _series(1.0))], tmp_path / "plots")
    assert [p.name for p in paths] == ["timeseries_users.online.png", "timeseries_only1.0.png"]
    assert all(p.read_bytes().startswith(PNG_SIGNATURE) for p in paths)


def test_axis_labels_carry_catalogued_units_and_file_stems_are_safe() -> None:
    assert axis_label("latency.post.p99_ms") == "latency.post.p99_ms (ms)"
    assert axis_label("custom.thing") == "custom.thing"
    assert file_stem("a/b c:d=1") == "a_b_c_d=1"
