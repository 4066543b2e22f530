import pytest

from callwatch import rules as rules_mod
from callwatch.match import Matcher, score
from tests.conftest import RULES


@pytest.fixture(scope="module")
def matcher():
    return Matcher(rules_mod.load(RULES))


def themes_of(matcher, **fields):
    return {t: s.score for t, s in score(matcher.analyse(fields), {}).items()}


def test_swedish_climate_call(matcher):
    t = themes_of(
        matcher,
        title="Nu kan kommuner söka pengar för klimatanpassningsåtgärder",
        description="Skyfall och översvämningar kräver förebyggande åtgärder i kommunen.",
    )
    assert t["klimat"] > 0.7
    assert max((v for k, v in t.items() if k != "klimat"), default=0) < 0.3


def test_english_mobility_and_dialogue(matcher):
    t = themes_of(
        matcher,
        title="Call for Proposals: Citizen Engagement in urban mobility",
        description="Public transport and cycling solutions co-created with citizens.",
    )
    assert t["mobilitet"] > 0.6 and t["medborgardialog"] > 0.6


def test_title_counts_more_than_description(matcher):
    in_title = themes_of(matcher, title="Cirkulär ekonomi i kommunen", description="Ett projekt.")
    in_text = themes_of(matcher, title="Ett projekt", description="Cirkulär ekonomi i kommunen.")
    assert in_title["konsumtion"] > in_text["konsumtion"] > 0


def test_long_texts_saturate(matcher):
    short = themes_of(matcher, title="Klimatneutrala städer", description="")
    long = themes_of(
        matcher,
        title="Klimatneutrala städer",
        description=" ".join(["klimat energi utsläpp"] * 200),
    )
    assert long["klimat"] <= 1.0 and long["klimat"] - short["klimat"] < 0.6


def test_exclusion_phrase_cuts_theme(matcher):
    t = themes_of(
        matcher,
        title="Individual mobility within 6G",
        description="Individual mobility (staff exchange) for 6G research collaborations.",
    )
    assert t.get("mobilitet", 0) < 0.2 and t["digitalisering"] > 0.2


def test_evidence_names_term_and_field(matcher):
    ev = score(matcher.analyse({"title": "Smart stad och öppna data", "description": ""}), {})
    terms = {(e[0], e[1]) for e in ev["digitalisering"].evidence}
    assert ("smart stad", "title") in terms and ("öppna data", "title") in terms


@pytest.mark.parametrize(
    "eligibility, verdict",
    [
        ("Kommuner och regioner kan söka stödet.", "eligible"),
        ("Public authorities, local authorities and NGOs may apply.", "eligible"),
        (
            "Innovationsdrivna svenska aktiebolag. Huvudsökande ska vara ett företag.",
            "not eligible",
        ),
        ("Du som enskild forskare med svensk doktorsexamen kan söka.", "not eligible"),
        ("Projektet ska ha minst två parter.", "unclear"),
    ],
)
def test_eligibility(matcher, eligibility, verdict):
    a = matcher.analyse({"title": "Utlysning", "eligibility": eligibility})
    assert a.eligibility == verdict, a.eligibility_evidence


