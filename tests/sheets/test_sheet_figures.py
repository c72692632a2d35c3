"""Every number a sheet shows equals the indicator and diagnosis tables, computed here
independently (compute_france at the level, at each parent level and for France)."""

from __future__ import annotations

import math

import pytest

from territorial.diagnose.sentences import format_value
from territorial.format import format_number

from .conftest import read_sheet

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

CASES = [
    ("epci", "200046977"),  # Métropole de Lyon
    ("epci", "244400610"),  # the longest name
    ("epci", "200050532"),  # Petite-Terre, Mayotte: isolated, few figures
    ("departement", "974"),  # La Réunion
    ("departement", "976"),  # Mayotte
    ("departement", "69"),
]


def _text(value, spec, lang, *, unit=True):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return format_number(None, lang=lang)
    return format_value(float(value), unit=spec.unit if unit else "", decimals=spec.decimals,
                        lang=lang)  # fmt: skip


@pytest.fixture(scope="module")
def tables():
    from territorial.france import compute_france, load_france

    made = {}

    def get(level):
        if level not in made:
            made[level] = compute_france(level)
        return made[level]

    return get, load_france


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(("level", "code"), CASES)
def test_every_number_equals_the_tables(level_inputs, tables, level, code, lang):
    from territorial.render.sheet import render_sheet
    from territorial.sheets import sheet_content
    from territorial.sheets.content import unit_follows

    inputs = level_inputs(level)
    page = read_sheet(render_sheet(sheet_content(inputs, code, lang=lang)))
    get, load_france = tables
    own = get(level)
    france = get("france").values.iloc[0]
    catalogue = own.catalogue
    territory = load_france(level, progress=False).loc[code]
    withheld = own.withheld
    assert page.fields["name"] == territory["name"]
    assert page.fields["code"] == code

    def shown(indicator):
        return not (
            withheld is not None and indicator in withheld and withheld.at[code, indicator]
        )

    # key figures: the territory's value and France's
    checked = 0
    for indicator, texts in page.key.items():
        spec = catalogue[indicator]
        unit = unit_follows(spec, lang)
        if not shown(indicator):
            assert texts["value"] == ("non publié" if lang == "fr" else "withheld")
        else:
            assert texts["value"] == _text(own.values.at[code, indicator], spec, lang, unit=unit)
        if math.isnan(france[indicator]):  # no national value: none written
            assert "reference" not in texts
        else:
            assert texts["reference"] == _text(france[indicator], spec, lang, unit=unit)
        checked += 1
    assert checked >= 8 and "population" in page.key

    # the comparison table: value, each parent's value, France's, the percentile
    levels = [lv for lv in ("departement", "region") if lv in territory.index and lv != level]
    for (indicator, column), cell in page.cells.items():
        spec = catalogue[indicator]
        unit = unit_follows(spec, lang)
        if column == "value":
            expected = own.values.at[code, indicator] if shown(indicator) else None
            if not shown(indicator):
                assert cell == ("non publié" if lang == "fr" else "withheld")
                continue
        elif column == "france":
            expected = france[indicator]
        else:
            assert column in levels
            expected = get(column).values.at[territory[column], indicator]
        assert cell == _text(expected, spec, lang, unit=unit), (indicator, column)
    assert {c for _, c in page.cells} == {"value", *levels, "france"}

    # percentiles among peers, strengths and weaknesses: the diagnosis'
    d = inputs.diagnoses.diagnosis(code, lang=lang)
    findings = {f["indicator"]: f for f in d.findings}
    for indicator, text in page.percentiles.items():
        p = findings[indicator]["percentile"]
        if text:
            assert abs(float(text) - p) < 1e-6
        else:
            assert not shown(indicator) or math.isnan(p)
    assert page.sentences["strength"] == d.strengths[:3]
    assert page.sentences["weakness"] == d.weaknesses[:3]

    # establishments by sector against France
    for indicator, texts in page.sectors.items():
        spec = catalogue[indicator]
        assert texts["value"] == _text(own.values.at[code, indicator], spec, lang)
        assert texts["reference"] == _text(france[indicator], spec, lang)


def test_withheld_values_are_not_shown(level_inputs):
    """An EPCI whose road-accident rate rests on too few accidents: its cell says so, the
    number appears nowhere on the page, and the small map leaves it uncoloured."""
    from territorial.render.sheet import render_sheet
    from territorial.sheets import sheet_content

    inputs = level_inputs("epci")
    hidden = inputs.table.withheld["road_accidents_rate"]
    code = hidden[hidden].index[0]
    parts = inputs.table.parts["road_accidents_rate"].loc[code]
    html = render_sheet(sheet_content(inputs, code, lang="fr"))
    page = read_sheet(html)
    assert page.cells[("road_accidents_rate", "value")] == "non publié"
    assert page.percentiles["road_accidents_rate"] == ""
    rate = 10_000 * parts["numerator"] / parts["denominator"]
    assert format_value(rate, decimals=1) not in page.cells.values() or math.isnan(rate)


