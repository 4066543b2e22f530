"""The web app's pages (GET, signed in): the network overview, a municipality's page and a
call's page. Each gathers its data through views.py and renders one template."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from callwatch import clock, decisions, dedupe, recurring, store
from callwatch import rank as rank_mod
from callwatch import report as report_mod
from callwatch.errors import NotFoundError
from callwatch.priority import THEME_SHOWN
from callwatch.web import auth
from callwatch.web.render import page, page_lang, profile_for, render
from callwatch.web.text import TEXT
from callwatch.web.views import (
    PAGE_SIZE,
    STATUS_FILTERS,
    WEEK,
    fact_columns,
    fact_rows,
    filters_from,
    kommun_data,
    network_data,
    own_lists,
)

if TYPE_CHECKING:  # annotations only: app.py imports this module
    from callwatch.web.app import Web


@page
def network(web: Web, request: Request, db: Any, session: dict, user: auth.User) -> Response:
    """/: what each municipality decided this week, joint candidates, closing soon."""
    lang = page_lang(session)
    today = clock.today()
    joint, soon = web.cached(db, ("network", lang), lambda: network_data(web, db, today, lang))
    since = (today - timedelta(days=WEEK)).isoformat()
    recent = [d for d in decisions.current(db) if (d.get("created") or "")[:10] >= since]
    recent.sort(key=lambda d: d.get("created") or "", reverse=True)
    by_profile: dict[str, list[dict]] = {}
    for d in recent:
        by_profile.setdefault(d["kommun"], []).append(d)
    return render(
        web, request, "network.html", session, user,
        {"joint": joint[0], "joint_more": joint[1], "decided": by_profile, "soon": soon, "today": today,
         "closing_days": report_mod.CLOSING_DAYS},
    )  # fmt: skip


@page
def kommun(web: Web, request: Request, db: Any, session: dict, user: auth.User) -> Response:
    """/kommun/<id>: to decide, our engage and watch lists, the ranked calls with filters."""
    rules = web.rules
    profile = profile_for(web, request.path_params["kommun"])
    today = clock.today()
    f = filters_from(request)
    ranked, more, to_decide = kommun_data(web, db, profile, today, f)
    return render(
        web, request, "kommun.html", session, user,
        {"profile": profile, "ranked": ranked, "more": more, "filters": f,
         "to_decide": to_decide, "lists": own_lists(db, profile.id, today),
         "themes": list(rules.themes.values()), "funders": web.funders(db),
         "statuses": STATUS_FILTERS, "page_size": PAGE_SIZE, "today": today,
         "closing_days": report_mod.CLOSING_DAYS, "theme_shown": THEME_SHOWN},
    )  # fmt: skip


@page
def call_page(web: Web, request: Request, db: Any, session: dict, user: auth.User) -> Response:
    """/call/<id>: facts, deadlines, budget, eligibility, listings, rounds, history, decisions."""
    rules, t = web.rules, TEXT[page_lang(session)]
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
    return render(
        web, request, "call.html", session, user,
        {"call": call, "facts": fact_rows(call), "fact_columns": fact_columns(call, t),
         "deadlines": call.get("deadlines") or [], "also": dedupe.also_listed(db, cid),
         "rounds": [r for r in recurring.rounds(db, cid) if r.id != cid],
         "changes": store.call_history(db, cid), "history": history,
         "current": sorted(current.values(), key=lambda d: d["kommun"]), "mine": mine,
         "profile": profile, "statuses": decisions.STATUSES,
         "own": current.get(user.kommun), "saved": request.query_params.get("saved") == "1",
         "call_status": t.get(f"st_{status}", status), "stale": bool(call.get("stale"))},
    )  # fmt: skip
