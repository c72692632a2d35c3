"""Indicator specs and YAML catalogues: loading and every validation error (whole messages)."""

from __future__ import annotations

import pytest

from territorial.errors import TerritorialError
from territorial.indicators import (
    Catalogue,
    CatalogueError,
    IndicatorSpec,
    UnknownIndicatorError,
    load_catalogue,
)

BASE = dict(label={"fr": "X", "en": "X"}, theme="demography", polarity="neutral")


def spec(**kw) -> IndicatorSpec:
    return IndicatorSpec(**{**BASE, **kw})


YAML = """
name: demo
indicators:
  - id: pop
    label: {fr: Population, en: Population}
    theme: demography
    unit: hab.
    polarity: neutral
    kind: stock
    numerator: pop
  - id: density
    label: {fr: Densité, en: Density}
    theme: demography
    unit: hab./km²
    polarity: neutral
    kind: density
    numerator: pop
"""


def test_load_yaml_text_and_resolve_stock_reference(tmp_path):
    cat = load_catalogue(YAML)
    assert list(cat) == ["pop", "density"]
    assert cat.name == "demo"
    assert cat["density"].denominator == "area_km2"
    assert cat["density"].formula == "sum(pop) / sum(area_km2)"
    assert cat.columns_of("density") == {"numerator": ["pop"], "denominator": ["area_km2"]}
    path = tmp_path / "cat.yaml"
    path.write_text(YAML, encoding="utf-8")
    assert list(load_catalogue(str(path))) == ["pop", "density"]


def test_spec_is_frozen():
    s = spec(id="a", unit="hab.", kind="stock", numerator="x")
    with pytest.raises(AttributeError):
        s.id = "b"  # type: ignore[misc]


def test_errors_are_territorial_and_value_errors():
    with pytest.raises(CatalogueError) as info:
        spec(id="a", unit="parsecs", kind="stock", numerator="x")
    assert isinstance(info.value, TerritorialError)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        (
            dict(id="a", unit="parsecs", kind="stock", numerator="x"),
            "Indicator 'a': unit='parsecs' is not a known unit. Use one of: ",
        ),
        (
            dict(id="a", unit="hab.", kind="share", numerator="x", denominator="y"),
            "Indicator 'a': unit='hab.' does not fit kind 'share'; a share is in '%'.",
        ),
        (
            dict(
                id="a",
                unit="pour 1 000 hab.",
                kind="ratio",
                numerator="x",
                denominator="y",
                scale=100,
            ),
            "Indicator 'a': unit='pour 1 000 hab.' needs kind 'ratio' with scale 1000 "
            "(got kind 'ratio', scale 100).",
        ),
        (
            dict(id="a", unit="hab.", kind="density", numerator="x"),
            "Indicator 'a': unit='hab.' does not fit kind 'density'; use a unit per km².",
        ),
        (
            dict(id="a", unit="%/an", kind="growth", start="x", end="y", years=0),
            "Indicator 'a': years=0 must be a positive number of years (e.g. years: 13).",
        ),
        (
            dict(id="a", unit="hab.", kind="ratio", numerator="x"),
            "Indicator 'a': kind 'ratio' needs denominator.",
        ),
        (
            dict(id="a", unit="hab.", kind="stock", numerator="x", denominator="y"),
            "Indicator 'a': kind 'stock' does not use denominator; remove it.",
        ),
        (
            dict(id="A b", unit="hab.", kind="stock", numerator="x"),
            "Indicator 'A b': id must be lower case letters, digits and '_' (e.g. 'density').",
        ),
        (
            dict(id="a", unit="indice", kind="hhi", breakdown=("x",)),
            "Indicator 'a': breakdown=('x',) must list at least two columns (e.g. breakdown: "
            "[jobs_industry, jobs_services]).",
        ),
        (
            dict(
                id="a", unit="indice", kind="location_quotient", breakdown=("x", "y"), category="z"
            ),
            "Indicator 'a': category='z' must be one of the breakdown columns.",
        ),
    ],
)
def test_spec_validation_messages(kw, message):
    with pytest.raises(CatalogueError) as info:
        spec(**kw)
    if message.endswith("Use one of: "):
        assert str(info.value).startswith(message)
        assert str(info.value).endswith("°C, mm, pour 100 actifs occupés.")
    else:
        assert str(info.value) == message


