import json

import pytest

from callwatch.adapters import safe_parse, vinnova
from callwatch.errors import ParseError
from tests.conftest import NOW, fixture_bytes

ROUNDS = fixture_bytes("vinnova", "ansokningsomgangar_constructed.json")
DOCPAGE = fixture_bytes("vinnova", "api_ansokningsomgangar_docpage.html")


def test_documented_example_round(specs):
    # safe_parse: the adapter plus the one facts step, which reads the budget from the text
    calls = {c.id: c for c in safe_parse(specs["vinnova"], ROUNDS, NOW)}
    c = calls["vinnova:2016-04968"]
    assert c.title == "Innovationer för ett hållbart samhälle: miljö och transport - 2017"
    assert c.deadlines == ["2017-03-02T14:00:00+01:00"]  # Stockholm winter time
    assert c.opens == "2016-12-20T00:00:00+01:00"
    assert c.status == "closed"
    assert c.budget_amount == 50_000_000 and c.budget_currency == "SEK"
    assert c.eligibility.startswith("Juridiska personer")
    assert c.summary.startswith("Utvecklings- och forskningsprojekt")
    assert "title_en" not in c.extra  # "x" means no translation
    assert c.extra["call_diarienummer"] == "2016-04962"
    assert c.extra["apply_url"].startswith("https://etjanster.vinnova.se/")
    assert "2016-04968" in c.url


def test_english_only_texts_and_caps(specs):
    c = {c.id: c for c in safe_parse(specs["vinnova"], ROUNDS, NOW)}["vinnova:2021-02297"]
    assert c.eligibility.startswith("Project about at least two actors")
    assert c.budget_amount is None  # only a per-project maximum is given
    assert c.max_per_project == 1_000_000


def _round(**changes):
    rec = json.loads(ROUNDS)[0]
    rec.update(changes)
    return json.dumps([rec]).encode()


def test_status_is_derived_from_dates(specs):
    spec = specs["vinnova"]
    open_now = _round(Oppningsdatum="2026-10-01T00:00:00", Stangningsdatum="2027-02-01T14:00:00")
    assert vinnova.parse(spec, open_now, NOW)[0].status == "open"
    later = _round(Oppningsdatum="2027-01-10T00:00:00", Stangningsdatum="2027-03-01T14:00:00")
    assert vinnova.parse(spec, later, NOW)[0].status == "forthcoming"


def test_announced_round_is_forthcoming(specs):
    body = _round(
        Oppningsdatum=None,
        Stangningsdatum=None,
        **{"AnnonseringslägeÅr": "2027", "AnnonseringslägePeriod": "mars"},
    )
    c = vinnova.parse(specs["vinnova"], body, NOW)[0]
    assert c.status == "forthcoming" and c.extra["announced"] == "mars 2027"
    assert c.deadlines == []


def test_invitation_only_rounds_are_skipped(specs):
    assert vinnova.parse(specs["vinnova"], _round(Publik=0), NOW) == []


def test_bare_path_html_is_a_clear_error(specs):
    with pytest.raises(ParseError) as e:
        vinnova.parse(specs["vinnova"], DOCPAGE, NOW)
    assert str(e.value).startswith("vinnova: ")
    assert "HTML page" in str(e.value)


@pytest.mark.parametrize("field", ["Diarienummer", "Titel", "Stangningsdatum", "Publik"])
def test_missing_field_is_named(specs, field):
    rec = json.loads(ROUNDS)[0]
    rec.pop(field)
    with pytest.raises(ParseError, match=f"vinnova: .*field '{field}' is missing"):
        vinnova.parse(specs["vinnova"], json.dumps([rec]).encode(), NOW)


def test_object_instead_of_array(specs):
    with pytest.raises(ParseError, match="expected a JSON array"):
        vinnova.parse(specs["vinnova"], b'{"error": "x"}', NOW)


def test_window_uses_the_as_of_date(specs):
    from datetime import date

    assert vinnova.window_start(specs["vinnova"], date(2026, 11, 27)) == date(2025, 10, 23)
    # the window moves with the as-of date (a replay's recording day), not with the wall clock
    assert vinnova.window_start(specs["vinnova"], date(2027, 1, 1)) == date(2025, 11, 27)
    from dataclasses import replace

    narrow = replace(specs["vinnova"], options={**specs["vinnova"].options, "window_days": 30})
    assert vinnova.window_start(narrow, date(2026, 11, 27)) == date(2026, 10, 28)
