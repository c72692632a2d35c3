"""Drawable geometry stored across processes, verified when read.

Projecting and simplifying the 35,000 communes takes seconds and a few hundred MB; the
result (vertex arrays a few MB large) is the same every time the same geometry is drawn
at the same resolution. :func:`read` and :func:`write` keep such arrays in
``TERRITORIAL_CACHE_DIR`` (default: the user cache folder, ``~/.cache/territorial``) under
``drawables-v{FORMAT}/``, one file per key. The key is made by the caller from everything
the arrays depend on (the geometry's bytes, the rows, the CRS, the tolerance, the versions
of this code and of the libraries). Each file is a line of JSON holding that key, the
format, the layout, the size and the sha256 of the raw bytes of the arrays that follow,
and is checked against it when read: a file that does not match (truncated, edited,
another key) is not trusted, is said in one line on stderr, removed, and computed again.

The render layer imports no ``territorial.io``: these few lines read and write their own
folder, through :func:`territorial.files.atomic_path` like every file territorial writes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import sys
from pathlib import Path

import numpy as np

from territorial.files import remove_stale_temporaries, write_bytes_atomic

__all__ = ["ENABLED", "FORMAT", "KEPT", "folder", "read", "write"]

#: Bump when the stored form changes.
FORMAT = 2
#: Whether drawables are stored across processes (tests may turn it off).
ENABLED = True
#: Files kept; the oldest are removed beyond this number (the communes at the default size
#: and resolution take 11 MB).
KEPT = 32
_CACHE_ENV = "TERRITORIAL_CACHE_DIR"  # the same folder as territorial.io.cache.cache_dir


def folder() -> Path:
    """The folder of the stored drawables (not created).

    Examples
    --------
    >>> folder().name
    'drawables-v2'
    """
    import platformdirs

    root = os.environ.get(_CACHE_ENV) or platformdirs.user_cache_dir("territorial")
    return Path(root).expanduser() / f"drawables-v{FORMAT}"


def _path(key: str) -> Path:
    return folder() / f"{key}.bin"


def read(key: str) -> dict[str, np.ndarray] | None:
    """The arrays stored under ``key``, or None when there are none or they fail the check.

    The arrays are read-only views on the bytes of the file (no copy).

    Examples
    --------
    >>> read("no-such-key") is None
    True
    """
    if not ENABLED:
        return None
    path = _path(key)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    problem = ""
    end = data.find(b"\n")
    try:
        meta = json.loads(data[: max(end, 0)].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        meta, problem = {}, "its header is not readable"
    payload = memoryview(data)[end + 1 :]
    if not problem:
        if not isinstance(meta, dict) or meta.get("format") != FORMAT or meta.get("key") != key:
            problem = "its header names another format or key"
        elif meta.get("bytes") != len(payload):
            problem = f"it has {len(payload):,} bytes, its header says {meta.get('bytes')}"
        elif hashlib.sha256(payload).hexdigest() != meta.get("sha256"):
            problem = "its sha256 differs from its header's"
    if not problem:
        try:
            return {
                name: np.frombuffer(payload, dtype=np.dtype(dtype), count=math.prod(shape),
                                    offset=offset).reshape(tuple(shape))
                for name, dtype, shape, offset in meta["arrays"]
            }  # fmt: skip
        except (KeyError, TypeError, ValueError) as error:
            problem = f"its arrays are not readable ({error})"
    print(
        f"territorial: the cached file {path} cannot be trusted ({problem}): "
        "drawing the geometry again.",
        file=sys.stderr,
    )
    with contextlib.suppress(OSError):
        path.unlink()
    return None


def write(key: str, arrays: dict[str, np.ndarray]) -> None:
    """Store ``arrays`` under ``key`` (whole or not at all); a failure is only a notice.

    Examples
    --------
    >>> import os, tempfile
    >>> before = os.environ.get("TERRITORIAL_CACHE_DIR")
    >>> os.environ["TERRITORIAL_CACHE_DIR"] = tempfile.mkdtemp()
    >>> write("k1", {"a": np.arange(3)})
    >>> read("k1")["a"].tolist()
    [0, 1, 2]
    >>> if before is None:
    ...     del os.environ["TERRITORIAL_CACHE_DIR"]
    ... else:
    ...     os.environ["TERRITORIAL_CACHE_DIR"] = before
    """
    if not ENABLED:
        return
    layout, chunks, offset = [], [], 0
    for name, array in arrays.items():
        array = np.asarray(array, order="C")  # (ascontiguousarray makes 0-d arrays 1-d)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"{name}: only numbers are stored, not {array.dtype}")
        layout.append([name, array.dtype.str, list(array.shape), offset])
        chunks.append(array.tobytes())
        offset += len(chunks[-1])
    payload = b"".join(chunks)
    meta = {"format": FORMAT, "key": key, "bytes": len(payload), "arrays": layout,
            "sha256": hashlib.sha256(payload).hexdigest()}  # fmt: skip
    header = json.dumps(meta, sort_keys=True).encode("utf-8")
    try:
        target = folder()
        target.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(target)
        write_bytes_atomic(_path(key), header + b"\n" + payload)
        _prune(target)
    except OSError as error:  # a read-only or full cache: the file is only a shortcut
        if not _FAILED:  # said once per process, not once per panel of the map
            _FAILED.append(str(error))
            print(
                f"territorial: the drawn geometry could not be stored in {folder()} "
                f"({getattr(error, 'strerror', None) or error}); it will be computed again.",
                file=sys.stderr,
            )


#: the first failure to store drawn geometry in this process (the notice is given once)
_FAILED: list[str] = []


def _prune(target: Path) -> None:
    """Keep the :data:`KEPT` most recently written files."""
    files = [p for p in target.glob("*.bin") if not p.name.startswith(".")]
    if len(files) <= KEPT:
        return
    files.sort(key=lambda p: p.stat().st_mtime_ns)
    for old in files[: len(files) - KEPT]:
        with contextlib.suppress(OSError):
            old.unlink()
