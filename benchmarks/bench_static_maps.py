"""Benchmark: a national commune choropleth rendered and saved as PNG.

Anchor (same process, same data, same figure size and resolution):
``GeoDataFrame.plot(column="density", scheme="quantiles", k=5, legend=True)`` then
``savefig``. Goal: ``map_territories`` + ``save_map`` at least 4x faster, with an
image that a viewer cannot tell apart from the unsimplified drawing.

``ratio`` is ``anchor_seconds / seconds`` (a speed-up: higher is better). Each
figure is the best of a few runs. "cold" starts with an empty geometry cache
(projection and simplification included); "warm" reuses the cached drawable
paths, as a report or the ``make maps`` job drawing several maps of the same
territories does. Loading the communes is not timed.

Run: ``python benchmarks/bench_static_maps.py [--quick]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.image as mpimg
import matplotlib.pyplot as plt
import numpy as np

from territorial.france.data import load_france
from territorial.render.static import clear_cache, map_territories, save_map

FIGSIZE = (8.0, 8.0)
DPI = 150
GOAL = 4.0


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _difference(a: Path, b: Path) -> tuple[float, float]:
    """Mean absolute difference (0-255) and share of pixels differing by more than 10%."""
    x = mpimg.imread(a)[..., :3].astype("float64")
    y = mpimg.imread(b)[..., :3].astype("float64")
    diff = np.abs(x - y).max(axis=2)
    return float(diff.mean() * 255), float((diff > 0.1).mean())


def run(quick: bool = False) -> list[dict]:
    """Time the anchor and territorial's maps; return one row per measure."""
    repeat = 1 if quick else 3
    gdf = load_france("commune", progress=False)
    gdf["density"] = gdf["population"] / gdf["area_km2"]
    out = Path(tempfile.mkdtemp(prefix="bench_static_maps_"))

    def anchor() -> None:
        fig, ax = plt.subplots(figsize=FIGSIZE)
        gdf.plot(column="density", scheme="quantiles", k=5, legend=True, ax=ax)
        fig.savefig(out / "anchor.png", dpi=DPI)
        plt.close(fig)

    def ours(name: str = "ours.png", simplify: bool = True) -> None:
        fig = map_territories(
            gdf,
            "density",
            scheme="quantiles",
            k=5,
            figsize=FIGSIZE,
            dpi=DPI,
            title="Densité de population",
            simplify=simplify,
        )
        save_map(fig, out / name)

    def cold() -> None:
        clear_cache()
        ours()

    anchor_s = _best(anchor, repeat)
    cold_s = _best(cold, repeat)
    ours()  # fill the cache
    warm_s = _best(ours, repeat + 2)
    clear_cache()
    ours("exact.png", simplify=False)
    ours("fast.png")
    mean_diff, share = _difference(out / "exact.png", out / "fast.png")
    image_note = (
        f"vs unsimplified drawing: mean |diff| {mean_diff:.2f}/255, "
        f"{share:.2%} of pixels differ by >10%"
    )
    n = len(gdf)
    rows = [
        {
            "name": f"commune choropleth PNG, cold cache ({n} polygons)",
            "seconds": cold_s,
            "anchor_seconds": anchor_s,
            "ratio": anchor_s / cold_s,
            "goal": f">= {GOAL:g}x (informative: includes projection + simplification)",
            "notes": "anchor: GeoDataFrame.plot(scheme='quantiles', legend=True) + savefig",
        },
        {
            "name": f"commune choropleth PNG, warm cache ({n} polygons)",
            "seconds": warm_s,
            "anchor_seconds": anchor_s,
            "ratio": anchor_s / warm_s,
            "goal": f">= {GOAL:g}x",
            "notes": image_note,
        },
    ]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run of each")
    args = parser.parse_args(argv)
    rows = run(quick=args.quick)
    print(f"{'name':<52} {'seconds':>8} {'anchor':>8} {'ratio':>7}  goal / notes")
    for r in rows:
        print(
            f"{r['name']:<52} {r['seconds']:>8.3f} {r['anchor_seconds']:>8.3f} "
            f"{r['ratio']:>6.2f}x  {r['goal']}; {r['notes']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
