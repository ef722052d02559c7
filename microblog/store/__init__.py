"""Storage backends behind the repository interfaces of `microblog.store.base`."""

from __future__ import annotations

from microblog.errors import Invalid
from microblog.store.base import Store


def open_store(url: str) -> Store:
    """Open a backend by URL: `memory`, `sqlite:///PATH` (or any SQLAlchemy URL)."""
    if url == "memory":
        from microblog.store.memory import MemoryStore

        return MemoryStore()
    if "://" in url:
        from microblog.store.sql import SqlStore

        return SqlStore(url)
    raise Invalid(f"unknown store {url!r}: use 'memory' or 'sqlite:///PATH'", field="store")
