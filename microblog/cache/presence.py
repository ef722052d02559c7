"""Presence in the Redis tier: which server processes hold whose connections, and statuses.

Connections (`ConnectionDirectory`): each server process keeps one hash of its own, account
id -> live connections there, and rewrites it with a fresh expiry on a heartbeat. A process
that dies, even by SIGKILL, stops rewriting it, so its connections vanish from every view
within `ttl_s`. A set indexes the processes; a Lua script answers "who holds these accounts" in
one round trip (it names keys outside KEYS, so it needs a single Redis, not a Cluster).

Chosen statuses (`StatusCache`): read through from the store, which stays the truth. A new
choice is written here inside the store transaction that records it, after the row is
locked, so the cache sees choices in commit order; a read that missed fills with SET NX, so
it never overwrites a newer choice with the older one it read.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, suppress

from pydantic import BaseModel, Field

from microblog.cache import CacheTier
from microblog.work import record

WHERE_SCRIPT = """
local found = {}
for _, process in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = ARGV[1] .. process
  if redis.call('EXISTS', key) == 0 then
    redis.call('SREM', KEYS[1], process)
  else
    local counts = redis.call('HMGET', key, unpack(ARGV, 2))
    for i, count in ipairs(counts) do
      if count then
        table.insert(found, ARGV[i + 1])
        table.insert(found, process)
      end
    end
  end
end
return found
"""
"""(account, process) pairs of every live process holding any of the accounts ARGV[2..]."""
SCRIPT_ACCOUNTS = 1000
"""Accounts per script call: Lua's unpack() takes a few thousand arguments at most."""


class PresenceTierConfig(BaseModel):
    """How presence behaves in a shared (Redis) cache tier; the memory tier ignores it."""

    heartbeat_s: float = Field(
        5.0, gt=0, description="How often a server process renews its connections' expiry."
    )
    ttl_s: float = Field(
        15.0,
        gt=0,
        description="How long a silent process's connections still count (3 heartbeats: "
        "assumption, so one late heartbeat loses nothing).",
    )
    status_ttl_s: int = Field(
        3600, ge=1, description="How long a cached status lives unread (assumption)."
    )
    delivery_threads: int = Field(
        8,
        ge=1,
        description="Threads per process pushing mail announced by other processes "
        "(assumption: a push waits on one store read).",
    )


def new_process_id() -> str:
    """A name for this server process among all that share the tier."""
    return uuid.uuid4().hex[:16]


class ConnectionDirectory:
    """Live connections per account across every server process (see module docstring)."""

    def __init__(self, cache: CacheTier, config: PresenceTierConfig) -> None:
        assert cache.redis is not None, "a directory needs a shared tier"
        self.redis = cache.redis
        self.config = config
        self.process = new_process_id()
        self.index = cache.key("presence", "processes")
        self.hash_prefix = cache.key("presence", "process", "")
        self.own = self.hash_prefix + self.process
        self._where = self.redis.register_script(WHERE_SCRIPT)

    def set_count(self, account_id: int, connections: int) -> None:
        """Publish how many connections the account has in this process now."""
        pipe = self.redis.pipeline(transaction=False)
        if connections:
            pipe.hset(self.own, str(account_id), connections)
            pipe.pexpire(self.own, int(self.config.ttl_s * 1000))
            pipe.sadd(self.index, self.process)
        else:
            pipe.hdel(self.own, str(account_id))
        pipe.execute()
        record(cache_writes=1)

    def where(self, account_ids: Iterable[int]) -> dict[int, list[str]]:
        """The processes holding a connection of each connected account."""
        ids = [str(i) for i in dict.fromkeys(account_ids)]
        held: dict[int, list[str]] = {}
        for start in range(0, len(ids), SCRIPT_ACCOUNTS):
            chunk = ids[start : start + SCRIPT_ACCOUNTS]
            pairs = self._where(keys=[self.index], args=[self.hash_prefix, *chunk])
            for account, process in zip(pairs[::2], pairs[1::2], strict=True):
                held.setdefault(int(account), []).append(process.decode())
            record(cache_reads=len(chunk))
        return held

    def renew(
        self, counts: Callable[[], dict[int, int]], hold: AbstractContextManager[None]
    ) -> None:
        """The heartbeat: write this process's connections afresh from `counts` (while
        `hold` keeps them from changing) and extend their expiry, so a count lost while
        Redis was away, or a hash flushed or expired, is right again within a heartbeat."""
        with hold:
            live = counts()
            pipe = self.redis.pipeline(transaction=True)
            pipe.delete(self.own)
            if live:
                pipe.hset(self.own, mapping={str(a): n for a, n in live.items()})
                pipe.pexpire(self.own, int(self.config.ttl_s * 1000))
                pipe.sadd(self.index, self.process)
            pipe.execute()

    def leave(self) -> None:
        """This process stops serving: its connections stop counting at once."""
        self.redis.delete(self.own)
        self.redis.srem(self.index, self.process)


class Heartbeat:
    """Calls `beat` every `interval_s` on a daemon thread until stopped; a failed beat
    (Redis briefly away) is retried at the next interval."""

    def __init__(
        self, beat: Callable[[], None], interval_s: float, errors: type[Exception]
    ) -> None:
        self._beat = beat
        self._interval_s = interval_s
        self._errors = errors
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="presence-heartbeat", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            try:
                self._beat()
            except self._errors:
                continue

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


class StatusCache:
    """Chosen presence statuses in Redis, read through from the store (module docstring)."""

    def __init__(self, cache: CacheTier, config: PresenceTierConfig) -> None:
        assert cache.redis is not None, "a status cache needs a shared tier"
        from redis.exceptions import RedisError

        self.unreachable = RedisError
        self.redis = cache.redis
        self.cache = cache
        self.ttl_s = config.status_ttl_s

    def get(self, account_ids: list[int]) -> dict[int, str]:
        """Cached statuses of these accounts; the ones missing (all of them while Redis is
        unreachable) are not in the result, so they are read from the store."""
        if not account_ids:
            return {}
        try:
            values = self.redis.mget([self.cache.key("status", i) for i in account_ids])
        except self.unreachable:
            return {}
        pairs = zip(account_ids, values, strict=True)
        found = {i: v.decode() if isinstance(v, bytes) else v for i, v in pairs if v is not None}
        record(cache_reads=len(account_ids))
        return found

    def fill(self, statuses: dict[int, str]) -> None:
        """Cache statuses read from the store, keeping any newer choice cached meanwhile."""
        pipe = self.redis.pipeline(transaction=False)
        for account_id, status in statuses.items():
            pipe.set(self.cache.key("status", account_id), status, ex=self.ttl_s, nx=True)
        with suppress(self.unreachable):
            pipe.execute()
        record(cache_writes=len(statuses))

    def put(self, account_id: int, status: str) -> None:
        """A new choice, inside the store transaction that records it: if Redis cannot
        take it, the choice fails rather than leave an older one cached."""
        self.redis.set(self.cache.key("status", account_id), status, ex=self.ttl_s)
        record(cache_writes=1)
