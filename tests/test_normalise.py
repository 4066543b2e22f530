import pytest

from callwatch.normalise import clean, html_to_text, parse_budget, parse_datetime


@pytest.mark.parametrize(
    "text, total, currency",
    [
        (
            "Budget för hela erbjudandet är 50 miljoner kronor. Med detta vill vi finansiera 15-20 projekt.",
            50e6,
            "SEK",
        ),
        ("Utlysta medel 63 miljoner kronor", 63e6, "SEK"),
        ("Funds announced approximately SEK 20 million", 20e6, "SEK"),
        ("Announced funds approximately 15 million SEK.", 15e6, "SEK"),
        ("Budget för utlysningen är 30 miljoner kronor", 30e6, "SEK"),
        ("Totalt avsätts 2 mkr för satsningen.", 2e6, "SEK"),
        ("Forte utlyser minst 200 miljoner kronor till programmet", 200e6, "SEK"),
        ("The total budget is 40 MSEK.", 40e6, "SEK"),
        ("Total budget approximately 60 million.", 60e6, "SEK"),
        ("Available IR-funding for 2025 is approximately 3,1 MEUR", 3.1e6, "EUR"),
        ("Budget: 1 500 000 kronor", 1.5e6, "SEK"),
    ],
)
def test_total_budget(text, total, currency):
    amount, cur, _ = parse_budget(text)
    assert amount == pytest.approx(total) and cur == currency


@pytest.mark.parametrize(
    "text, cap",
    [
        ("Maximalt kan ett företag beviljas 4 miljoner kronor under 3 år.", 4e6),
        ("It is possible to apply for a maximum of SEK 1 million per project.", 1e6),
        ("Bidraget per projekt kan som högst uppgå till 1.5 miljoner kronor.", 1.5e6),
        ("Maximalt 300 000 kronor", 300_000),
    ],
)
def test_per_project_caps_are_not_totals(text, cap):
    amount, _, found_cap = parse_budget(text)
    assert amount is None and found_cap == pytest.approx(cap)


def test_no_money():
    assert parse_budget("Inga belopp här, bara 2026 och 15-20 projekt.") == (None, None, None)


@pytest.mark.parametrize(
    "value, tz, expected",
    [
        ("2026-09-15T00:00:00.000+0000", "UTC", "2026-09-15T00:00:00+00:00"),
        ("2017-03-02T14:00:00", "Europe/Stockholm", "2017-03-02T14:00:00+01:00"),
        ("2026-05-21 14:00", "Europe/Stockholm", "2026-05-21T14:00:00+02:00"),
        ("2026-04-24T21:59:59Z", "Europe/Stockholm", "2026-04-24T21:59:59+00:00"),
    ],
)
def test_parse_datetime(value, tz, expected):
    assert parse_datetime(value, tz).isoformat() == expected


def test_clean_and_html():
    assert clean("a\u00a0b\u00adc  \n d\u200b") == "a bc d"
    assert html_to_text("<p>One <b>two</b></p><ul><li>three</li></ul>") == "One two\n\nthree"
    assert html_to_text("plain") == "plain"
