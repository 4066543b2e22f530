"""Writing one source's crawl into calls and call_history: rows from Calls and back, upserts with
field-level history, closing what a complete crawl lost, and re-deriving facts from stored text."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from callwatch.models import TRACKED_FIELDS, Call, validate
from callwatch.store.db import transaction
from callwatch.store.meta import bump_data_version

if TYPE_CHECKING:
    from callwatch.store.db import Database

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


def rederive_facts(db: Database, now: datetime | None = None) -> int:
    """Re-read the facts of every stored call from its stored text (no network)."""
    from callwatch import clock
    from callwatch.facts.apply import enrich

    now = now or clock.now()
    from_source = _status_from_source()
    cur = db.execute("SELECT * FROM calls")
    cols = [c[0] for c in cur.description]
    rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    for row in rows:
        call = row_to_call(row)
        enrich(call, now, status_from_source=from_source.get(call.source, False))
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


def _status_from_source() -> dict[str, bool]:
    """Per configured source, whether its status is the funder's own word (its adapter's
    STATUS_FROM_SOURCE)."""
    try:
        from callwatch import paths, sources

        return {s.id: s.status_from_source for s in sources.load_all(paths.sources_dir())}
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
    db: Database,
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
