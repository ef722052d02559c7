"""An event-driven reference of the capacity network, for tests only: every request a SimPy
process queueing on `simpy.Resource` (SimPy's own FIFO multi-server), as the model ran
before it was solved in batches. Written independently of `sim.capacity`'s kernel, so the
two agreeing says the batch solution is the network it claims to be.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Generator
from typing import Any

import simpy

from scenario.capacity import CapacityConfig
from sim.capacity.demand import REQUEST_STATIONS, WorkCounts, demand, fixed_ms, servers

Factor = Callable[[], float]
"""A service time's mean-1 factor: 1 for fixed services, an exponential draw otherwise."""


class EventDrivenNetwork:
    """`app`, `db`, `cache` and `fanout` as SimPy resources sized by `config`."""

    def __init__(self, env: simpy.Environment, config: CapacityConfig, factor: Factor) -> None:
        self.env = env
        self.config = config
        self.factor = factor
        self.resources = {name: simpy.Resource(env, c) for name, c in servers(config).items()}
        self.latency_ms: defaultdict[str, list[float]] = defaultdict(list)
        self.lags_s: list[float] = []

    def submit(self, path: str, work: WorkCounts) -> None:
        self.env.process(self._request(path, work))

    def _request(self, path: str, work: WorkCounts) -> Generator[simpy.Event, Any, None]:
        arrived = self.env.now
        need = demand(self.config, work)
        for name, ms in zip(REQUEST_STATIONS, need.request_ms, strict=True):
            if ms > 0.0:
                yield from self._hold(name, ms * self.factor() / 1000.0)
        self.latency_ms[path].append(fixed_ms(self.config, path) + (self.env.now - arrived) * 1e3)
        if need.fanout_deliveries > 0:
            self.env.process(self._fan_out(int(need.fanout_deliveries)))

    def _hold(self, name: str, service: float) -> Generator[simpy.Event, Any, None]:
        with self.resources[name].request() as granted:
            yield granted
            yield self.env.timeout(service)

    def _fan_out(self, deliveries: int) -> Generator[simpy.Event, Any, None]:
        posted, batch = self.env.now, self.config.fanout_batch
        sizes = [min(batch, deliveries - start) for start in range(0, deliveries, batch)]
        ms = self.config.fanout_delivery_ms
        jobs = [self.env.process(self._hold("fanout", n * ms * self.factor() / 1e3)) for n in sizes]
        yield self.env.all_of(jobs)
        self.lags_s.append(self.env.now - posted)
