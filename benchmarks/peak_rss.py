"""Run one command and record its wall time and peak resident memory, as /usr/bin/time does.

`python -m benchmarks.peak_rss REPORT.json -- COMMAND ...` runs COMMAND (its output passes
through), then writes {"exit_code", "wall_s", "cpu_s", "peak_rss_mib"} to REPORT.json and
exits with COMMAND's exit code. CPU seconds (user + system) sit next to wall time because on
a shared machine the wall time also counts the time spent waiting for a core.

Why a launcher of its own: Linux carries a process's resident-memory high-water mark over
`exec` from the process that spawned it, so a child started straight from the benchmark
process (hundreds of MiB or more after the fan-out benchmark) would report at least that
process's size, and `getrusage(RUSAGE_CHILDREN)` keeps the maximum over every earlier
child. This small launcher is the spawning process instead: the command's high-water mark
starts from the launcher's few MiB, and `wait4` gives it for this one run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import orjson

KIB_PER_MIB = 1024
BYTES_PER_MIB = 1024 * 1024


@dataclass(frozen=True)
class Usage:
    """How one command ran: its exit code, wall time, CPU time and peak resident memory."""

    exit_code: int
    wall_s: float
    cpu_s: float
    peak_rss_mib: float


def run_measured(command: list[str]) -> Usage:
    """Run `command` to its end; its own (not a sibling's) wall time and peak RSS."""
    started = time.perf_counter()
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    wall_s = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    cpu_s = usage.ru_utime + usage.ru_stime
    return Usage(process.returncode, wall_s, cpu_s, _mib(usage.ru_maxrss))


def _mib(maxrss: int) -> float:
    """ru_maxrss is KiB on Linux, bytes on macOS."""
    return maxrss / (BYTES_PER_MIB if sys.platform == "darwin" else KIB_PER_MIB)


def read_usage(report: Path) -> Usage:
    return Usage(**orjson.loads(report.read_bytes()))


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: python -m benchmarks.peak_rss REPORT.json -- COMMAND ...", file=sys.stderr)
        return 2
    usage = run_measured(argv[2:])
    Path(argv[0]).write_bytes(orjson.dumps(asdict(usage)))
    return usage.exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
