"""The table-ownership rule (callwatch/store/__init__.py) and "source kinds only in adapters",
checked on the source text: every SQL statement lives with an owner of a table it names, and
only a table's owner writes it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import callwatch
from callwatch import sources

PACKAGE = Path(callwatch.__file__).parent

# A table's owner, or its owners: score_reads holds the score tables' read queries (scoring.py
# writes them), a second owner so that scoring.py stays under the module size limit.
OWNERS: dict[str, str | tuple[str, ...]] = {
    "calls": "store", "call_history": "store", "calls_fts": "store", "runs": "store",
    "meta": "store", "raw_responses": "archive", "fetch_log": "archive", "http_cache": "archive",
    "link_keys": "linking", "link_exact": "linking", "link_days": "linking",
    "link_words": "linking", "link_df": "linking", "link_pairs": "linking",
    "merged_calls": "merge", "decisions": "decisions", "decisions_current": "decisions",
    "call_scores": ("scoring", "score_reads"), "theme_scores": ("scoring", "score_reads"),
    "profile_scores": ("scoring", "score_reads"),
    "reports": "report_data", "users": "web.auth",
}  # fmt: skip

# SQL still outside its owner (empty: every statement lives with an owner of its tables). The
# set may only shrink: a new entry is a new violation.
KNOWN: set[tuple[str, str]] = set()

_SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|PRAGMA table_info)\b", re.I)
_NAMES = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|table_info\()\s*(\w+)", re.I)
_WRITES = re.compile(r"\b(?:INSERT(?: OR \w+)? INTO|UPDATE|DELETE FROM)\s+(\w+)", re.I)


def _module(path: Path) -> str:
    name = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    name = name.removesuffix(".__init__")
    return "store" if name.startswith("store") else name


def _statements() -> list[tuple[str, str]]:
    """(module, SQL text) of every string constant in callwatch/ that starts like SQL."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module(path)
        if module == "migrations" or module.startswith("recordings"):
            continue  # the schema is migrations.py's
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = None
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            elif isinstance(node, ast.JoinedStr):  # an f-string: its literal parts, "?" between
                text = "".join(v.value if isinstance(v, ast.Constant) else "?" for v in node.values)
            if text and _SQL.match(text):
                out.append((module, text))
    return out


def _owns(module: str, table: str) -> bool:
    owner = OWNERS[table]
    return module in owner if isinstance(owner, tuple) else module == owner


def _writer(table: str) -> str:
    """The one module that writes a table: its first owner."""
    owner = OWNERS[table]
    return owner[0] if isinstance(owner, tuple) else owner


def _violations() -> set[tuple[str, str]]:
    found = set()
    for module, sql in _statements():
        tables = {t for t in _NAMES.findall(sql) if t in OWNERS}
        writes = {t for t in _WRITES.findall(sql) if t in OWNERS}
        owned = {t for t in tables if _owns(module, t)}
        if tables and not owned:  # a statement on tables none of which the module owns
            found |= {(module, t) for t in tables}
        found |= {(module, t) for t in writes if _writer(t) != module}  # writing another's
    return found


def test_sql_lives_with_the_owner_of_its_tables() -> None:
    assert _statements(), "the scan found no SQL at all"
    new = _violations() - KNOWN
    assert not new, f"SQL outside the tables' owners (move it into the owner): {sorted(new)}"


def test_source_kinds_are_named_only_in_adapters_and_the_registry() -> None:
    """No core module compares a spec's kind with a kind name: adapters carry their own
    knowledge (STATUS_FROM_SOURCE, light_spec, series_key); sources.KINDS is the one list."""
    kinds = "|".join(re.escape(k) for k in sources.KINDS)
    pattern = re.compile(rf"kind\s*(?:==|!=|in)\s*[({{\[]?\s*[\"'](?:{kinds})[\"']")
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module(path)
        if module.startswith("recordings") or module == "sources":
            continue
        if module.startswith("adapters."):
            continue  # an adapter module knows its own kind
        text = path.read_text(encoding="utf-8")
        assert not pattern.search(text), f"{path.name} names a source kind"
        for kind in sources.KINDS:
            if kind != "html":  # "html" is also an output format's name
                assert not re.search(rf"[\"']{re.escape(kind)}[\"']", text), (
                    f"{path.name} names the kind {kind!r}"
                )
