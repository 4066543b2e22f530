"""The small writing use cases: a municipality's decision on a call, restoring a decisions
backup, the web app's accounts, and serving the web app."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from callwatch import clock, shortid, store
from callwatch.errors import CallwatchError

if TYPE_CHECKING:
    from callwatch.decisions import Decision
    from callwatch.rules import Profile
    from callwatch.workspace import Workspace


@dataclass
class Marked:
    profile: Profile
    decision: Decision
    call_id: str
    title: str


def mark(
    ws: Workspace, call_id: str, kommun: str, status: str, reason: str, note: str, by: str
) -> Marked:
    """Record a decision (append-only: every change is kept)."""
    from callwatch import decisions

    profile = ws.rules().profile(kommun)
    db = ws.db()
    cid = shortid.resolve(db, call_id)
    d = decisions.mark(
        db, cid, profile.id, status, reason=reason, note=note, by=by, now=clock.now()
    )
    return Marked(profile, d, cid, store.get_call(db, cid)["title"])


def import_decisions(ws: Workspace, file: Path) -> dict[str, int]:
    """Restore a decisions backup (the JSON of `callwatch decisions`); decisions already in
    the database are kept. Municipalities are checked when the rules load."""
    from callwatch import decisions

    try:
        rows = json.loads(Path(file).read_text(encoding="utf-8"))
    except OSError as e:
        raise CallwatchError(f"{file}: cannot read ({e.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CallwatchError(f"{file}: not JSON ({e})") from None
    try:
        known = set(ws.rules().profiles)
    except CallwatchError:
        known = set()
    return decisions.import_rows(ws.db(create=True), rows, str(file), known)


# ---------------------------------------------------------------------------------------------
# The web app and its accounts (callwatch/web/)


def web_module(name: str) -> Any:
    """callwatch.web.<name>, or a one-line error saying how to install the web extra."""
    import importlib

    try:
        return importlib.import_module(f"callwatch.web.{name}")
    except ImportError as e:
        raise CallwatchError(
            f"this command needs the web extra ({e.name} is missing): pip install 'callwatch[web]'"
        ) from None


def add_user(
    ws: Workspace, name: str, kommun: str, password: Callable[[], str]
) -> tuple[Any, Profile]:
    """Add a user (or set a new password); the password is asked for only once the name and
    municipality are known to be good."""
    auth = web_module("auth")
    profile = ws.rules().profile(kommun)
    auth.check_name(name)
    return auth.add_user(ws.db(create=True), name, profile.id, password()), profile


def users(ws: Workspace) -> list[dict]:
    """Every account: name, municipality, created, last sign-in."""
    return [u.__dict__ for u in web_module("auth").list_users(ws.db())]


def remove_user(ws: Workspace, name: str) -> None:
    """Remove an account; its decisions stay in the history."""
    web_module("auth").remove_user(ws.db(), name)


def serve(ws: Workspace, host: str, port: int, warn: Callable[[str], None]) -> None:
    """Run the web app until interrupted."""
    web = web_module("app")
    import uvicorn

    db = ws.db()
    if not web_module("auth").list_users(db):
        warn("warning: no users yet; add one with `callwatch users add NAME --kommun KOMMUN`")
    db.conn.close()
    app = web.create_app(ws.db_file, ws.rules())
    # proxy_headers: behind a local reverse proxy the client address and https come from it
    uvicorn.run(app, host=host, port=port, proxy_headers=True, log_level="info")
