"""Short call ids a person can type: `callwatch show k3f9qa` instead of a 40-character id.

A short id is six characters derived from the full id by a hash, so it is the same in every
listing, report and database and needs no stored state. `resolve()` accepts what a person is
likely to type: the full id, the short id, the row number of the last listing, or a prefix of
the full id or of its part after the source ("HORIZON-CL5-2026-09-D4-03"); anything that
matches more than one call is refused with the candidates, never guessed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from typing import TYPE_CHECKING

from callwatch.errors import NotFoundError

if TYPE_CHECKING:
    from callwatch.store.db import Database

ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # 32 symbols, no l/o/0/1 to misread
LENGTH = 6
LAST_LISTING = "last_listing"  # meta key: ids of the last listing, for row numbers


def short(call_id: str) -> str:
    """Six characters from a hash of the full id (one in a billion chance to collide)."""
    h = int.from_bytes(hashlib.blake2b(call_id.encode("utf-8"), digest_size=8).digest(), "big")
    out = []
    for _ in range(LENGTH):
        out.append(ALPHABET[h & 31])
        h >>= 5
    return "".join(out)


def remember_listing(db: Database, ids: list[str]) -> None:
    """Keep the ids of the listing just shown, so `show 3` means its third row. A read-only
    or busy database only loses this convenience."""
    from callwatch import store

    # never wait for a running fetch's write lock: give up after 50 ms instead
    with store.short_wait(db, 50), contextlib.suppress(Exception):  # never fails a listing
        store.set_meta(db, LAST_LISTING, json.dumps(ids[:500]))


def resolve(db: Database, text: str) -> str:
    """The full call id that `text` stands for; one clear error when none or several match."""
    from callwatch import store

    given = text.strip()
    if store.call_exists(db, given):
        return given
    if given.isdigit():
        raw = store.get_meta(db, LAST_LISTING)
        ids = json.loads(raw) if raw else []
        n = int(given)
        if 1 <= n <= len(ids):
            return ids[n - 1]
        raise NotFoundError(
            f"no row {n} in the last listing ({len(ids)} rows); give a call id instead"
        )
    key = given.casefold()
    matches: list[str] = []
    prefix: list[str] = []
    for cid in store.call_ids(db):
        if short(cid) == key:
            matches.append(cid)
            continue
        folded = cid.casefold()
        native = folded.split(":", 1)[-1]
        if folded.startswith(key) or native.startswith(key):
            prefix.append(cid)
    found = matches or prefix
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(f"no call with id {given!r} (see `callwatch calls`)")
    shown = ", ".join(sorted(found)[:5]) + (" ..." if len(found) > 5 else "")
    raise NotFoundError(f"{given!r} matches {len(found)} calls ({shown}); give more of the id")
