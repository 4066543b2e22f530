"""rules/: themes, eligibility phrases and municipality profiles, validated on load.

Every error names the file and the key, so a coordinator editing TOML can fix it without reading
Python. `rules_hash` changes whenever any rules file changes; stored scores carry it, so a rules
edit makes callwatch re-score instead of serving stale scores.
"""

from __future__ import annotations

import hashlib
import math
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from callwatch.errors import ConfigError, NotFoundError

THEME_IDS_REQUIRED = (
    "digitalisering", "bostadsbyggande", "social-hallbarhet", "medborgardialog", "mobilitet",
    "klimat", "konsumtion",
)  # fmt: skip


@dataclass
class Theme:
    id: str
    label_sv: str
    label_en: str
    terms: dict[str, float]
    exclude: list[str] = field(default_factory=list)
    # phrases in which the theme's words mean something else ("unga forskare" is a research
    # career, not young people): the words they cover are no evidence for the theme
    other_senses: list[str] = field(default_factory=list)
    # terms that count only as written, never inflected or inside a compound ("train | trains",
    # which stemming would also find in "training")
    literal: list[str] = field(default_factory=list)
    description: str = ""
    scope_in: str = ""
    scope_out: str = ""
    references: list[str] = field(default_factory=list)
    topics: dict[str, dict[str, float]] = field(default_factory=dict)  # sub-topic -> terms

    def label(self, lang: str = "sv") -> str:
        return self.label_sv if lang == "sv" else self.label_en


@dataclass
class Eligibility:
    positive: dict[str, float]
    negative: dict[str, float]
    strong: list[str]
    # phrases that count only as written, never inflected ("regioner" the authorities, not
    # "regional" or "i regionen", a place)
    literal: list[str] = field(default_factory=list)
    # negative phrases that count only where no positive phrase is found: kinds of applicant
    # often listed next to public bodies ("companies, research organisations and public
    # authorities"), which say "not for a municipality" only when nothing says it is
    alone: list[str] = field(default_factory=list)


@dataclass
class Profile:
    id: str
    name: str
    aliases: list[str]
    lan: str
    nuts: str
    weights: dict[str, float]
    keywords: list[str]
    exclude: list[str]
    min_budget_sek: float | None = None


@dataclass
class Rules:
    themes: dict[str, Theme]
    eligibility: Eligibility
    profiles: dict[str, Profile]
    hash: str
    folder: Path

    def profile(self, name: str) -> Profile:
        return find_profile(self, name)

    def theme(self, name: str) -> Theme:
        return find_theme(self, name)


def _load_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML ({e})") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read ({e})") from None


def _terms(path: Path, key: str, value: object) -> dict[str, float]:
    if not isinstance(value, dict) or not value:
        raise ConfigError(f"{path}: key '{key}' must be a non-empty table of \"term\" = weight")
    out: dict[str, float] = {}
    for term, weight in value.items():
        if not isinstance(weight, int | float) or isinstance(weight, bool) or not 0 < weight <= 5:
            raise ConfigError(
                f"{path}: key '{key}.\"{term}\"' must be a number above 0 and at most 5"
            )
        if not term.strip():
            raise ConfigError(f"{path}: key '{key}' has an empty term")
        out[term.strip()] = float(weight)
    return out


