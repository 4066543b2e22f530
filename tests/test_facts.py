"""The one facts step (callwatch.facts): the texts quoted in issue 10 and the cases the older
date/budget helpers covered, now read by one extraction."""

import json
import time
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callwatch.facts import APPLICANT_KINDS, FIELDS, extract
from tests.conftest import cli

TODAY = date(2026, 11, 28)


def facts(text: str, title: str = "", today: date = TODAY):
    return extract(title, text, as_of=today)


# --- deadlines -------------------------------------------------------------------------------


def test_last_day_to_submit_2020_is_a_closed_stale_deadline():
    f = facts(
        "Sista dag för att inkomma med ansökningar kopplat till ökad och säker cykling är den "
        "30 november 2020.",
        "Bidrag för ökad och säker cykling 2020",
    )
    assert f.deadlines == ["2020-11-30"] and f.status == "closed" and f.stale
    assert "30 november 2020" in f.evidence["deadlines"]


def test_stanger_is_a_deadline():
    f = facts("Stänger 24 april 2026", today=date(2026, 4, 10))
    assert f.deadlines == ["2026-04-24"] and f.status == "open"


def test_quarterly_dates_without_year_are_the_next_occurrences():
    f = facts(
        "Ansökan ska ha kommit in till Boverket senast den 10 mars, den 10 juni, den 10 september "
        "och den 10 december."
    )
    assert f.deadlines == ["2026-12-10", "2027-03-10", "2027-06-10", "2027-09-10"]
    assert f.status == "open"


def test_funding_period_is_not_an_application_window():
    f = facts(
        "Kommuner kan nu ansöka om statligt bidrag för att bedriva energi- och klimatrådgivning "
        "under perioden 1 januari 2026–31 december 2027."
    )
    assert f.deadlines == [] and f.opens is None and f.status == "unknown"


def test_stage_one_and_two_and_several_cutoffs_are_all_kept():
    f = facts(
        "Stage 1 applications must be submitted not later than Friday 31 January 2025 at 3:00 pm. "
        "Notification of whether applications have been approved to proceed to Stage 2 will be "
        "sent in March 2025. Stage 2 applications must be submitted not later than Friday 25 "
        "April 2025 at 3.00 p.m. Decisions will be announced in mid-October 2025."
    )
    assert [d[:10] for d in f.deadlines] == ["2025-01-31", "2025-04-25"]
    assert f.deadlines[0] == "2025-01-31T15:00:00+01:00"


def test_decision_dates_webinars_and_project_periods_are_not_deadlines():
    f = facts(
        "Beslut fattas: 30 september 2021. Webbinarium den 12 mars 2021. Projekt som beviljas "
        "stöd kan tidigast starta 2018-01-01 och pågå till 2019-12-01. Insatsen ska avslutas "
        "senast 7 november 2023."
    )
    assert f.deadlines == []


@pytest.mark.parametrize(
    "text, opens, deadline, word",
    [
        ("Stänger 05 maj 2026", None, "2026-05-05", "open"),
        ("Sista ansökningsdag 2026-05-21 14:00", None, "2026-05-21T14:00", None),
        ("Öppnar 13 januari 2026", "2026-01-13", None, "forthcoming"),
        (
            "Stödet kan sökas från den 1 augusti 2024 till den 1 oktober 2026.",
            "2024-08-01",
            "2026-10-01",
            None,
        ),
        ("kan sökas från den 1 augusti 2025 till den 1 oktober", "2025-08-01", "2025-10-01", None),
        ("Apply before: 2026-09-01 14:00", None, "2026-09-01T14:00", None),
        ("Call #16 Open until April 24, 2026", None, "2026-04-24", "open"),
        ("Closed on 28 September 2021 at 2PM", None, "2021-09-28T14:00", "closed"),
        ("Sista ansökningsdag är den 6 september 2017 kl. 12.00.", None, "2017-09-06T12:00", None),
        ("Utlysningen stänger 27 februari 2018 (kl. 14.00)", None, "2018-02-27T14:00", None),
        ("Senast den 4 december 2023 ska ansökan vara Trafikverket tillhanda.", None, "2023-12-04", None),
        (
            "Kommande: Öppnar för ansökningar: 2024-09-04 14:00 Sista ansökningsdatum: 2024-10-16 14:00",
            "2024-09-04T14:00",
            "2024-10-16T14:00",
            "forthcoming",
        ),
        ("Stängd utlysning 06 mars - 09 april 2024", "2024-03-06", "2024-04-09", "closed"),
        ("Future: Open for applying 2026-08-26 14:00", "2026-08-26T14:00", None, "forthcoming"),
        ("Deadline: 29.05.2024 17:00", None, "2024-05-29T17:00", None),
        ("Here there is no date at all, just 15-20 projects.", None, None, None),
    ],
)  # fmt: skip
def test_dates_and_status_words(text, opens, deadline, word):
    f = facts(text, today=date(2026, 1, 1))
    assert (f.opens[:16] if f.opens else None) == opens
    assert (f.deadlines[-1][:16] if f.deadlines else None) == deadline
    assert f.status_word == word


