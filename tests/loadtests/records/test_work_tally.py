"""Tallying the server's work headers: per-path means, and tallies of processes adding up."""

from __future__ import annotations

from loadtests.records.work_tally import WorkTally
from microblog.work import Work


def test_means_are_per_request_over_the_requests_that_reported_work() -> None:
    """Two timeline reads with 20 and 40 cache reads average 30; units never seen are 0."""
    tally = WorkTally()
    tally.record("timeline_read", Work(db_reads=1, cache_reads=20).to_header())
    tally.record("timeline_read", Work(db_reads=3, cache_reads=40).to_header())
    means = tally.means()["timeline_read"]
    assert means["cache_reads"] == 30.0
    assert means["db_reads"] == 2.0
    assert means["db_writes"] == 0.0


def test_merged_worker_tallies_equal_one_process_tally() -> None:
    """A worker's taken tally merged at the master gives what one process would have counted."""
    headers = [("post", Work(db_writes=3, fanout_deliveries=50)), ("like", Work(db_writes=1))]
    single, worker, master = WorkTally(), WorkTally(), WorkTally()
    for name, work in headers:
        single.record(name, work.to_header())
        worker.record(name, work.to_header())
    master.merge(WorkTally.model_validate(worker.take().model_dump(mode="json")))
    assert master == single
    assert worker.requests == {}
