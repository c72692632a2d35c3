from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from territorial import custom_territories, join_table
from territorial.errors import DuplicateCodeError, InvalidArgumentError, TerritoryNotFoundError


def test_custom_territories_sum_their_members(synthetic_grid):
    custom = custom_territories(
        {
            "west": ["01001", "02001"],
            "east": ["05001", "06001"],
            "all": list(synthetic_grid.index),
        },
        base=synthetic_grid,
        names={"west": "Pays de l'Ouest"},
    )
    assert custom.loc["west", "name"] == "Pays de l'Ouest"
    assert custom.loc["east", "name"] == "east"
    assert custom.loc["west", "population"] == 300.0
    assert custom.loc["all", "population"] == synthetic_grid["population"].sum()
    assert custom.loc["all", "area_km2"] == pytest.approx(6.0)
    assert custom.loc["west", "members"] == ("01001", "02001")
    assert custom.loc["all", "geometry"].area == pytest.approx(6e6)
    assert shapely.equals(
        custom.loc["west", "geometry"], synthetic_grid.geometry.iloc[:2].union_all()
    )
    # a parent code is kept where every member shares it, missing where they differ
    assert custom.loc["west", "departement"] == "01"
    assert pd.isna(custom.loc["all", "departement"])


@pytest.mark.realdata
def test_custom_territory_from_real_communes(communes):
    members = ["69123", "69266", "69259"]  # Lyon, Villeurbanne, Vénissieux
    custom = custom_territories({"coeur": members}, base=communes)
    assert custom.loc["coeur", "population"] == communes.loc[members, "population"].sum()
    assert custom.loc["coeur", "area_km2"] == pytest.approx(
        communes.loc[members, "area_km2"].sum()
    )
    assert custom.loc["coeur", "departement"] == "69"


def test_custom_territory_errors(synthetic_grid):
    with pytest.raises(TerritoryNotFoundError) as info:
        custom_territories({"x": ["01001", "99999"]}, base=synthetic_grid)
    assert str(info.value) == (
        "No territory matches '99999' in the base layer (members of 'x'; check the level "
        "and the vintage). Check the spelling, or search with territorial.lookup(gdf, query)."
    )
    with pytest.raises(InvalidArgumentError) as info:
        custom_territories({"x": "01001"}, base=synthetic_grid)
    assert str(info.value) == (
        "members['x']='01001' is not valid: expected a non-empty list of member codes. Give a "
        "list (or tuple), e.g. ['01001', '01002']."
    )
    with pytest.raises(InvalidArgumentError) as info:
        custom_territories({}, base=synthetic_grid)
    assert str(info.value) == (
        "members={} is not valid: expected a non-empty mapping {code: [member codes]}. "
        "Example: {'pays-x': ['01001', '01002']}."
    )


def test_join_reports_everything(synthetic_grid):
    table = pd.DataFrame(
        {"jobs": [10.0, 20.0, 30.0, 40.0]}, index=["01001", "02001", "7001", "75101"]
    )
    joined, report = join_table(synthetic_grid, table)
    assert len(joined) == len(synthetic_grid)  # nothing dropped
    assert joined["jobs"].tolist()[:2] == [10.0, 20.0]
    assert np.isnan(joined.loc["06001", "jobs"])
    assert report.matched == 2
    assert report.unknown_codes == ("7001", "75101")
    assert report.missing_territories == ("03001", "04001", "05001", "06001")
    assert report.coverage == pytest.approx(2 / 6)
    assert len(report.hints) == 2
    assert report.hints[0].startswith("1 unknown codes are arrondissements municipaux")
    assert report.hints[1].startswith("1 unknown codes have 4 digits (e.g. 7001)")
    assert report.to_dict()["matched"] == 2


def test_join_rejects_duplicates_and_clashes(synthetic_grid):
    table = pd.DataFrame({"x": [1, 2, 3]}, index=["01001", "01001", "02001"])
    with pytest.raises(DuplicateCodeError) as info:
        join_table(synthetic_grid, table)
    assert str(info.value) == (
        "table has duplicated territory codes: '01001'. Aggregate the rows first (e.g. "
        "df.groupby(code).sum()) or keep one row per code."
    )
    clash = pd.DataFrame({"population": [1.0]}, index=["01001"])
    with pytest.raises(InvalidArgumentError) as info:
        join_table(synthetic_grid, clash)
    assert str(info.value) == (
        "table=['population'] is not valid: expected columns that territories does not already "
        "have. Rename them, e.g. table.rename(columns={...}), or pick others with columns=[...]."
    )


def test_custom_population_unknown_when_a_member_has_none(synthetic_grid):
    base = synthetic_grid.copy()
    base.loc["02001", "population"] = float("nan")
    custom = custom_territories({"x": ["01001", "02001"]}, base=base)
    assert np.isnan(custom.loc["x", "population"])


def test_join_with_integer_index_and_missing_codes(synthetic_grid):
    territories = synthetic_grid.set_axis([1001, 2001, 3001, 4001, 5001, 6001], axis=0)
    table = pd.DataFrame({"x": [1.0, 2.0]}, index=["1001", "2001"])
    joined, report = join_table(territories, table)
    assert joined["x"].tolist()[:2] == [1.0, 2.0]
    assert report.matched == 2
    with pytest.raises(InvalidArgumentError) as info:
        join_table(synthetic_grid, pd.DataFrame({"x": [1.0]}, index=[None]))
    assert str(info.value) == (
        "table='1 rows without a code' is not valid: expected a territory code on every row. "
        "Drop or fill the rows whose code is missing."
    )