def test_bad_theme_kind_polarity_messages():
    with pytest.raises(CatalogueError) as info:
        IndicatorSpec(id="a", label={"fr": "A"}, theme="sport", unit="hab.",
                      polarity="neutral", kind="stock", numerator="x")  # fmt: skip
    assert str(info.value) == (
        "Indicator 'a': theme='sport' is not known. Use one of: demography, economy, society, "
        "environment, public_services, governance, safety."
    )
    with pytest.raises(CatalogueError) as info:
        IndicatorSpec(id="a", label={"fr": "A"}, theme="safety", unit="hab.",
                      polarity="up", kind="stock", numerator="x")  # fmt: skip
    assert str(info.value) == (
        "Indicator 'a': polarity='up' is not known. Use one of: higher_is_better, "
        "higher_is_worse, neutral."
    )
    with pytest.raises(CatalogueError) as info:
        IndicatorSpec(id="a", label={"fr": "A"}, theme="safety", unit="hab.",
                      polarity="neutral", kind="mean", numerator="x")  # fmt: skip
    assert str(info.value).startswith(
        "Indicator 'a': kind='mean' is not known. Use one of: stock,"
    )


def test_unknown_yaml_field():
    text = YAML.replace(
        "    numerator: pop\n  - id: density",
        "    numerator: pop\n    colour: red\n  - id: density",
    )
    with pytest.raises(CatalogueError) as info:
        load_catalogue(text)
    assert str(info.value) == (
        "catalogue (entry 1): indicator 'pop' has unknown fields 'colour'. Allowed fields: id, "
        "label, theme, unit, polarity, kind, numerator, denominator, scale, start, end, years, "
        "column, records, where, breakdown, category, source, vintage, why, formula, decimals, "
        "count, min_count."
    )


def test_unknown_top_level_key_and_not_a_catalogue():
    with pytest.raises(CatalogueError) as info:
        load_catalogue("indicators: []\nauthor: me\n")
    assert str(info.value) == (
        "catalogue: unknown top-level keys 'author'. Allowed: name, description, layers, "
        "indicators."
    )
    with pytest.raises(CatalogueError) as info:
        load_catalogue("- a\n- b\n")
    assert str(info.value) == (
        "catalogue: the top level must be a mapping with an 'indicators' list, got a list "
        "(['a', 'b']). Start the file with 'indicators:'."
    )
    with pytest.raises(CatalogueError) as info:
        load_catalogue("indicators: [\n")
    assert str(info.value).startswith("catalogue: not valid YAML (")
    with pytest.raises(CatalogueError) as info:
        load_catalogue("/nowhere/cat.yaml")
    assert str(info.value) == "Catalogue file '/nowhere/cat.yaml' does not exist."


def test_missing_required_field():
    with pytest.raises(CatalogueError) as info:
        load_catalogue("indicators:\n  - {id: a, label: A, theme: demography}\n")
    assert str(info.value) == (
        "catalogue (entry 1): indicator 'a' lacks the required fields unit, polarity, kind."
    )


def test_cycle_between_stock_indicators():
    a = spec(id="a", unit="hab.", kind="stock", numerator="b")
    b = spec(id="b", unit="hab.", kind="stock", numerator="c + a")
    with pytest.raises(CatalogueError) as info:
        Catalogue([a, b], name="loop")
    assert str(info.value) == (
        "Catalogue 'loop': indicators refer to each other in a cycle: a -> b -> a. "
        "Make one of them use component columns."
    )


def test_only_stock_indicators_can_be_operands():
    d = spec(id="d", unit="hab./km²", kind="density", numerator="pop")
    r = spec(id="r", unit="indice", kind="ratio", numerator="d", denominator="x")
    with pytest.raises(CatalogueError) as info:
        Catalogue([d, r], name="c")
    assert str(info.value) == (
        "Catalogue 'c': indicator 'r' uses 'd' as an operand, but only 'stock' indicators can "
        "be operands (its kind is 'density'). Use its component columns instead."
    )


