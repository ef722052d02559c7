"""Which hosts a load test may target: this machine, or another only when explicitly allowed.

Load tests send thousands of requests a second. Pointed at the wrong address they are an
attack, so the check runs before any traffic: a host that is not a loopback address literal
(127.0.0.0/8, ::1) or the name `localhost` is refused unless the command says
`--allow-remote`, the operator's statement that the deployment is theirs to load. No DNS
lookup is made: a name that merely resolves to a loopback address today may not tomorrow,
so every other name counts as remote.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost"})
SCHEMES = frozenset({"http", "https"})


class HostRefused(ValueError):
    """The target host is not one this load test may send to (bad input: exit 2)."""


def checked_host(url: str, allow_remote: bool = False) -> str:
    """The URL without a trailing slash if it may be loaded; raises HostRefused otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise HostRefused(f"--host {url!r}: expected a URL like http://127.0.0.1:8000")
    if not allow_remote and not is_loopback(parts.hostname):
        raise HostRefused(
            f"--host {url!r}: refused, {parts.hostname!r} is not a loopback address (127.0.0.0/8, "
            "::1 or localhost); to load a deployment on another host that you are allowed to "
            "load, add --allow-remote"
        )
    return url.rstrip("/")


def is_loopback(hostname: str) -> bool:
    """True for `localhost` and loopback IP literals; every other name is remote, unresolved."""
    if hostname.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def checked_service(url: str, what: str, allow_remote: bool = False) -> str:
    """A store or cache URL the started server may use: on this machine unless allowed.

    The server under test puts the whole test's load on its database and cache, so they
    fall under the same rule as `--host`. URLs without a network host (embedded SQLite,
    the in-process cache) always pass.
    """
    hostname = urlsplit(url).hostname
    if hostname and not allow_remote and not is_loopback(hostname):
        raise HostRefused(
            f"{what} {url!r}: refused, {hostname!r} is not a loopback address (127.0.0.0/8, "
            "::1 or localhost); to put the test's load on a server on another host that you "
            "are allowed to load, add --allow-remote"
        )
    return url
