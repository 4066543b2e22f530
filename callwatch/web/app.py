"""`callwatch serve`: the network's shared view, server-rendered (Starlette + Jinja2).

Every page is a view of the library: ranking comes from rank.rank_for_profile, reports and
exports from the same functions as `callwatch report` and `callwatch export`, decisions go
through decisions.mark into the one append-only table `callwatch mark` writes. The app adds only
presentation, accounts (auth.py) and the rules of the web: a signed-in user for every page but
/login and /healthz, a CSRF token in every form that changes something, a user decides only for
their own municipality, every funder text escaped by the template engine, only http(s) links,
and a Content-Security-Policy that allows no script at all (the app needs none).

Reads open their own SQLite connection per request; the database is in WAL mode, so a running
`callwatch fetch` never blocks a page, and the app never scores calls while serving (the fetch
does; the app refreshes scores once at start-up).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlite_utils
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from callwatch import clock, commands, decisions, dedupe, recurring, scoring, store
from callwatch import rank as rank_mod
from callwatch import report as report_mod
from callwatch.dates import local_datetime, shown_deadline
from callwatch.errors import CallwatchError, NotFoundError
from callwatch.priority import THEME_SHOWN, format_money, in_sek, top_terms
from callwatch.report_data import closes_within
from callwatch.rules import Rules, fold
from callwatch.web import auth
from callwatch.web.text import TEXT

HERE = Path(__file__).resolve().parent
log = logging.getLogger("callwatch.web")
PAGE_SIZE = 50  # ranked calls on a municipality's page
WEEK = report_mod.PERIOD_DAYS  # the network page shows the decisions of the report's week
MAX_REASON, MAX_NOTE = 300, 4000
MAX_FILTER_TEXT = 200
MAX_BODY = 256 * 1024  # a decision form is a few kilobytes
CACHE_SIZE = 64  # computed pages (ranking, network) kept per process
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
# the downloadable HTML report carries its own inline stylesheet and no script
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'"
)
STATUS_FILTERS = ("active", "open", "forthcoming", "closed", "all")


class SecurityHeaders:
    """Adds the CSP and friends to every response (pure ASGI, so streaming stays intact)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
                static = scope.get("path", "").startswith("/static/")
                # pages hold personal data and CSRF tokens: never cached; the stylesheet may be
                headers.setdefault(
                    "Cache-Control", "public, max-age=3600" if static else "no-store"
                )
            await send(message)

        await self.app(scope, receive, send_with_headers)


@dataclass
class Filters:
    theme: str = ""
    funder: str = ""
    budget: float | None = None  # MSEK
    status: str = "active"
    text: str = ""

    @property
    def plain(self) -> bool:
        """No filter beyond the default: exactly what `callwatch rank --kommun X` shows."""
        return (
            not (self.theme or self.funder or self.budget or self.text) and self.status == "active"
        )


