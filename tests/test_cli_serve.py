"""`fanout serve --workers N`: refused with tiers a process keeps to itself, and the
settings every server process rebuilds from the environment."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli import fanout
from microblog.api.settings import ServerSettings
from microblog.config import PlatformConfig


@pytest.mark.parametrize(
    ("tiers", "named"),
    [
        (["--cache", "memory"], "--cache"),
        (["--store", "memory", "--cache", "redis://127.0.0.1:6379/0"], "--store"),
    ],
)
def test_several_workers_refuse_tiers_kept_in_one_process(tiers: list[str], named: str) -> None:
    result = CliRunner().invoke(fanout, ["serve", "--workers", "2", *tiers])
    assert result.exit_code == 2
    assert result.stderr.startswith("fanout: --workers 2 needs a shared " + named)


def test_zero_workers_is_bad_input() -> None:
    result = CliRunner().invoke(fanout, ["serve", "--workers", "0"])
    assert result.exit_code == 2 and "--workers" in result.stderr


def test_server_processes_rebuild_the_same_settings_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = ServerSettings(
        store="postgresql+psycopg://postgres@127.0.0.1/test",
        cache="redis://127.0.0.1:6379/0",
        cache_prefix="run-7:",
        platform=PlatformConfig(fanout="hybrid", hybrid_threshold=50),
        operator_token="secret",
    )
    for name, value in settings.environment().items():
        monkeypatch.setenv(name, value)
    assert ServerSettings() == settings
