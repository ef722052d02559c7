"""How many requests per second one Locust process generates against the bare endpoint,
next to `wrk` against the same endpoint in the same repeat (when wrk is installed; Debian:
`apt-get install wrk`). Without wrk the Locust number is still reported and the comparison
is skipped with the reason.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.bare_app import BARE_PATH
from benchmarks.http_stack import RUN_TIME_S, USERS
from benchmarks.locust_run import Load, run_locust
from benchmarks.runner import Benchmark, Measured, Ratio, Repeat
from benchmarks.serving import bare_server
from benchmarks.wrk_run import WrkLoad, run_wrk, wrk_executable


@contextmanager
def prepare(quick: bool) -> Iterator[Repeat]:
    wrk = wrk_executable()
    run_time_s = RUN_TIME_S[quick]
    with (
        tempfile.TemporaryDirectory(prefix="fanout-bench-") as tmp,
        bare_server(1, Path(tmp)) as bare_url,
    ):

        def repeat() -> Measured:
            load = Load("BareUser", USERS, run_time_s)
            values = {"locust.requests_per_s": run_locust(bare_url, load, {}).requests_per_s}
            if wrk is None:
                return Measured(values, ("wrk: not installed (apt-get install wrk)",))
            wrk_load = WrkLoad(bare_url + BARE_PATH)
            values["wrk.requests_per_s"] = run_wrk(wrk, wrk_load, run_time_s, USERS).requests_per_s
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
