"""What each CLI command does, kept out of cli.py so that module imports nothing heavy.

Each function takes the CLI state and plain options, calls the library and renders the result.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from callwatch import clock, output, paths, report_text, safe, shortid, sources, store
from callwatch.errors import CallwatchError, NotFoundError, UsageError

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

    db = state.db(create=True)
    store.interrupt_stale_runs(db, clock.now())  # a killed fetch's runs stop showing as running
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
            print(safe.json_dumps(event), flush=True)
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
    compared): cross-source duplicates, then the series that tie rounds of a call together;
    then each linked call gets the best facts of all its listings."""
    from callwatch import linking, merge

    n = linking.link(db, specs, {s.id for s in specs if s.relists}).duplicates
    merge.refresh(db)
    return n


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
    for st in statuses or []:
        if st not in ("forthcoming", "open", "closed", "unknown"):
            raise UsageError(f"--status {st!r}: use forthcoming, open, closed or unknown")
    check_counts(limit)
    if limit is None:
        limit = TABLE_LIMIT if fmt == "table" else 0
    db = state.db()
    if names:  # a typo gets "did you mean", never an empty listing
        known = {s.id for s in state.specs()} | {
            r[0] for r in db.execute("SELECT DISTINCT source FROM calls").fetchall()
        }
        for n in names:
            if n not in known:
                from rapidfuzz import process

                best = process.extractOne(n, sorted(known))
                hint = f"; did you mean {best[0]!r}?" if best and best[1] > 60 else ""
                raise NotFoundError(f"unknown source {n!r}{hint}")
    query = dict(sources=names, statuses=statuses, search=search)
    rows = store.query_calls(db, **query, limit=limit or None)
    total = store.count_calls(db, **query) if limit and len(rows) == limit else len(rows)
    if not names:  # one row per call: with the best facts of all its listings
        from callwatch.merge import load, overlay

        merged = load(db)
        rows = [overlay(r, merged) for r in rows]
    for r in rows:
        r["short_id"] = shortid.short(r["id"])
    if fmt == "table":
        shortid.remember_listing(db, [r["id"] for r in rows])
    w = report_text.cli_words(state.lang)
    today = clock.today()

    def cells(r: dict) -> tuple:
        days = _days_until(r["next_deadline"], today)
        return (
            r["short_id"], report_text.status_word(r["status"], days, state.lang),
            output.local_time(r["next_deadline"], with_time=False),
            "" if days is None or days < 0 else days, r["funder"], r["title"],
        )  # fmt: skip

    output.show(
        output.Listing(
            rows,
            w["calls_title"].format(n=total),
            [
                output.Col(w["id"], min=6),
                output.Col(w["status"], min=6, drop=2),
                output.Col(w["deadline"], min=10, drop=3),
                output.Col(w["days"], right=True, drop=4),
                output.Col(w["funder"], min=8, max=24, drop=5, flex=1, soft=14),
                output.Col(w["title"], min=20, max=80, flex=2, soft=28),
            ],
            cells,
        ),
        fmt,
    )
    if fmt == "table" and total > len(rows):
        print(w["calls_more"].format(n=total - len(rows)))


def _days_until(value: str | None, today: Any) -> int | None:
    if not value:
        return None
    from callwatch.rank import _local_date

    return (_local_date(value) - today).days


