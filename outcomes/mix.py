"""The request mix: each path's share of all requests, the same metric for both modes.

A simulation and a load test of one scenario are comparable path by path only when they
send the same mix; `requests.<path>.share` lets `fanout compare SIM LOADTEST` show each
path's share side by side.
"""

from __future__ import annotations

from collections.abc import Mapping

SHARE_METRIC = "requests.{path}.share"


def request_shares(requests_by_path: Mapping[str, float]) -> dict[str, tuple[float, str]]:
    """`requests.<path>.share` (value, unit) for each path with requests; empty for none."""
    total = sum(requests_by_path.values())
    if total <= 0:
        return {}
    return {
        SHARE_METRIC.format(path=path): (count / total, "ratio")
        for path, count in sorted(requests_by_path.items())
        if count > 0
    }
