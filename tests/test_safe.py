"""The output-safety functions, one per format (callwatch/safe.py)."""

from callwatch import safe


def test_text_removes_escapes_controls_and_direction_overrides():
    assert safe.text("a\x1b[31mb\x1b]0;title\x07c\u202ed\x9b\x00e") == "abc d e"
    assert safe.text("a\r\nb\tc", multiline=True) == "a\nb c"
    assert safe.text("line\nbreak") == "line break"


def test_terminal_is_plain_text():
    t = safe.terminal("[/b] [link=https://x.example]y[/link]")
    assert t.plain == "[/b] [link=https://x.example]y[/link]" and not t.spans


def test_csv_cell_neutralises_formulas():
    for s in ("=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", " =1"):
        assert str(safe.csv_cell(s)).startswith("'"), s
    assert safe.csv_cell("Klimat") == "Klimat" and safe.csv_cell(-3) == -3
    assert safe.csv_cell("a\nb") == "a\nb"


def test_md_html_url():
    assert safe.md("[x](javascript:y) <b>") == "\\[x\\](javascript:y) \\<b\\>"
    assert safe.md("# h") == "\\# h"
    assert "<" not in safe.html("<script>") and "&quot;" in safe.html('"')
    assert safe.url("javascript:alert(1)") is None
    assert safe.url("https://a.example/x\n# h") is None
    assert safe.url("https://a.example/\u202ex") is None
    assert safe.url("https://a.example/(x)") == "https://a.example/%28x%29"


def test_json_dumps_escapes_terminal_controls_and_stays_valid():
    import json

    s = safe.json_dumps({"t": "a\x9bb\u202ec"})
    assert "\x9b" not in s and "\u202e" not in s and json.loads(s) == {"t": "a\x9bb\u202ec"}


def test_console_reads_markup_only_when_asked_and_data_is_escaped(capsys):
    from callwatch import output

    con = output.console()
    con.print("[bold]x[/bold] [/b]")  # plain text: shown as written, no crash
    con.print(f"[bold]{safe.markup('[/b] [link=https://e.example]y')}[/bold]\x1b[2J", markup=True)
    out = capsys.readouterr().out
    assert "[bold]x[/bold] [/b]" in out and "[/b] [link=https://e.example]y" in out
    assert "\x1b" not in out and "[bold]" not in out.splitlines()[1]
