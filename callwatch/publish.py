"""Reports and exports made for people: one report (a municipality's or the network's) or one
per municipality, written and/or mailed, each written one moving the municipality's next report
period; and the ICS / CSV / JSON export of a municipality, a theme or the whole network (every
relevant call once). Shared by `callwatch report` / `export` and the web app's downloads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from callwatch import clock, output
from callwatch.errors import CallwatchError, UsageError
from callwatch.inputs import check_counts, mail_recipients, parse_date, parse_today

if TYPE_CHECKING:
    from callwatch.rules import Profile, Rules
    from callwatch.views import Selection
    from callwatch.workspace import Workspace


def _render_md(rep: Any, rules: Rules) -> str:
    from callwatch import report as report_mod

    return report_mod.render_md(rep, rules)


def _render_html(rep: Any, rules: Rules) -> str:
    from callwatch import report as report_mod

    return report_mod.render_html(rep, rules)


RENDERERS: dict[str, Callable[[Any, Rules], str]] = {"md": _render_md, "html": _render_html}


@dataclass(frozen=True)
class ReportRequest:
    """The report options: whose report, which period, in which language and format, and
    where it goes (stdout, a file, a folder with --every-kommun, and/or e-mail)."""

    kommun: str | None = None
    network: bool = False
    every_kommun: bool = False
    since: str | None = None
    lang: str = "sv"
    fmt: str = "md"
    out: Path | None = None
    today: str | None = None
    decide_within: int | None = None
    filters: Any = None
    mail_to: str | None = None
    mail_from: str | None = None


def _check(req: ReportRequest) -> tuple[int, list[str]]:
    """The report options checked before anything is read: the 'to decide' days and the
    mail recipients."""
    from callwatch import report as report_mod

    if sum(map(bool, (req.kommun, req.network, req.every_kommun))) != 1:
        raise UsageError("give exactly one of --kommun NAME, --network or --every-kommun")
    if req.lang not in report_mod.TEXT:
        raise UsageError(f"unknown language {req.lang!r}; use sv or en")
    days = report_mod.DECIDE_DAYS if req.decide_within is None else req.decide_within
    if days < 0:
        raise UsageError(f"--decide-within {days}: give a number of days, 0 or more")
    recipients = mail_recipients(req.mail_to)
    out = req.out
    if req.every_kommun and out is not None and out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: with --every-kommun give a folder")
    if req.every_kommun and out is None and not recipients:
        raise UsageError("--every-kommun needs --out FOLDER or --mail-to ADDR")
    return days, recipients


def report(ws: Workspace, req: ReportRequest, say: Callable[[str], None]) -> int:
    """Write (and optionally mail) one report, or one per municipality with --every-kommun;
    returns the exit code (1 when a mail failed)."""
    from callwatch import decisions, pipeline

    decide_days, recipients = _check(req)
    rules = ws.rules()
    profiles: list[Profile | None] = list(rules.profiles.values()) if req.every_kommun else []
    if req.kommun:
        profiles = [rules.profile(req.kommun)]
    today = parse_today(req.today)
    since = parse_date(req.since, "--since") if req.since else None
    if since and since > today:
        raise UsageError(f"--since {since} is after the report date {today}")
    db = ws.db()
    pipeline.refresh_scores(db, rules, say)
    hidden = decisions.by_status(db, "dismiss")
    made = []
    for profile in profiles or [None]:
        rep, start = make_report(
            db, rules, profile, today, since, req.lang, hidden, decide_days=decide_days,
            filters=req.filters,
        )  # fmt: skip
        text = RENDERERS[req.fmt](rep, rules)
        if req.out is not None or not recipients:
            output.emit(text, _target(req, profile), protect=ws.db_file, lang=ws.lang)
        if profile is not None:  # only a report that was written (or is sent) counts as made
            _remember(db, profile, start, today, say)
        made.append((rep, text))
    return mail_reports(made, req, rules, recipients, say) if recipients else 0


def _target(req: ReportRequest, profile: Profile | None) -> Path | None:
    """--out, or with --every-kommun the municipality's file in the --out folder."""
    if not (req.every_kommun and req.out is not None and profile is not None):
        return req.out
    try:
        req.out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CallwatchError(f"{req.out}: cannot create folder ({e.strerror})") from None
    return req.out / f"{profile.id}.{req.fmt}"


def _remember(db: Any, profile: Profile, start: date, today: date, say: Callable) -> None:
    from callwatch import report as report_mod

    if getattr(db, "readonly", False):
        say("warning: read-only database; period not recorded")
    else:
        report_mod.remember(db, profile.id, start, today, clock.now().isoformat())