def test_a_time_of_day_is_stockholm_time():
    f = facts("Sista ansökningsdag 2026-05-21 14:00")
    assert f.deadlines == ["2026-05-21T14:00:00+02:00"]


# --- status ----------------------------------------------------------------------------------


def test_undated_call_is_unknown_never_open():
    f = facts("Vi erbjuder stöd till projekt som minskar klimatpåverkan.", "Klimatstöd")
    assert f.status == "unknown" and "status" not in f.evidence


def test_listing_word_counts_as_evidence():
    from callwatch.facts import Meta

    f = extract("Insatser", "Text utan datum.", meta=Meta(status_word="Kommande"), as_of=TODAY)
    assert f.status == "forthcoming" and "Kommande" in f.evidence["status"]


def test_old_opening_word_is_not_forthcoming_forever():
    f = facts("Öppnar 12 augusti 2024", "Insatser för att främja cirkulär ekonomi")
    assert f.status == "unknown" and f.stale


# --- money -----------------------------------------------------------------------------------


def test_agency_commitment_is_not_the_call_budget():
    f = facts(
        "Boverkets utestående åtagande för hyresgarantier var 924 miljoner kronor vid ingången "
        "av 2023."
    )
    assert f.budget_total is None


def test_max_grant_is_not_the_cost_floor():
    f = facts(
        "HOW MUCH CAN YOU APPLY FOR?\nThe maximum grant is SEK 500,000 (requirement of 50% "
        "co-funding). To apply for a maximum grant of SEK 500,000, total costs need to be at "
        "least SEK 1,000,000."
    )
    assert f.max_per_project == {"amount": 500000, "currency": "SEK"}
    assert f.min_per_project is None and f.budget_total is None
    assert f.cofinancing_required is True


@pytest.mark.parametrize(
    "text, amount",
    [
        ("Det maximala bidragsbeloppet är 10 miljoner kronor.", 10_000_000),
        ("Maxbelopp för förstudier inom programmet är 500 000 kronor.", 500_000),
        ("Maximalt kan ett företag beviljas 4 miljoner kronor under 3 år.", 4e6),
        ("It is possible to apply for a maximum of SEK 1 million per project.", 1e6),
        ("Bidraget per projekt kan som högst uppgå till 1.5 miljoner kronor.", 1.5e6),
        ("Maximalt 300 000 kronor", 300_000),
    ],
)
def test_max_per_project(text, amount):
    f = facts(text)
    assert f.max_per_project["amount"] == pytest.approx(amount) and f.budget_total is None


@pytest.mark.parametrize(
    "text, total, currency",
    [
        ("Budget för hela erbjudandet är 50 miljoner kronor. Med detta vill vi finansiera 15-20 projekt.", 50e6, "SEK"),
        ("Utlysta medel 63 miljoner kronor", 63e6, "SEK"),
        ("Funds announced approximately SEK 20 million", 20e6, "SEK"),
        ("Announced funds approximately 15 million SEK.", 15e6, "SEK"),
        ("Totalt avsätts 2 mkr för satsningen.", 2e6, "SEK"),
        ("Forte utlyser minst 200 miljoner kronor till programmet", 200e6, "SEK"),
        ("The total budget is 40 MSEK.", 40e6, "SEK"),
        ("Available IR-funding for 2025 is approximately 3,1 MEUR", 3.1e6, "EUR"),
        ("Call budget: € 1,000,000.00", 1e6, "EUR"),
        ("Budget: 1 500 000 kronor", 1.5e6, "SEK"),
    ],
)  # fmt: skip
def test_total_budget(text, total, currency):
    f = facts(text)
    assert f.budget_total["amount"] == pytest.approx(total)
    assert f.budget_total["currency"] == currency and f.max_per_project is None


