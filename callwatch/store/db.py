"""The connection: opening (and migrating) a database, and all-or-nothing transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from callwatch.errors import StoreError


class Database:
    """The connection and the one method callwatch calls on it (execute), shaped like
    sqlite_utils.Database. Its richer API is built on first use only, so a read command does
    not pay the ~0.18 s import of sqlite_utils."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        if parameters is not None:
            return self.conn.execute(sql, parameters)
        return self.conn.execute(sql)

    def _full(self) -> Any:
        if "_sqlite_utils" not in self.__dict__:
            import sqlite_utils

            self.__dict__["_sqlite_utils"] = sqlite_utils.Database(self.conn)
        return self.__dict__["_sqlite_utils"]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._full(), name)

    def __getitem__(self, table: str) -> Any:
        return self._full()[table]


def open_db(path: str | Path, *, readonly: bool = False, create: bool = True) -> Database:
    """Open and migrate a callwatch database; create it (and its folder) only when `create`.
    Errors are one line. A database the user may not write (or `readonly`) is opened read-only
    (SQLite mode=ro) and can still be read; `db.readonly` tells callers not to write."""
    import os
    from urllib.parse import quote

    from callwatch.migrations import SCHEMA_VERSION, migrate

    p = Path(path)
    try:
        if not p.exists() and (readonly or not create):
            raise StoreError(
                f"{p}: no such database; check --db / CALLWATCH_DB, or run `callwatch fetch` "
                "or `callwatch import` first"
            )
        if p.exists() and not p.is_file():
            raise StoreError(f"{p}: not a database file")
        ro = readonly or (
            p.exists() and not (os.access(p, os.W_OK) and os.access(p.parent, os.W_OK))
        )
        if ro:
            uri = f"file:{quote(str(p.resolve()))}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:  # WAL without -shm in a folder we cannot write
                conn.close()
                conn = sqlite3.connect(
                    uri + "&immutable=1", uri=True, timeout=30, isolation_level=None
                )
        else:
            p.parent.mkdir(parents=True, exist_ok=True)
            # autocommit mode; transaction() below opens explicit BEGIN IMMEDIATE blocks
            conn = sqlite3.connect(str(p), timeout=30, isolation_level=None)
        conn.execute("PRAGMA busy_timeout = 30000")
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal" and not ro:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        db = Database(conn)
        db.readonly = ro  # type: ignore[attr-defined]
        if ro:
            current = db.execute("PRAGMA user_version").fetchone()[0]
            if current < SCHEMA_VERSION:
                raise StoreError(
                    f"{p}: read-only, and its schema (version {current}) needs an upgrade to "
                    f"{SCHEMA_VERSION}; open it once with write access"
                )
            if current > SCHEMA_VERSION:
                migrate(db)  # the one-line "newer than this callwatch" error
        else:
            migrate(db)
        return db
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{p}: cannot use this database ({e})") from None
    except OSError as e:
        raise StoreError(f"{p}: {e.strerror or e}") from None


@contextmanager
def transaction(db: Database) -> Iterator[None]:
    """All-or-nothing write: a failure leaves the database as it was.

    BEGIN IMMEDIATE takes the write lock up front, so two writers queue on busy_timeout instead
    of failing half-way."""
    conn = db.conn
    if conn.in_transaction:
        yield
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as e:
        raise StoreError(f"database is busy or read-only: {e}") from None
    try:
        yield
    except sqlite3.OperationalError as e:
        conn.execute("ROLLBACK")
        if "readonly" in str(e) or "read-only" in str(e):
            raise StoreError(f"database is read-only: {e}") from None
        raise
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.OperationalError as e:
        raise StoreError(f"database write failed: {e}") from None


@contextmanager
def short_wait(db: Database, ms: int) -> Iterator[None]:
    """Inside the block, wait at most `ms` for another writer's lock (for a convenience write
    that must never hold up a listing behind a running fetch); then the usual timeout again."""
    timeout = db.execute("PRAGMA busy_timeout").fetchone()[0]
    db.execute(f"PRAGMA busy_timeout = {int(ms)}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(timeout)}")
