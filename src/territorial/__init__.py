"""territorial: territorial intelligence for Python.

Load territories (the built-in France levels or any vector file), join data to
them with a coverage report, and, in the modules that build on this, compute
indicators, diagnose strengths and weaknesses and draw maps.
"""

from __future__ import annotations

__version__ = "0.1.0"

from territorial import errors
from territorial.io.france import FRANCE_LEVELS, fetch_france, load_france
from territorial.io.points import read_points
from territorial.io.tables import read_table
from territorial.io.vector import read_territories
from territorial.territories.custom import custom_territories
from territorial.territories.hierarchy import children, parents
from territorial.territories.join import CoverageReport, join_table
from territorial.territories.lookup import find, lookup

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