class Web:
    """What the request handlers share: where the database is, the rules, the session signer,
    the login throttle and the templates."""

    def __init__(self, db_path: Path, rules: Rules, secret: str | None, login_delay: float) -> None:
        self.db_path = Path(db_path)
        self.rules = rules
        with self.db() as db:
            scoring.refresh(db, rules)  # once: afterwards the scheduled fetch keeps scores fresh
            key = auth.secret_key(db, secret)
        self.sessions = auth.Sessions(key)
        self.throttle = auth.LoginThrottle(base=login_delay)
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        env = self.templates.env
        env.autoescape = True  # every funder text is escaped; templates never use |safe on data
        env.globals.update(
            safe_url=report_mod.safe_url,
            money=format_money,
            call_href=lambda cid: "/call/" + quote(str(cid), safe=""),
        )
        self._funders: tuple[str | None, list[str]] = (None, [])
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.stopping = threading.Event()

    @contextmanager
    def db(self) -> Iterator[sqlite_utils.Database]:
        db = store.open_db(self.db_path)
        try:
            yield db
        finally:
            db.conn.close()

    def version(self, db: sqlite_utils.Database) -> tuple:
        return db.execute(
            "SELECT (SELECT value FROM meta WHERE key = 'data_version'), "
            "(SELECT value FROM meta WHERE key = 'scored_version'), (SELECT max(id) FROM decisions)"
        ).fetchone()

    def cached(self, db: sqlite_utils.Database, key: tuple, compute: Any) -> Any:
        """compute() once per key and state of the data: a new fetch (data_version), new scores
        or a new decision start afresh, so a page is never staler than the database."""
        full = (*key, clock.today(), *self.version(db))
        with self._lock:
            if full in self._cache:
                self._cache.move_to_end(full)
                return self._cache[full]
        value = compute()
        with self._lock:
            self._cache[full] = value
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return value

    def warm(self) -> None:
        """Compute the network page and every municipality's unfiltered page ahead of their
        first visitor: on a large database the first computation after a fetch takes seconds."""
        today = clock.today()
        with self.db() as db:
            for profile in self.rules.profiles.values():
                kommun_data(self, db, profile, today, Filters())
            self.cached(db, ("network", "sv"), lambda: network_data(self, db, today, "sv"))
            self.funders(db)

    def warm_loop(self, interval: float) -> None:
        """Re-warm whenever the data, the scores, the decisions or the day change."""
        last = None
        while not self.stopping.is_set():
            try:
                with self.db() as db:
                    state = (clock.today(), *self.version(db))
                if state != last:
                    self.warm()
                    last = state
            except Exception:  # noqa: BLE001 - a failed warm-up only costs the next visitor time
                log.exception("warming the page cache failed")
            self.stopping.wait(interval)

    def funders(self, db: sqlite_utils.Database) -> list[str]:
        version = store.get_meta(db, "data_version")
        if self._funders[0] != version or not self._funders[1]:
            rows = db.execute(
                "SELECT DISTINCT funder FROM calls WHERE funder != '' ORDER BY funder"
            ).fetchall()  # read from the funder index
            self._funders = (version, [r[0] for r in rows])
        return self._funders[1]


# ---------------------------------------------------------------------------------------------
# Request plumbing: session, language, rendering


def _session(web: Web, request: Request) -> dict:
    session = getattr(request.state, "session", None)
    if session is None:
        session = web.sessions.load(request.cookies.get(auth.SESSION_COOKIE))
        request.state.session = session
    return session


def _lang(session: dict) -> str:
    return session.get("lang") if session.get("lang") in TEXT else "sv"


