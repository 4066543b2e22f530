"""The fetch pipeline: crawl every selected source concurrently, store what each returns, and
record a run per source. One failing source never stops the others, and a failed, partial or
empty crawl never closes stored calls."""

from __future__ import annotations

import asyncio
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import sqlite_utils

from callwatch import store
from callwatch.adapters import CrawlContext, CrawlResult
from callwatch.errors import CallwatchError
from callwatch.http import Http, HttpConfig, Recording
from callwatch.sources import SourceSpec


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


def _now() -> datetime:
    return datetime.now(UTC)


async def _crawl_one(ctx: CrawlContext) -> CrawlResult:
    return await ctx.spec.adapter().crawl(ctx)


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
    replay = Recording(options.replay_dir) if options.replay_dir else None
    record = Recording(options.record_dir) if options.record_dir else None
    config = options.http
    if replay is not None:
        config = HttpConfig(**{**config.__dict__, "delay": 0.0, "retries": 0})
    async with Http(
        config,
        replay=replay,
        record=record,
        transport=options.transport,
        sleep=options.sleep,  # type: ignore[arg-type]
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
    if replay is not None:
        if not replay.has_source(spec.id):
            return SourceReport(spec.id, "skipped", message="not in the recording")
        as_of = (replay.recorded_at(spec.id) or now).date()
    run_id = store.start_run(db, spec.id, options.mode, now)
    ctx = CrawlContext(spec=spec, http=http, now=now, as_of=as_of)
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
            fetched_at=now,
        )
    if result is not None:
        report.warnings += ctx.warnings + result.warnings
        complete = result.complete and bool(result.calls)
        if len(result.calls) < spec.min_calls:
            report.status, report.errors = "failed", 1
            report.message = (
                f"{spec.id}: returned {len(result.calls)} calls, expected at least "
                f"{spec.min_calls}; the source may have changed (nothing was closed)"
            )
            complete = False
        elif spec.max_calls is not None and len(result.calls) > spec.max_calls:
            report.warnings.append(
                f"returned {len(result.calls)} calls, more than {spec.max_calls}"
            )
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
        counts = store.apply_crawl(
            db, spec.id, result.calls, complete=complete, now=now, run_id=run_id
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
