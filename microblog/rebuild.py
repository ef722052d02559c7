"""The operator's rebuild of home timelines from the store, outside any server process.

After Redis lost its data (a FLUSH, a failover to an empty replica) timelines rebuild
lazily, each on its owner's next read; an operator who would rather not make the first
readers pay runs this against the same store and Redis the servers use. A memory cache
tier lives inside one server process, so it is rebuilt through that server instead
(`POST /admin/timelines/rebuild`).
"""

from __future__ import annotations

from collections.abc import Callable

from microblog.cache import open_cache
from microblog.errors import Invalid
from microblog.platform import Microblog
from microblog.store import open_store


def rebuild_timelines(
    store: str,
    cache: str,
    prefix: str,
    account_id: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Rebuild one account's home timeline, or every account's; returns how many."""
    tier = open_cache(cache, prefix)
    if not tier.shared:
        tier.close()
        raise Invalid(
            f"cache must be a redis:// URL, got {cache!r}: a memory cache tier lives in its "
            "server process; rebuild it there with POST /admin/timelines/rebuild",
            field="cache",
        )
    blog = Microblog(open_store(store), cache=tier)
    try:
        return rebuild_in(blog, account_id, progress)
    finally:
        blog.close()


def rebuild_in(
    blog: Microblog, account_id: int | None, progress: Callable[[int], None] | None = None
) -> int:
    """Rebuild in a running platform: one account (which must exist), or all of them."""
    if account_id is None:
        return blog.timelines.rebuild_all(progress)
    blog.accounts.get(account_id)  # NotFound names the account
    blog.timelines.rebuild(account_id)
    return 1
