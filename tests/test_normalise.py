import pytest

from callwatch.normalise import clean, html_to_text, parse_datetime


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
