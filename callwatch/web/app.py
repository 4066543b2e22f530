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

This module is the app itself: its shared state (Web: database, rules, sessions, page cache),
the security headers and the routes. The handlers are in pages.py (pages), forms.py (sign in
and out, decisions, language, health) and downloads.py (reports and exports); what a page shows
is computed in views.py; render.py holds the session, language and template plumbing.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from callwatch import clock, decisions, priority, scoring, store
from callwatch.report import safe_url
from callwatch.rules import Rules
from callwatch.web import auth, forms, pages, views
from callwatch.web.downloads import download

if TYPE_CHECKING:
    from callwatch.store.db import Database

HERE = Path(__file__).resolve().parent
log = logging.getLogger("callwatch.web")
MAX_BODY = 256 * 1024  # a decision form is a few kilobytes
CACHE_SIZE = 64  # computed pages (ranking, network) kept per process
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


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
            safe_url=safe_url,
            money=priority.format_money,
            call_href=lambda cid: "/call/" + quote(str(cid), safe=""),
        )
        self._funders: tuple[str | None, list[str]] = (None, [])
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.stopping = threading.Event()

    @contextmanager
    def db(self) -> Iterator[Any]:  # a store.Database, shaped like sqlite_utils'
        db = store.open_db(self.db_path)
        try:
            yield db
        finally:
            db.conn.close()

    def version(self, db: Database) -> tuple:
        """The state of the data a page depends on: calls, scores and decisions."""
        return (
            store.get_meta(db, "data_version"),
            store.get_meta(db, "scored_version"),
            decisions.last_id(db),
        )

    def cached(self, db: Database, key: tuple, compute: Any) -> Any:
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
                views.kommun_data(self, db, profile, today, views.Filters())
            self.cached(db, ("network", "sv"), lambda: views.network_data(self, db, today, "sv"))
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

    def funders(self, db: Database) -> list[str]:
        version = store.get_meta(db, "data_version")
        if self._funders[0] != version or not self._funders[1]:
            self._funders = (version, store.funders(db))
        return self._funders[1]


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
        Route("/", pages.network),
        Route("/healthz", forms.healthz),
        Route("/favicon.ico", forms.favicon),
        Route("/login", forms.login, methods=["GET", "POST"]),
        Route("/logout", forms.logout, methods=["GET", "POST"]),
        Route("/lang/{code}", forms.set_lang),
        Route("/decide", forms.decide, methods=["POST"]),
        Route("/kommun/{kommun}", pages.kommun),
        Route("/kommun/{kommun}/report.{ext}", download),
        Route("/call/{cid:path}", pages.call_page),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={HTTPException: forms.not_found},
        max_body_size=MAX_BODY,
        lifespan=lifespan,
    )
    app.state.web = web
    return app
