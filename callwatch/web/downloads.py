"""The web app's downloads: a municipality's report (md, html) and export (ics, csv), the same
files `callwatch report` and `callwatch export` write."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from callwatch import clock, publish
from callwatch import report as report_mod
from callwatch.web import auth
from callwatch.web.render import page, page_lang, profile_for

if TYPE_CHECKING:  # annotations only: app.py imports this module
    from callwatch.web.app import Web

# the downloadable HTML report carries its own inline stylesheet and no script
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'"
)


DOWNLOADS = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


@page
def download(web: Web, request: Request, db: Any, session: dict, user: auth.User) -> Response:
    """/kommun/<id>/report.md|html|ics|csv: what `callwatch report` and `export` write."""
    profile = profile_for(web, request.path_params["kommun"])
    ext = request.path_params["ext"]
    if ext not in DOWNLOADS:
        raise HTTPException(404)
    today = clock.today()
    lang = request.query_params.get("lang") or page_lang(session)
    lang = lang if lang in report_mod.TEXT else "sv"
    if ext in ("md", "html"):
        body: str | bytes = publish.build_report(db, web.rules, profile, today, None, lang, ext)
    else:
        body = publish.build_export(db, web.rules, ext, profile, None, today)
    headers = {"Content-Disposition": f'{"inline" if ext == "html" else "attachment"}; '
               f'filename="callwatch-{profile.id}-{today.isoformat()}.{ext}"'}  # fmt: skip
    if ext == "html":
        headers["Content-Security-Policy"] = REPORT_CSP
    return Response(body, media_type=DOWNLOADS[ext], headers=headers)
