"""Recurring calls: rounds of the same call across years are linked into a series.

Signals, strongest first: a series key the source's adapter derives (Vinnova's parent call
number, an EU topic identifier without its year), and for the rest a normalised title with years,
round numbers and seasons stripped that matches (rapidfuzz) another call from a similar funder in
a different year. linking.py keeps these keys in an index and compares only new or changed calls
with the calls sharing a rare title word. A series with rounds in at least two years gives an *expected to reopen* month for a
closed call; without such history no date is ever guessed.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from callwatch import decisions, store
from callwatch.rules import fold

if TYPE_CHECKING:
    from callwatch.store.db import Database

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


def keys(row: dict, spec: object | None) -> dict:
    """The normalised keys a call's rounds are found by (stored in link_keys by linking.py).

    The series key comes from the source's adapter (`series_key(extra)`, e.g. Vinnova's parent
    call number or an EU topic identifier without its year), so this module knows no source;
    an adapter that sets SERIES_BY_TITLE = False keeps its calls out of title matching."""
    adapter = spec.adapter() if spec is not None else None  # type: ignore[attr-defined]
    hook = getattr(adapter, "series_key", None)
    return {
        "series_key": hook(row["extra"] or {}) if hook else None,
        "by_title": bool(getattr(adapter, "SERIES_BY_TITLE", True)),
        "title_key": stripped_title(row["title"]),
        "funder_key": " ".join(re.findall(r"[a-z0-9]+", fold(row["funder"] or ""))),
        "year": _year(row),
    }


def title_candidate(title_key: str) -> bool:
    """Titles of one word say too little to tie rounds together."""
    return len(title_key.split()) >= 2


def same_series(a: dict, b: dict, funder_similar: object) -> bool:
    """Two calls are rounds of one call: different (or unknown) years, similar funders and
    near-identical stripped titles (a title contained in a longer one counts when it says
    enough). `funder_similar(fa, fb)` is passed in so callers can cache it per funder pair."""
    from rapidfuzz import fuzz

    ya, yb = a["year"], b["year"]
    if ya is not None and yb is not None and ya == yb:
        return False  # two calls of the same year are not rounds of one call
    if not funder_similar(a["funder_key"], b["funder_key"]):  # type: ignore[operator]
        return False
    ta, tb = a["title_key"], b["title_key"]
    if fuzz.token_sort_ratio(ta, tb) >= TITLE_MATCH:
        return True
    return (
        min(len(ta.split()), len(tb.split())) >= SUBSET_MIN_TOKENS
        and fuzz.token_set_ratio(ta, tb) >= TITLE_MATCH
    )


def similar_titles(title: str, others: list[str]) -> list[int]:
    """Indexes of the titles that pass same_series()'s title test, screened in bulk (C++)."""
    from rapidfuzz import fuzz, process

    if not others:
        return []
    hits = {
        i
        for _, _, i in process.extract(
            title, others, scorer=fuzz.token_sort_ratio, score_cutoff=TITLE_MATCH, limit=None
        )
    }
    if len(title.split()) >= SUBSET_MIN_TOKENS:
        hits.update(
            i
            for _, _, i in process.extract(
                title, others, scorer=fuzz.token_set_ratio, score_cutoff=TITLE_MATCH, limit=None
            )
            if len(others[i].split()) >= SUBSET_MIN_TOKENS
        )
    return sorted(hits)


def funder_similar(fa: str, fb: str) -> bool:
    from rapidfuzz import fuzz

    return fuzz.token_set_ratio(fa, fb) >= FUNDER_MATCH


def series_groups(db: Database) -> dict[str, list[str]]:
    """Every series of rounds: series id -> its calls' ids (canonical listings only)."""
    out: dict[str, list[str]] = {}
    for cid, series in store.series_links(db):
        out.setdefault(series, []).append(cid)
    return out


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


def rounds(db: Database, call_id: str) -> list[Round]:
    """Every round in the call's series, oldest first (the call itself included)."""
    series = store.series_of(db, call_id)
    if not series:
        return []
    decided = decisions.current_in_series(db, series)
    out = []
    for cid, title, status, opens, deadlines, budget, currency in store.series_rounds(db, series):
        dl = json.loads(deadlines or "[]")
        out.append(
            Round(
                cid, title, status, opens, dl[-1] if dl else None, budget, currency,
                decided.get(cid, []),
            )
        )  # fmt: skip
    out.sort(key=lambda r: (r.deadline or r.opens or "", r.id))
    return out


def expected_reopening(all_rounds: list[Round], today: date, lang: str = "sv") -> str | None:
    """'mars 2027' when earlier rounds in at least two different years opened or closed in a
    recognisable month; None without such history (no date is made up)."""
    dates = [d for r in all_rounds if (d := r.opens or r.deadline)]
    years = {d[:4] for d in dates}
    if len(years) < 2 or any(r.status != "closed" for r in all_rounds):
        return None
    month = Counter(int(d[5:7]) for d in dates).most_common(1)[0][0]
    year = today.year if month > today.month else today.year + 1
    names = MONTHS_SV if lang == "sv" else MONTHS_EN
    return f"{names[month - 1]} {year}"


def earlier_decisions(db: Database, call_id: str, kommun: str) -> list[dict]:
    """Decisions this municipality took on earlier rounds of the same call."""
    if not decisions.decided_other_round(db, call_id, kommun):
        return []  # the usual case, answered from two indexes without reading the rounds
    out = []
    for r in rounds(db, call_id):
        if r.id == call_id:
            break
        out += [dict(d, call_id=r.id, title=r.title) for d in r.decisions if d["kommun"] == kommun]
    return out