@pytest.mark.parametrize("code", ["200046977", "200050532"])
def test_english_sheets_have_no_french_words(level_inputs, code):
    from territorial.render.sheet import render_sheet
    from territorial.sheets import sheet_content

    html = render_sheet(sheet_content(level_inputs("epci"), code, lang="en"))
    page = read_sheet(html)
    body = "".join(page.text_parts)
    body = body[: body.index("Sources (titles as published")]  # the French titles of the sources
    for word in (
        "Atouts",
        "Faiblesses",
        "hab.",
        "n.d.",
        "pour ",
        " sur ",
        "Valeur",
        "Chiffres",
        "Région",
        "région",
        "départementale",
        "Évolution",
        "Part des",
        "Taux",
        "ans ",
        "semaine",
        "Aucun",
        "Situation",
        "comparables",
        " et ",
    ):
        assert word not in body, word
    assert "Strengths" in body and "Key figures" in body


def test_history_and_profiles(level_inputs):
    """The population of each vintage (Lyon: 2016 to 2023), against its references, and
    Mayotte's single vintage; the ranks of the profiles are those of composite_scores."""
    from territorial.diagnose.composite import composite_scores
    from territorial.france import france_profiles
    from territorial.sheets import sheet_content

    inputs = level_inputs("epci")
    lyon = sheet_content(inputs, "200046977", lang="fr")
    assert lyon.history["years"] == [2016, 2017, 2019, 2020, 2022, 2023]
    assert [s["level"] for s in lyon.history["series"]] == ["epci", "region", "departement",
                                                            "france"]  # fmt: skip
    assert (
        lyon.history["series"][0]["values"][-1]
        == inputs.table.values.at["200046977", "population"]
    )
    assert not lyon.history["single"]
    # Mayotte: every list repeats one figure, so one vintage at most is shown
    history = inputs.history["epci"].loc["200050532"]
    assert history.notna().sum() <= 1
    mayotte = sheet_content(inputs, "200050532", lang="en")
    assert mayotte.history is None or mayotte.history["single"]
    departements = level_inputs("departement")
    assert departements.history["departement"].loc["976"].notna().sum() <= 1
    assert departements.history["departement"].loc["974"].notna().all()
    mayotte = sheet_content(departements, "976", lang="en")
    assert mayotte.history is None or mayotte.history["single"]
    ranks = composite_scores(inputs.diagnoses.comparison.values, france_profiles(),
                             specs=inputs.diagnoses.specs).ranks  # fmt: skip
    n = ranks["public_services"].notna().sum()
    rank = int(ranks.at["200046977", "public_services"])
    assert lyon.profiles[0] == ("Services publics de proximité",
                                f"{rank}e sur {format_number(n)}")  # fmt: skip


def test_figures_missing_at_the_level_are_named_once(level_inputs):
    """No EPCI has a median income (a median of communes cannot be summed): the figure is
    left out of the key figures and of the table, and named once in the notes."""
    from territorial.sheets import sheet_content

    content = sheet_content(level_inputs("epci"), "200046977", lang="en")
    assert "median_income" not in [f.id for f in content.key]
    assert "median_income" not in [r.id for _, rows in content.themes for r in rows]
    note = [n for n in content.notes if n.startswith("Not available for EPCIs: ")]
    assert note == ["Not available for EPCIs: Median standard of living; Poverty rate "
                    "(60 % threshold)."]  # fmt: skip


def test_long_notes_are_cut_between_items_and_say_where_the_rest_is(level_inputs):
    from territorial.sheets import sheet_content
    from territorial.sheets.content import MAX_NOTE

    inputs = level_inputs("departement")
    d = inputs.diagnosis("976", "en")
    content = sheet_content(inputs, "976", lang="en")
    assert any(len(n) > MAX_NOTE for n in d.notes)  # the typology's note on Mayotte
    assert len(content.notes) >= len(d.notes)
    for whole, shown in zip(d.notes, content.notes, strict=False):
        if len(whole) <= MAX_NOTE:
            assert shown == whole
        else:
            kept = shown.removesuffix("… (full list: territorial diagnose SOURCE CODE)")
            assert kept != shown and whole.startswith(kept) and len(kept) <= MAX_NOTE
