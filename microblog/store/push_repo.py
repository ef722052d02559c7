"""The storage interface of the push outbox (both backends implement it)."""

from __future__ import annotations

from typing import Protocol

from microblog.push_models import PushMessage


class PushRepo(Protocol):
    def add_many(self, pushes: list[PushMessage]) -> None:
        """Keep sent pushes (their ids are assigned here; the given ones are ignored)."""
        ...

    def of_device(self, device: str, before: int | None, limit: int) -> list[PushMessage]:
        """The device's pushes, newest first, ids below `before`."""
        ...
