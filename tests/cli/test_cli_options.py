"""Every option of ``map``, ``diagnose``, ``composite``, ``indicators`` and ``territories``
changes what is produced, as checked here on the figure drawn, the JSON printed or the
file written (not only the exit code).

The map tests capture the figure that ``territorial map`` saves (``save_map`` wrapped,
the file still written) and compare its classes with mapclassify's own classifiers
called on the same values. Map tests use a synthetic grid; the others the cached real
France data (marked ``realdata``).
"""

from __future__ import annotations

import json
import re

import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
import pytest
from matplotlib import colormaps
from matplotlib.colors import to_hex
from shapely import box
from shapely.geometry import Polygon
from typer.testing import CliRunner

from territorial.cli import app

runner = CliRunner()


# ---- territorial map ----------------------------------------------------------------


@pytest.fixture
def grid_file(tmp_path):
    """Synthetic: a 6 x 5 grid of 10 km squares in Lambert-93, one value missing (T07);
    ``kind`` is a category, ``stock`` a count, ``population`` decreasing with the index."""
    cells = [
        box(600_000 + (i % 6) * 10_000, 6_500_000 + (i // 6) * 10_000,
            610_000 + (i % 6) * 10_000, 6_510_000 + (i // 6) * 10_000)
        for i in range(30)
    ]  # fmt: skip
    values = np.linspace(1.0, 30.0, 30) ** 1.5
    values[7] = np.nan
    gdf = gpd.GeoDataFrame(
        {
            "code": [f"T{i:02d}" for i in range(30)],
            "name": [f"Lieu {i}" for i in range(30)],
            "value": values,
            "small": np.linspace(1.0, 9.0, 30),
            "stock": np.arange(30, dtype="float64") * 1000 + 500,
            "kind": ["rural", "urbain", "mixte"] * 10,
            "population": np.arange(30, dtype="float64")[::-1] * 100 + 10,
        },
        geometry=cells,
        crs=2154,
    )
    path = tmp_path / "grid.gpkg"
    gdf.to_file(path)
    return path


@pytest.fixture
def drawn(monkeypatch):
    """The figures saved by ``territorial map`` (the real save_map still writes them)."""
    import territorial.render as render

    figures = []
    original = render.save_map

    def recording(fig, path, **kwds):
        figures.append(fig)
        return original(fig, path, **kwds)

    monkeypatch.setattr(render, "save_map", recording)
    return figures


def _map(grid_file, tmp_path, drawn, *options, column="value", suffix=".png"):
    from territorial.render import map_info

    out = tmp_path / f"map{suffix}"
    args = ["map", str(grid_file), column, "-o", str(out), "--code", "code", "--name", "name"]
    result = runner.invoke(app, [*args, *options])
    assert result.exit_code == 0, result.output
    assert out.exists()
    return map_info(drawn[-1]), result, out


def _valid(grid_file, column="value") -> np.ndarray:
    return gpd.read_file(grid_file)[column].dropna().to_numpy()


def _legend_texts(info) -> list[str]:
    return [t.get_text() for t in info.legend.get_texts()]


def _face_counts(info) -> dict[str, int]:
    """Number of grid squares drawn in each fill colour on the main panel.

    The renderer draws one path per class; each square is 10 km x 10 km (1e8 m²), so a
    path's area in squares is the number of territories drawn in its colour.
    """
    counts: dict[str, int] = {}
    for collection in info.panels["main"].collections:
        for path, rgba in zip(collection.get_paths(), collection.get_facecolors(), strict=True):
            area = sum(Polygon(ring).area for ring in path.to_polygons())
            color = to_hex(rgba)
            counts[color] = counts.get(color, 0) + round(area / 1e8)
    return counts


@pytest.mark.parametrize(
    ("scheme", "k", "reference"),
    [
        ("quantiles", 3, lambda y: mapclassify.Quantiles(y, k=3)),
        ("quantiles", 6, lambda y: mapclassify.Quantiles(y, k=6)),
        ("equal_interval", 4, lambda y: mapclassify.EqualInterval(y, k=4)),
        ("fisher_jenks", 5, lambda y: mapclassify.FisherJenks(y, k=5)),
        ("FisherJenks", 3, lambda y: mapclassify.FisherJenks(y, k=3)),
        ("headtail_breaks", None, lambda y: mapclassify.HeadTailBreaks(y)),
    ],
)
# mapclassify warns that numba (optional, not installed) would make FisherJenks faster
@pytest.mark.filterwarnings("ignore:Numba not installed:UserWarning")
def test_map_scheme_and_k_give_mapclassify_classes(grid_file, tmp_path, drawn, scheme, k,
                                                    reference):  # fmt: skip
    options = ["--scheme", scheme] + (["-k", str(k)] if k is not None else [])
    info, _, _ = _map(grid_file, tmp_path, drawn, *options)
    ref = reference(_valid(grid_file))
    c = info.classification
    assert c.bins == pytest.approx(tuple(ref.bins))
    assert c.counts == tuple(int(n) for n in ref.counts)
    # the legend: one entry per class, then the missing value
    texts = _legend_texts(info)
    assert len(texts) == len(ref.bins) + 1
    assert texts[-1] == "Données manquantes"
    # the map: each class's colour fills as many squares as mapclassify puts in the class
    faces = _face_counts(info)
    expected = {color: int(n) for color, n in zip(c.colors, ref.counts, strict=True)}
    expected["#d9d9d9"] = 1  # T07, missing
    assert faces == expected


def test_map_default_is_five_quantiles(grid_file, tmp_path, drawn):
    info, _, _ = _map(grid_file, tmp_path, drawn)
    ref = mapclassify.Quantiles(_valid(grid_file), k=5)
    assert info.classification.bins == pytest.approx(tuple(ref.bins))
    assert len(_legend_texts(info)) == 6


def test_map_k_changes_the_legend(grid_file, tmp_path, drawn):
    three, _, _ = _map(grid_file, tmp_path, drawn, "-k", "3")
    seven, _, _ = _map(grid_file, tmp_path, drawn, "--k", "7")
    assert len(_legend_texts(three)) == 4 and len(_legend_texts(seven)) == 8
    assert len(_face_counts(three)) == 4 and len(_face_counts(seven)) == 8


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        ("fr", ["1,0 – 2,5", "2,5 – 5,5", "5,5 – 9,0"]),
        ("en", ["1.0 – 2.5", "2.5 – 5.5", "5.5 – 9.0"]),
    ],
)
def test_map_lang_and_bins(grid_file, tmp_path, drawn, lang, texts):
    """Values from 1 to 9, breaks 2.5 and 5.5: a last class up to 9 is added, and said."""
    info, result, _ = _map(
        grid_file, tmp_path, drawn, "--bins", "2.5,5.5", "--lang", lang, column="small"
    )
    assert info.classification.scheme == "user_defined"
    assert info.classification.bins == (2.5, 5.5, 9.0)
    assert _legend_texts(info) == texts  # nothing missing in this column: no missing entry
    small = _valid(grid_file, "small")
    counts = tuple(int(n) for n in np.bincount(np.searchsorted([2.5, 5.5, 9.0], small)))
    assert info.classification.counts == counts
    assert "note: the largest value 9 is above the last break 5.5" in result.output


def test_map_lang_gives_english_missing_label(grid_file, tmp_path, drawn):
    fr, _, _ = _map(grid_file, tmp_path, drawn, "--scheme", "equal_interval", "-k", "3")
    en, _, _ = _map(grid_file, tmp_path, drawn, "--scheme", "equal_interval", "-k", "3",
                    "--lang", "en")  # fmt: skip
    assert _legend_texts(fr)[-1] == "Données manquantes"
    assert _legend_texts(en)[-1] == "No data"


def test_map_palette(grid_file, tmp_path, drawn):
    info, _, _ = _map(grid_file, tmp_path, drawn, "--palette", "Blues", "-k", "4")
    cmap = colormaps["Blues"]
    colors = tuple(to_hex(cmap(x)) for x in np.linspace(0.12, 0.95, 4))
    assert info.classification.colors == colors
    assert set(_face_counts(info)) == {*colors, "#d9d9d9"}


def test_map_texts(grid_file, tmp_path, drawn):
    info, _, _ = _map(grid_file, tmp_path, drawn, "--title", "Mon titre", "--subtitle",
                      "Sous-titre", "--source", "Source : essai")  # fmt: skip
    assert {key: artist.get_text() for key, artist in info.texts.items()} == {
        "title": "Mon titre", "subtitle": "Sous-titre", "source": "Source : essai",
    }  # fmt: skip
    default, _, _ = _map(grid_file, tmp_path, drawn)
    assert default.texts["title"].get_text() == "value"  # a file's column: its name


def test_map_gap_reference(grid_file, tmp_path, drawn):
    info, _, _ = _map(grid_file, tmp_path, drawn, "--kind", "gap", "--reference", "50")
    c = info.classification
    assert info.kind == "gap" and c.center == 50.0 and 50.0 in c.bins
    valid = _valid(grid_file)
    below = int((valid <= 50).sum())
    i = c.bins.index(50.0)
    assert sum(c.counts[: i + 1]) == below and sum(c.counts[i + 1 :]) == len(valid) - below


def test_map_symbols_and_typology(grid_file, tmp_path, drawn):
    info, _, _ = _map(grid_file, tmp_path, drawn, "--kind", "symbols", column="stock")
    assert info.kind == "symbols" and info.symbol_legend is not None
    assert info.classification is None
    info, _, _ = _map(grid_file, tmp_path, drawn, "--kind", "symbols", "--choropleth", "value",
                      column="stock")  # fmt: skip
    assert info.classification.bins == pytest.approx(
        tuple(mapclassify.Quantiles(_valid(grid_file), k=5).bins)
    )
    info, _, _ = _map(grid_file, tmp_path, drawn, "--kind", "typology", column="kind")
    assert sorted(category for category, _ in info.categories) == ["mixte", "rural", "urbain"]
    faces = _face_counts(info)
    assert sorted(faces.values()) == [10, 10, 10]
    assert set(faces) == {color for _, color in info.categories}


def test_map_labels_name_the_most_populated(grid_file, tmp_path, drawn):
    """Populations decrease with the index: Lieu 0, 1 and 2 are the three most populated;
    those drawn plus those left out for lack of room (said in a note) are exactly them."""
    info, result, _ = _map(grid_file, tmp_path, drawn, "--labels", "3")
    names = {t.get_text() for t in info.panels["main"].texts} - {"N", "10\u00a0km"}
    left_out = set()
    for note in info.notes:
        if "for lack of room" in note:
            left_out |= set(note.split(": ", 1)[1].split(", "))
            assert f"note: {note}" in result.output
    assert names | left_out == {"Lieu 0", "Lieu 1", "Lieu 2"}
    assert len(names) >= 2 and not names & left_out
    none, _, _ = _map(grid_file, tmp_path, drawn)
    assert {t.get_text() for t in none.panels["main"].texts} == {"N", "10\u00a0km"}


def test_map_dpi_and_theme(grid_file, tmp_path, drawn):
    from PIL import Image

    for dpi in (60, 120):
        _, _, out = _map(grid_file, tmp_path, drawn, "--dpi", str(dpi))
        width, height = drawn[-1].get_size_inches()
        with Image.open(out) as image:
            assert image.size == (round(width * dpi), round(height * dpi))
    light = to_hex(drawn[-1].get_facecolor())
    _map(grid_file, tmp_path, drawn, "--theme", "dark")
    dark = to_hex(drawn[-1].get_facecolor())
    assert light != dark
    assert sum(int(dark[i : i + 2], 16) for i in (1, 3, 5)) < 3 * 80  # a dark background


def _svg_fills(text: str) -> set[str]:
    """Fill colours of an SVG file: ``style="fill: #..."`` and ``fill="#..."`` (patterns)."""
    return set(re.findall(r'fill(?:: |=")(#[0-9a-f]{6})', text))


def test_map_svg_fills_are_the_class_colours(grid_file, tmp_path, drawn):
    """The SVG file itself: every class colour of the legend fills some path, and the
    missing value's grey fills the hatch pattern."""
    for k in (3, 5):
        info, _, out = _map(grid_file, tmp_path, drawn, "--scheme", "equal_interval",
                            "-k", str(k), suffix=".svg")  # fmt: skip
        colors = info.classification.colors
        assert len(colors) == k
        fills = _svg_fills(out.read_text())
        assert {*colors, "#d9d9d9"} <= fills
        # no class colour other than these k: the other k's colours are absent
        other = 5 if k == 3 else 3
        others = set(info.classification.colors) ^ set(
            _map(grid_file, tmp_path / "o", drawn, "-k", str(other))[0].classification.colors
        )
        assert not (others - set(colors)) & fills


@pytest.mark.realdata
def test_map_france_lang_titles_and_reference(tmp_path, drawn):
    from territorial.france import compute_france, france_catalogue
    from territorial.render import map_info

    spec = france_catalogue()["density"]
    for lang in ("fr", "en"):
        out = tmp_path / f"gap_{lang}.png"
        result = runner.invoke(app, ["map", "france:region", "density", "-o", str(out),
                                     "--kind", "gap", "--lang", lang])  # fmt: skip
        assert result.exit_code == 0, result.output
        info = map_info(drawn[-1])
        assert info.texts["title"].get_text().replace("\n", " ") == spec.label[lang]
        france = float(compute_france("france", indicators=["density"]).values["density"].iloc[0])
        assert info.classification.center == pytest.approx(france)
        assert f"reference (France): {france:g}" in result.output
        # every région has a density (Mayotte: its 2017 population): no missing-data entry
        assert {"fr": "Données manquantes", "en": "No data"}[lang] not in _legend_texts(info)


# ---- territorial diagnose -----------------------------------------------------------

#: Indicators of the diagnosis tests: no road-accident download, no stock.
DIAGNOSED = ["density", "women_councillors_share", "median_age_councillors",
             "share_councillors_under_40"]  # fmt: skip


def _diagnose(*options: str) -> dict:
    """The JSON printed by ``territorial diagnose france:departement ... --json``."""
    args = ["diagnose", "france:departement", *options, "--permutations", "99",
            "--indicators", ",".join(DIAGNOSED)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in options else {}


def _diagnose_all(tmp_path, name: str, *options: str) -> dict:
    out = tmp_path / name
    _diagnose("--all", "-o", str(out), *options)
    return (
        json.loads(out.read_text())
        if out.suffix == ".json"
        else pd.read_csv(out, dtype={"code": str}).set_index("code")
    )


@pytest.fixture(scope="module")
def departement_values():
    from territorial.france import compute_france
    from territorial.france.data import load_france

    table = compute_france("departement", indicators=DIAGNOSED)
    return table, load_france("departement", progress=False)


def _mid_rank(group: pd.Series, value: float) -> float:
    """Mid-rank percentile of ``value`` in ``group``, computed here: (rank - 0.5) / n."""
    group = group.dropna()
    rank = (group < value).sum() + ((group == value).sum() + 1) / 2
    return float((rank - 0.5) / len(group))


@pytest.mark.realdata
def test_diagnose_peers_change_the_peer_group_and_the_findings(departement_values):
    from territorial.diagnose.compare import size_classes
    from territorial.diagnose.typology import typology
    from territorial.france.diagnose import MIN_PEERS

    table, territories = departement_values
    values = table.values.reindex(territories.index)
    groups = {
        "size": size_classes(territories["population"], min_size=MIN_PEERS),
        "all": pd.Series("all", index=values.index),
        "type": typology(values, k=6, seed=0).labels,
    }
    payloads = {peers: _diagnose("75", "--json", "--peers", peers) for peers in groups}
    for peers, payload in payloads.items():
        group = groups[peers]
        mates = group.index[group == group["75"]]
        assert 0 < len(mates) <= 101
        for finding in payload["findings"]:
            column = values.loc[mates, finding["indicator"]]
            expected = _mid_rank(column, values.loc["75", finding["indicator"]])
            assert finding["percentile"] == pytest.approx(expected), (peers, finding)
    # the groups differ, and so do Paris' percentiles and sentences
    percentiles = {
        peers: [f["percentile"] for f in payload["findings"]]
        for peers, payload in payloads.items()
    }
    assert percentiles["size"] != percentiles["all"] != percentiles["type"]
    assert all("comparable" in s for s in payloads["size"]["traits"])
    assert payloads["all"]["traits"] and not any(
        "comparable" in s for s in payloads["all"]["traits"]
    )
    assert {f["peer_group"] for f in payloads["all"]["findings"]} != {
        f["peer_group"] for f in payloads["size"]["findings"]
    }


@pytest.mark.realdata
def test_diagnose_seed_and_permutations_reach_the_lisa():
    default = _diagnose("75", "--json")
    seeded = _diagnose("75", "--json", "--seed", "7")
    assert default["spec"]["lisa"]["seed"] == 12345 and seeded["spec"]["lisa"]["seed"] == 7
    assert default["spec"]["lisa"]["permutations"] == 99
    p_default = [f["lisa_p"] for f in default["findings"]]
    p_seeded = [f["lisa_p"] for f in seeded["findings"]]
    assert p_default != p_seeded
    # 99 permutations: pseudo p-values are multiples of 1/100
    for p in p_default + p_seeded:
        assert round(p * 100, 9) == round(p * 100)
    again = _diagnose("75", "--json", "--seed", "7")
    assert [f["lisa_p"] for f in again["findings"]] == p_seeded


@pytest.mark.realdata
def test_diagnose_fdr_tightens_the_lisa_threshold(tmp_path):
    """With 99 permutations no pseudo p-value is below 1/100, while the false-discovery
    bound of the smallest of 101 p-values is 0.05 / 101 < 0.01: with --fdr no cluster
    is significant; without it (p < 0.05) many are."""
    plain = _diagnose_all(tmp_path, "plain.json")
    fdr = _diagnose_all(tmp_path, "fdr.json", "--fdr")
    assert len(plain) == len(fdr) == 101
    assert sum(len(record["lisa"]) for record in plain.values()) > 20
    assert sum(len(record["lisa"]) for record in fdr.values()) == 0
    statuses = {r[f"{i}__lisa"] for r in fdr.values() for i in DIAGNOSED}
    # no cluster; "Isolated": the five overseas départements, no neighbour on their land mass
    assert statuses <= {"Not significant", "Isolated", "No data"}
    assert {"Not significant", "Isolated"} <= statuses


@pytest.mark.realdata
def test_diagnose_smooth_changes_the_shares_only(tmp_path, departement_values):
    from territorial.diagnose.smoothing import empirical_bayes

    table, _ = departement_values
    raw = _diagnose_all(tmp_path, "raw.csv")
    smooth = _diagnose_all(tmp_path, "smooth.csv", "--smooth")
    parts = table.parts["women_councillors_share"]
    expected = empirical_bayes(parts["numerator"], parts["denominator"], scale=100.0)
    got = smooth["women_councillors_share"]
    pd.testing.assert_series_equal(
        got.dropna(),
        expected.reindex(got.index).dropna(),
        check_names=False,
        check_index_type=False,
    )
    assert not np.allclose(got.dropna(), raw["women_councillors_share"].dropna())
    # a density is not a share: left as it is
    pd.testing.assert_series_equal(smooth["density"], raw["density"])


@pytest.mark.realdata
def test_diagnose_lang_json_and_output(tmp_path):
    en = _diagnose("75", "--json", "--lang", "en")
    fr = _diagnose("75", "--json")
    assert en["lang"] == "en" and fr["lang"] == "fr"
    assert en["traits"][0].startswith("Population density: 19,990.0\u00a0inh./km²")
    assert fr["traits"][0].startswith("Densité de population\u00a0: 19\u202f990,0")

    def numbers(payload):  # the findings without their wording
        return [{k: v for k, v in f.items() if k not in ("sentence", "lisa")}
                for f in payload["findings"]]  # fmt: skip

    assert numbers(en) == numbers(fr)
    assert [f.get("sentence") for f in en["findings"]] != [
        f.get("sentence") for f in fr["findings"]
    ]
    # -o writes the same diagnosis as --json prints
    out = tmp_path / "paris.json"
    args = ["diagnose", "france:departement", "75", "-o", str(out), "--permutations", "99",
            "--indicators", ",".join(DIAGNOSED)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text()) == fr
    assert f"diagnosis of 75 written to {out}" in result.output
    # --indicators: exactly these findings
    assert [f["indicator"] for f in fr["findings"]] == DIAGNOSED


# ---- territorial composite ----------------------------------------------------------

RENEWAL = {"women_councillors_share": 1.0, "women_mayors_share": 1.0,
           "share_councillors_under_40": 1.0, "median_age_councillors": -1.0}  # fmt: skip


def _renewal_by_hand(values: pd.DataFrame, normalisation: str) -> pd.Series:
    """The 'democratic renewal' score computed here: the four indicators are neutral, so
    only the weights orient them (the median age counts against); mean over the four."""
    x = values[list(RENEWAL)]
    if normalisation == "minmax":
        x = (x - x.min()) / (x.max() - x.min())
        x["median_age_councillors"] = 1 - x["median_age_councillors"]
    elif normalisation == "zscore":
        x = (x - x.mean()) / x.std(ddof=0)
        x["median_age_councillors"] = -x["median_age_councillors"]
    else:
        x = x.rank(pct=True)
        x["median_age_councillors"] = 1 - x["median_age_councillors"]
    return x.dropna().mean(axis=1)


@pytest.mark.realdata
@pytest.mark.parametrize("normalisation", ["minmax", "zscore", "rank"])
def test_composite_normalisation_and_lang(tmp_path, normalisation):
    from territorial.france import compute_france

    values = compute_france("departement", indicators=list(RENEWAL)).values
    out = tmp_path / "composite.csv"
    lang = "en" if normalisation == "zscore" else "fr"
    result = runner.invoke(app, ["composite", "france:departement", "-o", str(out),
                                 "--normalisation", normalisation, "--lang", lang])  # fmt: skip
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, dtype={"code": str}).set_index("code")
    expected = _renewal_by_hand(values, normalisation)
    got = frame["score_democratic_renewal"].reindex(expected.index)
    assert got.to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-9, abs=1e-12)
    text = " ".join(result.output.split())
    assert f"Spearman ({normalisation})" in text
    if lang == "en":
        assert "Democratic" in text and "Renouvellement" not in text
    else:  # (the table may wrap the labels over lines: words checked one by one)
        assert "Renouvellement" in text and "Democratic" not in text


