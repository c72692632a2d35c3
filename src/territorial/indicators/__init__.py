"""Indicators: a declarative catalogue computed at any level from the finest components.

Examples
--------
>>> from territorial.indicators import france_catalogue
>>> france_catalogue()["density"].unit
'hab./km²'
"""

from __future__ import annotations

from territorial.indicators.engine import IndicatorTable, compute, membership
from territorial.indicators.france import compute_france, france_catalogue
from territorial.indicators.kinds import (
    gini,
    grouped_median,
    growth_rate,
    hhi,
    krugman,
    location_quotient,
    ratio,
    shannon,
    theil,
)
from territorial.indicators.layers import layer_components
from territorial.indicators.spec import (
    Catalogue,
    CatalogueError,
    IndicatorSpec,
    LayerSpec,
    UnknownIndicatorError,
    load_catalogue,
)

__all__ = [
    "Catalogue",
    "CatalogueError",
    "IndicatorSpec",
    "IndicatorTable",
    "LayerSpec",
    "UnknownIndicatorError",
    "compute",
    "compute_france",
    "france_catalogue",
    "gini",
    "grouped_median",
    "growth_rate",
    "hhi",
    "krugman",
    "layer_components",
    "load_catalogue",
    "location_quotient",
    "membership",
    "ratio",
    "shannon",
    "theil",
]
