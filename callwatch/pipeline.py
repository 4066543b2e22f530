"""What happens to the database when calls come in: fetch the sources (one at a time per
database), then bring the derived data up to date - links between listings, merged facts and
scores - so rank and report start fast. `callwatch fetch`, `import` and `add` all end here.

No printing: progress is reported through a `Progress` the caller supplies (the CLI's renderer).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from callwatch import clock, paths, store
from callwatch.errors import CallwatchError

if TYPE_CHECKING:
    from callwatch.fetch import SourceReport
    from callwatch.rules import Rules
    from callwatch.scoring import RefreshStats
    from callwatch.sources import SourceSpec
    from callwatch.store.db import Database
    from callwatch.workspace import Workspace


class Progress(Protocol):
    """What a fetch tells the person (or the log) while it runs."""

    def running(self, sources: int, mode: str) -> AbstractContextManager[object]: ...
    def source_done(self, report: SourceReport) -> None: ...
    def scored(self, stats: RefreshStats) -> None: ...
    def not_scored(self, error: CallwatchError) -> None: ...


@dataclass(frozen=True)
class FetchRequest:
    """The fetch options: which sources, and where the responses come from."""

    names: list[str] | None = None
    record: Path | None = None
    replay: Path | None = None
    offline: bool = False
    from_archive: bool = False

    @property
    def mode(self) -> str:
        if self.from_archive:
            return "archive"
        return "offline" if self.offline else "replay" if self.replay else "live"


@dataclass(frozen=True)
class FetchResult:
    mode: str
    reports: list[SourceReport]

    @property
    def failed(self) -> list[SourceReport]:
        return [r for r in self.reports if r.status == "failed"]


def fetch(ws: Workspace, req: FetchRequest, progress: Progress) -> FetchResult:
    """Fetch the selected sources under the database's fetch lock, then link and score."""
    from callwatch import sources
    from callwatch.lock import FetchLock

    if sum(map(bool, (req.replay, req.offline, req.from_archive))) > 1:
        raise CallwatchError("use only one of --replay DIR, --offline and --from-archive")
    replay = paths.RECORDINGS_DIR if req.offline else req.replay
    if replay and not Path(replay).is_dir():
        raise CallwatchError(f"{replay}: no such recording folder")
    all_specs = ws.specs()
    specs = sources.select(all_specs, req.names)
    with FetchLock(ws.db_file):
        return _fetch_locked(ws, req, replay, specs, all_specs, progress)


def _fetch_locked(
    ws: Workspace,
    req: FetchRequest,
    replay: Path | None,
    specs: list[SourceSpec],
    all_specs: list[SourceSpec],
    progress: Progress,
) -> FetchResult:
    from callwatch import archive  # only a fetch pays for httpx (archive -> http)
    from callwatch.fetch import FetchOptions, run_fetch

    db = ws.db(create=True)
    store.interrupt_stale_runs(db, clock.now())  # a killed fetch's runs stop showing as running
    options = FetchOptions(
        mode=req.mode,
        replay_dir=replay,
        record_dir=req.record,
        replay=archive.ArchiveReplay(db) if req.from_archive else None,
    )
    with progress.running(len(specs), req.mode):
        reports = run_fetch(db, specs, options, on_done=progress.source_done)
    link(db, all_specs)
    score_new(db, ws.rules, progress.scored, progress.not_scored)
    return FetchResult(req.mode, reports)


def link(db: Database, specs: list[SourceSpec]) -> int:
    """Derived links, brought up to date after every change (only new and changed calls are
    compared): cross-source duplicates, then the series that tie rounds of a call together;
    then each linked call gets the best facts of all its listings."""
    from callwatch import linking, merge

    n = linking.link(db, specs, {s.id for s in specs if s.relists}).duplicates
    merge.refresh(db)
    return n


def score_new(
    db: Database,
    load_rules: Callable[[], Rules],
    done: Callable[[RefreshStats], None],
    failed: Callable[[CallwatchError], None],
) -> None:
    """Score new and changed calls now. A broken rules file does not fail the command that
    stored the calls (the data is safe); commands that need the rules report it."""
    from callwatch import scoring

    try:
        rules = load_rules()
    except CallwatchError as e:
        failed(e)
        return
    done(scoring.refresh(db, rules))


def refresh_scores(db: Database, rules: Rules, warn: Callable[[str], None]) -> None:
    """Score new and changed calls before a read. A read-only database is read with the
    scores it holds."""
    from callwatch import scoring

    if not getattr(db, "readonly", False):
        scoring.refresh(db, rules)
        return
    try:
        scoring.refresh(db, rules)
    except CallwatchError:
        warn("warning: the database is read-only; scores were not refreshed")
