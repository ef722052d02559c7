"""Live broadcast rules: the platform's share of gifts, the live list's tilt towards
verified anchors, and text limits."""

from __future__ import annotations

from pydantic import BaseModel, Field

from microblog.models import Tier


class LiveConfig(BaseModel):
    platform_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Platform's share of each gift to an anchor; the anchor keeps the rest "
        "(assumption: Chinese live platforms keep about half of virtual-gift value).",
    )
    tier_boost: dict[Tier, float] = Field(
        default_factory=lambda: {Tier.BIG_V: 4.0, Tier.MEDIUM_V: 2.0},
        description="Multiplier of a verified anchor's viewer count in the live list ranking: "
        "the source's 'deliberately tilting resources towards anchors such as China V and "
        "big V' (issue 20); the sizes are an assumption.",
    )
    max_comment_chars: int = Field(
        140, ge=1, description="Longest live comment (source: Weibo's 140-character post)."
    )
    max_title_chars: int = Field(100, ge=1, description="Longest room title, characters.")
    list_size: int = Field(
        50, ge=1, description="Rooms the live list shows (assumption: one screenful and more)."
    )
