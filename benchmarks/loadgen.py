"""How many requests per second one Locust process generates against the bare endpoint,
next to `wrk` against the same endpoint in the same repeat (when wrk is installed; Debian:
`apt-get install wrk`). Without wrk the Locust number is still reported and the comparison
is skipped with the reason.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

from benchmarks.bare_app import BARE_PATH
from benchmarks.http_stack import BARE_APP, RUN_TIME_S, USERS
from benchmarks.locust_run import GRACE_S, Load, run_locust
from benchmarks.runner import Benchmark, Measured, Ratio, Repeat
from loadtests.control.server import local_server
from microblog.config import PlatformConfig

WRK_THREADS = 1
"""One wrk thread, matching one Locust process."""
WRK_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")


def wrk_requests_per_s(wrk: str, url: str, run_time_s: float) -> float:
    command = [wrk, "-t", str(WRK_THREADS), "-c", str(USERS), "-d", f"{run_time_s:g}s", url]
    done = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=run_time_s + GRACE_S
    )
    found = WRK_RATE.search(done.stdout)
    if found is None:
        raise RuntimeError(f"wrk printed no Requests/sec:\n{done.stdout[-500:]}")
    return float(found.group(1))


@contextmanager
def prepare(quick: bool) -> Iterator[Repeat]:
    wrk = shutil.which("wrk")
    run_time_s = RUN_TIME_S[quick]
    with local_server(PlatformConfig(), app=BARE_APP) as bare:

        def repeat() -> Measured:
            load = Load("BareUser", USERS, run_time_s)
            values = {"locust.requests_per_s": run_locust(bare.base_url, load, {}).requests_per_s}
            if wrk is None:
                return Measured(values, ("wrk: not installed (apt-get install wrk)",))
            values["wrk.requests_per_s"] = wrk_requests_per_s(
                wrk, bare.base_url + BARE_PATH, run_time_s
            )
            return Measured(values)

        yield repeat


BENCHMARK = Benchmark(
    name="loadgen",
    description="requests/s one Locust process generates on the bare endpoint, vs wrk",
    prepare=prepare,
    units={"locust.requests_per_s": "requests/s", "wrk.requests_per_s": "requests/s"},
    ratios={"ratio.locust_vs_wrk": Ratio("locust.requests_per_s", "wrk.requests_per_s")},
    repeats=3,
    quick_repeats=2,
)