def test_range_gives_min_and_max():
    f = facts(
        "Approved projects can receive between SEK 1.5 million and a maximum of SEK 2.5 million."
    )
    assert f.min_per_project["amount"] == 1_500_000 and f.max_per_project["amount"] == 2_500_000


@pytest.mark.parametrize(
    "text, rate",
    [
        ("Stödnivå högst 50 procent av de stödberättigande kostnaderna.", 0.5),
        ("The grant may cover up to 70% of eligible costs.", 0.7),
        ("Funding rate: 50-65 %", 0.65),
    ],
)
def test_funding_rate(text, rate):
    assert facts(text).funding_rate_max == pytest.approx(rate)


def test_partners_and_municipalities():
    f = facts(
        "At least three parties must support each application. At least two of the parties must "
        "be cities/municipalities and at least one research organization."
    )
    assert f.consortium_required is True and f.min_municipalities == 2
    assert f.municipality_may_apply == "yes"


# --- who may apply ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, verdict",
    [
        ("Vem kan söka?\nRegionerna och Gotlands kommun", "no"),
        ("De som kan beviljas stöd är Regionala energikontor som uppfyller kraven.", "no"),
        ("Ni kan söka bidraget\nIdeella organisationer kan ansöka.", "no"),
        ("Söks av: Enskild forskare", "no"),
        ("Nu kan kommuner ansöka om pengar för kunskapshöjande insatser.", "yes"),
        ("WHO CAN APPLY?\nSmall and medium-sized companies and small or medium-sized municipalities can apply.", "yes"),
        ("Stödet riktar sig enbart till kommuner. Det innebär att kommunala bolag eller privata aktörer inte kan beviljas stöd.", "yes"),
        ("Forskningsutförare, offentliga organisationer och företag kan söka.", "yes"),
        ("Projekt om klimatanpassning i kommuner.", "unclear"),
        # real Folkhälsomyndigheten page: "a legal person" qualifies the one kind named
        ("Vilka som kan ansöka\nStatsbidrag kan sökas av en ideell organisation som: är en juridisk person med ett allmännyttigt ideellt ändamål", "no"),
        ("Sökande ska vara en juridisk person.", "yes"),
        # found in review: a legal person with examples is anyone; a required party after
        # named applicants leaves them the only ones
        ("Stödet kan sökas av en juridisk person, till exempel företag, stiftelser och föreningar.", "yes"),
        ("Vem kan söka? Forskare vid svenska lärosäten, varav minst en ska vara disputerad.", "no"),
        ("Stödet kan sökas av företag, varav minst ett ska vara ett SMF.", "no"),
        # real Vinnova pages: one required company leaves the other parties open
        ("Who can apply?: Consortia with at least two participants, of which at least one must be a company.", "unclear"),
        ("Who can apply?: The consortium must consist of at least two project parties, of which at least one is a Swedish company.", "unclear"),
        ("Who can apply? Only companies can apply.", "no"),
        # real Folkhälsomyndigheten page: a condition on a university as main applicant
        ("Projekten ska bedrivas i ett nära samarbete mellan praktisk verksamhet och forskning. Om ett universitet, högskola eller en FoU-enhet är huvudsökande ska det framgå av ansökan att ett samarbete finns med en verksamhet.", "unclear"),
        ("Om ni är en ideell förening kan ni söka bidraget.", "no"),
        # real municipal grant pages (pool_fresh5): the named or definite municipality gives
        ("Vilka kan söka?: Ideella föreningar med säte i Umeå kommun som är registrerade i kommunens föreningsregister kan söka bidrag.", "no"),
        ("Kommunen inför därför ett tillfälligt bidrag där bidragsberättigade föreningar kan ansöka om ersättning.", "no"),
        ("Vem kan söka? Gotlands kommun och regionerna.", "no"),
        # real Trafikverket page (offline recordings): one requirement of a list, not anyone (the
        # page's title, "... till ideella föreningar", makes it "no" in the recordings)
        ("Vem kan söka bidraget?\n\nProjektbidrag kan lämnas till organisation som uppfyller samtliga av följande krav:\n\när en juridisk person,\n\när registrerad hos Skatteverket med bolagsform ideell förening,", "unclear"),
        # real Arvsfonden page: public principals may also receive the grant
        ("Ideella föreningar och organisationer som funnit i minst ett år kan få projektstöd. Även offentliga huvudmän kan få projektstöd om de samarbetar nära med en ideell förening i projektet.", "yes"),
    ],
)  # fmt: skip
def test_municipality_may_apply_from_who_sentences(text, verdict):
    assert facts(text).municipality_may_apply == verdict