def show_call(state: Any, call_id: str, fmt: str) -> None:
    from callwatch import decisions, dedupe, merge, recurring

    db = state.db()
    call_id = shortid.resolve(db, call_id)
    call = store.get_call(db, call_id)
    call_id = call["id"]
    call = merge.overlay(call, merge.load(db))  # facts of every listing
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
    w = report_text.show_words(state.lang)
    t = report_text.words(state.lang or "en")
    names = _kommun_names(state)
    con = output.console()
    print(output.term(call["title"]))
    fields = [
        (w["id"], f"{call['id']}  ({shortid.short(call['id'])})"),
        (w["status"], report_text.status_word(call["status"], None, state.lang)),
        (w["funder"], call["funder"]),
        (w["programme"], call["programme"]),
        (w["url"], call["url"]),
        (w["opens"], output.local_time(call["opens"])),
        (w["next_deadline"], output.local_time(call["next_deadline"])),
        (w["budget"], report_text.money(call["budget_amount"], call["budget_currency"], state.lang or "en")),
        (w["language"], call["language"]),
        (w["first_seen"], output.local_time(call["first_seen"])),
        (w["last_seen"], output.local_time(call["last_seen"])),
    ]  # fmt: skip
    if call.get("closed_reason"):
        fields.append(
            (
                w["closed"],
                f"{output.local_time(call['closed_at'])} "
                f"({report_text.closed_reason(call['closed_reason'], state.lang)})",
            )
        )
    from_other = {k: v for k, v in (call.get("merged_from") or {}).items() if v != call["id"]}
    if from_other:
        fields.append(
            (
                w["facts_from"],
                "; ".join(
                    f"{report_text.fact_words(state.lang)['fields'].get(k, report_text.field_word(k, state.lang))}: {v}"
                    for k, v in sorted(from_other.items())
                ),
            )
        )
    for k, v in call["extra"].items():
        shown = ", ".join(map(str, v)) if isinstance(v, list) else v
        if isinstance(v, bool):
            shown = report_text.fact_words(state.lang)["yes" if v else "no"]
        fields.append((report_text.extra_word(k, state.lang), shown))
    # plain lines, never wrapped: a URL stays one clickable line
    pad = max(len(k) for k, _ in fields) + 2
    for k, v in fields:
        if v not in (None, ""):
            print(f"{k + ':':<{pad}}{output.term(v)}")
    if call["deadlines"]:
        print(f"{w['deadlines']}: " + ", ".join(output.local_time(d) for d in call["deadlines"]))
    _print_facts(con, call, state.lang)
    for label, key in ((w["summary"], "summary"), (w["who_can_apply"], "eligibility")):
        if call[key]:
            con.print(f"\n{label}: {output.term(call[key])}", markup=False)
    if call["keywords"]:
        con.print(f"{w['keywords']}: " + output.term(", ".join(call["keywords"])), markup=False)
    if others:
        label = w["same_call"] if call.get("duplicate_of") else w["also_listed"]
        print(f"\n{label}:")
        for o in others:
            print(f"  {o['source']}: {output.term(o['url'])}  ({shortid.short(o['id'])})")
    if rounds:
        con.print(
            output.table(
                w["rounds"],
                [
                    output.Col(w["id"], min=6), output.Col(w["status"], drop=3),
                    output.Col(w["opens"], drop=4), output.Col(w["deadline"]),
                    output.Col(w["budget"], drop=2), output.Col(w["decisions"], drop=1, flex=2, min=10),
                    output.Col(w["title"], flex=1, min=16, soft=24),
                ],
                [
                    (
                        shortid.short(r["id"]),
                        report_text.status_word(r["status"], None, state.lang),
                        (r["opens"] or "")[:10],
                        (r["deadline"] or "")[:10],
                        report_text.money(r["budget"], r["currency"], state.lang or "en"),
                        "; ".join(
                            f"{names.get(d['kommun'], d['kommun'])}: "
                            f"{t['decision_words'].get(d['status'], d['status'])}"
                            for d in r["decisions"]
                        ),
                        r["title"],
                    )
                    for r in rounds
                ],
            )
        )  # fmt: skip
    if decided:
        con.print(
            output.table(
                w["decisions_title"],
                [
                    output.Col(w["when"], min=16),
                    output.Col(w["kommun"]),
                    output.Col(w["decision"]),
                    output.Col(w["by"], drop=1),
                    output.Col(w["reason"], flex=1, min=10, drop=2),
                    output.Col(w["note"], flex=2, min=10, drop=3),
                ],
                [
                    (
                        output.local_time(d["created"]),
                        names.get(d["kommun"], d["kommun"]),
                        t["decision_words"].get(d["status"], d["status"]),
                        d["by"],
                        d["reason"],
                        d["note"],
                    )
                    for d in decided
                ],
            )
        )
    if history:
        con.print(
            output.table(
                w["history"],
                [
                    output.Col(w["when"], min=16), output.Col(w["field"]),
                    output.Col(w["old"], flex=1, min=10, max=60), output.Col(w["new"], flex=2, min=10, max=60),
                ],
                [
                    (output.local_time(h["changed_at"]), h["field"], h["old"] or "", h["new"] or "")
                    for h in history
                ],
            )
        )  # fmt: skip
    else:
        print("\n" + w["no_history"])


def _kommun_names(state: Any) -> dict[str, str]:
    try:
        return {p.id: p.name for p in load_rules(state).profiles.values()}
    except CallwatchError:
        return {}


def _print_facts(con: Any, call: dict, lang: str | None) -> None:
    """The facts read from the call's text, each with the sentence it came from."""
    facts = call.get("facts") or {}
    evidence = facts.get("evidence") or {}
    if not facts:
        return
    w = report_text.fact_words(lang)
    yes_no = {True: w["yes"], False: w["no"]}

    def money(v: dict | None) -> str:
        return f"{v['amount']:,.0f} {v['currency']}".replace(",", " ") if v else ""

    shown = {
        "status": w["verify"] if call["status"] == "unknown" else w["statuses"].get(call["status"], ""),
        "stale": w["stale_yes"] if call.get("stale") else "",
        "deadlines": ", ".join(output.local_time(d) for d in call.get("deadlines") or []),
        "opens": output.local_time(call.get("opens")),
        "budget_total": money(facts.get("budget_total")),
        "max_per_project": money(facts.get("max_per_project")),
        "min_per_project": money(facts.get("min_per_project")),
        "funding_rate_max": ""
        if facts.get("funding_rate_max") is None
        else f"{facts['funding_rate_max']:.0%}",
        "cofinancing_required": yes_no.get(facts.get("cofinancing_required"), ""),
        "consortium_required": yes_no.get(facts.get("consortium_required"), ""),
        "min_municipalities": facts.get("min_municipalities") or "",
        "applicants": ", ".join(facts.get("applicants") or []),
        "municipality_may_apply": w["may_apply"].get(
            facts.get("municipality_may_apply") or "unclear", ""
        ),
    }  # fmt: skip
    rows = [
        (w["fields"][k], v, (evidence.get(k) or "")[:160])
        for k, v in shown.items()
        if v not in ("", None) or evidence.get(k)
    ]
    con.print(output.table(w["title"], [w["fact"], w["value"], w["evidence"]], rows))


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
                "skipped": st.get("last_skipped", 0),
                "skipped_records": st.get("last_skipped_records", []),
                "health": "never fetched"
                if not st.get("last_status")
                else ("ok" if st.get("last_status") in ("ok", "partial") else "failing"),
            }
        )
    w = report_text.cli_words(state.lang)
    health = {
        "ok": w["health_ok"],
        "failing": w["health_failing"],
        "never fetched": w["health_never"],
    }
    output.show(
        output.Listing(
            rows,
            w["sources_title"].format(n=len(rows)),
            [
                output.Col(w["source"], min=6),
                output.Col(w["kind"], drop=4),
                output.Col(w["enabled"], drop=5),
                output.Col(w["health"], min=6),
                output.Col(w["calls"], right=True),
                output.Col(w["open"], right=True, drop=3),
                output.Col(w["last_success"], min=16, drop=2),
                output.Col(w["failures"], right=True, drop=6),
                output.Col(w["last_failure"], min=16, max=70, drop=1, flex=1, soft=24),
                output.Col(w["skipped"], right=True, drop=7),
            ],
            lambda r: (
                r["id"], r["kind"], w["yes"] if r["enabled"] else "", health.get(r["health"], r["health"]),
                r["calls"], r["open"],
                output.local_time(r["last_success"]) if r["last_success"] else w["never"],
                r["consecutive_failures"] or "",
                f"{output.local_time(r['last_failure']) if r['last_failure'] else ''} "
                f"{r['last_failure_message'] or ''}".strip(),
                skipped_cell(r),
            ),
        ),
        fmt,
    )  # fmt: skip
    if fmt == "table":
        _print_skipped(rows)


