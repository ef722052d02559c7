"""Request and response bodies: a schema family per entity (Create / Public / Page)."""

from __future__ import annotations

import re
from collections.abc import Collection

from pydantic import BaseModel, ConfigDict, Field, field_validator

from microblog.api.params import Id
from microblog.models import (
    Account,
    AgeBand,
    Comment,
    Gender,
    Group,
    Page,
    Post,
    Profile,
    Role,
    Tier,
)
from microblog.push_models import ClientKind


class Body(BaseModel):
    """Every request body: unknown fields are refused, and so is text no store can keep: a
    NUL character (PostgreSQL cannot store one: it failed in the driver, a 500) or a lone
    UTF-16 surrogate, which JSON's `\\ud800` escapes let in and which no UTF-8 encoder
    accepts (the response that echoed it failed to encode, a 500)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _storable_text(cls, value: object) -> object:
        if _unstorable(value):
            raise ValueError(
                "text must not contain a NUL character (\\u0000) or a lone surrogate "
                "(\\ud800-\\udfff)"
            )
        return value


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable(value: object) -> bool:
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is not None
    if isinstance(value, list | tuple):
        return any(_unstorable(item) for item in value)
    return False


class ProfileBody(Body):
    interests: list[str] = Field(default_factory=list, max_length=50)
    region: str = Field("unknown", max_length=64)
    gender: Gender = Gender.UNDISCLOSED
    age_band: AgeBand = AgeBand.UNDISCLOSED

    def to_profile(self) -> Profile:
        return Profile(list(self.interests), self.region, self.gender, self.age_band)


class AccountCreate(Body):
    name: str = Field(min_length=3, max_length=32, pattern=r"^[A-Za-z0-9_]+$")
    password: str = Field(min_length=8, max_length=128)
    role: Role = Role.USER
    tier: Tier | None = None
    profile: ProfileBody = Field(default_factory=ProfileBody)


class Login(Body):
    name: str
    password: str
    client: ClientKind = Field(
        ClientKind.WEB,
        description="The client this session runs in: mobile sessions get push "
        "notifications (mentions, private messages, live starts); web when not given.",
    )


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"
    account_id: int
    client: ClientKind


class AccountPublic(BaseModel):
    id: int
    name: str
    role: Role
    tier: Tier | None
    verified: bool
    follower_count: int
    followee_count: int
    profile: ProfileBody
    member: bool | None = Field(
        None,
        description="The paid membership badge: shown on one account's view (`/me`, "
        "`/accounts/{id}`); null in lists, which do not look it up.",
    )

    @classmethod
    def of(cls, a: Account, member: bool | None = None) -> AccountPublic:
        p = a.profile
        return cls(
            member=member,
            id=a.id,
            name=a.name,
            role=a.role,
            tier=a.tier,
            verified=a.verified,
            follower_count=a.follower_count,
            followee_count=a.followee_count,
            profile=ProfileBody(
                interests=p.interests, region=p.region, gender=p.gender, age_band=p.age_band
            ),
        )


class AccountsPage(BaseModel):
    items: list[AccountPublic]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[Account]) -> AccountsPage:
        return cls(items=[AccountPublic.of(a) for a in page.items], next_cursor=page.next_cursor)


class PostCreate(Body):
    text: str = Field(description="1-2000 characters; @name mentions notify those accounts.")
    group_id: Id | None = Field(None, description="Post to a group's members only.")
    repost_of: Id | None = Field(None, description="Repost this post (the original is kept).")
    photo_ids: list[Id] = Field(
        default_factory=list,
        description="The author's photos to attach, in order (at most `max_photos_per_post`).",
    )


class PostEdit(Body):
    text: str


class PhotoRef(BaseModel):
    """A photo a post carries: where to read it, or that it has been deleted since."""

    id: int
    removed: bool = Field(description="Deleted since it was posted: there is nothing to read.")
    url: str | None = Field(description="GET it for the photo (ETag; 304 when unchanged).")
    thumbnail_url: str | None = Field(description="GET it for the thumbnail (a JPEG).")

    @classmethod
    def of(cls, photo_id: int, removed: bool) -> PhotoRef:
        if removed:
            return cls(id=photo_id, removed=True, url=None, thumbnail_url=None)
        url = f"/photos/{photo_id}"
        return cls(id=photo_id, removed=False, url=url, thumbnail_url=f"{url}/thumbnail")


class PostPublic(BaseModel):
    id: int
    author_id: int
    text: str
    created_at: float
    group_id: int | None
    repost_of: int | None
    edited_at: float | None
    like_count: int
    comment_count: int
    repost_count: int
    photos: list[PhotoRef]

    @classmethod
    def of(cls, p: Post, removed: Collection[int] = ()) -> PostPublic:
        """`removed`: ids of the post's photos deleted since (`Albums.removed`)."""
        return cls(
            id=p.id,
            author_id=p.author_id,
            text=p.text,
            created_at=p.created_at,
            group_id=p.group_id,
            repost_of=p.repost_of,
            edited_at=p.edited_at,
            like_count=p.like_count,
            comment_count=p.comment_count,
            repost_count=p.repost_count,
            photos=[PhotoRef.of(i, i in removed) for i in p.photo_ids],
        )


class PostsPage(BaseModel):
    items: list[PostPublic]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[Post], removed: Collection[int] = ()) -> PostsPage:
        items = [PostPublic.of(p, removed) for p in page.items]
        return cls(items=items, next_cursor=page.next_cursor)


class CommentCreate(Body):
    text: str


class CommentPublic(BaseModel):
    id: int
    post_id: int
    author_id: int
    text: str
    created_at: float

    @classmethod
    def of(cls, c: Comment) -> CommentPublic:
        return cls(
            id=c.id, post_id=c.post_id, author_id=c.author_id, text=c.text, created_at=c.created_at
        )


class CommentsPage(BaseModel):
    items: list[CommentPublic]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[Comment]) -> CommentsPage:
        return cls(items=[CommentPublic.of(c) for c in page.items], next_cursor=page.next_cursor)


class GroupCreate(Body):
    name: str = Field(min_length=1, max_length=100)


class GroupPublic(BaseModel):
    id: int
    name: str
    owner_id: int
    member_count: int

    @classmethod
    def of(cls, g: Group) -> GroupPublic:
        return cls(id=g.id, name=g.name, owner_id=g.owner_id, member_count=g.member_count)


class Changed(BaseModel):
    """Result of an idempotent toggle (like, unlike)."""

    changed: bool
