"""Linking in proportion to what changed: cross-source duplicates (dedupe.py) and rounds of
recurring calls (recurring.py), found through an index of normalised keys.

Each call's keys (page URL and diarienummer, the names and closing days compared for duplicates,
the stripped title, funder, year and series key compared for rounds) are kept in `link_keys` with
the content hash they were derived from. The fuzzy links found between two calls are kept in
`link_pairs`. A fetch re-derives the keys of new and changed calls only and compares each of them
with its block: the listings of other sources that close the same day, and the calls that share
one of its rarest title words (prefix filtering: near-identical titles share a rare word). The
groups are then rebuilt from the stored keys and links, which is linear in the number of calls,
and only rows whose `duplicate_of` or `series` changed are written.

`link()` is the one entry point; `dedupe.groups()` and `recurring.series_groups()` return the
groups it stored, for steps that run after linking.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from callwatch import dedupe, recurring, store
from callwatch.unionfind import UnionFind

if TYPE_CHECKING:
    import sqlite_utils

VERSION = "1"  # bump when the keys or the matching rules change: every call is re-keyed
KEY_COLUMNS = (
    "call_id", "content_hash", "pos", "source", "exact", "names", "dates", "desc_len",
    "title_key", "funder_key", "year", "series_key", "by_title",
)  # fmt: skip


@dataclass
class LinkStats:
    changed: int  # calls whose keys were (re)derived
    duplicates: int  # calls pointing to another listing of the same call
    linked: int  # calls in a series of at least two rounds


def link(
    db: sqlite_utils.Database,
    specs: Iterable[Any] | None = None,
    intermediaries: set[str] | None = None,
) -> LinkStats:
    """Bring duplicate_of and series up to date with the calls; returns what was done.

    `specs` (the sources) supply the adapters' series keys; when given and different from the
    last run's, every call is re-keyed. `intermediaries` are sources that only relist others'
    calls and are never canonical."""
    specs = list(specs or [])
    by_source = {s.id: s for s in specs}
    config = json.dumps([VERSION, sorted((s.id, s.kind) for s in specs)], separators=(",", ":"))
    conn = db.conn
    with store.transaction(db):
        if specs and store.get_meta(db, "link_config") != config:
            conn.execute("DELETE FROM link_keys")
            conn.execute("DELETE FROM link_pairs")
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('link_config', ?)", [config]
            )
        changed = _rekey(db, by_source)
        keys = _load_keys(db)
        if changed:
            _relink(db, keys, changed)
        dup_of = _duplicates(db, keys, intermediaries or set())
        series = _series(db, keys, dup_of)
        duplicates, linked = _write(db, dup_of, series)
    return LinkStats(len(changed), duplicates, linked)


def _rekey(db: sqlite_utils.Database, by_source: dict[str, Any]) -> set[str]:
    """Derive the keys of calls that are new or changed since they were last keyed."""
    conn = db.conn
    conn.execute("DELETE FROM link_keys WHERE call_id NOT IN (SELECT id FROM calls)")
    cur = conn.execute(
        "SELECT c.id, c.rowid, c.source, c.title, c.url, c.deadlines, c.opens, c.extra, "
        "length(c.description), c.funder, c.content_hash FROM calls c "
        "LEFT JOIN link_keys k ON k.call_id = c.id "
        "WHERE k.call_id IS NULL OR k.content_hash IS NOT c.content_hash"
    )
    rows = []
    for cid, pos, source, title, url, deadlines, opens, extra, desc_len, funder, h in cur:
        row = {
            "id": cid,
            "source": source,
            "title": title or "",
            "url": url or "",
            "deadlines": json.loads(deadlines or "[]"),
            "opens": opens,
            "extra": json.loads(extra or "{}"),
            "funder": funder,
        }
        d = dedupe.keys(row)
        r = recurring.keys(row, by_source.get(source))
        rows.append(
            (
                cid, h, pos, source, json.dumps(d["exact"], ensure_ascii=False),
                json.dumps(d["names"], ensure_ascii=False), json.dumps(d["dates"]),
                desc_len or 0, r["title_key"], r["funder_key"], r["year"], r["series_key"],
                int(r["by_title"]),
            )
        )  # fmt: skip
    conn.executemany(
        f"INSERT OR REPLACE INTO link_keys ({', '.join(KEY_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(KEY_COLUMNS))})",
        rows,
    )
    return {r[0] for r in rows}


def _load_keys(db: sqlite_utils.Database) -> list[dict]:
    cur = db.conn.execute(f"SELECT {', '.join(KEY_COLUMNS)} FROM link_keys ORDER BY pos")
    out = []
    for r in cur:
        k = dict(zip(KEY_COLUMNS, r, strict=True))
        k["id"] = k.pop("call_id")
        out.append(k)
    return out


def _relink(db: sqlite_utils.Database, keys: list[dict], changed: set[str]) -> None:
    """Replace the stored fuzzy links of the changed calls with freshly found ones."""
    conn = db.conn
    conn.executemany("DELETE FROM link_pairs WHERE a = ? OR b = ?", [(c, c) for c in changed])
    pairs = [(a, b, "dup") for a, b in _duplicate_pairs(keys, changed)]
    pairs += [(a, b, "round") for a, b in _round_pairs(keys, changed)]
    conn.executemany("INSERT OR IGNORE INTO link_pairs (a, b, kind) VALUES (?, ?, ?)", pairs)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _duplicate_pairs(keys: list[dict], changed: set[str]) -> set[tuple[str, str]]:
    """Changed listings against the other sources' listings that close the same day."""
    names: dict[str, list[str]] = {}
    by_day: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    source: dict[str, str] = {}
    for k in keys:
        n = json.loads(k["names"])
        if not n:
            continue  # too short to match on title alone
        names[k["id"]] = n
        source[k["id"]] = k["source"]
        for d in json.loads(k["dates"]):
            by_day[d][k["source"]].append(k["id"])
    found: set[tuple[str, str]] = set()
    days: dict[str, list[str]] = {}
    for k in keys:
        if k["id"] in changed and k["id"] in names:
            days[k["id"]] = json.loads(k["dates"])
    for cid, dates in days.items():
        mine = names[cid]
        for d in dates:
            for src, ids in by_day[d].items():
                if src == source[cid]:
                    continue
                for other in ids:
                    if other in changed and other < cid:
                        continue  # compared when `other` was the changed one
                    pair = _pair(cid, other)
                    if pair not in found and dedupe.same_call(mine, names[other]):
                        found.add(pair)
    return found