@pytest.mark.parametrize(
    "description, verdict",
    [
        # real Forte record (GDP 2024-02422) with its grant form
        (
            "Utlysning av bidrag för etablering som unga forskare\n\nBidragsformer:\n"
            "- Etableringsbidrag (Karriärstöd): Bidrag till juniora forskare för att främja "
            "etablering och självständighet inom forskningen.",
            "not eligible",
        ),
        # real Energimyndigheten listing card
        (
            "Affärsutveckling Är ni ett företag som vill utveckla och verifiera er lösning "
            "tillsammans med en potentiell kund?",
            "not eligible",
        ),
        # real Forte record (GDP 2022-01392) with its grant form
        (
            "Den forskning som stöds ska vara av hög vetenskaplig kvalitet.\n\nBidragsformer:\n"
            "- Projektbidrag (Projektstöd): Bidrag för genomförandet av ett forskningsprojekt i "
            "enlighet ansökan och utlysningens syfte",
            "not eligible",
        ),
        # real Energimyndigheten card: a competence centre is a research environment that
        # municipalities take part in; one such phrase alone does not decide
        (
            "Nu kan du söka stöd för att etablera ett kompetenscentrum – en stark och långsiktig "
            "forskningsmiljö för ett motståndskraftigt och fossilfritt energisystem.",
            "unclear",
        ),
        ("Kommuner kan söka i samverkan med forskare vid ett lärosäte.", "eligible"),
        # a university as a partner of public applicants does not outweigh them
        ("Offentliga aktörer kan söka tillsammans med ett svenskt lärosäte.", "eligible"),
        ("Forskningsprojekt om välfärd och hälsa.", "unclear"),
        # real Energimyndigheten card: "regionen" is a place, counted once (not as "region"
        # and "regioner"), and the text addresses companies throughout
        (
            "Affärsutveckling Vill du etablera ditt företag på en av världens mest dynamiska "
            "tillväxtmarknader? Genom Business Accelerator Programme Southeast Asia (BAPSEA) får "
            "svenska små och medelstora företag med innovativa lösningar inom energi och "
            "hållbarhet stöd att ta steget in i regionen.",
            "not eligible",
        ),
        # real Forte record (GDP 2025-01812): a centre grant builds a research environment
        (
            "Utlysningen syftar till att utveckla starka och dynamiska forskningsmiljöer.\n\n"
            "Bidragsformer:\n- Centrumbidrag: Centrumbidrag syftar till att utveckla starka och "
            "dynamiska forskningsmiljöer.",
            "not eligible",
        ),
        # real Forte record (GDP 2025-02074): research together with the services a
        # municipality runs
        (
            "Utlysningen syftar till att främja långsiktig kunskapsuppbyggnad och utveckling inom "
            "socialtjänstens verksamhetsområden samt stärka samverkan mellan forskning och "
            "praktik.",
            "eligible",
        ),
        # real Jämställdhetsmyndigheten page (pool_fresh3): "-myndigheten" is the funder
        (
            "Jämställdhetsmyndigheten fördelar statsbidrag till ideella föreningar och stiftelser "
            "för att driva jämställdhetsprojekt.",
            "not eligible",
        ),
        # real Stockholms stad and Malmö stad pages (pool_fresh4): a city's grants to associations
        ("Föreningar och organisationer i stadsdelsområdet kan ansöka om föreningsstöd.", "not eligible"),
        ("Lokala och idéburna organisationer med verksamhet inom det sociala området kan söka.", "not eligible"),
        # real Skolverket page: school principals are mostly municipalities
        ("Bidragsramen visar vilka skolhuvudmän som kan ta del av statsbidraget.", "eligible"),
        # found in review: "enskilda forskare" (negative) and "enskild forskare" (strong) cover
        # the same words; the strong one decides
        ("Bidraget kan sökas av enskilda forskare. Kommuner kan vara samarbetspartner.", "not eligible"),
        # real municipal grant pages (pool_fresh5): the municipality named is the funder
        ("Ideella föreningar med säte i Umeå kommun kan söka bidrag ur kulturpotten.", "not eligible"),
        ("Kommunen inför ett tillfälligt bidrag där föreningar kan ansöka om ersättning.", "unclear"),
        ("Kommuner och regioner kan söka stödet.", "eligible"),
        ("En kommun kan söka tillsammans med en förening.", "eligible"),
        # real Business Finland page (pool_fresh5): research organisations and companies only
        (
            "In a Co-Creation project, research organizations and companies cooperate on "
            "developing a research idea. Funding for research organizations for developing a joint "
            "research idea between a research organization and companies.",
            "not eligible",
        ),
        # real Vinnova record: the same kinds listed next to public bodies take nothing from them
        ("The call for proposals is open to Swedish companies, public organisations and research organizations.", "eligible"),
        # real UKRI page (pool_fresh8): a research call submitted by a research organisation
        (
            "Collaborative community research to tackle health inequalities. Applications should "
            "be prepared and submitted by the lead research organisation.",
            "not eligible",
        ),
        # real Umeå kommun page (pool_fresh5) naming only associations is not settled by them alone
        ("För kulturföreningar som har för avsikt att genomföra enskilda projekt.", "unclear"),
    ],
)  # fmt: skip
def test_eligibility_read_from_the_description(matcher, description, verdict):
    a = matcher.analyse({"title": "Utlysning", "description": description})
    assert a.eligibility == verdict, a.eligibility_evidence


