"""Read queries on the score tables (call_scores, theme_scores, profile_scores), alone or joined
with calls, for the ranking read model, reports and exports.

A second owner of the score tables beside callwatch.scoring, which writes them: the reads live
here so that scoring.py stays under the module size limit. Only scoring.py writes these tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils


def theme_evidence(db: sqlite_utils.Database, ids: list[str]) -> dict[str, str]:
    """call id -> theme evidence JSON as scored, read 500 calls at a time: what a CSV or
    calendar export says about the words that matched, for exactly the calls it writes."""
    evidence: dict[str, str] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        evidence.update(
            db.execute(
                "SELECT call_id, evidence FROM call_scores "
                f"WHERE call_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
        )
    return evidence
