"""What each municipality decided about a call: engage, watch or dismiss, with a reason, a
note and who decided. Every change is a new row (never overwritten), so the history of a
decision is kept; the current decision is the latest row. Decisions live in their own table,
keyed by call id, so no re-fetch, re-parse, duplicate link or rules change can touch them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from callwatch import safe, store
from callwatch.errors import CallwatchError

if TYPE_CHECKING:
    from callwatch.store.db import Database

STATUSES = ("engage", "watch", "dismiss")


@dataclass
class Decision:
    call_id: str
    kommun: str
    status: str
    reason: str
    note: str
    by: str
    created: str


def mark(
    db: Database,
    call_id: str,
    kommun: str,
    status: str,
    *,
    reason: str = "",
    note: str = "",
    by: str = "",
    now: datetime,
) -> Decision:
    if status not in STATUSES:
        raise CallwatchError(f"unknown status {status!r}; use engage, watch or dismiss")
    call_id = store.get_call(db, call_id)["id"]  # one clear error for an unknown id
    # typed by people, shown to others: no control characters, and a sane length
    reason, by = safe.text(reason)[:500], safe.text(by)[:200]
    note = safe.text(note, multiline=True).strip()[:5000]
    d = Decision(call_id, kommun, status, reason, note, by, now.isoformat())
    with store.transaction(db):  # BEGIN IMMEDIATE: concurrent marks queue, none is lost
        db.conn.execute(
            "INSERT INTO decisions (call_id, kommun, status, reason, note, by, created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [d.call_id, d.kommun, d.status, d.reason, d.note, d.by, d.created],
        )
    return d


def current(db: Database, kommun: str | None = None, status: str | None = None) -> list[dict]:
    where, args = [], []
    if kommun:
        where.append("d.kommun = ?")
        args.append(kommun)
    if status:
        where.append("d.status = ?")
        args.append(status)
    sql = (
        "SELECT d.call_id, d.kommun, d.status, d.reason, d.note, d.by, d.created, c.title, c.url, "
        "c.deadlines, c.status AS call_status FROM decisions_current d JOIN calls c ON c.id = d.call_id"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY d.kommun, d.created"
    cur = db.execute(sql, args)
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def history(db: Database, call_id: str, kommun: str | None = None) -> list[dict]:
    sql = "SELECT kommun, status, reason, note, by, created FROM decisions WHERE call_id = ?"
    args = [call_id]
    if kommun:
        sql += " AND kommun = ?"
        args.append(kommun)
    cur = db.execute(sql + " ORDER BY id", args)
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def by_status(db: Database, status: str) -> dict[str, set[str]]:
    """kommun -> call ids with that current decision, including the canonical call when the
    decision was made on another listing of the same call."""
    out: dict[str, set[str]] = {}
    for kommun, call_id, canonical in db.execute(
        "SELECT d.kommun, d.call_id, c.duplicate_of FROM decisions_current d "
        "JOIN calls c ON c.id = d.call_id WHERE d.status = ?",
        [status],
    ):
        out.setdefault(kommun, set()).update({call_id, canonical} - {None})
    return out


def current_in_series(db: Database, series: str) -> dict[str, list[dict]]:
    """call id -> the current decisions (kommun, status, reason, by, created) on each round
    of a series, oldest first."""
    decided: dict[str, list[dict]] = {}
    for cid, *d in db.execute(
        "SELECT d.call_id, d.kommun, d.status, d.reason, d.by, d.created FROM decisions_current d "
        "JOIN calls c ON c.id = d.call_id WHERE c.series = ? ORDER BY d.id",
        [series],
    ):
        decided.setdefault(cid, []).append(
            dict(zip(("kommun", "status", "reason", "by", "created"), d, strict=True))
        )
    return decided


def decided_other_round(db: Database, call_id: str, kommun: str) -> bool:
    """Whether this municipality decided anything on another round of the call's series
    (answered from two indexes without reading the rounds)."""
    return bool(
        db.execute(
            "SELECT 1 FROM calls s JOIN calls c ON c.series = s.series "
            "JOIN decisions d ON d.call_id = c.id AND d.kommun = ? "
            "WHERE s.id = ? AND c.id != s.id LIMIT 1",
            [kommun, call_id],
        ).fetchone()
    )


def deciders(db: Database) -> set[str]:
    """The municipalities that have decided anything."""
    return {k for (k,) in db.execute("SELECT DISTINCT kommun FROM decisions")}


def current_of(db: Database, call_id: str, kommun: str) -> dict | None:
    """One municipality's current decision on one call: status, reason, by, created."""
    row = db.execute(
        "SELECT status, reason, by, created FROM decisions_current WHERE call_id = ? AND kommun = ?",
        [call_id, kommun],
    ).fetchone()
    return dict(zip(("status", "reason", "by", "created"), row, strict=True)) if row else None


