"""The Redis fan-out queue and its worker, run in this process: delivery, poison, statistics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from microblog.api.app import create_app
from microblog.fanout import Proceed
from microblog.fanout.stream import GROUP, StreamKeys
from microblog.models import Post
from microblog.services.accounts import NewAccount
from tests.microblog.api.conftest import OPERATOR
from tests.microblog.fanout.support import QueuePlatform, queue_platform, wait_until, worker_thread


def finished(platform: QueuePlatform, posts: int) -> bool:
    report = platform.blog.timelines.queue.report()
    return report.posts == posts and report.pending == 0 and report.queue_depth == 0


def test_the_server_only_queues_and_a_worker_delivers_every_chunk(tmp_path: Path) -> None:
    with queue_platform(tmp_path, fanout_chunk=4) as platform:
        star, fans = platform.star_with_fans(10)
        post = platform.blog.posts.create(star.id, "hello")
        assert platform.blog.timelines.queue.report().queue_depth == 1
        assert all(post.id not in platform.home_ids(f.id) for f in fans)
        with worker_thread(platform):
            wait_until(lambda: finished(platform, 1), "the post's fan-out")
        report = platform.blog.timelines.queue.report()
        assert report.deliveries == 10 and len(report.lags_s) == 1 and report.lags_s[0] >= 0
        assert all(platform.home_ids(f.id) == [post.id] for f in fans)


def test_poison_jobs_do_not_wedge_the_queue(tmp_path: Path) -> None:
    with queue_platform(tmp_path) as platform:
        star, (fan,) = platform.star_with_fans(1)
        deleted = platform.blog.posts.create(star.id, "deleted before its fan-out")
        platform.blog.posts.delete(star.id, deleted.id)
        redis, keys = platform.cache.redis, StreamKeys.of(platform.cache)
        assert redis is not None
        redis.xadd(keys.jobs, {"kind": "post", "id": 10**9, "created": 1.0})  # nobody's
        redis.xadd(keys.jobs, {"kind": "broadcast", "id": 10**9, "created": 1.0})  # nobody's
        redis.xadd(keys.jobs, {"kind": "post", "id": "not a number"})
        after = platform.blog.posts.create(star.id, "behind the poison")
        with worker_thread(platform):
            wait_until(lambda: finished(platform, 1), "the job behind the poison")
        report = platform.blog.timelines.queue.report()
        assert (report.posts, report.deliveries, report.dead_letters) == (1, 1, 1)
        assert platform.blog.fanservice.queue.report().posts == 0, "a gone broadcast is no job done"
        assert platform.home_ids(fan.id) == [after.id]
        dead: Any = redis.xrange(keys.dead)
        assert len(dead) == 1 and b"not a fan-out job" in dead[0][1][b"reason"]


def test_a_job_failing_every_time_goes_to_the_dead_letters_after_max_attempts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with queue_platform(tmp_path) as platform:
        star, (fan,) = platform.star_with_fans(1)
        doomed = platform.blog.posts.create(star.id, "its delivery always fails")
        fine = platform.blog.posts.create(star.id, "delivered")
        timelines = platform.blog.timelines
        deliver, attempts = timelines.deliver, []

        def failing_for_doomed(post: Post, proceed: Proceed) -> int | None:
            if post.id == doomed.id:
                attempts.append(post.id)
                raise RuntimeError("the store refused it")
            return deliver(post, proceed)

        monkeypatch.setattr(timelines, "deliver", failing_for_doomed)
        with worker_thread(platform):
            wait_until(lambda: timelines.queue.report().dead_letters == 1, "the dead letter")
            wait_until(lambda: finished(platform, 1), "the other post")
        assert len(attempts) == platform.queue.max_attempts
        assert platform.home_ids(fan.id) == [fine.id]


def test_a_stopping_worker_leaves_the_rest_of_its_post_to_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with queue_platform(tmp_path, fanout_chunk=1) as platform:
        star, fans = platform.star_with_fans(3)
        timelines, delivered_chunks = platform.blog.timelines, list[bool]()
        deliver = timelines.deliver
        with worker_thread(platform, "first") as stop:

            def stopped_after_two_chunks(post: Post, proceed: Proceed) -> int | None:
                def counted() -> bool:
                    if len(delivered_chunks) == 2:
                        stop.set()  # as SIGTERM does
                    delivered_chunks.append(proceed())
                    return delivered_chunks[-1]

                return deliver(post, counted)

            monkeypatch.setattr(timelines, "deliver", stopped_after_two_chunks)
            post = platform.blog.posts.create(star.id, "interrupted")
            wait_until(stop.is_set, "the stop")
        assert delivered_chunks == [True, True, False]
        assert timelines.queue.report().pending == 1
        assert [post.id in platform.home_ids(f.id) for f in fans] == [True, True, False]
        monkeypatch.setattr(timelines, "deliver", deliver)
        with worker_thread(platform, "second"):
            wait_until(lambda: finished(platform, 1), "another worker's claim")
        assert all(platform.home_ids(f.id) == [post.id] for f in fans)
        assert timelines.queue.report().deliveries == 3


def test_acknowledged_jobs_are_trimmed_off_the_stream(tmp_path: Path) -> None:
    with queue_platform(tmp_path) as platform:
        star, _ = platform.star_with_fans(1)
        for i in range(250):
            platform.blog.posts.create(star.id, f"post {i}")
        redis, keys = platform.cache.redis, StreamKeys.of(platform.cache)
        assert redis is not None and redis.xlen(keys.jobs) == 250
        with worker_thread(platform):
            wait_until(lambda: finished(platform, 250), "250 posts")
            wait_until(lambda: redis.xlen(keys.jobs) < 100, "the trim")
        assert redis.xinfo_groups(keys.jobs)[0]["name"] == GROUP.encode()


def test_workers_make_the_queue_again_after_the_cache_tier_is_flushed(tmp_path: Path) -> None:
    with queue_platform(tmp_path) as platform:
        star, (fan,) = platform.star_with_fans(1)
        with worker_thread(platform):
            platform.blog.posts.create(star.id, "before the flush")
            wait_until(lambda: finished(platform, 1), "the first post")
            platform.cache.flush()
            after = platform.blog.posts.create(star.id, "after the flush")
            wait_until(lambda: finished(platform, 1), "the post after the flush")
        assert platform.home_read(fan.id)[0] == after.id


def test_every_server_process_reports_the_same_fanout(tmp_path: Path) -> None:
    with queue_platform(tmp_path) as platform:
        settings = platform.settings().model_copy(update={"operator_token": OPERATOR})
        operator = {"Authorization": f"Bearer {OPERATOR}"}
        (star, token), *fans = platform.blog.accounts.register_many(
            [NewAccount(name) for name in ("star", "fan0", "fan1")]
        )
        platform.blog.graph.follow_many([(fan.id, star.id) for fan, _ in fans])
        with TestClient(create_app(settings)) as one, TestClient(create_app(settings)) as two:
            posted = one.post("/posts", json={"text": "hi"}, headers=_bearer(token))
            assert posted.status_code == 201
            with worker_thread(platform):
                wait_until(lambda: finished(platform, 1), "the post's fan-out")
            seen = [c.get("/admin/stats/fanout", headers=operator).json() for c in (one, two)]
        assert seen[0] == seen[1]
        assert seen[0]["posts"] == 1 and seen[0]["deliveries"] == 2
        assert seen[0]["lag_max_s"] is not None and seen[0]["queue_depth"] == 0


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_broadcast_goes_through_the_stream_and_counts_apart_from_posts(tmp_path: Path) -> None:
    """The server only queues a broadcast; a worker delivers it to every subscriber's
    inbox, a chunk at a time, with its own deliveries and lag (posts' stay empty)."""
    with queue_platform(tmp_path, fanout_chunk=3) as platform:
        star, fans = platform.fan_service_with_subscribers(7)
        broadcast = platform.blog.fanservice.broadcast(star.id, "tickets on sale")
        queue = platform.blog.fanservice.queue
        assert queue.report().queue_depth == 1
        assert all(platform.inbox_broadcasts(f.id) == [] for f, _ in fans), "nothing inline"
        with worker_thread(platform):
            wait_until(lambda: queue.report().posts == 1, "the broadcast's delivery")
        report = queue.report()
        assert report.deliveries == 7 and len(report.lags_s) == 1 and report.lags_s[0] >= 0
        assert all(platform.inbox_broadcasts(f.id) == [broadcast.id] for f, _ in fans)
        stats = platform.blog.fanservice.stats(star.id)
        assert (stats.deliveries, stats.pending) == (7, 0) and stats.lag_p99_s is not None
        posts = platform.blog.timelines.queue.report()
        assert (posts.posts, posts.deliveries, posts.lags_s) == (0, 0, [])
