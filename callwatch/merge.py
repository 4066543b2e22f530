"""One call listed by several funders carries the best facts of all its listings.

Linking (dedupe.py) decides which listings are the same call and which one is canonical; this
step runs after it and only reads the groups it produced. For every group it merges, field by
field, the best value any listing gives (the longest text, a budget where one listing has none,
every deadline day, the contract's facts columns where present), remembers which listing each
value came from, and keeps the result in `merged_calls`. Nothing in `calls` is changed, so a
re-fetch never sees merged values as changes; readers (scoring, rank, explain, show, reports)
lay the merged facts over the canonical call with overlay().

Example: "Gemensam acceleration mot Klimatneutrala städer 2030" is a bare card at
Energimyndigheten (canonical: Viable Cities only relists) and a full page at Viable Cities
(20 MSEK, "At least two of the parties must be cities/municipalities"); the call ranked and
explained is Energimyndigheten's, with Viable Cities' budget and text.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import TYPE_CHECKING

from callwatch import clock, store
from callwatch.dates import next_or_last_deadline

if TYPE_CHECKING:
    from callwatch.store.db import Database

TEXT_FIELDS = ("title", "summary", "description", "eligibility")  # longest wins
# the shared contract's fact columns (facts migration); merged only where the table has them
CONTRACT_FIELDS = (
    "max_per_project", "min_per_project", "funding_rate_max", "cofinancing_required",
    "consortium_required", "min_municipalities", "municipality_may_apply", "applicants", "stale",
)  # fmt: skip
JSON_COLUMNS = ("deadlines", "keywords", "extra", "applicants", "facts")


def _empty(v: object) -> bool:
    """No fact: nothing, an empty list (also as JSON text), or a verdict that says "don't know"."""
    return v is None or v in ("", [], {}, "[]", "{}", "null", "unclear", "unknown")


def _richness(row: dict) -> tuple:
    """Which listing says most: a page over a bare listing card, then the amount of text."""
    extra = row.get("extra") or {}
    return (
        not extra.get("from_listing_only"),
        len(row.get("description") or "") + len(row.get("eligibility") or ""),
        row.get("budget_amount") is not None,
        -len(row["id"]),
    )


def merge_group(canonical: dict, members: list[dict], columns: set[str]) -> tuple[dict, dict]:
    """(merged fields, field -> id of the listing it came from) for one group of listings."""
    ordered = sorted(members, key=_richness, reverse=True)
    fields: dict = {}
    sources: dict[str, str] = {}

    def take(name: str, candidates: list[dict]) -> None:
        for row in candidates:
            if not _empty(row.get(name)):
                if row[name] != canonical.get(name):
                    fields[name] = row[name]
                sources[name] = row["id"]
                return

    for name in TEXT_FIELDS:
        longest = sorted(ordered, key=lambda r: len(r.get(name) or ""), reverse=True)
        take(name, longest if name != "title" else [canonical, *ordered])
    # a budget and its currency come together, from the richest listing that states one
    for row in ordered:
        if row.get("budget_amount"):
            if row["budget_amount"] != canonical.get("budget_amount"):
                fields["budget_amount"] = row["budget_amount"]
                fields["budget_currency"] = row.get("budget_currency")
            sources["budget_amount"] = row["id"]
            break
    # every deadline day any listing gives; per day the richest listing's time
    by_day: dict[str, str] = {}
    for row in ordered:
        for d in row.get("deadlines") or []:
            by_day.setdefault(d[:10], d)
            sources.setdefault("deadlines", row["id"])
    deadlines = sorted(by_day.values())
    if deadlines != (canonical.get("deadlines") or []):
        fields["deadlines"] = deadlines
    take("opens", ordered)
    # status: the canonical listing's, unless it has no evidence and another listing has
    if _empty(canonical.get("status")) or (canonical.get("extra") or {}).get("from_listing_only"):
        take("status", [r for r in ordered if not (r.get("extra") or {}).get("from_listing_only")])
    for name in CONTRACT_FIELDS:
        if name in columns:
            take(name, ordered)
    if "facts" in columns:
        facts = _merge_facts(ordered)
        if facts:
            fields["facts"] = facts
    return fields, sources


def _merge_facts(ordered: list[dict]) -> dict:
    """The facts JSON of all listings: per fact the richest listing's, with its source."""
    out: dict = {}
    for row in ordered:
        facts = row.get("facts")
        if isinstance(facts, str):
            try:
                facts = json.loads(facts)
            except json.JSONDecodeError:
                facts = None
        if not isinstance(facts, dict):
            continue
        for key, value in facts.items():
            if key in out or _empty(value):
                continue
            out[key] = {**value, "source": row["id"]} if isinstance(value, dict) else value
    return out


