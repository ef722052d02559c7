"""Developer mode's callbacks: a subscriber's message POSTed, signed, to the account's app.

Each attempt is signed anew (`microblog.fanservice_signing`), so a receiver that refuses
reused nonces still takes a retry. An attempt fails on a connection error, a timeout or a
non-2xx answer; failed ones are retried after exponentially growing waits (tenacity, not
a loop of our own), and a message that failed every attempt becomes a dead letter the
account reads at `GET /fanservice/dead-letters`. A URL whose host now resolves to an
address callbacks may not reach (`microblog.callback_address`) is dead-lettered at once.
Sending runs on a few threads of the server (`callback_workers`), so a subscriber's
request never waits on a developer's server.
"""

from __future__ import annotations

import json
import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property, partial

import httpx
from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from microblog.callback_address import RefusedCallback, UnresolvedCallback, resolve_callback
from microblog.fanservice_models import FanService
from microblog.fanservice_signing import signed_headers
from microblog.services.context import Context

log = logging.getLogger(__name__)


class Callbacks:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.config = ctx.config.fanservice
        workers = self.config.callback_workers
        self._pool = ThreadPoolExecutor(workers, "fanservice-callback") if workers else None

    @cached_property
    def _client(self) -> httpx.Client:
        """Made on the first callback: most platforms (the simulator's) never send one."""
        return httpx.Client(timeout=self.config.callback_timeout_s)

    def forward(self, service: FanService, subscriber_id: int, text: str) -> None:
        """Send the message to the account's callback, now or on a callback thread."""
        assert service.callback_url is not None and service.callback_secret is not None
        body = json.dumps({
            "message_id": uuid.uuid4().hex, "account_id": service.account_id,
            "subscriber_id": subscriber_id, "text": text, "sent_at": self.ctx.clock(),
        }).encode()  # fmt: skip
        send = partial(self._deliver, service, subscriber_id, text, body)
        if self._pool is None:
            send()
        else:
            self._pool.submit(send)

    def _deliver(self, service: FanService, subscriber_id: int, text: str, body: bytes) -> None:
        """Try every allowed attempt; keep the message as a dead letter when all failed."""
        retrying = Retrying(
            stop=stop_after_attempt(self.config.callback_attempts),
            wait=wait_exponential(multiplier=self.config.callback_backoff_s),
            retry=retry_if_exception(_worth_retrying),
        )
        try:
            retrying(self._attempt, service.callback_url, service.callback_secret, body)
        except (RetryError, RefusedCallback) as failed:
            error = failed.last_attempt.exception() if isinstance(failed, RetryError) else failed
            log.warning("callback of account %s failed: %s", service.account_id, error)
            attempts = retrying.statistics["attempt_number"]
            with self.ctx.store.write() as tx:
                tx.fanservice.add_dead_letter(
                    service.account_id, subscriber_id, text, attempts, repr(error),
                    self.ctx.clock(),
                )  # fmt: skip

    def _attempt(self, url: str, secret: str, body: bytes) -> None:
        """One signed POST, to the address checked just now (`resolve_callback`)."""
        target = resolve_callback(url, self.config.allow_private_callbacks)
        headers = {"content-type": "application/json", "host": target.host_header}
        headers.update(signed_headers(secret, body, self.ctx.clock()))
        extensions = {"sni_hostname": target.sni_hostname} if target.sni_hostname else None
        self._client.post(
            target.url, content=body, headers=headers, extensions=extensions
        ).raise_for_status()

    def close(self) -> None:
        """Finish the callbacks on their way (each bounded by its attempts), then let go."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        if "_client" in self.__dict__:
            self._client.close()


def _worth_retrying(error: BaseException) -> bool:
    """Every failure but a refused address: that one would be refused again (a name that
    does not resolve may resolve later, so it is retried)."""
    return not isinstance(error, RefusedCallback) or isinstance(error, UnresolvedCallback)