def _save_session(web: Web, request: Request, response: Response, session: dict) -> Response:
    response.set_cookie(
        auth.SESSION_COOKIE,
        web.sessions.dump(session),
        max_age=auth.SESSION_MAX_AGE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


def _render(
    web: Web,
    request: Request,
    name: str,
    session: dict,
    user: auth.User | None,
    context: dict,
    status_code: int = 200,
) -> Response:
    lang = _lang(session)
    t = TEXT[lang]
    rules = web.rules
    ctx = {
        "t": t,
        "lang": lang,
        "other_lang": "en" if lang == "sv" else "sv",
        "user": user,
        "user_kommun": rules.profiles[user.kommun].name
        if user and user.kommun in rules.profiles
        else (user.kommun if user else ""),
        "csrf": session["csrf"],
        "profiles": sorted(rules.profiles.values(), key=lambda p: p.name),
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "kommun_name": lambda k: rules.profiles[k].name if k in rules.profiles else k,
        "theme_label": lambda tid: rules.themes[tid].label(lang) if tid in rules.themes else tid,
        "when": lambda d: as_iso(d, t),
        "why": lambda r: _why(r, rules, lang),
        "days": lambda n: _days(n, t),
        "stamp": lambda s: (s or "")[:16].replace("T", " "),
        **context,
    }
    response = web.templates.TemplateResponse(request, name, ctx, status_code=status_code)
    if session.get("new"):
        session.pop("new")
        _save_session(web, request, response, session)
    return response


def _why(r: rank_mod.Ranked, rules: Rules, lang: str) -> list[str]:
    """rank's reasons in the page's language: each theme with the words that matched, the
    municipality's own keywords, and the factors of the priority. (rank.Ranked.reasons are
    English; they are shown as they are on English pages.)"""
    t = TEXT[lang]
    lines = []
    for tid, score in list((r.themes or {}).items())[:3]:
        if score < THEME_SHOWN:
            continue
        label = rules.themes[tid].label(lang) if tid in rules.themes else tid
        terms = ", ".join(top_terms(r.evidence or {}, tid))
        lines.append(f"{label} {score:.2f}" + (f": {terms}" if terms else ""))
    if r.keywords:
        lines.append(f"{t['mentions']} " + ", ".join(r.keywords))
    f = r.factors or {}
    if f:
        lines.append(
            f"{t['score']} {r.score:.3f} = {t['f_relevance']} {f.get('relevance', 0):.3f} × "
            f"{t['f_eligibility']} {f.get('eligibility', 0)} × {t['f_deadline']} "
            f"{f.get('deadline', 0)} × {t['f_size']} {f.get('size', 0)}"
        )
    lines += [f"{t['evidence']}: {e}" for e in (r.eligibility_evidence or [])[:2]]
    if lang == "en":
        lines += [x for x in r.reasons if not x.startswith("eligibility:")]
    return lines


def as_iso(value: str | None, t: dict) -> str:
    """A deadline as Swedes read it: local date, and the time when it is not midnight."""
    if not value:
        return t["no_deadline"]
    try:
        local = local_datetime(value)
    except (TypeError, ValueError):
        return str(value)
    hm = local.strftime("%H:%M")
    return local.date().isoformat() + ("" if hm in ("00:00", "23:59") else f" {hm}")


def _days(n: int | None, t: dict) -> str:
    if n is None:
        return ""
    if n == 0:
        return t["today"]
    return t["days_left"].format(n=n) if n > 0 else t["days_ago"].format(n=-n)


def _safe_next(value: str | None) -> str:
    """Only local paths: never an open redirect to another site."""
    if (
        value
        and value.startswith("/")
        and not value.startswith(("//", "/\\"))
        and len(value) < 2000
        and value.isprintable()  # no CR/LF into the Location header
    ):
        return value
    return "/"


def _login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)


def _current_user(web: Web, db: sqlite_utils.Database, session: dict) -> auth.User | None:
    name = session.get("u")
    return auth.get_user(db, name) if isinstance(name, str) else None


def page(handler: Any) -> Any:
    """A page that needs a signed-in user: opens the database, loads session and user, and
    sends anyone else to /login."""

    def endpoint(request: Request) -> Response:
        web: Web = request.app.state.web
        session = _session(web, request)
        with web.db() as db:
            user = _current_user(web, db, session)
            if user is None:
                return _login_redirect(request)
            return handler(web, request, db, session, user)

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint


def _profile(web: Web, kid: str) -> Any:
    """The municipality a URL names: its id, name or an alias (no guessing: a typo is a 404)."""
    key = fold(kid)
    for pid, p in web.rules.profiles.items():
        if key in {fold(x) for x in (pid, p.name, *p.aliases)}:
            return p
    raise HTTPException(404)


# ---------------------------------------------------------------------------------------------
# Pages


@page
def network(web: Web, request: Request, db: Any, session: dict, user: auth.User) -> Response:
    """/: what each municipality decided this week, joint candidates, closing soon."""
    lang = _lang(session)
    today = clock.today()
    joint, soon = web.cached(db, ("network", lang), lambda: network_data(web, db, today, lang))
    since = (today - timedelta(days=WEEK)).isoformat()
    recent = [d for d in decisions.current(db) if (d.get("created") or "")[:10] >= since]
    recent.sort(key=lambda d: d.get("created") or "", reverse=True)
    by_kommun: dict[str, list[dict]] = {}
    for d in recent:
        by_kommun.setdefault(d["kommun"], []).append(d)
    return _render(
        web, request, "network.html", session, user,
        {"joint": joint[0], "joint_more": joint[1], "decided": by_kommun, "soon": soon, "today": today,
         "closing_days": report_mod.CLOSING_DAYS},
    )  # fmt: skip


def network_data(web: Web, db: Any, today: date, lang: str) -> tuple[list, list]:
    """Joint candidates (the network report's first section) and the calls closing soon that
    matter to some municipality, with who they matter to."""
    rules = web.rules
    hidden = decisions.by_status(db, "dismiss")
    rep = report_mod.network_report(db, rules, today, today - timedelta(days=WEEK), lang, hidden)
    first = rep.sections[0] if rep.sections else None  # joint candidates, capped by the report
    joint = (first.items, first.more) if first else ([], 0)
    closing: dict[str, Any] = {}
    for pid, profile in sorted(rules.profiles.items()):
        for r in closing_soon(db, rules, profile, today, hidden.get(pid, set())):
            entry = closing.setdefault(r.id, {"r": r, "kommuner": []})
            entry["kommuner"].append(profile.name)
    soon = sorted(closing.values(), key=lambda e: (e["r"].days_left, e["r"].id))
    soon = soon[: report_mod.SECTION_LIMIT]
    for e in soon:
        rank_mod.explain_call(db, e["r"])
    return joint, soon


def _filters(request: Request) -> Filters:
    q = request.query_params
    f = Filters(
        theme=q.get("theme", "")[:64],
        funder=q.get("funder", "")[:MAX_FILTER_TEXT],
        status=q.get("status", "active"),
        text=q.get("text", "")[:MAX_FILTER_TEXT].strip(),
    )
    if f.status not in STATUS_FILTERS:
        f.status = "active"
    try:
        budget = float(q.get("budget", "").replace(",", ".").replace(" ", "") or "nan")
        f.budget = budget if budget > 0 else None
    except ValueError:
        f.budget = None
    return f


def _sek(r: rank_mod.Ranked) -> float:
    if not r.budget_amount:
        return 0.0
    return in_sek(r.budget_amount, r.budget_currency)


def closing_soon(
    db: Any,
    rules: Rules,
    profile: Any,
    today: date,
    hidden: set[str],
    skip: set[str] | frozenset[str] = frozenset(),
    limit: int = report_mod.SECTION_LIMIT,
) -> list[rank_mod.Ranked]:
    """Relevant calls closing within the report's horizon, most urgent first, each evaluated by
    rank.rank_for_profile. Candidates are read by their stored next deadline (refreshed by every
    fetch), so the page evaluates a few calls instead of every relevant one (CROSS JOIN and "+" keep
    SQLite on the next-deadline index, walking calls soonest first)."""
    lo = (today - timedelta(days=1)).isoformat()
    hi = (
        today + timedelta(days=max(report_mod.CLOSING_DAYS, report_mod.DECIDE_DAYS) + 2)
    ).isoformat()
    rows = db.execute(
        "SELECT c.id FROM calls c CROSS JOIN profile_scores ps ON ps.profile = ? AND ps.call_id = c.id "
        "WHERE c.next_deadline >= ? AND c.next_deadline < ? AND +c.duplicate_of IS NULL "
        "AND ps.relevance >= ? ORDER BY c.next_deadline, c.id LIMIT ?",
        [profile.id, lo, hi, report_mod.REPORT_MIN_RELEVANCE, 4 * limit + len(skip) + len(hidden)],
    ).fetchall()
    out: list[rank_mod.Ranked] = []
    for (cid,) in rows:
        if cid in hidden or cid in skip:
            continue
        out += [
            r
            for r in rank_mod.rank_for_profile(
                db,
                rules,
                profile,
                today,
                call_id=cid,
                within=max(report_mod.CLOSING_DAYS, report_mod.DECIDE_DAYS),
                min_relevance=report_mod.REPORT_MIN_RELEVANCE,
                explain=False,
            )  # fmt: skip
            if closes_within(r, report_mod.DECIDE_DAYS)  # the report's own "to decide" rule
        ]
        if len(out) >= limit:
            break
    out.sort(key=lambda r: (r.days_left, r.id))
    return out[:limit]


def ranked_calls(
    db: Any, rules: Rules, profile: Any, today: date, f: Filters, hidden: set[str]
) -> tuple[list[rank_mod.Ranked], bool]:
    """The municipality's ranked calls through rank.rank_for_profile (the CLI's `rank`), then
    narrowed by the page's filters; (calls shown, whether more matched)."""
    if f.plain:
        ranked = rank_mod.rank_for_profile(
            db, rules, profile, today, hidden_ids=hidden, limit=PAGE_SIZE + 1
        )
        return ranked[:PAGE_SIZE], len(ranked) > PAGE_SIZE
    include_closed = f.status in ("closed", "all")
    text = fold(f.text) if f.text else ""
    shown: list[rank_mod.Ranked] = []
    for r in rank_mod.rank_for_profile(
        db, rules, profile, today, hidden_ids=hidden, include_closed=include_closed, explain=False
    ):
        if f.status in ("open", "forthcoming", "closed") and r.status != f.status:
            continue
        if f.funder and r.funder != f.funder:
            continue
        if f.budget and _sek(r) < f.budget * 1e6:
            continue
        if text and text not in fold(f"{r.title} {r.funder} {r.programme} {r.id}"):
            continue
        if f.theme:
            rank_mod.explain_call(db, r, profile)
            if r.themes.get(f.theme, 0.0) < THEME_SHOWN:
                continue
        shown.append(r)
        if len(shown) > PAGE_SIZE:
            break
    return [rank_mod.explain_call(db, r, profile) for r in shown[:PAGE_SIZE]], len(
        shown
    ) > PAGE_SIZE


def _own_lists(db: Any, pid: str, today: date) -> dict[str, list[dict]]:
    """The municipality's engage and watch decisions with their next deadline, soonest first."""
    lists: dict[str, list[dict]] = {"engage": [], "watch": []}
    for d in decisions.current(db, pid):
        if d["status"] not in lists:
            continue
        try:
            deadlines = json.loads(d.get("deadlines") or "[]")
        except (TypeError, ValueError):
            deadlines = []
        nd, days = shown_deadline(deadlines, today)
        lists[d["status"]].append({**d, "deadline": nd, "days_left": days})
    for rows in lists.values():
        rows.sort(
            key=lambda r: (r["days_left"] if (r["days_left"] or -1) >= 0 else 10**6, r["call_id"])
        )
    return lists


def kommun_data(web: Web, db: Any, profile: Any, today: date, f: Filters) -> tuple:
    """(ranked calls, whether more matched, calls to decide) for a municipality's page, computed
    once per state of the data (Web.cached)."""
    hidden = decisions.by_status(db, "dismiss").get(profile.id, set())

    def compute() -> tuple:
        decided = {d["call_id"] for d in decisions.current(db, profile.id)}
        ranked, more = ranked_calls(db, web.rules, profile, today, f, hidden)
        to_decide = closing_soon(db, web.rules, profile, today, hidden, skip=decided)
        return ranked, more, [rank_mod.explain_call(db, r, profile) for r in to_decide]

    key = ("kommun", profile.id, f.theme, f.funder, f.budget, f.status, f.text)
    return web.cached(db, key, compute)


@page
def kommun(web: Web, request: Request, db: Any, session: dict, user: auth.User) -> Response:
    """/kommun/<id>: to decide, our engage and watch lists, the ranked calls with filters."""
    rules = web.rules
    profile = _profile(web, request.path_params["kid"])
    today = clock.today()
    f = _filters(request)
    ranked, more, to_decide = kommun_data(web, db, profile, today, f)
    return _render(
        web, request, "kommun.html", session, user,
        {"profile": profile, "ranked": ranked, "more": more, "filters": f,
         "to_decide": to_decide, "lists": _own_lists(db, profile.id, today),
         "themes": list(rules.themes.values()), "funders": web.funders(db),
         "statuses": STATUS_FILTERS, "page_size": PAGE_SIZE, "today": today,
         "closing_days": report_mod.CLOSING_DAYS, "theme_shown": THEME_SHOWN},
    )  # fmt: skip


