"""Fan-out worker processes: real `fanout fanout-worker` and `fanout serve` subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import psutil

from loadtests.control.server import free_port, python_env
from microblog.fanout import FanoutQueue
from microblog.push_models import PushMessage
from tests.microblog.fanout.support import (
    QueuePlatform,
    queue_platform,
    start_worker_process,
    stop_process,
    wait_until,
)

OPERATOR = "operator-secret"


def test_a_post_reaches_every_follower_through_a_worker_process(tmp_path: Path) -> None:
    with queue_platform(tmp_path, fanout_chunk=7) as platform:
        star, fans = platform.star_with_fans(30)
        worker = start_worker_process(platform)
        try:
            post = platform.blog.posts.create(star.id, "through the queue")
            wait_until(lambda: platform.blog.timelines.queue.report().posts == 1, "the fan-out")
        finally:
            assert stop_process(worker) == 0
        assert all(platform.home_ids(f.id) == [post.id] for f in fans)
        assert platform.blog.timelines.queue.report().deliveries == 30


def test_a_worker_killed_mid_post_leaves_it_to_another_exactly_once(tmp_path: Path) -> None:
    """Killed as soon as it has taken the job: with one follower per chunk, hundreds of
    chunks are far more than it can deliver in the moment the test needs to kill it."""
    with queue_platform(tmp_path, fanout_chunk=1) as platform:
        star, fans = platform.star_with_fans(600)
        queue = platform.blog.timelines.queue
        post = platform.blog.posts.create(star.id, "survives a SIGKILL")
        kill_a_worker_once_it_has_taken_the_job(platform, queue)
        assert queue.report().pending == 1
        finish_with_another_worker(platform, queue)
        assert all(platform.home_ids(f.id).count(post.id) == 1 for f in fans)
        report = queue.report()
        assert (report.deliveries, report.pending, report.dead_letters) == (600, 0, 0)


def test_a_broadcast_survives_its_worker_killed_and_reaches_each_inbox_once(
    tmp_path: Path,
) -> None:
    """Two worker processes in turn on one Redis: the first is killed once it has taken
    the broadcast (one subscriber per chunk, so it is mid-delivery); the second claims it
    and finishes. Every inbox holds the broadcast once and every phone got one push."""
    with queue_platform(tmp_path, fanout_chunk=1) as platform:
        star, fans = platform.fan_service_with_subscribers(400)
        queue = platform.blog.fanservice.queue
        broadcast = platform.blog.fanservice.broadcast(star.id, "survives a SIGKILL")
        kill_a_worker_once_it_has_taken_the_job(platform, queue)
        finish_with_another_worker(platform, queue)
        assert all(platform.inbox_broadcasts(f.id) == [broadcast.id] for f, _ in fans)
        assert all(len(pushes_of(platform, token)) == 1 for _, token in fans)
        report = queue.report()
        assert (report.deliveries, report.pending, report.dead_letters) == (400, 0, 0)


def kill_a_worker_once_it_has_taken_the_job(
    platform: QueuePlatform, queue: FanoutQueue[Any]
) -> None:
    """A worker process SIGKILLed as soon as it has taken the one job, before acknowledging."""
    first = start_worker_process(platform)
    try:
        wait_until(lambda: queue.report().pending == 1, "the worker to take the job")
    finally:
        first.kill()
        first.wait()
    assert queue.report().posts == 0, "killed before acknowledging"


def finish_with_another_worker(platform: QueuePlatform, queue: FanoutQueue[Any]) -> None:
    """A second worker process claims the dead one's job and finishes it."""
    second = start_worker_process(platform)
    try:
        wait_until(lambda: queue.report().posts == 1, "the claim")
    finally:
        assert stop_process(second) == 0


def pushes_of(platform: QueuePlatform, token: str) -> list[PushMessage]:
    return platform.blog.push.outbox(token, None, 100).items


def serve(platform: QueuePlatform, port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "cli", "serve", "--port", str(port)]
    command += ["--store", platform.store, "--cache", platform.settings().cache]
    command += ["--fanout-workers", str(workers), "--operator-token", OPERATOR]
    env = python_env(FANOUT_CACHE_PREFIX=platform.cache.prefix)
    return subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL)


def healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=1).is_success
    except httpx.TransportError:
        return False


def fanout_workers_of(server: subprocess.Popen[bytes]) -> list[psutil.Process]:
    children = psutil.Process(server.pid).children()
    return [c for c in children if "fanout-worker" in c.cmdline()]


def all_gone(processes: list[psutil.Process]) -> bool:
    return not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in processes)


def test_serve_runs_its_fanout_workers_and_stops_them_with_it(tmp_path: Path) -> None:
    with queue_platform(tmp_path) as platform:
        star, (fan,) = platform.star_with_fans(1)
        port = free_port()
        server = serve(platform, port, workers=2)
        try:
            wait_until(lambda: healthy(f"http://127.0.0.1:{port}"), "the server")
            workers = fanout_workers_of(server)
            assert len(workers) == 2
            post = platform.blog.posts.create(star.id, "the server's workers deliver it")
            wait_until(lambda: platform.home_ids(fan.id) == [post.id], "the delivery")
        finally:
            server.send_signal(signal.SIGTERM)
            assert server.wait(30) == 0
        wait_until(lambda: all_gone(workers), "the workers to stop", timeout_s=5)


def test_fanout_workers_stop_when_their_server_is_killed(tmp_path: Path) -> None:
    with queue_platform(tmp_path) as platform:
        port = free_port()
        server = serve(platform, port, workers=1)
        try:
            wait_until(lambda: healthy(f"http://127.0.0.1:{port}"), "the server")
            workers = fanout_workers_of(server)
            assert len(workers) == 1
        finally:
            os.kill(server.pid, signal.SIGKILL)
            server.wait()
        wait_until(lambda: all_gone(workers), "the orphaned worker to stop", timeout_s=10)
