"""Static thematic maps (matplotlib): one entry point, themes, deterministic files."""

from __future__ import annotations

from territorial.render.static.drawables import clear_cache
from territorial.render.static.maps import KINDS, MapInfo, map_info, map_territories
from territorial.render.static.save import save_map
from territorial.render.static.themes import THEMES, Theme, get_theme

__all__ = [
    "KINDS",
    "THEMES",
    "MapInfo",
    "Theme",
    "clear_cache",
    "get_theme",
    "map_info",
    "map_territories",
    "save_map",
]
