"""Request plumbing of the web app: the signed session, the page language, rendering a template
with the helpers every page uses, and the `page` wrapper that requires a signed-in user."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from callwatch import rank as rank_mod
from callwatch.dates import local_datetime
from callwatch.priority import THEME_SHOWN, top_terms
from callwatch.rules import Profile, Rules, fold
from callwatch.show_text import earlier_text, evidence_line, note_text
from callwatch.web import auth
from callwatch.web.text import TEXT

if TYPE_CHECKING:  # annotations only: app.py imports this module
    from callwatch.store.db import Database
    from callwatch.web.app import Web


def get_session(web: Web, request: Request) -> dict:
    session = getattr(request.state, "session", None)
    if session is None:
        session = web.sessions.load(request.cookies.get(auth.SESSION_COOKIE))
        request.state.session = session
    return session


def page_lang(session: dict) -> str:
    lang = session.get("lang")
    return lang if isinstance(lang, str) and lang in TEXT else "sv"


def save_session(web: Web, request: Request, response: Response, session: dict) -> Response:
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


def render(
    web: Web,
    request: Request,
    name: str,
    session: dict,
    user: auth.User | None,
    context: dict,
    status_code: int = 200,
) -> Response:
    lang = page_lang(session)
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
        "why": lambda r: why_lines(r, rules, lang),
        "earlier": lambda r: earlier_text(r, lang),
        "days": lambda n: days_text(n, t),
        "stamp": lambda s: (s or "")[:16].replace("T", " "),
        **context,
    }
    response = web.templates.TemplateResponse(request, name, ctx, status_code=status_code)
    if session.get("new"):
        session.pop("new")
        save_session(web, request, response, session)
    return response


def why_lines(r: rank_mod.Ranked, rules: Rules, lang: str) -> list[str]:
    """rank's reasons in the page's language: each theme with the words that matched, the
    municipality's own keywords, the factors of the priority and their notes (rank.Ranked.reasons,
    worded by show_text.note_text; notes that repeat a line above are left out)."""
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
    lines += [
        f"{t['evidence']}: {evidence_line(e, lang)}" for e in (r.eligibility_evidence or [])[:2]
    ]
    # the themes and mentioned words are the first lines already, the eligibility note's
    # evidence the lines just above
    lines += [note_text(x, lang) for x in r.reasons if getattr(x, "key", "") not in _SHOWN_ABOVE]
    return lines


_SHOWN_ABOVE = frozenset({"eligibility", "theme", "theme_only", "mentions"})


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


def days_text(n: int | None, t: dict) -> str:
    if n is None:
        return ""
    if n == 0:
        return t["today"]
    return t["days_left"].format(n=n) if n > 0 else t["days_ago"].format(n=-n)


def safe_next(value: str | None) -> str:
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


def login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)


def current_user(web: Web, db: Database, session: dict) -> auth.User | None:
    name = session.get("u")
    return auth.get_user(db, name) if isinstance(name, str) else None


def page(handler: Any) -> Any:
    """A page that needs a signed-in user: opens the database, loads session and user, and
    sends anyone else to /login."""

    def endpoint(request: Request) -> Response:
        web: Web = request.app.state.web
        session = get_session(web, request)
        with web.db() as db:
            user = current_user(web, db, session)
            if user is None:
                return login_redirect(request)
            return handler(web, request, db, session, user)

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint


def profile_for(web: Web, kommun: str) -> Profile:
    """The profile a URL's kommun names: its id, name or an alias (no guessing: a typo is a
    404)."""
    key = fold(kommun)
    for profile_id, p in web.rules.profiles.items():
        if key in {fold(x) for x in (profile_id, p.name, *p.aliases)}:
            return p
    raise HTTPException(404)