def test_other_senses_claim_only_their_words(matcher):
    # real Forte record (GDP 2024-02422): young researchers' careers are not young people
    t = themes_of(
        matcher,
        title="Etableringsbidrag 2025",
        description="Bidrag för etablering som unga forskare.",
    )
    assert "social-hallbarhet" not in t
    a = matcher.analyse({"title": "Stöd till unga forskare och till unga i föreningslivet"})
    assert any(term.startswith("ungdomar | unga") for term in a.hits["social-hallbarhet"])
    # an English coordination: animal health and (animal) welfare is not social welfare
    t = themes_of(matcher, title="Supporting the Future of Animal Health and Welfare")
    assert "social-hallbarhet" not in t
    # real Forte record (GDP 2022-01173): open access publishing is not accessible transport
    t = themes_of(
        matcher, title="Tidskriftsbidrag", description="Stöd till open access tidskrifter."
    )
    assert "mobilitet" not in t
    # real Forte record (GDP 2024-01565): accessible research data is not accessible transport
    t = themes_of(
        matcher, title="Projektbidrag för nya, förbättrade och tillgängliga forskningsdata"
    )
    assert "mobilitet" not in t
    # real Energimyndigheten card: heat recovery is energy efficiency, not recycling
    t = themes_of(
        matcher,
        title="Svenska lösningar för värmeåtervinning kan få upp till 100 000 USD i stöd",
    )
    assert "konsumtion" not in t and "klimat" in t
    # real Energimyndigheten cards: a life cycle is not cycling, the funder's name is not
    # energy, a secure energy supply is not social safety
    t = themes_of(matcher, title="Forskningsmedel för kärnkraftens livscykel och förutsättningar")
    assert "mobilitet" not in t and t["klimat"] > 0.3
    t = themes_of(
        matcher,
        title="Impact Innovation: Förberedelseprojekt för en reformerad offentlig sektor",
        description="Energimyndigheten, Formas och Vinnova utlyser medel.",
    )
    assert "klimat" not in t
    t = themes_of(
        matcher, title="Pilot", description="Projekt som bidrar till en trygg energiförsörjning."
    )
    assert "social-hallbarhet" not in t and t["klimat"] > 0.3


def test_municipality_keywords_are_found(matcher):
    a = matcher.analyse(
        {"title": "Klimatpositiva Rosendal", "description": "Uppsala kommun bygger."}
    )
    assert "Rosendal" in a.profiles["uppsala"]["k"]


def test_login_boilerplate_is_not_digitalisation(matcher):
    t = themes_of(
        matcher,
        title="Stöd till föreningar",
        description="Logga in i e-tjänsten för att ansöka. Vi använder kakor på webbplatsen.",
    )
    assert "digitalisering" not in t


def test_vasternorrland_is_not_norrland(matcher):
    a = matcher.analyse({"title": "Utlysning för Västernorrland", "description": ""})
    assert "Norrland" not in a.profiles.get("umea", {}).get("k", [])
    a = matcher.analyse({"title": "Utlysning för hela Norrland", "description": ""})
    assert "Norrland" in a.profiles["umea"]["k"]


