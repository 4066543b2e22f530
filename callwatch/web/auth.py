"""Accounts and sessions for `callwatch serve`.

Passwords are hashed with argon2 (argon2-cffi) and never stored, logged or echoed in clear. A
session is a cookie signed with itsdangerous (HttpOnly, SameSite=Lax, Secure when the request
came over HTTPS) that holds only the user name, a CSRF token and the language; the user is looked
up on every request, so removing an account ends its sessions at once. This module owns the
`users` table (created by migration `_m010_users` in migrations.py).
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, URLSafeTimedSerializer

from callwatch import clock, store
from callwatch.errors import CallwatchError, NotFoundError

if TYPE_CHECKING:
    from callwatch.store.db import Database

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # argon2 hashes any length; a cap keeps one request from costing much
SESSION_COOKIE = "callwatch_session"
SESSION_MAX_AGE = 12 * 3600  # a working day; then sign in again
_hasher = PasswordHasher()
# verified against when the user name is unknown, so a wrong name costs as much as a wrong password
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass
class User:
    name: str
    kommun: str
    created: str
    last_login: str | None = None


def check_name(name: str) -> str:
    folded = (name or "").strip().lower()
    if not NAME_RE.match(folded):
        raise CallwatchError(
            f"invalid user name {name!r}: use 1-64 letters a-z, digits, '.', '_', '@' or '-'"
        )
    return folded


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise CallwatchError(f"password too short: use at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise CallwatchError(f"password too long: at most {MAX_PASSWORD} characters")
    return password


def add_user(db: Database, name: str, kommun: str, password: str) -> User:
    """Create an account, or replace the password and municipality of an existing one."""
    name = check_name(name)
    digest = _hasher.hash(check_password(password))
    now = clock.now().isoformat(timespec="seconds")
    with store.transaction(db):
        db.conn.execute(
            "INSERT INTO users (name, kommun, password_hash, created) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET kommun = excluded.kommun, "
            "password_hash = excluded.password_hash",
            [name, kommun, digest, now],
        )
    return get_user(db, name) or User(name, kommun, now)


def get_user(db: Database, name: str) -> User | None:
    row = db.execute(
        "SELECT name, kommun, created, last_login FROM users WHERE name = ?", [name]
    ).fetchone()
    return User(*row) if row else None


def list_users(db: Database) -> list[User]:
    return [
        User(*r)
        for r in db.execute("SELECT name, kommun, created, last_login FROM users ORDER BY name")
    ]


def remove_user(db: Database, name: str) -> None:
    """Delete an account; its decisions stay (they are the municipality's, signed with the name)."""
    folded = (name or "").strip().lower()
    with store.transaction(db):
        cur = db.conn.execute("DELETE FROM users WHERE name = ?", [folded])
    if cur.rowcount == 0:
        raise NotFoundError(f"no user {name!r} (see `callwatch users list`)")


def verify(db: Database, name: str, password: str) -> User | None:
    """The user if the password matches, else None; costs the same for unknown names."""
    folded = (name or "").strip().lower()
    row = db.execute("SELECT password_hash FROM users WHERE name = ?", [folded]).fetchone()
    digest = row[0] if row else _DUMMY_HASH
    try:
        _hasher.verify(digest, password[:MAX_PASSWORD])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    with store.transaction(db):
        if _hasher.check_needs_rehash(digest):
            db.conn.execute(
                "UPDATE users SET password_hash = ? WHERE name = ?",
                [_hasher.hash(password[:MAX_PASSWORD]), folded],
            )
        db.conn.execute(
            "UPDATE users SET last_login = ? WHERE name = ?",
            [clock.now().isoformat(timespec="seconds"), folded],
        )
    return get_user(db, folded)


def secret_key(db: Database, configured: str | None) -> str:
    """The key that signs session cookies: CALLWATCH_SECRET_KEY if set, else one generated on
    first start and kept in the database, so restarts and several workers share it."""
    if configured:
        return configured
    key = store.get_meta(db, "web_secret_key")
    if not key:
        key = secrets.token_urlsafe(32)
        store.add_meta(db, "web_secret_key", key)
        key = store.get_meta(db, "web_secret_key") or key
    return key


class Sessions:
    """Signed session cookies: {"u": user name or None, "csrf": token, "lang": "sv"|"en"}."""

    def __init__(self, key: str, max_age: int = SESSION_MAX_AGE) -> None:
        self.serializer = URLSafeTimedSerializer(key, salt="callwatch-session")
        self.max_age = max_age

    def load(self, cookie: str | None) -> dict:
        if cookie and len(cookie) < 4096:
            try:
                data = self.serializer.loads(cookie, max_age=self.max_age)
            except BadSignature:
                data = None
            if isinstance(data, dict) and isinstance(data.get("csrf"), str):
                return data
        return {"u": None, "csrf": secrets.token_urlsafe(32), "new": True}

    def dump(self, data: dict) -> str:
        return self.serializer.dumps({k: v for k, v in data.items() if k != "new"})


def csrf_ok(session: dict, token: object) -> bool:
    expected = session.get("csrf")
    return (
        isinstance(token, str)
        and isinstance(expected, str)
        and not session.get("new")
        and secrets.compare_digest(token, expected)
    )


class LoginThrottle:
    """Failed logins are answered ever more slowly (per client address and per user name):
    base x 2^(failures-1) seconds, at most `cap`, forgotten after `window` seconds."""

    def __init__(self, base: float = 0.5, cap: float = 8.0, window: float = 900.0) -> None:
        self.base, self.cap, self.window = base, cap, window
        self.failures: dict[str, tuple[int, float]] = {}

    def _count(self, key: str) -> int:
        n, last = self.failures.get(key, (0, 0.0))
        return n if time.monotonic() - last < self.window else 0

    def delay(self, *keys: str) -> float:
        n = max((self._count(k) for k in keys), default=0)
        return min(self.base * 2 ** (n - 1), self.cap) if n else 0.0

    def failed(self, *keys: str) -> None:
        if len(self.failures) > 10000:  # bounded memory under a flood of names
            self.failures.clear()
        for k in keys:
            self.failures[k] = (self._count(k) + 1, time.monotonic())

    def succeeded(self, *keys: str) -> None:
        for k in keys:
            self.failures.pop(k, None)
