from __future__ import annotations

import functools
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer.testing
from typer.testing import CliRunner, Result

from callwatch import sources, store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SOURCES = ROOT / "sources"
RULES = ROOT / "rules"
RECORDINGS = ROOT / "callwatch" / "recordings"
# A fixed "now" for tests: after the EU topics' September 2026 deadlines, before the cascade
# calls' 2027 cut-offs.
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def source_ids(sources_dir: Path = SOURCES) -> list[str]:
    """Every source in a sources folder (one *.toml each, named by its id). Tests parametrise
    over this, so a new source file is tested without editing a list."""
    return sorted(p.stem for p in sources_dir.glob("*.toml"))


def web_fixture_ids(fixtures_dir: Path = FIXTURES) -> list[str]:
    """Every web fixture folder: tests/fixtures/web/<source id>/ with its urls.json."""
    return sorted(p.parent.name for p in (fixtures_dir / "web").glob("*/urls.json"))


def recorded_ids(recordings_dir: Path = RECORDINGS) -> list[str]:
    """Every source with an offline recording (what `fetch --offline` replays)."""
    return sorted(p.parent.name for p in recordings_dir.glob("*/index.json"))


def profile_ids(rules_dir: Path = RULES) -> list[str]:
    """Every municipality profile (rules/kommuner/<id>.toml): tests count and parametrise over
    these, so a new municipality needs no test edit."""
    return sorted(p.stem for p in (rules_dir / "kommuner").glob("*.toml"))


def theme_ids(rules_dir: Path = RULES) -> list[str]:
    """Every theme (a top-level table in rules/themes.toml)."""
    import tomllib

    return sorted(tomllib.loads((rules_dir / "themes.toml").read_text(encoding="utf-8")))


@pytest.fixture
def specs() -> dict[str, sources.SourceSpec]:
    return {s.id: s for s in sources.load_all(SOURCES)}


@pytest.fixture(scope="session")
def empty_db_once(tmp_path_factory) -> Path:
    """A new database migrated to the current schema (migrating takes a quarter of a second
    here), made once per session; never written to: use `empty_db`."""
    path = tmp_path_factory.mktemp("empty") / "empty.db"
    store.open_db(path).conn.close()
    return path


@pytest.fixture
def empty_db(empty_db_once, tmp_path) -> store.Database:
    """An open connection to a database of the test's own: current schema, no calls."""
    return store.open_db(copy_db(empty_db_once, tmp_path / "test.db"))


_RUNNER = CliRunner()
# Typer's CliRunner builds the click command from the app on every invoke: about 50 ms of
# signature and type-hint work for callwatch's commands, 20 s of the inner loop's CPU over ~400
# invocations. The command object is stateless between invocations, so the suite builds it once.
typer.testing._get_command = functools.cache(typer.testing._get_command)  # type: ignore[attr-defined]


def cli(*args: object, **kw) -> Result:
    """Run the callwatch command line in this process (every argument through str()); the one
    way tests call the CLI. Keyword arguments go to CliRunner.invoke (e.g. input=...)."""
    from callwatch.cli import app

    return _RUNNER.invoke(app, [str(a) for a in args], **kw)


def frozen_env(mp: pytest.MonkeyPatch, tmp: Path) -> None:
    """The environment every test runs in: the frozen clock, an 80-column terminal, no user
    database, keys file, language, API keys or data folders."""
    for var in [v for v in os.environ if v.startswith("CALLWATCH_")]:
        if var != "CALLWATCH_TEST_SHIFT_DAYS":
            mp.delenv(var)
    mp.setenv("CALLWATCH_NOW", NOW.isoformat())
    mp.setenv("CALLWATCH_DB", str(tmp / "default.db"))
    mp.setenv("CALLWATCH_KEYS", str(tmp / "no-keys.toml"))
    mp.setenv("COLUMNS", "80")  # tables wrap the same whatever terminal pytest runs in
    mp.delenv("LINES", raising=False)
    mp.chdir(ROOT)


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
    frozen_env(monkeypatch, tmp_path)


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


def copy_db(src: Path, dst: Path) -> Path:
    """Copy a SQLite database with its WAL files (a private copy a test may write to)."""
    for suffix in ("", "-wal", "-shm"):
        part = src.with_name(src.name + suffix)
        if part.exists():
            shutil.copy(part, f"{dst}{suffix}")
    return dst


@pytest.fixture(scope="session")
def offline_db_once(tmp_path_factory) -> Path:
    """`callwatch fetch --offline` (every shipped recording) run once per session, under the
    same frozen clock and environment as the tests. Never written to: use `offline_db`."""
    folder = tmp_path_factory.mktemp("offline")
    path = folder / "o.db"
    with pytest.MonkeyPatch.context() as mp:
        frozen_env(mp, folder)
        r = cli("--db", path, "fetch", "--offline")
    assert r.exit_code == 0, r.output
    return path


@pytest.fixture
def offline_db(offline_db_once, tmp_path) -> Path:
    """The path of a private copy of the offline database (the shipped recordings, fetched at
    conftest.NOW); the test may change it."""
    return copy_db(offline_db_once, tmp_path / "offline.db")
