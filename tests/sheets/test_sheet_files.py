"""Sheets of file sources (the Georgia counties, hostile synthetic names), the PDF, and
the ``territorial sheet`` command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from territorial.cli import app

from .conftest import georgia_path, read_sheet

runner = CliRunner()
GEORGIA_OPTIONS = ["--code", "AreaKey", "--name", "AreaKey", "--population", "TotPop90",
                   "--crs", "26916", "--indicators", "PctRural,PctBach,PctEld,PctPov"]  # fmt: skip


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_hostile_names_stay_inert(hostile_file, tmp_path):
    from territorial.sheets import sheet_content, write_sheet
    from territorial.sources import open_source

    source = open_source(str(hostile_file), code="id", name="nom", population="pop")
    for code, name in [("z0", "<script>alert(1)</script>"), ("z1", "{{7*7}}"),
                       ("z3", "</main><b>x</b>"), ("z6", "{{ cycler.__init__.__globals__.os."
                                                          "getpid() }}")]:  # fmt: skip
        content = sheet_content(source, code, lang="en", indicators=["shops", "parks"])
        out = write_sheet(content, tmp_path / f"{code}.html")
        html = out.read_text(encoding="utf-8")
        page = read_sheet(html)
        assert page.fields["name"] == name  # shown literally, as text
        assert page.tags.count("script") == 0 and page.tags.count("main") == 1
        assert page.tags.count("b") == html.count("<b>")  # only the template's own <b>
        assert "<script>alert" not in html
        if code == "z0":
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "49" not in re.sub(r"[\d.,]+\s*(km²|%)", "", page.fields["name"])


def test_a_file_sheet_says_nothing_french_and_compares_with_the_set(tmp_path):
    import pandas as pd

    from territorial.sheets import sheet_content
    from territorial.sources import open_source

    source = open_source(georgia_path(), code="AreaKey", name="AreaKey",
                         population="TotPop90", crs=26916)  # fmt: skip
    ids = ["PctRural", "PctBach", "PctEld", "PctPov"]
    content = sheet_content(source, "13121", lang="en", indicators=ids)
    assert [k for k, _ in content.columns] == ["value", "whole"]
    assert content.references == ["the 159 territories of the set"]
    assert content.history is None and content.sectors == [] and content.profiles == []
    table = pd.DataFrame({c: source.territories[c] for c in ids})
    rows = {r.id: r for _, rows in content.themes for r in rows}
    for indicator in ids:
        value, median = rows[indicator].cells
        assert value.value == pytest.approx(float(table.at["13121", indicator]))
        assert median.value == pytest.approx(float(table[indicator].median()))
        rank = (table[indicator] <= table.at["13121", indicator]).mean()
        assert rows[indicator].percentile == pytest.approx(rank, abs=1 / 159)
    from territorial.render.sheet import render_sheet

    html = render_sheet(content)
    text = "".join(read_sheet(html).text_parts)
    for word in ("France", "hab.", "Atouts", "commune", "INSEE", "département"):
        assert word not in text, word


@pytest.mark.realdata
def test_the_pdf_is_one_a4_page(level_inputs, tmp_path):
    from territorial.render.sheet.pdf import chromium_path
    from territorial.sheets import sheet_content, write_sheet

    try:
        chromium_path()
    except FileNotFoundError:
        pytest.skip("no chromium")
    for code, lang in (("200046977", "fr"), ("244400610", "en")):
        out = write_sheet(sheet_content(level_inputs("epci"), code, lang=lang),
                          tmp_path / f"{code}.pdf")  # fmt: skip
        pdf = out.read_bytes()
        assert pdf.startswith(b"%PDF-") and _pages(pdf) == 1
        box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
        assert box and abs(float(box[1]) - 595.3) < 2 and abs(float(box[2]) - 841.9) < 2


def test_no_chromium_is_a_clear_error(monkeypatch, tmp_path):
    from territorial.render.sheet.pdf import ChromiumNotFoundError, print_pdf

    monkeypatch.setenv("TERRITORIAL_CHROMIUM", str(tmp_path / "nothing"))
    with pytest.raises(ChromiumNotFoundError) as error:
        print_pdf("<p>x</p>", tmp_path / "x.pdf")
    assert str(error.value) == (
        f"Chromium is needed to print a sheet to PDF and was not found at "
        f"{str(tmp_path / 'nothing')!r}. Install it (sudo apt-get install -y chromium, or "
        "scripts/setup_system.sh), point TERRITORIAL_CHROMIUM at a Chromium, or write the "
        "sheet as .html."
    )
    assert not (tmp_path / "x.pdf").exists()


def test_the_command_writes_a_file_sheet(tmp_path):
    out = tmp_path / "fulton.html"
    result = runner.invoke(app, ["sheet", georgia_path(), "13121", *GEORGIA_OPTIONS,
                                 "-o", str(out), "--lang", "en"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert read_sheet(out.read_text(encoding="utf-8")).fields["code"] == "13121"
    assert [p.name for p in tmp_path.iterdir()] == ["fulton.html"]  # no temporary left


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["france:epci", "200046977", "-o", "x.docx"],
            "error: --output='x.docx' has an unsupported format. Use a file ending in one of: "
            ".html, .pdf.\n",
        ),
        (
            ["france:epci", "200046977", "-o", "x.html", "--lang", "de"],
            "error: --lang='de' is not valid",
        ),
        (["france:quartier", "1", "-o", "x.html"], "error: SOURCE='france:quartier' is not valid"),
        (
            ["france:epci", "200046977", "-o", "x.html", "--indicators", "density"],
            "error: --indicators='density' is not valid: expected nothing with france:epci",
        ),
    ],
)
def test_the_command_refuses_bad_input_in_one_line(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["sheet", *args])
    assert result.exit_code == 2
    assert result.output.startswith(message), result.output
    assert "Traceback" not in result.output and not Path("x.html").exists()
