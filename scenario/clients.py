"""The `behaviour.clients` section: how a session differs on the mobile app and the web.

`population.mobile_share` says who is on which client; these factors say what that changes.
Each factor multiplies the scenario's overall figure, and the defaults are set so that at
the seed's 75 % mobile share the population's mean is the overall figure itself: sessions
0.75 x 1.2 + 0.25 x 0.4 = 1; extra pages per session, weighted by sessions,
0.75 x 1.2 x 0.9 + 0.25 x 0.4 x 1.9 = 1; full photos, weighted by pages read,
0.81 x 0.8 + 0.19 x 1.85 = 1. The default scenario keeps its calibrated sessions, pages and
photo reads, while another `mobile_share` moves them (fewer mobile users: fewer, longer
sessions).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scenario.fields import Section, section, spec

PHONE_HABITS = (
    "assumption: phone users open the app often for short looks on a small screen and "
    "cellular data, web users sit down less often for longer ones; sized so the seed's "
    "75 % mobile share keeps the overall means"
)


def _sessions(default: float) -> Any:
    text = "Multiplier of an account's sessions per day (session frequency)."
    return spec(default, text, source=PHONE_HABITS, gt=0)


def _pages(default: float) -> Any:
    text = "Multiplier of the extra timeline pages a session reads (session length)."
    return spec(default, text, source=PHONE_HABITS, ge=0)


def _full_photos(default: float) -> Any:
    text = (
        "Multiplier of `photos.open_share`: how often a photo seen is opened in full rather "
        "than left as a thumbnail (media loading)."
    )
    return spec(default, text, source=PHONE_HABITS, ge=0)


PUSH_TRAY = (
    "assumption: a phone app fetches the notifications pushed to it once as it opens, and a "
    "browser has no push channel (the platform pushes to mobile sessions only)"
)


def _push_reads(default: float) -> Any:
    text = (
        "Reads of the session's push outbox (`push_read`, GET /me/push) per session; a "
        "fraction is the chance of one more."
    )
    return spec(default, text, source=PUSH_TRAY, ge=0)


class MobileClient(Section):
    """Sessions on the phone app."""

    session_rate_factor: float = _sessions(1.2)
    pages_factor: float = _pages(0.9)
    full_photo_factor: float = _full_photos(0.8)
    push_reads_per_session: float = _push_reads(1.0)


class WebClient(Section):
    """Sessions in a browser."""

    session_rate_factor: float = _sessions(0.4)
    pages_factor: float = _pages(1.9)
    full_photo_factor: float = _full_photos(1.85)
    push_reads_per_session: float = _push_reads(0.0)


class ClientsConfig(Section):
    """Behaviour by client kind (mobile app, web)."""

    mobile: MobileClient = section(MobileClient, "The phone app's factors.")
    web: WebClient = section(WebClient, "The web's factors.")

    def factors(self, mobile: np.ndarray, name: str) -> np.ndarray:
        """One factor (a field of the client sections) per account, by its client."""
        return np.where(mobile, getattr(self.mobile, name), getattr(self.web, name))

    def mobile_session_share(self, mobile_share: float) -> float:
        """Share of sessions on the mobile app, when `mobile_share` of accounts are on it
        (each client's accounts come `session_rate_factor` times as often)."""
        mobile = mobile_share * self.mobile.session_rate_factor
        web = (1 - mobile_share) * self.web.session_rate_factor
        return mobile / (mobile + web) if mobile + web else 0.0