def skipped_cell(row: dict) -> str:
    """The last run's skipped records in a table cell: how many (named under the table)."""
    return str(row["skipped"]) if row["skipped"] else ""


def _print_skipped(rows: list[dict]) -> None:
    """Every skipped record of the last runs, named, under the table (the run log keeps them)."""
    con = output.console()
    for r in rows:
        if r["skipped"]:
            con.print(f"\n{r['id']}: last run skipped {r['skipped']} record(s):", markup=False)
            for name in r["skipped_records"]:
                con.print(f"  {name}", markup=False)


def parse_file(state: Any, source: str, file: Path, fmt: str) -> None:
    specs = {s.id: s for s in state.specs()}
    if source not in specs:
        raise NotFoundError(f"unknown source {source!r}; known: {', '.join(sorted(specs))}")
    try:
        body = Path(file).read_bytes()
    except OSError as e:
        raise CallwatchError(f"{file}: {e.strerror}") from None
    from callwatch.adapters import parse_with_skips

    spec = specs[source]
    calls, skipped = parse_with_skips(spec, body, clock.now(), str(file))
    rows = [c.to_dict() for c in calls]
    err = output.console(stderr=True)
    for s in skipped:  # named, not fatal: one odd record never fails a source
        err.print(f"skipped {s}", markup=False)
    if skipped:
        err.print(f"{len(calls)} calls parsed, {len(skipped)} record(s) skipped", markup=False)
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


def refresh_scores(db: Any, rules: Any) -> None:
    """Score new and changed calls. A read-only database is read with the scores it holds."""
    from callwatch import scoring

    if not getattr(db, "readonly", False):
        scoring.refresh(db, rules)
        return
    try:
        scoring.refresh(db, rules)
    except CallwatchError:
        output.console(stderr=True).print(
            "warning: the database is read-only; scores were not refreshed"
        )


def parse_today(value: str | None, option: str = "--today"):  # noqa: ANN201
    from datetime import date

    from callwatch.models import MAX_YEAR, MIN_YEAR

    if not value:
        return clock.today()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise CallwatchError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise CallwatchError(f"{option} {value!r} is outside the years {MIN_YEAR}-{MAX_YEAR}")
    return day


def check_counts(limit: int | None = None, within: int | None = None) -> None:
    """--limit and --within are counts: a negative one is a typo, not "all"."""
    if limit is not None and limit < 0:
        raise CallwatchError(f"--limit {limit} is negative; use 0 for all")
    if within is not None and within < 0:
        raise CallwatchError(f"--within {within} is negative; give a number of days")


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
    filters: Any = None,
) -> None:
    from callwatch import rank as rank_mod
    from callwatch.report_data import apply_filters

    if bool(kommun) == bool(theme):
        raise UsageError("give exactly one of --kommun NAME or --theme NAME")
    check_counts(limit, within)
    rules = load_rules(state)
    target = rules.profile(kommun) if kommun else rules.theme(theme or "")
    today = parse_today(today_s)
    db = state.db()
    refresh_scores(db, rules)
    filtered = filters is not None and filters.active()
    kwargs = dict(
        include_closed=include_closed or bool(filters and "closed" in filters.statuses),
        show_all=show_all, within=within, limit=0 if filtered else limit,
    )  # fmt: skip
    w = report_text.cli_words(state.lang)
    if kommun:
        hidden = dismissed(db).get(target.id, set())
        ranked = rank_mod.rank_for_profile(
            db, rules, target, today, hidden_ids=hidden, explain=False, **kwargs
        )
        heading = w["rank_title"].format(name=target.name, today=today)
        if any(r.status == "closed" for r in ranked):  # closed calls are never "should engage"
            heading = w["rank_title_closed"].format(name=target.name, today=today)
    else:
        ranked = rank_mod.rank_for_theme(db, rules, target, today, **kwargs)
        heading = w["theme_title"].format(theme=target.label(state.lang or "en"), today=today)
    ranked = apply_filters(db, ranked, filters)
    if limit > 0:
        ranked = ranked[:limit]
    for r in ranked:  # reasons only for the rows shown
        rank_mod.explain_call(db, r, target if kommun else None, None if kommun else target)
    shortid.remember_listing(db, [r.id for r in ranked])
    weights = target.weights if kommun else {target.id: 1.0}
    render_ranked(ranked, fmt, heading, today, rules, state.lang, weights)


def human_reason(r: Any, rules: Any, lang: str | None, weights: dict | None = None) -> str:
    """'klimat och energi: klimatneutrala, energi; era nyckelord: Rosendal' - the strongest
    themes (as the municipality weighs them) with the words that matched."""
    from callwatch.rank import top_terms

    lang = lang or "en"
    weights = weights or {}
    order = sorted(
        r.themes, key=lambda t: -(r.themes[t] * weights.get(t, 1.0 if not weights else 0))
    )
    parts = []
    for tid in order[:2]:
        if r.themes[tid] < 0.15 or tid not in rules.themes:
            continue
        label = rules.themes[tid].label(lang).lower()
        terms = ", ".join(top_terms(r.evidence, tid, 3))
        parts.append(f"{label}: {terms}" if terms else label)
    if r.keywords:
        parts.append(f"{report_text.cli_words(lang)['keywords']}: " + ", ".join(r.keywords))
    return "; ".join(parts)


