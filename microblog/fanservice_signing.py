"""Signatures of developer-mode callbacks, and `verify_signature` for the apps that take them.

The platform POSTs a subscriber's message to the app's callback URL with three headers: a
timestamp, a nonce and an HMAC-SHA256 over `timestamp.nonce.body` keyed with the secret
the account bound. An app checks all three with `verify_signature` before acting: a wrong
signature is a forgery or a tampered body; an old timestamp or a nonce seen before is a
replay (someone re-sending a captured request). Every retry of a callback is signed anew,
with a fresh timestamp and nonce; the body's `message_id` tells an app a retry of a message
it already handled. Standard library only, so an app can copy this one module.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Mapping

SIGNATURE_HEADER = "x-fanout-signature"
TIMESTAMP_HEADER = "x-fanout-timestamp"
NONCE_HEADER = "x-fanout-nonce"


class SignatureError(ValueError):
    """A callback request that must not be acted on, and why."""


def sign(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of `timestamp.nonce.body` under `secret`."""
    message = f"{timestamp}.{nonce}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, now: float) -> dict[str, str]:
    """The headers of one callback attempt: its own timestamp, nonce and signature."""
    timestamp, nonce = f"{now:.3f}", secrets.token_hex(16)
    return {
        TIMESTAMP_HEADER: timestamp,
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: sign(secret, timestamp, nonce, body),
    }


class ReplayGuard:
    """The nonces a receiver has accepted and not yet forgotten: one older than `max_age_s`
    is refused by its timestamp anyway, so it need not be remembered longer."""

    def __init__(self, max_age_s: float) -> None:
        self.max_age_s = max_age_s
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def admit(self, nonce: str, timestamp: float, now: float) -> None:
        """Accept the nonce once; `SignatureError` for a stale timestamp or a reused nonce."""
        if abs(now - timestamp) > self.max_age_s:
            raise SignatureError(f"timestamp {timestamp} is over {self.max_age_s} s from now")
        with self._lock:
            self._seen = {n: t for n, t in self._seen.items() if now - t <= self.max_age_s}
            if nonce in self._seen:
                raise SignatureError(f"nonce {nonce!r} was used before: a replay")
            self._seen[nonce] = timestamp


def verify_signature(
    secret: str, body: bytes, headers: Mapping[str, str], guard: ReplayGuard, now: float
) -> None:
    """Check a callback request; raise `SignatureError` naming what is wrong.

    The signature is compared in constant time before the nonce is remembered, so a forged
    request cannot spend a genuine request's nonce.
    """
    lower = {key.lower(): value for key, value in headers.items()}
    try:
        timestamp, nonce = lower[TIMESTAMP_HEADER], lower[NONCE_HEADER]
        signature = lower[SIGNATURE_HEADER]
    except KeyError as missing:
        raise SignatureError(f"missing header {missing}") from None
    if not hmac.compare_digest(sign(secret, timestamp, nonce, body), signature):
        raise SignatureError("signature does not match the body: tampered or wrong secret")
    try:
        sent_at = float(timestamp)
    except ValueError:
        raise SignatureError(f"timestamp {timestamp!r} is not a number") from None
    guard.admit(nonce, sent_at, now)
