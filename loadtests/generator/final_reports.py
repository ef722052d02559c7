"""Distributed mode: the master hears every worker's last measurements before Locust quits.

Locust's master, quitting, tells its workers to quit and then listens a fixed 0.5 s for
their final reports (`MasterRunner.quit`; locustio/locust#1426). A worker whose users take
longer to stop reports after that, and everything it recorded since its last periodic
report (every 3 s) is dropped: requests, chat receipts, and payments the server made but
the ledger check never hears of. Ours always take longer, since a chatting user stays
connected for LEAVE_SETTLE_S to leave cleanly (loadtests/generator/users/chat.py).

So when the test stops (Locust's `test_stop`, fired on the master before it sends `quit`),
the master asks each worker to stop its users and report, and waits until each has
answered after its report, for at most FLUSH_TIMEOUT_S. A worker that never answers is
named in the measurements, and the run fails saying so.
"""

from __future__ import annotations

import time
from typing import Any

import gevent
from locust.env import Environment
from locust.rpc import Message
from locust.runners import MasterRunner, WorkerRunner

FLUSH = "fanout_flush"
"""Master -> worker: stop your users and send your last report."""
FLUSHED = "fanout_flushed"
"""Worker -> master, after that report: nothing more is coming."""
FLUSH_TIMEOUT_S = 30.0
"""Longest the master waits for a worker's last report (stopping its users takes seconds)."""
POLL_INTERVAL_S = 0.05


def answer_flushes(runner: WorkerRunner) -> None:
    """On a worker: answer the master's FLUSH by stopping the users, reporting, confirming."""

    def flush(environment: Environment, msg: Message, **_: Any) -> None:
        runner.stop()  # runs the users' on_stop; cut-off calls are recorded on the way
        report: dict[str, Any] = {}
        environment.events.report_to_master.fire(client_id=runner.client_id, data=report)
        runner.send_message("stats", report)  # Locust's own report message, stats included
        runner.send_message(FLUSHED)

    runner.register_message(FLUSH, flush, concurrent=True)


class FinalReports:
    """On the master: which workers were asked for their last report, and which answered."""

    def __init__(self, runner: MasterRunner, timeout_s: float = FLUSH_TIMEOUT_S) -> None:
        self.runner = runner
        self.timeout_s = timeout_s
        self.asked: set[str] = set()
        self.answered: set[str] = set()
        runner.register_message(FLUSHED, self._on_flushed)

    @property
    def missing(self) -> list[str]:
        """Workers asked whose last report has not arrived (their final seconds are lost)."""
        return sorted(self.asked - self.answered)

    def collect(self, **_: Any) -> None:
        """Ask every connected worker for its last report; wait until all have answered.

        Stops waiting for a worker that disconnects without answering, and for all of them
        after `timeout_s`: they stay `missing`.
        """
        workers = {client.id for client in self.runner.clients.all}
        self.asked |= workers
        for worker in workers:
            self.runner.send_message(FLUSH, client_id=worker)
        deadline = time.monotonic() + self.timeout_s
        while self._awaited() and time.monotonic() < deadline:
            gevent.sleep(POLL_INTERVAL_S)

    def _awaited(self) -> set[str]:
        connected = {client.id for client in self.runner.clients.all}
        return (self.asked - self.answered) & connected

    def _on_flushed(self, environment: Environment, msg: Message, **_: Any) -> None:
        self.answered.add(msg.node_id)
