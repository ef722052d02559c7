"""The home read as the API serves it: from the cache tier alone when it can, in the event
loop; else from the store, on the threadpool.

The hot path needs a token this process has already answered for (no round trip to learn
the reader) and a whole timeline (microblog.cache.hot_pages); the first read of a token,
a reader in a group, hybrid and pull fan-out, a page with a deleted post or photos, and
a timeline the tier lost all take the store's path, which fills the tier for the next.
"""

from __future__ import annotations

from microblog.api.bodies import posts_page_json, spliced_posts_page
from microblog.api.offload import run_sync
from microblog.cache.hot_pages import HotPages
from microblog.platform import Microblog


async def home_page_json(
    blog: Microblog,
    hot: HotPages | None,
    token: str,
    cursor: str | None,
    limit: int,
    granted_to: int | None = None,
) -> bytes:
    """The `PostsPage` of the reader's home timeline as JSON. `granted_to` is the account
    of an app token that the scope check already looked up on this request (an app's
    poll), so the read does not look the token up a second time."""
    viewer_id = granted_to or blog.accounts.remembered_account_id(token)
    if hot is not None and viewer_id is not None:
        window = blog.timelines.window(cursor, limit)
        page = await hot.page(viewer_id, window.before, window.take) if window.take else None
        if page is not None:
            return spliced_posts_page(page.bodies, window.next_cursor(page.ids))
    return await run_sync(_from_store, blog, token, viewer_id, cursor, limit)


def _from_store(
    blog: Microblog, token: str, viewer_id: int | None, cursor: str | None, limit: int
) -> bytes:
    if viewer_id is None:
        viewer_id = blog.accounts.account_id_for(token)
    page = blog.timelines.home(viewer_id, cursor, limit)
    return posts_page_json(page, blog.albums.removed(page.items))
