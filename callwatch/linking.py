"""Linking in proportion to what changed: cross-source duplicates (dedupe.py) and rounds of
recurring calls (recurring.py), found through an index of normalised keys.

Each call's keys are kept with the content hash they were derived from: in `link_keys` the names
compared for duplicates and the stripped title, funder, year and series key compared for rounds;
indexed in `link_exact` (page URL, diarienummer), `link_days` (closing days) and `link_words`
(title words, flagged when among the call's first words in one order for all calls: rarer words
first, by the word counts in `link_df`, a snapshot renewed when the collection has doubled). The fuzzy links found between two calls are kept in `link_pairs`.

A fetch re-derives the keys of new and changed calls only and compares each with its block,
looked up in those indexes: the other sources' listings closing the same day, and the calls that
share a word with its first words or have one of their first words in its title (prefix
filtering: near-identical titles, or a title inside another, share such a word). The groups are
then rebuilt from the links and the shared exact and series keys only (calls linked to nothing
are not visited), and only rows whose `duplicate_of` or `series` changed are written.

`link()` is the one entry point; `dedupe.groups()` and `recurring.series_groups()` return the
groups it stored, for steps that run after linking.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from callwatch import dedupe, recurring, store
from callwatch.unionfind import UnionFind

if TYPE_CHECKING:
    from callwatch.store.db import Database

VERSION = "2"  # bump when the keys or the matching rules change: every call is re-keyed
KEY_COLUMNS = (
    "call_id", "content_hash", "pos", "source", "names", "desc_len", "title_key", "funder_key",
    "year", "series_key", "by_title",
)  # fmt: skip
LINK_TABLES = ("link_keys", "link_exact", "link_days", "link_words", "link_pairs", "link_df")


@dataclass
class LinkStats:
    changed: int  # calls whose keys were (re)derived
    duplicates: int  # calls pointing to another listing of the same call
    linked: int  # calls in a series of at least two rounds


def link(
    db: Database,
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
            for table in LINK_TABLES:
                conn.execute(f"DELETE FROM {table}")
            store.delete_meta(db, "link_df_titles")  # counts renewed too
            store.set_meta(db, "link_config", config)
        changed = _rekey(db, by_source)
        _index_words(db, changed)
        if changed:
            conn.executemany(
                "DELETE FROM link_pairs WHERE a = ? OR b = ?", [(c, c) for c in changed]
            )
            pairs = [(a, b, "dup") for a, b in _duplicate_pairs(db, changed)]
            pairs += [(a, b, "round") for a, b in _round_pairs(db, changed)]
            conn.executemany(
                "INSERT OR IGNORE INTO link_pairs (a, b, kind) VALUES (?, ?, ?)", pairs
            )
        dup_of = _duplicates(db, intermediaries or set())
        series = _series(db, dup_of)
        return LinkStats(len(changed), *_write(db, dup_of, series))


def first_words(title_key: str, df: dict[str, int]) -> tuple[list[str], int]:
    """A title's distinct words, rarest first (one order for all calls: the counts of the
    snapshot, words it has not seen first), and how many of them are indexed as its first
    words: near-identical titles differ in fewer words than that."""
    words = sorted(set(title_key.split()), key=lambda w: (df.get(w, 0), w))
    return words, min(len(words), 2 + len(words) // 4)


def _index_words(db: Database, changed: set[str]) -> None:
    """Index the changed titles' words; renew the word counts, and with them every call's first
    words, when the titles have doubled since the last snapshot (linear, and rare)."""
    conn = db.conn
    snapshot = int(store.get_meta(db, "link_df_titles") or 0)
    count = conn.execute("SELECT count(*) FROM link_keys WHERE by_title = 1").fetchone()[0]
    rebuild = count > 2 * snapshot
    titles = {
        cid: t
        for cid, t in conn.execute(
            "SELECT call_id, title_key FROM link_keys WHERE by_title = 1"
            if rebuild
            else "SELECT call_id, title_key FROM link_keys WHERE by_title = 1 AND call_id IN "
            "(SELECT value FROM json_each(?))",
            [] if rebuild else [json.dumps(sorted(changed))],
        )
        if recurring.title_candidate(t or "")
    }
    if rebuild:
        df: Counter[str] = Counter()
        for t in titles.values():
            df.update(set(t.split()))
        conn.execute("DELETE FROM link_df")
        conn.executemany("INSERT INTO link_df (word, n) VALUES (?, ?)", df.items())
        store.set_meta(db, "link_df_titles", str(len(titles)))
        conn.execute("DELETE FROM link_words")
        todo = list(titles)
    else:
        df = Counter(dict(conn.execute("SELECT word, n FROM link_df")))
        todo = [c for c in changed if c in titles]
    rows = []
    for cid in todo:
        order, n = first_words(titles[cid], df)
        rows += [(w, cid, int(i < n)) for i, w in enumerate(order)]
    conn.executemany("INSERT INTO link_words (word, call_id, first) VALUES (?, ?, ?)", rows)


def _rekey(db: Database, by_source: dict[str, Any]) -> set[str]:
    """Derive and index the keys of calls that are new or changed since they were last keyed."""
    conn = db.conn
    gone = [
        r[0]
        for r in conn.execute(
            "SELECT call_id FROM link_keys WHERE call_id NOT IN (SELECT id FROM calls)"
        )
    ]
    cur = conn.execute(
        "SELECT c.id, c.rowid, c.source, c.title, c.url, c.deadlines, c.opens, c.extra, "
        "length(c.description), c.funder, c.content_hash FROM calls c "
        "LEFT JOIN link_keys k ON k.call_id = c.id "
        "WHERE k.call_id IS NULL OR k.content_hash IS NOT c.content_hash"
    )
    rows, exact, days = [], [], []
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
                cid, h, pos, source, json.dumps(d["names"], ensure_ascii=False), desc_len or 0,
                r["title_key"], r["funder_key"], r["year"], r["series_key"], int(r["by_title"]),
            )
        )  # fmt: skip
        exact += [(k, cid) for k in dict.fromkeys(d["exact"])]
        if d["names"]:
            days += [(day, cid) for day in d["dates"]]
    stale = [(r[0],) for r in rows] + [(g,) for g in gone]
    for table in LINK_TABLES[:4]:
        conn.executemany(f"DELETE FROM {table} WHERE call_id = ?", stale)
    conn.executemany(
        f"INSERT INTO link_keys ({', '.join(KEY_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(KEY_COLUMNS))})",
        rows,
    )
    conn.executemany("INSERT OR IGNORE INTO link_exact (key, call_id) VALUES (?, ?)", exact)
    conn.executemany("INSERT OR IGNORE INTO link_days (day, call_id) VALUES (?, ?)", days)
    return {r[0] for r in rows} | set(gone)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _keys_of(db: Database, ids: list[str]) -> dict[str, dict]:
    out = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        cur = db.conn.execute(
            f"SELECT {', '.join(KEY_COLUMNS)} FROM link_keys "
            f"WHERE call_id IN ({', '.join('?' * len(chunk))})",
            chunk,
        )
        for r in cur:
            out[r[0]] = dict(zip(KEY_COLUMNS, r, strict=True))
    return out


def _title_keys(db: Database, ids: list[str] | None) -> dict[str, dict]:
    """What same_series() compares, for the given calls (None: every title candidate)."""
    sql = "SELECT call_id, title_key, funder_key, year FROM link_keys"
    chunks = [None] if ids is None else [ids[i : i + 500] for i in range(0, len(ids), 500)]
    out = {}
    for chunk in chunks:
        where = (
            " WHERE by_title = 1"
            if chunk is None
            else f" WHERE call_id IN ({', '.join('?' * len(chunk))})"
        )
        for cid, t, f, y in db.conn.execute(sql + where, chunk or []):
            out[cid] = {"title_key": t, "funder_key": f, "year": y}
    return out


def _duplicate_pairs(db: Database, changed: set[str]) -> set[tuple[str, str]]:
    """Changed listings against the other sources' listings that close the same day."""
    conn = db.conn
    found: set[tuple[str, str]] = set()
    same_day = _SameDay(db) if len(changed) > BULK else None
    for cid, k in _keys_of(db, sorted(changed)).items():
        names = json.loads(k["names"])
        if not names:
            continue  # too short to match on title alone
        if same_day is not None:
            rows: Iterable[tuple[str, str]] = same_day.others(cid, k["source"])
        else:
            rows = conn.execute(
                "SELECT DISTINCT k.call_id, k.names FROM link_days d "
                "JOIN link_days o ON o.day = d.day AND o.call_id != d.call_id "
                "JOIN link_keys k ON k.call_id = o.call_id "
                "WHERE d.call_id = ? AND k.source != ?",
                [cid, k["source"]],
            )
        owners, block = [], []
        for other, other_names in rows:
            if other in changed and other < cid:
                continue  # compared when `other` was the changed one
            for n in json.loads(other_names):
                owners.append(other)
                block.append(n)
        found.update(_pair(cid, owners[i]) for i in dedupe.similar_names(names, block))
    return found


