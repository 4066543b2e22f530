"""The fetch pipeline: crawl every selected source concurrently, store what each returns, and
record a run per source. One failing source never stops the others, and a failed, partial or
empty crawl never closes stored calls."""

from __future__ import annotations

import asyncio
import os
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: read commands do not pay sqlite_utils' import
    import sqlite_utils

from callwatch import clock, store
from callwatch.adapters import CrawlContext, CrawlResult
from callwatch.errors import CallwatchError
from callwatch.health import judge
from callwatch.http import Http, HttpConfig, Recording
from callwatch.sources import SourceSpec

REPLAY_KEY = "callwatch-replay-placeholder-key"


@dataclass
class SourceReport:
    source: str
    status: str  # ok | failed | partial | skipped
    seen: int = 0
    new: int = 0
    updated: int = 0
    closed: int = 0
    errors: int = 0
    duration: float = 0.0
    message: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class FetchOptions:
    mode: str = "live"  # live | replay | offline
    replay_dir: Path | None = None
    record_dir: Path | None = None
    http: HttpConfig = field(default_factory=HttpConfig)
    max_shrink: float = 0.5  # a complete crawl seeing under half the open calls closes nothing
    transport: object = None  # tests inject an httpx transport here
    sleep: object = None  # and a fake sleep, so retry tests take no time
    replay: object = None  # a replay source other than a folder (store.ArchiveReplay)


def _now() -> datetime:
    return clock.now()


async def _crawl_one(ctx: CrawlContext) -> CrawlResult:
    from callwatch.adapters import STRUCTURE_ERRORS, structure_error

    try:
        return await ctx.spec.adapter().crawl(ctx)
    except STRUCTURE_ERRORS as e:  # a response of an unexpected shape: bad input, one line
        raise structure_error(ctx.spec.id, "response", e) from None


def run_fetch(
    db: sqlite_utils.Database,
    specs: list[SourceSpec],
    options: FetchOptions,
    *,
    now: datetime | None = None,
    on_done: Callable[[SourceReport], None] | None = None,
) -> list[SourceReport]:
    """Fetch the given sources and store the results; returns one report per source."""
    return asyncio.run(_run(db, specs, options, now or _now(), on_done))


async def _run(
    db: sqlite_utils.Database,
    specs: list[SourceSpec],
    options: FetchOptions,
    now: datetime,
    on_done: Callable[[SourceReport], None] | None,
) -> list[SourceReport]:
    replay = options.replay or (Recording(options.replay_dir) if options.replay_dir else None)
    record = Recording(options.record_dir) if options.record_dir else None
    config = options.http
    if replay is not None:
        config = HttpConfig(**{**config.__dict__, "delay": 0.0, "retries": 0})
    # every key is redacted from URLs, messages, the archive and recordings
    secrets = [s.api_key() for s in specs if s.api_key()] + [REPLAY_KEY]
    async with Http(
        config,
        replay=replay,
        record=record,
        transport=options.transport,  # type: ignore[arg-type]
        sleep=options.sleep,
        secrets=secrets,
        cache=store.HttpCache(db) if replay is None else None,
    ) as http:

        async def one(spec: SourceSpec) -> SourceReport:
            report = await _fetch_source(db, spec, http, replay, options, now)
            if on_done:
                on_done(report)
            return report

        return list(await asyncio.gather(*(one(s) for s in specs)))


