"""territorial: territorial intelligence for Python.

Load territories (the built-in France levels or any vector file), join data to
them with a coverage report, and, in the modules that build on this, compute
indicators, diagnose strengths and weaknesses and draw maps.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

#: Public names and the module each comes from, imported on first access: ``import
#: territorial`` stays light (the command line's ``--help`` needs none of them), and the
#: generic packages (``import territorial.indicators``...) import without the France package.
_LAZY = {
    "read_points": "territorial.io.points",
    "read_table": "territorial.io.tables",
    "read_territories": "territorial.io.vector",
    "custom_territories": "territorial.territories.custom",
    "children": "territorial.territories.hierarchy",
    "parents": "territorial.territories.hierarchy",
    "CoverageReport": "territorial.territories.join",
    "join_table": "territorial.territories.join",
    "find": "territorial.territories.lookup",
    "lookup": "territorial.territories.lookup",
    "FRANCE_LEVELS": "territorial.france",
    "convert_codes": "territorial.france.cog",
    "fetch_france": "territorial.france",
    "load_france": "territorial.france",
}

__all__ = [
    "FRANCE_LEVELS",
    "CoverageReport",
    "__version__",
    "children",
    "convert_codes",
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
    if name == "errors":
        import territorial.errors

        return territorial.errors
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
