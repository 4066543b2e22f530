"""The schema's numbered migrations and migrate(), applied by store.open_db.

Append only: each migration takes the database one version forward and is tracked in
PRAGMA user_version, so a database made by any earlier release is brought up to date in place.
Never edit or reorder an old one (its position is its version number). This module holds the
schema (CREATE/ALTER) of every table; the statements that read and write rows live in each
table's owning module (see the rule in callwatch/store/__init__.py).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from callwatch.errors import StoreError
from callwatch.store.crawl import rederive_facts
from callwatch.store.db import transaction

if TYPE_CHECKING:
    from callwatch.store.db import Database


def _m001_initial(db: Database) -> None:
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


def _m002_scores(db: Database) -> None:
    """Precomputed theme scores and eligibility per call version and rules version."""
    db.execute(
        """CREATE TABLE call_scores (
            call_id TEXT PRIMARY KEY, content_hash TEXT, rules_hash TEXT, themes TEXT,
            evidence TEXT, eligibility TEXT, eligibility_evidence TEXT, terms TEXT,
            excluded TEXT, scored_at TEXT)"""
    )
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")


def _m003_profile_hits(db: Database) -> None:
    """Per-municipality keyword, exclusion and region facts, so ranking never re-reads text."""
    db.execute("ALTER TABLE call_scores ADD COLUMN profiles TEXT")
    db.execute("ALTER TABLE call_scores ADD COLUMN size_factor REAL")
    db.execute("UPDATE call_scores SET rules_hash = NULL")  # re-score with the new columns


def _m004_score_indexes(db: Database) -> None:
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


def _m005_duplicates(db: Database) -> None:
    """Cross-source duplicates point to their canonical call (see dedupe.py)."""
    db.execute("ALTER TABLE calls ADD COLUMN duplicate_of TEXT")
    db.execute("CREATE INDEX idx_calls_duplicate ON calls(duplicate_of)")


def _m006_reports(db: Database) -> None:
    """When each municipality's report was made, so the next one covers what came after."""
    db.execute(
        "CREATE TABLE reports (kommun TEXT NOT NULL, period_end TEXT NOT NULL, "
        "period_start TEXT NOT NULL, created TEXT, PRIMARY KEY (kommun, period_end))"
    )


def _m007_decisions(db: Database) -> None:
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


def _m008_http_cache(db: Database) -> None:
    """Validators (ETag, Last-Modified) of fetched pages, for conditional requests; the bodies
    themselves are already in raw_responses."""
    db.execute(
        "CREATE TABLE http_cache (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, "
        "sha256 TEXT NOT NULL, updated TEXT)"
    )


def _m009_request_keys(db: Database) -> None:
    """Which request each archived response answered, so a whole crawl can be replayed from
    the archive (`fetch --from-archive`) without the network."""
    db.execute("ALTER TABLE fetch_log ADD COLUMN request_key TEXT")
    db.execute("CREATE INDEX idx_fetch_log_key ON fetch_log(source, request_key)")


def _m_run_skips(db: Database) -> None:
    """Odd records a run left out: how many, and which (JSON list of "place: why")."""
    db.execute("ALTER TABLE runs ADD COLUMN skipped INTEGER DEFAULT 0")
    db.execute("ALTER TABLE runs ADD COLUMN skipped_records TEXT")


def _m_merged_calls(db: Database) -> None:
    """The best facts of all listings of a linked call, derived after linking (merge.py)."""
    db.execute(
        "CREATE TABLE merged_calls (call_id TEXT PRIMARY KEY, members TEXT, merged TEXT, hash TEXT)"
    )


def _m010_users(db: Database) -> None:
    """Accounts for `callwatch serve`: one row per coordinator, with the municipality they
    decide for and an argon2 hash of their password (never the password itself)."""
    db.execute(
        "CREATE TABLE users (name TEXT PRIMARY KEY, kommun TEXT NOT NULL, "
        "password_hash TEXT NOT NULL, created TEXT NOT NULL, last_login TEXT)"
    )


def _m011_web_indexes(db: Database) -> None:
    """For `callwatch serve`: calls by next deadline (the "closing soon" lists read a range
    instead of every call) and by funder (the funder filter's choices)."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_calls_next_deadline ON calls(next_deadline)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_calls_funder ON calls(funder)")


def _m010_facts(db: Database) -> None:
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


def _m010_harden(db: Database) -> None:
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


def _m010_link_index(db: Database) -> None:
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


def _m011_search_index(db: Database) -> None:
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


def _m_call_analysis(db: Database) -> None:
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


MIGRATIONS: list[Callable[[Database], None]] = [
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


def migrate(db: Database) -> int:
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