def test_regions_only_names_the_region_kind():
    f = facts("Vem kan söka?\nRegionerna och Gotlands kommun")
    assert f.applicants == ["region"] and "Regionerna" in f.evidence["municipality_may_apply"]


# --- hostile input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["a" * 1_000_000, "1 " * 500_000, "Sista ansökningsdag 1 mars 2026 " * 40_000, "9. " * 300_000],
)
def test_a_megabyte_of_hostile_text_is_quick(text):
    started = time.monotonic()
    facts(text)
    assert time.monotonic() - started < 3


# --- the extract command ---------------------------------------------------------------------


def test_extract_json_shape(tmp_path):
    page = tmp_path / "cykling.txt"
    page.write_text(
        "Bidrag för ökad och säker cykling 2020\n"
        "Sista dag för att inkomma med ansökningar är den 30 november 2020.\n"
        "Vem kan söka?\nRegionerna och Gotlands kommun\n"
        "Det maximala bidragsbeloppet är 10 miljoner kronor.\n",
        encoding="utf-8",
    )
    html = tmp_path / "sbe.html"
    html.write_text(
        "<html><body><main><h1>Smart Built Environment</h1><p>The maximum grant is SEK 500,000, "
        "and the total costs need to be at least SEK 1,000,000.</p></main></body></html>",
        encoding="utf-8",
    )
    r = cli("extract", page, html, "--today", "2026-11-28")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert isinstance(data, list) and len(data) == 2
    assert set(data[0]) == {"file", *FIELDS, "evidence"}
    first, second = data
    assert first["deadlines"] == ["2020-11-30"] and first["status"] == "closed" and first["stale"]
    assert first["municipality_may_apply"] == "no"
    assert first["max_per_project"] == {"amount": 10000000, "currency": "SEK"}
    assert second["max_per_project"] == {"amount": 500000, "currency": "SEK"}
    assert second["status"] == "unknown" and second["budget_total"] is None
    assert "30 november 2020" in first["evidence"]["deadlines"]
    table = cli("extract", page, "--format", "table")
    assert table.exit_code == 0 and "closed" in table.stdout


