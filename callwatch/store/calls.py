"""Reading stored calls: listings with filters and full-text search, one call, its history;
and the links between calls (duplicate_of, series) that linking.py decides and writes here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from callwatch.errors import NotFoundError
from callwatch.store.crawl import row_to_dict

if TYPE_CHECKING:
    from callwatch.store.db import Database


def _calls_where(
    db: Database,
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


def has_search_index(db: Database) -> bool:
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
    db: Database,
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


def resolve_id(db: Database, call_id: str) -> str:
    """The stored id for an id a user typed: an imported call may be named without its
    "import:" prefix (the id it had before imports got their own id space)."""
    if not db.execute("SELECT 1 FROM calls WHERE id = ?", [call_id]).fetchone():
        alias = "import:" + call_id
        if db.execute("SELECT 1 FROM calls WHERE id = ?", [alias]).fetchone():
            return alias
    return call_id


def count_calls(
    db: Database,
    *,
    sources: list[str] | None = None,
    statuses: list[str] | None = None,
    search: str | None = None,
    include_duplicates: bool = False,
) -> int:
    where, params = _calls_where(db, sources, statuses, search, include_duplicates)
    return int(db.execute("SELECT count(*) FROM calls" + where, params).fetchone()[0])


def get_call(db: Database, call_id: str) -> dict:
    cur = db.execute("SELECT * FROM calls WHERE id = ?", [resolve_id(db, call_id)])
    r = cur.fetchone()
    if r is None:
        raise NotFoundError(f"no call with id {call_id!r} (see `callwatch calls`)")
    return row_to_dict(dict(zip([c[0] for c in cur.description], r, strict=True)))


def call_history(db: Database, call_id: str) -> list[dict]:
    cur = db.execute(
        "SELECT changed_at, field, old, new, run_id FROM call_history WHERE call_id = ? "
        "ORDER BY id",
        [call_id],
    )
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def call_count(db: Database) -> int:
    return int(db.execute("SELECT count(*) FROM calls").fetchone()[0])


def call_exists(db: Database, call_id: str) -> bool:
    return bool(db.execute("SELECT 1 FROM calls WHERE id = ?", [call_id]).fetchone())


def call_ids(db: Database) -> list[str]:
    """Every stored call's id, in storage order."""
    return [r[0] for r in db.execute("SELECT id FROM calls")]


def call_columns(db: Database) -> set[str]:
    """The columns the calls table has (an older database may lack some)."""
    return {r[1] for r in db.execute("PRAGMA table_info(calls)")}


def calls_by_id(db: Database, ids: list[str]) -> dict[str, dict]:
    """The stored rows of these ids (those that exist), by id."""
    cur = db.execute(f"SELECT * FROM calls WHERE id IN ({', '.join('?' * len(ids))})", ids)
    cols = [c[0] for c in cur.description]
    out = {}
    for r in cur.fetchall():
        row = row_to_dict(dict(zip(cols, r, strict=True)))
        out[row["id"]] = row
    return out


def open_count(db: Database, source: str) -> int:
    """How many of a source's stored calls are not closed."""
    return int(
        db.execute(
            "SELECT count(*) FROM calls WHERE source = ? AND status != 'closed'", [source]
        ).fetchone()[0]
    )


# ---------------------------------------------------------------------------------------------
# Links between calls: linking.py decides them and writes them through set_links(); dedupe.py,
# recurring.py and merge.py read them.


def duplicate_links(db: Database, *, by_id: bool = True) -> list[tuple[str, str]]:
    """(id, duplicate_of) of every listing linked to another; `by_id` orders them by canonical
    call and id, else they come in index order."""
    sql = "SELECT id, duplicate_of FROM calls WHERE duplicate_of IS NOT NULL"
    return db.execute(sql + (" ORDER BY duplicate_of, id" if by_id else "")).fetchall()


def duplicate_of(db: Database, call_id: str) -> str | None:
    """The canonical call this listing is linked to; None when it is not linked (or unknown)."""
    row = db.execute("SELECT duplicate_of FROM calls WHERE id = ?", [call_id]).fetchone()
    return row[0] if row and row[0] else None


