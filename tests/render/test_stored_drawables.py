"""Drawable geometry stored across processes (territorial.render.static.stored): read back
when warm, under a new key when the geometry, rows, CRS or tolerance change, and computed
again (never trusted) when the stored file is damaged. Synthetic grid of conftest.py."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from territorial.render import map_territories, save_map
from territorial.render.static import clear_cache, drawables, stored


@pytest.fixture
def store(tmp_path, monkeypatch):
    """The store in a temporary folder, for geometry of any size."""
    monkeypatch.setenv("TERRITORIAL_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(stored, "ENABLED", True)
    monkeypatch.setattr(drawables, "DISK_MIN_VERTICES", 1)
    clear_cache()
    yield tmp_path / f"drawables-v{stored.FORMAT}"
    clear_cache()


def _computations(monkeypatch) -> list[float]:
    """Count the projections and simplifications that :func:`drawable` runs."""
    calls: list[float] = []
    make = drawables._make_drawable

    def counted(geometry, positions, crs, tolerance):
        calls.append(tolerance)
        return make(geometry, positions, crs, tolerance)

    monkeypatch.setattr(drawables, "_make_drawable", counted)
    return calls


def _same_arrays(a, b) -> None:
    for name in ("coords", "codes", "starts"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.bounds == b.bounds and a.n_vertices_source == b.n_vertices_source


def test_a_second_process_reads_the_stored_geometry(grid, store, monkeypatch):
    calls = _computations(monkeypatch)
    first = drawables.drawable(grid.geometry, crs=2154, tolerance=256.0)
    assert calls == [256.0] and len(list(store.glob("*.bin"))) == 1
    clear_cache()  # as in a new process
    again = drawables.drawable(grid.geometry.copy(), crs=2154, tolerance=256.0)
    assert calls == [256.0]  # read, not computed
    _same_arrays(first, again)
    assert not again.coords.flags.writeable  # a view on the file's bytes
    # the projected geometry is computed when asked for (points of symbols, labels)
    assert np.allclose(again.points(), first.points())


def test_the_key_changes_with_geometry_rows_crs_and_tolerance(grid, store, monkeypatch):
    calls = _computations(monkeypatch)
    drawables.drawable(grid.geometry, crs=2154, tolerance=256.0)
    variants = [
        (grid.geometry.translate(1000, 0), None, 2154, 256.0),  # other geometry
        (grid.geometry, np.arange(10), 2154, 256.0),  # other rows
        (grid.geometry, None, 3857, 256.0),  # other CRS
        (grid.geometry, None, 2154, 512.0),  # other tolerance
    ]
    for geometry, positions, crs, tolerance in variants:
        clear_cache()
        drawables.drawable(geometry, positions, crs=crs, tolerance=tolerance)
    assert len(calls) == 5 and len(list(store.glob("*.bin"))) == 5
    moved = drawables.drawable(grid.geometry.translate(1000, 0), crs=2154, tolerance=256.0)
    plain = drawables.drawable(grid.geometry, crs=2154, tolerance=256.0)
    assert moved.bounds[0] == plain.bounds[0] + 1000


def test_the_key_changes_with_the_code(grid, store, monkeypatch):
    before = drawables._stored_key(grid.geometry, np.arange(30), 2154, "drawable 256.0")
    monkeypatch.setattr(drawables, "_versions", lambda: "another version of the code")
    assert drawables._stored_key(grid.geometry, np.arange(30), 2154, "drawable 256.0") != before


@pytest.mark.parametrize("damage", ["payload", "header", "truncated"])
def test_a_damaged_file_is_drawn_again(grid, store, monkeypatch, capfd, damage):
    calls = _computations(monkeypatch)
    first = drawables.drawable(grid.geometry, crs=2154, tolerance=256.0)
    (path,) = store.glob("*.bin")
    data = path.read_bytes()
    if damage == "payload":  # same size, other bytes
        data = data[:-16] + bytes(16)
    elif damage == "header":
        data = data.replace(b'"format": 2', b'"format": 9', 1)
    else:
        data = data[: len(data) // 2]
    path.write_bytes(data)
    clear_cache()
    again = drawables.drawable(grid.geometry, crs=2154, tolerance=256.0)
    assert "cannot be trusted" in capfd.readouterr().err
    assert len(calls) == 2  # computed again, not read
    _same_arrays(first, again)
    assert path.read_bytes() != data  # and stored again, whole
    clear_cache()
    drawables.drawable(grid.geometry, crs=2154, tolerance=256.0)
    assert len(calls) == 2


def test_a_map_drawn_from_the_store_is_the_same_picture(grid, store, tmp_path):
    kwargs = {"insets": None, "title": "Carte", "figsize": (4, 4), "dpi": 60}
    computed = save_map(map_territories(grid, "value", **kwargs), tmp_path / "a.png")
    clear_cache()
    read = save_map(map_territories(grid, "value", **kwargs), tmp_path / "b.png")
    assert len(list(store.glob("*.bin"))) >= 2  # the geometry and its projected bounds
    assert computed.read_bytes() == read.read_bytes()


def test_small_geometry_is_not_stored(grid, store, monkeypatch):
    monkeypatch.setattr(drawables, "DISK_MIN_VERTICES", 10_000)  # the grid has 150 vertices
    drawables.drawable(grid.geometry, crs=2154, tolerance=256.0)
    assert not store.exists()


def test_the_default_scheme_imports_no_mapclassify():
    code = (
        "import sys, geopandas as gpd; from shapely import box\n"
        "from territorial.render import map_territories\n"
        "g = gpd.GeoDataFrame({'v': [1.0, 2.0, 3.0]}, crs=2154,\n"
        "    geometry=[box(i, 0, i + 1, 1) for i in range(3)])\n"
        "map_territories(g, 'v', k=2, insets=None)\n"
        "print(sorted(m for m in ('mapclassify', 'scipy.stats', 'sklearn') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
