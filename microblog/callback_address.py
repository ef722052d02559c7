"""Where a developer-mode callback may be sent: public addresses only, unless allowed.

A callback URL is chosen by whoever runs a fan service, and the platform POSTs to it from
inside its own network, so an unchecked URL lets any certified account make the platform
call its databases, its cache or a cloud metadata service (server-side request forgery).
A URL is refused when its host resolves to a private, loopback, link-local, multicast,
reserved or unspecified address (the stdlib `ipaddress` module decides which), unless
the operator allows private callbacks (`fanservice.allow_private_callbacks`: tests and a
developer's laptop send them to loopback apps).

The check runs when the URL is bound and again before every attempt. The attempt is then
sent to the very address that was checked (the URL's host replaced by it, the original
host kept in `Host` and, for https, in TLS's server name), so a name that resolves to a
public address at the check and to a private one at the connection (DNS rebinding) gets
nowhere.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

SCHEMES = ("http", "https")


class RefusedCallback(ValueError):
    """A callback URL the platform will not send to, and why."""


class UnresolvedCallback(RefusedCallback):
    """A callback URL whose host does not resolve: refused when bound, but only a failed
    attempt (retried) when sending, since a name server may fail for a while."""


@dataclass(frozen=True)
class CallbackTarget:
    """A checked callback: the URL to connect to (its host a checked address) and what
    the request must say of the host it was meant for."""

    url: httpx.URL
    host_header: str
    sni_hostname: str | None
    """The name TLS must present and verify (https only)."""


def forbidden_kind(address: IPAddress) -> str | None:
    """Why a callback may not go to `address` without the operator's leave (None: public)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    kinds = {
        "loopback": address.is_loopback,
        "link-local": address.is_link_local,
        "multicast": address.is_multicast,
        "unspecified": address.is_unspecified,
        "reserved": address.is_reserved,
        "private": address.is_private,
    }
    return next((kind for kind, matches in kinds.items() if matches), None)


def resolve_callback(url: str, allow_private: bool) -> CallbackTarget:
    """The address to send `url`'s callback to; RefusedCallback naming the address when
    the URL is not http(s), its host does not resolve, or any of its addresses is one
    callbacks may not reach."""
    parsed = httpx.URL(url)
    if parsed.scheme not in SCHEMES or not parsed.host:
        raise RefusedCallback(f"{url!r} is not an http(s) URL with a host")
    addresses = _addresses(parsed)
    if not allow_private:
        for address in addresses:
            if kind := forbidden_kind(address):
                raise RefusedCallback(
                    f"{parsed.host} resolves to {address}, a {kind} address: callbacks go to "
                    "public addresses only (the operator may set "
                    "fanservice.allow_private_callbacks)"
                )
    sni = parsed.host if parsed.scheme == "https" else None
    return CallbackTarget(
        parsed.copy_with(host=str(addresses[0])), parsed.netloc.decode("ascii"), sni
    )


def _addresses(url: httpx.URL) -> list[IPAddress]:
    """Every address the URL's host has now, in the resolver's order of preference."""
    try:
        infos = socket.getaddrinfo(url.host, url.port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise UnresolvedCallback(f"{url.host} does not resolve ({error.strerror})") from None
    # An IPv6 scope ("fe80::1%eth0") is not part of the address ipaddress parses.
    return [ipaddress.ip_address(str(info[4][0]).partition("%")[0]) for info in infos]