def mail_reports(
    made: list, req: ReportRequest, rules: Rules, recipients: list[str], say: Callable
) -> int:
    """Each report as one e-mail with markdown and HTML parts; 1 when any failed."""
    from callwatch import mail

    failed = 0
    for rep, text in made:
        md_text = text if req.fmt == "md" else _render_md(rep, rules)
        html_text = text if req.fmt == "html" else _render_html(rep, rules)
        try:
            mail.send_report(rep, md_text, html_text, recipients, req.mail_from)
        except CallwatchError as e:
            failed += 1
            say(f"Error: {e}")
        else:
            say(f"mailed {rep.title} to {', '.join(recipients)}")
    return 1 if failed else 0


def make_report(
    db: Any,
    rules: Rules,
    profile: Profile | None,
    today: date,
    since: date | None,
    lang: str,
    hidden: dict[str, set[str]],
    *,
    decide_days: int | None = None,
    filters: Any = None,
) -> tuple[Any, date]:
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
        start = since or today - timedelta(days=report_mod.PERIOD_DAYS)
        rep = report_mod.network_report(db, rules, today, start, lang, hidden, filters=filters)
    return rep, start


def build_report(
    db: Any,
    rules: Rules,
    profile: Profile | None,
    today: date,
    since: date | None,
    lang: str,
    fmt: str,
) -> str:
    """The report text for the web app's downloads: like `callwatch report`, but a download
    does not move the municipality's next report period."""
    from callwatch import decisions

    rep, _ = make_report(db, rules, profile, today, since, lang, decisions.by_status(db, "dismiss"))
    return RENDERERS[fmt](rep, rules)


# ---------------------------------------------------------------------------------------------
# Exports


def _check_csv(fmt: str, delimiter: str, decimal: str | None) -> None:
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


def export(
    ws: Workspace,
    fmt: str,
    sel: Selection,
    delimiter: str,
    decimal: str | None,
    warn: Callable[[str], None],
) -> str | bytes:
    """The export file's content for `callwatch export` (options checked first)."""
    from callwatch import pipeline

    if sel.kommun and sel.theme:
        raise UsageError("give at most one of --kommun NAME or --theme NAME")
    check_counts(within=sel.within)
    _check_csv(fmt, delimiter, decimal)
    rules = ws.rules()
    today = parse_today(sel.today)
    db = ws.db()
    pipeline.refresh_scores(db, rules, warn)
    return build_export(
        db, rules, fmt, rules.profile(sel.kommun) if sel.kommun else None, sel.theme, today,
        within=sel.within, include_closed=sel.include_closed, show_all=sel.show_all,
        delimiter=delimiter, filters=sel.filters, decimal=decimal, lang=ws.lang,
    )  # fmt: skip


def build_export(
    db: Any,
    rules: Rules,
    fmt: str,
    profile: Profile | None,
    theme: str | None,
    today: date,
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
    from callwatch.reasons import human_reason, theme_labels

    closed = include_closed or bool(filters and "closed" in filters.statuses)
    target = rules.theme(theme) if theme else None
    ranked, profile_of, weights, name = _export_calls(
        db, rules, profile, target, today, closed, show_all, within, filters, lang
    )
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
        "json": lambda: export_mod.to_json(ranked, out_lang),
    }
    return writers[fmt]()


def _export_calls(
    db: Any,
    rules: Rules,
    profile: Profile | None,
    target: Any,
    today: date,
    closed: bool,
    show_all: bool,
    within: int | None,
    filters: Any,
    lang: str | None,
) -> tuple[list, dict[str, Any], dict, str]:
    """(ranked calls, call id -> the municipality whose score it carries, theme weights, the
    calendar's name). Without a municipality: the network as a whole, every call relevant to
    at least one municipality (or to the theme) once."""
    from callwatch import decisions
    from callwatch import rank as rank_mod
    from callwatch.report_data import apply_filters

    kwargs: dict[str, Any] = dict(include_closed=closed, show_all=show_all, within=within, limit=0)
    if profile is not None:
        hidden = decisions.by_status(db, "dismiss").get(profile.id, set())
        ranked = rank_mod.rank_for_profile(
            db, rules, profile, today, hidden_ids=hidden, explain=False, **kwargs
        )
        ranked = apply_filters(db, ranked, filters)
        return (
            ranked,
            dict.fromkeys((r.id for r in ranked), profile),
            profile.weights,
            f"callwatch: {profile.name}",
        )
    seen: dict[str, Any] = {}
    profile_of: dict[str, Any] = {}
    weights: dict = {}
    if target is not None:
        weights = {target.id: 1.0}
        for r in rank_mod.rank_for_theme(db, rules, target, today, explain=False, **kwargs):
            seen.setdefault(r.id, r)
    else:
        options: dict[str, Any] = dict(include_closed=closed, show_all=show_all, within=within)
        for r, p in rank_mod.rank_network(db, rules, today, **options):
            seen[r.id] = r
            profile_of[r.id] = p
    ranked = apply_filters(db, sorted(seen.values(), key=lambda r: (-r.score, r.id)), filters)
    name = "callwatch" + (
        f": {target.label(lang or 'sv')}" if target else (": nätverket" if (lang or "sv") == "sv" else ": the network")
    )  # fmt: skip
    return ranked, profile_of, weights, name
