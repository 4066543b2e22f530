"""The normalised call: the one shape every source's parser produces and the store keeps."""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime

from callwatch import safe
from callwatch.dates import next_or_last_deadline

STATUSES = ("forthcoming", "open", "closed", "unknown")  # unknown: no evidence (never "open")
# calls added with `callwatch import` live in their own id space, "import:<given id>", so an
# imported id can never collide with a source's ("vinnova:2016-04968" imported and fetched)
IMPORT_SOURCE = "import"

# Fields whose changes are tracked in call_history and which make up the content hash.
TRACKED_FIELDS = (
    "funder",
    "programme",
    "title",
    "summary",
    "description",
    "url",
    "language",
    "status",
    "opens",
    "deadlines",
    "budget_amount",
    "budget_currency",
    "eligibility",
    "keywords",
    "extra",
)


@dataclass
class Call:
    """One funding call as callwatch understands it.

    `id` is "<source>:<native id>" and never changes. Datetimes are timezone-aware and stored as
    ISO strings with their offset. `deadlines` holds every cut-off (a call can have several),
    oldest first. `extra` keeps source-specific facts (types of action, parent call number, ...)
    that are useful to show but not worth a column.
    """

    source: str
    native_id: str
    title: str
    url: str
    funder: str
    status: str
    programme: str = ""
    summary: str = ""
    description: str = ""
    language: str = ""
    opens: str | None = None
    deadlines: list[str] = field(default_factory=list)
    budget_amount: float | None = None
    budget_currency: str | None = None
    eligibility: str = ""
    keywords: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    # facts read by callwatch.facts (see callwatch/facts/apply.py), each with evidence in `facts`
    stale: bool = False
    max_per_project: float | None = None
    min_per_project: float | None = None
    funding_rate_max: float | None = None
    cofinancing_required: bool | None = None
    consortium_required: bool | None = None
    min_municipalities: int | None = None
    municipality_may_apply: str = "unclear"
    applicants: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    deadline_has_time: bool = False

    @property
    def id(self) -> str:
        return f"{self.source}:{self.native_id}"

    def next_deadline(self, now: datetime) -> str | None:
        """The first deadline at or after `now`, else the last one (so closed calls keep theirs)."""
        return next_or_last_deadline(self.deadlines, now)

    def tracked(self) -> dict:
        # plain getattr, not dataclasses.asdict: asdict deep-copies and dominated ingest time
        return {k: getattr(self, k) for k in TRACKED_FIELDS}

    def content_hash(self, tracked: dict | None = None) -> str:
        blob = json.dumps(
            tracked or self.tracked(), sort_keys=True, ensure_ascii=False, default=str
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:32]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["id"] = self.id
        return d


# ---------------------------------------------------------------------------------------------
# The one boundary every call passes before it is stored (store.apply_crawl calls validate()):
# whatever a funder or an import file says, what reaches the database is a value every reader,
# renderer and exporter can handle.

MIN_YEAR, MAX_YEAR = 1990, 2100  # a deadline outside these years is a data error, not a date
MAX_AMOUNT = 1e13  # SEK or EUR; anything larger is a parse error
LIMITS = {  # characters
    "native_id": 200, "title": 500, "funder": 300, "programme": 300, "language": 20,
    "summary": 5_000, "eligibility": 20_000, "description": 200_000, "budget_currency": 8,
}  # fmt: skip
MAX_KEYWORDS, MAX_KEYWORD = 100, 100
MAX_URL = 2048
_URL = re.compile(r"(?i)^https?://[^\s<>\"'`\\]+$")


def clean_url(value: object) -> str | None:
    """A single-line http(s) URL of sane length, or None."""
    u = value.strip() if isinstance(value, str) else ""
    if not u or len(u) > MAX_URL or safe.UNSAFE.search(u) or not _URL.match(u):
        return None
    return u


def check_date(value: object) -> str | None:
    """An ISO datetime with an offset in the years MIN_YEAR..MAX_YEAR, or None."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    if dt.tzinfo is None or not MIN_YEAR <= dt.year <= MAX_YEAR:
        return None
    return value


def _short(value: object, field_name: str, limit: int, warnings: list[str], multiline=False):  # noqa: ANN001, ANN202
    s = safe.text(value, multiline=multiline) if value else ""
    if not multiline:
        s = " ".join(s.split())
    if len(s) > limit:
        warnings.append(f"{field_name} longer than {limit} characters; cut")
        s = s[:limit].rstrip() + "…"
    return s


def _clean_extra(value: object, depth: int = 0) -> object:
    if depth > 6:
        return None
    if isinstance(value, str):
        return safe.text(value, multiline=True)[: LIMITS["summary"]]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [_clean_extra(v, depth + 1) for v in value[:200]]
    if isinstance(value, dict):
        return {
            safe.text(k)[:100]: _clean_extra(v, depth + 1) for k, v in list(value.items())[:200]
        }
    return value if value is None or isinstance(value, bool | int | float) else str(value)


def validate(call: Call) -> list[str]:
    """Bring a call to what may be stored, in place; returns a warning per value changed or
    dropped. Raises ValueError when the call cannot be stored at all (no id)."""
    w: list[str] = []
    call.native_id = _short(call.native_id, "id", LIMITS["native_id"], w)
    if not call.native_id:
        raise ValueError("call without an id")
    for name in ("title", "funder", "programme", "language", "budget_currency"):
        setattr(call, name, _short(getattr(call, name), name, LIMITS[name], w) or None)
    call.title = call.title or call.native_id
    for name in ("funder", "programme", "language"):
        setattr(call, name, getattr(call, name) or "")
    for name in ("summary", "description", "eligibility"):  # paragraphs are kept
        setattr(call, name, _short(getattr(call, name), name, LIMITS[name], w, multiline=True))
    url = clean_url(call.url)
    if url is None and call.url:
        w.append(f"url {safe.text(call.url)[:80]!r} is not a single-line http(s) URL; dropped")
    call.url = url or ""
    deadlines = []
    for d in call.deadlines or []:
        if check_date(d) is None:
            w.append(
                f"deadline {safe.text(d)[:40]!r} is not a date in {MIN_YEAR}-{MAX_YEAR}; dropped"
            )
        elif d not in deadlines:
            deadlines.append(d)
    call.deadlines = deadlines
    if call.opens is not None and check_date(call.opens) is None:
        w.append(
            f"opens {safe.text(call.opens)[:40]!r} is not a date in {MIN_YEAR}-{MAX_YEAR}; dropped"
        )
        call.opens = None
    b = call.budget_amount
    if b is not None and (
        isinstance(b, bool)
        or not isinstance(b, int | float)
        or not math.isfinite(b)
        or not 0 <= b <= MAX_AMOUNT
    ):
        w.append(f"budget {safe.text(b)[:30]!r} is not a finite amount; dropped")
        call.budget_amount, call.budget_currency = None, None
    elif b is not None:
        call.budget_amount = float(b)
    keywords = [safe.text(k)[:MAX_KEYWORD] for k in (call.keywords or []) if isinstance(k, str)]
    call.keywords = [k for k in keywords if k.strip()][:MAX_KEYWORDS]
    extra = _clean_extra(call.extra or {}) if isinstance(call.extra, dict) else {}
    call.extra = extra if isinstance(extra, dict) else {}
    return [f"{call.id}: {x}" for x in w]
