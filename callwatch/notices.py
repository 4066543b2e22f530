"""What the writing commands print: fetch progress and its summary (a table for people, tab-
separated lines for pipes, JSON lines for logs), and the one-line results of import, add, mark,
import-decisions, rules check and the user commands. English, as the CLI's own messages are,
or Swedish with --lang sv / CALLWATCH_LANG=sv (the words are in messages.py). Tab-separated
and JSON lines keep English column names and status codes: scripts read them.
"""

from __future__ import annotations

import json
import sys
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from callwatch import clock, output, report_text, safe, shortid
from callwatch.messages import framed, line_language, say, word, worded

if TYPE_CHECKING:
    from callwatch.actions import Marked
    from callwatch.errors import CallwatchError
    from callwatch.fetch import SourceReport
    from callwatch.importer import Stored
    from callwatch.pipeline import FetchResult
    from callwatch.rules import Rules
    from callwatch.scoring import RefreshStats


def warn(message: str, lang: str | None = None) -> None:
    """One warning line on stderr; a library's "warning: ..." or "Error: ..." line in the
    output's language (messages.framed)."""
    for prefix, key in (("warning: ", "warning"), ("Error: ", "error")):
        if message.startswith(prefix):
            message = framed(key, message.removeprefix(prefix), lang)
            break
    else:
        message = worded(message, lang)
    output.console(stderr=True).print(message, markup=False)


class FetchProgress:
    """A fetch's progress on stderr (a spinner on a terminal, a line per source), or one JSON
    object per source with --log-json; then the summary (see `summary`)."""

    def __init__(self, quiet: bool, log_json: bool, lang: str | None = None) -> None:
        self.quiet, self.log_json, self.lang = quiet, log_json, lang
        self.err = output.console(stderr=True)
        self.mode = ""

    def running(self, sources: int, mode: str) -> AbstractContextManager[object]:
        self.mode = mode
        if sys.stderr.isatty() and not self.quiet and not self.log_json:
            return self.err.status(
                say("fetching", self.lang, n=sources, mode=word(mode, self.lang))
            )
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
        # the source's message decides the line's language: one it cannot word in Swedish
        # makes the whole line English
        lang, message = line_language(r.message, self.lang) if r.message else (self.lang, "")
        line = say(
            "source_line", lang, source=r.source, status=word(r.status, lang), seen=r.seen,
            new=r.new, updated=r.updated, closed=r.closed,
        )  # fmt: skip
        if message:
            line += f" - {message}"
        self.err.print(line, markup=False)

    def scored(self, stats: RefreshStats) -> None:
        if stats.scored and not (self.quiet or self.log_json):
            self.err.print(
                say("scored", self.lang, scored=stats.scored, total=stats.total), markup=False
            )

    def not_scored(self, error: CallwatchError) -> None:
        self.err.print(_not_scored("not_scored", error, self.lang), markup=False)

    def summary(self, result: FetchResult) -> int:
        """The summary; returns the exit code (1 when a source failed)."""
        reports, failed = result.reports, result.failed
        if self.log_json:
            print(json.dumps(_summary_event(result)), flush=True)
        elif not self.quiet or failed:
            tty, lang = sys.stdout.isatty(), self.lang
            rows = [
                (
                    r.source,
                    word(r.status, lang) if tty else r.status,
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
            if tty:
                title = say("summary_title", lang, mode=word(result.mode, lang))
                heads = [word(c, lang) for c in cols]
                output.console().print(output.table(title, heads, rows))
            else:
                print("\t".join(cols))
                for row in rows:
                    print("\t".join(str(v) for v in row))
            for r in reports:
                for w in r.warnings:
                    if not self.quiet:
                        warning = w.splitlines()[-1]
                        self.err.print(
                            framed("source_warning", warning, self.lang, source=r.source),
                            markup=False,
                        )
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


def imported(done: Stored, file: object, lang: str | None = None) -> None:
    err = output.console(stderr=True)
    for w in done.dropped:
        err.print(framed("warning", w, lang), markup=False)
    if done.not_scored is not None:
        err.print(_not_scored("not_scored_yet", done.not_scored, lang), markup=False)
    c = done.counts
    print(say("imported", lang, seen=c.seen, file=file, new=c.new, updated=c.updated))


def added(done: Stored, lang: str | None = None) -> None:
    if done.not_scored is not None:
        output.console(stderr=True).print(
            _not_scored("not_scored_yet", done.not_scored, lang), markup=False
        )
    call = done.call
    assert call is not None
    status = report_text.status_word(call.status, None, lang) if lang == "sv" else call.status
    key = "added" if done.counts.new else "updated"
    print(say(key, lang, id=call.id, title=call.title, status=status))


def marked(m: Marked, lang: str | None) -> None:
    t = report_text.words(lang or "en")
    d = m.decision
    print(
        f"{m.profile.name}: {t['decision_words'].get(d.status, d.status)} "
        f"{output.clip(output.term(m.title), 60)} ({shortid.short(m.call_id)})"
        + (f" ({output.term(d.reason)})" if d.reason else "")
    )


def decisions_imported(counts: dict[str, int], file: object, lang: str | None = None) -> None:
    print(say("decisions_imported", lang, file=file, **counts))


def rules_ok(rules: Rules, lang: str | None = None) -> None:
    print(
        say(
            "rules_ok", lang, themes=len(rules.themes),
            terms=sum(len(t.terms) for t in rules.themes.values()),
            phrases=len(rules.eligibility.positive) + len(rules.eligibility.negative),
            n=len(rules.profiles), names=", ".join(p.name for p in rules.profiles.values()),
            hash=rules.hash,
        )
    )  # fmt: skip


def user_added(user: Any, kommun_name: str, lang: str | None = None) -> None:
    print(say("user_added", lang, name=user.name, kommun=kommun_name))


def user_removed(name: str, lang: str | None = None) -> None:
    print(say("user_removed", lang, name=name))


def _not_scored(key: str, error: object, lang: str | None) -> str:
    """The "stored but not scored" line, in one language (messages.line_language)."""
    lang, message = line_language(str(error), lang)
    return say(key, lang, error=message)
