"""Is a source's extraction still working? Judged from what one crawl produced.

A source that suddenly yields no calls, or calls without deadlines, has almost always changed
its layout; that is reported as *broken*, never as "no calls", and a broken crawl neither
stores nor closes anything. One odd record is not a collapse: adapters skip it (and name it in
the run log), and only the shares below, with skipped records counted as failing, decide.
"""

from __future__ import annotations

from dataclasses import dataclass

from callwatch.models import Call
from callwatch.sources import SourceSpec


@dataclass
class Health:
    status: str  # ok | broken | suspect
    found: int
    with_title: float
    with_deadline: float
    with_url: float
    message: str = ""


def judge(
    spec: SourceSpec, calls: list[Call], raw_items: int | None = None, skipped: int = 0
) -> Health:
    """`skipped` records (left out as unreadable) count against every share: a few odd records
    leave a source ok, but when many are skipped the shares fall and the source is broken."""
    n = len(calls)
    found = raw_items if raw_items is not None else n
    total = n + skipped

    def share(pred) -> float:  # noqa: ANN001
        return round(sum(1 for c in calls if pred(c)) / total, 2) if total else 0.0

    h = Health(
        "ok",
        found,
        share(lambda c: bool(c.title.strip())),
        share(lambda c: bool(c.deadlines) or c.status == "forthcoming"),
        share(lambda c: c.url.startswith(("http://", "https://"))),
    )
    if found < spec.min_calls or (found == 0):
        h.status = "broken" if spec.min_calls > 0 or found == 0 else "ok"
        h.message = f"{found} calls found, expected at least {max(spec.min_calls, 1)}"
    elif n and h.with_title < 0.8:
        h.status, h.message = "broken", f"only {h.with_title:.0%} of calls have a title"
    elif n and h.with_url < 0.8:
        h.status, h.message = "broken", f"only {h.with_url:.0%} of calls have a URL"
    elif n and h.with_deadline < spec.min_deadline_share:
        h.status = "broken"
        h.message = (
            f"only {h.with_deadline:.0%} of calls have a deadline "
            f"(expected at least {spec.min_deadline_share:.0%})"
        )
    elif raw_items is not None and n == 0:
        h.message = f"{found} items read, none kept (e.g. none open to Swedish regions)"
    elif spec.max_calls is not None and found > spec.max_calls:
        h.status, h.message = (
            "suspect",
            f"{found} calls found, more than the expected {spec.max_calls}",
        )
    return h
