"""Closed-form single-station formulas against independent textbook computations."""

from __future__ import annotations

import math

import pytest
from scipy.integrate import quad

from sim.capacity.analytic import Queue, erlang_c, mmc


def erlang_c_by_sum(servers: int, load: float) -> float:
    """Erlang C from its defining sum, for small c."""
    top = load**servers / math.factorial(servers) * servers / (servers - load)
    return top / (sum(load**k / math.factorial(k) for k in range(servers)) + top)


def erlang_c_by_recursion(servers: int, load: float) -> float:
    """Erlang C via the numerically stable Erlang B recursion, for large c."""
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = load * blocking / (k + load * blocking)
    return servers * blocking / (servers - load * (1.0 - blocking))


@pytest.mark.parametrize(("servers", "load"), [(1, 0.5), (2, 1.0), (4, 2.0), (4, 3.6), (10, 9.5)])
def test_erlang_c_matches_defining_sum(servers: int, load: float) -> None:
    """The incomplete-gamma form equals the textbook sum."""
    assert erlang_c(servers, load) == pytest.approx(erlang_c_by_sum(servers, load), rel=1e-10)


@pytest.mark.parametrize(("servers", "load"), [(500, 480.0), (5000, 4900.0), (20000, 19000.0)])
def test_erlang_c_stays_exact_for_thousands_of_servers(servers: int, load: float) -> None:
    """Large stations (planning at 500 M users) agree with the Erlang B recursion."""
    assert erlang_c(servers, load) == pytest.approx(erlang_c_by_recursion(servers, load), rel=1e-9)


@pytest.mark.parametrize("mean_service_s", [1e-12, 1e-9, 1e-6, 1e-3, 10.0])
def test_response_quantiles_keep_their_precision_at_any_time_scale(
    mean_service_s: float,
) -> None:
    """An M/M/1 median is ln 2/(μ − λ) whether services take picoseconds or seconds
    (an absolute root-finding tolerance once made sub-nanosecond answers 40 % off)."""
    service = 1.0 / mean_service_s
    queue = mmc(0.3 * service, service, 1)
    expected = math.log(2.0) / (service - 0.3 * service)
    assert queue.response_quantile(0.5) == pytest.approx(expected, rel=1e-6, abs=0.0)


def test_mm1_is_the_single_server_case() -> None:
    """c = 1: P(wait) = ρ, E[response] = 1/(μ − λ), response ~ Exp(μ − λ)."""
    arrival, service = 0.7, 1.3
    queue = mmc(arrival, service, 1)
    assert queue.utilisation == pytest.approx(arrival / service)
    assert queue.wait_probability == pytest.approx(arrival / service)
    assert queue.mean_response() == pytest.approx(1.0 / (service - arrival))
    for q in (0.5, 0.95, 0.99):
        expected = -math.log(1.0 - q) / (service - arrival)
        assert queue.response_quantile(q) == pytest.approx(expected, rel=1e-9)


def test_mmc_wait_distribution() -> None:
    """P(W > t) = C e^{−(cμ−λ)t}, mean C/(cμ−λ), and the wait quantile inverts the tail."""
    queue = mmc(3.0, 1.0, 4)
    c = erlang_c_by_sum(4, 3.0)
    assert queue.mean_wait == pytest.approx(c / (4.0 - 3.0))
    assert queue.wait_tail(2.0) == pytest.approx(c * math.exp(-2.0))
    assert queue.wait_tail(queue.wait_quantile(0.95)) == pytest.approx(0.05)
    assert queue.wait_quantile(1.0 - c) == 0.0


def response_tail_by_integration(queue: Queue, t: float, service: float) -> float:
    """P(W + S > t) with exponential S, by integrating the wait density against S's tail."""
    c, theta = queue.wait_probability, queue.wait_decay

    def tail(s: float) -> float:
        return math.exp(-max(s, 0.0) / service)

    waited, _ = quad(lambda w: c * theta * math.exp(-theta * w) * tail(t - w), 0.0, t)
    return (1.0 - c) * tail(t) + waited + c * math.exp(-theta * t)


@pytest.mark.parametrize(
    ("arrival", "servers", "service"),
    [(3.0, 4, 1.0), (1.0, 2, 1.0), (0.5, 1, 0.3)],
    ids=["mm4", "wait-rate-equals-service-rate", "short-job"],
)
def test_response_tail_matches_numerical_convolution(
    arrival: float, servers: int, service: float
) -> None:
    """The closed-form tail equals the convolution, including the equal-rate case."""
    queue = mmc(arrival, 1.0, servers)
    for t in (0.1, 1.0, 3.0, 8.0):
        expected = response_tail_by_integration(queue, t, service)
        assert queue.response_tail(t, service) == pytest.approx(expected, rel=1e-7)


def test_fixed_service_response_is_a_shifted_wait() -> None:
    """With fixed service d, P(R > t) = P(W > t − d) and no quantile is below d."""
    queue = Queue(arrival_rate=0.6, mean_service=1.0, servers=1, service_scv=0.0)
    assert queue.response_tail(0.99, 1.0, exponential=False) == 1.0
    assert queue.response_tail(2.5, 1.0, exponential=False) == pytest.approx(queue.wait_tail(1.5))
    assert queue.response_quantile(0.3, exponential=False) == pytest.approx(1.0)


def test_allen_cunneen_gives_pollaczek_khinchine_for_one_server() -> None:
    """M/D/1 (scv 0) waits ρE[S]/(2(1−ρ)); M/G/1 in general λE[S²]/(2(1−ρ))."""
    for scv in (0.0, 0.5, 3.0):
        queue = Queue(arrival_rate=0.8, mean_service=1.0, servers=1, service_scv=scv)
        second_moment = (1.0 + scv) * 1.0**2
        assert queue.mean_wait == pytest.approx(0.8 * second_moment / (2.0 * (1.0 - 0.8)))


def test_saturated_station_has_unbounded_delay() -> None:
    """At ρ ≥ 1 the wait, the response and every percentile are infinite."""
    queue = mmc(4.0, 1.0, 4)
    assert queue.wait_probability == 1.0
    assert math.isinf(queue.mean_wait)
    assert math.isinf(queue.response_quantile(0.5))
    assert math.isinf(queue.wait_quantile(0.5))


def test_idle_station_never_waits() -> None:
    """No arrivals: no wait, and the response is the job's own service."""
    queue = Queue(arrival_rate=0.0, mean_service=0.0, servers=2)
    assert queue.mean_wait == 0.0
    assert queue.wait_variance == 0.0
    assert queue.response_quantile(0.99, 1.0) == pytest.approx(-math.log(0.01))