def test_duplicate_id_and_non_spec():
    a = spec(id="a", unit="hab.", kind="stock", numerator="x")
    with pytest.raises(CatalogueError) as info:
        Catalogue([a, a], name="c")
    assert str(info.value) == "Catalogue 'c': indicator id 'a' is defined twice."
    with pytest.raises(CatalogueError) as info:
        Catalogue(["a"], name="c")  # type: ignore[list-item]
    assert str(info.value) == (
        "Catalogue 'c': 'a' is not an IndicatorSpec. Build specs with IndicatorSpec(...) or "
        "load YAML with load_catalogue()."
    )


def test_unknown_indicator():
    cat = load_catalogue(YAML)
    with pytest.raises(UnknownIndicatorError) as info:
        cat.select(["density", "densty"])
    assert isinstance(info.value, KeyError)
    assert str(info.value) == (
        "indicators='densty' is not in the catalogue. Available indicators: 'density', 'pop'. "
        "List them with `territorial catalogue`."
    )
    with pytest.raises(UnknownIndicatorError) as info:
        cat["nope"]
    assert str(info.value) == (
        "indicator='nope' is not in the catalogue. Available indicators: 'density', 'pop'. "
        "List them with `territorial catalogue`."
    )


def test_select_keeps_references_resolved():
    cat = load_catalogue(YAML).select(["density"])
    assert list(cat) == ["density"]
    assert cat.columns_of("density")["numerator"] == ["pop"]


def test_metadata_and_to_dict():
    cat = load_catalogue(YAML)
    meta = cat.metadata("en")
    assert meta[1]["label"] == "Density" and meta[1]["unit"] == "hab./km²"
    assert cat["pop"].to_dict()["numerator"] == "pop"


# --- layers (points, rasters, zonings) --------------------------------------------------------

LAYERS_YAML = """
name: layered
layers:
  - id: accidents
    type: points
    label: {fr: Accidents, en: Accidents}
    source: my file
    vintage: 2020
    weight: deaths
  - id: landcover
    type: raster
    label: Occupation du sol
    classes: {11: urban, 31: forest}
  - id: cantons
    type: zones
    label: {fr: Cantons}
    extensive: [jobs, firms]
    weights: population
indicators:
  - {id: n_accidents, label: Accidents, theme: safety, unit: accidents, polarity: higher_is_worse,
     kind: stock, numerator: accidents}
"""


ONE_INDICATOR = (
    "indicators:\n  - {id: pop, label: Population, theme: demography, unit: hab.,\n"
    "     polarity: neutral, kind: stock, numerator: population}\n"
)


def layers_yaml(entry: str) -> str:
    return ONE_INDICATOR + "layers:\n" + entry


def test_layers_load_and_survive_select_and_merge():
    from territorial.indicators import LayerSpec

    cat = load_catalogue(LAYERS_YAML)
    assert [x.id for x in cat.layers] == ["accidents", "landcover", "cantons"]
    acc, land, cantons = cat.layers
    assert acc.vintage == "2020" and acc.weight == "deaths" and acc.label_in("en") == "Accidents"
    assert land.label_in("en") == "Occupation du sol"
    assert land.components() == (
        "landcover_sum", "landcover_cells", "landcover_km2", "landcover_urban_km2",
        "landcover_forest_km2",
    )  # fmt: skip
    assert cantons.components() == ("cantons_jobs", "cantons_firms")
    assert cantons.weights == "population"
    assert cat.select(["n_accidents"]).layers == cat.layers
    assert cat.layer("landcover") is land
    other = Catalogue([], name="other", layers=[LayerSpec(id="schools", type="points",
                                                          label={"fr": "Écoles"})])  # fmt: skip
    merged = cat.merge(other)
    assert [x.id for x in merged.layers] == ["accidents", "landcover", "cantons", "schools"]
    assert merged.metadata() == cat.metadata()  # metadata lists indicators only
    assert land.to_dict() == {
        "id": "landcover", "type": "raster", "label": {"fr": "Occupation du sol"},
        "classes": {11: "urban", 31: "forest"},
    }  # fmt: skip
    assert load_catalogue(YAML).layers == ()
    zones = LayerSpec(id="z", type="zones", label={"fr": "Z"}, extensive=["a"])
    assert zones.extensive == ("a",) and zones.weights == "area"


