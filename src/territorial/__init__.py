"""territorial: territorial intelligence for Python.

Load territories (the built-in France levels or any vector file), join data to
them with a coverage report, and, in the modules that build on this, compute
indicators, diagnose strengths and weaknesses and draw maps.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

from territorial import errors
from territorial.io.points import read_points
from territorial.io.tables import read_table
from territorial.io.vector import read_territories
from territorial.territories.custom import custom_territories
from territorial.territories.hierarchy import children, parents
from territorial.territories.join import CoverageReport, join_table
from territorial.territories.lookup import find, lookup

#: France names, imported from :mod:`territorial.france` on first access, so that the
#: generic packages (``import territorial.indicators``...) import without the France package.
_FRANCE = ("FRANCE_LEVELS", "fetch_france", "load_france")

__all__ = [
    "FRANCE_LEVELS",
    "CoverageReport",
    "__version__",
    "children",
    "custom_territories",
    "errors",
    "fetch_france",
    "find",
    "join_table",
    "load_france",
    "lookup",
    "parents",
    "read_points",
    "read_table",
    "read_territories",
]


def __getattr__(name: str) -> Any:
    if name in _FRANCE:
        import territorial.france

        value = getattr(territorial.france, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
