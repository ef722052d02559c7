"""The station against queueing theory: FIFO recursion, M/M/1, Erlang C, Little's law.

The argument runs in two links:

1. exactness: fed the same arrivals and services, the station (its compiled kernel, in
   batches) reproduces the textbook FIFO multi-server recursion (Kiefer–Wolfowitz; Lindley
   for c = 1), written here independently in numpy, customer by customer;
2. the recursion, run vectorised over 10^7 customers, meets M/M/1 and Erlang C within 3 %.

The station is also compared with theory directly, on 10^6 customers a case (a station
admits millions a second, so the sampling error of a mean wait, whose relative variance is
~300/N at ρ = 0.9, no longer needs a wide band), within 3 % or within 4 batch-means
standard errors of its own estimate when that is wider; Little's law is checked on its
own time integrals; a failing assertion states the error and the band.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from sim.capacity.analytic import PERCENTILES, mmc
from sim.capacity.station import Station, StationStats

SERVICE_RATE = 1.0
SEEDS = (11, 12, 13, 14)
WARMUP_FRACTION = 0.1
"""Share of each run's first customers left out of means: the queue starts empty."""
BATCHES = 20


@dataclass(frozen=True, slots=True)
class Run:
    interarrivals: np.ndarray
    services: np.ndarray
    sojourns: np.ndarray
    """Wait plus service of each customer, in arrival order."""
    stats: StationStats


def poisson_run(
    servers: int,
    rho: float,
    customers: int,
    seed: int,
    station_type: Callable[[int], Station] = Station,
    batches: int = 10,
) -> Run:
    """Drive a station with Poisson arrivals at utilisation `rho` and exponential services,
    admitted in `batches` batches as the model admits them between readings."""
    rng = np.random.default_rng(seed)
    interarrivals = rng.exponential(1.0 / (rho * servers * SERVICE_RATE), customers)
    services = rng.exponential(1.0 / SERVICE_RATE, customers)
    arrivals = np.cumsum(interarrivals)
    station = station_type(servers)
    parts = zip(np.array_split(arrivals, batches), np.array_split(services, batches), strict=True)
    ends = np.concatenate([station.admit(a, s) for a, s in parts])
    return Run(interarrivals, services, ends - arrivals, station.stats(float(ends.max())))


class FifoServers:
    """Kiefer–Wolfowitz recursion: FIFO customers on identical servers, the textbook way.

    The state is each server's remaining work, sorted; an arriving customer waits for the
    least loaded server. Leading axes of the inputs are independent replications.
    """

    def __init__(self, servers: int, replications: tuple[int, ...] = ()) -> None:
        self.work = np.zeros((*replications, servers))

    def waits(self, interarrivals: np.ndarray, services: np.ndarray) -> np.ndarray:
        """Waits of customers arriving after these gaps with these services (axis 0: order)."""
        waits = np.empty_like(services)
        for k, (gap, service) in enumerate(zip(interarrivals, services, strict=True)):
            self.work -= np.expand_dims(gap, -1)
            np.maximum(self.work, 0.0, out=self.work)
            self.work.sort(axis=-1)
            waits[k] = self.work[..., 0]
            self.work[..., 0] += service
        return waits


def assert_littles_law(stats: StationStats) -> None:
    """Time-average occupancy (from the integrals) equals λ·W (from per-job records)."""
    arrival_rate = stats.arrivals / stats.elapsed
    assert stats.mean_in_system == pytest.approx(arrival_rate * stats.mean_response, rel=0.02)
    assert stats.mean_in_queue == pytest.approx(arrival_rate * stats.mean_wait, rel=0.02)


def steady_state_means(runs: list[Run], measure: str) -> tuple[float, float]:
    """Mean wait or response after warm-up over the runs, and its batch-means standard error."""
    batch_means = []
    for run in runs:
        kept = run.sojourns[int(WARMUP_FRACTION * run.sojourns.size) :]
        if measure == "wait":
            kept = kept - run.services[-kept.size :]
        batch_means += [batch.mean() for batch in np.array_split(kept, BATCHES)]
    means = np.array(batch_means)
    return float(means.mean()), float(means.std(ddof=1) / np.sqrt(means.size))


