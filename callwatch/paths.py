"""Where callwatch finds its deployment data (sources/, rules/), its shipped recordings and the
default database. Explicit options win, then environment variables, then the working directory,
then the copy next to (or inside) the installed package."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
RECORDINGS_DIR = PACKAGE_DIR / "recordings"


def _find(name: str, explicit: str | Path | None, env: str) -> Path:
    if explicit:
        return Path(explicit)
    if os.environ.get(env):
        return Path(os.environ[env])
    for candidate in (Path.cwd() / name, REPO_DIR / name, PACKAGE_DIR / "_data" / name):
        if candidate.is_dir():
            return candidate
    return Path.cwd() / name


def sources_dir(explicit: str | Path | None = None) -> Path:
    return _find("sources", explicit, "CALLWATCH_SOURCES")


def rules_dir(explicit: str | Path | None = None) -> Path:
    return _find("rules", explicit, "CALLWATCH_RULES")


def default_db() -> Path:
    """$CALLWATCH_DB, else callwatch.db in the user's data directory (platformdirs)."""
    if os.environ.get("CALLWATCH_DB"):
        return Path(os.environ["CALLWATCH_DB"])
    from platformdirs import user_data_dir

    return Path(user_data_dir("callwatch", appauthor=False)) / "callwatch.db"


def keys_file() -> Path:
    """$CALLWATCH_KEYS, else keys.toml in the user's config directory."""
    if os.environ.get("CALLWATCH_KEYS"):
        return Path(os.environ["CALLWATCH_KEYS"])
    from platformdirs import user_config_dir

    return Path(user_config_dir("callwatch", appauthor=False)) / "keys.toml"


def read_keys() -> dict[str, str]:
    """API keys from the keys file (NAME = "key"). The file must be private (chmod 600)."""
    import stat
    import tomllib

    from callwatch.errors import ConfigError

    path = keys_file()
    if not path.exists():
        return {}
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"{path}: readable by other users; run `chmod 600 {path}`")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError) as e:
        raise ConfigError(f"{path}: cannot read keys ({type(e).__name__})") from None
    return {
        k: str(v).lower() if isinstance(v, bool) else str(v)
        for k, v in data.items()
        if isinstance(v, str | int | bool)
    }