# ---- territorial indicators ---------------------------------------------------------


@pytest.mark.realdata
def test_indicators_pick_and_tidy(tmp_path):
    from territorial.france import compute_france

    expected = compute_france("region", indicators=["density", "population"]).values
    wide = tmp_path / "wide.csv"
    result = runner.invoke(app, ["indicators", "france:region", "-i", "density", "-i",
                                 "population", "-o", str(wide)])  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(wide, dtype={"code": str}).set_index("code")
    assert {"density", "population"} <= set(table.columns)
    assert not {"area", "women_councillors_share"} & set(table.columns)
    pd.testing.assert_series_equal(
        table["density"], expected["density"], check_names=False, check_index_type=False
    )
    tidy = tmp_path / "tidy.csv"
    result = runner.invoke(app, ["indicators", "france:region", "-i", "density", "-i",
                                 "population", "--tidy", "-o", str(tidy)])  # fmt: skip
    assert result.exit_code == 0, result.output
    long = pd.read_csv(tidy, dtype={"territory": str})
    assert len(long) == 18 * 2
    assert sorted(long["indicator"].unique()) == ["density", "population"]
    density = long[long["indicator"] == "density"].set_index("territory")["value"]
    assert density.reindex(expected.index).to_numpy() == pytest.approx(
        expected["density"].to_numpy(), nan_ok=True
    )
    # Mayotte (06): its 2017 population, the latest, in both shapes
    assert table.loc["06", "population"] == 256_518
    assert (
        long[(long["territory"] == "06") & (long["indicator"] == "population")]["value"]
        .eq(256_518)
        .all()
    )


# ---- territorial territories --------------------------------------------------------


def test_territories_file_options(tmp_path):
    """--code, --name, --population and --crs of a file source reach the written layer."""
    from libpysal.examples import get_path

    source = gpd.read_file(get_path("G_utm.shp"))
    out = tmp_path / "georgia.gpkg"
    args = ["territories", get_path("G_utm.shp"), "--code", "AreaKey", "--name", "G_UTM_ID",
            "--population", "TotPop90", "--crs", "26916", "-o", str(out)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    written = gpd.read_file(out).set_index("code")
    assert written.crs.to_epsg() == 26916
    expected = source.set_index(source["AreaKey"].astype(str))
    assert sorted(written.index) == sorted(expected.index)
    assert written["name"].to_dict() == expected["G_UTM_ID"].astype(str).to_dict()
    assert written["population"].to_dict() == pytest.approx(
        expected["TotPop90"].astype(float).to_dict()
    )
