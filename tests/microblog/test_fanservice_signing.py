"""`verify_signature`, as an app uses it: a genuine callback passes once; a tampered body, a
wrong secret, a stale timestamp, a reused nonce or a missing header is refused."""

import pytest

from microblog.fanservice_signing import (
    NONCE_HEADER,
    TIMESTAMP_HEADER,
    ReplayGuard,
    SignatureError,
    signed_headers,
    verify_signature,
)

SECRET = "a-secret-of-the-app"
BODY = b'{"text": "hello"}'
NOW = 1_700_000_000.0


def test_a_genuine_request_passes_once_and_its_replay_is_refused() -> None:
    guard = ReplayGuard(max_age_s=300)
    headers = signed_headers(SECRET, BODY, NOW)
    verify_signature(SECRET, BODY, headers, guard, now=NOW + 1)
    with pytest.raises(SignatureError, match="replay"):
        verify_signature(SECRET, BODY, headers, guard, now=NOW + 2)


@pytest.mark.parametrize(
    ("secret", "body", "why"),
    [(SECRET, b'{"text": "hellO"}', "tampered"), ("another-secret", BODY, "wrong secret")],
)
def test_a_tampered_body_or_wrong_secret_is_refused(secret: str, body: bytes, why: str) -> None:
    headers = signed_headers(SECRET, BODY, NOW)
    with pytest.raises(SignatureError, match="does not match"):
        verify_signature(secret, body, headers, ReplayGuard(300), now=NOW)


def test_a_stale_timestamp_is_refused_even_when_signed() -> None:
    headers = signed_headers(SECRET, BODY, NOW - 301)
    with pytest.raises(SignatureError, match="over 300"):
        verify_signature(SECRET, BODY, headers, ReplayGuard(300), now=NOW)
    verify_signature(SECRET, BODY, signed_headers(SECRET, BODY, NOW - 299), ReplayGuard(300), NOW)


def test_a_forged_request_does_not_spend_a_genuine_nonce() -> None:
    guard = ReplayGuard(300)
    headers = signed_headers(SECRET, BODY, NOW)
    with pytest.raises(SignatureError, match="does not match"):
        verify_signature(SECRET, b"forged", headers, guard, now=NOW)
    verify_signature(SECRET, BODY, headers, guard, now=NOW)


def test_headers_are_read_case_insensitively_and_a_missing_one_is_named() -> None:
    headers = {k.upper(): v for k, v in signed_headers(SECRET, BODY, NOW).items()}
    verify_signature(SECRET, BODY, headers, ReplayGuard(300), now=NOW)
    del headers[NONCE_HEADER.upper()]
    with pytest.raises(SignatureError, match=NONCE_HEADER):
        verify_signature(SECRET, BODY, headers, ReplayGuard(300), now=NOW)
    headers = signed_headers(SECRET, BODY, NOW) | {TIMESTAMP_HEADER: "soon"}
    with pytest.raises(SignatureError):
        verify_signature(SECRET, BODY, headers, ReplayGuard(300), now=NOW)
