"""The in-process fan-out queues: inline delivers at once, threads count what waits."""

from __future__ import annotations

import threading

from microblog.fanout import Proceed
from microblog.fanout.local import InlineQueue, ThreadQueue
from microblog.models import Post
from tests.microblog.fanout.support import wait_until


def post(post_id: int, created_at: float = 10.0) -> Post:
    return Post(post_id, author_id=1, text="", created_at=created_at, pushed=True)


def test_inline_delivers_inside_submit_and_measures_the_lag_on_its_clock() -> None:
    delivered: list[int] = []

    def deliver(p: Post, proceed: Proceed) -> int:
        delivered.append(p.id)
        return 3

    queue = InlineQueue(deliver, clock=lambda: 12.5)
    queue.submit(post(7))
    assert delivered == [7]
    report = queue.report()
    assert (report.deliveries, report.posts, list(report.lags_s)) == (3, 1, [2.5])
    assert (report.queue_depth, report.pending) == (0, 0)


def test_threads_report_what_waits_and_what_runs_and_close_finishes_both() -> None:
    release, started = threading.Event(), threading.Event()

    def deliver(p: Post, proceed: Proceed) -> int:
        started.set()
        assert release.wait(10), "the test never released the worker"
        return 1

    queue = ThreadQueue(deliver, clock=lambda: 10.0, workers=1)
    for post_id in (1, 2, 3):
        queue.submit(post(post_id))
    assert started.wait(10)
    report = queue.report()
    assert (report.queue_depth, report.pending, report.posts) == (2, 1, 0)
    release.set()
    queue.close()
    report = queue.report()
    assert (report.queue_depth, report.pending, report.posts, report.deliveries) == (0, 0, 3, 3)


def test_a_failing_delivery_on_a_thread_is_logged_and_the_next_one_runs() -> None:
    def deliver(p: Post, proceed: Proceed) -> int:
        if p.id == 1:
            raise RuntimeError("boom")
        return 1

    queue = ThreadQueue(deliver, clock=lambda: 10.0, workers=1)
    queue.submit(post(1))
    queue.submit(post(2))
    wait_until(lambda: queue.report().posts == 1, "the second post")
    queue.close()
    assert queue.report().pending == 0
