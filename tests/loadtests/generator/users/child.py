"""Run a test's script in a child interpreter: importing Locust monkey-patches the process
with gevent, which the test process must not be."""

from __future__ import annotations

import subprocess
import sys

from loadtests.control.server import python_env

TIMEOUT_S = 60


def run_child(script: str) -> str:
    """The script's standard output, once it has exited 0 (else its errors fail the test)."""
    done = subprocess.run(
        [sys.executable, "-c", script], env=python_env(), capture_output=True, text=True,
        timeout=TIMEOUT_S,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout
