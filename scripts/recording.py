"""One routine for the scripts that build replay folders (build_offline_recordings.py,
build_gdp_recording.py): run the real fetch pipeline with --record against a transport that
answers from files, so a recording is exactly what callwatch itself would have saved."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from callwatch import store  # noqa: E402
from callwatch.fetch import FetchOptions, SourceReport, run_fetch  # noqa: E402
from callwatch.http import HttpConfig  # noqa: E402
from callwatch.sources import SourceSpec  # noqa: E402


@contextmanager
def record(
    specs: list[SourceSpec],
    answer: Callable[[httpx.Request], httpx.Response],
    now: datetime,
) -> Iterator[tuple[Path, list[SourceReport]]]:
    """Fetch `specs` through `answer` into a temporary recording; yields (its folder, the
    reports). The folder is removed afterwards: copy what you keep."""
    with tempfile.TemporaryDirectory() as tmp:
        db = store.open_db(Path(tmp) / "build.db")
        staging = Path(tmp) / "rec"
        options = FetchOptions(
            mode="live",
            record_dir=staging,
            transport=httpx.MockTransport(answer),
            http=HttpConfig(delay=0, retries=0),
        )
        yield staging, run_fetch(db, specs, options, now=now)
