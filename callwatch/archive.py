"""The raw response archive: every fetched body, compressed and content-addressed, the log of
which request got it, the HTTP validators for conditional requests, and replaying a whole crawl
from the archive.

Owns the tables raw_responses, fetch_log and http_cache (the ownership rule: store/__init__.py).
`HttpCache` is what http.Http takes as its `cache` (the http.Cache protocol); http.py does not
import this module.
"""

from __future__ import annotations

import hashlib
import zlib
from datetime import datetime
from typing import TYPE_CHECKING

from callwatch.errors import NotFoundError, SourceError
from callwatch.http import Response
from callwatch.store.db import transaction

if TYPE_CHECKING:
    from callwatch.store.db import Database


def archive_response(
    db: Database,
    *,
    run_id: int | None,
    source: str,
    method: str,
    url: str,
    status: int,
    content_type: str,
    body: bytes,
    fetched_at: datetime,
    request_key: str | None = None,
) -> str:
    """Store a response body compressed and content-addressed; log the fetch. Returns sha256."""
    digest = hashlib.sha256(body).hexdigest()
    with transaction(db):
        db.conn.execute(
            "INSERT OR IGNORE INTO raw_responses (sha256, encoding, size, data, first_seen) "
            "VALUES (?, 'zlib', ?, ?, ?)",
            [digest, len(body), zlib.compress(body, 6), fetched_at.isoformat()],
        )
        db.conn.execute(
            "INSERT INTO fetch_log (run_id, source, method, url, status, content_type, sha256, "
            "fetched_at, request_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                source,
                method,
                url,
                status,
                content_type,
                digest,
                fetched_at.isoformat(),
                request_key,
            ],
        )
    return digest


def raw_body(db: Database, sha256: str) -> bytes:
    row = db.execute("SELECT encoding, data FROM raw_responses WHERE sha256 = ?", [sha256])
    found = row.fetchone()
    if not found:
        raise NotFoundError(f"no archived response {sha256}")
    return zlib.decompress(found[1]) if found[0] == "zlib" else found[1]


class HttpCache:
    """Conditional requests backed by the database: validators in http_cache, bodies in the
    content-addressed raw archive. hishel would keep a second copy of every body in its own
    storage; callwatch already archives every body, so it only needs the validators."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def validators(self, url: str) -> dict[str, str]:
        row = self.db.execute(
            "SELECT etag, last_modified, sha256 FROM http_cache WHERE url = ?", [url]
        ).fetchone()
        if (
            not row
            or not self.db.execute(
                "SELECT 1 FROM raw_responses WHERE sha256 = ?", [row[2]]
            ).fetchone()
        ):
            return {}
        headers = {}
        if row[0]:
            headers["If-None-Match"] = row[0]
        if row[1]:
            headers["If-Modified-Since"] = row[1]
        return headers

    def body(self, url: str) -> bytes | None:
        row = self.db.execute("SELECT sha256 FROM http_cache WHERE url = ?", [url]).fetchone()
        try:
            return raw_body(self.db, row[0]) if row else None
        except NotFoundError:
            return None

    def store(
        self, url: str, etag: str | None, last_modified: str | None, body: bytes, now: str
    ) -> None:
        if not etag and not last_modified:
            return
        digest = hashlib.sha256(body).hexdigest()
        with transaction(self.db):
            self.db.conn.execute(
                "INSERT OR IGNORE INTO raw_responses (sha256, encoding, size, data, first_seen) "
                "VALUES (?, 'zlib', ?, ?, ?)",
                [digest, len(body), zlib.compress(body, 6), now],
            )
            self.db.conn.execute(
                "INSERT OR REPLACE INTO http_cache (url, etag, last_modified, sha256, updated) "
                "VALUES (?, ?, ?, ?, ?)",
                [url, etag, last_modified, digest, now],
            )


class ArchiveReplay:
    """The raw archive as a recording: the latest archived answer to each request of a source,
    so `fetch --from-archive` re-parses everything with today's parsers and no network."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.root = "the raw archive"

    def has_source(self, source: str) -> bool:
        return bool(
            self.db.execute(
                "SELECT 1 FROM fetch_log WHERE source = ? AND request_key IS NOT NULL LIMIT 1",
                [source],
            ).fetchone()
        )

    def recorded_at(self, source: str) -> datetime | None:
        row = self.db.execute(
            "SELECT max(fetched_at) FROM fetch_log WHERE source = ? AND request_key IS NOT NULL",
            [source],
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def lookup(self, source: str, key: str) -> Response:
        row = self.db.execute(
            "SELECT method, url, status, content_type, sha256 FROM fetch_log "
            "WHERE source = ? AND request_key = ? ORDER BY id DESC LIMIT 1",
            [source, key],
        ).fetchone()
        if row is None:
            raise SourceError(source, f"no archived response for {key.split(' #')[0]}")
        return Response(row[0], row[1], row[2], row[3] or "", raw_body(self.db, row[4]), {}, key)
