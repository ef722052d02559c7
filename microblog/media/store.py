"""The media store: photo and thumbnail bytes by key, never in the relational store.

A small interface so a deployment can put bytes in an object store; the server's default
is a directory under its data directory, the simulator's (and a memory server's) is this
process's memory. Each call records the bytes it moved (`media_bytes_stored`,
`media_bytes_served`) in the active `Work` scope, as repositories record rows.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Protocol

from microblog.work import record

_KEY = re.compile(r"^[A-Za-z0-9_.-]+$")


class MediaStore(Protocol):
    def put(self, key: str, data: bytes) -> None:
        """Keep `data` under `key` (a new key: bytes never change under a key)."""
        ...

    def get(self, key: str) -> bytes | None:
        """The bytes under `key`, or None when there are none."""
        ...

    def delete(self, key: str) -> None:
        """Forget `key`; forgetting a missing key is not an error."""
        ...


class MemoryMediaStore:
    """Bytes in a dict: the simulator's store, and a memory server's."""

    def __init__(self) -> None:
        self._blobs: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def put(self, key: str, data: bytes) -> None:
        with self._lock:
            self._blobs[key] = data
        record(media_bytes_stored=len(data))

    def get(self, key: str) -> bytes | None:
        data = self._blobs.get(key)
        record(media_bytes_served=len(data) if data else 0)
        return data

    def delete(self, key: str) -> None:
        with self._lock:
            self._blobs.pop(key, None)


class LocalMediaStore:
    """One file per key under `root`, written to a temporary name and renamed into place,
    so a reader never sees half a photo and a crash leaves no torn file under a key."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        if not _KEY.match(key) or key.startswith("."):
            raise ValueError(f"media key {key!r} is not a plain file name")
        return self.root / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        fd, temporary = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        record(media_bytes_stored=len(data))

    def get(self, key: str) -> bytes | None:
        try:
            data = self._path(key).read_bytes()
        except FileNotFoundError:
            return None
        record(media_bytes_served=len(data))
        return data

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def open_media_store(location: str) -> MediaStore:
    """`memory`, or a directory path for the local filesystem store."""
    return MemoryMediaStore() if location == "memory" else LocalMediaStore(Path(location))
