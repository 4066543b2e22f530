import json
from datetime import UTC

import pytest

from callwatch.adapters import sedia
from callwatch.errors import ParseError
from tests.conftest import NOW, fixture_bytes

TOPICS = fixture_bytes("eu_sedia", "search_topics_open_fundhunt_fixture.json")
CASCADE = fixture_bytes("eu_sedia", "search_cascade_type8_fundhunt_fixture.json")


def test_topics_are_normalised(specs):
    calls = {c.id: c for c in sedia.parse(specs["eu-ft"], TOPICS, NOW)}
    assert len(calls) == 4
    c = calls["eu-ft:HORIZON-CL5-2026-09-D4-03"]
    assert c.title.startswith("Advanced data platforms to integrate whole life carbon")
    assert c.url.endswith("/topic-details/HORIZON-CL5-2026-09-D4-03")
    assert c.programme == "Horizon Europe"
    # "2026-09-15T00:00:00.000+0000" is Brussels wall clock, midnight: the day, open to its end
    assert c.deadlines == ["2026-09-15T23:59:00+02:00"]
    assert c.extra["date_only_deadlines"] == ["2026-09-15"]
    assert c.opens == "2026-05-05T00:00:00+02:00"
    assert c.extra["types_of_action"] == ["HORIZON Innovation Actions"]
    assert c.extra["call_identifier"] == "HORIZON-CL5-2026-09"
    # the portal says open, but the deadline has passed at NOW
    assert c.status == "closed"


def test_topic_status_follows_the_portal_before_the_deadline(specs):
    from datetime import datetime

    before = datetime(2026, 6, 1, tzinfo=UTC)
    calls = sedia.parse(specs["eu-ft"], TOPICS, before)
    assert {c.status for c in calls} == {"open"}


def test_cascade_calls_keep_each_call_and_all_cutoffs(specs):
    calls = {c.id: c for c in sedia.parse(specs["eu-ft"], CASCADE, NOW)}
    # two cascade calls share one topic identifier; both are kept
    assert len(calls) == 4
    metu = calls["eu-ft:11143COMPETITIVE_CALL"]
    assert metu.title == "METU Internships Offer"
    assert metu.extra["parent_topic_title"].startswith("Specialised education programmes")
    assert len(metu.deadlines) == 7
    assert metu.budget_amount == 30500 and metu.budget_currency == "EUR"
    assert metu.status == "open"  # later cut-offs remain
    assert metu.next_deadline(NOW) == "2027-01-03T07:59:00+01:00"  # Brussels wall clock
    assert metu.extra["date_only_deadlines"] == []  # every cut-off has a time of day
    assert "financial support" in metu.description
    assert "<strong>" not in metu.description
    umx = calls["eu-ft:11264COMPETITIVE_CALL"]
    assert umx.programme == "Horizon Europe" and umx.budget_amount == 4_000_000
    assert umx.status == "closed"  # last cut-off 2026-09-29 passed


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.pop("results"), "field 'results' is missing"),
        (lambda d: d.pop("totalResults"), "field 'totalResults' is missing"),
    ],
)
def test_unexpected_structure_fails_loudly(specs, mutate, message):
    data = json.loads(TOPICS)
    mutate(data)
    with pytest.raises(ParseError) as e:
        sedia.parse(specs["eu-ft"], json.dumps(data).encode(), NOW)
    assert str(e.value).startswith("eu-ft: ")
    assert message in str(e.value)


RECORD_FAULTS = [
    (lambda r: r.pop("metadata"), "field 'metadata' is missing"),
    (lambda r: r["metadata"].pop("identifier"), "identifier is missing"),
    (lambda r: r["metadata"].update(status=["123"]), "unknown status code"),
    (lambda r: r["metadata"].update(deadlineDate=["soon"]), "unreadable date"),
    (lambda r: r["metadata"].update(deadlineDate=5), "unexpected structure (TypeError"),
]


@pytest.mark.parametrize("mutate, message", RECORD_FAULTS)
def test_one_odd_result_is_skipped_and_named(specs, mutate, message):
    from callwatch.adapters import parse_with_skips

    data = json.loads(TOPICS)
    mutate(data["results"][1])
    calls, skipped = parse_with_skips(specs["eu-ft"], json.dumps(data).encode(), NOW, "page")
    assert len(calls) == 3
    [s] = skipped
    assert s.record.startswith("page results[1]") and message in s.why, s


@pytest.mark.parametrize("mutate, message", RECORD_FAULTS)
def test_every_result_odd_is_a_collapse(specs, mutate, message):
    data = json.loads(TOPICS)
    for r in data["results"]:
        mutate(r)
    with pytest.raises(ParseError) as e:
        sedia.parse(specs["eu-ft"], json.dumps(data).encode(), NOW)
    assert str(e.value).startswith("eu-ft: ") and message in str(e.value)


def test_html_where_json_was_expected(specs):
    with pytest.raises(ParseError, match="eu-ft: .*HTML page"):
        sedia.parse(specs["eu-ft"], b"<!DOCTYPE html><html><body>Maintenance</body></html>", NOW)


def test_truncated_json(specs):
    with pytest.raises(ParseError, match="eu-ft: .*invalid JSON"):
        sedia.parse(specs["eu-ft"], TOPICS[: len(TOPICS) // 2], NOW)


def test_request_body_is_stable(specs):
    body1, ctype = sedia.multipart({"query": sedia.search_query(specs["eu-ft"], ["8"])})
    body2, _ = sedia.multipart({"query": sedia.search_query(specs["eu-ft"], ["8"])})
    assert body1 == body2 and "boundary=" in ctype
    assert b'"status":["31094501","31094502"]' in body1
    assert b'"programmePeriod":"2021 - 2027"' in body1


def test_topic_details_fill_text_and_budget(specs):
    # Constructed from the field list in research/sources.md (no real topicDetails response
    # was available): TopicDetails.description / conditions / keywords / budgetOverviewJSONItem.
    call = sedia.parse(specs["eu-ft"], TOPICS, NOW)[0]
    details = {
        "TopicDetails": {
            "description": "<p>Expected outcome: <b>cities</b> reach climate neutrality.</p>",
            "conditions": "<p>Legal entities established in Member States.</p>",
            "keywords": ["Energy efficiency"],
            "budgetOverviewJSONItem": {
                "budgetTopicActionMap": {
                    "1": [
                        {"action": f"{call.native_id} - IA", "budgetYearMap": {"2026": "20000000"}}
                    ]
                }
            },
        }
    }
    sedia.parse_topic_details(specs["eu-ft"], call, json.dumps(details).encode())
    assert call.description == "Expected outcome: cities reach climate neutrality."
    assert call.eligibility.startswith("Legal entities")
    assert call.budget_amount == 20_000_000 and call.budget_currency == "EUR"
    assert "Energy efficiency" in call.keywords
