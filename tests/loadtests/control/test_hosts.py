"""Load tests may only ever target this machine's loopback interface."""

from __future__ import annotations

import pytest

from loadtests.control.hosts import HostRefused, require_loopback


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000", "http://127.9.8.7", "http://[::1]:8000/", "https://localhost:1"],
)
def test_loopback_hosts_are_accepted_without_a_trailing_slash(url: str) -> None:
    assert require_loopback(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1:8000",
        "http://0.0.0.0:8000",
        "http://192.168.1.20",
        "http://example.com",
        "http://localhost.example.com",
        "http://[2001:db8::1]:80",
    ],
)
def test_any_other_host_is_refused_without_resolving_it(url: str) -> None:
    with pytest.raises(HostRefused, match="not a loopback address"):
        require_loopback(url)


@pytest.mark.parametrize("url", ["127.0.0.1:8000", "ftp://127.0.0.1", "http://"])
def test_something_that_is_not_an_http_url_is_refused(url: str) -> None:
    with pytest.raises(HostRefused, match="expected a URL"):
        require_loopback(url)
