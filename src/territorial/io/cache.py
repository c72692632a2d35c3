"""Where territorial keeps the data it fetches and converts, and how it checks it.

Every cached file is recorded with its size and sha256 in a manifest (a JSON
file written last, atomically, once the files it lists are complete). A cached
file is checked against its record when it is read, from the very bytes that
are then parsed: one sha256 per read (about 15 ms for the 16 MB commune layer,
0.12 s for the 68 MB accident wheel), never per value. A file that differs
from its record, or has none, is rebuilt with a one-line notice on stderr
naming it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import platformdirs

from territorial.errors import InvalidArgumentError
from territorial.files import write_text_atomic
from territorial.report import json_safe  # re-exported: the caches store reports

__all__ = [
    "CACHE_ENV",
    "cache_dir",
    "check_cached_bytes",
    "file_record",
    "json_safe",
    "read_manifest",
    "rebuild_notice",
    "sha256_file",
    "write_manifest",
]

CACHE_ENV = "TERRITORIAL_CACHE_DIR"


def cache_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the cache folder, creating it if needed.

    Parameters
    ----------
    path
        Explicit folder. Without it, the environment variable
        ``TERRITORIAL_CACHE_DIR`` is used, then the user cache folder
        (``~/.cache/territorial`` on Linux).

    Examples
    --------
    >>> cache_dir("/tmp/territorial-doc").name
    'territorial-doc'
    """
    argument = "cache"
    if path is None:
        argument = CACHE_ENV if os.environ.get(CACHE_ENV) else "the user cache folder"
        path = os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir("territorial")
    folder = Path(path).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # a file in the way, a read-only place...
        raise InvalidArgumentError(
            argument, str(folder), "a folder territorial can create or use",
            f"It cannot be made a folder ({error.strerror or error}): point "
            f"{CACHE_ENV} (or cache=) at another folder.",
        ) from None  # fmt: skip
    return folder


def sha256_file(path: str | os.PathLike[str]) -> str:
    """The sha256 of a file, read in 1 MiB blocks.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> sha256_file(p)[:16]
    'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_record(path: str | os.PathLike[str]) -> dict[str, object]:
    """``{"bytes": size, "sha256": digest}`` of a file, as kept in a manifest.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = path.write_bytes(b"abc")
    >>> file_record(path)["bytes"], file_record(path)["sha256"][:12]
    (3, 'ba7816bf8f01')
    """
    path = Path(path)
    return {"bytes": path.stat().st_size, "sha256": sha256_file(path)}


def write_manifest(
    manifest: str | os.PathLike[str],
    files: Iterable[str | os.PathLike[str]],
    **extra: object,
) -> Path:
    """Record the size and sha256 of ``files`` in ``manifest`` (JSON, written atomically).

    Write it last, once every listed file is complete: a manifest always
    describes complete files. Names are kept relative to the manifest's folder.

    Parameters
    ----------
    manifest
        The JSON file to write.
    files
        The files to record (in the manifest's folder).
    **extra
        Other entries of the JSON object (e.g. the cache format).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "t.csv").write_text("a\\n")
    >>> m = write_manifest(folder / "t.sha256.json", [folder / "t.csv"], format=1)
    >>> read_manifest(m)["t.csv"]["bytes"]
    2
    """
    manifest = Path(manifest)
    records = {Path(f).name: file_record(f) for f in files}
    payload = {**extra, "files": records}
    return write_text_atomic(manifest, json.dumps(payload, indent=2, ensure_ascii=False))


def read_manifest(manifest: str | os.PathLike[str]) -> dict[str, dict] | None:
    """The file records of a manifest (name -> ``{"bytes", "sha256"}``), or None when the
    manifest is missing, unreadable or has no valid ``files`` entry.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("abc")
    >>> _ = write_manifest(folder / "manifest.json", [folder / "a.txt"])
    >>> read_manifest(folder / "manifest.json")["a.txt"]["bytes"]
    3
    >>> read_manifest(folder / "missing.json") is None
    True
    """
    try:
        payload = json.loads(Path(manifest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = payload.get("files") if isinstance(payload, dict) else None
    if not isinstance(files, dict):
        return None
    good = {
        name: record
        for name, record in files.items()
        if isinstance(record, dict)
        and isinstance(record.get("sha256"), str)
        and isinstance(record.get("bytes"), int)
    }
    return good if len(good) == len(files) else None


def check_cached_bytes(
    path: str | os.PathLike[str], records: Mapping[str, Mapping] | None
) -> tuple[bytes | None, str]:
    """Read a cached file and check it against its manifest record.

    Returns
    -------
    tuple
        ``(data, "")`` when the file matches its record; ``(None, problem)``
        otherwise, ``problem`` saying what is wrong (for :func:`rebuild_notice`).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "t.csv").write_text("a\\n")
    >>> records = read_manifest(write_manifest(folder / "m.json", [folder / "t.csv"]))
    >>> check_cached_bytes(folder / "t.csv", records)
    (b'a\\n', '')
    >>> _ = (folder / "t.csv").write_text("b\\n")
    >>> check_cached_bytes(folder / "t.csv", records)[1]  # doctest: +ELLIPSIS
    'its sha256 is 0263829989b6fd95..., its manifest says 87428fc522803d31...'
    """
    path = Path(path)
    if records is None:
        return None, "its manifest is missing or unreadable"
    record = records.get(path.name)
    if record is None:
        return None, "its manifest does not list it"
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, f"it cannot be read ({error.strerror or error})"
    if len(data) != record["bytes"]:
        return None, f"it has {len(data):,} bytes, its manifest says {record['bytes']:,}"
    digest = hashlib.sha256(data).hexdigest()
    if digest != record["sha256"]:
        expected = record["sha256"]
        return None, f"its sha256 is {digest[:16]}..., its manifest says {expected[:16]}..."
    return data, ""


def rebuild_notice(path: str | os.PathLike[str], problem: str, action: str) -> None:
    """Say on stderr, in one line, which cached file is bad and what is done about it.

    Examples
    --------
    >>> import contextlib, io
    >>> err = io.StringIO()
    >>> with contextlib.redirect_stderr(err):
    ...     rebuild_notice("/c/commune.parquet", "it has 3 bytes", "rebuilding the France data")
    >>> err.getvalue()
    'territorial: the cached file /c/commune.parquet cannot be trusted (it has 3 bytes): \
rebuilding the France data.\\n'
    """
    message = f"territorial: the cached file {path} cannot be trusted ({problem}): {action}."
    print(message, file=sys.stderr)
