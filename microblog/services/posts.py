"""Posts: write, edit, delete, repost, comment, like, mentions and the author's own timeline."""

from __future__ import annotations

import re

from microblog.errors import Forbidden, Invalid, NotFound
from microblog.models import Comment, Page, Post
from microblog.push_models import PushKind
from microblog.services.albums import require_attachable
from microblog.services.context import Context
from microblog.services.cursors import next_id_cursor, parse_id_cursor
from microblog.services.memberships import has_benefits
from microblog.services.push import PushChannel
from microblog.services.timelines import Timelines
from microblog.store.base import Tx

MENTION = re.compile(r"@([A-Za-z0-9_]{3,32})")


class Posts:
    def __init__(self, ctx: Context, timelines: Timelines, push: PushChannel) -> None:
        self.ctx = ctx
        self.timelines = timelines
        self.push = push

    def create(
        self,
        author_id: int,
        text: str,
        *,
        group_id: int | None = None,
        repost_of: int | None = None,
        photo_ids: tuple[int, ...] = (),
    ) -> Post:
        """Publish a post (to followers, or to a group's members only), carrying the
        author's photos, and fan it out."""
        self._check_text(text)
        with self.ctx.store.write() as tx:
            if photo_ids:
                require_attachable(tx, author_id, photo_ids, self._photo_limit(tx, author_id))
            if group_id is not None:
                self._require_member(tx, group_id, author_id)
            if repost_of is not None:
                self.visible(tx, repost_of, author_id)
                tx.posts.add_counts(repost_of, reposts=1)
            author = tx.accounts.get(author_id)
            assert author is not None, "authenticated authors exist"
            pushed = group_id is None and self.timelines.pushes(author)
            post = tx.posts.create(
                author_id,
                text,
                self.ctx.clock(),
                group_id=group_id,
                repost_of=repost_of,
                pushed=pushed,
                photo_ids=photo_ids,
            )
            if group_id is None and not pushed:
                tx.accounts.mark_pull_author(author_id)
            mentioned = self._mentioned(tx, text, group_id)
            tx.posts.add_mentions(post.id, mentioned)
        if repost_of is not None:
            self.timelines.post_changed(repost_of)
        self.timelines.fan_out(post)
        self._push_mentions(mentioned, post.id, author_id)
        return post

    def get(self, viewer_id: int, post_id: int) -> Post:
        with self.ctx.store.read() as tx:
            return self.visible(tx, post_id, viewer_id)

    def edit(self, actor_id: int, post_id: int, text: str) -> Post:
        self._check_text(text)
        with self.ctx.store.write() as tx:
            self._require_author(tx, post_id, actor_id)
            tx.posts.set_text(post_id, text, self.ctx.clock())
            post = tx.posts.get(post_id)
        assert post is not None
        self.timelines.post_changed(post_id)
        return post

    def delete(self, actor_id: int, post_id: int) -> None:
        """Delete a post; it disappears from every timeline (reads skip tombstones)."""
        with self.ctx.store.write() as tx:
            self._require_author(tx, post_id, actor_id)
            tx.posts.mark_deleted(post_id)
        self.timelines.post_changed(post_id)

    def like(self, actor_id: int, post_id: int) -> bool:
        """Like a post; False when already liked (likes are idempotent)."""
        with self.ctx.store.write() as tx:
            self.visible(tx, post_id, actor_id)
            added = tx.posts.add_like(post_id, actor_id)
            if added:
                tx.posts.add_counts(post_id, likes=1)
        if added:
            self.timelines.post_changed(post_id)
        return added

    def unlike(self, actor_id: int, post_id: int) -> bool:
        with self.ctx.store.write() as tx:
            self.visible(tx, post_id, actor_id)
            removed = tx.posts.remove_like(post_id, actor_id)
            if removed:
                tx.posts.add_counts(post_id, likes=-1)
        if removed:
            self.timelines.post_changed(post_id)
        return removed

    def comment(self, actor_id: int, post_id: int, text: str) -> Comment:
        """Comment on a post; accounts @named in it find the post among their mentions."""
        self._check_text(text)
        with self.ctx.store.write() as tx:
            post = self.visible(tx, post_id, actor_id)
            tx.posts.add_counts(post_id, comments=1)
            mentioned = self._mentioned(tx, text, post.group_id)
            tx.posts.add_mentions(post_id, mentioned)
            comment = tx.posts.add_comment(post_id, actor_id, text, self.ctx.clock())
        self.timelines.post_changed(post_id)
        self._push_mentions(mentioned, post_id, actor_id)
        return comment

    def comments(
        self, viewer_id: int, post_id: int, cursor: str | None = None, limit: int = 20
    ) -> Page[Comment]:
        limit = self.ctx.page_limit(limit)
        with self.ctx.store.read() as tx:
            self.visible(tx, post_id, viewer_id)
            found = tx.posts.comments(post_id, parse_id_cursor(cursor), limit)
        return Page(found, next_id_cursor([c.id for c in found], limit))

    def by_author(self, author_id: int, cursor: str | None = None, limit: int = 20) -> Page[Post]:
        """An author's public posts, newest first (group posts stay in their groups)."""
        limit = self.ctx.page_limit(limit)
        with self.ctx.store.read() as tx:
            if tx.accounts.get(author_id) is None:
                raise NotFound(f"no account {author_id}")
            ids = tx.posts.by_author(author_id, parse_id_cursor(cursor), limit)
            return self._hydrate(tx, ids, limit)

    def mentions(self, account_id: int, cursor: str | None = None, limit: int = 20) -> Page[Post]:
        limit = self.ctx.page_limit(limit)
        with self.ctx.store.read() as tx:
            ids = tx.posts.mentions(account_id, parse_id_cursor(cursor), limit)
            return self._hydrate(tx, ids, limit)

    def visible(self, tx: Tx, post_id: int, viewer_id: int) -> Post:
        """The post, if it exists and the viewer may see it (group posts: members only)."""
        post = tx.posts.get(post_id)
        if post is None or post.deleted:
            raise NotFound(f"no post {post_id}")
        if post.group_id is not None and not tx.groups.is_member(post.group_id, viewer_id):
            raise Forbidden(f"post {post_id} is visible to members of group {post.group_id} only")
        return post

    @staticmethod
    def _hydrate(tx: Tx, ids: list[int], limit: int) -> Page[Post]:
        found = tx.posts.get_many(ids)
        posts = [found[i] for i in ids if not found[i].deleted]
        return Page(posts, next_id_cursor(ids, limit))

    def _push_mentions(self, mentioned: list[int], post_id: int, by: int) -> None:
        if mentioned:
            self.push.notify_many(mentioned, PushKind.MENTION, {"post_id": post_id, "by": by})

    def _photo_limit(self, tx: Tx, author_id: int) -> int:
        """Photos the author's post may carry: more for a member (a membership benefit)."""
        if has_benefits(tx, author_id, self.ctx.clock()):
            return self.ctx.config.memberships.member_photos_per_post
        return self.ctx.config.media.max_photos_per_post

    def _check_text(self, text: str) -> None:
        longest = self.ctx.config.max_post_chars
        if not text.strip():
            raise Invalid("text must not be empty", field="text")
        if len(text) > longest:
            raise Invalid(
                f"text must be at most {longest} characters, got {len(text)}", field="text"
            )

    @staticmethod
    def _require_member(tx: Tx, group_id: int, account_id: int) -> None:
        if tx.groups.get(group_id) is None:
            raise NotFound(f"no group {group_id}")
        if not tx.groups.is_member(group_id, account_id):
            raise Forbidden(f"only members of group {group_id} may post in it")

    @staticmethod
    def _require_author(tx: Tx, post_id: int, actor_id: int) -> None:
        post = tx.posts.get(post_id)
        if post is None or post.deleted:
            raise NotFound(f"no post {post_id}")
        if post.author_id != actor_id:
            raise Forbidden(f"post {post_id} belongs to another account")

    @staticmethod
    def _mentioned(tx: Tx, text: str, group_id: int | None) -> list[int]:
        """Accounts named with @name; in a group only members are notified."""
        ids = []
        for name in dict.fromkeys(MENTION.findall(text)):
            account = tx.accounts.get_by_name(name)
            if account and (group_id is None or tx.groups.is_member(group_id, account.id)):
                ids.append(account.id)
        return ids
