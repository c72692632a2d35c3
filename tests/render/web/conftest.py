"""Fixtures of the interactive map tests.

``jagged_grid`` is synthetic: a small grid of cells whose shared borders are
zig-zag lines stored once and used by both neighbours (as in real boundary
data), with tricky names. The browser fixtures drive the Debian Chromium with
Playwright, with the network blocked.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import Polygon

ARTIFACTS = Path(__file__).resolve().parents[2] / "_artifacts"

XSS_NAME = "<img src=x onerror=alert(1)>"
QUOTES_NAME = 'L\'Haÿ-les-Roses "test" `x`'
SCRIPT_NAME = "</script><script>window.__pwned=1</script>"
SAINT = "Saint-Étienne-du-Bois"

#: Texts that a jinja template would evaluate, or that would end or hide a script or a
#: comment: pages must show each one literally. The third one prints the process id
#: if it is ever run as a template.
TEMPLATE_PAYLOADS = (
    "{{ 7*7 }}",
    "{% oops",
    "{{ cycler.__init__.__globals__.os.getpid() }}",
    "{#",
    "</script>",
    "<!--",
)


def make_jagged_grid(
    nx: int = 5, ny: int = 4, *, seed: int = 0, points: int = 12
) -> gpd.GeoDataFrame:
    """Synthetic cells of about 0.5 degree with jagged shared borders (EPSG:4326)."""
    rng = np.random.default_rng(seed)
    size = 0.5
    corners = np.stack(
        np.meshgrid(
            np.arange(nx + 1) * size + 2.0, np.arange(ny + 1) * size + 45.0, indexing="ij"
        ),
        axis=-1,
    )
    inner = (slice(1, -1), slice(1, -1))
    corners[inner] += rng.uniform(-0.08, 0.08, corners[inner].shape)

    def edge(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        t = np.linspace(0, 1, points + 2)[1:-1, None]
        normal = np.array([-(b - a)[1], (b - a)[0]])
        wiggle = rng.uniform(-0.04, 0.04, (points, 1))
        return np.vstack([a, a + t * (b - a) + wiggle * normal, b])

    h = {(i, j): edge(corners[i, j], corners[i + 1, j]) for i in range(nx) for j in range(ny + 1)}
    v = {(i, j): edge(corners[i, j], corners[i, j + 1]) for i in range(nx + 1) for j in range(ny)}
    cells, codes = [], []
    for j in range(ny):
        for i in range(nx):
            ring = np.vstack([h[i, j], v[i + 1, j][1:], h[i, j + 1][::-1][1:], v[i, j][::-1][1:]])
            cells.append(Polygon(ring))
            codes.append(f"C{j}{i}")
    n = len(cells)
    names = [f"Cellule {k}" for k in range(n)]
    for k, special in zip((1, 2, 3, 7), (XSS_NAME, QUOTES_NAME, SCRIPT_NAME, SAINT), strict=False):
        if k < n:
            names[k] = special
    return gpd.GeoDataFrame(
        {
            "name": names,
            "v1": np.arange(n, dtype=float) * 10.5,
            "v2": (n - np.arange(n, dtype=float)) * 1000.25,
            "dep": [f"D{k // 10}" for k in range(n)],
        },
        index=pd.Index(codes, name="code"),
        geometry=cells,
        crs=4326,
    )


@pytest.fixture
def make_grid():
    """The synthetic jagged grid builder, for other sizes."""
    return make_jagged_grid


@pytest.fixture
def tricky_names() -> dict[str, str]:
    """Names that must show literally and run nothing."""
    return {"xss": XSS_NAME, "quotes": QUOTES_NAME, "script": SCRIPT_NAME, "saint": SAINT}


@pytest.fixture
def template_payloads() -> tuple[str, ...]:
    """Template syntax and markup that must show literally and run nothing."""
    return TEMPLATE_PAYLOADS


@pytest.fixture
def jagged_grid() -> gpd.GeoDataFrame:
    """Synthetic jagged grid of 20 cells, two groups of ten ("D0", "D1")."""
    return make_jagged_grid()


class OpenedPage:
    """A page opened offline, with what it tried to fetch and what it ran."""

    def __init__(self, page, blocked: list[str], dialogs: list[str], errors: list[str]):
        self.page = page
        self.blocked = blocked
        self.dialogs = dialogs
        self.errors = errors

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"web_{name}.png"
        self.page.screenshot(path=str(path))
        return path


@pytest.fixture
def open_page(browser):
    """Open an HTML file with every non-file request aborted; wait for the first paint."""
    contexts = []

    def _open(path: Path, *, width: int = 1000, height: int = 700) -> OpenedPage:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        blocked: list[str] = []
        dialogs: list[str] = []
        errors: list[str] = []

        def route(r):
            url = r.request.url
            if url.startswith(("file://", "data:")):
                r.continue_()
            else:
                blocked.append(url)
                r.abort()

        page.route("**/*", route)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(Path(path).resolve().as_uri())
        page.wait_for_selector("body[data-tw-ready]", timeout=60_000)
        return OpenedPage(page, blocked, dialogs, errors)

    yield _open
    for c in contexts:
        c.close()
