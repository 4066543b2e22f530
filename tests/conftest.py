from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from callwatch import sources, store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SOURCES = ROOT / "sources"
RULES = ROOT / "rules"
RECORDINGS = ROOT / "callwatch" / "recordings"
# A fixed "now" for tests: after the EU topics' September 2026 deadlines, before the cascade
# calls' 2027 cut-offs.
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.fixture
def specs() -> dict[str, sources.SourceSpec]:
    return {s.id: s for s in sources.load_all(SOURCES)}


@pytest.fixture
def db(tmp_path):
    return store.open_db(tmp_path / "test.db")


@pytest.fixture(scope="session", autouse=True)
def _wall_clock_shift():
    """With CALLWATCH_TEST_SHIFT_DAYS=N the machine's wall clock is moved N days ahead for the
    whole run (time-machine patches datetime, date and time at the C level), which proves that
    no test depends on the day it runs: only callwatch.clock, frozen below, may decide."""
    days = int(os.environ.get("CALLWATCH_TEST_SHIFT_DAYS", "0") or 0)
    if not days:
        yield
        return
    import time_machine

    with time_machine.travel(datetime.now(UTC) + timedelta(days=days), tick=True):
        yield


@pytest.fixture(autouse=True)
def _isolate_env(monkeypatch, tmp_path):
    """Tests never see the user's database or configuration, and all share one frozen clock."""
    monkeypatch.setenv("CALLWATCH_NOW", NOW.isoformat())
    monkeypatch.setenv("CALLWATCH_DB", str(tmp_path / "default.db"))
    monkeypatch.delenv("CALLWATCH_SOURCES", raising=False)
    monkeypatch.delenv("CALLWATCH_RULES", raising=False)
    monkeypatch.chdir(ROOT)


def fixture_bytes(*parts: str) -> bytes:
    return FIXTURES.joinpath(*parts).read_bytes()


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ files")


@pytest.fixture
def golden(request):
    """Compare text with tests/golden/<name>; --update-golden rewrites the file instead. A
    missing golden file fails (it used to be written silently, so the test passed)."""

    def check(name: str, text: str) -> None:
        path = ROOT / "tests" / "golden" / name
        if request.config.getoption("--update-golden"):
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"tests/golden/{name} is missing; run pytest --update-golden"
        assert text == path.read_text(encoding="utf-8"), (
            f"{name} differs; run pytest --update-golden and review the diff"
        )

    return check


@pytest.fixture(scope="session")
def offline_db_once(tmp_path_factory):
    """The offline recordings fetched once per session (a fetch takes a second or two)."""
    from typer.testing import CliRunner

    from callwatch.cli import app

    path = tmp_path_factory.mktemp("offline") / "o.db"
    r = CliRunner().invoke(app, ["--db", str(path), "fetch", "--offline"])
    assert r.exit_code == 0, r.output
    return path


@pytest.fixture
def offline(offline_db_once, tmp_path):
    """A private copy of the offline database (WAL files included)."""
    import shutil

    path = tmp_path / "offline.db"
    for suffix in ("", "-wal", "-shm"):
        src = offline_db_once.with_name(offline_db_once.name + suffix)
        if src.exists():
            shutil.copy(src, f"{path}{suffix}")
    return path