def listings(db: Database, canonical: str, *, besides: str) -> list[dict]:
    """Source, id and URL of every listing of one call (canonical and linked), but `besides`."""
    cur = db.execute(
        "SELECT id, source, url FROM calls WHERE (duplicate_of = ? OR id = ?) AND id != ? ORDER BY id",
        [canonical, canonical, besides],
    )
    return [dict(zip(("id", "source", "url"), r, strict=True)) for r in cur.fetchall()]


def series_links(db: Database) -> list[tuple[str, str]]:
    """(id, series) of every call in a series, ordered by series and id."""
    return db.execute(
        "SELECT id, series FROM calls WHERE series IS NOT NULL ORDER BY series, id"
    ).fetchall()


def series_of(db: Database, call_id: str) -> str | None:
    row = db.execute("SELECT series FROM calls WHERE id = ?", [call_id]).fetchone()
    return row[0] if row and row[0] else None


def series_rounds(db: Database, series: str) -> list[tuple]:
    """(id, title, status, opens, deadlines as JSON text, budget_amount, budget_currency) of
    every call in a series."""
    return db.execute(
        "SELECT id, title, status, opens, deadlines, budget_amount, budget_currency FROM calls "
        "WHERE series = ?",
        [series],
    ).fetchall()


def links(db: Database) -> dict[str, tuple[str | None, str | None]]:
    """id -> (duplicate_of, series) of every call linked to anything."""
    return {
        cid: (d, s)
        for cid, d, s in db.execute(
            "SELECT id, duplicate_of, series FROM calls "
            "WHERE duplicate_of IS NOT NULL OR series IS NOT NULL"
        )
    }


def set_links(db: Database, updates: list[tuple[str | None, str | None, str]]) -> None:
    """Write (duplicate_of, series, id) rows; the caller holds the transaction."""
    db.conn.executemany("UPDATE calls SET duplicate_of = ?, series = ? WHERE id = ?", updates)


# ---------------------------------------------------------------------------------------------
# Reads other modules still do with their own SQL (commands, web/app, report_data, scoring are
# rewritten on other branches): these are the owner's functions for them to call.


def stored_sources(db: Database) -> set[str]:
    """The source ids of the stored calls (a source file since removed included)."""
    return {r[0] for r in db.execute("SELECT DISTINCT source FROM calls").fetchall()}


def funders(db: Database) -> list[str]:
    """Every funder named by a stored call, sorted (read from the funder index)."""
    rows = db.execute("SELECT DISTINCT funder FROM calls WHERE funder != '' ORDER BY funder")
    return [r[0] for r in rows.fetchall()]


def content_hashes(db: Database) -> dict[str, str]:
    """id -> content hash of every stored call (what derived data is checked against)."""
    return {r[0]: r[1] for r in db.execute("SELECT id, content_hash FROM calls")}


def first_seen(db: Database, ids: list[str]) -> dict[str, str]:
    """id -> when each of these calls was first stored."""
    out: dict[str, str] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        q = f"SELECT id, first_seen FROM calls WHERE id IN ({', '.join('?' * len(chunk))})"
        out.update(dict(db.execute(q, chunk).fetchall()))
    return out


def _chunked(ids: list[str], n: int = 500) -> Iterator[list[str]]:
    for i in range(0, len(ids), n):
        yield ids[i : i + n]


def column_values(db: Database, ids: list[str], columns: list[str]) -> dict[str, dict]:
    """id -> {column: stored value} for these calls (JSON columns as their text). `columns`
    must be names from call_columns(), never user input."""
    known = call_columns(db)
    if any(c not in known for c in columns):
        raise ValueError(f"not columns of calls: {sorted(set(columns) - known)}")
    out: dict[str, dict] = {}
    for chunk in _chunked(ids):
        q = (
            f"SELECT id{''.join(', ' + c for c in columns)} FROM calls "
            f"WHERE id IN ({', '.join('?' * len(chunk))})"
        )
        for row in db.execute(q, chunk).fetchall():
            out[row[0]] = dict(zip(columns, row[1:], strict=True))
    return out


