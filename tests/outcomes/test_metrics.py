"""The metric catalogue: promised names exist, directions follow families, docs are current."""

from __future__ import annotations

from pathlib import Path

import pytest

from outcomes.metrics import (
    CATALOGUE,
    LATENCY_PATHS,
    LATENCY_STATS,
    better_direction,
    render_markdown,
)

ARCHITECTURE_NAMES = [
    "latency.timeline_read.p95_ms", "latency.chat_send.p99_ms", "latency.gift.p99_ms",
    "throughput.requests_per_s", "errors.rate", "fanout.deliveries", "fanout.lag.p99_s",
    "users.dau", "users.retention_d30", "revenue.ads", "revenue.games", "revenue.commerce",
    "revenue.total", "commerce.gmv", "ads.ctr", "utilization.app",
]  # fmt: skip
DOCS = Path(__file__).parents[2] / "docs" / "metrics.md"


def test_every_name_the_architecture_promises_is_catalogued() -> None:
    assert [name for name in ARCHITECTURE_NAMES if name not in CATALOGUE] == []


def test_every_latency_path_has_the_full_family_of_statistics() -> None:
    for path in LATENCY_PATHS:
        for stat in LATENCY_STATS:
            assert CATALOGUE[f"latency.{path}.{stat}"].unit == "ms"


@pytest.mark.parametrize(
    ("name", "better"),
    [
        ("latency.anything.p99_ms", "lower"),
        ("errors.rate", "lower"),
        ("fanout.lag.p99_s", "lower"),
        ("utilization.db", "lower"),
        ("revenue.ads", "higher"),
        ("commerce.gmv", "higher"),
        ("users.retention_d30", "higher"),
        ("throughput.requests_per_s", "higher"),
        ("ads.ctr", "higher"),
    ],
)
def test_better_direction_follows_the_metric_family(name: str, better: str) -> None:
    assert better_direction(name) == better


def test_a_metric_in_no_known_family_has_no_guessed_direction() -> None:
    with pytest.raises(ValueError, match="no known better direction for metric 'mood.score'"):
        better_direction("mood.score")


def test_every_catalogued_metric_has_a_direction_unit_and_description() -> None:
    for info in CATALOGUE.values():
        assert info.better in ("lower", "higher") and info.unit and info.description


def test_docs_metrics_md_is_the_rendered_catalogue() -> None:
    """Regenerate with `python -m outcomes.metrics > docs/metrics.md` when this fails."""
    assert DOCS.read_text(encoding="utf-8") == render_markdown()


def test_every_request_path_names_its_endpoint_and_its_simulated_call() -> None:
    """One path, one endpoint: the old catch-all `payment` and `purchase` are gone."""
    assert "payment" not in LATENCY_PATHS and "purchase" not in LATENCY_PATHS
    methods = ("GET ", "POST ", "PUT ", "DELETE ", "open ", "close ", "(")
    for path, route in LATENCY_PATHS.items():
        assert route.endpoint.startswith(methods), path
        assert route.simulated and route.action, path
    assert LATENCY_PATHS["gift"].endpoint == "POST /wallets/{id}/gifts"
    assert "| `order` | POST /orders | `orders.place` |" in render_markdown()
