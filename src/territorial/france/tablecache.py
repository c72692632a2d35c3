"""Cached tables of the built-in catalogue on the built-in data, across processes.

The diagnosis of one territory needs its level and every reference level computed from
the commune components, about 3 s a level; a second ``territorial diagnose`` of the same
level reads them back in a fraction of a second. A table is stored under a key made of
everything it depends on: the level and the indicators asked for, the catalogue's text,
the toolkit's code (the source of the ``indicators`` and ``france`` packages), and every
cached input file (name, size and modification time of the files of the cache folder,
so a ``territorial fetch`` or a rebuilt cache gives a new key). Every file is written
atomically, listed with its sha256 in a manifest written last, and verified when read;
a table that fails is recomputed (with a one-line notice) and written again.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from territorial.files import atomic_path, remove_stale_temporaries, write_text_atomic
from territorial.io.cache import (
    cache_dir,
    check_cached_bytes,
    json_safe,
    read_manifest,
    rebuild_notice,
    write_manifest,
)

__all__ = [
    "TABLES_FORMAT",
    "read_parsed_catalogue",
    "read_table",
    "table_key",
    "write_parsed_catalogue",
    "write_table",
]

#: Bump when the stored form of a table changes.
TABLES_FORMAT = 1
#: Whether :func:`territorial.france.compute_france` stores and reads tables here (the
#: test suite turns it off, since its tests replace loaders to simulate missing data).
ENABLED = True
#: Tables kept; the oldest are removed beyond this number.
KEPT = 64
_FRAMES = ("values", "flags", "withheld", "parts")


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """sha256 of the toolkit's source and of the data it ships (catalogue, extracts)."""
    return tree_fingerprint(Path(str(resources.files("territorial"))))


def tree_fingerprint(root: Path) -> str:
    """sha256 of the source and data files under ``root`` (names and contents).

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = (root / "a.py").write_text("x = 1")
    >>> first = tree_fingerprint(root)
    >>> _ = (root / "a.py").write_text("x = 2")
    >>> first != tree_fingerprint(root)
    True
    """
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".yaml", ".json", ".gz", ".csv"):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


#: Folders of the cache that hold what territorial derives, not inputs: the stored tables
#: and diagnoses, and the drawn geometry of the maps (territorial.render.static.stored).
DERIVED_FOLDERS = (f"tables-v{TABLES_FORMAT}", "drawables-v")


def _derived(relative: str) -> bool:
    top = relative.split("/", 1)[0]
    return top == DERIVED_FOLDERS[0] or any(
        top.startswith(prefix) for prefix in DERIVED_FOLDERS[1:]
    )


