"""Running the deployment: rules check, the web app's users, serve."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from callwatch.cli.common import TableFormat, run, warn
from callwatch.errors import CallwatchError


def rules_check(ctx: typer.Context) -> None:
    """Validate every rules file; errors name the file and key.

    \b
    Example:
      callwatch rules check
    """  # fmt: skip
    from callwatch import notices, views

    with run(ctx) as ws:
        notices.rules_ok(views.rules_summary(ws), ws.lang)


def read_password(name: str) -> str:
    """Prompted twice on a terminal; otherwise one line of stdin (for scripts)."""
    import getpass

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass(f"Password for {name}: ")
    if getpass.getpass("Again: ") != password:
        raise CallwatchError("the passwords differ; nothing was changed")
    return password


def users_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name (sign-in name).")],
    kommun: Annotated[
        str,
        typer.Option("--kommun", "-k", metavar="NAME", help="The municipality they decide for."),
    ],
) -> None:
    """Add a user (or set a new password); the password is read from stdin or prompted.

    Example: callwatch users add anna --kommun Umeå
    """
    from callwatch import actions, notices

    with run(ctx) as ws:
        user, profile = actions.add_user(ws, name, kommun, lambda: read_password(name))
        notices.user_added(user, profile.name, ws.lang)


def users_list(
    ctx: typer.Context,
    fmt: Annotated[
        TableFormat, typer.Option("--format", "-f", help="table (default), json or csv.")
    ] = TableFormat.table,
) -> None:
    """List users: name, municipality, created, last sign-in.

    Example: callwatch users list
    """
    from callwatch import actions, listings

    with run(ctx) as ws:
        listings.users(actions.users(ws), fmt.value)


def users_remove(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="User name.")]
) -> None:
    """Remove a user; their decisions stay in the history.

    Example: callwatch users remove anna
    """
    from callwatch import actions, notices

    with run(ctx) as ws:
        actions.remove_user(ws, name)
        notices.user_removed(name, ws.lang)


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(metavar="ADDRESS", help="Address to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", help="Port to listen on.")] = 8080,
) -> None:
    """Serve the web app for the network's coordinators (needs the `web` extra).

    Example: callwatch serve --port 8080
    """
    from callwatch import actions

    with run(ctx) as ws:
        actions.serve(ws, host, port, warn)
