"""Mobile and web clients in the simulator: `population.mobile_share` moves the per-client
split of requests, of revenue and the request mix (web users come less often and read
more pages a session), and mobile users' phones get and read pushes."""

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import simpy

from outcomes.metrics import REVENUE_STREAMS
from scenario import Scenario
from sim.activities.push_reads import PushReads
from sim.activities.social import Social
from sim.client_revenue import ClientRevenue, client_revenue_metrics
from sim.engine import Simulation
from tests.sim.simulator.conftest import population_of, run_once


def metrics_at(tiny: Callable[..., Scenario], share: float, **changes: Any) -> dict[str, float]:
    _, outcome = run_once(tiny(population={"mobile_share": share}, **changes))
    return {name: value for name, (value, _) in outcome.metrics.items()}


def test_mobile_share_moves_the_client_split_and_the_request_mix(
    tiny: Callable[..., Scenario],
) -> None:
    seed, fewer = metrics_at(tiny, 0.75), metrics_at(tiny, 0.2)
    assert seed["clients.mobile.request_share"] > 0.6 > 0.4 > fewer["clients.mobile.request_share"]
    assert fewer["clients.web.requests_per_s"] > seed["clients.web.requests_per_s"]
    polls = "requests.app_poll.share"  # apps poll on their own clock, not in sessions
    assert fewer[polls] > seed[polls], "fewer sessions (web users come less often)"
    assert fewer["push.sent"] < seed["push.sent"], "fewer phones, fewer pushes"
    assert 0 < seed["push.lag.p50_s"] <= seed["push.lag.p99_s"]


def test_each_replication_draws_its_own_push_latencies(tiny: Callable[..., Scenario]) -> None:
    """The push provider draws from the replication's stream, not one fixed seed: two
    replications of one scenario draw different latencies, one replication the same."""
    scenario = tiny()
    population, first = population_of(scenario)

    def draws(*key: int) -> list[float]:
        """A fresh seed each time (spawning from one moves it on)."""
        seed = np.random.SeedSequence(first.entropy, spawn_key=(*first.spawn_key, *key))
        return Simulation(scenario, population, seed).push.provider.rng.random(4).tolist()

    assert draws() == draws() != draws(9)


def test_web_sessions_plan_more_pages_and_come_less_often(
    tiny: Callable[..., Scenario],
) -> None:
    """The clients' default factors (mobile 0.9x extra pages and 1.2x sessions, web 1.9x
    and 0.4x), against neutral factors of 1 on the same draws."""
    neutral = {name: 1.0 for name in ("session_rate_factor", "pages_factor")}
    plain = tiny(behaviour={"clients": {"mobile": neutral, "web": neutral}})
    population, seed = population_of(tiny())
    same, _ = population_of(plain)
    factor = population.session_rate / same.session_rate
    assert np.allclose(factor, np.where(population.mobile, 1.2, 0.4))
    activities = Simulation(tiny(), population, seed).activities
    social = next(a for a in activities if isinstance(a, Social))
    rows = np.repeat(np.arange(population.size), 20)
    extra_pages = np.array([plan[0] for plan in social.plan(rows)]) - 1.0
    mobile = population.mobile[rows]
    assert 0.8 < extra_pages[mobile].mean() < 1.0 and 1.75 < extra_pages[~mobile].mean() < 2.05


def test_every_streams_revenue_splits_over_the_clients_and_adds_up_to_the_total(
    tiny: Callable[..., Scenario],
) -> None:
    """Each stream's mobile and web parts add up to the stream, the clients' revenue to
    `revenue.total`; fewer phones move the money
    towards the web."""
    spending = {
        "economy": {"starting_balance": 50.0, "memberships": {"join_per_session": 0.05}},
        "behaviour": {"per_session": {"game_purchase": 0.5}, "games": {"paying_user_share": 0.5}},
    }
    seed, fewer = metrics_at(tiny, 0.75, **spending), metrics_at(tiny, 0.2, **spending)
    for metrics in (seed, fewer):
        streams = [s for s in REVENUE_STREAMS if metrics.get(f"revenue.{s}", 0) > 0]
        assert {"games", "vas"} <= set(streams)
        for stream in streams:
            parts = metrics[f"clients.mobile.revenue_{stream}"]
            parts += metrics[f"clients.web.revenue_{stream}"]
            assert parts == pytest.approx(metrics[f"revenue.{stream}"], abs=1e-9)
        split = metrics["clients.mobile.revenue"] + metrics["clients.web.revenue"]
        assert metrics["revenue.total"] > 0 and split == pytest.approx(metrics["revenue.total"])
    seed_share, fewer_share = (
        run["clients.mobile.revenue"] / run["revenue.total"] for run in (seed, fewer)
    )
    assert seed_share > 0.8 > 0.6 > fewer_share  # seeds 1-3: 0.89-0.97 and 0.26-0.56


def test_a_stream_nobody_paid_for_splits_like_the_accounts() -> None:
    """Revenue no user's action moved (a partner's contract before any diversion) goes
    to the clients as the population is split; attributed revenue as it was attributed."""
    revenue = ClientRevenue(simpy.Environment(), 0.0, np.array([True, True, True, False]))
    revenue.add("games", 3, 2.0)
    revenue.add("games", 0, 6.0)
    metrics = {"revenue.partner": (100.0, "coins"), "revenue.games": (4.0, "coins")}
    split = client_revenue_metrics(metrics, revenue)
    assert split["clients.mobile.revenue_partner"] == (75.0, "coins")
    assert split["clients.web.revenue_games"] == (1.0, "coins")
    assert split["clients.mobile.revenue"] == (78.0, "coins")
    assert "clients.web.revenue_vas" not in split, "no stream measured, no split"


def test_phones_read_their_pushes_in_sessions_and_browsers_do_not(
    tiny: Callable[..., Scenario],
) -> None:
    """`push_read` at each client's `push_reads_per_session`: one per phone session by
    default, none from the web; a fraction is the chance of one more read."""
    simulation, outcome = run_once(tiny())
    reads = next(a for a in simulation.activities if isinstance(a, PushReads))
    mobile = simulation.world.population.mobile
    rows = np.repeat(np.arange(mobile.size), 10)
    plans = reads.plan(rows)
    assert all(plan == 1 for plan, row in zip(plans, rows, strict=True) if mobile[row])
    assert all(plan is None for plan, row in zip(plans, rows, strict=True) if not mobile[row])
    assert outcome.metrics["requests.push_read.share"][0] > 0.02
    half = {"mobile": {"push_reads_per_session": 1.5}}
    simulation, _ = run_once(tiny(behaviour={"clients": half}))
    reads = next(a for a in simulation.activities if isinstance(a, PushReads))
    on_phones = rows[mobile[rows]]
    counts = [plan or 0 for plan in reads.plan(on_phones)]
    assert np.mean(counts) == pytest.approx(1.5, abs=0.05)
    none = {"mobile": {"push_reads_per_session": 0.0}}
    _, outcome = run_once(tiny(behaviour={"clients": none}))
    assert "requests.push_read.share" not in outcome.metrics
