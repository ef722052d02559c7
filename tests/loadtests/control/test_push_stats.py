"""The load test's phones: seeded on the mobile app at the simulator's share of sessions,
and their outboxes read after the test as `push.*`."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from loadtests.control.push_stats import Pushed, push_metrics, read_pushes
from loadtests.control.seed import draw_clients, follow_graph, seed_population
from microblog.api.app import create_app
from microblog.api.settings import ServerSettings
from scenario import load_scenario
from scenario.loadtest import LoadtestConfig

OPERATOR = "operator-secret"


def test_phones_are_drawn_at_the_simulators_share_of_sessions() -> None:
    """75 % of accounts on the phone, coming 1.2x as often against the web's 0.4x: 90 %
    of sessions are on the phone, and so are 90 % of the load test's seeded accounts."""
    scenario = load_scenario("scenarios/ci-smoke.yaml")
    assert scenario.behaviour.clients.mobile_session_share(0.75) == pytest.approx(0.9)
    mobile = draw_clients(scenario, 20_000, np.random.default_rng(3))
    assert np.mean(mobile) == pytest.approx(0.9, abs=0.01)


def test_a_mention_reaches_the_seeded_phones_outbox_and_push_metrics_count_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Accounts seeded on the phone get pushes, those on the web none; only pushes made
    since the test began count, read page after page (one push a page here)."""
    monkeypatch.setattr("loadtests.control.push_stats.PAGE", 1)
    config = LoadtestConfig(seed_users=8, big_v_followers=4, influencers=1, mean_followees=2)
    graph = follow_graph(config, np.random.default_rng(6))
    settings = ServerSettings(store="memory", operator_token=OPERATOR)
    mobile = [False, False, True, True, False, False, False, False]
    with TestClient(create_app(settings)) as client:
        client.headers["Authorization"] = f"Bearer {OPERATOR}"
        population = seed_population(client, graph, settings.max_body_bytes, None, mobile)
        author = {"Authorization": f"Bearer {population.tokens[0]}"}
        early = f"@{population.names[2]} before the test"
        assert client.post("/posts", json={"text": early}, headers=author).status_code == 201
        began = max(p.created_at for p in read_pushes(client, population, 0.0, print) or [])
        names = " ".join(f"@{population.names[i]}" for i in (2, 3, 4))
        for text in (names, f"again @{population.names[2]}"):
            assert client.post("/posts", json={"text": text}, headers=author).status_code == 201
        pushes = read_pushes(client, population, began + 1e-6, print)
    assert pushes is not None and len(pushes) == 3, "the two phones, not the web account"
    metrics = push_metrics(pushes)
    sent, failed = metrics["push.sent"].value, metrics["push.failed"].value
    assert (sent, failed) == (3, sum(p.delivered_at is None for p in pushes))


def test_push_metrics_are_the_simulators_names_and_none_without_a_read() -> None:
    pushes = [
        Pushed(created_at=10.0, delivered_at=10.5),
        Pushed(created_at=11.0, delivered_at=None),
    ]
    metrics = push_metrics(pushes)
    assert (metrics["push.sent"].value, metrics["push.failed"].value) == (2, 1)
    assert metrics["push.lag.p50_s"].value == metrics["push.lag.p99_s"].value == 0.5
    assert push_metrics(None) == {}
