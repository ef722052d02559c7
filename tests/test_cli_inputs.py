"""Bad input is reported one way by every command: `fanout: <file>: <field>: <why>` on
stderr and exit code 2, before anything runs or is written; `--set` is one option."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import fanout
from loadtests.control import run as load_test_run
from loadtests.control.request import PreparedRun
from loadtests.control.runner import LocustError
from loadtests.control.server import PROJECT_ROOT
from scenario.calibration import write_calibration
from sim.capacity.fit import calibrate
from tests.sim.capacity.test_fit import explained_result

BASELINE = "scenarios/baseline.yaml"
SMOKE = "scenarios/ci-smoke.yaml"
TYPO = "economy.ads.lode=0.2"
TYPO_MESSAGE = "fanout: {file}: economy.ads.lode: --set: unknown field (did you mean 'load'?)"
COMMANDS_WITH_SET = {
    "run": ["run", BASELINE],
    "sweep": ["sweep", BASELINE, "--vary", "platform.fanout=push,pull"],
    "plan": ["plan", BASELINE, "--users", "1000"],
    "loadtest": ["loadtest", SMOKE],
    "check-model": ["check-model", SMOKE],
    "fit": f"fit {BASELINE} --target ads.ctr=0.01±0.001 --vary economy.ads.load=0.05..0.2 "
    "--budget 2 --out fitted.yaml".split(),
}


@pytest.mark.parametrize("command", COMMANDS_WITH_SET)
def test_a_misspelt_set_field_exits_2_with_one_message_shape(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = [*COMMANDS_WITH_SET[command], "--set", TYPO]
    scenario = str(Path(args[1]).resolve())
    monkeypatch.chdir(tmp_path)  # anything written would land here
    result = CliRunner().invoke(fanout, [args[0], scenario, *args[2:]])
    assert result.exit_code == 2
    assert result.stderr.strip() == TYPO_MESSAGE.format(file=scenario)
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_validate_lists_the_same_message_for_each_file() -> None:
    result = CliRunner().invoke(fanout, ["validate", BASELINE, SMOKE, "--set", TYPO])
    assert result.exit_code == 2
    for file in (BASELINE, SMOKE):
        assert TYPO_MESSAGE.format(file=file).removeprefix("fanout: ") in result.stdout


@pytest.mark.parametrize("command", ["validate", *COMMANDS_WITH_SET])
def test_every_set_option_is_the_same_option(command: str) -> None:
    help_text = CliRunner().invoke(fanout, [command, "--help"], terminal_width=200).output
    lines = [line.strip() for line in help_text.splitlines()]
    line = next(line for line in lines if line.startswith("--set"))
    assert line.startswith("--set PATH=VALUE")
    assert "Override a scenario field, e.g. economy.ads.load=0.15 (repeatable;" in line


def test_check_model_without_a_calibration_exits_2_before_any_load_test(tmp_path: Path) -> None:
    out = tmp_path / "check"
    result = CliRunner().invoke(fanout, ["check-model", SMOKE, "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"fanout: {SMOKE}: no calibration: pass --calibration FILE "
        "or set platform.capacity.calibration"
    )
    assert not out.exists()


@pytest.mark.parametrize("command", ["loadtest", "check-model"])
def test_a_malformed_run_time_exits_2_naming_the_flag(command: str) -> None:
    result = CliRunner().invoke(fanout, [command, SMOKE, "--run-time", "2x"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "fanout: --run-time '2x': expected e.g. 60s, 2m or 1h30m"


def test_schema_to_an_unwritable_place_names_the_file(tmp_path: Path) -> None:
    out = tmp_path / "no" / "s.json"
    result = CliRunner().invoke(fanout, ["schema", "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"fanout: {out}: cannot write: No such file or directory"


@pytest.mark.parametrize("command", ["loadtest", "check-model"])
def test_a_load_test_that_breaks_exits_1_not_2(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Locust failing to run is the test's failure, not the input's."""

    def broken(prepared: PreparedRun, progress: object) -> None:
        raise LocustError("locust exited with code 3")

    monkeypatch.setattr(load_test_run, "execute", broken)
    calibration = tmp_path / "calibration.yaml"
    write_calibration(calibration, calibrate(explained_result(), "test"))
    args = [command, SMOKE, "--out", str(tmp_path / "run")]
    args += ["--calibration", str(calibration)] if command == "check-model" else []
    result = CliRunner().invoke(fanout, args)
    assert result.exit_code == 1
    assert result.stderr.strip() == "fanout: load test failed: locust exited with code 3"


@pytest.mark.parametrize("option", ["--store", "--cache"])
def test_a_fanout_worker_on_a_memory_store_or_cache_exits_2_naming_it(option: str) -> None:
    urls = {"--store": "sqlite:///never-opened.sqlite", "--cache": "redis://127.0.0.1:6379/0"}
    args = [
        arg for name, url in urls.items() for arg in (name, "memory" if name == option else url)
    ]
    result = CliRunner().invoke(fanout, ["fanout-worker", *args])
    assert result.exit_code == 2
    assert f"Invalid value for '{option}'" in result.output
    assert "cannot see another's memory" in result.output


def test_a_fanout_worker_that_cannot_reach_redis_exits_2_naming_the_url() -> None:
    args = ["--store", "sqlite:///never-opened.sqlite", "--cache", "redis://127.0.0.1:1/0"]
    result = CliRunner().invoke(fanout, ["fanout-worker", *args])
    assert result.exit_code == 2
    assert "cannot reach the cache at 'redis://127.0.0.1:1/0'" in result.output


def test_a_fanout_worker_imports_neither_the_web_stack_nor_plotting(tmp_path: Path) -> None:
    """A worker never answers HTTP nor plots, so it starts without FastAPI, Starlette or
    matplotlib: checked on the real command's imports (`-X importtime`), up to where it
    opens the cache tier."""
    args = ["--store", f"sqlite:///{tmp_path / 'never-opened.sqlite'}"]
    args += ["--cache", "redis://127.0.0.1:1/0"]
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cli", "fanout-worker", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    imported = {line.rpartition("|")[2].strip() for line in done.stderr.splitlines()}
    assert "microblog.fanout.worker" in imported and "redis" in imported
    assert not {"fastapi", "starlette", "uvicorn", "matplotlib"} & imported
