"""report_select's shortcuts give what the ranking gives: the network report's one-pass briefs
(joint_briefs) against each municipality's ranking of the same candidates (ranked_among)."""

import dataclasses
from datetime import date

import pytest

from callwatch import decisions, report_select, rules, store
from callwatch.report_data import NETWORK_MIN_SCORE, REPORT_MIN_RELEVANCE, decided_calls
from tests.conftest import RULES, cli

JOINT = "energimyndigheten:gemensam-acceleration-mot-klimatneutrala-stader-2030"
ONE = "tillvaxtverket:10765"  # relevant to five municipalities, high for one: decided on only


@pytest.mark.parametrize("today", ["2026-04-10", "2026-11-27", "2027-02-01"])
@pytest.mark.parametrize("min_score", [0.0, NETWORK_MIN_SCORE])
def test_joint_briefs_are_each_municipalitys_ranking(offline_db, today, min_score):
    cli("--db", offline_db, "mark", JOINT, "--kommun", "Umeå", "--status", "dismiss", "--by", "E")
    cli("--db", offline_db, "mark", JOINT, "--kommun", "Uppsala", "--status", "engage", "--by", "E")
    cli("--db", offline_db, "mark", ONE, "--kommun", "Stockholm", "--status", "watch", "--by", "E")
    loaded = rules.load(RULES)
    profiles = [p for _, p in sorted(loaded.profiles.items())]
    # a minimum budget above every call's makes the size factor the municipality's own
    profiles[1] = dataclasses.replace(profiles[1], min_budget_sek=5e9)
    day = date.fromisoformat(today)
    db = store.open_db(offline_db)
    hidden = decisions.by_status(db, "dismiss")
    decided = set(decided_calls(db))
    among = (
        report_select.joint_candidates(
            db, [p.id for p in profiles], REPORT_MIN_RELEVANCE, NETWORK_MIN_SCORE
        )
        | decided
    )
    want: dict[str, list] = {}
    for profile in profiles:
        ranked = report_select.ranked_among(
            db, profile, day, among, REPORT_MIN_RELEVANCE, min_score
        )
        for r in ranked:
            if r.id not in hidden.get(profile.id, set()):
                want.setdefault(r.id, []).append((r.score, profile.id, r.status, r.days_left))
    calls, who, required = report_select.joint_briefs(
        db, profiles, day, REPORT_MIN_RELEVANCE, NETWORK_MIN_SCORE, min_score, hidden, decided
    )
    got = {
        cid: [(score, p.id, calls[cid].status, calls[cid].days_left) for score, p in found]
        for cid, found in who.items()
    }
    assert got == want and got
    assert all(calls[cid].score == found[0][0] for cid, found in who.items())
    assert set(required) == set(calls)
    if today == "2026-04-10":
        assert required[JOINT]["min_municipalities"] == 2  # from the other, merged listing
    assert (ONE in calls) == (min_score == 0.0)
