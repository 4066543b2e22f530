"""The fetch pipeline: crawl every selected source concurrently, store what each returns, and
record a run per source. One failing source never stops the others, and a failed, partial or
empty crawl never closes stored calls."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from callwatch import archive, clock, store
from callwatch.adapters import CrawlContext, CrawlResult
from callwatch.errors import CallwatchError, ConfigError, StructureError
from callwatch.health import judge
from callwatch.http import Http, HttpConfig, Recording, Replay
from callwatch.sources import SourceSpec

if TYPE_CHECKING:
    from callwatch.store.db import Database

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
    skipped: int = 0  # odd records left out (see adapters.each_record)
    skipped_records: list[str] = field(default_factory=list)  # the first of them, "place: why"


@dataclass
class FetchOptions:
    mode: str = "live"  # live | replay | offline
    replay_dir: Path | None = None
    record_dir: Path | None = None
    http: HttpConfig = field(default_factory=HttpConfig)
    max_shrink: float = 0.5  # a complete crawl seeing under half the open calls closes nothing
    transport: object = None  # tests inject an httpx transport here
    sleep: Callable[[float], Awaitable[object]] | None = None  # a fake sleep: fast retry tests
    replay: Replay | None = None  # a replay source other than a folder (archive.ArchiveReplay)


def _now() -> datetime:
    return clock.now()


def _api_key(spec: SourceSpec) -> tuple[str, str]:
    """(key, problem): a keys file others can read is a problem of the sources that need a
    key, never a reason to stop the whole fetch."""
    try:
        return spec.api_key(), ""
    except ConfigError as e:
        return "", str(e)


async def _crawl_one(ctx: CrawlContext) -> CrawlResult:
    from callwatch.adapters import STRUCTURE_ERRORS, collecting_skips, structure_error
    from callwatch.facts.apply import with_facts

    try:
        with collecting_skips() as skipped:  # odd records each adapter left out
            result = await ctx.spec.adapter().crawl(ctx)
        # the store's boundary first (a year-9999 deadline is dropped with a warning), then
        # the one facts step fills what the source's structured data does not give
        result.warnings += checked_calls(result)
        with_facts(
            result.calls,
            ctx.now,
            status_from_source=ctx.spec.status_from_source,
            tz=ctx.spec.timezone,
        )
    except STRUCTURE_ERRORS as e:  # a response of an unexpected shape: bad input, one line
        raise structure_error(ctx.spec.id, "response", e) from None
    result.skipped += skipped
    return result


def checked_calls(result: CrawlResult) -> list[str]:
    """models.validate on every crawled call, in place; a call that cannot be stored at all is
    skipped and named. Returns the warnings."""
    from callwatch.models import validate

    warnings: list[str] = []
    kept = []
    for call in result.calls:
        try:
            warnings += validate(call)
        except ValueError as e:
            warnings.append(f"record skipped: {e}")
            continue
        kept.append(call)
    result.calls = kept
    return warnings


MAX_SKIPS_LOGGED = 50  # the run log names this many skipped records, then counts the rest


def skipped_names(skipped: list) -> list[str]:
    """The skipped records as the run log keeps them: one "place: why" each, capped."""
    names = [str(s)[:300] for s in skipped[:MAX_SKIPS_LOGGED]]
    if len(skipped) > MAX_SKIPS_LOGGED:
        names.append(f"... and {len(skipped) - MAX_SKIPS_LOGGED} more")
    return names


def run_fetch(
    db: Database,
    specs: list[SourceSpec],
    options: FetchOptions,
    *,
    now: datetime | None = None,
    on_done: Callable[[SourceReport], None] | None = None,
) -> list[SourceReport]:
    """Fetch the given sources and store the results; returns one report per source."""
    return asyncio.run(_run(db, specs, options, now or _now(), on_done))


async def _run(
    db: Database,
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
    secrets = [k for s in specs if (k := _api_key(s)[0])] + [REPLAY_KEY]
    async with Http(
        config,
        replay=replay,
        record=record,
        transport=options.transport,  # type: ignore[arg-type]
        sleep=options.sleep,
        secrets=secrets,
        cache=archive.HttpCache(db) if replay is None else None,
    ) as http:

        async def one(spec: SourceSpec) -> SourceReport:
            report = await _fetch_source(db, spec, http, replay, options, now)
            if on_done:
                on_done(report)
            return report

        return list(await asyncio.gather(*(one(s) for s in specs)))


async def _fetch_source(
    db: Database,
    spec: SourceSpec,
    http: Http,
    replay: Replay | None,
    options: FetchOptions,
    now: datetime,
) -> SourceReport:
    started = time.monotonic()
    as_of: date = now.date()
    fetched_at = now
    key, key_problem = _api_key(spec)
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
    elif key_problem:  # skipped, and said so in the run log
        run_id = store.start_run(db, spec.id, options.mode, now)
        store.finish_run(
            db, run_id, finished=_now().isoformat(), status="skipped", error=key_problem
        )
        return SourceReport(spec.id, "skipped", message=key_problem)
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
        archive.archive_response(
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
        report.skipped = len(result.skipped)
        report.skipped_records = skipped_names(result.skipped)
        if result.skipped:
            report.warnings.append(
                f"{len(result.skipped)} record(s) skipped, e.g. {result.skipped[0]}"
            )
        complete = result.complete and bool(result.calls)
        health = judge(spec, result.calls, result.raw_items, skipped=len(result.skipped))
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
            open_now = store.open_count(db, spec.id)
            if open_now and len(result.calls) < open_now * options.max_shrink:
                complete = False
                report.warnings.append(
                    f"saw {len(result.calls)} calls but {open_now} are open in the database; "
                    "treated as partial, nothing closed"
                )
        if not result.complete and report.status == "ok":
            report.status = "partial"
        store_calls = [] if broken else result.calls
        try:
            counts = store.apply_crawl(
                db, spec.id, store_calls, complete=complete, now=now, run_id=run_id
            )
        except (sqlite3.DatabaseError, CallwatchError) as e:  # the run still ends, as failed
            report.status, report.errors = "failed", 1
            report.message = http.redact(f"{spec.id}: could not store the calls ({e})")
        else:
            report.seen, report.new, report.updated = counts.seen, counts.new, counts.updated
            report.warnings += counts.warnings
            report.closed = counts.closed
    report.warnings = [http.redact(w) for w in report.warnings]
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
        skipped=report.skipped,
        skipped_records=json.dumps(report.skipped_records, ensure_ascii=False)
        if report.skipped
        else None,
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
    skipped: int = 0  # odd records left out (named in `message`)


def check_sources(specs: list[SourceSpec], options: FetchOptions) -> list[CheckResult]:
    """Fetch (or replay) each source's first listing page and judge its extraction. Nothing is
    stored, so a broken source can never close or change stored calls here."""
    return asyncio.run(_check(specs, options))


async def _check(specs: list[SourceSpec], options: FetchOptions) -> list[CheckResult]:
    replay = Recording(options.replay_dir) if options.replay_dir else None
    config = options.http
    if replay is not None:
        config = HttpConfig(**{**config.__dict__, "delay": 0.0, "retries": 0})
    now = _now()
    secrets = [k for s in specs if (k := _api_key(s)[0])] + [REPLAY_KEY]
    async with Http(config, replay=replay, transport=options.transport, secrets=secrets) as http:  # type: ignore[arg-type]

        async def one(spec: SourceSpec) -> CheckResult:
            expected = f"{spec.min_calls}-{spec.max_calls if spec.max_calls is not None else '*'}"
            res = CheckResult(spec.id, spec.kind, "ok", expected=expected)
            key, key_problem = _api_key(spec)
            if replay is not None:
                if not replay.has_source(spec.id):
                    res.status, res.message = "skipped", "not in the recording"
                    return res
                key = key or REPLAY_KEY
            elif spec.api_key_env and not key:
                res.status = "skipped"
                res.message = key_problem or f"no API key: set {spec.api_key_env}"
                return res
            # an adapter may offer a smaller crawl that still shows whether extraction works
            hook = getattr(spec.adapter(), "light_spec", None)
            light = hook(spec) if hook else spec
            as_of = (replay.recorded_at(spec.id) or now).date() if replay else now.date()
            ctx = CrawlContext(
                spec=light, http=http, now=now, as_of=as_of, secrets={"api_key": key}
            )
            try:
                result = await _crawl_one(ctx)
            except CallwatchError as e:
                # a response without what its parser needs: the layout changed (StructureError)
                res.status = "broken" if isinstance(e, StructureError) else "failed"
                res.message = http.redact(str(e))
                return res
            h = judge(spec, result.calls, result.raw_items, skipped=len(result.skipped))
            res.status = "ok" if h.found == 0 and spec.min_calls == 0 else h.status
            res.found, res.with_title, res.with_deadline, res.with_url = (
                h.found, h.with_title, h.with_deadline, h.with_url,
            )  # fmt: skip
            res.message = h.message
            res.skipped = len(result.skipped)
            if result.skipped:
                note = f"{len(result.skipped)} record(s) skipped, e.g. {result.skipped[0]}"
                res.message = f"{res.message}; {note}" if res.message else note
            return res

        return list(await asyncio.gather(*(one(s) for s in specs)))
