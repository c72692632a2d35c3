"""Indicators: a declarative catalogue computed at any level from the finest components.

The built-in France catalogue and ``compute_france`` live in :mod:`territorial.france`.

Examples
--------
>>> import pandas as pd
>>> from territorial.indicators import ratio
>>> ratio(pd.Series([3.0]), pd.Series([4.0]), scale=100, name="share").tolist()
[75.0]
"""

from __future__ import annotations

from territorial.indicators.engine import IndicatorTable, compute, membership
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
