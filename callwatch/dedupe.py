"""Cross-source deduplication: one call listed by several funders counts once.

Viable Cities, Smart Built Environment and DUT calls are also listed by the agencies that issue
them; EU partnership calls appear at national co-funders. Two listings are the same call when
they share a page URL or a diarienummer, or when their normalised titles (or the title a URL slug
spells out) are near-identical (rapidfuzz) and they close on the same day. The richest listing
becomes the canonical call; the others point to it with `duplicate_of` and are shown as "also
listed by". Nothing is deleted. What makes two listings one call lives here; linking.py keeps the
keys in an index and compares only new or changed listings with those closing the same day.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from callwatch import store
from callwatch.rules import fold

if TYPE_CHECKING:
    from callwatch.store.db import Database

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


def keys(row: dict) -> dict:
    """The normalised keys one call is deduplicated by (stored in link_keys by linking.py):
    exact keys (page URL, diarienummer), the names compared fuzzily, and the closing days."""
    extra = row["extra"] or {}
    exact = ["url:" + (row["url"] or "").rstrip("/").lower()]
    for k in ("diarienummer", "call_diarienummer"):
        if extra.get(k) and not str(extra[k]).startswith("constructed"):
            exact.append(f"dnr:{extra[k]}")
    names = sorted(
        n for n in {_norm(row["title"]), _slug(row["url"] or "")} if len(n.split()) >= MIN_TOKENS
    )
    return {"exact": exact, "names": names, "dates": sorted(_dates(row["deadlines"] or []))}


def same_call(names_a: list[str], names_b: list[str]) -> bool:
    """Two listings closing on the same day are one call when a title (or URL slug) of one is
    near-identical to one of the other's."""
    from rapidfuzz import fuzz

    return any(
        fuzz.token_set_ratio(x, y, score_cutoff=TITLE_MATCH) >= TITLE_MATCH
        for x in names_a
        for y in names_b
    )


def similar_names(names: list[str], block: list[str]) -> set[int]:
    """Indexes of the names in `block` that same_call() would match with one of `names`,
    screened in bulk (C++): the names of every listing closing the same day at once."""
    from rapidfuzz import fuzz, process

    return {
        i
        for x in names
        for _, _, i in process.extract(
            x, block, scorer=fuzz.token_set_ratio, score_cutoff=TITLE_MATCH, limit=None
        )
    }


def canonical(members: list[dict], intermediaries: set[str]) -> dict:
    """The richest listing, never an intermediary's if the issuer lists it too; on a tie the
    earliest stored. `members` carry source, desc_len, id and come in storage order."""
    return max(
        members, key=lambda r: (r["source"] not in intermediaries, r["desc_len"], -len(r["id"]))
    )


def groups(db: Database) -> dict[str, list[str]]:
    """Every group of listings of one call: canonical id -> [canonical, other listings...]."""
    out: dict[str, list[str]] = {}
    for cid, dup in store.duplicate_links(db):
        out.setdefault(dup, [dup]).append(cid)
    return out


def also_listed(db: Database, call_id: str) -> list[dict]:
    """The other listings of the same call: source, id and URL."""
    canonical = store.duplicate_of(db, call_id) or call_id
    return store.listings(db, canonical, besides=call_id)
