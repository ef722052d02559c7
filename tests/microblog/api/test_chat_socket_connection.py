"""The WebSocket side of the hub: pushes from any thread land on the socket's event loop."""

from __future__ import annotations

import asyncio
import threading

from microblog.api.chat_frames import PresencePush
from microblog.api.routers.chat_socket import SocketConnection
from microblog.chat_models import PresenceChange, Status


def change(n: int) -> PresenceChange:
    return PresenceChange(n, f"user{n}", Status.ONLINE)


def test_pushes_from_worker_threads_reach_the_loop_in_the_order_each_thread_made_them() -> None:
    async def collect() -> list[tuple[int, int]]:
        connection = SocketConnection(asyncio.get_running_loop())

        def worker(offset: int) -> None:
            for n in range(200):
                connection.push(change(offset + n))

        def run_workers() -> None:
            threads = [threading.Thread(target=worker, args=(k * 1000,)) for k in range(3)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

        await asyncio.to_thread(run_workers)
        frames = [connection.outbox.get_nowait() for _ in range(connection.outbox.qsize())]
        return [divmod(f.account_id, 1000) for f in frames if isinstance(f, PresencePush)]

    received = asyncio.run(collect())
    assert len(received) == 600
    for k in range(3):
        assert [n for thread, n in received if thread == k] == list(range(200))


def test_a_push_after_the_socket_loop_closed_is_dropped_quietly() -> None:
    loop = asyncio.new_event_loop()
    connection = SocketConnection(loop)
    loop.close()
    connection.push(change(1))
    assert connection.outbox.empty()
