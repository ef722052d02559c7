"""The Result schema: strict reading with errors that name the file, and replicate summaries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from pydantic import ValidationError

from outcomes.result import (
    SCHEMA_VERSION,
    Result,
    ResultError,
    current_environment,
    load_result,
    load_runs,
    metric_from_replicates,
    write_result,
)

if TYPE_CHECKING:
    from conftest import ResultFactory


def test_a_written_result_loads_back_equal_from_its_directory_or_file(
    factory: ResultFactory, tmp_path: Path
) -> None:
    result = factory.result()
    file = write_result(tmp_path / "run", result)
    assert load_result(tmp_path / "run") == result
    assert load_result(file) == result


def test_a_missing_result_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(ResultError, match="no such result file") as error:
        load_result(tmp_path / "nowhere")
    assert str(tmp_path / "nowhere") in str(error.value)


def test_corrupt_json_is_reported_as_invalid_json_naming_the_file(tmp_path: Path) -> None:
    file = tmp_path / "summary.json"
    file.write_text('{"kind": "simulation", ', encoding="utf-8")
    with pytest.raises(ResultError, match="is not valid JSON") as error:
        load_result(file)
    assert str(file) in str(error.value)


def test_foreign_json_names_the_first_bad_field(tmp_path: Path) -> None:
    file = tmp_path / "summary.json"
    file.write_text(json.dumps({"name": "package.json", "version": "1.0"}), encoding="utf-8")
    with pytest.raises(ResultError, match="is not a fanout Result: field 'kind'") as error:
        load_result(file)
    assert str(file) in str(error.value)


def test_a_bad_metric_value_is_named_by_its_full_path(
    factory: ResultFactory, tmp_path: Path
) -> None:
    raw = factory.result().model_dump(mode="json")
    raw["metrics"]["users.dau"]["value"] = "lots"
    file = tmp_path / "summary.json"
    file.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ResultError, match=r"field 'metrics\.users\.dau\.value'.*'lots'"):
        load_result(file)


def test_a_newer_schema_version_is_refused_naming_both_versions(
    factory: ResultFactory, tmp_path: Path
) -> None:
    raw = factory.result().model_dump(mode="json") | {"schema_version": SCHEMA_VERSION + 1}
    file = tmp_path / "summary.json"
    file.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ResultError, match=f"schema_version {SCHEMA_VERSION + 1}, newer") as error:
        load_result(file)
    assert f"up to {SCHEMA_VERSION}" in str(error.value)


def test_scenario_slos_must_be_a_list_of_strings(factory: ResultFactory) -> None:
    raw = factory.result().model_dump() | {"scenario": {"name": "x", "resolved": {"slos": 3}}}
    with pytest.raises(ValidationError, match="slos must be a list of SLO strings"):
        Result.model_validate(raw)


def test_started_at_must_be_iso_8601(factory: ResultFactory) -> None:
    raw = factory.result().model_dump() | {"started_at": "yesterday"}
    with pytest.raises(ValidationError, match="started_at"):
        Result.model_validate(raw)


def test_runs_are_labelled_by_directory_and_by_path_when_names_clash(
    factory: ResultFactory, tmp_path: Path
) -> None:
    a = factory.run(tmp_path / "a", "run", factory.result(), timeseries=False)
    b = factory.run(tmp_path / "b", "run", factory.result(), timeseries=False)
    c = factory.run(tmp_path, "other", factory.result(), timeseries=False)
    assert [run.label for run in load_runs([a, c])] == ["run", "other"]
    assert [run.label for run in load_runs([a, b])] == [str(a), str(b)]


def test_one_replicate_gives_its_value_and_no_interval() -> None:
    metric = metric_from_replicates([42.0], "ms")
    assert (metric.value, metric.ci95, metric.replicates) == (42.0, None, [42.0])


def test_replicate_interval_brackets_the_mean_and_replicates_can_be_dropped() -> None:
    metric = metric_from_replicates([10.0, 12.0, 11.0, 13.0], "ms", keep_replicates=False)
    assert metric.ci95 is not None
    assert metric.ci95[0] < metric.value == 11.5 < metric.ci95[1]
    assert metric.replicates is None


def test_the_interval_covers_the_true_mean_95_percent_of_the_time_with_few_replicates() -> None:
    """Student's t, not the normal approximation (which covers ~88 % with five replicates)."""
    rng = np.random.default_rng(7)
    trials = 2000
    covered = 0
    for _ in range(trials):
        ci95 = metric_from_replicates(rng.normal(0.0, 1.0, 5).tolist(), "x").ci95
        assert ci95 is not None
        covered += ci95[0] <= 0.0 <= ci95[1]
    assert 0.93 <= covered / trials <= 0.97


def test_current_environment_records_python_host_and_package_versions() -> None:
    environment = current_environment()
    assert environment["python"].count(".") == 2
    assert environment["host"]
    assert environment["packages"]["numpy"] == np.__version__