@pytest.mark.parametrize(
    "entry, message",
    [
        ("  - {id: a, type: lines, label: A}\n",
         "Layer 'a': type='lines' is not known. Use one of: points, raster, zones."),
        ("  - {id: A-1, type: points, label: A}\n",
         "Layer 'A-1': id must be lower case letters, digits and '_' (e.g. 'schools')."),
        ("  - {id: a, type: points, label: {en: A}}\n",
         "Layer 'a': label={'en': 'A'} must be a mapping with at least a 'fr' entry (e.g. "
         "label: {fr: Densité, en: Density})."),
        ("  - {id: a, type: points, label: A, classes: {1: x}}\n",
         "Layer 'a': 'classes' is for raster layers, not points layers; remove it."),
        ("  - {id: a, type: raster, label: A, weight: w}\n",
         "Layer 'a': 'weight' is for points layers, not raster layers; remove it."),
        ("  - {id: a, type: points, label: A, extensive: [x]}\n",
         "Layer 'a': 'extensive' is for zones layers, not points layers; remove it."),
        ("  - {id: a, type: raster, label: A, weights: area}\n",
         "Layer 'a': 'weights' is for zones layers, not raster layers; remove it."),
        ("  - {id: a, type: points, label: A, weight: 3}\n",
         "Layer 'a': weight=3 must be the name of a column."),
        ("  - {id: a, type: zones, label: A}\n",
         "Layer 'a': extensive=None: a zones layer needs 'extensive', the list of columns of "
         "counts to interpolate (e.g. extensive: [jobs]). Note: intensive variables (rates, "
         "densities) are not additive: interpolate their numerator and denominator as "
         "extensive columns and make a ratio indicator of the two."),
        ("  - {id: a, type: zones, label: A, extensive: [x], weights: volume}\n",
         "Layer 'a': weights='volume' must be 'area' or 'population'."),
        ("  - {id: a, type: raster, label: A, classes: []}\n",
         "Layer 'a': classes=[] must map raster values to names (e.g. {11: urban, 31: forest})."),
        ("  - {id: a, type: raster, label: A, classes: {x: urban}}\n",
         "Layer 'a': classes: the raster value 'x' must be a number."),
        ("  - {id: a, type: raster, label: A, classes: {1: Urban}}\n",
         "Layer 'a': classes: the name 'Urban' of value 1 must be lower case letters, digits "
         "and '_' (e.g. 'forest')."),
        ("  - {id: a, type: raster, label: A, classes: {1: u, 2: u}}\n",
         "Layer 'a': classes: the names 'u' are used twice."),
    ],
)  # fmt: skip
def test_layer_validation_messages(entry, message):
    with pytest.raises(CatalogueError) as info:
        load_catalogue(layers_yaml(entry))
    assert str(info.value) == message