def theme_labels(r: Any, rules: Any, lang: str | None, n: int = 2) -> str:
    top = [t for t, s in r.themes.items() if s >= 0.15][:n]
    return ", ".join(rules.themes[t].label(lang or "en") if t in rules.themes else t for t in top)


def render_ranked(
    ranked: list,
    fmt: str,
    heading: str,
    today: Any,
    rules: Any = None,
    lang: str | None = None,
    weights: dict | None = None,
) -> None:
    from callwatch.rank import format_money

    w = report_text.cli_words(lang)
    rows = [
        {
            "rank": i,
            "short_id": shortid.short(r.id),
            "status": r.status,
            "score": f"{r.score:.3f}",
            "deadline": output.local_time(r.deadline, with_time=False),
            "days_left": "" if r.days_left is None else r.days_left,
            "funder": r.funder,
            "title": r.title,
            "budget": format_money(r.budget_amount, r.budget_currency),
            "max_per_project": format_money(r.max_per_project, r.budget_currency or "SEK"),
            "funding_rate": "" if r.funding_rate_max is None else f"{r.funding_rate_max:.0%}",
            "top_themes": theme_labels(r, rules, lang) if rules else "",
            "eligibility": r.eligibility,
            "reason": human_reason(r, rules, lang, weights) if rules else "",
            "id": r.id,
            "url": r.url,
        }
        for i, r in enumerate(ranked, start=1)
    ]

    def md_table(view: output.Listing) -> str:
        from callwatch.report import md, safe_url

        lines = [f"## {md(heading)}", ""]
        lines.append(f"| # | {w['id']} | {w['status']} | {w['deadline']} | {w['days']} | "
                     f"{w['funder']} | {w['title']} | {w['why']} |")  # fmt: skip
        lines.append("|---|---|---|---|---|---|---|---|")
        for row, r in zip(rows, ranked, strict=True):
            url = safe_url(row["url"])
            title = f"[{md(row['title'])}]({url})" if url else md(row["title"])
            lines.append(
                f"| {row['rank']} | `{row['short_id']}` | "
                f"{md(report_text.status_word(r.status, r.days_left, lang))} | {row['deadline']} | "
                f"{_days(r)} | {md(row['funder'])} | {title} | {md(row['reason'])} |"
            )
        return "\n".join(lines) + "\n"

    columns = [
        output.Col(w["no"], right=True),
        output.Col(w["id"], min=6),
        output.Col(w["status"], min=6, drop=2),
        output.Col(w["deadline"], min=10, drop=3),
        output.Col(w["days"], right=True),
        output.Col(w["score"], drop=6, right=True),
        output.Col(w["funder"], min=8, max=24, drop=5, flex=1, soft=14),
        output.Col(w["title"], min=20, max=70, flex=2, soft=36),
        output.Col(w["why"], min=16, max=60, drop=4, flex=3, soft=30),
    ]
    by_id = {r.id: r for r in ranked}
    view = output.Listing(
        rows,
        heading,
        columns,
        lambda row: (
            row["rank"],
            row["short_id"],
            report_text.status_word(row["status"], by_id[row["id"]].days_left, lang),
            row["deadline"],
            _days(by_id[row["id"]]),
            row["score"],
            row["funder"],
            row["title"],
            row["reason"],
        ),  # fmt: skip
        empty=w["rank_empty"].format(heading=heading),
        md=md_table,
        json_rows=[{**r.to_dict(), "short_id": shortid.short(r.id)} for r in ranked],
    )
    output.show(view, fmt)


def _days(r: Any) -> str:
    """Days left as a person reads them: blank when closed or unknown, never negative."""
    if r.days_left is None or r.days_left < 0 or r.status == "closed":
        return ""
    return str(r.days_left)


def explain(state: Any, call_id: str, kommun: str, today_s: str | None, fmt: str) -> None:
    from callwatch import rank as rank_mod

    rules = load_rules(state)
    profile = rules.profile(kommun)
    today = parse_today(today_s)
    db = state.db()
    call_id = shortid.resolve(db, call_id)
    call_id = store.get_call(db, call_id)["id"]  # a clear error for an unknown id
    from callwatch.merge import canonical_id

    call_id = canonical_id(db, call_id)  # every listing of a linked call explains the same
    refresh_scores(db, rules)
    ranked = rank_mod.rank_for_profile(
        db, rules, profile, today, include_closed=True, show_all=True, call_id=call_id
    )
    found = ranked[0] if ranked else None
    if found is None:
        raise CallwatchError(
            f"{call_id} matches none of {profile.name}'s themes (relevance below "
            f"{rank_mod.MIN_RELEVANCE}); see `callwatch show {call_id}`"
        )
    from callwatch.merge import load

    merged_from = load(db).get(found.id, ({}, {}))[1]  # which listing gave each fact
    if fmt == "json":
        d = found.to_dict()
        d["evidence"] = found.evidence
        d["eligibility_evidence"] = found.eligibility_evidence
        d["profile_weights"] = profile.weights
        if merged_from:
            d["merged_from"] = merged_from
        output.print_json(d)
        return
    con = output.console()
    print(f"{output.term(found.title)}  ({found.id}, {shortid.short(found.id)})")
    print(output.term(found.url) + "\n")
    lang = state.lang or "en"
    w = report_text.explain_words(lang)
    f = found.factors
    print(
        w["formula"].format(
            score=found.score, relevance=f["relevance"], eligibility=f["eligibility"],
            deadline=f["deadline"], size=f["size"],
        )
    )  # fmt: skip
    _print_relevance_parts(found, lang)
    rows = []
    for t, s in found.themes.items():
        weight = profile.weights.get(t, 0.0)
        terms = ", ".join(
            f"{e[0]} ({report_text.field_word(e[1], lang)}, {e[2]})"
            for e in found.evidence.get(t, [])
        )
        label = rules.themes[t].label(lang) if t in rules.themes else t
        rows.append((label, f"{s:.3f}", f"{weight:.1f}", f"{s * weight:.3f}", terms))
    con.print(
        output.table(
            w["themes_for"].format(name=profile.name),
            [
                output.Col(w["theme"], max=24, flex=1, soft=12, min=10),
                output.Col(w["score"]),
                output.Col(w["weight"], drop=1),
                output.Col(w["weighted"]),
                output.Col(w["evidence"], flex=2, min=20, max=90, soft=30, drop=2),
            ],
            rows,
        )
    )
    t = report_text.words(lang)
    verdict = t.get(found.eligibility, found.eligibility)
    if lang == "en":
        verdict = f"{found.eligibility} ({verdict})"
    print(f"{w['eligibility']}: {verdict}")
    for e in found.eligibility_evidence:
        print(f"  {output.term(report_text.evidence_line(e, lang))}")
    print(f"{w['why']}: {human_reason(found, rules, lang, profile.weights)}")
    if lang == "en":  # the matcher's own factor notes are English
        print("Reasons:")
        for reason in found.reasons:
            print(f"  - {output.term(reason)}")
    others = {k: v for k, v in merged_from.items() if v != found.id}
    if others:
        print(w["facts_from"] + ":")
        names = report_text.fact_words(lang)["fields"]
        for field_name, source in sorted(others.items()):
            name = names.get(field_name, report_text.field_word(field_name, lang))
            print(f"  {name}: {output.term(source)}")


