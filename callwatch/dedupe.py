"""Cross-source deduplication: one call listed by several funders counts once.

Viable Cities, Smart Built Environment and DUT calls are also listed by the agencies that issue
them; EU partnership calls appear at national co-funders. Two listings are the same call when
they share a page URL or a diarienummer, or when their normalised titles (or the title a URL slug
spells out) are near-identical (rapidfuzz) and they close on the same day. The richest listing
becomes the canonical call; the others point to it with `duplicate_of` and are shown as "also
listed by". Nothing is deleted, and the links are recomputed from scratch after every change.
"""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import urlsplit

import sqlite_utils

from callwatch import store
from callwatch.rules import fold
from callwatch.unionfind import UnionFind

TITLE_MATCH = 88  # rapidfuzz token_set_ratio on normalised titles
MIN_TOKENS = 3  # titles shorter than this never match on title alone


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


def _slug(url: str) -> str:
    path = [p for p in urlsplit(url).path.split("/") if p]
    last = re.sub(r"\.\d+\.html$|\.html?$", "", path[-1] if path else "")
    return _norm(last.replace("-", " "))


def _dates(deadlines: list[str]) -> set[str]:
    return {d[:10] for d in deadlines}


def link(db: sqlite_utils.Database, intermediaries: set[str] | None = None) -> int:
    """Recompute duplicate_of for every call; returns how many calls point to another."""
    from rapidfuzz import fuzz

    intermediaries = intermediaries or set()
    rows = [
        store.row_to_dict(
            dict(
                zip(
                    ("id", "source", "title", "url", "deadlines", "extra", "description"),
                    r,
                    strict=True,
                )
            )
        )
        for r in db.execute(
            "SELECT id, source, title, url, deadlines, extra, description FROM calls"
        )
    ]
    uf = UnionFind(r["id"] for r in rows)
    find, union = uf.find, uf.union

    by_key: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_key["url:" + r["url"].rstrip("/").lower()].append(r)
        extra = r["extra"] or {}
        for k in ("diarienummer", "call_diarienummer"):
            if extra.get(k) and not str(extra[k]).startswith("constructed"):
                by_key[f"dnr:{extra[k]}"].append(r)
    for group in by_key.values():
        sources = {r["source"] for r in group}
        if len(sources) > 1:
            for r in group[1:]:
                if r["source"] != group[0]["source"]:
                    union(r["id"], group[0]["id"])
    by_date: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        for d in _dates(r["deadlines"]):
            by_date[d].append(r)
    for same_day in by_date.values():
        for i, a in enumerate(same_day):
            names_a = [
                n for n in {_norm(a["title"]), _slug(a["url"])} if len(n.split()) >= MIN_TOKENS
            ]
            for b in same_day[i + 1 :]:
                if a["source"] == b["source"] or find(a["id"]) == find(b["id"]):
                    continue
                names_b = [
                    n for n in {_norm(b["title"]), _slug(b["url"])} if len(n.split()) >= MIN_TOKENS
                ]
                if any(
                    fuzz.token_set_ratio(x, y) >= TITLE_MATCH
                    and min(len(x.split()), len(y.split())) >= MIN_TOKENS
                    for x in names_a
                    for y in names_b
                ):
                    union(a["id"], b["id"])
    by_id = {r["id"]: r for r in rows}
    updates: list[tuple[str | None, str]] = []
    linked = 0
    for ids in uf.groups():
        members = [by_id[i] for i in ids]
        if len(members) == 1:
            updates.append((None, members[0]["id"]))
            continue
        canonical = max(
            members,
            key=lambda r: (
                r["source"] not in intermediaries,
                len(r["description"] or ""),
                -len(r["id"]),
            ),
        )
        for r in members:
            target = None if r is canonical else canonical["id"]
            linked += target is not None
            updates.append((target, r["id"]))
    with store.transaction(db):
        db.conn.executemany("UPDATE calls SET duplicate_of = ? WHERE id = ?", updates)
    return linked


def also_listed(db: sqlite_utils.Database, call_id: str) -> list[dict]:
    """The other listings of the same call: source, id and URL."""
    row = db.execute("SELECT duplicate_of FROM calls WHERE id = ?", [call_id]).fetchone()
    canonical = (row[0] if row and row[0] else None) or call_id
    cur = db.execute(
        "SELECT id, source, url FROM calls WHERE (duplicate_of = ? OR id = ?) AND id != ? ORDER BY id",
        [canonical, canonical, call_id],
    )
    return [dict(zip(("id", "source", "url"), r, strict=True)) for r in cur.fetchall()]
