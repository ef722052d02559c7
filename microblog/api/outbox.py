"""A WebSocket's outbox: frames handed over from any thread, sent in order by one task.

Service calls run in the threadpool and push events from whichever thread made them (a chat
send, a live comment); the socket's event loop owns the socket. The outbox takes frames
thread-safely onto the loop, and one writer task sends them, so frames never interleave.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress

from fastapi import WebSocket
from pydantic import BaseModel


class Outbox:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.outbox: asyncio.Queue[BaseModel] = asyncio.Queue()

    def hand_over(self, frame: BaseModel) -> None:
        """Queue a frame from any thread."""
        with suppress(RuntimeError):  # the loop has closed: the socket is gone
            self.loop.call_soon_threadsafe(self.outbox.put_nowait, frame)

    def send(self, frame: BaseModel) -> None:
        """Queue a frame from the event loop's own thread."""
        self.outbox.put_nowait(frame)

    async def pump(self, websocket: WebSocket) -> None:
        """Send queued frames in order until the socket closes."""
        try:
            while True:
                frame = await self.outbox.get()
                await websocket.send_text(frame.model_dump_json())
        except Exception:
            # Any failed send means the client is gone: the reader sees the disconnect and
            # cleans up; the store still holds what was said.
            return
