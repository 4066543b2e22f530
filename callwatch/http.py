"""Polite HTTP for every source: bounded concurrency and a delay per host, retries with backoff,
Retry-After, timeouts, a response-size cap, a User-Agent naming callwatch, proxies from the
environment; plus recording every response to a folder and replaying such a folder offline.

Replay is a lookup, not a mock: the same adapters run, only the bytes come from disk.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import quote, quote_plus, urlsplit

import httpx

from callwatch import USER_AGENT, clock
from callwatch.errors import CallwatchError, SourceError

RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass
class HttpConfig:
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.5  # seconds, doubled each attempt, with jitter
    max_retry_after: float = 120.0  # never sleep longer than this for one Retry-After
    per_host: int = 2  # concurrent requests per host
    delay: float = 1.0  # minimum seconds between two requests to the same host
    max_bytes: int = 50 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = USER_AGENT


@dataclass
class Response:
    method: str
    url: str
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    key: str = ""  # the request this answers (method, redacted URL, body digest)

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def secret_forms(secret: str) -> list[str]:
    """Every form in which a key can appear: as it is, URL-encoded (quote with and without '/',
    quote_plus, upper- and lower-case hex), with '+' read back as a space by a server, and with
    '/' escaped as JSON encoders do. Longest first, so a longer form is replaced whole."""
    import re

    bases = {secret, secret.replace("+", " ")}
    forms: set[str] = set()
    for b in bases:
        for f in (b, quote(b, safe=""), quote(b), quote_plus(b), quote_plus(b, safe="/")):
            low = re.sub(r"%[0-9A-F]{2}", lambda m: m[0].lower(), f)
            forms |= {f, low, f.replace("/", "\\/"), low.replace("/", "\\/")}
    forms |= {json.dumps(secret)[1:-1]}  # JSON-escaped (a key with " or \\ in it)
    return sorted((f for f in forms if f), key=len, reverse=True)


def request_key(method: str, url: str, content: bytes | None) -> str:
    """How a request is named in a recording: method, URL and a digest of the body, if any."""
    key = f"{method.upper()} {url}"
    if content:
        key += " #" + hashlib.sha256(content).hexdigest()[:16]
    return key


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class Replay(Protocol):
    """Where replayed responses come from: a Recording folder, or the raw archive
    (archive.ArchiveReplay for `fetch --from-archive`)."""

    def has_source(self, source: str) -> bool: ...

    def recorded_at(self, source: str) -> datetime | None: ...

    def lookup(self, source: str, key: str) -> Response: ...


class Recording:
    """A folder of recorded responses: <dir>/<source>/index.json plus one body file each."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._indexes: dict[str, dict] = {}

    def _index_path(self, source: str) -> Path:
        return self.root / source / "index.json"

    def index(self, source: str) -> dict:
        if source not in self._indexes:
            path = self._index_path(source)
            if path.exists():
                try:
                    index = json.loads(path.read_text(encoding="utf-8"))
                except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as e:
                    raise CallwatchError(f"{path}: not a valid recording index ({e})") from None
                except OSError as e:
                    raise CallwatchError(f"{path}: cannot read ({e.strerror or e})") from None
                if not isinstance(index, dict) or not isinstance(index.get("entries", {}), dict):
                    raise CallwatchError(
                        f"{path}: not a valid recording index (expected an object with 'entries')"
                    )
                index.setdefault("entries", {})
                self._indexes[source] = index
            else:
                self._indexes[source] = {"recorded_at": None, "entries": {}}
        return self._indexes[source]

    def recorded_at(self, source: str) -> datetime | None:
        value = self.index(source).get("recorded_at")
        return datetime.fromisoformat(value) if value else None

    def has_source(self, source: str) -> bool:
        return self._index_path(source).exists()

    def lookup(self, source: str, key: str) -> Response:
        entry = self.index(source)["entries"].get(key)
        if entry is None:
            raise SourceError(
                source, f"no recorded response for {key.split(' #')[0]} in {self.root}"
            )
        name = entry.get("file") if isinstance(entry, dict) else None
        folder = (self.root / source).resolve()
        path = (folder / name).resolve() if isinstance(name, str) and name else None
        if (
            not isinstance(name, str)
            or path is None
            or path.parent != folder
            or "/" in name
            or "\\" in name
        ):
            raise SourceError(
                source, f"recording index entry {name!r} is not a file in {folder}; refused"
            )
        try:
            body = path.read_bytes()
            status = int(entry["status"])
        except (OSError, KeyError, TypeError, ValueError) as e:
            raise SourceError(source, f"recording entry {name!r} unusable ({e})") from None
        method, url = key.split(" #")[0].split(" ", 1)
        return Response(
            method=method,
            url=url,
            status=status,
            content_type=str(entry.get("content_type", "")),
            body=body,
            headers=entry.get("headers", {}),
        )

    def save(self, source: str, key: str, response: Response, now: datetime) -> None:
        folder = self.root / source
        folder.mkdir(parents=True, exist_ok=True)
        index = self.index(source)
        index["recorded_at"] = index.get("recorded_at") or now.isoformat()
        entries = index["entries"]
        if key in entries:
            name = entries[key]["file"]
        else:
            ext = ".json" if "json" in response.content_type else ".html"
            if "xml" in response.content_type:
                ext = ".xml"
            name = f"{len(entries) + 1:03d}{ext}"
        (folder / name).write_bytes(response.body)
        entries[key] = {
            "file": name,
            "status": response.status,
            "content_type": response.content_type,
            "headers": {
                k: v for k, v in response.headers.items() if k.lower() in ("retry-after", "etag")
            },
        }
        self._index_path(source).write_text(
            json.dumps(index, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
            encoding="utf-8",
        )


class Cache(Protocol):
    """Where conditional GETs keep their validators and bodies (archive.HttpCache is the one
    callwatch uses); http.py needs only these three methods, not the database."""

    def validators(self, url: str) -> dict[str, str]: ...

    def body(self, url: str) -> bytes | None: ...

    def store(
        self, url: str, etag: str | None, last_modified: str | None, body: bytes, now: str
    ) -> None: ...


class Http:
    """The one way sources reach the network (or a recording of it)."""

    def __init__(
        self,
        config: HttpConfig | None = None,
        *,
        replay: Replay | None = None,
        record: Recording | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        secrets: list[str] | None = None,
        sleep: Callable[[float], Awaitable[object]] | None = None,
        cache: Cache | None = None,
    ) -> None:
        self.config = config or HttpConfig()
        self.replay = replay
        self.record = record
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._host_locks: dict[str, asyncio.Semaphore] = {}
        self._host_next: dict[str, float] = {}
        self.secrets = [s for s in (secrets or []) if s]
        forms = {f for s in self.secrets for f in secret_forms(s)}
        self._forms = sorted(forms, key=len, reverse=True)
        self._byte_forms = [f.encode() for f in self._forms]
        self._sleep = sleep or asyncio.sleep
        self.cache = cache  # archive.HttpCache: conditional GETs (ETag / Last-Modified)
        self._robots: dict[str, object] = {}

    def redact(self, text: str) -> str:
        """Remove every configured secret (API keys), in every encoded form, from a URL or
        message."""
        for s in self._forms:
            text = text.replace(s, "***")
        return text

    def redact_body(self, body: bytes) -> bytes:
        """A response body without any form of a key: servers echo keys (self links, "invalid
        key ..." pages), and bodies are archived, cached and recorded."""
        for s in self._byte_forms:
            body = body.replace(s, b"***")
        return body

    async def __aenter__(self) -> Http:
        if self.replay is None:
            self._client = httpx.AsyncClient(
                transport=self._transport,
                timeout=httpx.Timeout(self.config.timeout),
                headers={"User-Agent": self.config.user_agent},
                follow_redirects=True,
                max_redirects=self.config.max_redirects,
                trust_env=True,  # HTTP(S)_PROXY / NO_PROXY from the environment
            )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def _robots_allow(self, source: str, url: str) -> bool:
        """robots.txt of the host, read once per run; unreadable or missing means allowed."""
        from urllib.robotparser import RobotFileParser

        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        if base not in self._robots:
            parser = RobotFileParser()
            try:
                r = await self._send(source, "GET", base + "/robots.txt", {}, None, None)
                lines = r.text().splitlines() if r.status == 200 else []
            except SourceError:
                lines = []
            parser.parse(lines)
            self._robots[base] = parser
        return self._robots[base].can_fetch(self.config.user_agent, url)  # type: ignore[attr-defined]

    async def _polite_slot(self, host: str, delay: float | None = None) -> None:
        loop = asyncio.get_running_loop()
        wait = self._host_next.get(host, 0.0) - loop.time()
        gap = max(self.config.delay, delay or 0.0)
        self._host_next[host] = max(loop.time(), self._host_next.get(host, 0.0)) + gap
        if wait > 0:
            await self._sleep(wait)

    async def request(
        self,
        source: str,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        now: datetime | None = None,
        delay: float | None = None,
        robots: bool = False,
    ) -> Response:
        """Send one request (or look it up in the replay folder). Raises SourceError on failure,
        including HTTP error statuses after retries, with the URL redacted."""
        shown = self.redact(url)
        key = request_key(method, shown, content)
        if self.replay is not None:
            response = self.replay.lookup(source, key)
        else:
            if robots and not await self._robots_allow(source, url):
                raise SourceError(source, f"robots.txt does not allow {shown}")
            headers = dict(headers or {})
            conditional = self.cache.validators(shown) if self.cache and method == "GET" else {}
            response = await self._send(
                source, method, url, {**headers, **conditional}, content, delay
            )
            if response.status == 304 and conditional:
                body = self.cache.body(shown)  # type: ignore[union-attr]
                if body is None:  # validators without a body: ask again, unconditionally
                    response = await self._send(source, method, url, headers, content, delay)
                else:
                    response = Response(
                        method,
                        response.url,
                        200,
                        response.headers.get("content-type", "") or "text/html",
                        body,
                        response.headers,
                    )
            elif self.cache and method == "GET" and response.status == 200:
                self.cache.store(
                    shown,
                    response.headers.get("etag"),
                    response.headers.get("last-modified"),
                    response.body,
                    (now or clock.now()).isoformat(),
                )
        response.key = key
        response.url = self.redact(response.url)
        response.body = self.redact_body(response.body)  # before anything keeps or parses it
        if self.record is not None:
            self.record.save(source, key, response, now or clock.now())
        if response.status >= 400:
            raise SourceError(source, f"HTTP {response.status} from {shown}")
        return response

    async def _send(
        self,
        source: str,
        method: str,
        url: str,
        headers: dict[str, str],
        content: bytes | None,
        delay: float | None = None,
    ) -> Response:
        assert self._client is not None, "use `async with Http(...)`"
        host = urlsplit(url).netloc
        lock = self._host_locks.setdefault(host, asyncio.Semaphore(self.config.per_host))
        shown = self.redact(url)
        last_error = ""
        for attempt in range(self.config.retries + 1):
            async with lock:
                await self._polite_slot(host, delay)
                try:
                    response = await self._read(method, url, headers, content)
                except httpx.TooManyRedirects:
                    raise SourceError(source, f"too many redirects from {shown}") from None
                except (httpx.TimeoutException, httpx.TransportError) as e:
                    last_error = f"{type(e).__name__} for {shown}"
                    response = None
                except _TooLarge:
                    raise SourceError(
                        source,
                        f"response from {shown} is larger than "
                        f"{self.config.max_bytes // (1024 * 1024)} MB; refused",
                    ) from None
            if response is not None and response.status not in RETRY_STATUSES:
                return response
            if attempt == self.config.retries:
                break
            delay = self.config.backoff * (2**attempt) * (0.75 + random.random() / 2)
            if response is not None:
                last_error = f"HTTP {response.status} from {shown}"
                ra = _retry_after(response.headers.get("retry-after"))
                if ra is not None:
                    delay = min(ra, self.config.max_retry_after)
            await self._sleep(delay)
        if response is not None:
            return response  # an error status after retries; request() turns it into SourceError
        raise SourceError(source, f"{last_error} (after {self.config.retries + 1} attempts)")

    async def _read(
        self, method: str, url: str, headers: dict[str, str], content: bytes | None
    ) -> Response:
        assert self._client is not None
        async with self._client.stream(method, url, headers=headers, content=content) as r:
            declared = r.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > self.config.max_bytes:
                raise _TooLarge()
            chunks, size = [], 0
            async for chunk in r.aiter_bytes():
                size += len(chunk)
                if size > self.config.max_bytes:
                    raise _TooLarge()
                chunks.append(chunk)
            return Response(
                method=method,
                url=self.redact(str(r.url)),
                status=r.status_code,
                content_type=r.headers.get("content-type", ""),
                body=self.redact_body(b"".join(chunks)),  # before the cache or archive sees it
                headers={k.lower(): v for k, v in r.headers.items()},
            )


class _TooLarge(Exception):
    pass
