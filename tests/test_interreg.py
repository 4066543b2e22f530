"""The interreg.eu adapter: only calls open to Swedish regions are kept."""

from callwatch.adapters import interreg
from tests.conftest import FIXTURES, NOW


def test_interreg_keeps_swedish_calls(specs):
    real = (FIXTURES / "interreg" / "algolia_calls_sudoe_fundhunt_fixture_hit1.json").read_bytes()
    calls, hits = interreg.parse_all(specs["interreg"], real, NOW, "x")
    assert hits == 1 and calls == []  # the real SUDOE call is not open to Sweden
    both = (FIXTURES / "interreg" / "algolia_with_constructed_swedish_hit.json").read_bytes()
    [c] = interreg.parse(specs["interreg"], both, NOW)
    assert c.title == "Interreg Aurora Call 6: regular projects"
    assert c.extra["nuts"] == ["SE331", "SE332"] and "Västerbottens län" in c.extra["regions"]
    assert "Local public authority" in c.extra["target_audience"]
