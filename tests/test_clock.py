"""The suite runs on one frozen clock (conftest.NOW through CALLWATCH_NOW); these tests check
that the clock is honoured and that no test depends on the day it runs."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest

from callwatch import clock
from callwatch.errors import CallwatchError
from tests.conftest import NOW, ROOT

# the tests whose results depend on dates: status, deadlines, reports, exports, replays
DATE_SENSITIVE = [
    "tests/test_cli.py",
    "tests/test_fetch.py",
    "tests/test_rank.py",
    "tests/test_report.py",
    "tests/test_decisions.py",
    "tests/test_vinnova.py",
    "tests/test_sedia.py",
    "tests/test_facts.py",
]


def test_frozen_clock_is_the_suite_clock():
    assert clock.now() == NOW
    assert clock.today() == date(2026, 11, 27)


def test_clock_accepts_a_date_and_refuses_garbage(monkeypatch):
    monkeypatch.setenv("CALLWATCH_NOW", "2030-01-02")
    assert clock.now() == datetime(2030, 1, 2, tzinfo=UTC)
    monkeypatch.setenv("CALLWATCH_NOW", "soon")
    with pytest.raises(CallwatchError, match="CALLWATCH_NOW"):
        clock.now()


def test_unset_clock_is_the_wall_clock(monkeypatch):
    monkeypatch.delenv("CALLWATCH_NOW")
    assert abs((clock.now() - datetime.now(UTC)).total_seconds()) < 5


@pytest.mark.slow
def test_date_sensitive_tests_pass_a_year_ahead():
    """Run the date-sensitive tests again with the machine's wall clock a year ahead."""
    env = {**os.environ, "CALLWATCH_TEST_SHIFT_DAYS": "365"}
    env.pop("CALLWATCH_NOW", None)
    r = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *DATE_SENSITIVE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