def _print_relevance_parts(found: Any, lang: str) -> None:
    """relevance = (themes + keyword bonus) x exclusion, and the order tier, so every factor
    of the shown priority is on screen."""
    from callwatch.match import EXCLUDE_FACTOR, SATURATION

    w, f = report_text.explain_words(lang), found.factors
    if "themes" in f:
        print(
            w["relevance_parts"].format(
                relevance=f["relevance"], themes=f["themes"], keywords=f["keywords"],
                exclusion=f["exclusion"],
            )
        )  # fmt: skip
    print(w["theme_score"].format(saturation=f"{SATURATION:g}", exclude=f"{EXCLUDE_FACTOR:g}"))
    if found.verify:
        print(w["verify"])
    if found.joint:
        print(w["joint"].format(reason=report_text.joint_text(found.joint_reason, lang)))


def import_calls(state: Any, file: Path) -> None:
    from callwatch import importer, scoring

    now = clock.now()
    dropped: list[str] = []
    calls = importer.read(file, now, dropped)  # validates every line before anything is written
    db = state.db(create=True)
    counts = store.apply_crawl(db, "import", calls, complete=False, now=now, run_id=None)
    err = output.console(stderr=True)
    for w in dropped:
        err.print(f"warning: {w}")
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


def extract_pages(files: list[Path], today_s: str | None, fmt: str) -> None:
    """`callwatch extract`: every file is read before anything is printed (one bad file: one
    line naming it, non-zero exit, no partial output)."""
    from callwatch import pages

    today = parse_today(today_s)
    rows = [pages.extract_file(f, today)[0] for f in files]
    if fmt == "json":
        output.print_json(rows)
        return

    def money(v: dict | None) -> str:
        return f"{v['amount']:,.0f} {v['currency']}".replace(",", " ") if v else ""

    output.console().print(
        output.table(
            f"facts of {len(rows)} file(s) as of {today}",
            ["file", "status", "deadlines", "opens", "budget", "max/project", "rate",
             "co-financing", "consortium", "municipality may apply"],
            [
                (
                    r["file"], r["status"] + (" (stale)" if r["stale"] else ""),
                    ", ".join(r["deadlines"]), r["opens"] or "", money(r["budget_total"]),
                    money(r["max_per_project"]),
                    f"{r['funding_rate_max']:.0%}" if r["funding_rate_max"] is not None else "",
                    {True: "yes", False: "no"}.get(r["cofinancing_required"], ""),
                    {True: "yes", False: "no"}.get(r["consortium_required"], ""),
                    r["municipality_may_apply"],
                )
                for r in rows
            ],
        )
    )  # fmt: skip


def add_page(state: Any, file: Path, url: str, funder: str | None) -> None:
    """`callwatch add`: keep a saved page as a call of the import source."""
    from callwatch import pages, scoring

    now = clock.now()
    call = pages.page_call(file, url, funder, now)
    db = state.db(create=True)
    counts = store.apply_crawl(db, "import", [call], complete=False, now=now, run_id=None)
    try:
        scoring.refresh(db, load_rules(state))
    except CallwatchError as e:
        output.console(stderr=True).print(f"warning: not scored yet: {e}", markup=False)
    verb = "added" if counts.new else "updated"
    print(f"{verb} {call.id}: {call.title} (status {call.status})")


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
        [
            output.Col("source", min=6), output.Col("kind", drop=4), output.Col("health"),
            output.Col("calls", right=True), output.Col("title", right=True, drop=3),
            output.Col("deadline", right=True, drop=2), output.Col("url", right=True, drop=5),
            output.Col("expected", drop=6),
            output.Col("message", flex=1, min=12, soft=24, max=90, drop=1),
        ],
        lambda r: (
            r["source"], r["kind"], r["status"], r["found"], f"{r['with_title']:.0%}",
            f"{r['with_deadline']:.0%}", f"{r['with_url']:.0%}", r["expected"], r["message"],
        ),
    )  # fmt: skip
    return 1 if any(r.status in ("broken", "failed") for r in results) else 0


# ---------------------------------------------------------------------------------------------
# Reports and exports


