"""The web app's forms and plain endpoints: sign in and out, a decision, the language switch,
/healthz, and the error page. Every form that changes something checks the CSRF token."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from callwatch import clock, decisions, migrations, store
from callwatch.errors import CallwatchError, NotFoundError
from callwatch.web import auth
from callwatch.web.render import (
    current_user,
    get_session,
    page_lang,
    render,
    safe_next,
    save_session,
)
from callwatch.web.text import TEXT

if TYPE_CHECKING:  # annotations only: app.py imports this module
    from callwatch.web.app import Web

MAX_REASON, MAX_NOTE = 300, 4000


def forbidden(web: Web, request: Request, session: dict, user: Any, key: str) -> Response:
    return render(web, request, "error.html", session, user, {"message_key": key}, 403)


async def login(request: Request) -> Response:
    web: Web = request.app.state.web
    session = get_session(web, request)
    nxt = safe_next(request.query_params.get("next"))
    if request.method == "GET":
        return render(web, request, "login.html", session, None, {"next": nxt, "error": False})
    form = await request.form(max_files=0, max_fields=10)
    if not auth.csrf_ok(session, form.get("csrf_token")):
        return forbidden(web, request, session, None, "forbidden_csrf")
    name = str(form.get("username") or "")[:128]
    password = str(form.get("password") or "")
    nxt = safe_next(str(form.get("next") or nxt))
    client = request.client.host if request.client else "?"
    keys = (f"ip:{client}", f"user:{name.strip().lower()}")

    def check() -> auth.User | None:
        with web.db() as db:
            return auth.verify(db, name, password)

    user = await run_in_threadpool(check)
    if user is None:
        web.throttle.failed(*keys)
        await _sleep(web.throttle.delay(*keys))
        return render(
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
    fresh.update(u=user.name, lang=page_lang(session))
    return save_session(web, request, RedirectResponse(nxt, status_code=303), fresh)


async def _sleep(seconds: float) -> None:
    import asyncio

    if seconds > 0:
        await asyncio.sleep(seconds)


async def logout(request: Request) -> Response:
    web: Web = request.app.state.web
    session = get_session(web, request)
    if request.method == "GET":
        with web.db() as db:
            user = current_user(web, db, session)
        if user is None:
            return RedirectResponse("/login", status_code=303)
        return render(web, request, "logout.html", session, user, {})
    form = await request.form(max_files=0, max_fields=10)
    if not auth.csrf_ok(session, form.get("csrf_token")):
        return forbidden(web, request, session, None, "forbidden_csrf")
    fresh = web.sessions.load(None)
    fresh.pop("new")
    fresh["lang"] = page_lang(session)
    return save_session(web, request, RedirectResponse("/login", status_code=303), fresh)


async def decide(request: Request) -> Response:
    """POST /decide: one decision for the signed-in user's municipality, written by
    decisions.mark (the same append-only table as `callwatch mark`, by = the user)."""
    web: Web = request.app.state.web
    session = get_session(web, request)
    form = await request.form(max_files=0, max_fields=20)
    with web.db() as db:
        user = current_user(web, db, session)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    if not auth.csrf_ok(session, form.get("csrf_token")):
        return forbidden(web, request, session, user, "forbidden_csrf")
    if str(form.get("kommun") or "") != user.kommun:
        return forbidden(web, request, session, user, "forbidden_kommun")
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
    session = dict(get_session(web, request))
    code = request.path_params["code"]
    if code in TEXT:
        session["lang"] = code
    session.pop("new", None)
    target = safe_next(request.query_params.get("next"))
    return save_session(web, request, RedirectResponse(target, status_code=303), session)


def healthz(request: Request) -> Response:
    """No login: for the reverse proxy and monitoring. Answers 503 if the database is unusable."""
    web: Web = request.app.state.web
    try:
        with web.db() as db:
            n = store.call_count(db)
    except CallwatchError as e:
        return JSONResponse({"status": "error", "error": str(e)}, status_code=503)
    return JSONResponse({"status": "ok", "calls": n, "schema": migrations.SCHEMA_VERSION})


def favicon(request: Request) -> Response:
    return Response(status_code=204)


async def not_found(request: Request, exc: Exception) -> Response:
    web: Web = request.app.state.web
    code = getattr(exc, "status_code", 500)
    session = get_session(web, request)
    if code != 404:
        return PlainTextResponse(str(getattr(exc, "detail", "error")), status_code=code)
    with web.db() as db:
        user = current_user(web, db, session)
    return render(web, request, "error.html", session, user, {"message_key": "not_found"}, 404)
