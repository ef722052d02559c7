"""Inside the Locust process: record every response time exactly, merge workers, write it out.

Runs only in Locust processes (it imports Locust). Every completed request, through
Locust's `request` event, goes into an HDR histogram under its request name: its latency,
counted from when it was due when its user keeps a schedule, with its response time from
the actual send beside it (loadtests.generator.pacing). The event's `context` carries the
lateness of the requesting user's running action, so each of the users sharing this
process gets its own. Chat users add each message's send-to-receive time
(`chat_deliver`) and their sends and receipts (a DeliveryLog), payment users every
payment call (a PaymentLog); every response's work header
goes into a WorkTally under its request name, every expected 429 (an app over its rate
limit) into a count per request name. Latency, send lag and work are kept only
from the end of the scenario's warm-up on (loadtests.generator.window); deliveries, payments and
Locust's own request and failure counts cover the whole run. In distributed mode each
worker attaches what it recorded (histograms HDR-encoded) to the statistics report Locust
already sends the master every few seconds and to its last report, then starts afresh; the
master adds it up. The master, or the only process, writes the Measurements file when
Locust quits, after the workers' last reports have arrived (loadtests.generator.final_reports).
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

import gevent
import psutil
from locust.env import Environment
from locust.runners import MasterRunner, WorkerRunner

from loadtests.generator.final_reports import FinalReports, answer_flushes
from loadtests.generator.pacing import RequestTimes
from loadtests.generator.window import MeasuredWindow
from loadtests.records.cpu_use import CpuUse
from loadtests.records.deliveries import CHAT_DELIVER, LIVE_DELIVER, DeliveryLog
from loadtests.records.histograms import PathHistograms
from loadtests.records.payment_log import PaymentLog
from loadtests.records.plan import (
    Measurements,
    RequestCount,
    current_plan,
    current_scenario,
    write_measurements,
)
from loadtests.records.work_tally import WorkTally
from microblog.work import WORK_HEADER

CPU_SAMPLE_S = 1.0
"""How often a generating process samples its CPU use."""
REPORT_KEY = "fanout_hdr"
"""Key of our histograms in the worker's report dict (Locust owns `stats` and `errors`)."""
LAG = "lag"


