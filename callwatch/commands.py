"""What each CLI command does, kept out of cli.py so that module imports nothing heavy.

Each function takes the CLI state and plain options, calls the library and renders the result.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from callwatch import clock, output, paths, sources, store
from callwatch.errors import CallwatchError, NotFoundError

CALL_COLUMNS = ["id", "status", "next_deadline", "funder", "programme", "title", "url"]


def fetch(
    state: Any,
    names: list[str] | None,
    record: Path | None,
    replay: Path | None,
    offline: bool,
    quiet: bool,
    log_json: bool = False,
    from_archive: bool = False,
) -> int:
    from callwatch.lock import FetchLock

    if sum(map(bool, (replay, offline, from_archive))) > 1:
        raise CallwatchError("use only one of --replay DIR, --offline and --from-archive")
    if offline:
        replay = paths.RECORDINGS_DIR
    if replay and not Path(replay).is_dir():
        raise CallwatchError(f"{replay}: no such recording folder")
    all_specs = state.specs()
    specs = sources.select(all_specs, names)
    with FetchLock(state.db_path or paths.default_db()):
        return _fetch_locked(
            state, specs, record, replay, offline, quiet, log_json, from_archive, all_specs
        )


def _fetch_locked(
    state: Any,
    specs: list,
    record: Path | None,
    replay: Path | None,
    offline: bool,
    quiet: bool,
    log_json: bool,
    from_archive: bool = False,
    all_specs: list | None = None,
) -> int:
    from callwatch.fetch import FetchOptions, SourceReport, run_fetch

    db = state.db()
    mode = "archive" if from_archive else "offline" if offline else "replay" if replay else "live"
    options = FetchOptions(
        mode=mode,
        replay_dir=replay,
        record_dir=record,
        replay=store.ArchiveReplay(db) if from_archive else None,
    )
    err = output.console(stderr=True)
    interactive = sys.stderr.isatty() and not quiet and not log_json

    def done(r: SourceReport) -> None:
        if log_json:
            event = {
                "event": "source",
                "time": clock.now().isoformat(),
                "mode": mode,
                **{k: v for k, v in r.__dict__.items() if k != "warnings"},
            }
            event["warnings"] = [w.splitlines()[-1] for w in r.warnings]
            print(json.dumps(event, ensure_ascii=False), flush=True)
            return
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
    _link_duplicates(db, all_specs if all_specs is not None else specs)
    _score_after_fetch(state, db, err, quiet or log_json)
    if log_json:
        print(
            json.dumps(
                {
                    "event": "summary",
                    "time": clock.now().isoformat(),
                    "mode": mode,
                    "sources": len(reports),
                    "failed": [r.source for r in failed],
                    "new": sum(r.new for r in reports),
                    "updated": sum(r.updated for r in reports),
                    "closed": sum(r.closed for r in reports),
                }
            ),
            flush=True,
        )
        return 1 if failed else 0
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


def _link_duplicates(db: Any, specs: list) -> int:
    """Derived links, brought up to date after every change (only new and changed calls are
    compared): cross-source duplicates, then the series that tie rounds of a call together."""
    from callwatch import linking

    return linking.link(db, specs, {s.id for s in specs if s.relists}).duplicates


def _score_after_fetch(state: Any, db: Any, err: Any, quiet: bool) -> None:
    """Score new and changed calls now, so rank and report start fast. A broken rules file does
    not fail the fetch (the data is safe); commands that need rules report it."""
    from callwatch import scoring

    try:
        rules = load_rules(state)
    except CallwatchError as e:
        err.print(f"warning: calls not scored: {e}", markup=False)
        return
    stats = scoring.refresh(db, rules)
    if stats.scored and not quiet:
        err.print(f"scored {stats.scored} of {stats.total} calls", markup=False)


TABLE_LIMIT = 50  # rows a table shows unless --limit says otherwise


def list_calls(
    state: Any,
    names: list[str] | None,
    statuses: list[str] | None,
    search: str | None,
    fmt: str,
    limit: int | None = None,
) -> None:
    for s in statuses or []:
        if s not in ("forthcoming", "open", "closed"):
            raise CallwatchError(f"unknown status {s!r}; use forthcoming, open or closed")
    if limit is not None and limit < 0:
        raise CallwatchError("--limit must be 0 (all) or more")
    if limit is None:
        limit = TABLE_LIMIT if fmt == "table" else 0
    db = state.db()
    query = dict(sources=names, statuses=statuses, search=search)
    rows = store.query_calls(db, **query, limit=limit or None)
    total = store.count_calls(db, **query) if limit and len(rows) == limit else len(rows)
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
                f"{total} calls", ["id", "status", "deadline", "funder", "title"], table_rows
            )
        )
        if total > len(rows):
            print(f"{total - len(rows)} more (use --limit 0 for all, or --format json)")


def show_call(state: Any, call_id: str, fmt: str) -> None:
    from callwatch import decisions, dedupe, recurring

    db = state.db()
    call = store.get_call(db, call_id)
    history = store.call_history(db, call_id)
    others = dedupe.also_listed(db, call_id)
    rounds = [r.__dict__ for r in recurring.rounds(db, call_id) if r.id != call_id]
    decided = decisions.history(db, call_id)
    if fmt == "json":
        output.print_json(
            {
                **call,
                "history": history,
                "also_listed": others,
                "rounds": rounds,
                "decisions": decided,
            }
        )
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
    if others:
        label = "Same call as" if call.get("duplicate_of") else "Also listed by"
        con.print(f"\n{label}:", markup=False)
        for o in others:
            con.print(f"  {o['source']}: {o['url']}  ({o['id']})", markup=False)
    if rounds:
        con.print(
            output.table(
                "Other rounds of this call",
                ["id", "status", "opens", "deadline", "budget", "decisions", "title"],
                [
                    (
                        r["id"],
                        r["status"],
                        (r["opens"] or "")[:10],
                        (r["deadline"] or "")[:10],
                        f"{r['budget']:,.0f} {r['currency']}" if r["budget"] else "",
                        "; ".join(f"{d['kommun']}: {d['status']}" for d in r["decisions"]),
                        r["title"][:60],
                    )
                    for r in rounds
                ],
            )
        )
    if decided:
        con.print(
            output.table(
                "Decisions (every change)",
                ["when", "kommun", "status", "reason", "note", "by"],
                [
                    (d["created"][:19], d["kommun"], d["status"], d["reason"], d["note"], d["by"])
                    for d in decided
                ],
            )
        )
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
                "last_failure": st.get("last_failure"),
                "last_failure_message": st.get("last_failure_message"),
                "health": "never fetched"
                if not st.get("last_status")
                else ("ok" if st.get("last_status") in ("ok", "partial") else "failing"),
            }
        )
    output.render(
        rows,
        fmt,
        f"{len(rows)} sources",
        ["id", "kind", "enabled", "health", "calls", "open", "last success", "last failure", "failures in a row"],
        lambda r: (
            r["id"], r["kind"], "yes" if r["enabled"] else "no", r["health"], r["calls"], r["open"],
            (r["last_success"] or "never")[:19],
            f"{(r['last_failure'] or '')[:19]} {r['last_failure_message'] or ''}".strip(),
            r["consecutive_failures"],
        ),
    )  # fmt: skip


def parse_file(state: Any, source: str, file: Path, fmt: str) -> None:
    specs = {s.id: s for s in state.specs()}
    if source not in specs:
        raise NotFoundError(f"unknown source {source!r}; known: {', '.join(sorted(specs))}")
    try:
        body = Path(file).read_bytes()
    except OSError as e:
        raise CallwatchError(f"{file}: {e.strerror}") from None
    from callwatch.adapters import safe_parse

    spec = specs[source]
    calls = safe_parse(spec, body, clock.now(), str(file))
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


# ---------------------------------------------------------------------------------------------
# Matching and ranking


def load_rules(state: Any):  # noqa: ANN201
    from callwatch import rules as rules_mod

    return rules_mod.load(paths.rules_dir(state.rules_dir))


def parse_today(value: str | None):  # noqa: ANN201
    from datetime import date

    if not value:
        return clock.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CallwatchError(f"--today {value!r} is not a date (YYYY-MM-DD)") from None


def rank(
    state: Any,
    kommun: str | None,
    theme: str | None,
    limit: int,
    within: int | None,
    include_closed: bool,
    show_all: bool,
    fmt: str,
    today_s: str | None,
) -> None:
    from callwatch import rank as rank_mod
    from callwatch import scoring

    if bool(kommun) == bool(theme):
        raise CallwatchError("give exactly one of --kommun NAME or --theme ID")
    rules = load_rules(state)
    target = rules.profile(kommun) if kommun else rules.theme(theme or "")
    today = parse_today(today_s)
    db = state.db()
    scoring.refresh(db, rules)
    kwargs = dict(include_closed=include_closed, show_all=show_all, within=within, limit=limit)
    if kommun:
        hidden = dismissed(db).get(target.id, set())
        ranked = rank_mod.rank_for_profile(db, rules, target, today, hidden_ids=hidden, **kwargs)
        heading = f"Where {target.name} should engage"
    else:
        ranked = rank_mod.rank_for_theme(db, rules, target, today, **kwargs)
        heading = f"Calls for theme {target.id}"
    render_ranked(ranked, fmt, heading, today)


def short_reason(r: Any) -> str:
    first = r.reasons[0] if r.reasons else ""
    return f"{first}; {r.eligibility}"


def render_ranked(ranked: list, fmt: str, heading: str, today: Any) -> None:
    from callwatch.rank import format_money

    if fmt == "json":
        output.print_json([r.to_dict() for r in ranked])
        return
    rows = [
        {
            "rank": i,
            "score": f"{r.score:.3f}",
            "deadline": output.local_time(r.deadline, with_time=False),
            "days_left": "" if r.days_left is None else r.days_left,
            "status": r.status,
            "funder": r.funder,
            "title": r.title,
            "budget": format_money(r.budget_amount, r.budget_currency),
            "top_themes": ", ".join(f"{t} {s:.2f}" for t, s in list(r.themes.items())[:2] if s > 0),
            "eligibility": r.eligibility,
            "reason": short_reason(r),
            "id": r.id,
            "url": r.url,
        }
        for i, r in enumerate(ranked, start=1)
    ]
    if fmt == "csv":
        output.print_csv(rows, list(rows[0]) if rows else ["rank"])
        return
    if fmt == "md":
        print(f"## {heading} ({today.isoformat()})\n")
        print("| # | score | deadline | days | funder | call | themes | why |")
        print("|---|---|---|---|---|---|---|---|")
        for row in rows:
            title = row["title"].replace("|", "\\|")
            print(
                f"| {row['rank']} | {row['score']} | {row['deadline']} | {row['days_left']} | "
                f"{row['funder']} | [{title}]({row['url']}) | {row['top_themes']} | "
                f"{row['reason'].replace('|', '/')} |"
            )
        return
    con = output.console()
    if not rows:
        con.print(f"{heading}: no matching calls (try --include-closed or --all).", markup=False)
        return
    con.print(
        output.table(
            f"{heading} ({today.isoformat()})",
            ["#", "score", "deadline", "days", "funder", "title", "themes", "why"],
            [
                (
                    r["rank"],
                    r["score"],
                    r["deadline"],
                    r["days_left"],
                    r["funder"],
                    r["title"][:70],
                    r["top_themes"],
                    r["reason"],
                )
                for r in rows
            ],
        )
    )


def explain(state: Any, call_id: str, kommun: str, today_s: str | None, fmt: str) -> None:
    from callwatch import rank as rank_mod
    from callwatch import scoring

    rules = load_rules(state)
    profile = rules.profile(kommun)
    today = parse_today(today_s)
    db = state.db()
    store.get_call(db, call_id)  # a clear error for an unknown id
    scoring.refresh(db, rules)
    ranked = rank_mod.rank_for_profile(
        db, rules, profile, today, include_closed=True, show_all=True, call_id=call_id
    )
    found = ranked[0] if ranked else None
    if found is None:
        raise CallwatchError(
            f"{call_id} matches none of {profile.name}'s themes (relevance below "
            f"{rank_mod.MIN_RELEVANCE}); see `callwatch show {call_id}`"
        )
    if fmt == "json":
        d = found.to_dict()
        d["evidence"] = found.evidence
        d["eligibility_evidence"] = found.eligibility_evidence
        d["profile_weights"] = profile.weights
        output.print_json(d)
        return
    con = output.console()
    con.print(f"[bold]{found.title}[/bold]  ({found.id})", markup=True)
    con.print(f"{found.url}\n", markup=False)
    con.print(
        f"priority {found.score:.3f} = relevance {found.factors['relevance']:.3f} x eligibility "
        f"{found.factors['eligibility']} x deadline {found.factors['deadline']} x size "
        f"{found.factors['size']}",
        markup=False,
    )
    rows = []
    for t, s in found.themes.items():
        w = profile.weights.get(t, 0.0)
        terms = ", ".join(f"{e[0]} ({e[1]}, {e[2]})" for e in found.evidence.get(t, []))
        rows.append((t, f"{s:.3f}", f"{w:.1f}", f"{s * w:.3f}", terms))
    con.print(
        output.table(
            f"Themes for {profile.name}",
            ["theme", "score", "weight", "weighted", "evidence (field, points)"],
            rows,
        )
    )
    con.print(f"Eligibility: {found.eligibility}", markup=False)
    for e in found.eligibility_evidence:
        con.print(f"  {e}", markup=False)
    con.print("Reasons:", markup=False)
    for reason in found.reasons:
        con.print(f"  - {reason}", markup=False)


def import_calls(state: Any, file: Path) -> None:
    from callwatch import importer, scoring

    now = clock.now()
    calls = importer.read(file, now)  # validates every line before anything is written
    db = state.db()
    counts = store.apply_crawl(db, "import", calls, complete=False, now=now, run_id=None)
    del calls  # stored: free the parsed file before linking and scoring read the calls back
    try:
        _link_duplicates(db, state.specs())
    except CallwatchError:
        _link_duplicates(db, [])
    try:
        rules = load_rules(state)
    except CallwatchError as e:
        output.console(stderr=True).print(f"warning: not scored yet: {e}", markup=False)
    else:
        scoring.refresh(db, rules)
    print(f"imported {counts.seen} calls from {file} ({counts.new} new, {counts.updated} updated)")


def rules_check(state: Any) -> None:
    rules = load_rules(state)
    print(
        f"rules OK: {len(rules.themes)} themes "
        f"({sum(len(t.terms) for t in rules.themes.values())} terms), "
        f"{len(rules.eligibility.positive) + len(rules.eligibility.negative)} eligibility phrases, "
        f"{len(rules.profiles)} municipalities ({', '.join(p.name for p in rules.profiles.values())}); "
        f"hash {rules.hash}"
    )


def sources_check(
    state: Any, live: bool, replay: Path | None, names: list[str] | None, fmt: str
) -> int:
    from callwatch.fetch import FetchOptions, check_sources

    if live and replay:
        raise CallwatchError("use either --live or --replay DIR, not both")
    specs = sources.select(state.specs(), names)
    folder = None if live else (replay or paths.RECORDINGS_DIR)
    mode = "live" if live else "replay"
    results = check_sources(specs, FetchOptions(mode=mode, replay_dir=folder))
    rows = [r.__dict__ for r in sorted(results, key=lambda r: r.source)]
    output.render(
        rows,
        fmt,
        f"Source health ({'live' if live else f'replay of {folder}'})",
        ["source", "kind", "health", "calls", "title", "deadline", "url", "expected", "message"],
        lambda r: (
            r["source"], r["kind"], r["status"], r["found"], f"{r['with_title']:.0%}",
            f"{r['with_deadline']:.0%}", f"{r['with_url']:.0%}", r["expected"], r["message"],
        ),
    )  # fmt: skip
    return 1 if any(r.status in ("broken", "failed") for r in results) else 0


# ---------------------------------------------------------------------------------------------
# Reports and exports


def _write(data: str | bytes, out: Path | None) -> None:
    if out is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return
    try:
        Path(out).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    except OSError as e:
        raise CallwatchError(f"{out}: cannot write ({e.strerror})") from None
    output.console(stderr=True).print(f"wrote {out}", markup=False)


def report(
    state: Any,
    kommun: str | None,
    network: bool,
    since_s: str | None,
    lang: str,
    fmt: str,
    out: Path | None,
    today_s: str | None,
) -> None:
    from callwatch import report as report_mod
    from callwatch import scoring

    if bool(kommun) == bool(network):
        raise CallwatchError("give exactly one of --kommun NAME or --network")
    if lang not in report_mod.TEXT:
        raise CallwatchError(f"unknown language {lang!r}; use sv or en")
    rules = load_rules(state)
    profile = rules.profile(kommun) if kommun else None
    today = parse_today(today_s)
    since = parse_today(since_s) if since_s else None
    db = state.db()
    scoring.refresh(db, rules)
    hidden = dismissed(db)
    if profile is not None:
        start = report_mod.period_start(db, profile.id, today, since)
        rep = report_mod.kommun_report(
            db, rules, profile, today, start, lang, hidden.get(profile.id, set()),
            extra_sections=engaged_section(db, rules, profile, today, lang),
        )  # fmt: skip
        report_mod.remember(db, profile.id, start, today, clock.now().isoformat())
    else:
        start = since or today - __import__("datetime").timedelta(days=7)
        rep = report_mod.network_report(
            db, rules, today, start, lang, hidden, network_decisions(db, rules, lang)
        )
    text = report_mod.render_html(rep, rules) if fmt == "html" else report_mod.render_md(rep, rules)
    _write(text, out)


def dismissed(db: Any) -> dict[str, set[str]]:
    """Calls each municipality has dismissed: left out of its rank and reports."""
    from callwatch import decisions

    return decisions.by_status(db, "dismiss")


def engaged_section(db: Any, rules: Any, profile: Any, today: Any, lang: str) -> list:
    """The report section of calls this municipality engages in, soonest deadline first."""
    from callwatch import decisions
    from callwatch import rank as rank_mod
    from callwatch import report as report_mod

    ids = {d["call_id"] for d in decisions.current(db, profile.id, "engage")}
    items = []
    for cid in sorted(ids):
        found = rank_mod.rank_for_profile(
            db, rules, profile, today, include_closed=True, show_all=True, call_id=cid
        )
        items += [report_mod.Item(r) for r in found]
    items.sort(
        key=lambda i: (i.ranked.days_left if i.ranked.days_left is not None else 10**6, i.ranked.id)
    )
    t = report_mod.TEXT[lang]
    return [(t["engaged"], items, t["empty_engaged"])]


def network_decisions(db: Any, rules: Any, lang: str) -> dict[str, list[str]]:
    """call id -> 'Umeå: engage (reason)' lines, so every municipality sees what others decided."""
    from callwatch import decisions

    words = {"sv": {"engage": "engagerar sig", "watch": "bevakar", "dismiss": "avstår"}}
    out: dict[str, list[str]] = {}
    for d in decisions.current(db):
        name = rules.profiles[d["kommun"]].name if d["kommun"] in rules.profiles else d["kommun"]
        status = words.get(lang, {}).get(d["status"], d["status"])
        line = f"{name}: {status}" + (f" ({d['reason']})" if d["reason"] else "")
        out.setdefault(d["call_id"], []).append(line)
    return out


def export(
    state: Any,
    fmt: str,
    kommun: str | None,
    theme: str | None,
    within: int | None,
    include_closed: bool,
    show_all: bool,
    delimiter: str,
    out: Path | None,
    today_s: str | None,
) -> None:
    from callwatch import export as export_mod
    from callwatch import rank as rank_mod
    from callwatch import scoring

    if kommun and theme:
        raise CallwatchError("give at most one of --kommun NAME or --theme ID")
    rules = load_rules(state)
    today = parse_today(today_s)
    db = state.db()
    scoring.refresh(db, rules)
    kwargs = dict(include_closed=include_closed, show_all=show_all, within=within, limit=0)
    # rank without reasons first; only the rows that are written get explained (see below)
    profile_of: dict[str, Any] = {}  # call id -> the municipality whose score it carries
    target = rules.theme(theme) if theme else None
    if kommun:
        profile = rules.profile(kommun)
        hidden = dismissed(db).get(profile.id, set())
        ranked = rank_mod.rank_for_profile(
            db, rules, profile, today, hidden_ids=hidden, explain=False, **kwargs
        )
        profile_of = dict.fromkeys((r.id for r in ranked), profile)
        name = f"callwatch: {profile.name}"
    else:
        # the network as a whole: every call relevant to at least one municipality, once
        seen: dict[str, Any] = {}
        if target is not None:
            for r in rank_mod.rank_for_theme(db, rules, target, today, explain=False, **kwargs):
                seen.setdefault(r.id, r)
        else:
            options = dict(include_closed=include_closed, show_all=show_all, within=within)
            for r, p in rank_mod.rank_network(db, rules, today, **options):
                seen[r.id] = r
                profile_of[r.id] = p
        ranked = sorted(seen.values(), key=lambda r: (-r.score, r.id))
        name = "callwatch" + (f": {theme}" if theme else ": nätverket")
    if fmt == "ics":
        ranked = export_mod.with_events(ranked, today, include_closed)
    ranked = rank_mod.explain_many(
        db, [(r, profile_of.get(r.id), None if r.id in profile_of else target) for r in ranked]
    )
    if fmt == "ics":
        _write(export_mod.to_ics(ranked, today, name, include_closed), out)
    elif fmt == "csv":
        _write(export_mod.to_csv(ranked, delimiter), out)
    else:
        _write(export_mod.to_json(ranked), out)


# ---------------------------------------------------------------------------------------------
# Decisions and continuity


def mark(
    state: Any, call_id: str, kommun: str, status: str, reason: str, note: str, by: str
) -> None:
    from callwatch import decisions

    rules = load_rules(state)
    profile = rules.profile(kommun)
    db = state.db()
    d = decisions.mark(
        db, call_id, profile.id, status, reason=reason, note=note, by=by, now=clock.now()
    )
    print(f"{profile.name}: {d.status} {call_id}" + (f" ({d.reason})" if d.reason else ""))


def list_decisions(
    state: Any, kommun: str | None, status: str | None, history: bool, fmt: str
) -> None:
    from callwatch import decisions

    pid = None
    rules = None
    if kommun:
        rules = load_rules(state)
        pid = rules.profile(kommun).id
    if status and status not in decisions.STATUSES:
        raise CallwatchError(f"unknown status {status!r}; use engage, watch or dismiss")
    db = state.db()
    if history:
        cur = db.execute(
            "SELECT d.created, d.kommun, d.call_id, d.status, d.reason, d.note, d.by FROM decisions d "
            + ("WHERE d.kommun = ? " if pid else "")
            + "ORDER BY d.id",
            [pid] if pid else [],
        )
        cols = [c[0] for c in cur.description]
        rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        if status:
            rows = [r for r in rows if r["status"] == status]
    else:
        rows = decisions.current(db, pid, status)
        for r in rows:
            r.pop("deadlines", None)
    if fmt == "json":
        output.print_json(rows)
    elif fmt == "csv":
        output.print_csv(rows, list(rows[0]) if rows else ["call_id"])
    else:
        cols = ["created", "kommun", "call_id", "status", "reason", "note", "by"]
        output.console().print(
            output.table(
                f"{len(rows)} decisions" + (" (every change)" if history else ""),
                cols,
                [[str(r.get(c) or "")[:60] for c in cols] for r in rows],
            )
        )


def watch(state: Any, kommun: str, fmt: str, today_s: str | None) -> None:
    """Everything a municipality engages in or watches, with deadlines, soonest first."""
    from callwatch import decisions, scoring
    from callwatch import rank as rank_mod

    rules = load_rules(state)
    profile = rules.profile(kommun)
    today = parse_today(today_s)
    db = state.db()
    scoring.refresh(db, rules)
    rows = []
    for d in decisions.current(db, profile.id):
        if d["status"] == "dismiss":
            continue
        deadlines = json.loads(d["deadlines"] or "[]")
        nd = rank_mod.next_deadline(deadlines, today) or (deadlines[-1] if deadlines else None)
        days = (rank_mod._local_date(nd) - today).days if nd else None
        rows.append(
            {
                "status": d["status"],
                "deadline": output.local_time(nd, with_time=False),
                "days_left": days,
                "call_status": d["call_status"],
                "title": d["title"],
                "reason": d["reason"] or "",
                "by": d["by"] or "",
                "id": d["call_id"],
                "url": d["url"],
            }
        )
    rows.sort(
        key=lambda r: (
            r["days_left"] if r["days_left"] is not None and r["days_left"] >= 0 else 10**6,
            r["id"],
        )
    )
    if fmt == "json":
        output.print_json(rows)
    elif fmt == "csv":
        output.print_csv(rows, list(rows[0]) if rows else ["id"])
    else:
        cols = ["status", "deadline", "days_left", "call_status", "title", "reason", "by", "id"]
        output.console().print(
            output.table(
                f"{profile.name}: engaged and watched ({today})",
                cols,
                [[str(r[c] if r[c] is not None else "")[:70] for c in cols] for r in rows],
            )
        )
