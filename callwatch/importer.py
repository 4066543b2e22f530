"""`callwatch import FILE.jsonl`: add calls from JSON Lines, all or nothing.

Each line is one object. Required: id, title, url, funder. Optional: description (or text),
summary, deadline and opens (ISO date or datetime; bare dates mean the end of that day in
Stockholm), budget, currency, language, programme, eligibility. Imported calls have their own
id space: the id "x" is stored as "import:x" (an id given as "import:x" is the same call), so it
never collides with a fetched call. What a line does not give (deadlines, status, amounts, who
may apply) is read from its text by callwatch.facts; a line with no dated evidence has status
`unknown`. Any invalid line stops the import before anything is written; values the store would
not keep (a deadline in year 9999) are dropped with a warning.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from callwatch.errors import CallwatchError, ImportDataError
from callwatch.facts.apply import enrich
from callwatch.models import IMPORT_SOURCE, Call, clean_url, validate
from callwatch.normalise import STOCKHOLM, clean, end_of_day, parse_datetime

if TYPE_CHECKING:
    from callwatch.store import Counts
    from callwatch.workspace import Workspace

REQUIRED = ("id", "title", "url", "funder")
TEXT_FIELDS = ("description", "summary", "language", "programme", "eligibility", "currency")


def as_iso(value: object, key: str, *, deadline: bool) -> datetime:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"'{key}' must be an ISO date or datetime string")
    s = value.strip()
    if len(s) == 10:
        d = date.fromisoformat(s)
        return end_of_day(d, STOCKHOLM) if deadline else parse_datetime(s + "T00:00:00", STOCKHOLM)
    return parse_datetime(s, STOCKHOLM)


def parse_line(obj: object, now: datetime, warnings: list[str] | None = None) -> Call:
    """One import line as a Call, or ValueError; values validation dropped go to `warnings`."""
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    for key in REQUIRED:
        if not isinstance(obj.get(key), str) or not obj[key].strip():
            raise ValueError(f"'{key}' is missing or not a non-empty string")
    url = obj["url"].strip()
    if not url.startswith(("http://", "https://")):
        raise ValueError("'url' must start with http:// or https://")
    if clean_url(url) is None:
        raise ValueError("'url' must be one line without spaces or control characters")
    for key in TEXT_FIELDS:
        if key in obj and obj[key] is not None and not isinstance(obj[key], str):
            raise ValueError(f"'{key}' must be a string")
    deadlines = []
    if obj.get("deadline") is not None:
        try:
            deadlines = [as_iso(obj["deadline"], "deadline", deadline=True)]
        except ValueError as e:
            raise ValueError(str(e) if "'deadline'" in str(e) else f"'deadline': {e}") from None
    opens = None
    if obj.get("opens") is not None:
        try:
            opens = as_iso(obj["opens"], "opens", deadline=False)
        except ValueError as e:
            raise ValueError(str(e) if "'opens'" in str(e) else f"'opens': {e}") from None
    budget = obj.get("budget")
    if budget is not None and (
        not isinstance(budget, int | float)
        or isinstance(budget, bool)
        or not math.isfinite(budget)
        or budget < 0
    ):
        raise ValueError("'budget' must be a finite non-negative number")
    description = obj.get("description") or obj.get("text") or ""
    if not isinstance(description, str):
        raise ValueError("'text' must be a string")
    native_id = obj["id"].strip().removeprefix(IMPORT_SOURCE + ":")
    if not native_id:
        raise ValueError("'id' is missing or not a non-empty string")
    call = Call(
        source=IMPORT_SOURCE,
        native_id=native_id,
        title=clean(obj["title"]),
        url=url,
        funder=clean(obj["funder"]),
        status="unknown",  # decided below from the evidence (dates given or in the text)
        programme=clean(obj.get("programme")),
        summary=clean(obj.get("summary")),
        description=description.strip(),
        language=clean(obj.get("language")),
        opens=opens.isoformat() if opens else None,
        deadlines=[d.isoformat() for d in deadlines],
        budget_amount=float(budget) if budget is not None else None,
        budget_currency=(obj.get("currency") or "SEK") if budget is not None else None,
        eligibility=clean(obj.get("eligibility")),
    )
    dropped = validate(call)  # the store's boundary, applied here so the facts below are right
    if warnings is not None:
        warnings += dropped
    # the fields a line does not give come from its text, through the one facts step
    enrich(call, now)
    return call


# A file larger than this is parsed by several processes: the facts step reads every call's
# text (about 2 ms a call), which is most of an import of tens of thousands of calls
PARALLEL_BYTES = 4_000_000
CHUNK_LINES = 250  # lines per task sent to a worker
MAX_WORKERS = 4


def read(path: Path, now: datetime, warnings: list[str] | None = None) -> list[Call]:
    """Every call in the file, or ImportDataError naming the first bad line. Values dropped by
    validation are appended to `warnings` as "FILE line N: ..." (a BOM at the start is allowed).
    A large file is parsed by one worker process per core (at most MAX_WORKERS); the lines are
    judged in file order either way, so the calls, warnings and errors are the same."""
    calls: list[Call] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    try:
        # line by line: the whole file and its list of lines are never held next to the calls
        with open(path, encoding="utf-8-sig") as f:
            workers = _workers(path)
            parsed = _parse_parallel(f, now, workers) if workers > 1 else _parse(f, now)
            for n, call, error, dropped in parsed:
                _keep(n, call, error, dropped, calls, errors, seen, warnings, path)
    except (OSError, UnicodeDecodeError) as e:
        raise ImportDataError(f"{path}: cannot read ({e})") from None
    if errors:
        more = f" (and {len(errors) - 1} more invalid lines)" if len(errors) > 1 else ""
        raise ImportDataError(f"{path} {errors[0]}{more}; nothing was imported")
    if not calls:
        raise ImportDataError(f"{path}: no calls in the file; nothing was imported")
    return calls


Parsed = tuple[int, Call | None, str | None, list[str]]  # line number, call or error, dropped


def _parse(lines: Iterable[str], now: datetime, first: int = 1) -> Iterator[Parsed]:
    """Each non-blank line as (line number, call, None, values dropped) or (line number, None,
    error, [])."""
    for n, line in enumerate(lines, start=first):
        if not line.strip():
            continue
        try:
            dropped: list[str] = []
            yield n, parse_line(json.loads(line), now, dropped), None, dropped
        except json.JSONDecodeError as e:
            yield n, None, f"line {n}: invalid JSON ({e.msg})", []
        except RecursionError:
            yield n, None, f"line {n}: JSON nested too deeply", []
        except (ValueError, TypeError) as e:
            yield n, None, f"line {n}: {e}", []


def _parse_chunk(first: int, lines: list[str], now: datetime) -> list[Parsed]:
    """One worker's task: _parse() of CHUNK_LINES lines starting at line `first`."""
    return list(_parse(lines, now, first))


