"""SQLite storage: calls, their field-level history, fetch runs and the raw response archive.

Only this module writes SQL. Schema changes are numbered migrations applied on open, tracked in
PRAGMA user_version, so a database made by any earlier release is brought up to date in place.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from callwatch.errors import NotFoundError, StoreError
from callwatch.models import TRACKED_FIELDS, Call, validate

if TYPE_CHECKING:
    import sqlite_utils

JSON_FIELDS = ("deadlines", "keywords", "extra", "applicants", "facts")
# Facts derived from the text by callwatch.facts (migration "facts"). Refreshed on every crawl,
# so an extraction change reaches stored calls through `fetch --from-archive` even when the
# funder's content (and so the content hash) did not change.
FACT_COLUMNS = (
    "stale", "max_per_project", "min_per_project", "funding_rate_max", "cofinancing_required",
    "consortium_required", "min_municipalities", "municipality_may_apply", "applicants", "facts",
    "deadline_has_time",
)  # fmt: skip
CALL_COLUMNS = (
    "id",
    "source",
    "native_id",
    "funder",
    "programme",
    "title",
    "summary",
    "description",
    "url",
    "language",
    "status",
    "opens",
    "deadlines",
    "next_deadline",
    "budget_amount",
    "budget_currency",
    "eligibility",
    "keywords",
    "extra",
    "content_hash",
    "first_seen",
    "last_seen",
    "closed_at",
    "closed_reason",
    *FACT_COLUMNS,
)  # fmt: skip  (duplicate_of is derived by dedupe.py and never written from a Call)


# ---------------------------------------------------------------------------------------------
# Migrations: append only. Each takes the database and brings it one version forward.


def _m001_initial(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE calls (
            id TEXT PRIMARY KEY, source TEXT NOT NULL, native_id TEXT NOT NULL,
            funder TEXT, programme TEXT, title TEXT NOT NULL, summary TEXT, description TEXT,
            url TEXT, language TEXT, status TEXT NOT NULL, opens TEXT, deadlines TEXT,
            next_deadline TEXT, budget_amount REAL, budget_currency TEXT, eligibility TEXT,
            keywords TEXT, extra TEXT, content_hash TEXT, first_seen TEXT, last_seen TEXT,
            closed_at TEXT, closed_reason TEXT)"""
    )
    db.execute("CREATE INDEX idx_calls_source ON calls(source)")
    db.execute("CREATE INDEX idx_calls_status ON calls(status)")
    db.execute(
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY, source TEXT NOT NULL, mode TEXT, started TEXT, finished TEXT,
            status TEXT, complete INTEGER, seen INTEGER, new INTEGER, updated INTEGER,
            closed INTEGER, errors INTEGER, error TEXT, duration_s REAL)"""
    )
    db.execute("CREATE INDEX idx_runs_source ON runs(source, id)")
    db.execute(
        """CREATE TABLE call_history (
            id INTEGER PRIMARY KEY, call_id TEXT NOT NULL, run_id INTEGER, changed_at TEXT,
            field TEXT NOT NULL, old TEXT, new TEXT)"""
    )
    db.execute("CREATE INDEX idx_history_call ON call_history(call_id)")
    db.execute(
        """CREATE TABLE raw_responses (
            sha256 TEXT PRIMARY KEY, encoding TEXT, size INTEGER, data BLOB, first_seen TEXT)"""
    )
    db.execute(
        """CREATE TABLE fetch_log (
            id INTEGER PRIMARY KEY, run_id INTEGER, source TEXT, method TEXT, url TEXT,
            status INTEGER, content_type TEXT, sha256 TEXT, fetched_at TEXT)"""
    )
    db.execute("CREATE INDEX idx_fetch_log_run ON fetch_log(run_id)")


def _m002_scores(db: sqlite_utils.Database) -> None:
    """Precomputed theme scores and eligibility per call version and rules version."""
    db.execute(
        """CREATE TABLE call_scores (
            call_id TEXT PRIMARY KEY, content_hash TEXT, rules_hash TEXT, themes TEXT,
            evidence TEXT, eligibility TEXT, eligibility_evidence TEXT, terms TEXT,
            excluded TEXT, scored_at TEXT)"""
    )
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")


def _m003_profile_hits(db: sqlite_utils.Database) -> None:
    """Per-municipality keyword, exclusion and region facts, so ranking never re-reads text."""
    db.execute("ALTER TABLE call_scores ADD COLUMN profiles TEXT")
    db.execute("ALTER TABLE call_scores ADD COLUMN size_factor REAL")
    db.execute("UPDATE call_scores SET rules_hash = NULL")  # re-score with the new columns


def _m004_score_indexes(db: sqlite_utils.Database) -> None:
    """Relevance per (municipality, call) and score per (theme, call), indexed best first, so
    ranking reads the best calls first and stops early instead of sorting every call."""
    db.execute(
        "CREATE TABLE profile_scores (profile TEXT NOT NULL, call_id TEXT NOT NULL, "
        "relevance REAL NOT NULL, PRIMARY KEY (profile, call_id))"
    )
    db.execute("CREATE INDEX idx_profile_scores ON profile_scores(profile, relevance DESC)")
    db.execute(
        "CREATE TABLE theme_scores (theme TEXT NOT NULL, call_id TEXT NOT NULL, "
        "score REAL NOT NULL, PRIMARY KEY (theme, call_id))"
    )
    db.execute("CREATE INDEX idx_theme_scores ON theme_scores(theme, score DESC)")
    db.execute("UPDATE call_scores SET rules_hash = NULL")  # fill the new tables


def _m005_duplicates(db: sqlite_utils.Database) -> None:
    """Cross-source duplicates point to their canonical call (see dedupe.py)."""
    db.execute("ALTER TABLE calls ADD COLUMN duplicate_of TEXT")
    db.execute("CREATE INDEX idx_calls_duplicate ON calls(duplicate_of)")


def _m006_reports(db: sqlite_utils.Database) -> None:
    """When each municipality's report was made, so the next one covers what came after."""
    db.execute(
        "CREATE TABLE reports (kommun TEXT NOT NULL, period_end TEXT NOT NULL, "
        "period_start TEXT NOT NULL, created TEXT, PRIMARY KEY (kommun, period_end))"
    )