def _facts(call: dict) -> list[dict]:
    """The extracted facts (calls.facts, JSON) as rows of name, value, evidence and source,
    whatever shape the extractor gives them: a mapping of name to value or to a record, or a
    list of records."""
    raw = call.get("facts")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return []
    if isinstance(raw, dict):
        items = [
            dict(v, name=k) if isinstance(v, dict) else {"name": k, "value": v}
            for k, v in raw.items()
        ]
    elif isinstance(raw, list):
        items = [v for v in raw if isinstance(v, dict)]
    else:
        return []
    rows = []
    for it in items[:100]:
        value = it.get("value", it.get("text", ""))
        rows.append(
            {
                "name": str(it.get("name") or it.get("fact") or it.get("key") or ""),
                "value": value if isinstance(value, str) else json.dumps(value, ensure_ascii=False),
                "evidence": str(it.get("evidence") or it.get("sentence") or ""),
                "source": str(it.get("source") or ""),
            }
        )
    return rows


FACT_COLUMNS = (
    "max_per_project", "min_per_project", "funding_rate_max", "cofinancing_required",
    "consortium_required", "min_municipalities", "municipality_may_apply", "applicants",
)  # fmt: skip


def _fact_columns(call: dict, t: dict) -> list[tuple[str, str]]:
    """The shared facts columns (when this database has them), in words."""
    out = []
    for key in FACT_COLUMNS:
        v = call.get(key)
        if v is None or v == "":
            continue
        if key in ("max_per_project", "min_per_project"):
            v = format_money(v, call.get("budget_currency"))
        elif key == "funding_rate_max":
            v = f"{float(v):.0%}"
        elif key in ("cofinancing_required", "consortium_required"):
            v = t["yes"] if v else t["no"]
        elif key == "municipality_may_apply":
            v = {"yes": t["yes"], "no": t["no"]}.get(str(v), t["unclear_short"])
        elif key == "applicants":
            try:
                v = ", ".join(map(str, json.loads(v))) if isinstance(v, str) else ", ".join(v)
            except (TypeError, ValueError):
                v = str(v)
        out.append((t[key], str(v)))
    return out


@page
def call_page(web: Web, request: Request, db: Any, session: dict, user: auth.User) -> Response:
    """/call/<id>: facts, deadlines, budget, eligibility, listings, rounds, history, decisions."""
    rules, t = web.rules, TEXT[_lang(session)]
    cid = request.path_params["cid"]
    try:
        call = store.get_call(db, cid)
    except NotFoundError:
        raise HTTPException(404) from None
    today = clock.today()
    profile = rules.profiles.get(user.kommun)
    mine = None
    if profile is not None:
        found = rank_mod.rank_for_profile(
            db, rules, profile, today, include_closed=True, show_all=True, call_id=cid
        )
        mine = found[0] if found else None
    history = decisions.history(db, cid)
    current: dict[str, dict] = {}
    for d in history:
        current[d["kommun"]] = d
    status = call.get("status")
    return _render(
        web, request, "call.html", session, user,
        {"call": call, "facts": _facts(call), "fact_columns": _fact_columns(call, t),
         "deadlines": call.get("deadlines") or [], "also": dedupe.also_listed(db, cid),
         "rounds": [r for r in recurring.rounds(db, cid) if r.id != cid],
         "changes": store.call_history(db, cid), "history": history,
         "current": sorted(current.values(), key=lambda d: d["kommun"]), "mine": mine,
         "profile": profile, "statuses": decisions.STATUSES,
         "own": current.get(user.kommun), "saved": request.query_params.get("saved") == "1",
         "call_status": t.get(f"st_{status}", status), "stale": bool(call.get("stale"))},
    )  # fmt: skip