def test_energi_and_energy_are_one_piece_of_evidence(matcher):
    a = matcher.analyse(
        {"title": "Call", "description": "Energi för kommuner. Energy for municipalities."}
    )
    assert len(a.hits["klimat"]) == 1
    (entry,) = a.hits["klimat"].values()
    assert sum(entry["fields"].values()) == 2  # two occurrences, one concept


def test_civil_society_alone_is_not_citizen_dialogue(matcher):
    t = themes_of(
        matcher,
        title="Cirkulär ekonomi i kommunen",
        description="Kommuner, företag och civilsamhället arbetar med återbruk.",
    )
    assert t.get("medborgardialog", 0) < 0.3 < t["konsumtion"]


def test_sustainable_diets_are_consumption(matcher):
    # real Formas record (GDP 2025-03056)
    t = themes_of(
        matcher,
        title="FutureFoodS - Accelerating Food Sustainability",
        description="FutureFoodS - Accelerating Food Sustainability - through Household Dietary "
        "Shifts, Trust and Transparency, and Innovations in Circular Food Processing Systems",
    )
    assert t["konsumtion"] > 0.6


@pytest.mark.parametrize(
    "text, counted",
    [
        ("Kommuner och regioner kan söka.", True),
        ("Regionerna kan söka stödet.", True),
        ("Region Skåne kan söka.", True),
        # places and adjectives are no applicant (real Trafikverket and Länsstyrelsen pages)
        ("Från den 25 maj 2018 kan regionala kollektivtrafikmyndigheter söka bidrag.", False),
        ("Pengar att söka för regional utveckling i länet.", False),
        ("Stöd att ta steget in i regionen.", False),
    ],
)
def test_regions_count_only_as_written(matcher, text, counted):
    a = matcher.analyse({"title": "Utlysning", "description": text})
    assert any("'region" in e for e in a.eligibility_evidence) is counted, a.eligibility_evidence


def test_literal_terms_count_only_as_written(matcher):
    # real NeIC call (pool_fresh2): training is not a train
    t = themes_of(
        matcher, title="Training grants", description="Researchers can apply for training."
    )
    assert "mobilitet" not in t
    assert "mobilitet" not in themes_of(matcher, title="The project will train municipal staff")
    a = matcher.analyse({"title": "More trains on regional lines"})
    assert any(t.startswith("trains") for t in a.hits["mobilitet"])
    # real Erasmus+ page (pool_fresh4): "partnerships" holds no ships
    t = themes_of(matcher, title="Partnerships for cooperation in adult education")
    assert "mobilitet" not in t
    assert "mobilitet" in themes_of(matcher, title="Autonomous ships in short sea shipping")


def test_democracy_conditions_are_not_democracy(matcher):
    # real Socialstyrelsen page (pool_fresh2): the conditions every civil-society grant carries
    t = themes_of(
        matcher,
        title="Motverka ofrivillig ensamhet",
        description="Organisationen ska uppfylla demokrativillkoren enligt förordningen.",
    )
    assert "medborgardialog" not in t


def test_bus_only_as_written(matcher):
    # real Husbanken and Vinnova pages (pool_fresh3): "bustad" (Nynorsk: a dwelling) and
    # "businesses" are no bus; the Nynorsk dwelling is housing
    t = themes_of(matcher, title="Tilskot til bustadtiltak")
    assert "mobilitet" not in t and t["bostadsbyggande"] > 0.5
    t = themes_of(matcher, title="Medtech4Health: Competence Enhancement in Small Businesses 2025")
    assert "mobilitet" not in t
    a = matcher.analyse({"title": "New buses for rural lines"})
    assert any(t.startswith("bus |") for t in a.hits["mobilitet"])