def _write(data: str | bytes, out: Path | None, state: Any = None) -> None:
    """stdout, or the file --out names, written atomically (see output.write_file); never onto
    the database or the files beside it."""
    if out is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return
    db_path = (getattr(state, "db_path", None) if state else None) or paths.default_db()
    output.write_file(out, data, protect=db_path)
    output.console(stderr=True).print(f"wrote {out}")


def report(
    state: Any,
    kommun: str | None,
    network: bool,
    since_s: str | None,
    lang: str,
    fmt: str,
    out: Path | None,
    today_s: str | None,
    *,
    decide_within: int | None = None,
    filters: Any = None,
    every_kommun: bool = False,
    mail_to: str | None = None,
    mail_from: str | None = None,
) -> int:
    """Write (and optionally mail) one report, or one per municipality with --every-kommun."""
    from callwatch import report as report_mod

    if sum(map(bool, (kommun, network, every_kommun))) != 1:
        raise UsageError("give exactly one of --kommun NAME, --network or --every-kommun")
    if lang not in report_mod.TEXT:
        raise UsageError(f"unknown language {lang!r}; use sv or en")
    decide_days = report_mod.DECIDE_DAYS if decide_within is None else decide_within
    if decide_days < 0:
        raise UsageError(f"--decide-within {decide_days}: give a number of days, 0 or more")
    recipients = mail_recipients(mail_to)
    if every_kommun and out is not None and out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: with --every-kommun give a folder")
    if every_kommun and out is None and not recipients:
        raise UsageError("--every-kommun needs --out FOLDER or --mail-to ADDR")
    rules = load_rules(state)
    profiles = list(rules.profiles.values()) if every_kommun else []
    if kommun:
        profiles = [rules.profile(kommun)]
    today = parse_today(today_s)
    since = parse_date(since_s, "--since") if since_s else None
    if since and since > today:
        raise UsageError(f"--since {since} is after the report date {today}")
    db = state.db()
    refresh_scores(db, rules)
    hidden = dismissed(db)
    made: list[tuple[Any, str, Path | None]] = []  # (report, text, file)
    for profile in profiles or [None]:
        rep, start = make_report(
            db, rules, profile, today, since, lang, hidden, decide_days=decide_days, filters=filters
        )
        text = RENDERERS[fmt](rep, rules)
        target = out
        if every_kommun and out is not None:
            try:
                out.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise CallwatchError(f"{out}: cannot create folder ({e.strerror})") from None
            target = out / f"{profile.id}.{fmt}"
        if target is not None or not recipients:
            _write(text, target, state)
        if profile is not None:  # only a report that was written (or is sent) counts as made
            if getattr(db, "readonly", False):
                output.console(stderr=True).print(
                    "warning: read-only database; period not recorded"
                )
            else:
                report_mod.remember(db, profile.id, start, today, clock.now().isoformat())
        made.append((rep, text, target))
    if not recipients:
        return 0
    from callwatch import mail

    failed = 0
    for rep, text, _ in made:
        md_text = text if fmt == "md" else report_mod.render_md(rep, rules)
        html_text = text if fmt == "html" else report_mod.render_html(rep, rules)
        try:
            mail.send_report(rep, md_text, html_text, recipients, mail_from)
        except CallwatchError as e:
            failed += 1
            output.console(stderr=True).print(f"Error: {e}", markup=False)
        else:
            output.console(stderr=True).print(
                f"mailed {rep.title} to {', '.join(recipients)}", markup=False
            )
    return 1 if failed else 0


def _render_md(rep: Any, rules: Any) -> str:
    from callwatch import report as report_mod

    return report_mod.render_md(rep, rules)


def _render_html(rep: Any, rules: Any) -> str:
    from callwatch import report as report_mod

    return report_mod.render_html(rep, rules)


RENDERERS = {"md": _render_md, "html": _render_html}


def mail_recipients(value: str | None) -> list[str]:
    """'a@x.se, b@y.se' -> two addresses; anything that is not an address is refused."""
    if not value:
        return []
    out = [a.strip() for a in value.split(",") if a.strip()]
    for a in out:
        if not re.fullmatch(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+", a):
            raise UsageError(f"--mail-to: {a!r} is not an e-mail address")
    return out


def parse_date(value: str, option: str):  # noqa: ANN201
    """A date option given by a person: a usage error (exit 2) when it is not one."""
    try:
        return parse_today(value, option)
    except CallwatchError as e:
        raise UsageError(str(e)) from None


def make_report(
    db: Any,
    rules: Any,
    profile: Any,
    today: Any,
    since: Any,
    lang: str,
    hidden: dict[str, set[str]],
    *,
    decide_days: int | None = None,
    filters: Any = None,
) -> tuple[Any, Any]:
    """One report (a municipality's, or the network's when profile is None) and its period
    start; shared by `callwatch report` and the web app's downloads."""
    from callwatch import report as report_mod

    if profile is not None:
        start = report_mod.period_start(db, profile.id, today, since)
        rep = report_mod.kommun_report(
            db, rules, profile, today, start, lang, hidden.get(profile.id, set()),
            decide_days=report_mod.DECIDE_DAYS if decide_days is None else decide_days,
            filters=filters,
        )  # fmt: skip
    else:
        start = since or today - timedelta(days=7)
        rep = report_mod.network_report(db, rules, today, start, lang, hidden, filters=filters)
    return rep, start


def build_report(
    db: Any, rules: Any, profile: Any, today: Any, since: Any, lang: str, fmt: str
) -> str:
    """The report text for the web app's downloads: like `callwatch report`, but a download
    does not move the municipality's next report period."""
    rep, _ = make_report(db, rules, profile, today, since, lang, dismissed(db))
    return RENDERERS[fmt](rep, rules)


def dismissed(db: Any) -> dict[str, set[str]]:
    """Calls each municipality has dismissed: left out of its rank and reports."""
    from callwatch import decisions

    return decisions.by_status(db, "dismiss")


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
    filters: Any = None,
    decimal: str | None = None,
    lang: str | None = None,
) -> None:

    if kommun and theme:
        raise UsageError("give at most one of --kommun NAME or --theme NAME")
    check_counts(within=within)
    if fmt == "csv" and (
        len(delimiter) != 1
        or delimiter in '"\r\n'
        or not (delimiter.isprintable() or delimiter == "\t")
    ):
        raise UsageError(
            f"--delimiter {delimiter!r}: give one printable character, e.g. ';' or ','"
        )
    if decimal is not None and decimal not in (",", "."):
        raise UsageError(f"--decimal {decimal!r}: use ',' or '.'")
    if decimal is not None and decimal == delimiter:
        raise UsageError("--decimal and --delimiter must differ")
    rules = load_rules(state)
    today = parse_today(today_s)
    db = state.db()
    refresh_scores(db, rules)
    profile = rules.profile(kommun) if kommun else None
    data = build_export(
        db, rules, fmt, profile, theme, today, within=within, include_closed=include_closed,
        show_all=show_all, delimiter=delimiter, filters=filters, decimal=decimal, lang=lang,
    )  # fmt: skip
    _write(data, out, state)


