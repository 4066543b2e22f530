"""The meta table: small named values (data version, link configuration, last listing ids ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from callwatch.store.db import transaction

if TYPE_CHECKING:
    from callwatch.store.db import Database


def bump_data_version(db: Database) -> None:
    """Mark the calls as changed, so derived data (scores) knows to refresh."""
    db.conn.execute(
        "INSERT INTO meta (key, value) VALUES ('data_version', '1') ON CONFLICT(key) "
        "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )


def get_meta(db: Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(db: Database, key: str, value: str) -> None:
    with transaction(db):
        db.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [key, value])


def add_meta(db: Database, key: str, value: str) -> None:
    """Set `key` only if it has no value yet (the first writer wins)."""
    with transaction(db):
        db.conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", [key, value])


def delete_meta(db: Database, key: str) -> None:
    with transaction(db):
        db.conn.execute("DELETE FROM meta WHERE key = ?", [key])
