"""`fanout serve --workers N`: refused with tiers a process keeps to itself, and the
settings every server process rebuilds from the environment."""

from __future__ import annotations

import os

import pytest
import uvicorn
from click.testing import CliRunner

from cli import fanout
from microblog.api.settings import ServerSettings
from microblog.config import FanoutStrategy, PlatformConfig


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


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[ServerSettings]:
    """What each server process of `fanout serve` would build: uvicorn is replaced by a
    stand-in that reads the settings from the environment, as `create_app()` does."""
    built: list[ServerSettings] = []
    monkeypatch.setattr(os, "environ", dict(os.environ))
    for name in [n for n in os.environ if n.startswith("FANOUT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setattr(uvicorn, "run", lambda *_args, **_kw: built.append(ServerSettings()))
    return built


def test_serve_takes_options_over_the_environment_over_the_defaults(
    monkeypatch: pytest.MonkeyPatch, served: list[ServerSettings]
) -> None:
    monkeypatch.setenv("FANOUT_STORE", "sqlite:///from-env.sqlite")
    monkeypatch.setenv("FANOUT_CACHE_PREFIX", "env-prefix:")
    monkeypatch.setenv("FANOUT_BACKGROUND_FANOUT_WORKERS", "0")
    monkeypatch.setenv("FANOUT_PLATFORM", '{"fanout": "pull", "timeline_capacity": 300}')
    args = ["serve", "--store", "memory", "--hybrid-threshold", "42"]
    result = CliRunner().invoke(fanout, args)
    assert result.exit_code == 0, result.output
    (settings,) = served
    assert settings.store == "memory"  # the option, over FANOUT_STORE
    assert settings.cache_prefix == "env-prefix:" and settings.background_fanout_workers == 0
    assert settings.platform.fanout is FanoutStrategy.PULL  # the environment's platform...
    assert settings.platform.timeline_capacity == 300
    assert settings.platform.hybrid_threshold == 42  # ...with the option's field over it
    assert settings.cache == ServerSettings.model_fields["cache"].default


def test_serve_with_no_options_and_no_environment_uses_the_defaults(
    served: list[ServerSettings],
) -> None:
    assert CliRunner().invoke(fanout, ["serve"]).exit_code == 0
    assert served == [ServerSettings()]


def test_a_bad_setting_in_the_environment_exits_2_naming_it(
    monkeypatch: pytest.MonkeyPatch, served: list[ServerSettings]
) -> None:
    monkeypatch.setenv("FANOUT_PLATFORM", '{"hybrid_threshold": 0}')
    result = CliRunner().invoke(fanout, ["serve", "--store", "memory", "--fanout", "hybrid"])
    assert result.exit_code == 2 and "hybrid_threshold" in result.stderr
    assert not served


def test_private_callbacks_are_refused_unless_the_operator_allows_them(
    monkeypatch: pytest.MonkeyPatch, served: list[ServerSettings]
) -> None:
    """Served with defaults, fan services' callbacks go to public addresses only; the
    option (or FANOUT_PLATFORM) lets them reach an app on this machine, and keeps the
    environment's other fan-service settings."""
    monkeypatch.setenv("FANOUT_PLATFORM", '{"fanservice": {"callback_attempts": 2}}')
    for args in (["serve"], ["serve", "--allow-private-callbacks"]):
        assert CliRunner().invoke(fanout, args).exit_code == 0
    default, allowing = (settings.platform.fanservice for settings in served)
    assert (default.allow_private_callbacks, allowing.allow_private_callbacks) == (False, True)
    assert allowing.callback_attempts == 2