def _round_pairs(keys: list[dict], changed: set[str]) -> set[tuple[str, str]]:
    """Changed calls against the calls sharing a rare word of their stripped title."""
    cands = {
        k["id"]: k
        for k in keys
        if k["by_title"] and recurring.title_candidate(k["title_key"] or "")
    }
    tokens = {cid: set(k["title_key"].split()) for cid, k in cands.items()}
    df: Counter[str] = Counter()
    for toks in tokens.values():
        df.update(toks)
    full: dict[str, list[str]] = defaultdict(list)  # word -> calls with it
    prefix: dict[str, list[str]] = defaultdict(list)  # word -> calls with it among their rarest
    ordered: dict[str, list[str]] = {}
    for cid, toks in tokens.items():
        order = sorted(toks, key=lambda t: (df[t], t))
        ordered[cid] = order
        for t in order:
            full[t].append(cid)
        for t in order[: _prefix_len(len(order))]:
            prefix[t].append(cid)
    cache: dict[tuple[str, str], bool] = {}

    def funder_similar(fa: str, fb: str) -> bool:
        key = (fa, fb) if fa <= fb else (fb, fa)
        if key not in cache:
            cache[key] = recurring.funder_similar(fa, fb)
        return cache[key]

    found: set[tuple[str, str]] = set()
    for cid in changed:
        if cid not in cands:
            continue
        order = ordered[cid]
        near: set[str] = set()
        for t in order[: _prefix_len(len(order))]:
            near.update(full[t])
        for t in order:
            near.update(prefix.get(t, ()))
        near.discard(cid)
        a = cands[cid]
        for other in near:
            if other in changed and other < cid:
                continue
            if recurring.same_series(a, cands[other], funder_similar):
                found.add(_pair(cid, other))
    return found


def _prefix_len(n: int) -> int:
    """How many of a title's rarest words are indexed: two near-identical titles differ in
    fewer words than this, so they share one of them."""
    return min(n, 2 + n // 4)


def _duplicates(
    db: sqlite_utils.Database, keys: list[dict], intermediaries: set[str]
) -> dict[str, str | None]:
    """call id -> the canonical listing it duplicates (None for canonical and single ones)."""
    uf = UnionFind(k["id"] for k in keys)
    by_key: dict[str, list[dict]] = defaultdict(list)
    for k in keys:
        for e in json.loads(k["exact"]):
            by_key[e].append(k)
    for group in by_key.values():
        if len(group) > 1 and len({r["source"] for r in group}) > 1:
            first = group[0]  # the earliest stored listing with this URL or diarienummer
            for r in group[1:]:
                if r["source"] != first["source"]:
                    uf.union(r["id"], first["id"])
    for a, b in db.conn.execute("SELECT a, b FROM link_pairs WHERE kind = 'dup'"):
        if a in uf.parent and b in uf.parent:
            uf.union(a, b)
    by_id = {k["id"]: k for k in keys}
    out: dict[str, str | None] = {}
    for ids in uf.groups():
        if len(ids) == 1:
            out[ids[0]] = None
            continue
        members = sorted((by_id[i] for i in ids), key=lambda r: r["pos"])
        best = dedupe.canonical(members, intermediaries)["id"]
        for r in members:
            out[r["id"]] = None if r["id"] == best else best
    return out


def _series(
    db: sqlite_utils.Database, keys: list[dict], dup_of: dict[str, str | None]
) -> dict[str, str | None]:
    """call id -> its series (the smallest id among its rounds), among canonical listings."""
    canonical = [k for k in keys if dup_of.get(k["id"]) is None]
    uf = UnionFind(k["id"] for k in canonical)
    first: dict[str, str] = {}
    for k in canonical:
        if k["series_key"]:
            uf.union(k["id"], first.setdefault(k["series_key"], k["id"]))
    for a, b in db.conn.execute("SELECT a, b FROM link_pairs WHERE kind = 'round'"):
        if a in uf.parent and b in uf.parent:
            uf.union(a, b)
    out: dict[str, str | None] = {k["id"]: None for k in keys}
    for members in uf.groups():
        if len(members) > 1:
            series = min(members)
            for m in members:
                out[m] = series
    return out


def _write(
    db: sqlite_utils.Database, dup_of: dict[str, str | None], series: dict[str, str | None]
) -> tuple[int, int]:
    """Write only the rows whose links changed; returns (duplicates, calls in a series)."""
    updates = []
    for cid, old_dup, old_series in db.conn.execute("SELECT id, duplicate_of, series FROM calls"):
        new_dup, new_series = dup_of.get(cid), series.get(cid)
        if (old_dup, old_series) != (new_dup, new_series):
            updates.append((new_dup, new_series, cid))
    db.conn.executemany("UPDATE calls SET duplicate_of = ?, series = ? WHERE id = ?", updates)
    duplicates = sum(1 for v in dup_of.values() if v)
    linked = sum(1 for v in series.values() if v)
    return duplicates, linked
