"""Rebuild tests/fixtures/gdp/recording/: a replay folder of the real Formas and Forte GDP
records, made by running the real fetch pipeline with --record against a transport that answers
each agency's `utlysningar` request with its real file (tests/fixtures/gdp/PROVENANCE.md):

    python scripts/build_gdp_recording.py
"""

from __future__ import annotations

import os
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from recording import record  # noqa: E402

from callwatch import sources  # noqa: E402
from callwatch.fetch import REPLAY_KEY  # noqa: E402

GDP = ROOT / "tests" / "fixtures" / "gdp"
SNAPSHOT = datetime(2026, 1, 9, 12, 0, tzinfo=UTC)  # when the real records were read


def answer(request: httpx.Request) -> httpx.Response:
    host = request.url.host
    name = {"api.formas.se": "formas", "api.forte.se": "forte"}.get(host)
    if name is None:
        raise httpx.ConnectError("no fixture for this request", request=request)
    body = (GDP / f"{name}_utlysningar.json").read_bytes()
    return httpx.Response(200, content=body, headers={"content-type": "application/json"})


def main() -> None:
    out = GDP / "recording"
    for env in ("CALLWATCH_FORMAS_KEY", "CALLWATCH_FORTE_KEY"):
        os.environ[env] = REPLAY_KEY  # redacted in the recording, as on replay
    specs = [s for s in sources.load_all(ROOT / "sources") if s.id in ("formas", "forte")]
    with record(specs, answer, SNAPSHOT) as (staging, reports):
        for r in reports:
            print(f"{r.source}: {r.status} seen={r.seen} skipped={r.skipped}")
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(staging, out)
    print(f"recording written to {out}")


if __name__ == "__main__":
    main()