DOWNLOADS = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


@page
def download(web: Web, request: Request, db: Any, session: dict, user: auth.User) -> Response:
    """/kommun/<id>/report.md|html|ics|csv: what `callwatch report` and `export` write."""
    profile = _profile(web, request.path_params["kid"])
    ext = request.path_params["ext"]
    if ext not in DOWNLOADS:
        raise HTTPException(404)
    today = clock.today()
    lang = request.query_params.get("lang") or _lang(session)
    lang = lang if lang in report_mod.TEXT else "sv"
    if ext in ("md", "html"):
        body: str | bytes = commands.build_report(db, web.rules, profile, today, None, lang, ext)
    else:
        body = commands.build_export(db, web.rules, ext, profile, None, today)
    headers = {"Content-Disposition": f'{"inline" if ext == "html" else "attachment"}; '
               f'filename="callwatch-{profile.id}-{today.isoformat()}.{ext}"'}  # fmt: skip
    if ext == "html":
        headers["Content-Security-Policy"] = REPORT_CSP
    return Response(body, media_type=DOWNLOADS[ext], headers=headers)


# ---------------------------------------------------------------------------------------------
# Forms: sign in and out, decisions, language


def _forbidden(web: Web, request: Request, session: dict, user: Any, key: str) -> Response:
    return _render(web, request, "error.html", session, user, {"message_key": key}, 403)


async def login(request: Request) -> Response:
    web: Web = request.app.state.web
    session = _session(web, request)
    nxt = _safe_next(request.query_params.get("next"))
    if request.method == "GET":
        return _render(web, request, "login.html", session, None, {"next": nxt, "error": False})
    form = await request.form(max_files=0, max_fields=10)
    if not auth.csrf_ok(session, form.get("csrf_token")):
        return _forbidden(web, request, session, None, "forbidden_csrf")
    name = str(form.get("username") or "")[:128]
    password = str(form.get("password") or "")
    nxt = _safe_next(str(form.get("next") or nxt))
    client = request.client.host if request.client else "?"
    keys = (f"ip:{client}", f"user:{name.strip().lower()}")

    def check() -> auth.User | None:
        with web.db() as db:
            return auth.verify(db, name, password)

    user = await run_in_threadpool(check)
    if user is None:
        web.throttle.failed(*keys)
        await _sleep(web.throttle.delay(*keys))
        return _render(
            web,
            request,
            "login.html",
            session,
            None,
            {"next": nxt, "error": True, "name": name},
            401,
        )
    web.throttle.succeeded(*keys)
    fresh = web.sessions.load(None)  # a new session (and CSRF token) for the signed-in user
    fresh.pop("new")
    fresh.update(u=user.name, lang=_lang(session))
    return _save_session(web, request, RedirectResponse(nxt, status_code=303), fresh)


async def _sleep(seconds: float) -> None:
    import asyncio

    if seconds > 0:
        await asyncio.sleep(seconds)


async def logout(request: Request) -> Response:
    web: Web = request.app.state.web
    session = _session(web, request)
    if request.method == "GET":
        with web.db() as db:
            user = _current_user(web, db, session)
        if user is None:
            return RedirectResponse("/login", status_code=303)
        return _render(web, request, "logout.html", session, user, {})
    form = await request.form(max_files=0, max_fields=10)
    if not auth.csrf_ok(session, form.get("csrf_token")):
        return _forbidden(web, request, session, None, "forbidden_csrf")
    fresh = web.sessions.load(None)
    fresh.pop("new")
    fresh["lang"] = _lang(session)
    return _save_session(web, request, RedirectResponse("/login", status_code=303), fresh)


