"""The work the server did per request path, summed from each response's work header.

The reference server returns every HTTP call's work counters in the `x-fanout-work`
header (microblog.work). Locust hands each response to `Recorder.on_request`, which adds
its counters here under the request's name, so a load test can report the mean work of a
request on each path: what `fanout calibrate` needs to price a unit of work from the
measured latency. Requests without the header (WebSocket frames, failed connections) are
not counted, so the means are over the requests that carried it. Tallies of several
Locust processes add up. This module does not import Locust.
"""

from __future__ import annotations

from pydantic import BaseModel

from microblog.work import WORK_UNITS, Work


class WorkTally(BaseModel):
    """Per request name: requests that reported their work, and each unit's total."""

    requests: dict[str, int] = {}
    totals: dict[str, dict[str, int]] = {}

    def record(self, name: str, header: str) -> None:
        """Add one response's work header (`db_reads=3,cache_reads=20`) under `name`."""
        work = Work.from_header(header).as_dict()
        self.requests[name] = self.requests.get(name, 0) + 1
        totals = self.totals.setdefault(name, dict.fromkeys(WORK_UNITS, 0))
        for unit, count in work.items():
            totals[unit] += count

    def merge(self, other: WorkTally) -> None:
        """Add another process's tally to this one."""
        for name, requests in other.requests.items():
            self.requests[name] = self.requests.get(name, 0) + requests
            totals = self.totals.setdefault(name, dict.fromkeys(WORK_UNITS, 0))
            for unit, count in other.totals.get(name, {}).items():
                totals[unit] = totals.get(unit, 0) + count

    def take(self) -> WorkTally:
        """Everything tallied so far, leaving this tally empty (a worker's report)."""
        taken = WorkTally(requests=self.requests, totals=self.totals)
        self.requests, self.totals = {}, {}
        return taken

    def means(self) -> dict[str, dict[str, float]]:
        """Mean work of one request per name and unit."""
        return {
            name: {unit: total / self.requests[name] for unit, total in totals.items()}
            for name, totals in self.totals.items()
        }
