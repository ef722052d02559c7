"""A platform as a deployment's settings describe it: store, cache tier and fan-out queue.

Shared by the HTTP server (`microblog.api.app`) and the fan-out worker processes, and kept
free of the web stack: a worker delivers posts and never answers a request, so it starts
without importing FastAPI.
"""

from __future__ import annotations

from microblog.api.settings import ServerSettings
from microblog.cache import CacheTier, open_cache
from microblog.fanout import FanoutQueueFactory, PostQueueFactory, delivered_by_worker_processes
from microblog.fanout.local import InlineQueue, thread_queues
from microblog.fanout.stream import JobKind, stream_queue
from microblog.fanservice_models import Broadcast
from microblog.media.store import open_media_store
from microblog.platform import Microblog
from microblog.store import open_store


def build_platform(settings: ServerSettings) -> Microblog:
    cache = open_cache(settings.cache, settings.cache_prefix)
    return Microblog(
        open_store(settings.store),
        settings.platform,
        fanout=fanout_queue(settings, cache),
        cache=cache,
        media=open_media_store(settings.media_location()),
        service_fanout=service_fanout_queue(settings, cache),
    )


def fanout_queue(settings: ServerSettings, cache: CacheTier) -> PostQueueFactory:
    """Redis when worker processes can deliver (`fanout serve` or `fanout fanout-worker`
    runs them), else threads of this process, or inline when it is given none or asked to."""
    if settings.fanout_delivery == "inline":
        return InlineQueue
    if delivered_by_worker_processes(settings.store, settings.cache):
        return stream_queue(cache, settings.fanout_queue)
    threads = settings.background_fanout_workers
    return thread_queues(threads) if threads else InlineQueue


def service_fanout_queue(
    settings: ServerSettings, cache: CacheTier
) -> FanoutQueueFactory[Broadcast]:
    """Fan-service broadcasts take the road posts take: the same Redis stream and worker
    processes when those deliver, else threads of this process, or inline."""
    if settings.fanout_delivery == "inline":
        return InlineQueue
    if delivered_by_worker_processes(settings.store, settings.cache):
        return stream_queue(cache, settings.fanout_queue, JobKind.BROADCAST)
    threads = settings.background_fanout_workers
    return thread_queues(threads) if threads else InlineQueue
