"""Accounts: registration, passwords, bearer tokens and profiles."""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from cachetools import LRUCache, cached

from microblog.app_models import is_app_token
from microblog.cache.tokens import open_token_cache
from microblog.certification_models import CertificationKind
from microblog.errors import Invalid, NotFound, Unauthorized
from microblog.models import Account, Profile, Role, Tier
from microblog.push_models import ClientKind
from microblog.services.certification_rules import file_application
from microblog.services.context import Context
from microblog.store.base import Tx

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_]{3,32}$")


@dataclass(frozen=True, slots=True)
class NewAccount:
    """One account of a bulk seeding request (the simulator and load-test seeding)."""

    name: str
    role: Role = Role.USER
    tier: Tier | None = None
    profile: Profile | None = None
    client: ClientKind = ClientKind.WEB
    """The client its seeded token is issued to."""


def hash_token(token: str) -> str:
    """Tokens are stored hashed, so a leaked database holds no usable credentials."""
    return hashlib.sha256(token.encode()).hexdigest()


def check_role(role: Role, tier: Tier | None) -> None:
    if (role is Role.INFLUENCER) != (tier is not None):
        raise Invalid(
            f"tier is required for influencers and only for them (role {role.value}, tier {tier})",
            field="tier",
        )


def seeded_verified(role: Role) -> bool:
    """Bulk seeding is an operator path: its influencers and merchants come certified."""
    return role in (Role.INFLUENCER, Role.MERCHANT)


def check_name(name: str) -> None:
    if not NAME_PATTERN.match(name):
        raise Invalid(f"name must be 3-32 letters, digits or '_', got {name!r}", field="name")


AppTokenAccount = Callable[[str], int]
"""Resolves a third-party app's token to the account it acts for (`Apps.account_for`)."""


def no_app_tokens(token: str) -> int:
    raise Unauthorized("invalid or expired token")


class Accounts:
    def __init__(self, ctx: Context, app_account: AppTokenAccount = no_app_tokens) -> None:
        """`app_account` answers for app tokens: they live with the apps (and are never
        cached here, so revoking one takes effect at once)."""
        self.ctx = ctx
        self.app_account = app_account
        self.hasher = PasswordHasher(
            time_cost=ctx.config.password_time_cost,
            memory_cost=ctx.config.password_memory_kib,
            parallelism=1,
        )
        self.tokens = open_token_cache(ctx.cache, ctx.config.token_cache_ttl_s)
        self._memo: LRUCache[str, int] = LRUCache(maxsize=ctx.config.token_memo_entries)
        """Token hash -> account id in this process: a token never changes account, so an
        answer stays right, and every authenticated request skips a cache or store round
        trip. It keeps no failure (a wrong token raises)."""
        self._memo_lock = threading.Lock()
        # key=str: a hash is its own key, so `remembered_account_id` can look one up.
        self._remembered = cached(self._memo, key=str, lock=self._memo_lock)(
            self._account_id_for_hash
        )

    def register(
        self,
        name: str,
        password: str,
        role: Role = Role.USER,
        tier: Tier | None = None,
        profile: Profile | None = None,
    ) -> Account:
        """Create an unverified account: registering as a merchant or influencer applies for
        that certification, which an operator grants (`microblog.services.certifications`)."""
        check_name(name)
        check_role(role, tier)
        password_hash = self.hasher.hash(password)
        now = self.ctx.clock()
        with self.ctx.store.write() as tx:
            account = tx.accounts.create(
                name, role, profile or Profile(), now, tier=tier, password_hash=password_hash
            )
            if kind := CertificationKind.declared(role, tier):
                file_application(tx, account, kind, now)
            return account

    def register_many(self, accounts: list[NewAccount]) -> list[tuple[Account, str]]:
        """Bulk seeding path: accounts without passwords, each with a fresh token."""
        for new in accounts:
            check_name(new.name)
            check_role(new.role, new.tier)
        created = []
        with self.ctx.store.write() as tx:
            for new in accounts:
                account = tx.accounts.create(
                    new.name,
                    new.role,
                    new.profile or Profile(),
                    self.ctx.clock(),
                    tier=new.tier,
                    verified=seeded_verified(new.role),
                )
                created.append((account, self._new_token(tx, account.id, new.client)))
        return created

    def login(self, name: str, password: str, client: ClientKind = ClientKind.WEB) -> str:
        """Exchange a name and password for a new bearer token of a session on `client`
        (web unless the client says: logins from before client kinds keep working)."""
        with self.ctx.store.read() as tx:
            account = tx.accounts.get_by_name(name)
            stored = tx.accounts.password_hash(account.id) if account else None
        if account is None or stored is None or not self._verify(stored, password):
            raise Unauthorized("wrong name or password")
        with self.ctx.store.write() as tx:
            return self._new_token(tx, account.id, client)

    def authenticate(self, token: str) -> Account:
        """The account a bearer token acts as (one store read once the token is known)."""
        account_id = self.account_id_for(token)
        with self.ctx.store.read() as tx:
            account = tx.accounts.get(account_id)
        assert account is not None, "a token's account exists (foreign key)"
        return account

    def account_id_for(self, token: str) -> int:
        """Only the id of the account a bearer token acts as: a hot read path (the home
        timeline) needs no more, and after a first-party token's first request in this
        process it costs no round trip at all (an app's token is checked every time: its
        grant can be withdrawn)."""
        if is_app_token(token):
            return self.app_account(token)
        return self._remembered(hash_token(token))

    def remembered_account_id(self, token: str) -> int | None:
        """The account of a first-party token this process has already answered for, else
        None; never a round trip, so a coroutine may ask (the async home read)."""
        if is_app_token(token):
            return None
        with self._memo_lock:
            return self._memo.get(hash_token(token))

    def _account_id_for_hash(self, token_hash: str) -> int:
        """The shared cache tier's answer, else the store's (which then fills the tier)."""
        account_id = self.tokens.get(token_hash)
        if account_id is not None:
            return account_id
        with self.ctx.store.read() as tx:
            account_id = tx.accounts.account_for_token(token_hash)
        if account_id is None:
            raise Unauthorized("invalid or expired token")
        self.tokens.put(token_hash, account_id)
        return account_id

    def get(self, account_id: int) -> Account:
        with self.ctx.store.read() as tx:
            account = tx.accounts.get(account_id)
        if account is None:
            raise NotFound(f"no account {account_id}")
        return account

    def get_by_name(self, name: str) -> Account:
        with self.ctx.store.read() as tx:
            account = tx.accounts.get_by_name(name)
        if account is None:
            raise NotFound(f"no account named {name!r}")
        return account

    def get_many(self, account_ids: list[int]) -> dict[int, Account]:
        with self.ctx.store.read() as tx:
            return tx.accounts.get_many(sorted(set(account_ids)))

    def update_profile(self, actor_id: int, profile: Profile) -> Account:
        with self.ctx.store.write() as tx:
            tx.accounts.update_profile(actor_id, profile)
            account = tx.accounts.get(actor_id)
        assert account is not None
        return account

    def _verify(self, stored: str, password: str) -> bool:
        try:
            return self.hasher.verify(stored, password)
        except VerificationError:
            return False

    def _new_token(self, tx: Tx, account_id: int, client: ClientKind) -> str:
        token = secrets.token_urlsafe(32)
        tx.accounts.add_token(hash_token(token), account_id, self.ctx.clock(), client)
        return token
