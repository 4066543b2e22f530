"""The command line: thin commands that parse options, make one library call, render its
result, and turn its errors into one line.

Every command has an Example block and every option a help text (tests/test_docs.py checks);
usage errors are one line on stderr with exit code 2, like every other error. The commands live
in modules by topic and are registered below in the order `callwatch --help` lists them. This
package imports nothing heavy: each command imports the library when it runs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from typer import Abort
from typer.core import TyperGroup

try:  # typer >= 0.2x carries its own copy of click
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
except ImportError:  # pragma: no cover - older typer uses click itself
    from click.exceptions import (  # type: ignore[assignment]
        ClickException,
        NoArgsIsHelpError,
        UsageError,
    )

from callwatch.cli import admin, calls, decisions, fetching, ranking, reports
from callwatch.workspace import Workspace


class OneLineErrors(TyperGroup):
    """Click prints usage errors as a usage block (or a framed box); callwatch promises one
    line on stderr: 'Error: <what> (see: callwatch <command> --help)', exit code 2."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[misc]
        try:
            rv = super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[misc]
        except NoArgsIsHelpError as e:  # bare `callwatch`: the help, not an error
            typer.echo(e.ctx.get_help() if e.ctx else "")
            sys.exit(0)
        except UsageError as e:
            where = e.ctx.command_path if e.ctx else "callwatch"
            msg = " ".join(e.format_message().split())
            typer.echo(f"Error: {msg} (see: {where} --help)", err=True)
            sys.exit(2)
        except ClickException as e:
            typer.echo(f"Error: {' '.join(e.format_message().split())}", err=True)
            sys.exit(e.exit_code)
        except Abort:
            typer.echo("Aborted.", err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


app = typer.Typer(
    cls=OneLineErrors,
    rich_markup_mode=None,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Track research and innovation funding calls for Swedish municipalities.",
)
sources_app = typer.Typer(cls=TyperGroup, no_args_is_help=False)  # help: fetching.sources
rules_app = typer.Typer(
    help="Check the theme, eligibility and municipality rules.\n\n\b\nExample:\n  callwatch rules check"
)
users_app = typer.Typer(no_args_is_help=True, help="Accounts for `callwatch serve`.")


def main() -> None:
    """The console script `callwatch`."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        sys.exit(130)


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar="CALLWATCH_DB",
            metavar="FILE",
            help="SQLite database (default: callwatch.db in the user data folder).",
        ),
    ] = None,
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources",
            envvar="CALLWATCH_SOURCES",
            metavar="FOLDER",
            help="Folder of source files (default: sources/).",
        ),
    ] = None,
    rules: Annotated[
        Path | None,
        typer.Option(
            "--rules",
            envvar="CALLWATCH_RULES",
            metavar="FOLDER",
            help="Folder of rules: themes, eligibility, municipalities (default: rules/).",
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            envvar="CALLWATCH_LANG",
            metavar="LANG",
            help="Language of everything printed: en or sv (default en; reports sv).",
        ),
    ] = None,
) -> None:
    """Track research and innovation funding calls for Swedish municipalities.

    \b
    Example:
      callwatch fetch --offline
      callwatch rank --kommun Umeå
      callwatch --lang sv report --kommun Umeå --out umea.md
    """  # fmt: skip
    if lang is not None and lang not in ("sv", "en"):
        raise typer.BadParameter(f"unknown language {lang!r}; use sv or en", param_hint="--lang")
    ctx.obj = Workspace(db, sources, rules, lang)  # what every command reads its options from


# Every command in the order `callwatch --help` lists them (name: None = the function's name).
COMMANDS: list[tuple[Callable[..., None], str | None]] = [
    (fetching.fetch, None),
    (calls.calls, None),
    (calls.show, None),
    (fetching.parse, None),
    (ranking.rank, None),
    (ranking.explain, None),
    (calls.extract, None),
    (calls.add, None),
    (calls.import_, "import"),
    (reports.report, None),
    (reports.export, None),
    (decisions.mark, None),
    (decisions.decisions, None),
    (decisions.import_decisions, "import-decisions"),
    (ranking.watch, None),
    (admin.serve, None),
]
for command, name in COMMANDS:
    app.command(name)(command)

sources_app.callback(invoke_without_command=True)(fetching.sources)
sources_app.command("check")(fetching.sources_check)
rules_app.command("check")(admin.rules_check)
users_app.command("add")(admin.users_add)
users_app.command("list")(admin.users_list)
users_app.command("remove")(admin.users_remove)
app.add_typer(sources_app, name="sources")
app.add_typer(rules_app, name="rules")
app.add_typer(users_app, name="users")