class Recorder:
    """This process's latency, response-time and send-lag histograms, chat deliveries and
    payments."""

    def __init__(self) -> None:
        self.times = RequestTimes()
        self.loadgen = PathHistograms()
        self.deliveries = DeliveryLog()
        self.live = DeliveryLog()
        """Live room comments: one key per viewer expected to get it (users/live.py)."""
        self.payments = PaymentLog()
        self.work = WorkTally()
        self.window = MeasuredWindow()
        self.skipped: Counter[str] = Counter()
        """Replayed actions not sent: `action: reason` -> count (one process only)."""
        self.throttled: Counter[str] = Counter()
        """Requests answered 429 as expected, per request name, after the warm-up."""
        self.cpu = CpuUse()
        """This process's CPU use after the warm-up (a process running users)."""

    def on_test_start(self, **_: Any) -> None:
        self.window.start(time.time(), current_scenario().loadtest.warmup_s)

    def sample_cpu(self) -> None:
        """Sample the process's CPU use over each CPU_SAMPLE_S after the warm-up, for ever
        (a greenlet of a process that runs users; it ends with the process). psutil, as
        Locust's own monitor, which samples only every 10 s."""
        process = psutil.Process()
        process.cpu_percent(None)  # the first call only starts the count
        while True:
            gevent.sleep(CPU_SAMPLE_S)
            used = process.cpu_percent(None)
            if self.window.is_open(time.time()):
                self.cpu.record(used)

    def record_lag(self, lag_s: float) -> None:
        if self.window.is_open(time.time()):
            self.loadgen.record_ms(LAG, lag_s * 1000)

    def skip(self, action: str, reason: str) -> None:
        """A traced action the replay could not send as traced, and why."""
        self.skipped[f"{action}: {reason}"] += 1

    def record_throttled(self, name: str) -> None:
        """A request the platform's rate limits refused, as expected (an app over its limit)."""
        if self.window.is_open(time.time()):
            self.throttled[name] += 1

    def record_delivery(self, latency_s: float, name: str = CHAT_DELIVER) -> None:
        """A push's receive time minus its server time: a chat message's `sent_at`
        (`chat_deliver`), a live comment's `created_at` (LIVE_DELIVER)."""
        if self.window.is_open(time.time()):
            self.times.latency.record_ms(name, latency_s * 1000)

    def record_live_delivery(self, latency_s: float) -> None:
        self.record_delivery(latency_s, LIVE_DELIVER)

    def on_request(
        self,
        name: str,
        response_time: float,
        response: Any = None,
        context: dict[str, Any] | None = None,
        **_: Any,
    ) -> None:
        if not self.window.is_open(time.time()):
            return
        self.times.record(name, response_time, context or {})
        headers = getattr(response, "headers", None)  # None when the request never got one
        header = headers.get(WORK_HEADER) if headers is not None else None
        if header is not None:
            self.work.record(name, header)

    def on_report_to_master(self, client_id: str, data: dict[str, Any]) -> None:
        data[REPORT_KEY] = {
            "latency": self.times.latency.encode(),
            "response": self.times.response.encode(),
            "loadgen": self.loadgen.encode(),
            "deliveries": self.deliveries.take().model_dump(mode="json"),
            "live": self.live.take().model_dump(mode="json"),
            "payments": self.payments.take().model_dump(mode="json"),
            "work": self.work.take().model_dump(mode="json"),
            "throttled": dict(self.throttled),
            "cpu": self.cpu.take().model_dump(mode="json"),
        }
        self.times.clear()
        self.loadgen.clear()
        self.throttled.clear()

    def on_worker_report(self, client_id: str, data: dict[str, Any]) -> None:
        report = data.get(REPORT_KEY, {})
        self.times.latency.merge_encoded(report.get("latency", {}))
        self.times.response.merge_encoded(report.get("response", {}))
        self.loadgen.merge_encoded(report.get("loadgen", {}))
        self.deliveries.merge(DeliveryLog.model_validate(report.get("deliveries", {})))
        self.live.merge(DeliveryLog.model_validate(report.get("live", {})))
        self.payments.merge(PaymentLog.model_validate(report.get("payments", {})))
        self.work.merge(WorkTally.model_validate(report.get("work", {})))
        self.throttled.update(report.get("throttled", {}))
        self.cpu.merge(CpuUse.model_validate(report.get("cpu", {})))

    def measurements(self, environment: Environment, unreported: list[str]) -> Measurements:
        """What this process measured; `unreported`: workers whose last report is missing."""
        stats = environment.stats
        counts: dict[str, RequestCount] = {}
        for entry in stats.entries.values():
            seen = counts.get(entry.name, RequestCount(requests=0, failures=0))
            counts[entry.name] = RequestCount(
                requests=seen.requests + entry.num_requests,
                failures=seen.failures + entry.num_failures,
            )
        return Measurements(
            duration_s=self.window.measured_s(stats.total.last_request_timestamp),
            counts=counts,
            latency=self.times.latency.encode(),
            response=self.times.response.encode(),
            loadgen_lag=self.loadgen.encode(),
            exceptions=_exceptions(environment),
            deliveries=self.deliveries,
            live=self.live,
            payments=self.payments,
            work=self.work,
            unreported_workers=unreported,
            skipped=dict(self.skipped),
            throttled=dict(self.throttled),
            loadgen_cpu=self.cpu,
        )


def _exceptions(environment: Environment) -> dict[str, int]:
    """Locust's record of exceptions in user code: message -> times raised."""
    counted: dict[str, int] = {}
    for error in environment.runner.exceptions.values() if environment.runner else []:
        counted[error["msg"]] = counted.get(error["msg"], 0) + error["count"]
    return counted


RECORDER = Recorder()
"""The recorder of this Locust process (users record send lag into it)."""


def install(environment: Environment) -> None:
    """Hook the recorder into Locust's events for this process's role."""
    events = environment.events
    events.test_start.add_listener(RECORDER.on_test_start)
    events.request.add_listener(RECORDER.on_request)
    runner = environment.runner
    if not isinstance(runner, MasterRunner):  # this process runs users
        gevent.spawn(RECORDER.sample_cpu)
    if isinstance(runner, WorkerRunner):
        events.report_to_master.add_listener(RECORDER.on_report_to_master)
        answer_flushes(runner)
        return
    final_reports = None
    if isinstance(runner, MasterRunner):
        events.worker_report.add_listener(RECORDER.on_worker_report)
        final_reports = FinalReports(runner)
        events.test_stop.add_listener(final_reports.collect)

    def write_on_quit(environment: Environment, **_: Any) -> None:
        path = Path(current_plan().measurements_file)
        unreported = final_reports.missing if final_reports is not None else []
        write_measurements(path, RECORDER.measurements(environment, unreported))

    events.quitting.add_listener(write_on_quit)