def test_myndigheter_counts_as_written(matcher):
    # the literal phrase still counts where it is written (the funder's name: see
    # test_eligibility_read_from_the_description)
    a = matcher.analyse({"title": "Utlysning", "description": "Myndigheter kan söka."})
    assert any("myndigheter" in e for e in a.eligibility_evidence)


def test_secured_water_supply_is_not_social_safety(matcher):
    # real Havs- och vattenmyndigheten page (pool_fresh3)
    t = themes_of(matcher, title="Bidrag till åtgärder för en tryggad tillgång till dricksvatten")
    assert "social-hallbarhet" not in t


@pytest.mark.parametrize(
    "title",
    [
        "Regenerative medicine for blood vessels",
        "Flygfoton och laserdata för digitala tvillingar",
        "Unga som hamnar i utanförskap",
    ],
)
def test_words_of_other_trades_are_no_transport(matcher, title):
    # found in review: blood vessels, aerial imagery and the verb "hamnar" are not transport
    assert "mobilitet" not in themes_of(matcher, title=title)


def test_eating_habits_alone_are_no_consumption(matcher):
    # found in review: a public-health call on children's eating habits
    assert "konsumtion" not in themes_of(matcher, title="Barns matvanor och fysisk aktivitet")
    assert "konsumtion" in themes_of(matcher, title="Klimatsmarta matvanor i skolan")


def test_co_creation_between_organisations_weighs_less_than_with_residents(matcher):
    # real Formas call title (pool_fresh3): co-creation of a sector's companies and researchers
    sector = themes_of(
        matcher,
        title="Co-created innovations for a competitive food sector and sustainable transitions",
    )
    residents = themes_of(matcher, title="Co-creation with residents in urban planning")
    assert sector["medborgardialog"] < residents["medborgardialog"]
    assert sector["medborgardialog"] < 0.85


def test_alone_phrases_beside_a_positive_one_are_shown_as_uncounted(matcher):
    # real Vinnova record: companies and research organisations listed next to public bodies
    a = matcher.analyse(
        {
            "title": "Utlysning",
            "description": "The call for proposals is open to Swedish companies, public "
            "organisations and research organizations.",
        }
    )
    assert a.eligibility == "eligible"
    assert "- 'companies' (description, uncounted)" in a.eligibility_evidence
    assert "+ 'public organisations' (description)" in a.eligibility_evidence


def test_uncounted_phrases_come_after_the_ones_that_counted(matcher):
    # found in review: the eligibility section is read first, so its [alone] phrases came
    # before the deciding positive phrase and filled explain's two-line "why"
    a = matcher.analyse(
        {
            "title": "Utlysning",
            "eligibility": "Research organisations and companies.",
            "description": "Kommuner kan söka.",
        }
    )
    assert a.eligibility == "eligible"
    assert a.eligibility_evidence[0] == "+ 'kommuner' (description)"
    assert all("uncounted" in e for e in a.eligibility_evidence[1:])


def test_alone_phrases_without_a_positive_one_count_and_are_not_marked(matcher):
    a = matcher.analyse(
        {
            "title": "Utlysning",
            "description": "Funding for research organisations and companies.",
        }
    )
    assert a.eligibility == "not eligible"
    assert not any("uncounted" in e for e in a.eligibility_evidence)


def test_uncounted_evidence_reads_in_swedish():
    from callwatch.show_text import evidence_line

    line = "- 'companies' (description, uncounted)"
    assert evidence_line(line, "sv") == "- 'companies' (beskrivning, räknas inte)"
    assert evidence_line(line, "en") == line


@pytest.mark.parametrize(
    "title",
    [
        # real NSF programme title (pool_fresh8)
        "Smart and Connected Communities (S&CC) – NSF 22-529",
        # the Norwegian and Danish words for welfare technology
        "Tilskudd til velferdsteknologi i kommunene",
        "Pulje til velfærdsteknologi",
    ],
)
def test_digitalisation_in_other_words(matcher, title):
    assert themes_of(matcher, title=title)["digitalisering"] > 0.5
