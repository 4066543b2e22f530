"""What each CLI command does, kept out of cli.py so that module imports nothing heavy.

Each function takes the CLI state and plain options, calls the library and renders the result.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from callwatch import output, paths, sources, store
from callwatch.errors import CallwatchError, NotFoundError

CALL_COLUMNS = ["id", "status", "next_deadline", "funder", "programme", "title", "url"]


def fetch(
    state: Any,
    names: list[str] | None,
    record: Path | None,
    replay: Path | None,
    offline: bool,
    quiet: bool,
) -> int:
    from callwatch.fetch import FetchOptions, SourceReport, run_fetch

    if replay and offline:
        raise CallwatchError("use either --replay DIR or --offline, not both")
    if offline:
        replay = paths.RECORDINGS_DIR
    if replay and not Path(replay).is_dir():
        raise CallwatchError(f"{replay}: no such recording folder")
    specs = sources.select(state.specs(), names)
    db = state.db()
    mode = "offline" if offline else "replay" if replay else "live"
    options = FetchOptions(mode=mode, replay_dir=replay, record_dir=record)
    err = output.console(stderr=True)
    interactive = sys.stderr.isatty() and not quiet

    def done(r: SourceReport) -> None:
        if quiet and r.status != "failed":
            return
        line = f"{r.source}: {r.status}, {r.seen} calls ({r.new} new, {r.updated} updated, {r.closed} closed)"
        if r.message:
            line += f" - {r.message}"
        err.print(line, markup=False)

    if interactive:
        with err.status(f"Fetching {len(specs)} source(s) ({mode})..."):
            reports = run_fetch(db, specs, options, on_done=done)
    else:
        reports = run_fetch(db, specs, options, on_done=done)
    failed = [r for r in reports if r.status == "failed"]
    if not quiet or failed:
        rows = [
            (r.source, r.status, r.seen, r.new, r.updated, r.closed, r.errors, f"{r.duration:.1f}s")
            for r in sorted(reports, key=lambda r: r.source)
        ]
        cols = ["source", "status", "seen", "new", "updated", "closed", "errors", "duration"]
        if sys.stdout.isatty():
            output.console().print(output.table(f"callwatch fetch ({mode})", cols, rows))
        else:
            print("\t".join(cols))
            for row in rows:
                print("\t".join(str(v) for v in row))
        for r in reports:
            for w in r.warnings:
                if not quiet:
                    err.print(f"{r.source}: warning: {w.splitlines()[-1]}", markup=False)
    return 1 if failed else 0


def list_calls(
    state: Any, names: list[str] | None, statuses: list[str] | None, search: str | None, fmt: str
) -> None:
    for s in statuses or []:
        if s not in ("forthcoming", "open", "closed"):
            raise CallwatchError(f"unknown status {s!r}; use forthcoming, open or closed")
    rows = store.query_calls(state.db(), sources=names, statuses=statuses, search=search)
    if fmt == "json":
        output.print_json(rows)
    elif fmt == "csv":
        output.print_csv(rows, list(rows[0]) if rows else store.CALL_COLUMNS)
    else:
        table_rows = [
            (
                r["id"],
                r["status"],
                output.local_time(r["next_deadline"]),
                r["funder"],
                r["title"][:80],
            )
            for r in rows
        ]
        output.console().print(
            output.table(
                f"{len(rows)} calls", ["id", "status", "deadline", "funder", "title"], table_rows
            )
        )


def show_call(state: Any, call_id: str, fmt: str) -> None:
    db = state.db()
    call = store.get_call(db, call_id)
    history = store.call_history(db, call_id)
    if fmt == "json":
        output.print_json({**call, "history": history})
        return
    if fmt == "csv":
        output.print_csv([call], list(call))
        return
    con = output.console()
    con.print(f"[bold]{call['title']}[/bold]", markup=True)
    fields = [
        ("id", call["id"]),
        ("status", call["status"]),
        ("funder", call["funder"]),
        ("programme", call["programme"]),
        ("url", call["url"]),
        ("opens", output.local_time(call["opens"])),
        ("next deadline", output.local_time(call["next_deadline"])),
        (
            "budget",
            f"{call['budget_amount']:,.0f} {call['budget_currency']}"
            if call["budget_amount"]
            else "",
        ),
        ("language", call["language"]),
        ("first seen", call["first_seen"]),
        ("last seen", call["last_seen"]),
    ]
    if call.get("closed_reason"):
        fields.append(("closed", f"{call['closed_at']} ({call['closed_reason']})"))
    for k, v in call["extra"].items():
        fields.append((k.replace("_", " "), ", ".join(map(str, v)) if isinstance(v, list) else v))
    con.print(output.table(None, ["field", "value"], fields))
    if call["deadlines"]:
        con.print(
            "Deadlines: " + ", ".join(output.local_time(d) for d in call["deadlines"]), markup=False
        )
    for label, key in (("Summary", "summary"), ("Who can apply", "eligibility")):
        if call[key]:
            con.print(f"\n{label}: {call[key]}", markup=False)
    if call["keywords"]:
        con.print("Keywords: " + ", ".join(call["keywords"]), markup=False)
    if history:
        con.print(
            output.table(
                "History",
                ["when", "field", "old", "new"],
                [
                    (h["changed_at"], h["field"], (h["old"] or "")[:60], (h["new"] or "")[:60])
                    for h in history
                ],
            )
        )
    else:
        con.print("\nNo changes recorded since first seen.", markup=False)


def list_sources(state: Any, fmt: str) -> None:
    specs = state.specs()
    db_path = state.db_path or paths.default_db()
    stats = store.source_stats(state.db()) if Path(db_path).exists() else {}
    rows = []
    for s in specs:
        st = stats.get(s.id, {})
        rows.append(
            {
                "id": s.id,
                "name": s.name,
                "kind": s.kind,
                "enabled": s.enabled,
                "calls": st.get("calls", 0),
                "open": st.get("by_status", {}).get("open", 0),
                "last_success": st.get("last_success"),
                "last_status": st.get("last_status"),
                "consecutive_failures": st.get("consecutive_failures", 0),
                "last_error": st.get("last_error") if st.get("last_status") == "failed" else None,
            }
        )
    if fmt == "json":
        output.print_json(rows)
    elif fmt == "csv":
        output.print_csv(rows, list(rows[0]))
    else:
        output.console().print(
            output.table(
                f"{len(rows)} sources",
                ["id", "kind", "enabled", "calls", "open", "last success", "last error"],
                [
                    (
                        r["id"],
                        r["kind"],
                        "yes" if r["enabled"] else "no",
                        r["calls"],
                        r["open"],
                        (r["last_success"] or "never")[:19],
                        r["last_error"] or "",
                    )
                    for r in rows
                ],
            )
        )


def parse_file(state: Any, source: str, file: Path, fmt: str) -> None:
    specs = {s.id: s for s in state.specs()}
    if source not in specs:
        raise NotFoundError(f"unknown source {source!r}; known: {', '.join(sorted(specs))}")
    try:
        body = Path(file).read_bytes()
    except OSError as e:
        raise CallwatchError(f"{file}: {e.strerror}") from None
    spec = specs[source]
    calls = spec.adapter().parse(spec, body, datetime.now(UTC), str(file))
    rows = [c.to_dict() for c in calls]
    if fmt == "json":
        output.print_json(rows)
    elif fmt == "csv":
        output.print_csv(rows, list(rows[0]) if rows else ["id"])
    else:
        output.console().print(
            output.table(
                f"{len(rows)} calls from {file}",
                ["id", "status", "deadlines", "title"],
                [(r["id"], r["status"], len(r["deadlines"]), r["title"][:70]) for r in rows],
            )
        )
