"""Recurring calls: rounds of the same call across years are linked into a series.

Signals, strongest first: Vinnova's parent call number (DiarienummerUtlysning), an EU topic
identifier without its year, and for the rest a normalised title with years, round numbers and
seasons stripped that matches (rapidfuzz) another call from a similar funder in a different
year. A series with rounds in at least two years gives an *expected to reopen* month for a
closed call; without such history no date is ever guessed.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

import sqlite_utils

from callwatch import store
from callwatch.rules import fold
from callwatch.unionfind import UnionFind

TITLE_MATCH = 88  # rapidfuzz token_sort_ratio on stripped titles
FUNDER_MATCH = 80
_STRIP = re.compile(
    r"\b(?:19|20)\d\d\b|\b(?:omgång|omg|round|call|utlysning|utlysnig|nr|no|steg|step|etapp)\.?\s*\d+\b"
    r"|#\s*\d+|\b(?:våren|hösten|vår|höst|spring|autumn|fall|summer|sommar|vinter|winter)\b|\b\d+\b"
    r"|\b(?:the|a|an|call|calls|utlysning|utlysningen|of|and|och|i|in|to|till)\b"
)
SUBSET_MIN_TOKENS = 4  # a title contained in another links only when it says this much
MONTHS_SV = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
             "september", "oktober", "november", "december"]  # fmt: skip
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]  # fmt: skip


def stripped_title(title: str) -> str:
    text = " ".join(re.findall(r"[a-z0-9#]+", fold(title)))
    return " ".join(_STRIP.sub(" ", text).split())


def _year(row: dict) -> int | None:
    m = re.search(r"\b(20\d\d)\b", row["title"])
    if m:
        return int(m.group(1))
    for key in ("deadlines", "opens"):
        v = row[key]
        if key == "deadlines" and v:
            return int(v[-1][:4])
        if key == "opens" and v:
            return int(v[:4])
    m = re.search(r"[/-](20\d\d)(?:-\d\d-\d\d)?[-/.]", row.get("url") or "")  # dated URLs
    return int(m.group(1)) if m else None


def key_of(row: dict) -> str | None:
    extra = row["extra"] or {}
    if row["source"] == "vinnova" and extra.get("call_diarienummer"):
        return f"vinnova:{extra['call_diarienummer']}"
    if row["source"] == "eu-ft" and extra.get("identifier") and extra.get("type") in ("1", "2"):
        return "eu:" + re.sub(r"-20\d\d(?=-|$)", "", extra["identifier"])
    return None


def link(db: sqlite_utils.Database) -> int:
    """Recompute the series of every canonical call; returns the number of linked calls."""
    from rapidfuzz import fuzz

    cur = db.execute(
        "SELECT id, source, funder, title, url, deadlines, opens, extra FROM calls WHERE duplicate_of IS NULL"
    )
    cols = [c[0] for c in cur.description]
    rows = [store.row_to_dict(dict(zip(cols, r, strict=True))) for r in cur.fetchall()]
    uf = UnionFind(r["id"] for r in rows)
    find = uf.find

    by_key: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        k = key_of(r)
        if k:
            by_key[k].append(r["id"])
    for ids in by_key.values():
        for other in ids[1:]:
            uf.union(other, ids[0])
    candidates = [r for r in rows if r["source"] != "eu-ft"]
    info = [
        (
            r,
            stripped_title(r["title"]),
            " ".join(re.findall(r"[a-z0-9]+", fold(r["funder"] or ""))),
            _year(r),
        )
        for r in candidates
    ]
    for i, (a, ta, fa, ya) in enumerate(info):
        if len(ta.split()) < 2:
            continue
        for b, tb, fb, yb in info[i + 1 :]:
            if find(a["id"]) == find(b["id"]) or len(tb.split()) < 2:
                continue
            if ya is not None and yb is not None and ya == yb:
                continue  # two calls of the same year are not rounds of one call
            if fuzz.token_set_ratio(fa, fb) < FUNDER_MATCH:
                continue
            score = fuzz.token_sort_ratio(ta, tb)
            if min(len(ta.split()), len(tb.split())) >= SUBSET_MIN_TOKENS:
                score = max(score, fuzz.token_set_ratio(ta, tb))
            if score >= TITLE_MATCH or (score >= 95 and (ya is None or yb is None)):
                uf.union(b["id"], a["id"])
    updates, linked = [], 0
    for members in uf.groups():
        series = min(members) if len(members) > 1 else None
        linked += len(members) if series else 0
        updates += [(series, m) for m in members]
    with store.transaction(db):
        db.conn.execute("UPDATE calls SET series = NULL WHERE duplicate_of IS NOT NULL")
        db.conn.executemany("UPDATE calls SET series = ? WHERE id = ?", updates)
    return linked


@dataclass
class Round:
    id: str
    title: str
    status: str
    opens: str | None
    deadline: str | None
    budget: float | None
    currency: str | None
    decisions: list[dict]


def rounds(db: sqlite_utils.Database, call_id: str) -> list[Round]:
    """Every round in the call's series, oldest first (the call itself included)."""
    row = db.execute("SELECT series FROM calls WHERE id = ?", [call_id]).fetchone()
    if not row or not row[0]:
        return []
    cur = db.execute(
        "SELECT id, title, status, opens, deadlines, budget_amount, budget_currency FROM calls "
        "WHERE series = ?",
        [row[0]],
    )
    out = []
    for cid, title, status, opens, deadlines, budget, currency in cur.fetchall():
        dl = json.loads(deadlines or "[]")
        decided = [
            dict(zip(("kommun", "status", "reason", "by", "created"), d, strict=True))
            for d in db.execute(
                "SELECT kommun, status, reason, by, created FROM decisions_current WHERE call_id = ?",
                [cid],
            )
        ]
        out.append(
            Round(cid, title, status, opens, dl[-1] if dl else None, budget, currency, decided)
        )
    out.sort(key=lambda r: (r.deadline or r.opens or "", r.id))
    return out


def expected_reopening(all_rounds: list[Round], today: date, lang: str = "sv") -> str | None:
    """'mars 2027' when earlier rounds in at least two different years opened or closed in a
    recognisable month; None without such history (no date is made up)."""
    dates = [(r.opens or r.deadline) for r in all_rounds if (r.opens or r.deadline)]
    years = {d[:4] for d in dates}
    if len(years) < 2 or any(r.status != "closed" for r in all_rounds):
        return None
    month = Counter(int(d[5:7]) for d in dates).most_common(1)[0][0]
    year = today.year if month > today.month else today.year + 1
    names = MONTHS_SV if lang == "sv" else MONTHS_EN
    return f"{names[month - 1]} {year}"


def earlier_decisions(db: sqlite_utils.Database, call_id: str, kommun: str) -> list[dict]:
    """Decisions this municipality took on earlier rounds of the same call."""
    out = []
    for r in rounds(db, call_id):
        if r.id == call_id:
            break
        out += [dict(d, call_id=r.id, title=r.title) for d in r.decisions if d["kommun"] == kommun]
    return out
