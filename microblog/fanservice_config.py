"""Fan service rules: message sizes, how many keywords and menu items, and how developer-mode
callbacks are timed, retried and replay-protected."""

from __future__ import annotations

from pydantic import BaseModel, Field

WECHAT = "WeChat Official Accounts developer documentation (2013): message push"


class FanServiceConfig(BaseModel):
    max_message_chars: int = Field(
        600,
        ge=1,
        description="Longest broadcast, reply or subscriber message (assumption: a screenful "
        "of a private message; Weibo's private messages were not limited to a post's 140).",
    )
    max_auto_replies: int = Field(
        200, ge=0, description="Keyword auto-replies per service (assumption)."
    )
    max_keyword_chars: int = Field(30, ge=1, description="Longest keyword (assumption).")
    max_menu_items: int = Field(
        15,
        ge=0,
        description=f"Menu buttons per service ({WECHAT}: 3 top-level menus of up to 5 items).",
    )
    stats_window: int = Field(
        1000,
        ge=1,
        description="An account's most recent broadcasts its delivery statistics summarise "
        "(assumption: bounds the statistics' read).",
    )
    callback_timeout_s: float = Field(
        5.0, gt=0, description=f"Wait for a developer's callback to answer ({WECHAT}: 5 s)."
    )
    callback_attempts: int = Field(
        4,
        ge=1,
        description=f"Tries of a callback before its message is dead-lettered ({WECHAT}: "
        "the first push and three retries).",
    )
    callback_backoff_s: float = Field(
        1.0,
        ge=0,
        description="Wait before the first retry; each later retry waits twice as long "
        "(exponential backoff; the base is an assumption).",
    )
    signature_max_age_s: float = Field(
        300.0,
        gt=0,
        description="Oldest signed timestamp a receiver accepts; older is a replay (source: "
        "Stripe's webhook signatures default to a 5-minute tolerance).",
    )
    callback_workers: int = Field(
        4,
        ge=0,
        description="Threads of a server process that send callbacks, so a subscriber's "
        "request never waits on a developer's server (0: send inside the request; assumption).",
    )
    allow_private_callbacks: bool = Field(
        False,
        description="Send callbacks to private, loopback, link-local and other non-public "
        "addresses. Off by default, since a callback URL is chosen by an account and sent "
        "from inside the platform's network (server-side request forgery); on for tests "
        "and a developer's own machine (`fanout serve --allow-private-callbacks`).",
    )