def test_extract_bad_file_is_one_line(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00broken")
    r = cli("extract", bad)
    assert r.exit_code == 1 and "bad.txt" in r.stderr and r.stdout == ""


# --- offline data ----------------------------------------------------------------------------


def test_offline_data_no_call_is_open_without_evidence(offline_db):
    db = offline_db
    calls = json.loads(cli("--db", db, "calls", "--format", "json").stdout)
    assert calls
    for c in calls:
        assert c["status"] in ("open", "forthcoming", "closed", "unknown")
        if c["status"] in ("open", "forthcoming"):
            assert c["facts"]["evidence"].get("status"), c["id"]  # the evidence is stored
    cycling = [c for c in calls if "cykling 2020" in c["title"]]
    assert cycling and cycling[0]["status"] == "closed" and cycling[0]["stale"] == 1
    older = [c for c in calls if c["title"] == "Stöd till bostäder för äldre"]
    assert older and older[0]["status"] == "unknown"
    unknown = json.loads(cli("--db", db, "calls", "--status", "unknown", "--format", "json").stdout)
    assert {c["id"] for c in unknown} == {c["id"] for c in calls if c["status"] == "unknown"}


def test_upgrade_rereads_stored_calls(tmp_path):
    """A database from before the facts migration: evidence-less 'open' becomes unknown."""
    import sqlite3

    import sqlite_utils

    from callwatch import migrations, store

    path = tmp_path / "v9.db"
    conn = sqlite3.connect(path, isolation_level=None)
    old = sqlite_utils.Database(conn)
    for m in migrations.MIGRATIONS[:9]:
        m(old)
    conn.execute("PRAGMA user_version = 9")
    for cid, title, text in [
        ("web:a", "Klimatstöd", "Vi stöttar projekt som minskar utsläppen."),
        ("web:b", "Bidrag för ökad och säker cykling 2020",
         "Sista dag för att inkomma med ansökningar är den 30 november 2020."),
    ]:  # fmt: skip
        conn.execute(
            "INSERT INTO calls (id, source, native_id, title, url, status, description, deadlines, "
            "keywords, extra, content_hash) VALUES (?, 'web', ?, ?, 'https://x.se', 'open', ?, "
            "'[]', '[]', '{}', 'h')",
            [cid, cid[4:], title, text],
        )
    conn.close()
    db = store.open_db(path)
    a, b = store.get_call(db, "web:a"), store.get_call(db, "web:b")
    assert a["status"] == "unknown" and a["municipality_may_apply"] == "unclear"
    assert (
        b["status"] == "closed" and b["stale"] == 1 and b["deadlines"][0].startswith("2020-11-30")
    )
    assert b["facts"]["evidence"]["deadlines"].startswith("Sista dag")


def test_add_keeps_a_saved_page_as_a_call(tmp_path):
    db = str(tmp_path / "t.db")
    page = tmp_path / "sida.txt"
    page.write_text(
        "Stöd till kommuner för laddinfrastruktur\n"
        "Kommuner kan söka stöd. Sista ansökningsdag är den 15 januari 2027 kl. 14.00.\n"
        "Stödnivå högst 50 procent av de stödberättigande kostnaderna.\n",
        encoding="utf-8",
    )
    url = "https://www.example.se/stod/laddinfrastruktur/"
    r = cli("--db", db, "add", page, "--url", url, "--funder", "Exempelverket")
    assert r.exit_code == 0, r.output
    calls = json.loads(cli("--db", db, "calls", "--format", "json").stdout)
    assert len(calls) == 1
    c = calls[0]
    assert c["source"] == "import" and c["funder"] == "Exempelverket" and c["url"] == url
    assert c["status"] == "open" and c["deadline_has_time"] == 1
    assert c["deadlines"] == ["2027-01-15T14:00:00+01:00"]
    assert c["funding_rate_max"] == 0.5 and c["municipality_may_apply"] == "yes"
    again = cli("--db", db, "add", page, "--url", url)
    assert again.exit_code == 0 and "updated" in again.stdout
    bad = cli("--db", db, "add", page, "--url", "ftp://x")
    assert bad.exit_code == 1 and "--url" in bad.stderr


def test_import_without_dates_is_unknown(tmp_path):
    db = str(tmp_path / "t.db")
    lines = tmp_path / "c.jsonl"
    lines.write_text(
        json.dumps({"id": "x-1", "title": "Stöd", "url": "https://x.se/1", "funder": "X",
                    "text": "Vi stöttar klimatprojekt."}) + "\n"
        + json.dumps({"id": "x-2", "title": "Stöd 2", "url": "https://x.se/2", "funder": "X",
                      "text": "Ansök senast den 1 mars 2027. Maxbelopp per projekt är 2 miljoner kronor."})
        + "\n",
        encoding="utf-8",
    )  # fmt: skip
    assert cli("--db", db, "import", lines).exit_code == 0
    calls = {c["id"]: c for c in json.loads(cli("--db", db, "calls", "--format", "json").stdout)}
    assert calls["import:x-1"]["status"] == "unknown"
    assert (
        calls["import:x-2"]["status"] == "open"
        and calls["import:x-2"]["max_per_project"] == 2_000_000
    )


def test_from_archive_rederives_facts(offline_db):
    import sqlite3

    db = offline_db
    conn = sqlite3.connect(db)
    conn.execute(
        "UPDATE calls SET municipality_may_apply = 'no', facts = '{}', status = 'open', "
        "content_hash = 'old' "
        "WHERE title LIKE 'Bidrag för ökad och säker cykling%'"
    )
    conn.commit()
    conn.close()
    r = cli("--db", db, "fetch", "--from-archive", "--source", "trafikverket")
    assert r.exit_code == 0, r.output
    calls = json.loads(cli("--db", db, "calls", "--format", "json").stdout)
    cycling = next(c for c in calls if c["title"].startswith("Bidrag för ökad och säker cykling"))
    assert cycling["status"] == "closed" and cycling["facts"]["evidence"]["deadlines"]
    assert cycling["municipality_may_apply"] != "no"
    # facts changed while the funder's content did not (an extraction fix): refreshed too
    conn = sqlite3.connect(db)
    conn.execute("UPDATE calls SET municipality_may_apply = 'no', facts = '{}'")
    conn.commit()
    conn.close()
    assert cli("--db", db, "fetch", "--from-archive").exit_code in (0, 1)
    calls = json.loads(cli("--db", db, "calls", "--format", "json").stdout)
    assert all(c["facts"] for c in calls)
    assert any(c["municipality_may_apply"] == "yes" for c in calls)


@pytest.mark.parametrize(
    "text, field, amount",
    [
        ("Bidragsbelopp: Max 200 000 kronor per år. Bidragstid: 1-2 år.", "max_per_project", 400_000),
        ("Grant amount: 1 150 000 SEK per year. Grant period: 24–36 months.", "max_per_project", 3_450_000),
        ("Budgetram för utlysningen: 70 miljoner kronor per år i 5 år.", "budget_total", 350_000_000),
    ],
)  # fmt: skip
def test_amounts_per_year_count_over_the_grant_period(text, field, amount):
    assert getattr(facts(text), field)["amount"] == amount


def test_amount_per_year_without_a_period_is_not_a_cap():
    assert facts("Max 2 000 000 kronor per år.").max_per_project is None


def test_forecast_payouts_are_not_the_budget_and_a_funder_cofinancing_is_not_required():
    f = facts(
        "Boverkets prognos visar att det kommer att betalas ut totalt 670 miljoner kronor till "
        "färdigställda projekt under 2023. Formas bidrar med medfinansiering upp till 10 procent "
        "av ett projekts kostnader."
    )
    assert f.budget_total is None and f.cofinancing_required is None


def test_a_listing_word_stands_but_old_dates_still_flag_stale():
    from callwatch.facts import Meta

    f = extract(
        "Insatser för att främja cirkulär ekonomi",
        "Öppnar 12 augusti 2024",
        meta=Meta(status_word="Kommande", source="tillvaxtverket"),
        as_of=TODAY,
    )
    assert f.status == "forthcoming" and f.stale
    assert f.evidence["status"] == "tillvaxtverket: Kommande"


# --- property: any text gives well-formed facts ------------------------------------------------


_WORDS = st.sampled_from(
    ["Sista", "ansökningsdag", "senast", "den", "30", "november", "2020", "kl.", "14.00", "Stänger",
     "mars", "maj", "-", "–", "och", "till", "Vem", "kan", "söka?", "kommuner", "Regionerna",
     "maximalt", "500 000", "kronor", "miljoner", "SEK", "€", "procent", "%", "minst", "två",
     "parter", "Öppnar", "Kommande", "Stängd", "\n", ".", "per", "år", "Bidragstid:", "1-2",
     "31", "februari", "2027-02-31", "99.99.2099", "24:00"]
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_WORDS | st.text(max_size=12), max_size=60))
def test_any_text_gives_well_formed_facts(words):
    f = facts(" ".join(words), title=" ".join(words[:5]))
    assert f.status in ("open", "forthcoming", "closed", "unknown")
    assert f.municipality_may_apply in ("yes", "no", "unclear")
    assert set(f.applicants) <= set(APPLICANT_KINDS)
    for d in f.deadlines:
        date.fromisoformat(d[:10])
    for money in (f.budget_total, f.max_per_project, f.min_per_project):
        assert money is None or (money["amount"] >= 0 and money["currency"])
    assert f.funding_rate_max is None or 0 < f.funding_rate_max <= 1
    assert set(f.evidence) <= {*FIELDS}


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-05-21T14:00:00+02:00", True),
        ("2026-05-21T23:59:00+02:00", False),
        ("2026-09-15T00:00:00+00:00", False),  # EU portal midnight: a date, not 02:00
        ("2026-04-24T21:59:59+00:00", False),  # 23:59:59 in Stockholm
        ("2025-09-02T15:00:00+00:00", True),
    ],
)
def test_deadline_has_time(value, expected):
    from callwatch.facts.apply import has_time

    assert has_time(value) is expected
