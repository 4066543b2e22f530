from __future__ import annotations

from datetime import UTC, datetime
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


@pytest.fixture(autouse=True)
def _isolate_env(monkeypatch, tmp_path):
    """Tests never see the user's database or configuration."""
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
    """Compare text with tests/golden/<name>; --update-golden rewrites the file instead."""

    def check(name: str, text: str) -> None:
        path = ROOT / "tests" / "golden" / name
        if request.config.getoption("--update-golden") or not path.exists():
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert text == path.read_text(encoding="utf-8"), (
            f"{name} differs; run pytest --update-golden and review the diff"
        )

    return check
