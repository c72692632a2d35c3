"""Front-end assets of the interactive pages: Leaflet and territorial's own script.

Leaflet comes from the ``django-js-lib-leaflet`` package (a plain data package
shipping Leaflet 1.9.4) and is read with :mod:`importlib.resources`, so pages
can inline it and open offline. Its CSS images are inlined as ``data:`` URIs.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from importlib import resources

__all__ = ["LEAFLET_VERSION", "leaflet_cdn", "leaflet_css", "leaflet_js", "own_css", "own_js"]

LEAFLET_VERSION = "1.9.4"
_LEAFLET = ("js_lib_leaflet", "static", "js_lib_leaflet")


def _leaflet_file(*parts: str) -> bytes:
    root = resources.files(_LEAFLET[0]).joinpath(*_LEAFLET[1:])
    return root.joinpath(*parts).read_bytes()


@lru_cache(maxsize=1)
def leaflet_js() -> str:
    """Leaflet's minified script, ready to sit inside a ``<script>`` element.

    Examples
    --------
    >>> "L.map" in leaflet_js() or "Map" in leaflet_js()
    True
    """
    text = _leaflet_file("leaflet.js").decode("utf-8")
    text = re.sub(r"//# sourceMappingURL=\S+", "", text)
    return text.replace("</script", "<\\/script")


@lru_cache(maxsize=1)
def leaflet_css() -> str:
    """Leaflet's stylesheet with its images inlined as ``data:`` URIs."""
    text = _leaflet_file("leaflet.css").decode("utf-8")

    def inline(match: re.Match) -> str:
        name = match.group(1)
        data = base64.b64encode(_leaflet_file("images", name)).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    text = re.sub(r"url\(images/([\w.-]+\.png)\)", inline, text)
    return text.replace("</style", "<\\/style")


def leaflet_cdn() -> tuple[str, str]:
    """URLs of Leaflet's script and stylesheet on unpkg, for the ``cdn=True`` pages."""
    base = f"https://unpkg.com/leaflet@{LEAFLET_VERSION}/dist"
    return f"{base}/leaflet.js", f"{base}/leaflet.css"


def _own(name: str) -> str:
    return resources.files("territorial.render.web").joinpath("static", name).read_text("utf-8")


@lru_cache(maxsize=1)
def own_js() -> str:
    """territorial's page script (topology decoding, layers, legend, search)."""
    return _own("territorial_web.js")


@lru_cache(maxsize=1)
def own_css() -> str:
    """territorial's page stylesheet."""
    return _own("territorial_web.css")
