"""The simulator benchmark's reference: bare SimPy timeout events per second.

One process yielding `count` timeouts in a loop is the least work a SimPy model can do per
event, so a simulated action per second divided by this says how much of the kernel's own
speed the model keeps. `python -m benchmarks.simpy_loop COUNT` prints the rate, so it is
measured in a fresh interpreter like the simulation runs it is compared with.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Generator

import simpy


def timeouts_per_s(count: int) -> float:
    """Timeout events SimPy processes per wall-clock second, over `count` of them."""
    env = simpy.Environment()

    def ticker() -> Generator[simpy.Event, None, None]:
        for _ in range(count):
            yield env.timeout(1.0)

    env.process(ticker())
    started = time.perf_counter()
    env.run()
    elapsed = time.perf_counter() - started
    if env.now != count:
        raise RuntimeError(f"SimPy ran {env.now:g} timeouts, not {count}")
    return count / elapsed


if __name__ == "__main__":
    print(timeouts_per_s(int(sys.argv[1])))