class _SameDay:
    """The closing-day index (link_days) in memory, for linking many changed calls: per day,
    per source, the listings closing that day with their names."""

    def __init__(self, db: Database) -> None:
        self.days: dict[str, list[str]] = defaultdict(list)  # call -> its closing days
        self.on: dict[str, dict[str, dict[str, str]]] = defaultdict(
            dict
        )  # day -> source -> call -> names
        for day, cid, source, names in db.conn.execute(
            "SELECT d.day, d.call_id, k.source, k.names FROM link_days d "
            "JOIN link_keys k ON k.call_id = d.call_id"
        ):
            self.days[cid].append(day)
            self.on[day].setdefault(source, {})[cid] = names

    def others(self, cid: str, source: str) -> list[tuple[str, str]]:
        """What the per-call query finds: (call id, names) of the other sources' listings
        closing on one of the days `cid` closes, each once."""
        out: dict[str, str] = {}
        for day in self.days.get(cid, ()):
            for other_source, listings in self.on[day].items():
                if other_source != source:
                    out.update(listings)
        out.pop(cid, None)
        return list(out.items())


def _round_pairs(db: Database, changed: set[str]) -> set[tuple[str, str]]:
    """Changed calls against the calls sharing a word with their first words, or having one
    of their own first words in the changed call's title."""
    conn = db.conn
    cache: dict[tuple[str, str], bool] = {}

    def funder_similar(fa: str, fb: str) -> bool:
        key = (fa, fb) if fa <= fb else (fb, fa)
        if key not in cache:
            cache[key] = recurring.funder_similar(fa, fb)
        return cache[key]

    df = dict(conn.execute("SELECT word, n FROM link_df"))
    # many changed calls (a first link, a large import): read every title and the word index
    # once, not per block
    bulk = len(changed) > BULK
    every = _title_keys(db, None) if bulk else None
    blocks = _Blocks(db, changed) if bulk else None
    found: set[tuple[str, str]] = set()
    for cid, a in _keys_of(db, sorted(changed)).items():
        if not a["by_title"] or not recurring.title_candidate(a["title_key"] or ""):
            continue
        order, n = first_words(a["title_key"], df)
        near: Collection[str]
        if blocks is not None:
            near = blocks.near(cid, order, n)
        else:
            near = [
                r[0]
                for r in conn.execute(
                    f"SELECT call_id FROM link_words WHERE word IN ({', '.join('?' * n)}) "
                    f"UNION SELECT call_id FROM link_words WHERE first = 1 AND "
                    f"word IN ({', '.join('?' * len(order))})",
                    [*order[:n], *order],
                )
                if r[0] != cid and not (r[0] in changed and r[0] < cid)
            ]
        if not near:
            continue
        if every is not None:
            others, ids = every, list(near)
        else:
            others = _title_keys(db, list(near))
            ids = list(others)
        titles = [others[o]["title_key"] for o in ids]
        # the block's titles are screened in one rapidfuzz call; same_series() decides
        for i in recurring.similar_titles(a["title_key"], titles):
            if recurring.same_series(a, others[ids[i]], funder_similar):
                found.add(_pair(cid, ids[i]))
    return found


