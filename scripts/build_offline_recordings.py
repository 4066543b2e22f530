"""Rebuild callwatch/recordings/ (the data behind `callwatch fetch --offline`) from the fixture
files, by running the real fetch pipeline with --record against a transport that answers each
request with the fixture meant for it. Run after changing a source's requests or its fixtures:

    python scripts/build_offline_recordings.py
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from recording import record  # noqa: E402

from callwatch import sources  # noqa: E402
from callwatch.fetch import SourceReport  # noqa: E402

FIX = ROOT / "tests" / "fixtures"
# When the recordings were made; date-relative URLs (Vinnova's window) are built from this.
RECORDED_AT = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)


EMPTY_LISTING = b'<!DOCTYPE html><html lang="sv"><body><main><ul></ul></main></body></html>\n'


def web_pages(fixtures: Path) -> dict[str, Path]:
    """Every web fixture page by the URL it answers (each folder's urls.json): a new web
    fixture folder is found without editing this script."""
    pages: dict[str, Path] = {}
    for folder in sorted((fixtures / "web").iterdir()):
        if (folder / "urls.json").exists():
            for page_url, name in json.loads((folder / "urls.json").read_text()).items():
                pages[page_url] = folder / name
    return pages


def answerer(fixtures: Path) -> Callable[[httpx.Request], httpx.Response]:
    """The transport answering each request with the fixture in `fixtures` meant for it."""
    web = web_pages(fixtures)

    def answer(request: httpx.Request) -> httpx.Response:
        return _answer(request, fixtures, web)

    return answer


def _answer(request: httpx.Request, fixtures: Path, web: dict[str, Path]) -> httpx.Response:
    url = str(request.url)
    if "?page=" in url or url.endswith("/riktade-utlysningar/"):
        # CONSTRUCTED: an empty listing (no further cards), so pagination and the second
        # Trafikverket listing end cleanly; see tests/fixtures/web/PROVENANCE.md
        return httpx.Response(
            200, content=EMPTY_LISTING, headers={"content-type": "text/html; charset=utf-8"}
        )
    if url in web:
        return httpx.Response(
            200, content=web[url].read_bytes(), headers={"content-type": "text/html; charset=utf-8"}
        )
    if "algolia.net" in url:
        # the REAL response only: it holds no Swedish call (see tests/fixtures/interreg)
        body = (
            fixtures / "interreg" / "algolia_calls_sudoe_fundhunt_fixture_hit1.json"
        ).read_bytes()
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})
    body = request.content or b""
    if "search-api" in url:
        name = (
            "search_cascade_type8_fundhunt_fixture.json"
            if b'"8"' in body
            else ("search_topics_open_fundhunt_fixture.json")
        )
        return httpx.Response(
            200,
            content=(fixtures / "eu_sedia" / name).read_bytes(),
            headers={"content-type": "application/json"},
        )
    if "data.vinnova.se/api/ansokningsomgangar/" in url:
        return httpx.Response(
            200,
            content=(fixtures / "vinnova" / "ansokningsomgangar_constructed.json").read_bytes(),
            headers={"content-type": "application/json; charset=utf-8"},
        )
    # No real topicDetails response exists here: fail the request so nothing is recorded and
    # the offline fetch keeps the search-result data (a warning, not an error).
    raise httpx.ConnectError("no fixture for this request", request=request)


def build(fixtures: Path, sources_dir: Path, out: Path) -> list[SourceReport]:
    """Record every source in `sources_dir` from the files in `fixtures` into `out` (one folder
    per source, replaced); the tests call it on a copy of the repository."""
    os.environ.setdefault("CALLWATCH_INTERREG_KEY", "not-a-real-key")  # redacted in the recording
    specs = sources.load_all(sources_dir)
    with record(specs, answerer(fixtures), RECORDED_AT) as (staging, reports):
        for folder in staging.iterdir():
            target = out / folder.name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(folder, target)
    return reports


def main() -> None:
    out = ROOT / "callwatch" / "recordings"
    for r in build(FIX, ROOT / "sources", out):
        print(f"{r.source}: {r.status} seen={r.seen} {r.message}")
    print(f"recordings written to {out}")


if __name__ == "__main__":
    main()
