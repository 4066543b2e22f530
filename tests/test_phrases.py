import pytest

from callwatch.phrases import region_name


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
