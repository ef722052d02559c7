"""Fan services across shards: drawn alike on every shard, broadcast by their own shard.

Which certified accounts have a service open and which followers had subscribed when the
run began are drawn from a stream every shard shares (`shared_stream`), so every shard
holds the same services and subscriptions from the start, as it holds the same seeded
platform. A service broadcasts from its account's shard (its arrivals are its account's),
to every subscriber in that shard's store; pushes to subscribers elsewhere are routed to
their outboxes (`RoutedPush`). A follower subscribes on its own shard, and the subscription
travels to the service's shard (`subscribe`), where the next broadcast reaches it.

Each shard draws the run's new subscriptions over all pairs and makes only its own
followers' calls, so a pair is subscribed by its follower's shard alone; the end counts
are counted by owner (a service by its account's shard, a subscription by its
follower's) so that the merge's sum over shards counts each once.
"""

from __future__ import annotations

import numpy as np

from sim.activities.fanservice import FanServiceTraffic
from sim.world import World


class OwnedFanServices(FanServiceTraffic):
    def __init__(self, world: World, rng: np.random.Generator, mine: np.ndarray) -> None:
        super().__init__(world, rng)
        self.mine = mine

    def metrics(self) -> dict[str, tuple[float, str]]:
        measured = super().metrics()
        owned_pairs = self.subscribed & self.mine[self.pairs[:, 1]]
        measured["fanservice.services"] = (float(self.mine[self.services].sum()), "count")
        measured["fanservice.subscribers"] = (float(owned_pairs.sum()), "count")
        return measured
