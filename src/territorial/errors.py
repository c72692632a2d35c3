"""Exceptions raised by territorial.

Every exception derives from :class:`TerritorialError` and from the built-in
exception that matches its meaning, so ``except ValueError`` keeps working.
Messages say what was wrong, show the bad value, list the allowed values when
there are few, and say how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "AmbiguousTerritoryError",
    "CRSMismatchError",
    "CatalogueError",
    "ColumnNotFoundError",
    "DataFetchError",
    "DataIntegrityError",
    "DuplicateCodeError",
    "GeographicCRSError",
    "InvalidArgumentError",
    "MissingCRSError",
    "NonNumericValuesError",
    "SumOverflowError",
    "TerritorialError",
    "TerritoryNotFoundError",
    "UnknownLevelError",
    "UnsupportedFormatError",
    "WriteError",
    "format_values",
]


def format_values(values: Iterable[object], *, limit: int = 10) -> str:
    """Format values for a message: ``'a', 'b', 'c' (and 4 more)``.

    Examples
    --------
    >>> format_values(["a", "b", "c", "d"], limit=2)
    "'a', 'b' (and 2 more)"
    """
    values = list(values)
    shown = ", ".join(repr(v) for v in values[:limit])
    if len(values) > limit:
        shown += f" (and {len(values) - limit} more)"
    return shown


class TerritorialError(Exception):
    """Base class of every error raised by territorial."""


class InvalidArgumentError(TerritorialError, ValueError):
    """An argument has a value that is not allowed."""

    def __init__(self, argument: str, value: object, allowed: str, fix: str = "") -> None:
        self.argument = argument
        self.value = value
        message = f"{argument}={value!r} is not valid: expected {allowed}."
        if fix:
            message += f" {fix}"
        super().__init__(message)


class UnknownLevelError(InvalidArgumentError):
    """A territorial level name is not known.

    ``value`` is what was given when it holds more than the level (``"france:county"``);
    ``expected`` words the allowed values when a list of levels alone would not say it.
    """

    def __init__(
        self,
        level: object,
        allowed: Iterable[str],
        argument: str = "level",
        *,
        value: object = None,
        expected: str | None = None,
        fix: str = "",
    ) -> None:
        self.level = level
        self.allowed = tuple(allowed)
        super().__init__(
            argument,
            level if value is None else value,
            expected or f"a known level, one of {', '.join(self.allowed)}",
            fix,
        )


class MissingCRSError(TerritorialError, ValueError):
    """A layer has no coordinate reference system."""

    def __init__(self, what: str, fix: str) -> None:
        super().__init__(f"{what} has no CRS; territorial never guesses one. {fix}")


class CRSMismatchError(TerritorialError, ValueError):
    """Two layers that must share a CRS do not."""


class GeographicCRSError(TerritorialError, ValueError):
    """A metric computation was asked in a geographic (degree) CRS."""


class ColumnNotFoundError(TerritorialError, KeyError):
    """A named column is not in a table."""

    def __init__(self, argument: str, column: object, available: Iterable[object]) -> None:
        self.argument = argument
        self.column = column
        self.available = tuple(available)
        self._message = (
            f"{argument}={column!r} is not a column of the data. "
            f"Available columns: {format_values(self.available, limit=20)}."
        )
        super().__init__(self._message)

    def __str__(self) -> str:  # KeyError would quote the message
        return self._message


class DuplicateCodeError(TerritorialError, ValueError):
    """A table has several rows for the same territory code."""

    def __init__(self, argument: str, duplicates: Iterable[object]) -> None:
        self.duplicates = tuple(duplicates)
        super().__init__(
            f"{argument} has duplicated territory codes: {format_values(self.duplicates)}. "
            "Aggregate the rows first (e.g. df.groupby(code).sum()) or keep one row per code."
        )


class TerritoryNotFoundError(TerritorialError, LookupError):
    """No territory matches a code or a name."""

    def __init__(self, query: object, suggestions: Iterable[str] = (), where: str = "") -> None:
        self.query = query
        self.suggestions = tuple(suggestions)
        message = f"No territory matches {query!r}"
        message += f" in {where}." if where else "."
        if self.suggestions:
            message += f" Did you mean: {', '.join(self.suggestions)}?"
        else:
            message += " Check the spelling, or search with territorial.lookup(gdf, query)."
        super().__init__(message)


class AmbiguousTerritoryError(TerritorialError, LookupError):
    """A name designates several territories."""

    def __init__(self, query: object, candidates: Iterable[str]) -> None:
        self.query = query
        self.candidates = tuple(candidates)
        super().__init__(
            f"{query!r} matches {len(self.candidates)} territories: "
            f"{', '.join(self.candidates[:8])}"
            + (" ..." if len(self.candidates) > 8 else "")
            + ". Give the code instead of the name."
        )


class CatalogueError(TerritorialError, ValueError):
    """A catalogue of indicators (YAML or Python) is not valid."""


class DataFetchError(TerritorialError, RuntimeError):
    """Built-in data could not be fetched."""


class DataIntegrityError(TerritorialError, RuntimeError):
    """Fetched data does not match its expected checksum or layout."""


class UnsupportedFormatError(TerritorialError, ValueError):
    """A file extension that territorial cannot read or write."""

    def __init__(self, argument: str, path: object, allowed: Iterable[str]) -> None:
        self.allowed = tuple(allowed)
        super().__init__(
            f"{argument}={str(path)!r} has an unsupported format. "
            f"Use a file ending in one of: {', '.join(self.allowed)}."
        )


class NonNumericValuesError(TerritorialError, ValueError):
    """A column used as numbers holds values that are not numbers."""


class WriteError(TerritorialError, OSError):
    """A file could not be written (a full disk, a folder removed meanwhile...).

    Files are written whole or not at all: the previous file, if any, is unchanged.
    """

    def __init__(self, path: object, reason: object) -> None:
        self.path = path
        reason = str(reason).strip().splitlines()[0] if str(reason).strip() else "unknown"
        if len(reason) > 200:
            reason = reason[:197] + "..."
        super().__init__(
            f"Writing {str(path)!r} failed ({reason}); any previous file is unchanged. "
            "Free some space, or write to another folder."
        )
        self.strerror = reason  # what failed, for callers that word their own message


class SumOverflowError(TerritorialError, OverflowError):
    """A sum (or a ratio) is too large for a 64-bit float."""