def _m007_decisions(db: sqlite_utils.Database) -> None:
    """Decisions and notes per municipality (append-only: every change is a new row), and the
    series that links rounds of a recurring call."""
    db.execute(
        """CREATE TABLE decisions (
            id INTEGER PRIMARY KEY, call_id TEXT NOT NULL, kommun TEXT NOT NULL,
            status TEXT NOT NULL, reason TEXT, note TEXT, by TEXT, created TEXT NOT NULL)"""
    )
    db.execute("CREATE INDEX idx_decisions_call ON decisions(call_id, kommun, id)")
    db.execute(
        """CREATE VIEW decisions_current AS
           SELECT d.* FROM decisions d WHERE d.id = (
             SELECT max(id) FROM decisions x WHERE x.call_id = d.call_id AND x.kommun = d.kommun)"""
    )
    db.execute("ALTER TABLE calls ADD COLUMN series TEXT")
    db.execute("CREATE INDEX idx_calls_series ON calls(series)")


def _m008_http_cache(db: sqlite_utils.Database) -> None:
    """Validators (ETag, Last-Modified) of fetched pages, for conditional requests; the bodies
    themselves are already in raw_responses."""
    db.execute(
        "CREATE TABLE http_cache (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, "
        "sha256 TEXT NOT NULL, updated TEXT)"
    )


def _m009_request_keys(db: sqlite_utils.Database) -> None:
    """Which request each archived response answered, so a whole crawl can be replayed from
    the archive (`fetch --from-archive`) without the network."""
    db.execute("ALTER TABLE fetch_log ADD COLUMN request_key TEXT")
    db.execute("CREATE INDEX idx_fetch_log_key ON fetch_log(source, request_key)")


def _m_run_skips(db: sqlite_utils.Database) -> None:
    """Odd records a run left out: how many, and which (JSON list of "place: why")."""
    db.execute("ALTER TABLE runs ADD COLUMN skipped INTEGER DEFAULT 0")
    db.execute("ALTER TABLE runs ADD COLUMN skipped_records TEXT")


def _m_merged_calls(db: sqlite_utils.Database) -> None:
    """The best facts of all listings of a linked call, derived after linking (merge.py)."""
    db.execute(
        "CREATE TABLE merged_calls (call_id TEXT PRIMARY KEY, members TEXT, merged TEXT, hash TEXT)"
    )


