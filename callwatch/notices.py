"""What the writing commands print: fetch progress and its summary (a table for people, tab-
separated lines for pipes, JSON lines for logs), and the one-line results of import, add, mark,
import-decisions, rules check and the user commands. English, as the CLI's own messages are.
"""

from __future__ import annotations

import json
import sys
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from callwatch import clock, output, report_text, safe, shortid

if TYPE_CHECKING:
    from callwatch.actions import Marked
    from callwatch.errors import CallwatchError
    from callwatch.fetch import SourceReport
    from callwatch.importer import Stored
    from callwatch.pipeline import FetchResult
    from callwatch.rules import Rules
    from callwatch.scoring import RefreshStats


def warn(message: str) -> None:
    """One warning line on stderr."""
    output.console(stderr=True).print(message, markup=False)


class FetchProgress:
    """A fetch's progress on stderr (a spinner on a terminal, a line per source), or one JSON
    object per source with --log-json; then the summary (see `summary`)."""

    def __init__(self, quiet: bool, log_json: bool) -> None:
        self.quiet, self.log_json = quiet, log_json
        self.err = output.console(stderr=True)
        self.mode = ""

    def running(self, sources: int, mode: str) -> AbstractContextManager[object]:
        self.mode = mode
        if sys.stderr.isatty() and not self.quiet and not self.log_json:
            return self.err.status(f"Fetching {sources} source(s) ({mode})...")
        return nullcontext()

    def source_done(self, r: SourceReport) -> None:
        if self.log_json:
            event = {
                "event": "source",
                "time": clock.now().isoformat(),
                "mode": self.mode,
                **{k: v for k, v in r.__dict__.items() if k != "warnings"},
            }
            event["warnings"] = [w.splitlines()[-1] for w in r.warnings]
            print(safe.json_dumps(event), flush=True)
            return
        if self.quiet and r.status != "failed":
            return
        line = f"{r.source}: {r.status}, {r.seen} calls ({r.new} new, {r.updated} updated, {r.closed} closed)"
        if r.message:
            line += f" - {r.message}"
        self.err.print(line, markup=False)

    def scored(self, stats: RefreshStats) -> None:
        if stats.scored and not (self.quiet or self.log_json):
            self.err.print(f"scored {stats.scored} of {stats.total} calls", markup=False)

    def not_scored(self, error: CallwatchError) -> None:
        self.err.print(f"warning: calls not scored: {error}", markup=False)

    def summary(self, result: FetchResult) -> int:
        """The summary; returns the exit code (1 when a source failed)."""
        reports, failed = result.reports, result.failed
        if self.log_json:
            print(json.dumps(_summary_event(result)), flush=True)
        elif not self.quiet or failed:
            rows = [
                (
                    r.source,
                    r.status,
                    r.seen,
                    r.new,
                    r.updated,
                    r.closed,
                    r.errors,
                    f"{r.duration:.1f}s",
                )
                for r in sorted(reports, key=lambda r: r.source)
            ]
            cols = ["source", "status", "seen", "new", "updated", "closed", "errors", "duration"]
            if sys.stdout.isatty():
                output.console().print(output.table(f"callwatch fetch ({result.mode})", cols, rows))
            else:
                print("\t".join(cols))
                for row in rows:
                    print("\t".join(str(v) for v in row))
            for r in reports:
                for w in r.warnings:
                    if not self.quiet:
                        self.err.print(f"{r.source}: warning: {w.splitlines()[-1]}", markup=False)
        return 1 if failed else 0


def _summary_event(result: FetchResult) -> dict[str, Any]:
    reports = result.reports
    return {
        "event": "summary",
        "time": clock.now().isoformat(),
        "mode": result.mode,
        "sources": len(reports),
        "failed": [r.source for r in result.failed],
        "new": sum(r.new for r in reports),
        "updated": sum(r.updated for r in reports),
        "closed": sum(r.closed for r in reports),
    }


def imported(done: Stored, file: object) -> None:
    err = output.console(stderr=True)
    for w in done.dropped:
        err.print(f"warning: {w}")
    if done.not_scored is not None:
        err.print(f"warning: not scored yet: {done.not_scored}", markup=False)
    c = done.counts
    print(f"imported {c.seen} calls from {file} ({c.new} new, {c.updated} updated)")


def added(done: Stored) -> None:
    if done.not_scored is not None:
        output.console(stderr=True).print(
            f"warning: not scored yet: {done.not_scored}", markup=False
        )
    call = done.call
    assert call is not None
    print(
        f"{'added' if done.counts.new else 'updated'} {call.id}: {call.title} (status {call.status})"
    )


def marked(m: Marked, lang: str | None) -> None:
    t = report_text.words(lang or "en")
    d = m.decision
    print(
        f"{m.profile.name}: {t['decision_words'].get(d.status, d.status)} "
        f"{output.clip(output.term(m.title), 60)} ({shortid.short(m.call_id)})"
        + (f" ({output.term(d.reason)})" if d.reason else "")
    )


def decisions_imported(counts: dict[str, int], file: object) -> None:
    print(
        f"imported {counts['imported']} decisions from {file} ({counts['present']} already "
        f"present, {counts['older']} older than a decision in the database)"
    )


def rules_ok(rules: Rules) -> None:
    print(
        f"rules OK: {len(rules.themes)} themes "
        f"({sum(len(t.terms) for t in rules.themes.values())} terms), "
        f"{len(rules.eligibility.positive) + len(rules.eligibility.negative)} eligibility phrases, "
        f"{len(rules.profiles)} municipalities ({', '.join(p.name for p in rules.profiles.values())}); "
        f"hash {rules.hash}"
    )


def user_added(user: Any, kommun_name: str) -> None:
    print(f"user {user.name} decides for {kommun_name}")


def user_removed(name: str) -> None:
    print(f"removed user {name}")
