"""The GDP call data standard adapter (Formas, Forte, Vetenskapsrådet, Vinnova) on real records."""

import json

import pytest

from callwatch.adapters import gdp
from callwatch.errors import ParseError
from tests.conftest import FIXTURES, NOW


def test_gdp_real_records(specs):
    body = (FIXTURES / "gdp" / "formas_utlysningar.json").read_bytes()
    calls = {c.native_id: c for c in gdp.parse(specs["formas"], body, NOW)}
    assert len(calls) == 256
    c = calls["2026-00001"]  # real: "Kommande" in the snapshot, its closing date has passed
    assert c.status == "closed" and (c.opens or "").startswith("2026-01-20")
    assert c.deadlines == ["2026-03-04T23:59:00+01:00"]
    assert c.url.startswith("https://formas.se/soka-finansiering/alla-utlysningar/utlysningar/")
    wrapped = json.dumps({"utlysningar": json.loads(body)}).encode()
    assert len(gdp.parse(specs["formas"], wrapped, NOW)) == 256
    with pytest.raises(ParseError, match="unknown status 'Pausad'"):
        gdp.parse(
            specs["formas"], json.dumps([json.loads(body)[0] | {"status": "Pausad"}]).encode(), NOW
        )
    with pytest.raises(ParseError, match="expected a JSON array"):
        gdp.parse(specs["formas"], b'{"message": "Access denied"}', NOW)