async def _fetch_source(
    db: sqlite_utils.Database,
    spec: SourceSpec,
    http: Http,
    replay: Recording | None,
    options: FetchOptions,
    now: datetime,
) -> SourceReport:
    started = time.monotonic()
    as_of: date = now.date()
    fetched_at = now
    key = spec.api_key()
    if spec.skip_if_env and os.environ.get(spec.skip_if_env):
        return SourceReport(spec.id, "skipped", message=f"{spec.skip_if_env} is set; not needed")
    if replay is not None:
        if not replay.has_source(spec.id):
            return SourceReport(spec.id, "skipped", message="not in the recording")
        recorded = replay.recorded_at(spec.id)
        as_of = (recorded or now).date()
        # a replayed response was fetched from the funder when it was recorded, not now; the
        # archive keeps that time so `fetch --from-archive` asks for the same requests again
        fetched_at = recorded or now
        key = key or REPLAY_KEY  # recordings hold redacted URLs; this placeholder redacts alike
    elif spec.api_key_env and not key:
        hint = f" ({spec.api_key_help})" if spec.api_key_help else ""
        return SourceReport(spec.id, "skipped", message=f"no API key: set {spec.api_key_env}{hint}")
    run_id = store.start_run(db, spec.id, options.mode, now)
    ctx = CrawlContext(spec=spec, http=http, now=now, as_of=as_of, secrets={"api_key": key})
    report = SourceReport(spec.id, "ok")
    result: CrawlResult | None = None
    try:
        result = await _crawl_one(ctx)
    except CallwatchError as e:
        report.status, report.message, report.errors = "failed", http.redact(str(e)), 1
    except Exception as e:  # a bug in an adapter: keep the traceback in the run log
        report.status, report.errors = "failed", 1
        report.message = http.redact(f"{spec.id}: internal error {type(e).__name__}: {e}")
        tb = http.redact(traceback.format_exc())
        report.warnings.append(tb)
    for r in ctx.responses:  # archive what was fetched, even for a failed crawl
        store.archive_response(
            db,
            run_id=run_id,
            source=spec.id,
            method=r.method,
            url=http.redact(r.url),
            status=r.status,
            content_type=r.content_type,
            body=r.body,
            fetched_at=fetched_at,
            request_key=r.key or None,
        )
    if result is not None:
        report.warnings += ctx.warnings + result.warnings
        complete = result.complete and bool(result.calls)
        health = judge(spec, result.calls, result.raw_items)
        broken = health.status == "broken" and not (health.found == 0 and spec.min_calls == 0)
        if broken:
            report.status, report.errors = "failed", 1
            report.message = (
                f"{spec.id}: extraction looks broken ({health.message}); the source may have "
                "changed its layout. Nothing was stored or closed; see `callwatch sources check`"
            )
            complete = False
        elif health.status == "suspect":
            report.warnings.append(health.message)
        if complete:
            open_now = db.execute(
                "SELECT count(*) FROM calls WHERE source = ? AND status != 'closed'", [spec.id]
            ).fetchone()[0]
            if open_now and len(result.calls) < open_now * options.max_shrink:
                complete = False
                report.warnings.append(
                    f"saw {len(result.calls)} calls but {open_now} are open in the database; "
                    "treated as partial, nothing closed"
                )
        if not result.complete and report.status == "ok":
            report.status = "partial"
        store_calls = [] if broken else result.calls
        counts = store.apply_crawl(
            db, spec.id, store_calls, complete=complete, now=now, run_id=run_id
        )
        report.seen, report.new, report.updated = counts.seen, counts.new, counts.updated
        report.closed = counts.closed
    report.duration = time.monotonic() - started
    store.finish_run(
        db,
        run_id,
        finished=_now().isoformat(),
        status=report.status,
        complete=int(bool(result and result.complete)),
        seen=report.seen,
        new=report.new,
        updated=report.updated,
        closed=report.closed,
        errors=report.errors,
        error=report.message or None,
        duration_s=round(report.duration, 3),
    )
    return report


@dataclass
class CheckResult:
    source: str
    kind: str
    status: str  # ok | broken | suspect | failed | skipped
    found: int = 0
    with_title: float = 0.0
    with_deadline: float = 0.0
    with_url: float = 0.0
    expected: str = ""
    message: str = ""


def check_sources(specs: list[SourceSpec], options: FetchOptions) -> list[CheckResult]:
    """Fetch (or replay) each source's first listing page and judge its extraction. Nothing is
    stored, so a broken source can never close or change stored calls here."""
    return asyncio.run(_check(specs, options))


async def _check(specs: list[SourceSpec], options: FetchOptions) -> list[CheckResult]:
    from dataclasses import replace

    replay = Recording(options.replay_dir) if options.replay_dir else None
    config = options.http
    if replay is not None:
        config = HttpConfig(**{**config.__dict__, "delay": 0.0, "retries": 0})
    now = _now()
    secrets = [s.api_key() for s in specs if s.api_key()] + [REPLAY_KEY]
    async with Http(config, replay=replay, transport=options.transport, secrets=secrets) as http:  # type: ignore[arg-type]

        async def one(spec: SourceSpec) -> CheckResult:
            expected = f"{spec.min_calls}-{spec.max_calls if spec.max_calls is not None else '*'}"
            res = CheckResult(spec.id, spec.kind, "ok", expected=expected)
            key = spec.api_key()
            if replay is not None:
                if not replay.has_source(spec.id):
                    res.status, res.message = "skipped", "not in the recording"
                    return res
                key = key or REPLAY_KEY
            elif spec.api_key_env and not key:
                res.status, res.message = "skipped", f"no API key: set {spec.api_key_env}"
                return res
            light = spec
            if spec.kind == "html":  # the first listing page and a few call pages are enough
                light = replace(
                    spec,
                    options={
                        **spec.options,
                        "listing_urls": spec.options["listing_urls"][:1],
                        "pagination": {},
                        "max_calls": 5,
                    },
                )
            as_of = (replay.recorded_at(spec.id) or now).date() if replay else now.date()
            ctx = CrawlContext(
                spec=light, http=http, now=now, as_of=as_of, secrets={"api_key": key}
            )
            try:
                result = await _crawl_one(ctx)
            except CallwatchError as e:
                res.status, res.message = (
                    "broken" if "layout" in str(e) or "missing" in str(e) else "failed",
                    http.redact(str(e)),
                )
                return res
            h = judge(spec, result.calls, result.raw_items)
            res.status = "ok" if h.found == 0 and spec.min_calls == 0 else h.status
            res.found, res.with_title, res.with_deadline, res.with_url = (
                h.found, h.with_title, h.with_deadline, h.with_url,
            )  # fmt: skip
            res.message = h.message
            return res

        return list(await asyncio.gather(*(one(s) for s in specs)))
