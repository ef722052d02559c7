"""Accounts: registration rules, password login and bearer tokens."""

import pytest

from microblog.errors import Conflict, Invalid, Unauthorized
from microblog.models import Profile, Role, Tier
from microblog.platform import Microblog
from microblog.work import recording
from tests.microblog.conftest import MakeBlog


def test_register_then_login_yields_a_token_that_authenticates(blog: Microblog) -> None:
    account = blog.accounts.register("alice", "s3cret-pass")
    token = blog.accounts.login("alice", "s3cret-pass")
    assert blog.accounts.authenticate(token).id == account.id


def test_wrong_password_and_unknown_token_are_unauthorized(blog: Microblog) -> None:
    blog.accounts.register("alice", "s3cret-pass")
    with pytest.raises(Unauthorized):
        blog.accounts.login("alice", "wrong")
    with pytest.raises(Unauthorized):
        blog.accounts.authenticate("not-a-token")


def test_duplicate_name_conflicts(blog: Microblog) -> None:
    blog.accounts.register("alice", "pw")
    with pytest.raises(Conflict):
        blog.accounts.register("alice", "pw")


def test_influencers_need_a_tier_and_wait_for_an_operator_to_verify_them(
    blog: Microblog,
) -> None:
    with pytest.raises(Invalid) as raised:
        blog.accounts.register("star", "pw", Role.INFLUENCER)
    assert raised.value.field == "tier"
    star = blog.accounts.register("star", "pw", Role.INFLUENCER, Tier.BIG_V)
    assert not star.verified and star.tier is Tier.BIG_V


def test_bad_names_are_refused_naming_the_field(blog: Microblog) -> None:
    with pytest.raises(Invalid) as raised:
        blog.accounts.register("a b", "pw")
    assert raised.value.field == "name"


def test_profile_update_is_stored(blog: Microblog) -> None:
    account = blog.accounts.register("alice", "pw")
    blog.accounts.update_profile(account.id, Profile(["games", "food"], "beijing"))
    assert blog.accounts.get(account.id).profile.interests == ["games", "food"]
    assert blog.accounts.get(account.id).profile.region == "beijing"


def test_a_known_token_is_answered_from_the_process_memory(blog: Microblog) -> None:
    """After a token's first lookup the process remembers its account: no store or cache
    read is recorded for it again, while a wrong token is refused every time (a failure
    is never remembered)."""
    account = blog.accounts.register("alice", "s3cret-pass")
    token = blog.accounts.login("alice", "s3cret-pass")
    with recording() as first:
        assert blog.accounts.account_id_for(token) == account.id
    with recording() as again:
        assert blog.accounts.account_id_for(token) == account.id
    assert first.db_reads + first.cache_reads >= 1
    assert again.db_reads == again.cache_reads == 0
    for _ in range(2):
        with pytest.raises(Unauthorized):
            blog.accounts.account_id_for("not-a-token")


def test_the_token_memory_is_bounded_by_its_setting(make_blog: MakeBlog) -> None:
    blog = make_blog(token_memo_entries=1)
    blog.accounts.register("alice", "s3cret-pass")
    blog.accounts.register("bob", "s3cret-pass")
    tokens = [blog.accounts.login(name, "s3cret-pass") for name in ("alice", "bob")]
    for token in tokens:
        blog.accounts.account_id_for(token)
    with recording() as evicted:
        blog.accounts.account_id_for(tokens[0])
    assert evicted.db_reads + evicted.cache_reads >= 1
