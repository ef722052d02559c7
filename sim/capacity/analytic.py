"""Closed-form answers for one multi-server FIFO station: Erlang C, M/M/c waits and responses.

For Poisson arrivals at rate λ to `c` servers with exponential service of rate μ (M/M/c),
with offered load a = λ/μ and utilisation ρ = a/c < 1:

- Erlang C, the probability that an arrival waits, C(c, a);
- the wait W is 0 with probability 1 − C and otherwise exponential with rate θ = cμ − λ, so
  P(W > t) = C·e^{−θt} and E[W] = C/(cμ − λ);
- the response (sojourn) time is W plus the job's own service S; its tail is a closed form
  (`Queue.response_tail`), inverted by root finding for percentiles. M/M/1 is the case
  c = 1, where E[response] = 1/(μ − λ).

Stations of the platform serve a mix of request kinds, so service is not exactly
exponential. `Queue.service_scv` (squared coefficient of variation of service; 1 for
exponential) applies the Allen–Cunneen correction E[W] ≈ E[W_M/M/c]·(1 + scv)/2, which is
exact for M/G/1 (Pollaczek–Khinchine) and keeps the M/M/c shape of the wait distribution
(same C, mean scaled): P(W > t) = C·e^{−θt} with θ = C/E[W], so percentiles of the wait
follow from the corrected mean. The arrivals are still taken as Poisson (Ca² = 1 in
Allen–Cunneen's (Ca² + Cs²)/2). With scv = 1 every formula here is the exact M/M/c one.

Erlang C is computed from the Poisson distribution via the regularised incomplete gamma
function, so it costs the same for c = 4 as for c = 400 000 servers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from scipy.optimize import brentq
from scipy.special import gammaincc, gammaln

PERCENTILES: tuple[float, ...] = (50.0, 95.0, 99.0)
"""Percentiles reported for latencies and lags, matching the `p50/p95/p99` metric names."""


class Percentiles(NamedTuple):
    """Mean and `PERCENTILES` of a latency or lag, measured or estimated."""

    mean: float
    p50: float
    p95: float
    p99: float


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arrival has to wait, for `offered_load` = λ/μ erlangs on `servers`.

    Uses Erlang B = P(N = c)/P(N ≤ c) for N ~ Poisson(a), then C = cB/(c − a(1 − B)).
    Returns 1 when the station is saturated (a ≥ c).
    """
    if offered_load <= 0.0:
        return 0.0
    if offered_load >= servers:
        return 1.0
    log_pmf = servers * math.log(offered_load) - offered_load - gammaln(servers + 1)
    erlang_b = math.exp(log_pmf) / float(gammaincc(servers + 1, offered_load))
    return servers * erlang_b / (servers - offered_load * (1.0 - erlang_b))


def _relative_decay(y: float) -> float:
    """(1 − e^{−y})/y, continuous at y = 0; keeps the hypoexponential tail free of cancellation."""
    return 1.0 if y == 0.0 else -math.expm1(-y) / y


@dataclass(frozen=True, slots=True)
class Queue:
    """A FIFO station with Poisson arrivals; M/M/c exactly when `service_scv` is 1.

    Rates and times share one unit (e.g. per second and seconds).
    """

    arrival_rate: float
    mean_service: float
    servers: int
    service_scv: float = 1.0

    @property
    def offered_load(self) -> float:
        """a = λ·E[S], in erlangs (busy servers on average)."""
        return self.arrival_rate * self.mean_service

    @property
    def utilisation(self) -> float:
        """ρ = λ/(cμ)."""
        return self.offered_load / self.servers

    @property
    def wait_probability(self) -> float:
        """Erlang C: the chance an arrival finds every server busy."""
        return erlang_c(self.servers, self.offered_load)

    @property
    def mean_wait(self) -> float:
        """E[W]; infinite when the station is saturated."""
        if self.utilisation >= 1.0:
            return math.inf
        if self.offered_load == 0.0:
            return 0.0
        mmc_wait = self.wait_probability * self.mean_service / (self.servers - self.offered_load)
        return mmc_wait * (1.0 + self.service_scv) / 2.0

    @property
    def wait_decay(self) -> float:
        """θ in P(W > t) = C·e^{−θt}: cμ − λ for M/M/c."""
        mean_wait = self.mean_wait
        return self.wait_probability / mean_wait if mean_wait > 0.0 else math.inf

    @property
    def wait_variance(self) -> float:
        """Var[W] = C(2 − C)/θ², from E[W²] = 2C/θ²."""
        c = self.wait_probability
        return c * (2.0 - c) / self.wait_decay**2

    def wait_tail(self, t: float) -> float:
        """P(W > t)."""
        c = self.wait_probability
        return c * math.exp(-self.wait_decay * t) if c > 0.0 else 0.0

    def wait_quantile(self, q: float) -> float:
        """The q-quantile of W: 0 when at least a fraction q of arrivals do not wait."""
        if self.utilisation >= 1.0:
            return math.inf
        c = self.wait_probability
        return math.log(c / (1.0 - q)) / self.wait_decay if c > 1.0 - q else 0.0

    def mean_response(self, service_mean: float | None = None) -> float:
        """E[W] + E[S] for a job whose own mean service is `service_mean` (default: the mix)."""
        return self.mean_wait + (self.mean_service if service_mean is None else service_mean)

    def response_tail(self, t: float, service_mean: float, exponential: bool = True) -> float:
        """P(W + S > t) for a job whose service S is exponential, or fixed, with this mean.

        For exponential S (rate ν) the waiting part is a hypoexponential tail,
        e^{−θt} + θt·e^{−min(θ,ν)t}·(1 − e^{−|ν−θ|t})/(|ν−θ|t).
        """
        if t < 0.0:
            return 1.0
        if not exponential:
            return 1.0 if t < service_mean else self.wait_tail(t - service_mean)
        if service_mean == 0.0:
            return self.wait_tail(t)
        c, theta, nu = self.wait_probability, self.wait_decay, 1.0 / service_mean
        no_wait = math.exp(-nu * t)
        if c == 0.0:
            return no_wait
        both = math.exp(-theta * t) + theta * t * math.exp(-min(theta, nu) * t) * _relative_decay(
            abs(nu - theta) * t
        )
        return (1.0 - c) * no_wait + c * both

    def response_quantile(
        self, q: float, service_mean: float | None = None, exponential: bool = True
    ) -> float:
        """The q-quantile of W + S, by root finding on the closed-form tail."""
        mean = self.mean_service if service_mean is None else service_mean
        if self.utilisation >= 1.0:
            return math.inf
        target = 1.0 - q
        high = max(self.mean_response(mean), 1e-12)
        while self.response_tail(high, mean, exponential) > target:
            high *= 2.0

        def gap(t: float) -> float:
            return self.response_tail(t, mean, exponential) - target

        return float(brentq(gap, 0.0, high, xtol=high * _RELATIVE_XTOL))


_RELATIVE_XTOL = 1e-12
"""Root-finding tolerance relative to the bracket: brentq's absolute default (2e-12) is
coarser than the answer itself for sub-microsecond services."""


def mmc(arrival_rate: float, service_rate: float, servers: int) -> Queue:
    """The M/M/c queue with these rates (M/M/1 when `servers` is 1)."""
    return Queue(arrival_rate, 1.0 / service_rate, servers)
