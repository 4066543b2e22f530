"""How thin is the CLI? Lines per command: the command function in callwatch/cli/ plus the
library function(s) it delegates to, and the median over all commands (issue #13: <= 15).

Method, so the figure can be reproduced and compared:
- The commands are the callbacks registered on the typer app (`callwatch.cli.app`, its
  sub-apps' commands and the `sources` group callback), so nothing is missed or counted twice.
- A function's size is the number of source lines of its body: from the first statement after
  the docstring to the end, leaving out the docstring, blank lines and comment-only lines. The
  signature (the option declarations, parsed by typer) is not counted.
- The delegate is every call `module.function(...)` in the command body on a callwatch module
  imported inside the command, except the renderers (`listings`, `detail`, `notices`,
  `output`) and option parsing (`inputs`), and except classes (request/selection dataclasses,
  progress renderers: names starting with a capital). Its body is counted the same way, one
  level deep (helpers it calls are not added). Renderers are left out as the issue's figure
  is "CLI body plus any delegate".
- It also lists the modules of callwatch/ over MAX_MODULE lines (all lines counted).

    python scripts/command_size.py [--json]
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import json
import statistics
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MAX_MODULE = 450  # lines; issue #13's limit for one module
NOT_DELEGATES = {"listings", "detail", "notices", "output", "inputs"}


def commands() -> Iterator[tuple[str, Callable]]:
    """(command name as typed, its function) for every command of the CLI."""
    from callwatch.cli import app

    for info in app.registered_commands:
        assert info.callback is not None
        yield info.name or info.callback.__name__.replace("_", "-"), info.callback
    for group in app.registered_groups:
        sub = group.typer_instance
        assert sub is not None and group.name is not None
        if sub.registered_callback and sub.registered_callback.callback:
            yield group.name, sub.registered_callback.callback
        for info in sub.registered_commands:
            assert info.callback is not None
            yield f"{group.name} {info.name}", info.callback


def _function(fn: Callable) -> ast.FunctionDef:
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    node = tree.body[0]
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    return node  # type: ignore[return-value]


def body_lines(fn: Callable) -> int:
    """Lines of the body without docstring, blank lines and comment-only lines."""
    node = _function(fn)
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    if not body:
        return 0
    source = textwrap.dedent(inspect.getsource(fn)).splitlines()
    lines: set[int] = set()
    for stmt in body:
        lines.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
    code = [source[n - 1].strip() for n in lines]
    return len([c for c in code if c and not c.startswith("#")])


def delegates(fn: Callable) -> list[tuple[str, Callable]]:
    """The library functions a command calls (see the module docstring for which count)."""
    node = _function(fn)
    imported = {
        alias.asname or alias.name
        for n in ast.walk(node)
        if isinstance(n, ast.ImportFrom) and n.module == "callwatch"
        for alias in n.names
    }
    found: dict[str, Callable] = {}
    for n in ast.walk(node):
        if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)):
            continue
        owner = n.func.value
        if not isinstance(owner, ast.Name) or owner.id not in imported:
            continue
        if owner.id in NOT_DELEGATES or n.func.attr[:1].isupper():
            continue
        module = importlib.import_module(f"callwatch.{owner.id}")
        found[f"{owner.id}.{n.func.attr}"] = getattr(module, n.func.attr)
    return list(found.items())


def measure() -> list[dict]:
    rows = []
    for name, fn in commands():
        own = body_lines(fn)
        used = [(d, body_lines(f)) for d, f in delegates(fn)]
        total = own + sum(n for _, n in used)
        rows.append({"command": name, "cli": own, "delegates": dict(used), "total": total})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    rows = measure()
    median = statistics.median(r["total"] for r in rows)
    if args.json:
        print(json.dumps({"commands": rows, "median": median}, indent=2))
        return
    print(f"{'command':<18} {'cli':>4} {'lib':>4} {'total':>6}  delegate(s)")
    for r in sorted(rows, key=lambda r: r["total"]):
        lib = sum(r["delegates"].values())
        names = ", ".join(f"{d} ({n})" for d, n in r["delegates"].items())
        print(f"{r['command']:<18} {r['cli']:>4} {lib:>4} {r['total']:>6}  {names}")
    print(f"\n{len(rows)} commands; median {median:g} lines (command body + delegate)")
    package = Path(__file__).resolve().parent.parent / "callwatch"
    sizes = {p: len(p.read_text(encoding="utf-8").splitlines()) for p in package.rglob("*.py")}
    big = sorted((n, p.relative_to(package.parent)) for p, n in sizes.items() if n > MAX_MODULE)
    print(
        f"modules over {MAX_MODULE} lines: " + (", ".join(f"{p} ({n})" for n, p in big) or "none")
    )


if __name__ == "__main__":
    main()
