"""Files written whole or not at all, and output paths checked before the work starts.

Every file territorial writes (tables, layers, maps, pages, metadata side files,
caches) goes through :func:`atomic_path`: the writer writes a temporary file in
the same folder, which is renamed into place only once it is complete. A failure
part-way (a full disk, a file size limit, a killed process) leaves the previous
file as it was, and no temporary file behind but those of a killed process,
which :func:`remove_stale_temporaries` clears.

This module is shared by every layer (like :mod:`territorial.errors`): it only
handles paths, never data.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from territorial.errors import InvalidArgumentError, UnsupportedFormatError, WriteError

__all__ = [
    "atomic_path",
    "check_output",
    "remove_stale_temporaries",
    "write_bytes_atomic",
    "write_text_atomic",
]

#: temporary names: ``.NAME.tmp-PID-HEX`` + the final suffix (so drivers that infer
#: the format from the suffix still see it)
_TEMP = re.compile(r"^\.(?P<name>.+)\.tmp-(?P<pid>\d+)-[0-9a-f]{8}(?P<suffix>\.[^.]*)?$")
#: temporary folders of a fetch or conversion: ``NAME.tmp-PID``
_TEMP_DIR = re.compile(r"^(?P<name>.+)\.tmp-(?P<pid>\d+)$")


def _temporary_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}{path.suffix}")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed onto ``path`` when the block succeeds.

    The folder is created if needed. If the block raises (or the process is
    killed), ``path`` keeps its previous content; the temporary file is removed
    on an exception, and an :class:`OSError` (a full disk...) becomes a
    :class:`~territorial.errors.WriteError` naming ``path``. When ``path`` is a
    symbolic link, the file it points to is replaced and the link kept.

    Parameters
    ----------
    path
        The file to write.

    Yields
    ------
    Path
        Where to write; it ends with the same suffix as ``path``.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "t.csv"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("a,b\\n")
    >>> target.read_text()
    'a,b\\n'
    >>> with atomic_path(target) as tmp:  # a failure part-way keeps the old file
    ...     _ = tmp.write_text("half")
    ...     raise OSError("disk full")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    territorial.errors.WriteError: Writing '.../t.csv' failed (disk full); any previous file \
is unchanged. Free some space, or write to another folder.
    >>> target.read_text(), sorted(p.name for p in target.parent.iterdir())
    ('a,b\\n', ['t.csv'])
    """
    path = Path(path)
    if path.is_symlink():  # replace what the link points to, and keep the link
        path = Path(os.path.realpath(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WriteError(path, error.strerror or error) from error
    tmp = _temporary_name(path)
    try:
        yield tmp
        if not tmp.exists():
            raise FileNotFoundError(f"nothing was written to {tmp} for {path}")
        os.replace(tmp, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            if tmp.is_dir():
                shutil.rmtree(tmp)
            else:
                tmp.unlink()
        if isinstance(error, OSError) and not isinstance(error, WriteError):
            raise WriteError(path, error.strerror or error) from error
        raise


def write_text_atomic(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` whole or not at all (see :func:`atomic_path`).

    Examples
    --------
    >>> import tempfile
    >>> write_text_atomic(Path(tempfile.mkdtemp()) / "a.txt", "é").read_text(encoding="utf-8")
    'é'
    """
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding=encoding)
    return path


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all (see :func:`atomic_path`).

    Examples
    --------
    >>> import tempfile
    >>> write_bytes_atomic(Path(tempfile.mkdtemp()) / "a.bin", b"ok").read_bytes()
    b'ok'
    """
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def remove_stale_temporaries(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files and folders that killed processes left in ``folder``.

    Those of live processes (a fetch running in another terminal) are kept.

    Returns
    -------
    list of Path
        What was removed.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "france-v5.tmp-999999999").mkdir()
    >>> [p.name for p in remove_stale_temporaries(folder)]
    ['france-v5.tmp-999999999']
    """
    folder = Path(folder)
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for entry in folder.iterdir():
        match = _TEMP.match(entry.name) or _TEMP_DIR.match(entry.name)
        if match is None or _pid_alive(int(match["pid"])):
            continue
        with contextlib.suppress(OSError):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry)
    return removed


def check_output(
    path: str | os.PathLike[str],
    *,
    argument: str = "output",
    suffixes: Iterable[str] | None = None,
) -> Path:
    """Check, before any long computation, that ``path`` can be written.

    Parameters
    ----------
    path
        The output file.
    argument
        The name given in the error (e.g. ``"--output"``).
    suffixes
        The allowed extensions (lower case, with the dot); None allows any.

    Returns
    -------
    Path
        ``path`` as a Path.

    Raises
    ------
    UnsupportedFormatError
        The extension is not one of ``suffixes``.
    InvalidArgumentError
        ``path`` is a folder, or its folder cannot be created or written.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> check_output(folder / "new" / "map.png", suffixes=[".png"]).name
    'map.png'
    >>> check_output(folder, argument="--output")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    territorial.errors.InvalidArgumentError: --output='...' is not valid: expected a file \
path, not a folder. Add a file name, e.g. --output .../result.csv.
    """
    path = Path(path)
    allowed = None if suffixes is None else tuple(suffixes)
    if path.is_dir():  # before the extension: a folder has none, and that is not the problem
        example = path / f"result{allowed[0] if allowed else '.csv'}"
        raise InvalidArgumentError(
            argument,
            str(path),
            "a file path, not a folder",
            f"Add a file name, e.g. {argument} {example}.",
        )
    if allowed is not None and path.suffix.lower() not in allowed:
        raise UnsupportedFormatError(argument, path, allowed)
    # the nearest existing ancestor must be a writable folder
    parent = path.parent if str(path.parent) else Path(".")
    existing = parent
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise InvalidArgumentError(
            argument,
            str(path),
            "a path inside a folder",
            f"{str(existing)!r} is a file, not a folder: choose another location.",
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InvalidArgumentError(
            argument,
            str(path),
            "a path in a folder you may write to",
            f"{str(existing)!r} is not writable: choose another folder or change its permissions.",
        )
    if path.exists() and not os.access(path, os.W_OK):
        raise InvalidArgumentError(
            argument,
            str(path),
            "a file you may replace",
            "The file exists and is read-only: remove it, change its permissions or write "
            "elsewhere.",
        )
    return path