def inputs_fingerprint(folder: Path) -> str:
    """Name, size and modification time of every cached input file (derived files excluded:
    the stored tables and diagnoses, the drawn geometry of maps)."""
    digest = hashlib.sha256()
    records = []
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        # the derived folders are not walked: other processes write and prune them meanwhile
        dirs[:] = [d for d in dirs if not _derived((here / d).relative_to(folder).as_posix())]
        for name in files:
            path = here / name
            rel = path.relative_to(folder).as_posix()
            if ".tmp" in name or _derived(rel):
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:  # removed meanwhile (a rebuild): not an input now
                continue
            records.append(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\n")
    for record in sorted(records):
        digest.update(record.encode())
    return digest.hexdigest()


def catalogue_fingerprint(catalogue: Any) -> str:
    """sha256 of a catalogue's indicators and layers, as plain data ("built-in" for None).

    Examples
    --------
    >>> catalogue_fingerprint(None)
    'built-in'
    """
    if catalogue is None:
        return "built-in"
    specs = [catalogue[sid].to_dict() for sid in catalogue]
    layers = [repr(layer) for layer in catalogue.layers]
    text = json.dumps([catalogue.name, specs, layers], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def table_key(
    level: str,
    ids: list[str] | None,
    *,
    cache: str | os.PathLike[str] | None = None,
    catalogue: str = "built-in",
) -> str:
    """The key of a table of the built-in catalogue at ``level``.

    Examples
    --------
    >>> table_key("region", ["density"]) == table_key("region", ["density"])
    True
    >>> table_key("region", ["density"]) != table_key("epci", ["density"])
    True
    """
    from territorial import __version__

    folder = cache_dir(cache)
    parts = [
        f"format {TABLES_FORMAT}",
        __version__,
        level,
        "all" if ids is None else ",".join(ids),
        catalogue,
        _code_fingerprint(),
        inputs_fingerprint(folder),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]


def _folder(cache: str | os.PathLike[str] | None) -> Path:
    return cache_dir(cache) / f"tables-v{TABLES_FORMAT}"


def _paths(key: str, cache: str | os.PathLike[str] | None) -> dict[str, Path]:
    folder = _folder(cache) / key
    paths = {name: folder / f"{name}.parquet" for name in _FRAMES}
    paths["report"] = folder / "report.json"
    paths["manifest"] = folder / "manifest.json"
    return paths


def write_table(key: str, table: Any, *, cache: str | os.PathLike[str] | None = None) -> None:
    """Store an :class:`~territorial.indicators.engine.IndicatorTable` under ``key``.

    Every file is written atomically and listed with its sha256 in a manifest, which
    :func:`read_table` checks; the oldest tables beyond :data:`KEPT` are pruned.

    Examples
    --------
    >>> import tempfile
    >>> from territorial.france import compute_france
    >>> folder = tempfile.mkdtemp()
    >>> table = compute_france("region", indicators=["density"])
    >>> key = table_key("region", ["density"], cache=folder)
    >>> write_table(key, table, cache=folder)
    >>> read_table(key, cache=folder)["values"].equals(table.values)
    True
    """
    paths = _paths(key, cache)
    folder = paths["manifest"].parent
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(folder)
    frames = {
        "values": table.values,
        "flags": table.flags,
        "withheld": table.withheld if table.withheld is not None else table.flags & False,
        "parts": _parts_frame(table.parts, table.values.index),
    }
    for name, frame in frames.items():
        with atomic_path(paths[name]) as tmp:
            frame.to_parquet(tmp)
    write_text_atomic(paths["report"], json.dumps(json_safe(table.report), ensure_ascii=False))
    write_manifest(
        paths["manifest"],
        [paths[name] for name in (*_FRAMES, "report")],
        format=TABLES_FORMAT,
    )
    _prune(cache)


def _parts_frame(parts: dict[str, pd.DataFrame], index: pd.Index) -> pd.DataFrame:
    columns = {
        f"{sid}\x1f{column}": frame[column].reindex(index)
        for sid, frame in parts.items()
        for column in frame.columns
    }
    return pd.DataFrame(columns, index=index)


def read_table(key: str, *, cache: str | os.PathLike[str] | None = None) -> dict[str, Any] | None:
    """The stored parts of a table (values, flags, withheld, parts, report), or None when
    it is missing or does not match its manifest (then said in one line on stderr).

    Examples
    --------
    >>> import tempfile
    >>> read_table("no-such-key", cache=tempfile.mkdtemp()) is None
    True
    """
    paths = _paths(key, cache)
    if not paths["manifest"].exists():
        return None
    records = read_manifest(paths["manifest"])
    out: dict[str, Any] = {}
    for name in (*_FRAMES, "report"):
        data, problem = check_cached_bytes(paths[name], records)
        if data is None:
            rebuild_notice(paths[name], problem, "computing the table again")
            shutil.rmtree(paths["manifest"].parent, ignore_errors=True)
            return None
        if name == "report":
            out[name] = json.loads(data.decode("utf-8"))
        else:
            out[name] = pd.read_parquet(io.BytesIO(data))
    parts: dict[str, pd.DataFrame] = {}
    for column in out["parts"].columns:
        sid, part = column.split("\x1f", 1)
        parts.setdefault(sid, pd.DataFrame(index=out["parts"].index))[part] = out["parts"][column]
    out["parts"] = parts
    return out


def _prune(cache: str | os.PathLike[str] | None) -> None:
    """Keep the :data:`KEPT` most recently written tables."""
    dated = []
    for path in _folder(cache).iterdir():
        try:
            if path.is_dir():
                dated.append((path.stat().st_mtime_ns, path))
        except FileNotFoundError:  # pruned meanwhile by another process
            continue
    if len(dated) <= KEPT:
        return
    dated.sort()
    for _, old in dated[: len(dated) - KEPT]:
        shutil.rmtree(old, ignore_errors=True)


def _catalogue_folder(text: str, cache: str | os.PathLike[str] | None) -> Path:
    from territorial import __version__

    key = hashlib.sha256(f"format {TABLES_FORMAT}\n{__version__}\n{text}".encode()).hexdigest()
    return _folder(cache) / f"catalogue-{key[:24]}"


def _plain_equal(a: Any, b: Any) -> bool:
    """Equal with the same types all the way down (1 is not 1.0, a tuple not a list)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_plain_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_plain_equal(x, y) for x, y in zip(a, b, strict=True))
    return a == b or (a != a and b != b)  # NaN


def read_parsed_catalogue(text: str, *, cache: str | os.PathLike[str] | None = None) -> Any | None:
    """The parsed YAML of a catalogue's ``text`` stored by :func:`write_parsed_catalogue`
    (None when missing or failing its check): parsing the built-in catalogue's YAML takes
    half a second of every command that computes indicators.

    Examples
    --------
    >>> read_parsed_catalogue("indicators: []", cache=__import__("tempfile").mkdtemp()) is None
    True
    """
    if not ENABLED:
        return None
    folder = _catalogue_folder(text, cache)
    manifest = folder / "manifest.json"
    if not manifest.exists():
        return None
    data, problem = check_cached_bytes(folder / "parsed.json", read_manifest(manifest))
    if data is None:
        rebuild_notice(folder / "parsed.json", problem, "parsing the catalogue again")
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return json.loads(data.decode("utf-8"))


def write_parsed_catalogue(
    text: str, parsed: Any, *, cache: str | os.PathLike[str] | None = None
) -> None:
    """Store the parsed YAML of ``text`` when it is plain JSON data (read back equal, types
    included); a failure to write is only a notice.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> write_parsed_catalogue("indicators: []", {"indicators": []}, cache=folder)
    >>> read_parsed_catalogue("indicators: []", cache=folder)
    {'indicators': []}
    >>> write_parsed_catalogue("k", {1: "a number as a key"}, cache=folder)  # not stored
    >>> read_parsed_catalogue("k", cache=folder) is None
    True
    """
    if not ENABLED:
        return
    try:
        payload = json.dumps(parsed, ensure_ascii=False)
    except (TypeError, ValueError):
        return
    if not _plain_equal(parsed, json.loads(payload)):  # e.g. a number as a mapping key
        return
    folder = _catalogue_folder(text, cache)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(folder)
        write_text_atomic(folder / "parsed.json", payload)
        write_manifest(folder / "manifest.json", [folder / "parsed.json"], format=TABLES_FORMAT)
        _prune(cache)
    except OSError as error:
        import sys

        print(
            f"territorial: the parsed catalogue could not be stored in the cache "
            f"({getattr(error, 'strerror', None) or error}); it will be parsed again.",
            file=sys.stderr,
        )