BULK = 1000  # more changed calls than this: _round_pairs reads the word index once


class _Blocks:
    """The word index (link_words) in memory, for linking many changed calls: per word, the
    calls holding it and those holding it among their first words. Each list is split into
    changed calls, sorted, and the others: a changed call is compared only with changed calls
    after it (the pair was compared from the other side), so only that tail is taken."""

    def __init__(self, db: Database, changed: set[str]) -> None:
        self.changed = changed
        self.any: dict[str, tuple[list[str], list[str]]] = {}
        self.first: dict[str, tuple[list[str], list[str]]] = {}
        for word, cid, first in db.conn.execute("SELECT word, call_id, first FROM link_words"):
            side = 0 if cid in changed else 1
            self.any.setdefault(word, ([], []))[side].append(cid)
            if first:
                self.first.setdefault(word, ([], []))[side].append(cid)
        for index in (self.any, self.first):
            for mine, _ in index.values():
                mine.sort()

    def near(self, cid: str, order: list[str], n: int) -> set[str]:
        """What the per-call query finds: the calls sharing one of `cid`'s first `n` words
        (`order`: its words, rarest first), or having one of its words among their first
        words; without `cid` and the changed calls before it."""
        from bisect import bisect_right

        out: set[str] = set()
        for index, words in ((self.any, order[:n]), (self.first, order)):
            for w in words:
                lists = index.get(w)
                if lists is not None:
                    mine, others = lists
                    out.update(mine[bisect_right(mine, cid) :])
                    out.update(others)
        return out


