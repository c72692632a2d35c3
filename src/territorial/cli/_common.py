"""Pieces shared by the command modules: the error console and the checks that every command
runs on its options before any computation. What a command is given as territories is parsed
by :func:`territorial.sources.open_source`."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.text import Text

from territorial.errors import ColumnNotFoundError, InvalidArgumentError, TerritorialError
from territorial.format import printable


class SafeConsole(Console):
    """A rich console that data never drives: markup is not read, control characters are
    shown as escapes (an escape sequence in a name could clear the screen or retitle it)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, highlight=False, **kwargs)

    def render_str(self, text: str, *args: Any, **kwargs: Any) -> Text:
        return super().render_str(printable(text), *args, **kwargs)


#: Messages and reports go to standard error; data goes to files or standard output. Their text
#: comes from data and users: see :class:`SafeConsole`.
console = SafeConsole(stderr=True, soft_wrap=True)


def fail(error: Exception) -> None:
    """Print an error without a traceback and exit with status 2."""
    console.print(Text.assemble(("error:", "bold red"), " ", printable(str(error))))
    raise typer.Exit(2)


def check_output(
    path: str | os.PathLike[str], suffixes: Iterable[str], *, argument: str = "--output"
) -> Path:
    """The output path checked before any computation (folder, place, extension).

    Examples
    --------
    >>> check_output("out/map.svg", (".png", ".svg")).name
    'map.svg'
    """
    from territorial.files import check_output as check

    # the path's own suffix first: the example of the folder error keeps it
    suffix = Path(path).suffix.lower()
    ordered = sorted(suffixes, key=lambda s: s != suffix)
    return check(path, argument=argument, suffixes=ordered)


def check_not_an_input(
    output: str | os.PathLike[str], inputs: Mapping[str, object], *, argument: str = "--output"
) -> None:
    """Refuse an output (or its ``.metadata.csv`` side file) that is one of the inputs.

    ``inputs`` maps each option (``"--table"``) to the path it was given (None when not).

    Examples
    --------
    >>> check_not_an_input("r.csv", {"--table": "data.csv"})
    >>> check_not_an_input("data.csv", {"--table": "./data.csv"})
    Traceback (most recent call last):
    ...
    territorial.errors.InvalidArgumentError: --output='data.csv' is not valid: expected a \
file other than the inputs. It is the file given to --table: writing would replace your \
data. Choose another output name.
    """
    from territorial.io.write import metadata_path

    written = {Path(output).resolve(): ""}
    if Path(output).suffix.lower() in (".csv", ".geojson", ".fgb"):  # a side file beside it
        written[metadata_path(output).resolve()] = "its metadata file"
    for option, given in inputs.items():
        if given is None or not isinstance(given, str | os.PathLike):
            continue
        target = Path(given).resolve()
        if target in written:
            what = "It is" if not written[target] else f"{written[target].capitalize()} is"
            raise InvalidArgumentError(
                argument, str(output), "a file other than the inputs",
                f"{what} the file given to {option}: writing would replace your data. "
                "Choose another output name.",
            )  # fmt: skip


def as_option(error: TerritorialError, names: Mapping[str, str]) -> TerritorialError:
    """The error of an API argument worded with the command-line option that set it.

    ``names`` maps argument names (``"path"``) to options (``"--table"``); an
    :class:`~territorial.errors.InvalidArgumentError` whose argument is not among
    them is returned as it is.

    Examples
    --------
    >>> from territorial.errors import InvalidArgumentError
    >>> error = InvalidArgumentError("sheet", "x", "a sheet", "CLI: --sheet NAME.")
    >>> str(as_option(error, {"sheet": "--sheet"}))
    "--sheet='x' is not valid: expected a sheet."
    """
    argument = getattr(error, "argument", None)
    if isinstance(error, ColumnNotFoundError) and argument in names:
        return ColumnNotFoundError(names[argument], error.column, error.available)
    if not isinstance(error, InvalidArgumentError) or argument not in names:
        return error
    message = str(error)
    prefix = f"{argument}="
    if not message.startswith(prefix):
        return error
    # the API's hints on the matching command-line option are moot here
    message = re.sub(r" CLI: [^.]*\.$", "", message[len(prefix) :])
    renamed = InvalidArgumentError.__new__(InvalidArgumentError)
    Exception.__init__(renamed, names[argument] + "=" + message)
    renamed.argument = names[argument]
    renamed.value = error.value
    return renamed


def check_choice(argument: str, value: object, allowed: Iterable[str], fix: str = "") -> None:
    """``value`` must be one of ``allowed``.

    Examples
    --------
    >>> check_choice("--peers", "age", ("size", "type", "all"))
    Traceback (most recent call last):
    ...
    territorial.errors.InvalidArgumentError: --peers='age' is not valid: expected one of \
size, type, all. Use e.g. --peers size.
    """
    allowed = tuple(allowed)
    if value not in allowed:
        fix = fix or f"Use e.g. {argument} {allowed[0]}."
        raise InvalidArgumentError(argument, value, f"one of {', '.join(allowed)}", fix)
