"""OAuth 2.0 for third-party apps, by oauthlib: authorization code with PKCE, client
credentials, refresh tokens and revocation (RFC 6749, 7636, 7009).

oauthlib implements the protocol; `StoreValidator` answers its questions from the store
(is this client, redirect URI, scope, code or refresh token valid) and keeps what it
issues: codes and tokens only as hashes. PKCE is required of every authorization-code
request, so a public client (no secret) is safe and a confidential one is safer.
Client-credentials tokens act as the app's developer with the read scope only.

oauthlib refuses plain-HTTP URIs; the endpoint URI handed to it is only parsed for its
query, and TLS is a deployment's front proxy's job, so the API hands it an https URI.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from oauthlib.common import Request
from oauthlib.oauth2 import FatalClientError, OAuth2Error, RequestValidator, Server

from microblog.app_models import APP_TOKEN_PREFIX, App, AppToken, AuthCode, Scope
from microblog.services.accounts import hash_token
from microblog.services.context import Context

REFRESH_PREFIX = "appr_"
GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials")
JSON = {"Content-Type": "application/json"}
APP_ONLY_SCOPES = {Scope.READ}
"""What a client-credentials token may do: read, as its developer."""


@dataclass(frozen=True, slots=True)
class OAuthResponse:
    """oauthlib's answer for the HTTP layer to send as it is."""

    headers: dict[str, str]
    body: str
    status: int


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return None
    try:
        client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return client_id, secret