def relative_error_and_band(
    servers: int, rho: float, customers: int, measure: str, expected: float, **kw: Any
) -> tuple[float, float]:
    """Drive the station over the seeds; relative error against `expected` and allowed band."""
    runs = [poisson_run(servers, rho, customers // len(SEEDS), seed, **kw) for seed in SEEDS]
    for run in runs:
        assert_littles_law(run.stats)
    mean, standard_error = steady_state_means(runs, measure)
    return mean / expected - 1.0, max(0.03, 4.0 * standard_error / expected)


@pytest.mark.parametrize(("servers", "rho"), [(1, 0.5), (1, 0.9), (4, 0.5), (4, 0.9)])
def test_station_follows_fifo_recursion_customer_by_customer(servers: int, rho: float) -> None:
    """Every customer's sojourn equals the Kiefer–Wolfowitz recursion on the same inputs."""
    run = poisson_run(servers, rho, 10_000, seed=3)
    expected = FifoServers(servers).waits(run.interarrivals, run.services) + run.services
    np.testing.assert_allclose(run.sojourns, expected, rtol=1e-9, atol=1e-9)
    busy_time = run.stats.utilisation * servers * run.stats.elapsed
    assert busy_time == pytest.approx(run.services.sum(), rel=1e-9)


@pytest.mark.parametrize(("rho", "customers"), [(0.5, 10**6), (0.7, 10**6), (0.9, 10**6)])
def test_mm1_mean_response_matches_theory(rho: float, customers: int) -> None:
    """One station, c = 1: mean response 1/(μ − λ)."""
    expected = 1.0 / (SERVICE_RATE - rho * SERVICE_RATE)
    error, band = relative_error_and_band(1, rho, customers, "response", expected)
    assert abs(error) <= band, f"rho={rho}: error {error:+.2%}, band ±{band:.2%}"


@pytest.mark.parametrize(("rho", "customers"), [(0.5, 10**6), (0.7, 10**6), (0.9, 10**6)])
def test_mmc_mean_wait_matches_erlang_c(rho: float, customers: int) -> None:
    """c = 4: mean wait C(c, a)/(cμ − λ) from Erlang C."""
    expected = mmc(rho * 4 * SERVICE_RATE, SERVICE_RATE, 4).mean_wait
    error, band = relative_error_and_band(4, rho, customers, "wait", expected)
    assert abs(error) <= band, f"rho={rho}: error {error:+.2%}, band ±{band:.2%}"


def test_station_with_doubled_service_fails_the_same_comparison() -> None:
    """A station serving twice as long as the formula assumes is caught by the M/M/1 check."""

    class SlowStation(Station):
        def admit(self, arrivals: np.ndarray, services: np.ndarray) -> np.ndarray:
            return super().admit(arrivals, 2.0 * services)

    rho = 0.4
    expected = 1.0 / (SERVICE_RATE - rho * SERVICE_RATE)
    error, band = relative_error_and_band(1, rho, 40_000, "response", expected)
    broken, _ = relative_error_and_band(
        1, rho, 40_000, "response", expected, station_type=SlowStation
    )
    assert abs(error) <= band < abs(broken)


def test_mmc_response_percentiles_match_analytic() -> None:
    """c = 4 at ρ = 0.7: p50/p95/p99 of the response match the closed-form quantiles.

    On these 9 × 10^5 customers the percentile estimates' sampling error is under 1 %.
    """
    per_seed = 250_000
    runs = [poisson_run(4, 0.7, per_seed, seed) for seed in SEEDS]
    sojourns = np.concatenate([run.sojourns[int(WARMUP_FRACTION * per_seed) :] for run in runs])
    queue = mmc(0.7 * 4 * SERVICE_RATE, SERVICE_RATE, 4)
    measured = np.percentile(sojourns, PERCENTILES)
    expected = [queue.response_quantile(p / 100.0) for p in PERCENTILES]
    np.testing.assert_allclose(measured, expected, rtol=0.03)


@pytest.mark.parametrize("servers", [1, 4])
@pytest.mark.parametrize("rho", [0.5, 0.7, 0.9])
def test_fifo_recursion_matches_theory_within_3_percent(servers: int, rho: float) -> None:
    """The recursion the station reproduces meets M/M/1 and Erlang C on 8 × 10^6 customers."""
    replications, warmup, blocks, block = 400, 5_000, 20, 1_000
    rng = np.random.default_rng(7)
    arrival_rate = rho * servers * SERVICE_RATE
    queue = FifoServers(servers, (replications,))

    def block_waits(size: int) -> np.ndarray:
        gaps = rng.exponential(1.0 / arrival_rate, (size, replications))
        return queue.waits(gaps, rng.exponential(1.0 / SERVICE_RATE, (size, replications)))

    block_waits(warmup)
    mean_wait = np.mean([block_waits(block).mean() for _ in range(blocks)])
    assert mean_wait == pytest.approx(mmc(arrival_rate, SERVICE_RATE, servers).mean_wait, rel=0.03)
