"""Fixtures: scenario files written on the fly, and the shipped ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SHIPPED = sorted(SCENARIOS.glob("*.yaml"))

WriteScenario = Callable[..., Path]


@pytest.fixture
def write_scenario(tmp_path: Path) -> WriteScenario:
    """Write YAML text to `<tmp>/<name>.yaml` and return its path."""

    def write(text: str, name: str = "trial") -> Path:
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write
