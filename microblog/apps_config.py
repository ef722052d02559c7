"""Rules of the open platform's apps: token lifetimes and registration bounds."""

from __future__ import annotations

from pydantic import BaseModel, Field


class AppsConfig(BaseModel):
    access_token_ttl_s: int = Field(
        86_400,
        ge=60,
        description="Seconds an app's access token lives before the app refreshes it "
        "(assumption: one day, a session of a third-party client).",
    )
    code_ttl_s: int = Field(
        600,
        ge=1,
        description="Seconds an authorization code may wait to be redeemed (source: RFC 6749 "
        "section 4.1.2 recommends at most 10 minutes).",
    )
    platform_share: float = Field(
        0.0,
        ge=0,
        le=1,
        description="The platform's share of what apps charge users (source: the open "
        "platform 'plans to charge no fees to partners and developers within one year', "
        "Sina, 2011).",
    )
    preauthorized_max_fen: int = Field(
        10_000,
        ge=0,
        description="Largest charge (fen) a grant holding the `payments` scope pays at once: "
        "granting that scope at consent pre-authorises charges up to this much each; a larger "
        "one, or any charge by an app without the scope, waits for the user to confirm "
        "(assumption: 100 coins, above the games' median item price of a few coins).",
    )
    pending_charge_ttl_s: int = Field(
        86_400,
        ge=1,
        description="Seconds a charge waits for the user to confirm before it expires "
        "unpaid (assumption: one day, a user's next visit).",
    )
    max_item_chars: int = Field(100, ge=1, description="Longest item name of a charge.")
    max_redirect_uris: int = Field(10, ge=1, description="Redirect URIs per app (assumption).")