def refresh(db: Database) -> int:
    """Recompute merged_calls from the current links; returns how many calls carry merged facts.
    A canonical call whose merged facts changed is re-scored on the next scoring refresh."""
    groups: dict[str, list[str]] = defaultdict(list)
    for cid, canonical in store.duplicate_links(db, by_id=False):
        groups[canonical].append(cid)
    columns = store.call_columns(db)
    old = {r[0]: r[1] for r in db.execute("SELECT call_id, hash FROM merged_calls")}
    rows: list[tuple] = []
    for canonical_id, others in groups.items():
        ids = [canonical_id, *others]
        members = store.calls_by_id(db, ids)
        if canonical_id not in members:
            continue
        fields, sources = merge_group(
            members[canonical_id], [members[i] for i in ids if i in members], columns
        )
        blob = json.dumps([fields, sources], sort_keys=True, ensure_ascii=False, default=str)
        digest = hashlib.sha256(blob.encode()).hexdigest()[:32]
        rows.append((canonical_id, json.dumps(sorted(ids)), blob, digest))
    new = {r[0]: r[3] for r in rows}
    changed = {cid for cid in set(old) | set(new) if old.get(cid) != new.get(cid)}
    if not changed:
        return len(rows)
    from callwatch import scoring  # (scoring imports this module)

    with store.transaction(db):
        db.conn.execute("DELETE FROM merged_calls")
        db.conn.executemany(
            "INSERT INTO merged_calls (call_id, members, merged, hash) VALUES (?, ?, ?, ?)", rows
        )
        # their scores were computed from one listing's text: score them again
        scoring.forget(db, changed)
        store.bump_data_version(db)
    return len(rows)


def load(db: Database) -> dict[str, tuple[dict, dict]]:
    """Every canonical call's merged fields and their sources."""
    try:
        cur = db.execute("SELECT call_id, merged FROM merged_calls")
    except Exception:  # noqa: BLE001 - a database from before this step: nothing merged
        return {}
    out = {}
    for cid, blob in cur.fetchall():
        fields, sources = json.loads(blob)
        out[cid] = (fields, sources)
    return out


def member_lists(db: Database) -> list[tuple[str, str]] | None:
    """(canonical id, members JSON) of every merged call, for finding the merged calls a set of
    listings touches; None on a database from before merging."""
    try:
        return db.execute("SELECT call_id, members FROM merged_calls").fetchall()
    except Exception:  # noqa: BLE001 - a database from before merging
        return None


def overlay(row: dict, merged: dict[str, tuple[dict, dict]], *, as_json: bool = False) -> dict:
    """`row` (a calls row or part of one) with its merged facts laid over it, for the columns
    the row has; `merged_from` names the listing of each fact. as_json keeps JSON columns as
    the JSON text the row holds (rank reads deadlines as text)."""
    entry = merged.get(row.get("id", ""))
    if entry is None:
        return row
    fields, sources = entry
    out = dict(row)
    for name, value in fields.items():
        if name in out:
            out[name] = (
                json.dumps(value, ensure_ascii=False, sort_keys=True)
                if as_json and name in JSON_COLUMNS and not isinstance(value, str)
                else value
            )
    if "next_deadline" in out and isinstance(fields.get("deadlines"), list):
        out["next_deadline"] = next_or_last_deadline(fields["deadlines"], clock.now())
    out["merged_from"] = sources
    return out


def canonical_id(db: Database, call_id: str) -> str:
    """The id a linked listing is ranked and explained under (itself when not linked)."""
    return store.duplicate_of(db, call_id) or call_id
