"""Shared fixtures.

Synthetic fixtures are small hand-made layers (said so in their names); real-data
fixtures load the built-in France data from the cache (`make test` fetches it first).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely import box


@pytest.fixture
def synthetic_grid() -> gpd.GeoDataFrame:
    """Synthetic: six 1 km x 1 km squares in Lambert-93, two 'départements' of three."""
    cells = [box(700_000 + i * 1000, 6_600_000, 701_000 + i * 1000, 6_601_000) for i in range(6)]
    return gpd.GeoDataFrame(
        {
            "name": ["Aa", "Bé", "Cé", "Dé", "Ée", "Fa"],
            "population": [100.0, 200.0, 300.0, 400.0, 500.0, 600.0],
            "departement": ["01", "01", "01", "02", "02", "02"],
            "area_km2": [1.0] * 6,
            "metric_epsg": [2154] * 6,
        },
        index=pd.Index([f"0{i}001" for i in range(1, 7)], name="code"),
        geometry=cells,
        crs=2154,
    )


@pytest.fixture(scope="session")
def communes() -> gpd.GeoDataFrame:
    from territorial import load_france

    return load_france("commune", progress=False)


@pytest.fixture(scope="session")
def france_levels() -> dict[str, gpd.GeoDataFrame]:
    from territorial import FRANCE_LEVELS, load_france

    return {level: load_france(level, progress=False) for level in FRANCE_LEVELS}
