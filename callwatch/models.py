"""The normalised call: the one shape every source's parser produces and the store keeps."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime

STATUSES = ("forthcoming", "open", "closed", "unknown")  # unknown: no evidence (never "open")
IMPORT_SOURCE = "import"  # calls added with `callwatch import` keep the id they were given

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
        if self.source == IMPORT_SOURCE:
            return self.native_id
        return f"{self.source}:{self.native_id}"

    def next_deadline(self, now: datetime) -> str | None:
        """The first deadline at or after `now`, else the last one (so closed calls keep theirs)."""
        if not self.deadlines:
            return None
        for d in self.deadlines:
            if datetime.fromisoformat(d) >= now:
                return d
        return self.deadlines[-1]

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
