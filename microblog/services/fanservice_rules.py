"""Small rules the fan service parts share: message text, keyword matching, lag summary."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from microblog.errors import Invalid
from microblog.fanservice_models import FanService


def check_text(text: str, longest: int, field: str = "text") -> None:
    if not text.strip():
        raise Invalid(f"{field}: text must not be empty", field=field)
    if len(text) > longest:
        raise Invalid(f"{field}: text must be at most {longest} characters, got {len(text)}",
                      field=field)  # fmt: skip


def auto_reply(service: FanService, text: str) -> str | None:
    """The reply of the first keyword the message contains (case-folded), if any: the
    account lists its keywords in the order it wants them tried."""
    folded = text.casefold()
    return next((reply for key, reply in service.auto_replies if key.casefold() in folded), None)


def lag_percentiles(lags: Sequence[float]) -> tuple[float | None, float | None]:
    """Median and 99th percentile of delivery lags (None with no finished broadcast)."""
    if not lags:
        return None, None
    if len(lags) == 1:
        return lags[0], lags[0]
    cuts = statistics.quantiles(lags, n=100, method="inclusive")
    return cuts[49], cuts[98]