def build_export(
    db: Any,
    rules: Any,
    fmt: str,
    profile: Any,
    theme: str | None,
    today: Any,
    *,
    within: int | None = None,
    include_closed: bool = False,
    show_all: bool = False,
    delimiter: str = ";",
    filters: Any = None,
    decimal: str | None = None,
    lang: str | None = None,
) -> str | bytes:
    """The ICS, CSV or JSON export for a municipality (profile), a theme or the whole network;
    shared by `callwatch export` and the web app's downloads. Calls are ranked without reasons
    first; only the rows that are written get explained."""
    from callwatch import export as export_mod
    from callwatch import rank as rank_mod
    from callwatch.report_data import apply_filters

    closed = include_closed or bool(filters and "closed" in filters.statuses)
    kwargs = dict(include_closed=closed, show_all=show_all, within=within, limit=0)
    weights: dict = {}
    profile_of: dict[str, Any] = {}  # call id -> the municipality whose score it carries
    target = rules.theme(theme) if theme else None
    if profile is not None:
        weights = profile.weights
        hidden = dismissed(db).get(profile.id, set())
        ranked = rank_mod.rank_for_profile(
            db, rules, profile, today, hidden_ids=hidden, explain=False, **kwargs
        )
        ranked = apply_filters(db, ranked, filters)
        profile_of = dict.fromkeys((r.id for r in ranked), profile)
        name = f"callwatch: {profile.name}"
    else:
        # the network as a whole: every call relevant to at least one municipality, once
        seen: dict[str, Any] = {}
        if target is not None:
            weights = {target.id: 1.0}
            for r in rank_mod.rank_for_theme(db, rules, target, today, explain=False, **kwargs):
                seen.setdefault(r.id, r)
        else:
            options = dict(include_closed=closed, show_all=show_all, within=within)
            for r, p in rank_mod.rank_network(db, rules, today, **options):
                seen[r.id] = r
                profile_of[r.id] = p
        ranked = apply_filters(db, sorted(seen.values(), key=lambda r: (-r.score, r.id)), filters)
        name = "callwatch" + (
            f": {target.label(lang or 'sv')}" if target else (": nätverket" if (lang or "sv") == "sv" else ": the network")
        )  # fmt: skip
    if fmt == "ics":
        ranked = export_mod.with_events(ranked, today, closed)
    ranked = export_mod.explain_rows(
        db, [(r, profile_of.get(r.id), None if r.id in profile_of else target) for r in ranked], fmt
    )
    out_lang = lang or ("sv" if fmt in ("ics", "csv") and delimiter == ";" else "en")

    def reason(r: Any) -> str:
        return human_reason(r, rules, out_lang, weights)

    def themes(r: Any) -> str:
        return theme_labels(r, rules, out_lang, 3)

    writers = {
        "ics": lambda: export_mod.to_ics(ranked, today, name, closed, out_lang, reason),
        "csv": lambda: export_mod.to_csv(
            ranked, delimiter, decimal=decimal, lang=out_lang, reason=reason, themes=themes
        ),
        "json": lambda: export_mod.to_json(ranked),
    }
    return writers[fmt]()


def mark(
    state: Any, call_id: str, kommun: str, status: str, reason: str, note: str, by: str
) -> None:
    from callwatch import decisions

    rules = load_rules(state)
    profile = rules.profile(kommun)
    db = state.db()
    call_id = shortid.resolve(db, call_id)
    d = decisions.mark(
        db, call_id, profile.id, status, reason=reason, note=note, by=by, now=clock.now()
    )
    t = report_text.words(state.lang or "en")
    title = store.get_call(db, call_id)["title"]
    print(
        f"{profile.name}: {t['decision_words'].get(d.status, d.status)} "
        f"{output.clip(output.term(title), 60)} ({shortid.short(call_id)})"
        + (f" ({output.term(d.reason)})" if d.reason else "")
    )


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
    try:
        rules = rules or load_rules(state)
        names = {p.id: p.name for p in rules.profiles.values()}
    except CallwatchError:
        names = {}
    if history:
        titles = dict(
            db.execute(
                "SELECT id, title FROM calls WHERE id IN (SELECT call_id FROM decisions)"
            ).fetchall()
        )
        for r in rows:
            r["title"] = titles.get(r["call_id"], "")
    w = report_text.cli_words(state.lang)
    t = report_text.words(state.lang or "en")
    for r in rows:
        r["short_id"] = shortid.short(r["call_id"])
    output.show(
        output.Listing(
            rows,
            w["history_title" if history else "decisions_title"].format(n=len(rows)),
            [
                output.Col(w["id"], min=6),
                output.Col(w["kommun"], min=6, max=24),
                output.Col(w["decision"], min=6),
                output.Col(w["when"], min=16, drop=3),
                output.Col(w["by"], min=4, max=20, drop=2),
                output.Col(w["title"], min=20, max=60, flex=1, soft=30),
                output.Col(w["reason"], min=10, max=40, drop=4, flex=2, soft=16),
            ],
            lambda r: (
                r["short_id"],
                names.get(r["kommun"], r["kommun"]),
                t["decision_words"].get(r["status"], r["status"]),
                output.local_time(r["created"]),
                r["by"] or "",
                r.get("title") or "",
                " / ".join(x for x in (r["reason"], r["note"]) if x),
            ),  # fmt: skip
        ),
        fmt,
    )


