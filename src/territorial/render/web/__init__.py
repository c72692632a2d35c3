"""Interactive HTML maps: self-contained, light and safe pages built on folium.

Examples
--------
>>> from territorial.render.web import web_map
"""

from __future__ import annotations

from territorial.render.web.page import TEXTS, WebMap, web_map
from territorial.render.web.topology import Topology, build_topology

__all__ = ["TEXTS", "Topology", "WebMap", "build_topology", "web_map"]
