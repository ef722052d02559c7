"""Load tests target this machine's loopback interface, and another host only when allowed."""

from __future__ import annotations

import pytest

from loadtests.control.hosts import HostRefused, checked_host

REMOTE = [
    "http://10.0.0.1:8000",
    "http://0.0.0.0:8000",
    "http://192.168.1.20",
    "http://example.com",
    "http://localhost.example.com",
    "http://[2001:db8::1]:80",
]


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000", "http://127.9.8.7", "http://[::1]:8000/", "https://localhost:1"],
)
def test_loopback_hosts_are_accepted_without_a_trailing_slash(url: str) -> None:
    assert checked_host(url) == url.rstrip("/")


@pytest.mark.parametrize("url", REMOTE)
def test_any_other_host_is_refused_without_resolving_it_naming_the_flag(url: str) -> None:
    with pytest.raises(HostRefused, match="not a loopback address.*add --allow-remote"):
        checked_host(url)


@pytest.mark.parametrize("url", REMOTE)
def test_another_host_is_accepted_when_remote_hosts_are_allowed(url: str) -> None:
    assert checked_host(f"{url}/", allow_remote=True) == url


@pytest.mark.parametrize("url", ["127.0.0.1:8000", "ftp://127.0.0.1", "http://"])
def test_something_that_is_not_an_http_url_is_refused_even_when_remote_is_allowed(
    url: str,
) -> None:
    for allow_remote in (False, True):
        with pytest.raises(HostRefused, match="expected a URL"):
            checked_host(url, allow_remote)