def _workers(path: Path) -> int:
    """How many processes parse the file: one per core the process may use (at most
    MAX_WORKERS) for a large file, else 1."""
    import os

    if path.stat().st_size <= PARALLEL_BYTES:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_WORKERS))


def _parse_parallel(lines: Iterable[str], now: datetime, workers: int) -> Iterator[Parsed]:
    """_parse() by `workers` processes, CHUNK_LINES lines per task, yielded in file order. At
    most two tasks per worker are in flight, so the file is read as fast as it is parsed. Where
    the platform cannot start worker processes (no semaphores, e.g. some sandboxes) the file is
    parsed in this process."""
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor
    from itertools import islice

    try:
        pool = ProcessPoolExecutor(max_workers=workers)
    except (OSError, ImportError, NotImplementedError):
        yield from _parse(lines, now)
        return
    it = iter(lines)
    first = 1
    pending: deque[Future[list[Parsed]]] = deque()
    with pool:
        while True:
            while len(pending) < 2 * workers:
                chunk = list(islice(it, CHUNK_LINES))
                if not chunk:
                    break
                pending.append(pool.submit(_parse_chunk, first, chunk, now))
                first += len(chunk)
            if not pending:
                return
            yield from pending.popleft().result()


def _keep(
    n: int,
    call: Call | None,
    error: str | None,
    dropped: list[str],
    calls: list[Call],
    errors: list[str],
    seen: dict[str, int],
    warnings: list[str] | None,
    path: Path,
) -> None:
    """One parsed line into the calls (or the errors: invalid, or an id already seen)."""
    if call is None:
        errors.append(error or f"line {n}: invalid")
        return
    if warnings is not None:
        warnings += [f"{path} line {n}: {w}" for w in dropped]
    if call.id in seen:
        errors.append(f"line {n}: id {call.native_id!r} already on line {seen[call.id]}")
        return
    seen[call.id] = n
    calls.append(call)


# ---------------------------------------------------------------------------------------------
# The use cases: `callwatch import` and `callwatch add` store calls, then link and score them


@dataclass
class Stored:
    """What an import or an added page did: the store's counts, values dropped with a warning,
    and why the calls are not scored yet (a broken rules file), if they are not."""

    counts: Counts
    dropped: list[str] = field(default_factory=list)
    not_scored: CallwatchError | None = None
    call: Call | None = None  # `add`: the page's call


def import_file(ws: Workspace, file: Path) -> Stored:
    """Every line is validated before anything is written; then the calls are stored, linked
    to other listings and scored."""
    from callwatch import clock, pipeline, store

    now = clock.now()
    dropped: list[str] = []
    calls = read(file, now, dropped)
    db = ws.db(create=True)
    done = Stored(store.apply_crawl(db, "import", calls, complete=False, now=now, run_id=None))
    done.dropped = dropped
    del calls  # stored: free the parsed file before linking and scoring read the calls back
    try:
        pipeline.link(db, ws.specs())
    except CallwatchError:
        pipeline.link(db, [])
    pipeline.score_new(db, ws.rules, lambda _: None, lambda e: setattr(done, "not_scored", e))
    return done


def add_page(ws: Workspace, file: Path, url: str, funder: str | None) -> Stored:
    """Keep a saved page as a call of the import source, scored."""
    from callwatch import clock, pages, pipeline, store

    now = clock.now()
    call = pages.page_call(file, url, funder, now)
    db = ws.db(create=True)
    done = Stored(store.apply_crawl(db, "import", [call], complete=False, now=now, run_id=None))
    done.call = call
    pipeline.score_new(db, ws.rules, lambda _: None, lambda e: setattr(done, "not_scored", e))
    return done
