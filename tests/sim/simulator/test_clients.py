"""Mobile and web clients in the simulator: `population.mobile_share` moves the per-client
split of requests and the request mix (web users come less often and read more pages a
session), and mobile users' phones get pushes."""

from collections.abc import Callable

import numpy as np

from scenario import Scenario
from sim.activities.social import Social
from sim.engine import Simulation
from tests.sim.simulator.conftest import population_of, run_once


def metrics_at(tiny: Callable[..., Scenario], share: float) -> dict[str, float]:
    _, outcome = run_once(tiny(population={"mobile_share": share}))
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
    social = Simulation(tiny(), population, seed).activities[0]
    assert isinstance(social, Social)
    rows = np.repeat(np.arange(population.size), 20)
    extra_pages = np.array([plan[0] for plan in social.plan(rows)]) - 1.0
    mobile = population.mobile[rows]
    assert 0.8 < extra_pages[mobile].mean() < 1.0 and 1.75 < extra_pages[~mobile].mean() < 2.05
