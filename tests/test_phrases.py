import pytest

from callwatch.phrases import find_dates, region_name


@pytest.mark.parametrize(
    "text, opens, deadline, hint",
    [
        ("Stänger 05 maj 2026", None, "2026-05-05T23:59", None),
        ("Sista ansökningsdag 2026-05-21 14:00", None, "2026-05-21T14:00", None),
        ("Öppnar 13 januari 2026", "2026-01-13T00:00", None, None),
        (
            "Stödet kan sökas från den 1 augusti 2024 till den 1 oktober 2026.",
            "2024-08-01T00:00",
            "2026-10-01T23:59",
            None,
        ),
        (
            "kan sökas från den 1 augusti 2025 till den 1 oktober",
            "2025-08-01T00:00",
            "2025-10-01T23:59",
            None,
        ),
        ("Apply before: 2026-09-01 14:00", None, "2026-09-01T14:00", None),
        ("Call #16 Open until April 24, 2026", None, "2026-04-24T23:59", "open"),
        ("Closed on 28 September 2021 at 2PM", None, "2021-09-28T14:00", "closed"),
        ("Sista ansökningsdag är den 6 september 2017 kl. 12.00.", None, "2017-09-06T12:00", None),
        ("Utlysningen stänger 27 februari 2018 (kl. 14.00)", None, "2018-02-27T14:00", None),
        (
            "Senast den 4 december 2023 ska ansökan vara Trafikverket tillhanda.",
            None,
            "2023-12-04T23:59",
            None,
        ),
        (
            "Kommande: Öppnar för ansökningar: 2024-09-04 14:00 Sista ansökningsdatum: 2024-10-16 14:00",
            "2024-09-04T14:00",
            "2024-10-16T14:00",
            "forthcoming",
        ),
        (
            "Stängd utlysning 06 mars - 09 april 2024",
            "2024-03-06T00:00",
            "2024-04-09T23:59",
            "closed",
        ),
        ("Future: Open for applying 2026-08-26 14:00", "2026-08-26T14:00", None, "forthcoming"),
        ("Här står inget datum alls, bara 15-20 projekt.", None, None, None),
    ],
)
def test_dates_and_status_words(text, opens, deadline, hint):
    f = find_dates(text)
    assert (f.opens.isoformat()[:16] if f.opens else None) == opens
    assert (f.deadlines[-1].isoformat()[:16] if f.deadlines else None) == deadline
    assert f.status_hint == hint


def test_deadline_is_stockholm_time():
    assert (
        find_dates("Sista ansökningsdag 2026-05-21 14:00").deadlines[0].isoformat()
        == "2026-05-21T14:00:00+02:00"
    )


@pytest.mark.parametrize(
    "text, name",
    [
        ("Västerbotten", "Västerbotten"),
        ("Hela Sverige", "Hela Sverige"),
        ("Region Halland", "Halland"),
        ("Västra Götalandsregionen", "Västra Götaland"),
        ("Sörmland", "Södermanland"),
        ("Vem kan söka?", None),
    ],
)
def test_region_names(text, name):
    assert region_name(text) == name
