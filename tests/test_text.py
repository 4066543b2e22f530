import pytest

from callwatch.text import Vocabulary, tokens


def vocab(*terms):
    v = Vocabulary()
    for t in terms:
        v.add(t, "x", 1.0)
    return v


def found(v, text):
    return sorted({(h.term.text, h.how) for h in v.find(tokens(text), "f")})


@pytest.mark.parametrize(
    "term, text, how",
    [
        ("klimat", "Stöd till klimatanpassningsåtgärder i kommunen", "compound"),
        ("bostad", "Bostadsförsörjning i växande kommuner", "compound"),
        ("trafik", "Satsning på kollektivtrafiken", "compound"),
        ("transport", "de transportpolitiska målen", "compound"),
        ("digitalisering", "Digitaliseringen av välfärden", "exact"),
        ("housing", "affordable housing for all", "exact"),
        ("renovation", "deep renovations of buildings", "exact"),
        ("cirkulär", "cirkulära affärsmodeller", "exact"),
    ],
)
def test_terms_match_inflections_and_compounds(term, text, how):
    assert (term, how) in found(vocab(term), text)


def test_short_terms_match_whole_words_only():
    v = vocab("unga")
    assert found(v, "stöd till unga vuxna") == [("unga", "exact")]
    assert found(v, "tunga fordon") == []


def test_phrases_match_word_by_word_with_stems():
    v = vocab("smart stad", "climate adaptation")
    assert ("smart stad", "exact") in found(v, "Mot en smart stad 2030")
    assert ("climate adaptation", "exact") in found(
        v, "Climate Adaptation of the built environment"
    )
    assert found(v, "smart och hållbar stad") == []


def test_hyphenated_terms():
    v = vocab("net-zero", "e-tjänst")
    assert ("net-zero", "exact") in found(v, "towards net zero cities")
    assert ("e-tjänst", "exact") in found(v, "nya e-tjänster för invånare")


def test_spelling_variants_are_fuzzy():
    v = vocab("energieffektivisering")
    assert found(v, "stöd för energieffektivisring") == [("energieffektivisering", "fuzzy")]
