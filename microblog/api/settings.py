"""Server settings, from `fanout serve` options or FANOUT_* environment variables."""

from __future__ import annotations

import json

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from microblog.config import PlatformConfig


class ServerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FANOUT_", env_nested_delimiter="__")

    store: str = Field("sqlite:///fanout.sqlite", description="'memory' or an SQLAlchemy URL.")
    cache: str = Field(
        "memory", description="'memory' (this process) or redis://HOST:PORT/DB (shared)."
    )
    cache_prefix: str = Field(
        "fanout:", min_length=1, description="Prefix of every Redis key of this platform."
    )
    platform: PlatformConfig = Field(default_factory=PlatformConfig)
    background_fanout_workers: int = Field(
        2, ge=0, description="Threads delivering fan-out after the post returns; 0 = inline."
    )
    operator_token: str | None = Field(
        None, description="Bearer token for /admin (bulk seeding, ledger audit); unset = disabled."
    )
    max_body_bytes: int = Field(65_536, ge=1024, description="Larger request bodies get 413.")


def require_shared_tiers(settings: ServerSettings, workers: int) -> None:
    """Refuse (ValueError) settings that cannot run in `workers` server processes.

    Each process has its own memory: a memory cache would keep connections, presence and
    cached timelines apart, and a memory store would give each process its own platform.
    """
    if workers > 1 and settings.cache == "memory":
        raise ValueError(
            f"--workers {workers} needs a shared --cache (redis://HOST:PORT/DB): with "
            "--cache memory each process would see only its own chat connections and presence"
        )
    if workers > 1 and settings.store == "memory":
        raise ValueError(
            f"--workers {workers} needs a shared --store (sqlite:///PATH or postgresql+psycopg://"
            "...): with --store memory each process would hold a platform of its own"
        )


def settings_environment(settings: ServerSettings) -> dict[str, str]:
    """The FANOUT_* variables that rebuild these settings in another process."""
    prefix = settings.model_config.get("env_prefix", "")
    dumped = settings.model_dump(mode="json", exclude_none=True)
    return {
        f"{prefix}{name}".upper(): value if isinstance(value, str) else json.dumps(value)
        for name, value in dumped.items()
    }
