"""Overseas départements: their metric CRS and the areas computed in it (real data).

Three independent checks of ``area_km2``:

1. the metric CRS of each DROM is the UTM zone that contains it (computed here from
   the territory's longitude, not read from the package);
2. the area computed now by :func:`metric_area_km2` in that CRS, and the cached
   ``area_km2``, agree with the geodesic area of the same polygons on the GRS80
   ellipsoid (no projection at all) within 0.2 %: inside its own UTM zone the scale
   factor stays between 0.9996 and about 1.0004, so areas are off by at most about
   0.1 %; a neighbouring zone's CRS distorts them by 3 to 4 % (Mayotte drawn in La
   Réunion's UTM 40S: +4.1 %);
3. the areas against the official surfaces (INSEE), within 4 %: the boundary file
   generalises the coastlines, and Martinique's polygons cover 1,086 km² for an
   official 1,128 km² (-3.7 %), Mayotte's 366 km² for 374 km² (-2.2 %). This check
   catches gross errors (a wrong unit, a département lost); it cannot see a 4 %
   distortion, which check 2 does.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from pyproj import CRS, Geod

from territorial.territories.crs import (
    LAMBERT_93,
    OVERSEAS_CRS,
    france_metric_epsg,
    metric_area_km2,
)

pytestmark = pytest.mark.realdata

#: Metric EPSG codes of the DROM (RGAF09 / UTM 20N, RGFG95 / UTM 22N, RGR92 / UTM 40S,
#: RGM04 / UTM 38S) and their official surfaces in km² (INSEE, comparateur de territoires).
DROM = {
    "971": ("Guadeloupe", 5490, 1628.0),
    "972": ("Martinique", 5490, 1128.0),
    "973": ("Guyane", 2972, 83534.0),
    "974": ("La Réunion", 2975, 2504.0),
    "976": ("Mayotte", 4471, 374.0),
}
GEODESIC_TOLERANCE = 0.002
OFFICIAL_TOLERANCE = 0.04

_geod = Geod(ellps="GRS80")


def _geodesic_km2(geometry) -> float:
    """Area on the ellipsoid of a lon/lat polygon (pyproj's geodesic polygon area)."""
    area, _ = _geod.geometry_area_perimeter(geometry)
    return abs(area) / 1e6


@pytest.fixture(scope="module")
def departements():
    from territorial import load_france

    return load_france("departement", progress=False)


def test_the_metric_crs_of_each_drom_is_pinned():
    assert {code: epsg for code, (_, epsg, _) in DROM.items()} == OVERSEAS_CRS
    codes = ["971", "972", "973", "974", "976", "69", "2A"]
    assert france_metric_epsg(pd.Series(codes)).tolist() == [
        5490, 5490, 2972, 2975, 4471, LAMBERT_93, LAMBERT_93,
    ]  # fmt: skip


@pytest.mark.parametrize("code", list(DROM))
def test_the_metric_crs_is_the_utm_zone_containing_the_territory(departements, code):
    point = departements.loc[code].geometry.representative_point()
    zone = math.floor((point.x + 180) / 6) + 1
    hemisphere = "N" if point.y > 0 else "S"
    crs = CRS.from_epsg(OVERSEAS_CRS[code])  # the package's own table
    assert crs.is_projected
    assert crs.name.endswith(f"UTM zone {zone}{hemisphere}"), (crs.name, zone, hemisphere)


@pytest.mark.parametrize("code", list(DROM))
def test_areas_computed_now_and_cached_agree_with_the_geodesic_area(departements, code):
    row = departements.loc[[code]]
    geodesic = _geodesic_km2(row.geometry.iloc[0])
    epsg = france_metric_epsg(row.index.to_series())
    assert epsg.item() == DROM[code][1]
    now = metric_area_km2(row.geometry, epsg).item()
    assert now == pytest.approx(geodesic, rel=GEODESIC_TOLERANCE)
    assert row["metric_epsg"].item() == DROM[code][1]
    assert row["area_km2"].item() == pytest.approx(geodesic, rel=GEODESIC_TOLERANCE)


def test_a_neighbouring_zone_would_fail_the_geodesic_check(departements):
    """The check above is tight enough: Mayotte in La Réunion's CRS is 4 % too large."""
    row = departements.loc[["976"]]
    geodesic = _geodesic_km2(row.geometry.iloc[0])
    wrong = metric_area_km2(row.geometry, 2975).item()
    assert wrong / geodesic - 1 > 0.04


@pytest.mark.parametrize("code", list(DROM))
def test_areas_against_the_official_surfaces(departements, code):
    name, _, official = DROM[code]
    assert departements.loc[code, "name"] == name
    assert departements.loc[code, "area_km2"] == pytest.approx(official, rel=OFFICIAL_TOLERANCE)


def test_regions_of_the_drom_have_their_crs_and_area(france_levels, departements):
    """One région per DROM (01 Guadeloupe ... 06 Mayotte), same CRS and area."""
    regions = france_levels["region"].set_index("name")
    for code, (name, epsg, _) in DROM.items():
        assert regions.loc[name, "metric_epsg"] == epsg
        assert regions.loc[name, "area_km2"] == pytest.approx(
            departements.loc[code, "area_km2"], rel=1e-6
        )


def test_communes_and_epci_of_the_drom_have_their_crs(france_levels, departements):
    """Communes of a DROM carry its CRS and their areas add up to its area; so do its EPCI."""
    communes, epcis = france_levels["commune"], france_levels["epci"]
    for code, (_, epsg, _) in DROM.items():
        members = communes[communes["departement"] == code]
        assert len(members) > 10
        assert set(members["metric_epsg"]) == {epsg}
        assert members["area_km2"].sum() == pytest.approx(
            departements.loc[code, "area_km2"], rel=1e-4
        )
        own = epcis.loc[epcis.index.isin(members["epci"].dropna())]
        assert len(own) >= 2
        assert set(own["metric_epsg"]) == {epsg}
