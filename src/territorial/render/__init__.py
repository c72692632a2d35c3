"""Rendering: static maps (matplotlib) and the classification shared with the web maps.

The interactive maps live in :mod:`territorial.render.web`.
"""

from __future__ import annotations

from territorial.render.classify import Classification, classify, classify_diverging
from territorial.render.static import (
    THEMES,
    MapInfo,
    Theme,
    map_info,
    map_territories,
    save_map,
)

__all__ = [
    "THEMES",
    "Classification",
    "MapInfo",
    "Theme",
    "classify",
    "classify_diverging",
    "map_info",
    "map_territories",
    "save_map",
]
