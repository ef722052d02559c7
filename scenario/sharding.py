"""The `sharding` section: how a run split by account over shards (`fanout run --shards K`)
keeps its shards in step.

Read only by `sim.shards`; a run of one shard ignores it. See docs/sharding.md.
"""

from __future__ import annotations

from scenario.fields import Section, spec

WINDOW_SOURCE = (
    "docs/sharding.md, 'Window protocol': at most the smallest cross-shard delay the model "
    "allows; fan-out on write and chat delivery are asynchronous and the scenario sets no "
    "delivery floor below 1 s"
)


class ShardingConfig(Section):
    """Synchronisation of the shards of one run."""

    window_s: float = spec(
        1.0, "Simulated time between barriers: an effect on another shard's account (a "
        "delivery, a like, a follow) is applied there at the end of the window it was made "
        "in. Longer windows cost fewer barriers and delay those effects more.",
        unit="simulated seconds", source=WINDOW_SOURCE, gt=0,
    )  # fmt: skip