def _duplicates(db: Database, intermediaries: set[str]) -> dict[str, str]:
    """call id -> the canonical listing it duplicates, for every call that has one. Only calls
    sharing an exact key or holding a link are visited."""
    conn = db.conn
    uf = UnionFind(())
    groups: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for key, cid, source, pos in conn.execute(
        "SELECT e.key, e.call_id, k.source, k.pos FROM link_exact e "
        "JOIN link_keys k ON k.call_id = e.call_id WHERE e.key IN "
        "(SELECT key FROM link_exact GROUP BY key HAVING count(*) > 1)"
    ):
        groups[key].append((pos, cid, source))
    for group in groups.values():
        group.sort()
        if len({source for _, _, source in group}) > 1:
            _, first, first_source = group[0]  # the earliest stored listing with this key
            for _, cid, source in group[1:]:
                if source != first_source:
                    uf.add(cid)
                    uf.add(first)
                    uf.union(cid, first)
    for a, b in conn.execute("SELECT a, b FROM link_pairs WHERE kind = 'dup'"):
        uf.add(a)
        uf.add(b)
        uf.union(a, b)
    members = [ids for ids in uf.groups() if len(ids) > 1]
    keys = _keys_of(db, [i for ids in members for i in ids])
    out: dict[str, str] = {}
    for ids in members:
        rows = sorted((dict(keys[i], id=i) for i in ids), key=lambda r: r["pos"])
        best = dedupe.canonical(rows, intermediaries)["id"]
        out.update((r["id"], best) for r in rows if r["id"] != best)
    return out


def _series(db: Database, dup_of: dict[str, str]) -> dict[str, str]:
    """call id -> its series (the smallest id among its rounds), for canonical calls in one."""
    conn = db.conn
    uf = UnionFind(())
    first: dict[str, str] = {}
    for key, cid in conn.execute(
        "SELECT series_key, call_id FROM link_keys WHERE series_key IN (SELECT series_key "
        "FROM link_keys WHERE series_key IS NOT NULL GROUP BY series_key HAVING count(*) > 1)"
    ):
        if cid not in dup_of:
            uf.add(cid)
            uf.union(cid, first.setdefault(key, cid))
    for a, b in conn.execute("SELECT a, b FROM link_pairs WHERE kind = 'round'"):
        if a not in dup_of and b not in dup_of:
            uf.add(a)
            uf.add(b)
            uf.union(a, b)
    out: dict[str, str] = {}
    for members in uf.groups():
        if len(members) > 1:
            series = min(members)
            out.update((m, series) for m in members)
    return out


def _write(db: Database, dup_of: dict[str, str], series: dict[str, str]) -> tuple[int, int]:
    """Write only the rows whose links changed; returns (duplicates, calls in a series)."""
    current = store.links(db)
    updates = []
    for cid in set(current) | set(dup_of) | set(series):
        new = (dup_of.get(cid), series.get(cid))
        if current.get(cid, (None, None)) != new:
            updates.append((*new, cid))
    store.set_links(db, updates)
    return len(dup_of), len(series)