def watch(state: Any, kommun: str, fmt: str, today_s: str | None) -> None:
    """Everything a municipality engages in or watches, with deadlines, soonest first."""
    from callwatch import decisions
    from callwatch import rank as rank_mod

    rules = load_rules(state)
    profile = rules.profile(kommun)
    today = parse_today(today_s)
    db = state.db()
    refresh_scores(db, rules)
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
    for n, r in enumerate(rows, start=1):
        r["short_id"] = shortid.short(r["id"])
        r["n"] = n
    if fmt == "table":
        shortid.remember_listing(db, [r["id"] for r in rows])
    w = report_text.cli_words(state.lang)
    t = report_text.words(state.lang or "en")
    output.show(
        output.Listing(
            rows,
            w["watch_title"].format(name=profile.name, today=today),
            [
                output.Col(w["no"], right=True),
                output.Col(w["id"], min=6),
                output.Col(w["decision"], min=6),
                output.Col(w["status"], min=6, drop=3),
                output.Col(w["deadline"], min=10, drop=4),
                output.Col(w["days"], right=True),
                output.Col(w["title"], min=20, max=60, flex=1, soft=30),
                output.Col(w["by"], max=20, drop=2),
                output.Col(w["reason"], min=10, max=40, drop=5, flex=2, soft=16),
            ],
            lambda r: (
                r["n"],
                r["short_id"],
                t["decision_words"].get(r["status"], r["status"]),
                report_text.status_word(r["call_status"], r["days_left"], state.lang),
                r["deadline"],
                "" if r["days_left"] is None or r["days_left"] < 0 else r["days_left"],
                r["title"],
                r["by"],
                r["reason"],
            ),  # fmt: skip
            empty=w["watch_empty"].format(name=profile.name),
        ),
        fmt,
    )


def make_filters(
    funder: str | None, min_budget: float | None, search: str | None, status: list[str] | None
) -> Any:
    """The filters `rank`, `report` and `export` share, checked once."""
    from callwatch.report_data import Filters

    known = ("open", "forthcoming", "closed", "unknown")
    for s in status or []:
        if s not in known:
            raise UsageError(f"--status {s!r}: use {', '.join(known)}")
    if min_budget is not None and min_budget < 0:
        raise UsageError(f"--min-budget {min_budget:g}: give an amount of 0 or more")
    return Filters(funder or None, min_budget or None, search or None, tuple(status or ()))


def import_decisions(state: Any, file: Path) -> None:
    """Restore a decisions backup (the JSON of `callwatch decisions`)."""
    from callwatch import decisions

    try:
        rows = json.loads(Path(file).read_text(encoding="utf-8"))
    except OSError as e:
        raise CallwatchError(f"{file}: cannot read ({e.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CallwatchError(f"{file}: not JSON ({e})") from None
    try:
        known = set(load_rules(state).profiles)
    except CallwatchError:
        known = set()
    counts = decisions.import_rows(state.db(create=True), rows, str(file), known)
    print(
        f"imported {counts['imported']} decisions from {file} ({counts['present']} already "
        f"present, {counts['older']} older than a decision in the database)"
    )


# ---------------------------------------------------------------------------------------------
# The web app and its accounts (callwatch/web/)


def _web(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(f"callwatch.web.{module}")
    except ImportError as e:
        raise CallwatchError(
            f"this command needs the web extra ({e.name} is missing): pip install 'callwatch[web]'"
        ) from None


def users_add(state: Any, name: str, kommun: str) -> None:
    import getpass

    auth = _web("auth")
    profile = load_rules(state).profile(kommun)
    auth.check_name(name)
    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {name}: ")
        if getpass.getpass("Again: ") != password:
            raise CallwatchError("the passwords differ; nothing was changed")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    user = auth.add_user(state.db(create=True), name, profile.id, password)
    print(f"user {user.name} decides for {profile.name}")


def users_list(state: Any, fmt: str) -> None:
    rows = [u.__dict__ for u in _web("auth").list_users(state.db())]
    output.render(
        rows, fmt, f"{len(rows)} users", ["name", "kommun", "created", "last sign-in"],
        lambda r: (r["name"], r["kommun"], r["created"], r["last_login"] or ""),
    )  # fmt: skip


def users_remove(state: Any, name: str) -> None:
    _web("auth").remove_user(state.db(), name)
    print(f"removed user {name}")


def serve(state: Any, host: str, port: int) -> None:
    web = _web("app")
    import uvicorn

    db = state.db()
    if not _web("auth").list_users(db):
        output.console(stderr=True).print(
            "warning: no users yet; add one with `callwatch users add NAME --kommun KOMMUN`",
            markup=False,
        )
    db.conn.close()
    app = web.create_app(state.db_path or paths.default_db(), load_rules(state))
    # proxy_headers: behind a local reverse proxy the client address and https come from it
    uvicorn.run(app, host=host, port=port, proxy_headers=True, log_level="info")