def _str_list(path: Path, key: str, value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{path}: key '{key}' must be a list of non-empty strings")
    return [v.strip() for v in value]


def load_themes(path: Path) -> dict[str, Theme]:
    data = _load_toml(path)
    themes: dict[str, Theme] = {}
    for tid, t in data.items():
        if not isinstance(t, dict):
            raise ConfigError(f"{path}: key '{tid}' must be a table")
        label = t.get("label")
        if not isinstance(label, dict) or not all(
            isinstance(label.get(k), str) for k in ("sv", "en")
        ):
            raise ConfigError(f"{path}: key '{tid}.label' needs sv and en strings")
        unknown = set(t) - {
            "label", "terms", "exclude", "other_senses", "literal", "description", "scope",
            "references",
        }  # fmt: skip
        if unknown:
            raise ConfigError(f"{path}: unknown key '{tid}.{sorted(unknown)[0]}'")
        scope = t.get("scope", {})
        if not isinstance(scope, dict) or set(scope) - {"in", "out"}:
            raise ConfigError(f"{path}: key '{tid}.scope' must be a table with 'in' and 'out'")
        for k in ("in", "out"):
            if not isinstance(scope.get(k, ""), str):
                raise ConfigError(f"{path}: key '{tid}.scope.{k}' must be a string")
        topics = _topics(path, tid, t.get("terms"))
        terms: dict[str, float] = {}
        words: dict[str, str] = {}  # each word or phrase belongs to one concept of a theme
        for topic, group in topics.items():
            for term, weight in group.items():
                for alt in (a.strip().casefold() for a in term.split("|")):
                    if alt in words:
                        raise ConfigError(
                            f"{path}: key '{tid}.terms.{topic}.\"{term}\"': '{alt}' is listed "
                            f'twice (also in "{words[alt]}")'
                        )
                    words[alt] = term
                terms[term] = weight
        other_senses = _str_list(path, f"{tid}.other_senses", t.get("other_senses"))
        for phrase in other_senses:
            for alt in (a.strip().casefold() for a in phrase.split("|")):
                if alt in words:
                    raise ConfigError(
                        f"{path}: key '{tid}.other_senses': '{alt}' is also a term "
                        f'("{words[alt]}")'
                    )
        literal = _str_list(path, f"{tid}.literal", t.get("literal"))
        for term in literal:
            if term not in terms:
                raise ConfigError(f"{path}: key '{tid}.literal': '{term}' is not a term of '{tid}'")
        themes[tid] = Theme(
            id=tid,
            label_sv=label["sv"],
            label_en=label["en"],
            terms=terms,
            exclude=_str_list(path, f"{tid}.exclude", t.get("exclude")),
            other_senses=other_senses,
            literal=literal,
            description=str(t.get("description", "")),
            scope_in=scope.get("in", ""),
            scope_out=scope.get("out", ""),
            references=_str_list(path, f"{tid}.references", t.get("references")),
            topics=topics,
        )
    missing = [t for t in THEME_IDS_REQUIRED if t not in themes]
    if missing:
        raise ConfigError(f"{path}: theme '{missing[0]}' is missing")
    return themes


def _topics(path: Path, tid: str, value: object) -> dict[str, dict[str, float]]:
    """A theme's terms: either one table of "term" = weight, or sub-topic tables of them
    (`[klimat.terms.klimatanpassning]`), as a coordinator lists the theme's concerns."""
    if not isinstance(value, dict) or not value:
        raise ConfigError(
            f"{path}: key '{tid}.terms' must be a non-empty table of \"term\" = weight"
        )
    grouped = {k: v for k, v in value.items() if isinstance(v, dict)}
    flat = {k: v for k, v in value.items() if not isinstance(v, dict)}
    topics = {topic: _terms(path, f"{tid}.terms.{topic}", v) for topic, v in grouped.items()}
    if flat:
        topics = {"": _terms(path, f"{tid}.terms", flat), **topics}
    return topics


def load_eligibility(path: Path) -> Eligibility:
    data = _load_toml(path)
    strong = data.get("strong", {})
    if not isinstance(strong, dict):
        raise ConfigError(f"{path}: key 'strong' must be a table with 'phrases'")
    tables = {}
    for key in ("literal", "alone"):
        tables[key] = data.get(key, {})
        if not isinstance(tables[key], dict):
            raise ConfigError(f"{path}: key '{key}' must be a table with 'phrases'")
    out = Eligibility(
        positive=_terms(path, "positive", data.get("positive")),
        negative=_terms(path, "negative", data.get("negative")),
        strong=_str_list(path, "strong.phrases", strong.get("phrases")),
        literal=_str_list(path, "literal.phrases", tables["literal"].get("phrases")),
        alone=_str_list(path, "alone.phrases", tables["alone"].get("phrases")),
    )
    for key, phrases, where, named in (
        ("literal", out.literal, [*out.positive, *out.negative], "'positive' or 'negative'"),
        ("alone", out.alone, list(out.negative), "'negative'"),
    ):
        listed = {t.casefold() for t in where}
        for phrase in phrases:
            if phrase.casefold() not in listed:
                raise ConfigError(
                    f"{path}: key '{key}.phrases': {phrase!r} is not a phrase of {named}"
                )
    strong = {s.casefold() for s in out.strong}
    for phrase in out.alone:
        # a strong phrase decides alone; one that counts only without positive phrases cannot
        if phrase.casefold() in strong:
            raise ConfigError(f"{path}: key 'alone.phrases': {phrase!r} is also in 'strong'")
    return out


PROFILE_KEYS = {
    "name", "aliases", "lan", "nuts", "kommunkod", "themes", "keywords", "exclude", "min_budget_sek",
}  # fmt: skip


def load_profile(path: Path, themes: dict[str, Theme]) -> Profile:
    data = _load_toml(path)
    unknown = set(data) - PROFILE_KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown key '{sorted(unknown)[0]}'")
    for key in ("name", "lan", "nuts"):
        if not isinstance(data.get(key), str):
            raise ConfigError(f"{path}: key '{key}' is missing or not a string")
    if not data["name"].strip():
        raise ConfigError(f"{path}: key 'name' is empty")
    weights = data.get("themes")
    if not isinstance(weights, dict) or not weights:
        raise ConfigError(f"{path}: key 'themes' must be a table of theme = weight")
    for tid, w in weights.items():
        if tid not in themes:
            raise ConfigError(f"{path}: key 'themes.{tid}' is not a theme in themes.toml")
        if not isinstance(w, int | float) or isinstance(w, bool) or not 0 <= w <= 1:
            raise ConfigError(f"{path}: key 'themes.{tid}' must be a number from 0 to 1")
    min_budget = data.get("min_budget_sek")
    if min_budget is not None and (
        not isinstance(min_budget, int | float)
        or isinstance(min_budget, bool)
        or not math.isfinite(min_budget)
        or min_budget < 0
    ):
        raise ConfigError(f"{path}: key 'min_budget_sek' must be a finite non-negative number")
    kw = data.get("keywords", {})
    ex = data.get("exclude", {})
    if not isinstance(kw, dict) or not isinstance(ex, dict):
        raise ConfigError(f"{path}: keys 'keywords' and 'exclude' must be tables with 'terms'")
    for table, value in (("keywords", kw), ("exclude", ex)):
        if set(value) - {"terms"}:
            raise ConfigError(f"{path}: unknown key '{table}.{sorted(set(value) - {'terms'})[0]}'")
    return Profile(
        id=path.stem,
        name=data["name"],
        aliases=_str_list(path, "aliases", data.get("aliases")),
        lan=data["lan"],
        nuts=data["nuts"],
        weights={k: float(v) for k, v in weights.items()},
        keywords=_str_list(path, "keywords.terms", kw.get("terms")),
        exclude=_str_list(path, "exclude.terms", ex.get("terms")),
        min_budget_sek=float(min_budget) if min_budget is not None else None,
    )


# (folder as given, resolved, content hash) -> the rules those bytes make: parsing and validating the TOML is
# the cost of a load, and the same bytes always give the same (never mutated) rules, so a
# process that loads a folder again (the web app, the test suite) pays only for reading it
_LOADED: dict[tuple[str, str, str], Rules] = {}


def _content_hash(folder: Path, profile_files: list[Path]) -> str | None:
    digest = hashlib.sha256()
    try:
        for p in [folder / "themes.toml", folder / "eligibility.toml", *profile_files]:
            digest.update(p.name.encode() + b"\0" + p.read_bytes())
    except OSError:
        return None  # a missing or unreadable file: the loaders below say which, as errors
    return digest.hexdigest()[:16]


def load(folder: Path) -> Rules:
    """Load and validate every rules file; raises ConfigError naming file and key."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError(f"{folder}: rules folder not found (use --rules or CALLWATCH_RULES)")
    profile_files = sorted((folder / "kommuner").glob("*.toml"))
    content = _content_hash(folder, profile_files)
    # the path as given is part of the key: the rules carry it (rules.folder), and a relative
    # path means another folder after a chdir
    key = (str(folder), str(folder.resolve()), content or "")
    if content is not None and key in _LOADED:
        return _LOADED[key]
    themes = load_themes(folder / "themes.toml")
    eligibility = load_eligibility(folder / "eligibility.toml")
    if not profile_files:
        raise ConfigError(f"{folder / 'kommuner'}: no municipality profiles (*.toml)")
    profiles = {p.stem: load_profile(p, themes) for p in profile_files}
    _unique_names(folder / "kommuner", profiles)
    if content is None:  # every loader succeeded, so the files are readable now
        content = _content_hash(folder, profile_files) or ""
    rules = Rules(themes, eligibility, profiles, content, folder)
    _LOADED[(str(folder), str(folder.resolve()), content)] = rules
    return rules


def _unique_names(folder: Path, profiles: dict[str, Profile]) -> None:
    """A name or alias that two profiles share would send a decision to the wrong one."""
    owner: dict[str, str] = {}
    for pid, p in profiles.items():
        for alias in {fold(a) for a in [pid, p.name, *p.aliases]}:
            if alias in owner and owner[alias] != pid:
                raise ConfigError(
                    f"{folder / (pid + '.toml')}: name or alias {alias!r} is also used by "
                    f"{owner[alias]}.toml"
                )
            owner[alias] = pid


def fold(text: str) -> str:
    """Case- and accent-insensitive key: 'Umeå' and 'umea' compare equal."""
    nfkd = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in nfkd if not unicodedata.combining(c)).replace("-", " ").strip()


def _lookup(name: str, candidates: dict[str, str], what: str, shown: dict[str, str]) -> str:
    key = fold(name)
    if key in candidates:
        return candidates[key]
    from rapidfuzz import process

    best = process.extractOne(key, list(candidates))
    hint = f"; did you mean {shown[candidates[best[0]]]!r}?" if best and best[1] >= 60 else ""
    known = ", ".join(sorted(shown.values()))
    raise NotFoundError(f"unknown {what} {name!r}{hint} (known: {known})")


def find_profile(rules: Rules, name: str) -> Profile:
    candidates: dict[str, str] = {}
    for pid, p in rules.profiles.items():
        for alias in [pid, p.name, *p.aliases, p.name + " kommun"]:
            candidates[fold(alias)] = pid
    shown = {pid: p.name for pid, p in rules.profiles.items()}
    return rules.profiles[_lookup(name, candidates, "municipality", shown)]


def find_theme(rules: Rules, name: str) -> Theme:
    """A theme by id or label in either language, or by a word of a label that only one theme
    has ("climate" = klimat, "housing" = bostadsbyggande)."""
    candidates: dict[str, str] = {}
    words: dict[str, set[str]] = {}
    for tid, t in rules.themes.items():
        for label in (t.label_sv, t.label_en):
            for word in fold(label).split():
                if len(word) >= 4:
                    words.setdefault(word, set()).add(tid)
    for word, tids in words.items():
        if len(tids) == 1:
            candidates[word] = next(iter(tids))
    for tid, t in rules.themes.items():
        for alias in [tid, t.label_sv, t.label_en]:
            candidates[fold(alias)] = tid
    return rules.themes[_lookup(name, candidates, "theme", {t: t for t in rules.themes})]
