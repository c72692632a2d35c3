"""The ``territorial web`` command (on a bare app: the lead registers it in the main one)."""

from __future__ import annotations

import html
import json
import os
import re

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from territorial.cli import web
from territorial.files import atomic_path

runner = CliRunner()


def make_app() -> typer.Typer:
    app = typer.Typer()
    web.register(app)

    @app.command("noop")
    def noop() -> None:  # a second command keeps "web" as a sub-command
        """Nothing."""

    return app


def test_unknown_source_and_format_are_clear_errors(tmp_path):
    app = make_app()
    result = runner.invoke(app, ["web", "data.gpkg", "density", "-o", str(tmp_path / "a.html")])
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == (
        "error: SOURCE='data.gpkg' is not valid: expected france:LEVEL (e.g. france:commune). "
        "Other sources: build the page in Python with territorial.render.web.web_map."
    )
    result = runner.invoke(
        app, ["web", "france:departement", "density", "-o", str(tmp_path / "a.png")]
    )
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == (
        f"error: --output={str(tmp_path / 'a.png')!r} has an unsupported format. "
        "Use a file ending in one of: .html, .htm."
    )
    result = runner.invoke(app, ["web", "france:ville", "density", "-o", str(tmp_path / "a.html")])
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == (
        "error: SOURCE='france:ville' is not valid: expected france:LEVEL with LEVEL one of "
        "arrondissement, commune, canton, circonscription, epci, departement, region. "
        "For example france:commune."
    )


@pytest.mark.realdata
def test_web_departements_page(tmp_path):
    out = tmp_path / "deps.html"
    result = runner.invoke(
        make_app(),
        ["web", "france:departement", "density", "women_councillors_share", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "101 territories drawn" in result.output
    text = out.read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', text, re.S)
    data = json.loads(match.group(1))
    assert [layer["id"] for layer in data["layers"]] == ["density", "women_councillors_share"]
    assert data["layers"][0]["label"] == "Densité de population"
    assert data["layers"][0]["unit"] == "hab./km²"
    assert data["peers"]["column"] == "region"
    assert "Île-de-France" in data["peers"]["labels"]  # ranks among the région's départements
    assert data["parents"][0]["label"] == "Limites\u00a0: régions"
    assert (
        data["title"]
        == "Densité de population, Part des femmes parmi les conseillers municipaux (départements)"
    )
    paris = data["codes"].index("75")
    assert data["names"][paris] == "Paris"


def _payload(text: str) -> dict:
    match = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', text, re.S)
    return json.loads(match.group(1))


def _upper_bound(label: str) -> tuple[float, int]:
    """The upper bound of a French legend label ('45 – 66 hab./km²') and its decimals."""
    upper = label.split(" – ")[1].split("\u00a0")[0].replace("\u202f", "")
    decimals = len(upper.split(",")[1]) if "," in upper else 0
    return float(upper.replace(",", ".")), decimals


def _fake_frame(monkeypatch, grid):
    """Replace the France computation by the synthetic jagged grid (v1, v2; 'region' groups)."""
    calls = []
    frame = grid.assign(region=grid["dep"])

    def fake(level, indicators):
        calls.append((level, indicators))
        return frame, {}

    monkeypatch.setattr(
        "territorial.france.source.FranceSource.page_frame",
        lambda self, indicators: fake(self.level, indicators),
    )
    return calls


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-k", "1"], "-k=1 is not valid: expected an integer from 2 to 12. Maps read best "
         "with 3 to 7 classes, e.g. -k 5."),
        (["-k", "13"], "-k=13 is not valid: expected an integer from 2 to 12. Maps read best "
         "with 3 to 7 classes, e.g. -k 5."),
        (["--scheme", "foo"], "--scheme='foo' is not valid: expected one of quantiles, "
         "equal_interval, fisher_jenks, natural_breaks, headtail_breaks, std_mean, box_plot. "
         "For example --scheme fisher_jenks (explicit breaks: use territorial.render.classify "
         "in Python)."),
        (["--scheme", "user_defined"], "--scheme='user_defined' is not valid: expected one of "
         "quantiles, equal_interval, fisher_jenks, natural_breaks, headtail_breaks, std_mean, "
         "box_plot. For example --scheme fisher_jenks (explicit breaks: use "
         "territorial.render.classify in Python)."),
        (["--palette", "Nope"], "--palette='Nope' is not valid: expected a matplotlib colormap "
         "name such as 'YlOrRd', 'Blues', 'viridis', 'RdBu_r', 'Set2', or a list of colours. "
         "See matplotlib.colormaps for the names (case matters)."),
        (["--palette", "tab10", "-k", "12"], "--palette='tab10' is not valid: expected a "
         "palette with at least 12 colours ('tab10' has 10). Pick a larger qualitative "
         "palette such as 'tab20', or pass a list of colours."),
        (["--lang", "de"], "--lang='de' is not valid: expected fr or en. For example --lang en."),
        (["--tolerance", "-5"], "--tolerance=-5.0 is not valid: expected metres >= 0. "
         "For example --tolerance 60 (0: none)."),
        (["--tolerance", "nan"], "--tolerance=nan is not valid: expected metres >= 0. "
         "For example --tolerance 60 (0: none)."),
        (["--precision", "0"], "--precision=0.0 is not valid: expected a positive number of "
         "metres. For example --precision 10."),
    ],
)  # fmt: skip
def test_bad_options_fail_before_any_computation(
    tmp_path, monkeypatch, jagged_grid, args, message
):
    calls = _fake_frame(monkeypatch, jagged_grid)
    out = tmp_path / "a.html"
    result = runner.invoke(make_app(), ["web", "france:departement", "v1", *args, "-o", str(out)])
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == f"error: {message}"
    assert calls == []  # nothing computed
    assert not out.exists()


