import shutil

import pytest

from callwatch import rules as rules_mod
from callwatch.errors import ConfigError, NotFoundError
from tests.conftest import RULES, profile_ids, theme_ids


@pytest.fixture(scope="module")
def rules():
    return rules_mod.load(RULES)


def test_all_rules_load(rules):
    """What rules/ holds is what loads: every themes.toml table, every kommuner/*.toml file."""
    assert sorted(rules.themes) == theme_ids()
    assert set(rules_mod.THEME_IDS_REQUIRED) <= set(rules.themes)
    assert sorted(rules.profiles) == profile_ids()


@pytest.mark.parametrize("pid", profile_ids())
def test_every_profile_is_complete(rules, pid):
    p = rules.profiles[pid]
    assert p.name and p.nuts.startswith("SE"), pid
    assert p.weights and set(p.weights) <= set(rules.themes), pid
    assert rules.profile(p.name).id == pid  # found by its own name


@pytest.mark.parametrize("tid", theme_ids())
def test_every_theme_is_complete(rules, tid):
    t = rules.themes[tid]
    assert t.label_sv and t.label_en and len(t.terms) >= 20, tid
    assert t.scope_in and t.scope_out, tid
    assert any("Agenda 2030" in r for r in t.references), tid
    assert any("EuroVoc" in r for r in t.references), tid
    assert len(t.topics) >= 3, tid
    assert rules.theme(t.label_sv).id == tid  # found by its own label


@pytest.mark.parametrize(
    "name, expected",
    [
        ("umea", "umea"),
        ("Umeå", "umea"),
        ("UMEÅ KOMMUN", "umea"),
        ("Vasteras", "vasteras"),
        ("Skånes Kommuner", "kommunforbundet-skane"),
        ("kommunförbundet skåne", "kommunforbundet-skane"),
    ],
)
def test_lenient_municipality_names(rules, name, expected):
    assert rules.profile(name).id == expected


@pytest.mark.parametrize(
    "name, expected",
    [
        ("social hållbarhet", "social-hallbarhet"),
        ("Social sustainability", "social-hallbarhet"),
        ("klimat", "klimat"),
        ("Mobility", "mobilitet"),
    ],
)
def test_lenient_theme_names(rules, name, expected):
    assert rules.theme(name).id == expected


def test_unknown_name_suggests(rules):
    with pytest.raises(NotFoundError, match="did you mean 'Umeå'"):
        rules.profile("Umeo")
    with pytest.raises(NotFoundError, match="unknown theme"):
        rules.theme("space travel")


def _copy(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


@pytest.mark.parametrize(
    "file, old, new, message",
    [
        (
            "themes.toml",
            '"digital | digitala | digitalt" = 2',
            '"digital | digitala | digitalt" = "two"',
            "themes.toml: key 'digitalisering.terms.digital-omstallning.\"digital | digitala | digitalt\"'",
        ),
        ("themes.toml", "[klimat]", "[klimat", "themes.toml: invalid TOML"),
        (
            "themes.toml",
            '  "social mobility",',
            '  "cykel | social mobility",',
            "themes.toml: key 'mobilitet.other_senses': 'cykel' is also a term",
        ),
        ("kommuner/umea.toml", "klimat = 0.9", "klimat = 1.9", "umea.toml: key 'themes.klimat'"),
        (
            "kommuner/umea.toml",
            "konsumtion = 0.4",
            "konsumption = 0.4",
            "umea.toml: key 'themes.konsumption'",
        ),
        (
            "eligibility.toml",
            '"kommun" = 3',
            '"kommun" = -3',
            "eligibility.toml: key 'positive.\"kommun\"'",
        ),
        (
            "themes.toml",
            '  "bus | buses | tram | trams | metro",',
            '  "bus | buzzes",',
            "themes.toml: key 'mobilitet.literal': 'bus | buzzes' is not a term of 'mobilitet'",
        ),
        (
            "eligibility.toml",
            'phrases = ["kommun", "kommuner", "kommunerna", "region", "regioner", "regionerna", "myndigheter"]',
            'phrases = ["region", "regionala"]',
            "eligibility.toml: key 'literal.phrases': 'regionala' is not a phrase of 'positive' or 'negative'",
        ),
        (
            "eligibility.toml",
            '  "förening", "trossamfund",',
            '  "kommuner", "trossamfund",',
            "eligibility.toml: key 'alone.phrases': 'kommuner' is not a phrase of 'negative'",
        ),
        (
            "eligibility.toml",
            '  "förening", "trossamfund",',
            '  "förening", "trossamfund", "only companies",',
            "eligibility.toml: key 'alone.phrases': 'only companies' is also in 'strong'",
        ),
        (
            "eligibility.toml",
            'phrases = [\n  "förening", "trossamfund",',
            'phrases = "förening"\nx = [\n  "förening", "trossamfund",',
            "eligibility.toml: key 'alone.phrases' must be a list of non-empty strings",
        ),
    ],
)
def test_broken_rules_name_file_and_key(tmp_path, file, old, new, message):
    folder = _copy(tmp_path)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        rules_mod.load(folder)
    assert message in str(e.value)


def test_hash_changes_with_any_file(tmp_path):
    folder = _copy(tmp_path)
    before = rules_mod.load(folder).hash
    p = folder / "kommuner" / "uppsala.toml"
    p.write_text(
        p.read_text(encoding="utf-8").replace("klimat = 1.0", "klimat = 0.9"), encoding="utf-8"
    )
    assert rules_mod.load(folder).hash != before


def test_mobility_sub_topics(rules):
    assert {"kollektivtrafik", "cykel-och-gang", "gods-och-logistik", "elektrifiering"} <= set(
        rules.themes["mobilitet"].topics
    )


@pytest.mark.parametrize(
    "addition, message",
    [
        (
            '\n[konsumtion.terms.extra]\n"återbruk | flea markets" = 3\n',
            "'återbruk' is listed twice",
        ),
        ('\n[konsumtion.terms.extra]\n"plast" = 9\n', 'konsumtion.terms.extra."plast"'),
    ],
)
def test_theme_term_errors_name_the_sub_topic(tmp_path, addition, message):
    folder = _copy(tmp_path)
    path = folder / "themes.toml"
    path.write_text(path.read_text(encoding="utf-8") + addition, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        rules_mod.load(folder)


def test_theme_scope_must_be_text(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "themes.toml"
    text = path.read_text(encoding="utf-8").replace('scope.out = "Consumption', 'scope.out = 3 # "')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="konsumtion.scope"):
        rules_mod.load(folder)
