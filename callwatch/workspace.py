"""Where one run of callwatch finds its data: the database, the sources and rules folders, and
the language of what it prints. The CLI builds one from its global options; the use-case
modules (pipeline, views, publish, importer) take it instead of four loose arguments."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `callwatch --help` imports none of these
    from callwatch.rules import Rules
    from callwatch.sources import SourceSpec
    from callwatch.store.db import Database


@dataclass(frozen=True)
class Workspace:
    """The --db, --sources, --rules and --lang options (None = the default of each)."""

    db_path: Path | None = None
    sources_dir: Path | None = None
    rules_dir: Path | None = None
    lang: str | None = None  # --lang / CALLWATCH_LANG: one language for everything printed

    @property
    def db_file(self) -> Path:
        """The database file: --db, else CALLWATCH_DB, else the user data folder."""
        from callwatch import paths

        return self.db_path or paths.default_db()

    def db(self, *, readonly: bool = False, create: bool = False) -> Database:
        """The database; only commands that add data (fetch, import) may create it, so a
        mistyped --db on any other command is an error, not a new empty database. (A
        store.Database, shaped like the Database the library functions take.)"""
        from typing import cast

        from callwatch import store

        db = store.open_db(self.db_file, readonly=readonly, create=create)
        return cast("Database", db)

    def specs(self) -> list[SourceSpec]:
        from callwatch import paths, sources

        return sources.load_all(paths.sources_dir(self.sources_dir))

    def rules(self) -> Rules:
        from callwatch import paths
        from callwatch import rules as rules_mod

        return rules_mod.load(paths.rules_dir(self.rules_dir))

    def kommun_names(self) -> dict[str, str]:
        """Profile id -> name for display; empty when the rules do not load (a listing of
        stored data never fails on a broken rules file)."""
        from callwatch.errors import CallwatchError

        try:
            return {p.id: p.name for p in self.rules().profiles.values()}
        except CallwatchError:
            return {}