@pytest.mark.parametrize(
    "text, message",
    [
        (layers_yaml("  - {id: a, type: points, label: A, colour: red}\n"),
         "catalogue (layer 1): layer 'a' has unknown fields 'colour'. Allowed fields: id, type, "
         "label, source, vintage, weight, classes, extensive, weights."),
        (layers_yaml("  - {id: a, type: zones, label: A, intensive: [rate]}\n"),
         "catalogue (layer 1): layer 'a' asks for intensive=['rate'], but intensive variables "
         "(rates, densities) are not additive: interpolate their numerator and denominator as "
         "extensive columns and make a ratio indicator of the two."),
        (layers_yaml("  - {id: a, label: A}\n"),
         "catalogue (layer 1): layer 'a' lacks the required fields type."),
        (layers_yaml("  - a\n"),
         "catalogue (layer 1): each layer must be a mapping, got 'a'."),
        (ONE_INDICATOR + "layers: {a: 1}\n",
         "catalogue: 'layers' must be a list of mappings, got dict."),
        (layers_yaml("  - {id: a, type: points, label: A}\n  - {id: a, type: raster, label: B}\n"),
         "Catalogue 'catalogue': layer id 'a' is defined twice."),
        (LAYERS_YAML.replace("id: accidents\n", "id: n_accidents\n"),
         "Catalogue 'layered': layer id 'n_accidents' is also an indicator id. Rename the layer "
         "(e.g. to 'my_...')."),
        (layers_yaml("  - {id: population, type: points, label: A}\n"),
         "Catalogue 'catalogue': layer 'population' would produce the component 'population', "
         "a built-in component. Rename the layer."),
        (layers_yaml("  - {id: mayors, type: zones, label: A, extensive: [women]}\n"),
         "Catalogue 'catalogue': layer 'mayors' would produce the component 'mayors_women', a "
         "built-in component. Rename the layer."),
        (layers_yaml("  - {id: a_b, type: points, label: A}\n"
                     "  - {id: a, type: zones, label: B, extensive: [b]}\n"),
         "Catalogue 'catalogue': layers 'a_b' and 'a' would both produce the component 'a_b'. "
         "Rename one of them."),
    ],
)  # fmt: skip
def test_layer_catalogue_messages(text, message):
    with pytest.raises(CatalogueError) as info:
        load_catalogue(text)
    assert str(info.value) == message


def test_layer_python_errors():
    with pytest.raises(CatalogueError) as info:
        Catalogue([], name="c", layers=["a"])  # type: ignore[list-item]
    assert str(info.value) == (
        "Catalogue 'c': 'a' is not a LayerSpec. Build layers with LayerSpec(...) or declare "
        "them under 'layers:' in the YAML."
    )
    cat = load_catalogue(LAYERS_YAML)
    with pytest.raises(CatalogueError) as info:
        cat.layer("roads")
    assert str(info.value) == (
        "Catalogue 'layered' declares no layer 'roads'. Declared layers: 'accidents', "
        "'landcover', 'cantons'."
    )
    with pytest.raises(CatalogueError) as info:
        load_catalogue(YAML).layer("roads")
    assert str(info.value) == "Catalogue 'demo' declares no layer 'roads'. Declared layers: none."


@pytest.mark.realdata
def test_builtin_components_are_reserved():
    from territorial.france.indicators import _ACCIDENT_COLUMNS, load_france_components
    from territorial.france.landcover import LAND_COVER_COLUMNS
    from territorial.indicators.spec import BUILTIN_COMPONENTS

    columns = set(load_france_components().columns) | set(_ACCIDENT_COLUMNS)
    columns |= set(LAND_COVER_COLUMNS)
    from territorial.france.insee import INSEE_COMPONENTS

    columns |= {*INSEE_COMPONENTS, "population_2017"}
    assert columns == set(BUILTIN_COMPONENTS)


def test_misspelt_layer_component_is_caught_when_the_catalogue_is_loaded():
    text = """
layers:
  - {id: landcover, type: raster, label: Sol, classes: {11: urban, 31: forest}}
  - {id: grid, type: zones, label: Carreaux, extensive: [jobs]}
indicators:
  - {id: wood, label: Bois, theme: environment, unit: "%", polarity: neutral,
     kind: share, numerator: landcover_wood_km2, denominator: landcover_km2}
"""
    with pytest.raises(CatalogueError) as info:
        load_catalogue(text)
    assert str(info.value) == (
        "Catalogue 'catalogue': indicator 'wood' uses 'landcover_wood_km2', which looks like a "
        "component of layer 'landcover' but is not one. That layer produces landcover_sum, "
        "landcover_cells, landcover_km2, landcover_urban_km2, landcover_forest_km2."
    )
    zones = text.replace("landcover_wood_km2", "grid_job").replace("landcover_km2", "population")
    with pytest.raises(CatalogueError, match="'grid_job', which looks like a component of layer"):
        load_catalogue(zones)
    # a column of the user's own table that merely starts like a layer id is left alone
    fine = text.replace("landcover_wood_km2", "landcover_survey_count")
    assert "wood" in load_catalogue(fine)
