"""Fetch runs: one row per source per fetch, started, finished or interrupted, and each source's
health read from them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from callwatch.store.db import transaction

if TYPE_CHECKING:
    from callwatch.store.db import Database


def start_run(db: Database, source: str, mode: str, now: datetime) -> int:
    with transaction(db):
        cur = db.conn.execute(
            "INSERT INTO runs (source, mode, started, status) VALUES (?, ?, ?, 'running')",
            [source, mode, now.isoformat()],
        )
    return int(cur.lastrowid or 0)


def interrupt_stale_runs(db: Database, now: datetime) -> int:
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


def finish_run(db: Database, run_id: int, **fields: object) -> None:
    with transaction(db):
        db.conn.execute(
            f"UPDATE runs SET {', '.join(f'{k} = ?' for k in fields)} WHERE id = ?",
            [*fields.values(), run_id],
        )


def source_stats(db: Database) -> dict[str, dict]:
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