class StoreValidator(RequestValidator):  # type: ignore[misc]
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def _app(self, client_id: str | None) -> App | None:
        """A live app that takes OAuth grants: a catalogue game's app (no developer account,
        sold through `/games`) never does."""
        if not client_id:
            return None
        with self.ctx.store.read() as tx:
            app = tx.apps.get(client_id)
        live = app is not None and not app.revoked and app.developer_id is not None
        return app if live else None

    # Clients

    def client_authentication_required(self, request: Request, *args: Any, **kwargs: Any) -> bool:
        """Confidential clients (a secret sent) authenticate; public ones rely on PKCE."""
        return bool(request.client_secret) or _basic_credentials(request) is not None

    def authenticate_client(self, request: Request, *args: Any, **kwargs: Any) -> bool:
        client_id, secret = _basic_credentials(request) or (
            request.client_id,
            request.client_secret,
        )
        with self.ctx.store.read() as tx:
            stored = tx.apps.secret_hash(client_id) if client_id else None
        app = self._app(client_id)
        if app is None or stored is None or not secret:
            return False
        if not secrets.compare_digest(stored, hash_token(secret)):
            return False
        request.client, request.client_id = app, app.client_id
        return True

    def authenticate_client_id(
        self, client_id: str, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        app = self._app(client_id)
        request.client = app
        return app is not None

    def validate_client_id(
        self, client_id: str, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        return self._app(client_id) is not None

    def validate_grant_type(
        self, client_id: str, grant_type: str, client: App, request: Request, *args: Any,
        **kwargs: Any,
    ) -> bool:  # fmt: skip
        return grant_type in GRANT_TYPES

    def validate_response_type(
        self, client_id: str, response_type: str, client: App, request: Request, *args: Any,
        **kwargs: Any,
    ) -> bool:  # fmt: skip
        return response_type == "code"

    # Redirects and scopes

    def validate_redirect_uri(
        self, client_id: str, redirect_uri: str, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        app = self._app(client_id)
        return app is not None and redirect_uri in app.redirect_uris

    def get_default_redirect_uri(
        self, client_id: str, request: Request, *args: Any, **kwargs: Any
    ) -> str | None:
        app = self._app(client_id)
        return app.redirect_uris[0] if app else None

    def get_default_scopes(
        self, client_id: str, request: Request, *args: Any, **kwargs: Any
    ) -> list[str]:
        app = self._app(client_id)
        return [s.value for s in app.scopes] if app else []

    def validate_scopes(
        self, client_id: str, scopes: list[str], client: App, request: Request, *args: Any,
        **kwargs: Any,
    ) -> bool:  # fmt: skip
        app = self._app(client_id)
        if app is None:
            return False
        allowed = {s.value for s in app.scopes}
        if request.grant_type == "client_credentials":
            allowed &= {s.value for s in APP_ONLY_SCOPES}
        return set(scopes) <= allowed

    # Authorization codes

    def is_pkce_required(self, client_id: str, request: Request) -> bool:
        return True

    def save_authorization_code(
        self, client_id: str, code: Mapping[str, str], request: Request, *args: Any,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        app = self._app(client_id)
        assert app is not None, "oauthlib validated the client first"
        stored = AuthCode(
            hash_token(code["code"]), client_id, request.user,
            request.redirect_uri or app.redirect_uris[0], [Scope(s) for s in request.scopes],
            request.code_challenge, request.code_challenge_method or "plain",
            self.ctx.clock() + self.ctx.config.apps.code_ttl_s,
        )  # fmt: skip
        with self.ctx.store.write() as tx:
            tx.apps.add_code(stored)

    def validate_code(
        self, client_id: str, code: str, client: App, request: Request, *args: Any,
        **kwargs: Any,
    ) -> bool:  # fmt: skip
        """Redeem the code at once (single use, even when two requests race for it)."""
        with self.ctx.store.write() as tx:
            found = tx.apps.take_code(hash_token(code))
        if found is None or found.client_id != client_id or found.expires_at <= self.ctx.clock():
            return False
        request.fanout_code = found
        request.user = found.account_id
        request.scopes = [s.value for s in found.scopes]
        return True

    def get_code_challenge(self, code: str, request: Request) -> str | None:
        found: AuthCode | None = getattr(request, "fanout_code", None)
        return found.code_challenge if found else None

    def get_code_challenge_method(self, code: str, request: Request) -> str | None:
        found: AuthCode | None = getattr(request, "fanout_code", None)
        return found.challenge_method if found else None

    def confirm_redirect_uri(
        self, client_id: str, code: str, redirect_uri: str | None, client: App,
        request: Request, *args: Any, **kwargs: Any,
    ) -> bool:  # fmt: skip
        found: AuthCode | None = getattr(request, "fanout_code", None)
        return found is not None and redirect_uri in (None, found.redirect_uri)

    def invalidate_authorization_code(
        self, client_id: str, code: str, request: Request, *args: Any, **kwargs: Any
    ) -> None:
        """Nothing left to do: `validate_code` took the code."""

    # Tokens

    def save_bearer_token(
        self, token: Mapping[str, Any], request: Request, *args: Any, **kwargs: Any
    ) -> None:
        app: App = request.client
        assert app.developer_id is not None, "`_app` admits only apps with a developer"
        user_grant = request.grant_type != "client_credentials"
        refresh = token.get("refresh_token")
        issued = AppToken(
            hash_token(token["access_token"]), hash_token(refresh) if refresh else None,
            app.client_id, request.user if user_grant else app.developer_id, user_grant,
            [Scope(s) for s in token.get("scope", "").split()],
            self.ctx.clock() + int(token["expires_in"]), self.ctx.clock(),
        )  # fmt: skip
        with self.ctx.store.write() as tx:
            if request.grant_type == "refresh_token":
                old = tx.apps.token_by_refresh(hash_token(request.refresh_token))
                if old is not None:
                    tx.apps.delete_token(old.access_hash)
            tx.apps.add_token(issued)

    def validate_refresh_token(
        self, refresh_token: str, client: App, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        with self.ctx.store.read() as tx:
            found = tx.apps.token_by_refresh(hash_token(refresh_token))
        if found is None or found.client_id != client.client_id:
            return False
        request.user = found.account_id
        return True

    def get_original_scopes(
        self, refresh_token: str, request: Request, *args: Any, **kwargs: Any
    ) -> list[str]:
        with self.ctx.store.read() as tx:
            found = tx.apps.token_by_refresh(hash_token(refresh_token))
        return [s.value for s in found.scopes] if found else []

    def revoke_token(
        self, token: str, token_type_hint: str | None, request: Request, *args: Any,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        """RFC 7009: revoking a token the client does not own (or an unknown one) is quietly
        nothing."""
        digest = hash_token(token)
        with self.ctx.store.write() as tx:
            found = tx.apps.token(digest) or tx.apps.token_by_refresh(digest)
            if found is not None and found.client_id == request.client.client_id:
                tx.apps.delete_token(found.access_hash)


class OAuth:
    """The authorization server: oauthlib's endpoints over the store."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.validator = StoreValidator(ctx)
        self.server = Server(
            self.validator,
            token_expires_in=ctx.config.apps.access_token_ttl_s,
            token_generator=lambda _request: APP_TOKEN_PREFIX + secrets.token_urlsafe(32),
            refresh_token_generator=lambda _request: REFRESH_PREFIX + secrets.token_urlsafe(32),
        )

    def authorize(self, uri: str, account_id: int) -> OAuthResponse:
        """The user's consent to the request in `uri`: a redirect carrying the code, or the
        error (a redirect when the redirect URI is trusted, else 400)."""
        try:
            scopes, credentials = self.server.validate_authorization_request(uri, "POST")
        except FatalClientError as error:  # no trusted redirect URI to send the error to
            return OAuthResponse(JSON, error.json, error.status_code)
        except OAuth2Error as error:
            return OAuthResponse({"Location": error.in_uri(error.redirect_uri)}, "", 302)
        credentials["user"] = account_id
        return OAuthResponse(
            *self.server.create_authorization_response(
                uri, "POST", scopes=scopes, credentials=credentials
            )
        )

    def token(self, uri: str, body: str, headers: dict[str, str]) -> OAuthResponse:
        return OAuthResponse(*self.server.create_token_response(uri, "POST", body, headers))

    def revoke(self, uri: str, body: str, headers: dict[str, str]) -> OAuthResponse:
        return OAuthResponse(*self.server.create_revocation_response(uri, "POST", body, headers))