def matching(db: Database, ids: list[str], text: str) -> set[str]:
    """Those of these calls whose title, summary, description, programme or id holds `text`."""
    like = f"%{text}%"
    out: set[str] = set()
    for chunk in _chunked(ids):
        q = (
            f"SELECT id FROM calls WHERE id IN ({', '.join('?' * len(chunk))}) AND (title LIKE ? "
            "OR summary LIKE ? OR description LIKE ? OR programme LIKE ? OR id LIKE ?)"
        )
        out.update(r[0] for r in db.execute(q, [*chunk, like, like, like, like, like]))
    return out


def changes_between(
    db: Database, ids: list[str], fields: tuple[str, ...], start: str, end: str
) -> dict[str, list[tuple]]:
    """id -> [(field, old, new), ...] of these calls' recorded changes to `fields` on the days
    start..end (ISO dates, both included), oldest first."""
    out: dict[str, list[tuple]] = {}
    for chunk in _chunked(ids):
        q = (
            "SELECT call_id, field, old, new FROM call_history WHERE call_id IN "
            f"({', '.join('?' * len(chunk))}) AND field IN ({', '.join('?' * len(fields))}) "
            "AND substr(changed_at, 1, 10) >= ? AND substr(changed_at, 1, 10) <= ? ORDER BY id"
        )
        for cid, f, old, new in db.execute(q, [*chunk, *fields, start, end]):
            out.setdefault(cid, []).append((f, old, new))
    return out


def facts_of(db: Database, call_id: str) -> str | None:
    """One call's stored facts (JSON text: every fact with its evidence), or None."""
    row = db.execute("SELECT facts FROM calls WHERE id = ?", [call_id]).fetchone()
    return row[0] if row else None


def fts_vocabulary(db: Database) -> list[str] | None:
    """Every word in the full-text index (through a temporary fts5vocab table), so a changed
    rules term can be looked up against the words stored; None when this SQLite has no
    fts5vocab."""
    try:
        db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.calls_fts_words "
            "USING fts5vocab(main, calls_fts, row)"
        )
        return [r[0] for r in db.execute("SELECT term FROM temp.calls_fts_words")]
    except Exception:  # noqa: BLE001 - a SQLite without fts5vocab
        return None


def fts_ids(db: Database, query: str) -> list[str]:
    """Ids of the calls the full-text index finds for an FTS5 MATCH expression (as given: the
    caller quotes its words)."""
    return [
        r[0]
        for r in db.execute(
            "SELECT id FROM calls WHERE rowid IN "
            "(SELECT rowid FROM calls_fts WHERE calls_fts MATCH ?)",
            [query],
        )
    ]


def short_field_texts(db: Database) -> Iterator[tuple]:
    """(id, eligibility, keywords, extra) of the calls with any of these fields, which the
    full-text index does not hold; streamed, not read into memory at once."""
    yield from db.execute(
        "SELECT id, eligibility, keywords, extra FROM calls WHERE coalesce(eligibility, '') != '' "
        "OR keywords NOT IN ('', '[]') OR extra NOT IN ('', '{}')"
    )


def rounds_of_series(db: Database, series: list[str]) -> Iterator[tuple]:
    """(series, id, title, status, opens, deadlines JSON, budget, currency) of every call in
    these series, read 500 series at a time (store.series_rounds for one series)."""
    for chunk in _chunked(series):
        yield from db.execute(
            "SELECT series, id, title, status, opens, deadlines, budget_amount, budget_currency "
            f"FROM calls WHERE series IN ({', '.join('?' * len(chunk))})",
            chunk,
        )


def consortium_calls(db: Database) -> set[str] | None:
    """Ids of the calls whose facts require applying together (min_municipalities >= 2, a
    consortium); None when this database has neither column (before the facts migration)."""
    have = call_columns(db)
    tests = {"min_municipalities": ">= 2", "consortium_required": "= 1"}
    where = " OR ".join(f"{c} {test}" for c, test in tests.items() if c in have)
    if not where:
        return None
    return {r[0] for r in db.execute(f"SELECT id FROM calls WHERE {where}")}
