"""The README documents every command, and every command explains itself."""

import re

import typer.main

from callwatch.cli import app
from tests.conftest import ROOT


def commands():
    group = typer.main.get_command(app)
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
    cmd = re.search(r"<!-- test-command -->\n```sh\n(.+)\n```", readme).group(1)
    assert "pytest" in cmd
