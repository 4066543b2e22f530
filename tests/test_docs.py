"""The README documents every command, and every command explains itself."""

import re
from typing import cast

import click
import typer.main

from callwatch.cli import app
from tests.conftest import ROOT, cli


def commands():
    group = cast(click.Group, typer.main.get_command(app))  # the app has sub-commands
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            if cmd.callback:
                yield name, cmd
            for sub, subcmd in cmd.commands.items():
                yield f"{name} {sub}", subcmd
        else:
            yield name, cmd


def test_every_command_is_in_the_readme_and_has_help():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, cmd in commands():
        assert f"callwatch {name}" in readme, name
        assert (cmd.help or "").strip(), name


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- test-command -->" in readme and "test-command" in ci
    found = re.search(r"<!-- test-command -->\n```sh\n(.+)\n```", readme)
    assert found, "README.md: no test command after <!-- test-command -->"
    cmd = found.group(1)
    assert "pytest" in cmd


def test_every_command_teaches_with_an_example_and_every_option_has_help():

    for name, cmd in commands():
        assert "Example:" in (cmd.help or ""), f"{name}: no Example block"
        for param in cmd.params:
            if param.param_type_name == "option":
                assert (getattr(param, "help", None) or "").strip(), f"{name} {param.opts}"
            else:
                assert (getattr(param, "help", None) or "").strip(), f"{name} {param.name}"
        text = cli(*name.split(), "--help", env={"COLUMNS": "100"}).stdout
        options = text.split("Options:")[-1]
        assert "Example:" in text and "<bool>" not in text and "<str>" not in options, name
        # flags are shown as flags: "--offline  Replay ..." with no value placeholder
        for param in cmd.params:
            if getattr(param, "is_flag", False) and param.opts[-1] != "--help":
                flag = max(param.opts, key=len)
                assert re.search(rf"{re.escape(flag)}\s{{2,}}\S", text), f"{name} {flag}"


def test_usage_errors_are_one_line_on_stderr_with_exit_2():

    for args in (
        ["calls", "--status"],
        ["nosuch"],
        ["rank", "--kommun", "umea", "--limit", "x"],
        ["--lang", "fr", "calls"],
        ["rank", "--kommun", "umea", "--format", "xml"],
        ["mark"],
        ["report", "--kommun", "umea", "--network"],
        ["report", "--kommun", "umea", "--since", "2030-01-01", "--today", "2026-04-10"],
        ["export", "--decimal", ";"],
        ["report", "--kommun", "umea", "--mail-to", "not-an-address"],
    ):
        r = cli(*args)
        assert r.exit_code == 2, (args, r.exit_code, r.output)
        assert r.stdout == "", args
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), (args, r.stderr)
