"""Small synthetic fixtures for the render tests (not real data: built here, said so)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import box

from territorial.render.static.insets import DROM


@pytest.fixture
def grid() -> gpd.GeoDataFrame:
    """A synthetic 6 x 5 grid of 10 km squares in Lambert-93 with a value and a stock.

    One value is missing. Codes are ``T00``..``T29``.
    """
    rows = []
    for i in range(30):
        x, y = 600_000 + (i % 6) * 10_000, 6_500_000 + (i // 6) * 10_000
        rows.append(box(x, y, x + 10_000, y + 10_000))
    values = np.linspace(1.0, 30.0, 30) ** 1.5
    values[7] = np.nan
    gdf = gpd.GeoDataFrame(
        {
            "name": [f"Territoire {i}" for i in range(30)],
            "value": values,
            "stock": np.arange(30, dtype="float64") * 1000 + 500,
            "population": np.arange(30, dtype="float64")[::-1] * 100 + 10,
        },
        geometry=rows,
        crs=2154,
        index=pd.Index([f"T{i:02d}" for i in range(30)], name="code"),
    )
    return gdf


def _square(lon: float, lat: float, size: float = 0.05):
    return box(lon, lat, lon + size, lat + size)


@pytest.fixture
def fake_france() -> gpd.GeoDataFrame:
    """Synthetic squares in lon/lat: 12 in metropolitan France, 2 in each DROM, 4 in Paris.

    Codes start with the DROM's code for overseas squares; ``75P*`` are Paris squares.
    """
    geoms, codes, values = [], [], []
    for i in range(12):  # spread over metropolitan France
        lon, lat = -1.5 + (i % 4) * 2.0, 44.0 + (i // 4) * 2.0
        geoms.append(_square(lon, lat, 0.6))
        codes.append(f"M{i:02d}")
        values.append(float(i))
    for group in DROM:
        x0, y0, x1, y1 = group.lonlat_box
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        for j in range(2):
            geoms.append(_square(cx - 0.1 + j * 0.1, cy - 0.05, 0.08))
            codes.append(f"{group.key}{j:02d}")
            values.append(100.0 + j)
    for j in range(4):
        geoms.append(_square(2.25 + (j % 2) * 0.1, 48.80 + (j // 2) * 0.05, 0.09))
        codes.append(f"75P{j}")
        values.append(50.0 + j)
    gdf = gpd.GeoDataFrame(
        {"value": values, "name": codes},
        geometry=geoms,
        crs=4326,
        index=pd.Index(codes, name="code"),
    )
    return gdf
