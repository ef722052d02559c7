"""Which hosts a load test may target: this machine's loopback interface, nothing else.

Load tests send thousands of requests a second. Pointed at the wrong address they are an
attack, so the check runs before any traffic and refuses every host that is not a
loopback address literal (127.0.0.0/8, ::1) or the name `localhost`. No DNS lookup is made:
a name that merely resolves to a loopback address today may not tomorrow.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost"})
SCHEMES = frozenset({"http", "https"})


class HostRefused(ValueError):
    """The target host is not on this machine's loopback interface (bad input: exit 2)."""


def require_loopback(url: str) -> str:
    """Return the URL without a trailing slash if it names a loopback host; else raise."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise HostRefused(f"--host {url!r}: expected a URL like http://127.0.0.1:8000")
    if not is_loopback(parts.hostname):
        raise HostRefused(
            f"--host {url!r}: refused, {parts.hostname!r} is not a loopback address; load "
            "tests may only target this machine (127.0.0.0/8, ::1 or localhost)"
        )
    return url.rstrip("/")


def is_loopback(hostname: str) -> bool:
    """True for `localhost` and loopback IP literals; every other name is refused unresolved."""
    if hostname.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False
