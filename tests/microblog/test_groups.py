"""Groups broadcast to members only."""

import pytest

from microblog.errors import Conflict, Forbidden
from microblog.platform import Microblog
from tests.microblog.conftest import people


def test_group_post_never_reaches_a_non_member(blog: Microblog) -> None:
    owner, member, outsider = people(blog, "own", "mem", "out")
    blog.graph.follow(outsider.id, owner.id)
    group = blog.groups.create(owner.id, "club")
    blog.groups.join(member.id, group.id)
    post = blog.posts.create(owner.id, "secret plans", group_id=group.id)
    assert [p.id for p in blog.timelines.home(member.id).items] == [post.id]
    assert blog.timelines.home(outsider.id).items == []
    with pytest.raises(Forbidden):
        blog.posts.get(outsider.id, post.id)
    with pytest.raises(Forbidden):
        blog.groups.feed(outsider.id, group.id)
    with pytest.raises(Forbidden):
        blog.posts.like(outsider.id, post.id)


def test_non_members_cannot_post_and_leavers_stop_seeing_posts(blog: Microblog) -> None:
    owner, member = people(blog, "own", "mem")
    group = blog.groups.create(owner.id, "club")
    with pytest.raises(Forbidden):
        blog.posts.create(member.id, "let me in", group_id=group.id)
    blog.groups.join(member.id, group.id)
    blog.posts.create(owner.id, "welcome", group_id=group.id)
    assert len(blog.groups.feed(member.id, group.id).items) == 1
    blog.groups.leave(member.id, group.id)
    assert blog.timelines.home(member.id).items == []


def test_joining_twice_conflicts_and_counts_members(blog: Microblog) -> None:
    owner, member = people(blog, "own", "mem")
    group = blog.groups.create(owner.id, "club")
    blog.groups.join(member.id, group.id)
    with pytest.raises(Conflict):
        blog.groups.join(member.id, group.id)
    assert blog.groups.get(group.id).member_count == 2
