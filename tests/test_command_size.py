"""The CLI stays a skin over the library (issue #13): the median command, its body plus the
library function it delegates to, is at most 15 lines, and the CLI's modules stay small."""

import importlib.util
import statistics

from tests.conftest import ROOT


def _command_size():
    spec = importlib.util.spec_from_file_location(
        "command_size", ROOT / "scripts" / "command_size.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_median_command_is_at_most_15_lines_and_every_command_delegates():
    rows = _command_size().measure()
    assert statistics.median(r["total"] for r in rows) <= 15
    for r in rows:  # one library call each (sources' callback returns early for subcommands)
        assert len(r["delegates"]) == 1, r


def test_cli_modules_are_small():
    for path in (ROOT / "callwatch" / "cli").glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 450, path