def last_id(db: Database) -> int | None:
    """The newest decision row's id: changes whenever anyone decides anything."""
    return db.execute("SELECT max(id) FROM decisions").fetchone()[0]


def all_rows(db: Database, kommun: str | None = None) -> list[dict]:
    """Every decision row, oldest first (the full history, for `decisions --history`), with
    the title of its call."""
    cur = db.execute(
        "SELECT d.created, d.kommun, d.call_id, d.status, d.reason, d.note, d.by FROM decisions d "
        + ("WHERE d.kommun = ? " if kommun else "")
        + "ORDER BY d.id",
        [kommun] if kommun else [],
    )
    cols = [c[0] for c in cur.description]
    rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    titles = dict(
        db.execute("SELECT id, title FROM calls WHERE id IN (SELECT call_id FROM decisions)")
    )
    for r in rows:
        r["title"] = titles.get(r["call_id"], "")
    return rows


def current_by_canonical(db: Database, kommun: str | None = None) -> list[tuple]:
    """(call_id, canonical id, kommun, status, reason, by, created) of every current decision,
    oldest first; the canonical id is the call's own when it is not a linked listing."""
    q = (
        "SELECT d.call_id, coalesce(c.duplicate_of, d.call_id), d.kommun, d.status, d.reason, "
        "d.by, d.created FROM decisions_current d JOIN calls c ON c.id = d.call_id"
    )
    args: list = []
    if kommun:
        q += " WHERE d.kommun = ?"
        args.append(kommun)
    return db.execute(q + " ORDER BY d.created", args).fetchall()


BACKUP_FIELDS = ("call_id", "kommun", "status", "created")


def import_rows(
    db: Database, rows: list[dict], source: str, known_kommuner: set[str]
) -> dict[str, int]:
    """Restore decisions from `callwatch decisions --format json` (current or --history).

    Every row is checked before anything is written (one bad row: nothing imported, the error
    names the row). A row already in the database is skipped; so is a row older than the
    newest decision the database holds for that call and municipality, since the current
    decision is the latest row and a restore must never overrule a newer decision."""
    if not isinstance(rows, list):
        raise CallwatchError(f"{source}: expected a JSON list of decisions")
    clean = []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise CallwatchError(f"{source} row {n}: expected an object")
        for key in BACKUP_FIELDS:
            if not isinstance(row.get(key), str) or not row[key].strip():
                raise CallwatchError(f"{source} row {n}: missing or empty {key!r}")
        if row["status"] not in STATUSES:
            raise CallwatchError(f"{source} row {n}: unknown status {row['status']!r}")
        if known_kommuner and row["kommun"] not in known_kommuner:
            raise CallwatchError(f"{source} row {n}: unknown municipality {row['kommun']!r}")
        try:
            datetime.fromisoformat(row["created"])
        except ValueError:
            raise CallwatchError(f"{source} row {n}: 'created' is not a timestamp") from None
        clean.append(
            Decision(
                row["call_id"], row["kommun"], row["status"], str(row.get("reason") or ""),
                str(row.get("note") or ""), str(row.get("by") or ""), row["created"],
            )
        )  # fmt: skip
    counts = {"imported": 0, "present": 0, "older": 0}
    with store.transaction(db):
        for d in sorted(clean, key=lambda d: d.created):
            same = db.conn.execute(
                "SELECT 1 FROM decisions WHERE call_id = ? AND kommun = ? AND status = ? AND "
                "created = ?",
                [d.call_id, d.kommun, d.status, d.created],
            ).fetchone()
            if same:
                counts["present"] += 1
                continue
            newest = db.conn.execute(
                "SELECT max(created) FROM decisions WHERE call_id = ? AND kommun = ?",
                [d.call_id, d.kommun],
            ).fetchone()[0]
            if newest and newest > d.created:
                counts["older"] += 1
                continue
            db.conn.execute(
                "INSERT INTO decisions (call_id, kommun, status, reason, note, by, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [d.call_id, d.kommun, d.status, d.reason, d.note, d.by, d.created],
            )
            counts["imported"] += 1
    return counts


def changes(db: Database, kommun: str | None = None) -> list[dict]:
    """Every decision ever recorded (of one municipality, or all), oldest first, with the
    call's title ('' when the call is not stored): `callwatch decisions --history`."""
    cur = db.execute(
        "SELECT d.created, d.kommun, d.call_id, d.status, d.reason, d.note, d.by, "
        "coalesce(c.title, '') AS title FROM decisions d LEFT JOIN calls c ON c.id = d.call_id "
        + ("WHERE d.kommun = ? " if kommun else "")
        + "ORDER BY d.id",
        [kommun] if kommun else [],
    )
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
