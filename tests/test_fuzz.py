"""Property-based tests: parsers and the importer never let a traceback escape. Every bad input
ends as a CallwatchError with a one-line message naming the source (or file and line)."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callwatch import importer, sources
from callwatch.errors import CallwatchError
from tests.conftest import FIXTURES, NOW, ROOT

SPECS = {s.id: s for s in sources.load_all(ROOT / "sources")}
SAMPLES = {
    "eu-ft": (FIXTURES / "eu_sedia" / "search_cascade_type8_fundhunt_fixture.json").read_bytes(),
    "vinnova": (FIXTURES / "vinnova" / "ansokningsomgangar_constructed.json").read_bytes(),
    "formas": (FIXTURES / "gdp" / "formas_utlysningar_constructed.json").read_bytes(),
    "interreg": (FIXTURES / "interreg" / "algolia_with_constructed_swedish_hit.json").read_bytes(),
    "tillvaxtverket": (FIXTURES / "web" / "tillvaxtverket" / "call3.html").read_bytes(),
    "energimyndigheten": (FIXTURES / "web" / "energimyndigheten" / "listing.html").read_bytes(),
}
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=20,
)


def parse_ok_or_one_line_error(source: str, body: bytes) -> None:
    from callwatch.adapters import safe_parse

    spec = SPECS[source]
    try:
        calls = safe_parse(spec, body, NOW, "fuzz")
    except CallwatchError as e:
        assert str(e).startswith(f"{source}: ") and "\n" not in str(e)
        return
    for c in calls:
        assert c.title and c.url and c.status in ("open", "closed", "forthcoming", "unknown")


def mutate(data, path_choice, value):
    """Replace one value somewhere in a decoded JSON document."""
    stack = [data]
    nodes = []
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            nodes += [(node, k) for k in node]
            stack += list(node.values())
        elif isinstance(node, list):
            nodes += [(node, i) for i in range(len(node))]
            stack += node
    if nodes:
        container, key = nodes[path_choice % len(nodes)]
        container[key] = value
    return data


@FUZZ
@given(
    source=st.sampled_from(["eu-ft", "vinnova", "formas", "interreg"]),
    choice=st.integers(0, 10_000),
    value=json_values,
)
def test_mutated_json_never_escapes(source, choice, value):
    data = mutate(json.loads(SAMPLES[source]), choice, value)
    parse_ok_or_one_line_error(source, json.dumps(data).encode())


@FUZZ
@given(
    source=st.sampled_from(list(SAMPLES)), cut=st.integers(0, 30_000), junk=st.binary(max_size=64)
)
def test_truncated_or_corrupted_bodies_never_escape(source, cut, junk):
    body = SAMPLES[source]
    parse_ok_or_one_line_error(source, body[: cut % (len(body) + 1)] + junk)


@FUZZ
@given(
    source=st.sampled_from(["eu-ft", "vinnova", "formas", "interreg", "tillvaxtverket"]),
    value=json_values,
)
def test_random_json_never_escapes(source, value):
    parse_ok_or_one_line_error(source, json.dumps(value).encode())


@FUZZ
@given(
    html=st.text(
        alphabet=st.sampled_from(list("<>/=\"' abcdhlipu1234-:åäöStängerÖppnar maj 2026\n")),
        max_size=400,
    )
)
def test_random_html_never_escapes(html):
    parse_ok_or_one_line_error("tillvaxtverket", html.encode())
    parse_ok_or_one_line_error("energimyndigheten", ("<html>" + html).encode())


@FUZZ
@given(
    lines=st.lists(
        st.one_of(st.text(max_size=80), json_values.map(json.dumps)), min_size=1, max_size=6
    )
)
def test_importer_random_lines(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("imp") / "x.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        importer.read(path, NOW)
    except CallwatchError as e:
        assert "\n" not in str(e) and str(path) in str(e)
