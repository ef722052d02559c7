"""Idempotency keys: a retried payment request returns its first result and pays once.

Keys are scoped per account. The first successful result is stored with the key and a
fingerprint of the request (operation and arguments) in the same transaction as the money
movement, so either both are kept or neither. A retry with the same key replays the stored
result; the same key with a different request is refused (422), because silently
replaying a different operation's result would hide a client bug. Refused requests store
nothing: a retry after the refusal's cause is fixed (say, after a top-up) runs afresh.

A shared cache tier holds finished requests too (microblog.cache.idempotency), so a retry
reaching any server process is answered without the store's write transaction; the
store's record stays the truth for every key the tier does not hold.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import TypeAdapter

from microblog.cache.idempotency import Finished, open_idempotency_cache
from microblog.errors import Invalid
from microblog.money_models import IdempotencyRecord
from microblog.services.context import Context
from microblog.store.base import Tx

R = TypeVar("R")
KEY_FIELD = "Idempotency-Key"


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(result_type: type[Any]) -> TypeAdapter[Any]:
    """Pydantic (de)serialises the result dataclasses; building an adapter is slow, reuse it."""
    if result_type not in _ADAPTERS:
        _ADAPTERS[result_type] = TypeAdapter(result_type)
    return _ADAPTERS[result_type]


def fingerprint(request: dict[str, object]) -> str:
    """A stable digest of an operation and its arguments."""
    return hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()


class Idempotency:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.finished = open_idempotency_cache(ctx.cache, ctx.config.idempotency_cache_ttl_s)

    def check_key(self, key: str) -> None:
        longest = self.ctx.config.money.max_idempotency_key_chars
        if not (0 < len(key) <= longest and key.isascii() and key.isprintable()):
            raise Invalid(
                f"{KEY_FIELD} must be 1-{longest} printable ASCII characters, got {key!r}",
                field=KEY_FIELD,
            )

    def replay(
        self, tx: Tx, account_id: int, key: str, request: dict[str, object], kind: type[R]
    ) -> R | None:
        """The stored first result for this key, or None when the key is new."""
        stored = tx.idempotency.get(account_id, key)
        if stored is None:
            return None
        return self._replayed(Finished(stored.fingerprint, stored.response), key, request, kind)

    def _replayed(self, first: Finished, key: str, request: dict[str, object], kind: type[R]) -> R:
        if first.fingerprint != fingerprint(request):
            raise Invalid(
                f"{KEY_FIELD} {key!r} was already used for a different request by this "
                "account; send a new key for a new request",
                field=KEY_FIELD,
            )
        result: R = _adapter(kind).validate_python(first.response)
        return result

    def remember(
        self, tx: Tx, account_id: int, key: str, request: dict[str, object], result: object
    ) -> IdempotencyRecord:
        response = _adapter(type(result)).dump_python(result, mode="json")
        stored = IdempotencyRecord(
            account_id, key, fingerprint(request), response, self.ctx.clock()
        )
        tx.idempotency.put(stored)
        return stored

    def once(
        self,
        account_id: int,
        key: str,
        request: dict[str, object],
        kind: type[R],
        operation: Callable[[Tx], R],
    ) -> R:
        """Run `operation` in a write transaction unless this key already ran it (which the
        cache tier or else the store remembers)."""
        self.check_key(key)
        cached = self.finished.get(account_id, key)
        if cached is not None:
            return self._replayed(cached, key, request, kind)
        with self.ctx.store.write() as tx:
            replayed = self.replay(tx, account_id, key, request, kind)
            if replayed is not None:
                return replayed
            result = operation(tx)
            stored = self.remember(tx, account_id, key, request, result)
        self.finished.put(stored)
        return result
