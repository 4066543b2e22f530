"""Source definitions: one TOML file per funder in sources/, validated on load.

A source names its `kind`; the kind is the adapter that knows that funder's API or page layout.
Adding a funder that uses an existing kind is one TOML file; a new kind is one adapter module
plus one line in KINDS.
"""

from __future__ import annotations

import importlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from callwatch.clock import TIMEZONE
from callwatch.errors import ConfigError, NotFoundError

# kind -> adapter module (imported lazily so `callwatch --help` stays fast)
KINDS: dict[str, str] = {
    "sedia": "callwatch.adapters.sedia",
    "vinnova-open-data": "callwatch.adapters.vinnova",
    "html": "callwatch.adapters.web",
    "gdp": "callwatch.adapters.gdp",
    "interreg": "callwatch.adapters.interreg",
    "feed": "callwatch.adapters.feed",
}


@dataclass
class SourceSpec:
    id: str
    name: str
    kind: str
    funder: str
    path: Path
    enabled: bool = True
    language: str = ""
    timezone: str = TIMEZONE
    homepage: str = ""
    min_calls: int = 1
    max_calls: int | None = None
    options: dict = field(default_factory=dict)
    api_key_env: str = ""  # environment variable holding the source's API key
    api_key_help: str = ""  # where to get a key, shown when it is missing
    skip_if_env: str = ""  # skip this source when that variable is set (a fallback source)
    min_deadline_share: float = 0.5  # below this share of calls with a deadline: broken
    relists: bool = False  # lists calls issued by others (Viable Cities, SBE): never canonical
    delay: float | None = None  # seconds between requests to this source's hosts ([rate] delay)

    def api_key(self) -> str:
        """The key from the environment, else the keys file, else options.api_key."""
        import os

        if not self.api_key_env:
            return ""
        if os.environ.get(self.api_key_env):
            return os.environ[self.api_key_env]
        from callwatch.paths import read_keys

        return read_keys().get(self.api_key_env) or str(self.options.get("api_key") or "")

    def adapter(self) -> ModuleType:
        return importlib.import_module(KINDS[self.kind])

    @property
    def status_from_source(self) -> bool:
        """Whether the adapter reads each call's status from the funder's own data (the
        adapter's STATUS_FROM_SOURCE), so the facts step takes it as evidence."""
        module = KINDS.get(self.kind)  # (a kind without an adapter says nothing)
        return bool(
            module and getattr(importlib.import_module(module), "STATUS_FROM_SOURCE", False)
        )

    @property
    def scraped(self) -> bool:
        """Whether the adapter reads web pages rather than an API (its SCRAPED), so requests
        honour robots.txt."""
        module = KINDS.get(self.kind)
        return bool(module and getattr(importlib.import_module(module), "SCRAPED", False))


_TOP_KEYS = {
    "id", "name", "kind", "funder", "enabled", "language", "timezone", "homepage", "expect",
    "options", "broken_since", "notes", "api_key_env", "api_key_help", "skip_if_env", "relists", "rate",
}  # fmt: skip


def load_source(path: Path) -> SourceSpec:
    """Read and validate one sources/*.toml file; errors name the file and the key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML ({e})") from None
    except OSError as e:
        raise ConfigError(f"{path}: {e.strerror}") from None
    for key in ("id", "name", "kind", "funder"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise ConfigError(f"{path}: key '{key}' is missing or not a string")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown key '{sorted(unknown)[0]}'")
    if data["kind"] not in KINDS:
        raise ConfigError(
            f"{path}: key 'kind' = {data['kind']!r} is not one of {', '.join(repr(k) for k in sorted(KINDS))}"
        )
    if data["id"] != path.stem:
        raise ConfigError(f"{path}: key 'id' = {data['id']!r} must equal the file name")
    expect = data.get("expect", {})
    if not isinstance(expect, dict):
        raise ConfigError(f"{path}: key 'expect' must be a table")
    share = expect.get("min_deadline_share", 0.5)
    if not isinstance(share, int | float) or not 0 <= share <= 1:
        raise ConfigError(f"{path}: key 'expect.min_deadline_share' must be a number from 0 to 1")
    for k in ("min_calls", "max_calls"):
        if k in expect and (not isinstance(expect[k], int) or expect[k] < 0):
            raise ConfigError(f"{path}: key 'expect.{k}' must be a non-negative integer")
    options = data.get("options", {})
    if not isinstance(options, dict):
        raise ConfigError(f"{path}: key 'options' must be a table")
    spec = SourceSpec(
        id=data["id"],
        name=data["name"],
        kind=data["kind"],
        funder=data["funder"],
        path=path,
        enabled=bool(data.get("enabled", True)),
        language=data.get("language", ""),
        timezone=data.get("timezone", TIMEZONE),
        homepage=data.get("homepage", ""),
        min_calls=expect.get("min_calls", 1),
        max_calls=expect.get("max_calls"),
        options=options,
        api_key_env=str(data.get("api_key_env", "")),
        api_key_help=str(data.get("api_key_help", "")),
        skip_if_env=str(data.get("skip_if_env", "")),
        min_deadline_share=float(expect.get("min_deadline_share", 0.5)),
        relists=bool(data.get("relists", False)),
        delay=_rate(path, data.get("rate")),
    )
    check = getattr(spec.adapter(), "check_options", None)
    if check:
        check(spec)
    return spec


def _rate(path: Path, rate: object) -> float | None:
    if rate is None:
        return None
    if (
        not isinstance(rate, dict)
        or not isinstance(rate.get("delay", 0), int | float)
        or rate.get("delay", 0) < 0
    ):
        raise ConfigError(f"{path}: key 'rate.delay' must be a number of seconds (0 or more)")
    return float(rate["delay"]) if "delay" in rate else None


def load_all(folder: Path) -> list[SourceSpec]:
    if not folder.is_dir():
        raise ConfigError(
            f"{folder}: sources folder not found (use --sources or CALLWATCH_SOURCES)"
        )
    specs = [load_source(p) for p in sorted(folder.glob("*.toml"))]
    if not specs:
        raise ConfigError(f"{folder}: no source files (*.toml)")
    return specs


def select(specs: list[SourceSpec], names: list[str] | None) -> list[SourceSpec]:
    """Enabled sources, or exactly the named ones (even if disabled) when names are given."""
    if not names:
        return [s for s in specs if s.enabled]
    by_id = {s.id: s for s in specs}
    chosen = []
    for n in names:
        if n not in by_id:
            from rapidfuzz import process

            best = process.extractOne(n, list(by_id))
            hint = f"; did you mean {best[0]!r}?" if best and best[1] > 60 else ""
            raise NotFoundError(f"unknown source {n!r}{hint}")
        chosen.append(by_id[n])
    return chosen


def require_option(spec: SourceSpec, key: str, typ: type | tuple[type, ...]) -> object:
    value = spec.options.get(key)
    if not isinstance(value, typ):
        raise ConfigError(f"{spec.path}: key 'options.{key}' is missing or has the wrong type")
    return value