def test_bad_output_and_repeated_indicators_fail_before_any_computation(
    tmp_path, monkeypatch, jagged_grid
):
    calls = _fake_frame(monkeypatch, jagged_grid)
    folder = tmp_path / "folder.html"
    folder.mkdir()
    result = runner.invoke(make_app(), ["web", "france:departement", "v1", "-o", str(folder)])
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == (
        f"error: --output={str(folder)!r} is not valid: expected a file path, not a folder. "
        f"Add a file name, e.g. --output {folder / 'result.html'}."
    )
    blocker = tmp_path / "file"
    blocker.write_text("x")
    inside = blocker / "a.html"
    result = runner.invoke(make_app(), ["web", "france:departement", "v1", "-o", str(inside)])
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == (
        f"error: --output={str(inside)!r} is not valid: expected a path inside a folder. "
        f"{str(blocker)!r} is a file, not a folder: choose another location."
    )
    out = tmp_path / "a.html"
    result = runner.invoke(
        make_app(), ["web", "france:departement", "v1", "v2", "v1", "-o", str(out)]
    )
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == (
        "error: INDICATORS='v1 v2 v1' is not valid: expected distinct indicator ids "
        "(one layer each). Give v1 once."
    )
    assert calls == []


def test_unknown_peers_level_is_a_clear_error(tmp_path, monkeypatch, jagged_grid):
    _fake_frame(monkeypatch, jagged_grid)
    out = tmp_path / "a.html"
    result = runner.invoke(
        make_app(), ["web", "france:departement", "v1", "--peers", "canton", "-o", str(out)]
    )
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == (
        "error: --peers='canton' is not valid: expected a coarser level of departement: "
        "region or 'all'. Or pass --peers all to rank among all territories."
    )


def test_a_failing_write_keeps_the_previous_page(tmp_path, monkeypatch, jagged_grid):
    from territorial.render.web.page import WebMap

    _fake_frame(monkeypatch, jagged_grid)
    out = tmp_path / "a.html"
    out.write_text("previous page", encoding="utf-8")
    real_save = WebMap.save

    def full_disk(self, path):
        with atomic_path(path) as tmp:
            tmp.write_text(self.html[:1000], encoding="utf-8")
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(WebMap, "save", full_disk)
    args = ["web", "france:departement", "v1", "--peers", "all", "-o", str(out)]
    result = runner.invoke(make_app(), args)
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == (
        f"error: --output={str(out)!r} is not valid: expected a file that can be written. "
        "Writing failed (No space left on device); any previous file is unchanged. "
        "Free some space or choose another folder."
    )
    assert out.read_text(encoding="utf-8") == "previous page"
    assert [p.name for p in tmp_path.iterdir()] == ["a.html"]
    monkeypatch.setattr(WebMap, "save", real_save)
    result = runner.invoke(make_app(), args)
    assert result.exit_code == 0, result.output
    assert _payload(out.read_text(encoding="utf-8"))["layers"][0]["id"] == "v1"


def test_title_payloads_are_shown_literally(tmp_path, monkeypatch, jagged_grid, template_payloads):
    _fake_frame(monkeypatch, jagged_grid)
    out = tmp_path / "a.html"
    for text in template_payloads:
        args = ["web", "france:departement", "v1", "--peers", "all", "--title", text]
        result = runner.invoke(make_app(), [*args, "-o", str(out)])
        assert result.exit_code == 0, result.output
        page = out.read_text(encoding="utf-8")
        assert re.findall(r"<title>(.*?)</title>", page, re.S) == [html.escape(text)]
        assert _payload(page)["title"] == text
    assert "<title>49" not in page
    assert f"<title>{os.getpid()}" not in page