async def decide(request: Request) -> Response:
    """POST /decide: one decision for the signed-in user's municipality, written by
    decisions.mark (the same append-only table as `callwatch mark`, by = the user)."""
    web: Web = request.app.state.web
    session = _session(web, request)
    form = await request.form(max_files=0, max_fields=20)
    with web.db() as db:
        user = _current_user(web, db, session)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    if not auth.csrf_ok(session, form.get("csrf_token")):
        return _forbidden(web, request, session, user, "forbidden_csrf")
    if str(form.get("kommun") or "") != user.kommun:
        return _forbidden(web, request, session, user, "forbidden_kommun")
    cid = str(form.get("call_id") or "")
    status = str(form.get("status") or "")
    if status not in decisions.STATUSES:
        raise HTTPException(400, "unknown status")
    reason = " ".join(str(form.get("reason") or "").split())[:MAX_REASON]
    note = str(form.get("note") or "").strip()[:MAX_NOTE]

    def write() -> None:
        with web.db() as db:
            decisions.mark(
                db, cid, user.kommun, status, reason=reason, note=note, by=user.name,
                now=clock.now(),
            )  # fmt: skip

    try:
        await run_in_threadpool(write)
    except NotFoundError:
        raise HTTPException(404) from None
    return RedirectResponse("/call/" + quote(cid, safe="") + "?saved=1", status_code=303)


def set_lang(request: Request) -> Response:
    """GET /lang/<sv|en>?next=...: the language switch is a plain link (works without script)."""
    web: Web = request.app.state.web
    session = dict(_session(web, request))
    code = request.path_params["code"]
    if code in TEXT:
        session["lang"] = code
    session.pop("new", None)
    target = _safe_next(request.query_params.get("next"))
    return _save_session(web, request, RedirectResponse(target, status_code=303), session)


def healthz(request: Request) -> Response:
    """No login: for the reverse proxy and monitoring. Answers 503 if the database is unusable."""
    web: Web = request.app.state.web
    try:
        with web.db() as db:
            n = store.call_count(db)
    except CallwatchError as e:
        return JSONResponse({"status": "error", "error": str(e)}, status_code=503)
    return JSONResponse({"status": "ok", "calls": n, "schema": store.SCHEMA_VERSION})


def favicon(request: Request) -> Response:
    return Response(status_code=204)


async def not_found(request: Request, exc: Exception) -> Response:
    web: Web = request.app.state.web
    code = getattr(exc, "status_code", 500)
    session = _session(web, request)
    if code != 404:
        return PlainTextResponse(str(getattr(exc, "detail", "error")), status_code=code)
    with web.db() as db:
        user = _current_user(web, db, session)
    return _render(web, request, "error.html", session, user, {"message_key": "not_found"}, 404)


def create_app(
    db_path: str | Path,
    rules: Rules,
    *,
    secret: str | None = None,
    login_delay: float = 0.5,
    warm_interval: float = 30.0,
) -> Starlette:
    """The ASGI app. `secret` signs the session cookies (default: CALLWATCH_SECRET_KEY, else a
    key kept in the database); `login_delay` is the first failed login's delay in seconds; while
    the server runs, a thread re-computes the main pages within `warm_interval` seconds of any
    change (0: never)."""
    web = Web(Path(db_path), rules, secret or os.environ.get("CALLWATCH_SECRET_KEY"), login_delay)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if warm_interval > 0:
            threading.Thread(
                target=web.warm_loop, args=(warm_interval,), name="callwatch-warm", daemon=True
            ).start()
        yield
        web.stopping.set()

    routes = [
        Route("/", network),
        Route("/healthz", healthz),
        Route("/favicon.ico", favicon),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["GET", "POST"]),
        Route("/lang/{code}", set_lang),
        Route("/decide", decide, methods=["POST"]),
        Route("/kommun/{kid}", kommun),
        Route("/kommun/{kid}/report.{ext}", download),
        Route("/call/{cid:path}", call_page),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={HTTPException: not_found},
        max_body_size=MAX_BODY,
        lifespan=lifespan,
    )
    app.state.web = web
    return app