def _m010_users(db: sqlite_utils.Database) -> None:
    """Accounts for `callwatch serve`: one row per coordinator, with the municipality they
    decide for and an argon2 hash of their password (never the password itself)."""
    db.execute(
        "CREATE TABLE users (name TEXT PRIMARY KEY, kommun TEXT NOT NULL, "
        "password_hash TEXT NOT NULL, created TEXT NOT NULL, last_login TEXT)"
    )


def _m011_web_indexes(db: sqlite_utils.Database) -> None:
    """For `callwatch serve`: calls by next deadline (the "closing soon" lists read a range
    instead of every call) and by funder (the funder filter's choices)."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_calls_next_deadline ON calls(next_deadline)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_calls_funder ON calls(funder)")


def _m010_facts(db: sqlite_utils.Database) -> None:
    """The facts contract (see HELPERS-COMMON / callwatch.facts): per-project amounts, funding
    rate, partners, who may apply, evidence; status `unknown` where nothing says open. Stored
    calls are re-read at once, so an upgraded database holds no evidence-less `open`."""
    for col, typ in (
        ("stale", "INTEGER"), ("max_per_project", "REAL"), ("min_per_project", "REAL"),
        ("funding_rate_max", "REAL"), ("cofinancing_required", "INTEGER"),
        ("consortium_required", "INTEGER"), ("min_municipalities", "INTEGER"),
        ("municipality_may_apply", "TEXT"), ("applicants", "TEXT"), ("facts", "TEXT"),
        ("deadline_has_time", "INTEGER"),
    ):  # fmt: skip
        db.execute(f"ALTER TABLE calls ADD COLUMN {col} {typ}")
    rederive_facts(db)


def _m010_harden(db: sqlite_utils.Database) -> None:
    """Issue 14: imported calls move to their own id space ("x" -> "import:x"; decisions,
    history and scores follow), and stored dates outside the years the store now accepts
    (a deadline in year 9999 made every listing crash) are dropped."""
    from callwatch.models import check_date

    old_ids = [
        r[0]
        for r in db.execute(
            "SELECT id FROM calls WHERE source = 'import' AND id NOT LIKE 'import:%'"
        ).fetchall()
    ]
    tables = [
        t[0]
        for t in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        if any(c[1] == "call_id" for c in db.execute(f"PRAGMA table_info('{t[0]}')").fetchall())
    ]
    for old in old_ids:
        new = "import:" + old
        db.execute("UPDATE calls SET id = ?, native_id = ? WHERE id = ?", [new, old, old])
        for col in ("duplicate_of", "series"):
            db.execute(f"UPDATE calls SET {col} = ? WHERE {col} = ?", [new, old])
        for t in tables:
            db.execute(f"UPDATE {t} SET call_id = ? WHERE call_id = ?", [new, old])
    for cid, deadlines, opens, next_deadline in db.execute(
        "SELECT id, deadlines, opens, next_deadline FROM calls"
    ).fetchall():
        try:
            ds = json.loads(deadlines or "[]")
        except ValueError:
            ds = []
        kept = [d for d in ds if check_date(d)] if isinstance(ds, list) else []
        if (
            kept != ds
            or (opens and not check_date(opens))
            or (next_deadline and not check_date(next_deadline))
        ):
            db.execute(
                "UPDATE calls SET deadlines = ?, opens = ?, next_deadline = ?, content_hash = NULL "
                "WHERE id = ?",
                [
                    json.dumps(kept),
                    opens if opens and check_date(opens) else None,
                    next_deadline if next_deadline in kept else (kept[-1] if kept else None),
                    cid,
                ],
            )


def _m010_link_index(db: sqlite_utils.Database) -> None:
    """The normalised keys each call is linked by, indexed, and the fuzzy links found between
    calls, so a fetch re-links only what changed (see linking.py). Empty: the next link fills
    them."""
    db.execute(
        """CREATE TABLE link_keys (
            call_id TEXT PRIMARY KEY, content_hash TEXT, pos INTEGER, source TEXT,
            names TEXT, desc_len INTEGER, title_key TEXT, funder_key TEXT, year INTEGER,
            series_key TEXT, by_title INTEGER)"""
    )
    db.execute("CREATE INDEX idx_link_keys_series ON link_keys(series_key)")
    for table, key in (("link_exact", "key"), ("link_days", "day"), ("link_words", "word")):
        extra = ", first INTEGER NOT NULL" if table == "link_words" else ""
        db.execute(
            f"CREATE TABLE {table} ({key} TEXT NOT NULL, call_id TEXT NOT NULL{extra}, "
            f"PRIMARY KEY ({key}, call_id)) WITHOUT ROWID"
        )
        db.execute(f"CREATE INDEX idx_{table}_call ON {table}(call_id)")
    db.execute("CREATE TABLE link_df (word TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID")
    db.execute(
        "CREATE TABLE link_pairs (a TEXT NOT NULL, b TEXT NOT NULL, kind TEXT NOT NULL, "
        "PRIMARY KEY (a, b, kind)) WITHOUT ROWID"
    )
    db.execute("CREATE INDEX idx_link_pairs_b ON link_pairs(b)")


FTS_COLUMNS = ("id", "title", "summary", "description")


def _m011_search_index(db: sqlite_utils.Database) -> None:
    """A full-text index (FTS5) of id, title, summary and description for `calls --search`,
    kept in step with the calls table by triggers. A SQLite built without FTS5 gets no index;
    search then falls back to LIKE (see query_calls)."""
    cols = ", ".join(FTS_COLUMNS)
    new = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
    old = ", ".join(f"old.{c}" for c in FTS_COLUMNS)
    try:
        db.execute(
            f"CREATE VIRTUAL TABLE calls_fts USING fts5({cols}, content='calls', "
            "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')"
        )
    except sqlite3.OperationalError:
        return  # no FTS5 in this SQLite build
    db.execute(
        f"CREATE TRIGGER calls_fts_insert AFTER INSERT ON calls BEGIN "
        f"INSERT INTO calls_fts (rowid, {cols}) VALUES (new.rowid, {new}); END"
    )
    db.execute(
        f"CREATE TRIGGER calls_fts_delete AFTER DELETE ON calls BEGIN "
        f"INSERT INTO calls_fts (calls_fts, rowid, {cols}) VALUES ('delete', old.rowid, {old}); END"
    )
    db.execute(
        f"CREATE TRIGGER calls_fts_update AFTER UPDATE OF {cols} ON calls BEGIN "
        f"INSERT INTO calls_fts (calls_fts, rowid, {cols}) VALUES ('delete', old.rowid, {old}); "
        f"INSERT INTO calls_fts (rowid, {cols}) VALUES (new.rowid, {new}); END"
    )
    db.execute("INSERT INTO calls_fts (calls_fts) VALUES ('rebuild')")


def _m_call_analysis(db: sqlite_utils.Database) -> None:
    """What the analyser found in each call's text, before weights (match.Found), so a
    weight-only rules change re-scores without reading text (scoring.py); a call scored before
    has none until it is next analysed from its text. And a covering index for reads."""
    if "analysis" not in {r[1] for r in db.execute("PRAGMA table_info(call_scores)")}:
        db.execute("ALTER TABLE call_scores ADD COLUMN analysis TEXT")
    # Ranking, reports and exports read these columns of many calls; most of them come after
    # the (long) description in a row, so reading them from the table reads its overflow pages.
    # This index holds them, so those reads never touch the texts.
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_calls_read ON calls (id, duplicate_of, status, opens, "
        "deadlines, budget_amount, budget_currency, series, first_seen, stale, max_per_project, "
        "min_municipalities, consortium_required, funding_rate_max, cofinancing_required, "
        "deadline_has_time, municipality_may_apply, funder, programme, title, url)"
    )


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _m001_initial,
    _m002_scores,
    _m003_profile_hits,
    _m004_score_indexes,
    _m005_duplicates,
    _m006_reports,
    _m007_decisions,
    _m008_http_cache,
    _m009_request_keys,
    _m_run_skips,
    _m_merged_calls,
    _m010_users,
    _m011_web_indexes,
    _m010_facts,
    _m010_link_index,
    _m011_search_index,
    _m010_harden,
    _m_call_analysis,
]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: sqlite_utils.Database) -> int:
    """Apply every migration newer than the database; returns the number applied."""
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"database schema version {current} is newer than this callwatch "
            f"({SCHEMA_VERSION}); upgrade callwatch"
        )
    applied = 0
    for version in range(current + 1, SCHEMA_VERSION + 1):
        with transaction(db):
            MIGRATIONS[version - 1](db)
            db.execute(f"PRAGMA user_version = {version}")
        applied += 1
    return applied


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
def transaction(db: sqlite_utils.Database) -> Iterator[None]:
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


# ---------------------------------------------------------------------------------------------
# Rows


def _fact_values(call: Call) -> dict:
    def flag(v: bool | None) -> int | None:
        return None if v is None else int(bool(v))

    return {
        "stale": int(bool(call.stale)),
        "max_per_project": call.max_per_project,
        "min_per_project": call.min_per_project,
        "funding_rate_max": call.funding_rate_max,
        "cofinancing_required": flag(call.cofinancing_required),
        "consortium_required": flag(call.consortium_required),
        "min_municipalities": call.min_municipalities,
        "municipality_may_apply": call.municipality_may_apply or "unclear",
        "applicants": json.dumps(call.applicants or [], ensure_ascii=False),
        "facts": json.dumps(call.facts or {}, ensure_ascii=False, sort_keys=True, default=str),
        "deadline_has_time": int(bool(call.deadline_has_time)),
    }


def row_to_call(row: dict) -> Call:
    """A stored row back as a Call (for re-deriving its facts)."""
    d = row_to_dict(row)
    return Call(
        source=d["source"], native_id=d["native_id"], title=d["title"] or "", url=d["url"] or "",
        funder=d["funder"] or "", status=d["status"], programme=d.get("programme") or "",
        summary=d.get("summary") or "", description=d.get("description") or "",
        language=d.get("language") or "", opens=d.get("opens"),
        deadlines=list(d.get("deadlines") or []), budget_amount=d.get("budget_amount"),
        budget_currency=d.get("budget_currency"), eligibility=d.get("eligibility") or "",
        keywords=list(d.get("keywords") or []), extra=dict(d.get("extra") or {}),
    )  # fmt: skip


def rederive_facts(db: sqlite_utils.Database, now: datetime | None = None) -> int:
    """Re-read the facts of every stored call from its stored text (no network)."""
    from callwatch import clock
    from callwatch.facts.apply import enrich

    now = now or clock.now()
    kinds = _source_kinds()
    cur = db.execute("SELECT * FROM calls")
    cols = [c[0] for c in cur.description]
    rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    for row in rows:
        call = row_to_call(row)
        enrich(call, now, kind=kinds.get(call.source, ""))
        if row.get("closed_reason") == "no longer listed by a complete crawl":
            call.status = "closed"  # the funder took it down: that is evidence too
        sets = _fact_values(call)
        sets.update(
            status=call.status,
            deadlines=json.dumps(call.deadlines, ensure_ascii=False, sort_keys=True),
            opens=call.opens,
            budget_amount=call.budget_amount,
            budget_currency=call.budget_currency,
            next_deadline=call.next_deadline(now),
            content_hash=call.content_hash(),
        )
        db.conn.execute(
            f"UPDATE calls SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?",
            [*sets.values(), row["id"]],
        )
    return len(rows)


def _source_kinds() -> dict[str, str]:
    """Each configured source's kind, to know whose status is the funder's own word."""
    try:
        from callwatch import paths, sources

        return {s.id: s.kind for s in sources.load_all(paths.sources_dir())}
    except Exception:  # no readable sources folder: judge by the text alone
        return {}


def call_to_row(call: Call, now: datetime) -> dict:
    tracked = call.tracked()
    row = dict(tracked)
    for k in ("deadlines", "keywords", "extra"):
        row[k] = json.dumps(row[k], ensure_ascii=False, sort_keys=True)
    row.update(_fact_values(call))
    row.update(
        id=call.id,
        source=call.source,
        native_id=call.native_id,
        next_deadline=call.next_deadline(now),
        content_hash=call.content_hash(tracked),
    )
    return row


def row_to_dict(row: sqlite3.Row | dict) -> dict:
    d = dict(row)
    for k in JSON_FIELDS:
        if isinstance(d.get(k), str):
            d[k] = json.loads(d[k])
    return d


@dataclass
class Counts:
    seen: int = 0
    new: int = 0
    updated: int = 0
    closed: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)  # values validate() changed or dropped


def _dump(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def apply_crawl(
    db: sqlite_utils.Database,
    source: str,
    calls: Iterable[Call],
    *,
    complete: bool,
    now: datetime,
    run_id: int | None,
) -> Counts:
    """Upsert one source's calls, recording every field change; close what a complete crawl lost.

    Never deletes. A call missing from the crawl is closed only when `complete` is true (the caller
    sets it only for a successful, non-empty crawl of every page); otherwise it is left alone.
    """
    now_s = now.isoformat()
    counts = Counts()
    existing = {
        r[0]: (r[1], r[2])
        for r in db.execute("SELECT id, content_hash, status FROM calls WHERE source = ?", [source])
    }
    from callwatch.facts.apply import with_facts

    by_id: dict[str, Call] = {}
    checked: list[Call] = []
    for call in calls:
        if call.source != source:
            raise ValueError(f"call {call.id} does not belong to source {source}")
        try:  # the one boundary: nothing unchecked reaches the table (or the facts step)
            counts.warnings += validate(call)
        except ValueError as e:
            counts.warnings.append(f"{source}: record skipped: {e}")
            continue
        checked.append(call)
    # every stored call carries its facts: a caller that skipped the step gets it here
    for call in with_facts(checked, now):
        by_id[call.id] = call
    counts.seen = len(by_id)
    new_ids: list[str] = []
    touches: list[tuple] = []
    updates: list[dict] = []

    def inserts() -> Iterator[tuple]:
        # made one at a time while SQLite inserts them: a large import never holds every row
        for cid in new_ids:
            call = by_id[cid]
            row = call_to_row(call, now)
            row.update(first_seen=now_s, last_seen=now_s, closed_at=None, closed_reason=None)
            if call.status == "closed":
                row.update(closed_at=now_s, closed_reason="closed at source")
            yield tuple(row[c] for c in CALL_COLUMNS)

    for cid, call in by_id.items():
        if cid not in existing:
            new_ids.append(cid)
            continue
        row = call_to_row(call, now)
        if existing[cid][0] == row["content_hash"]:
            touches.append((now_s, row["next_deadline"], *(row[c] for c in FACT_COLUMNS), cid))
        else:
            updates.append(row)
    with transaction(db):
        conn = db.conn
        if new_ids:
            conn.executemany(
                f"INSERT INTO calls ({', '.join(CALL_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(CALL_COLUMNS))})",
                inserts(),
            )
        if touches:
            conn.executemany(
                "UPDATE calls SET last_seen = ?, next_deadline = ?, "
                + ", ".join(f"{c} = ?" for c in FACT_COLUMNS)
                + " WHERE id = ?",
                touches,
            )
        history: list[tuple] = []
        for row in updates:
            cur = conn.execute(
                f"SELECT {', '.join(TRACKED_FIELDS)} FROM calls WHERE id = ?", [row["id"]]
            )
            old = dict(zip(TRACKED_FIELDS, cur.fetchone(), strict=True))
            changed = [f for f in TRACKED_FIELDS if _dump(old[f]) != _dump(row[f])]
            if not changed:  # hash differed only through formatting; just refresh it
                conn.execute(
                    "UPDATE calls SET content_hash = ?, last_seen = ?, "
                    + ", ".join(f"{c} = ?" for c in FACT_COLUMNS)
                    + " WHERE id = ?",
                    [row["content_hash"], now_s, *(row[c] for c in FACT_COLUMNS), row["id"]],
                )
                counts.unchanged += 1
                continue
            for f in changed:
                history.append((row["id"], run_id, now_s, f, _dump(old[f]), _dump(row[f])))
            sets = {f: row[f] for f in changed}
            sets.update({c: row[c] for c in FACT_COLUMNS})
            sets.update(
                content_hash=row["content_hash"],
                last_seen=now_s,
                next_deadline=row["next_deadline"],
            )
            if "status" in changed and row["status"] == "closed":
                sets.update(closed_at=now_s, closed_reason="closed at source or deadline passed")
                counts.closed += 1
            elif "status" in changed and old["status"] == "closed":
                sets.update(closed_at=None, closed_reason=None)
            conn.execute(
                f"UPDATE calls SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?",
                [*sets.values(), row["id"]],
            )
            counts.updated += 1
        if complete and by_id:
            gone = [
                cid
                for cid, (_, status) in existing.items()
                if cid not in by_id and status != "closed"
            ]
            for cid in gone:
                history.append((cid, run_id, now_s, "status", existing[cid][1], "closed"))
            conn.executemany(
                # content_hash is cleared so the call is re-evaluated if it is listed again
                "UPDATE calls SET status = 'closed', closed_at = ?, content_hash = NULL, "
                "closed_reason = 'no longer listed by a complete crawl' WHERE id = ?",
                [(now_s, cid) for cid in gone],
            )
            counts.closed += len(gone)
        if history:
            conn.executemany(
                "INSERT INTO call_history (call_id, run_id, changed_at, field, old, new) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                history,
            )
        if new_ids or history or updates:
            bump_data_version(db)
    counts.new = len(new_ids)
    counts.unchanged += len(touches)
    return counts


# ---------------------------------------------------------------------------------------------
# Runs and the raw archive


def start_run(db: sqlite_utils.Database, source: str, mode: str, now: datetime) -> int:
    with transaction(db):
        cur = db.conn.execute(
            "INSERT INTO runs (source, mode, started, status) VALUES (?, ?, ?, 'running')",
            [source, mode, now.isoformat()],
        )
    return int(cur.lastrowid or 0)


def interrupt_stale_runs(db: sqlite_utils.Database, now: datetime) -> int:
    """Runs still 'running' when a fetch starts belong to a fetch that was killed (the caller
    holds the fetch lock, so no other fetch is running): mark them interrupted."""
    with transaction(db):
        cur = db.conn.execute(
            "UPDATE runs SET status = 'interrupted', finished = ?, "
            "error = coalesce(error, 'interrupted: the fetch stopped before this run finished') "
            "WHERE status = 'running'",
            [now.isoformat()],
        )
    return cur.rowcount


def finish_run(db: sqlite_utils.Database, run_id: int, **fields: object) -> None:
    with transaction(db):
        db.conn.execute(
            f"UPDATE runs SET {', '.join(f'{k} = ?' for k in fields)} WHERE id = ?",
            [*fields.values(), run_id],
        )


def archive_response(
    db: sqlite_utils.Database,
    *,
    run_id: int | None,
    source: str,
    method: str,
    url: str,
    status: int,
    content_type: str,
    body: bytes,
    fetched_at: datetime,
    request_key: str | None = None,
) -> str:
    """Store a response body compressed and content-addressed; log the fetch. Returns sha256."""
    digest = hashlib.sha256(body).hexdigest()
    with transaction(db):
        db.conn.execute(
            "INSERT OR IGNORE INTO raw_responses (sha256, encoding, size, data, first_seen) "
            "VALUES (?, 'zlib', ?, ?, ?)",
            [digest, len(body), zlib.compress(body, 6), fetched_at.isoformat()],
        )
        db.conn.execute(
            "INSERT INTO fetch_log (run_id, source, method, url, status, content_type, sha256, "
            "fetched_at, request_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                source,
                method,
                url,
                status,
                content_type,
                digest,
                fetched_at.isoformat(),
                request_key,
            ],
        )
    return digest


def raw_body(db: sqlite_utils.Database, sha256: str) -> bytes:
    row = db.execute("SELECT encoding, data FROM raw_responses WHERE sha256 = ?", [sha256])
    found = row.fetchone()
    if not found:
        raise NotFoundError(f"no archived response {sha256}")
    return zlib.decompress(found[1]) if found[0] == "zlib" else found[1]


# ---------------------------------------------------------------------------------------------
# Queries


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


def source_stats(db: sqlite_utils.Database) -> dict[str, dict]:
    """Per source: calls held (by status), last run, last success, last error."""
    stats: dict[str, dict] = {}
    for source, status, n in db.execute(
        "SELECT source, status, count(*) FROM calls GROUP BY source, status"
    ):
        s = stats.setdefault(source, {"calls": 0, "by_status": {}})
        s["calls"] += n
        s["by_status"][status] = n
    for source, finished, status, error in db.execute(
        "SELECT source, finished, status, error FROM runs WHERE id IN "
        "(SELECT max(id) FROM runs GROUP BY source)"
    ):
        s = stats.setdefault(source, {"calls": 0, "by_status": {}})
        s.update(last_run=finished, last_status=status, last_error=error)
    for source, n, records in db.execute(
        "SELECT source, skipped, skipped_records FROM runs WHERE id IN "
        "(SELECT max(id) FROM runs WHERE finished IS NOT NULL GROUP BY source)"
    ):
        s = stats.setdefault(source, {"calls": 0, "by_status": {}})
        s.update(last_skipped=n or 0, last_skipped_records=json.loads(records) if records else [])
    for source, finished in db.execute(
        "SELECT source, max(finished) FROM runs WHERE status = 'ok' GROUP BY source"
    ):
        stats.setdefault(source, {"calls": 0, "by_status": {}})["last_success"] = finished
    for source, finished, error in db.execute(
        "SELECT source, finished, error FROM runs WHERE id IN "
        "(SELECT max(id) FROM runs WHERE status = 'failed' GROUP BY source)"
    ):
        s = stats.setdefault(source, {"calls": 0, "by_status": {}})
        s.update(last_failure=finished, last_failure_message=error)
    for source, n in db.execute(
        """SELECT r.source, count(*) FROM runs r WHERE r.status = 'failed' AND r.id > coalesce(
             (SELECT max(id) FROM runs o WHERE o.source = r.source AND o.status = 'ok'), 0)
           GROUP BY r.source"""
    ):
        stats.setdefault(source, {"calls": 0, "by_status": {}})["consecutive_failures"] = n
    return stats


def bump_data_version(db: sqlite_utils.Database) -> None:
    """Mark the calls as changed, so derived data (scores) knows to refresh."""
    db.conn.execute(
        "INSERT INTO meta (key, value) VALUES ('data_version', '1') ON CONFLICT(key) "
        "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )


def get_meta(db: sqlite_utils.Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(db: sqlite_utils.Database, key: str, value: str) -> None:
    with transaction(db):
        db.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [key, value])


def call_count(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT count(*) FROM calls").fetchone()[0])


class HttpCache:
    """Conditional requests backed by the database: validators in http_cache, bodies in the
    content-addressed raw archive. hishel would keep a second copy of every body in its own
    storage; callwatch already archives every body, so it only needs the validators."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def validators(self, url: str) -> dict[str, str]:
        row = self.db.execute(
            "SELECT etag, last_modified, sha256 FROM http_cache WHERE url = ?", [url]
        ).fetchone()
        if (
            not row
            or not self.db.execute(
                "SELECT 1 FROM raw_responses WHERE sha256 = ?", [row[2]]
            ).fetchone()
        ):
            return {}
        headers = {}
        if row[0]:
            headers["If-None-Match"] = row[0]
        if row[1]:
            headers["If-Modified-Since"] = row[1]
        return headers

    def body(self, url: str) -> bytes | None:
        row = self.db.execute("SELECT sha256 FROM http_cache WHERE url = ?", [url]).fetchone()
        try:
            return raw_body(self.db, row[0]) if row else None
        except NotFoundError:
            return None

    def store(
        self, url: str, etag: str | None, last_modified: str | None, body: bytes, now: str
    ) -> None:
        if not etag and not last_modified:
            return
        digest = hashlib.sha256(body).hexdigest()
        with transaction(self.db):
            self.db.conn.execute(
                "INSERT OR IGNORE INTO raw_responses (sha256, encoding, size, data, first_seen) "
                "VALUES (?, 'zlib', ?, ?, ?)",
                [digest, len(body), zlib.compress(body, 6), now],
            )
            self.db.conn.execute(
                "INSERT OR REPLACE INTO http_cache (url, etag, last_modified, sha256, updated) "
                "VALUES (?, ?, ?, ?, ?)",
                [url, etag, last_modified, digest, now],
            )


class ArchiveReplay:
    """The raw archive as a recording: the latest archived answer to each request of a source,
    so `fetch --from-archive` re-parses everything with today's parsers and no network."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.root = "the raw archive"

    def has_source(self, source: str) -> bool:
        return bool(
            self.db.execute(
                "SELECT 1 FROM fetch_log WHERE source = ? AND request_key IS NOT NULL LIMIT 1",
                [source],
            ).fetchone()
        )

    def recorded_at(self, source: str) -> datetime | None:
        row = self.db.execute(
            "SELECT max(fetched_at) FROM fetch_log WHERE source = ? AND request_key IS NOT NULL",
            [source],
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def lookup(self, source: str, key: str):  # noqa: ANN201 - returns http.Response
        from callwatch.errors import SourceError
        from callwatch.http import Response

        row = self.db.execute(
            "SELECT method, url, status, content_type, sha256 FROM fetch_log "
            "WHERE source = ? AND request_key = ? ORDER BY id DESC LIMIT 1",
            [source, key],
        ).fetchone()
        if row is None:
            raise SourceError(source, f"no archived response for {key.split(' #')[0]}")
        return Response(row[0], row[1], row[2], row[3] or "", raw_body(self.db, row[4]), {}, key)