def _run(tmp_path, *args: str) -> tuple[str, dict, str]:
    out = tmp_path / f"p{len(list(tmp_path.iterdir()))}.html"
    result = runner.invoke(make_app(), ["web", "france:departement", *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    return result.output, _payload(page), page


@pytest.mark.realdata
@pytest.mark.filterwarnings("ignore:Numba not installed:UserWarning")
@pytest.mark.parametrize(
    ("scheme", "k", "reference"),
    [("fisher_jenks", 4, "FisherJenks"), ("equal_interval", 6, "EqualInterval"),
     ("quantiles", 3, "Quantiles"), ("FisherJenks", 7, "FisherJenks")],
)  # fmt: skip
def test_k_and_scheme_give_mapclassify_classes(tmp_path, scheme, k, reference):
    import mapclassify

    from territorial.france import compute_france

    _, data, _ = _run(tmp_path, "density", "-k", str(k), "--scheme", scheme)
    layer = data["layers"][0]
    values = compute_france("departement", indicators=["density"]).values["density"]
    values = values.reindex(data["codes"])
    valid = values.notna().to_numpy()
    expected = getattr(mapclassify, reference)(values[valid].to_numpy(), k=k)
    classes = np.array([ord(ch) - 48 for ch in layer["classes"]])
    assert valid.all()  # every département has a density (Mayotte: its 2017 population)
    assert classes[valid].tolist() == expected.yb.tolist()
    assert len(layer["colors"]) == k
    assert len(layer["legend"]) == k  # the classes; no missing-value entry without one
    for (label, _), bound in zip(layer["legend"][:k], expected.bins, strict=True):
        shown, decimals = _upper_bound(label)
        assert abs(shown - bound) <= 0.5 * 10.0**-decimals + 1e-9, (label, bound)


@pytest.mark.realdata
def test_each_option_changes_the_page(tmp_path):
    from territorial.render.classify import palette_colors
    from territorial.render.web.assets import leaflet_js

    output, base, base_html = _run(tmp_path, "density")
    assert base["lang"] == "fr"
    assert base["layers"][0]["label"] == "Densité de population"
    assert "<title>Densité de population (départements)</title>" in base_html
    assert base["parents"][0]["label"] == "Limites\u00a0: régions"
    assert base["peers"]["column"] == "region"
    assert "diagnosis" not in base and "basemap" not in base
    assert leaflet_js()[:2000] in base_html
    assert "missing values" not in output  # every département has a density

    _, en, en_html = _run(tmp_path, "density", "--lang", "en")
    assert (en["lang"], en["texts"]["rank"]) == ("en", "rank")
    assert en["layers"][0]["label"] == "Population density"
    assert "19,990" in en["layers"][0]["legend"][-1][0]  # English thousands separator
    assert "<title>Population density (départements)</title>" in en_html

    _, titled, titled_html = _run(tmp_path, "density", "--title", "Densités & co")
    assert titled["title"] == "Densités & co"
    assert "<title>Densités &amp; co</title>" in titled_html

    _, _, cdn_html = _run(tmp_path, "density", "--cdn")
    assert '<script src="https://unpkg.com/leaflet@1.9.4/dist/leaflet.js"></script>' in cdn_html
    assert leaflet_js()[:2000] not in cdn_html

    _, tiles, _ = _run(tmp_path, "density", "--basemap")
    assert tiles["basemap"]["url"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert (tiles["style"]["fillOpacity"], base["style"]["fillOpacity"]) == (0.7, 1.0)

    _, blues, _ = _run(tmp_path, "density", "--palette", "Blues", "-k", "4")
    assert blues["layers"][0]["colors"] == list(palette_colors("Blues", 4))

    _, bare, _ = _run(tmp_path, "density", "--parents", "none")
    assert "parents" not in bare and "peers" not in bare  # peers follow the parents

    _, all_peers, _ = _run(tmp_path, "density", "--peers", "all")
    assert "peers" not in all_peers and all_peers["parents"]

    _, diag, _ = _run(tmp_path, "density", "--diagnosis")
    assert set(diag["diagnosis"]) <= set(diag["codes"])
    entries = list(diag["diagnosis"].values())
    assert any(e["strengths"] for e in entries) and any(e["weaknesses"] for e in entries)
    assert all(len(e["strengths"]) <= 3 and len(e["weaknesses"]) <= 3 for e in entries)

    def vertices(out: str) -> int:
        return int(re.search(r"vertices -> (\d+)", out).group(1))

    raw, _, _ = _run(tmp_path, "density", "--tolerance", "0")
    assert vertices(raw) > vertices(output)
    _, coarse, _ = _run(tmp_path, "density", "--precision", "100")
    assert coarse["topology"]["step"] == pytest.approx(10 * base["topology"]["step"])
