"""Reading stored calls: listings with filters and full-text search, one call, its history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from callwatch.errors import NotFoundError

if TYPE_CHECKING:
    import sqlite_utils

from callwatch.store.crawl import row_to_dict


def _calls_where(
    db: sqlite_utils.Database,
    sources: list[str] | None,
    statuses: list[str] | None,
    search: str | None,
    include_duplicates: bool,
) -> tuple[str, list]:
    where: list[str] = []
    params: list = []
    if not include_duplicates and not sources:
        where.append("duplicate_of IS NULL")  # a call listed by several funders counts once
    if sources:
        where.append(f"source IN ({', '.join('?' * len(sources))})")
        params += sources
    if statuses:
        where.append(f"status IN ({', '.join('?' * len(statuses))})")
        params += statuses
    if search:
        query = fts_query(search) if has_search_index(db) else None
        if query:
            where.append("rowid IN (SELECT rowid FROM calls_fts WHERE calls_fts MATCH ?)")
            params.append(query)
        else:
            where.append("(title LIKE ? OR summary LIKE ? OR description LIKE ? OR id LIKE ?)")
            params += [f"%{search}%"] * 4
    return (" WHERE " + " AND ".join(where)) if where else "", params


def has_search_index(db: sqlite_utils.Database) -> bool:
    return bool(
        db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'calls_fts'"
        ).fetchone()
    )


def fts_query(text: str) -> str | None:
    """Every word of the search as a prefix ("klimat" finds "klimatanpassning"), all required;
    None when the text has no words (the LIKE fallback then takes it literally). At most 16
    words of at most 64 characters: the search text is user input."""
    import re

    words = [w[:64] for w in re.findall(r"\w+", text)][:16]
    return " ".join(f'"{w}"*' for w in words) if words else None


def query_calls(
    db: sqlite_utils.Database,
    *,
    sources: list[str] | None = None,
    statuses: list[str] | None = None,
    search: str | None = None,
    include_duplicates: bool = False,
    limit: int | None = None,
) -> list[dict]:
    """Stored calls, soonest deadline first; `search` uses the full-text index where there is
    one. With `limit`, only that many rows are read (count_calls() gives the total)."""
    where, params = _calls_where(db, sources, statuses, search, include_duplicates)
    sql = "SELECT * FROM calls" + where + " ORDER BY next_deadline IS NULL, next_deadline, id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    cur = db.execute(sql, params)
    cols = [c[0] for c in cur.description]
    return [row_to_dict(dict(zip(cols, r, strict=True))) for r in cur.fetchall()]


def resolve_id(db: sqlite_utils.Database, call_id: str) -> str:
    """The stored id for an id a user typed: an imported call may be named without its
    "import:" prefix (the id it had before imports got their own id space)."""
    if not db.execute("SELECT 1 FROM calls WHERE id = ?", [call_id]).fetchone():
        alias = "import:" + call_id
        if db.execute("SELECT 1 FROM calls WHERE id = ?", [alias]).fetchone():
            return alias
    return call_id


def count_calls(
    db: sqlite_utils.Database,
    *,
    sources: list[str] | None = None,
    statuses: list[str] | None = None,
    search: str | None = None,
    include_duplicates: bool = False,
) -> int:
    where, params = _calls_where(db, sources, statuses, search, include_duplicates)
    return int(db.execute("SELECT count(*) FROM calls" + where, params).fetchone()[0])


def get_call(db: sqlite_utils.Database, call_id: str) -> dict:
    cur = db.execute("SELECT * FROM calls WHERE id = ?", [resolve_id(db, call_id)])
    r = cur.fetchone()
    if r is None:
        raise NotFoundError(f"no call with id {call_id!r} (see `callwatch calls`)")
    return row_to_dict(dict(zip([c[0] for c in cur.description], r, strict=True)))


def call_history(db: sqlite_utils.Database, call_id: str) -> list[dict]:
    cur = db.execute(
        "SELECT changed_at, field, old, new, run_id FROM call_history WHERE call_id = ? "
        "ORDER BY id",
        [call_id],
    )
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def call_count(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT count(*) FROM calls").fetchone()[0])
