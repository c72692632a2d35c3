"""Fixtures of the sheet tests: the sheet inputs of two France levels (real data, made
once per session), a reader of the figures a sheet's HTML shows, and a synthetic file
source with hostile names."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

GEORGIA = None


def georgia_path() -> str:
    from libpysal.examples import get_path

    return get_path("G_utm.shp")


@pytest.fixture(scope="session")
def level_inputs():
    """level -> SheetInputs, built once (stored tables off, as in every test)."""
    from territorial.france import tablecache
    from territorial.sheets import sheet_inputs
    from territorial.sources import open_source

    made = {}

    def get(level: str):
        if level not in made:
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(tablecache, "ENABLED", False)
                made[level] = sheet_inputs(open_source(f"france:{level}", purpose="diagnosis"))
        return made[level]

    return get


class SheetReader(HTMLParser):
    """The figures of a sheet: key figures, table cells, sentences, percentiles, as text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[dict] = []
        self.key: dict[str, dict[str, str]] = {}
        self.cells: dict[tuple[str, str], str] = {}
        self.percentiles: dict[str, str] = {}
        self.sentences: dict[str, list[str]] = {"strength": [], "weakness": [], "trait": []}
        self.sectors: dict[str, dict[str, str]] = {}
        self.fields: dict[str, str] = {}
        self.tags: list[str] = []
        self.text_parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        context = dict(self.stack[-1]) if self.stack else {}
        for key in ("data-indicator", "data-column", "data-role", "data-field"):
            if key in a:
                context[key] = a[key]
        if "class" in a and a["class"].startswith("key"):
            context["in_key"] = True
        if tag == "tr" and "data-indicator" in a:
            context["in_sector"] = "share_establishments" in a["data-indicator"]
        if tag == "td" and "data-percentile" in a:
            self.percentiles[context.get("data-indicator", "")] = a["data-percentile"]
        context["buffer"] = []
        context["tag"] = tag
        if tag not in ("br", "meta", "path", "circle", "line", "rect"):
            self.stack.append(context)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1]["tag"] != tag:
            return
        context = self.stack.pop()
        text = "".join(context["buffer"])
        if self.stack:
            self.stack[-1]["buffer"].append(text)
        ind, col, role = (context.get(k) for k in ("data-indicator", "data-column", "data-role"))
        if context.get("data-field") and tag in ("h1", "span"):
            self.fields[context["data-field"]] = text
        if role in self.sentences and tag == "li":
            self.sentences[role].append(text)
        elif ind and col and tag == "td":
            self.cells[(ind, col)] = text
        elif ind and role and tag in ("dd", "span") and context.get("in_sector"):
            self.sectors.setdefault(ind, {})[role] = text
        elif ind and role and tag in ("dd", "span"):
            self.key.setdefault(ind, {})[role] = text

    def handle_data(self, data):
        self.text_parts.append(data)
        if self.stack:
            self.stack[-1]["buffer"].append(data)


def read_sheet(html: str) -> SheetReader:
    reader = SheetReader()
    reader.feed(html)
    return reader


@pytest.fixture
def hostile_file(tmp_path) -> Path:
    """Synthetic: nine 1 km squares whose names would run as HTML or as a template."""
    import geopandas as gpd
    from shapely import box

    names = [
        "<script>alert(1)</script>",
        "{{7*7}}",
        "{% oops",
        "</main><b>x</b>",
        "A&amp;B",
        'L\'Haÿ "q"',
        "{{ cycler.__init__.__globals__.os.getpid() }}",
        "<!--",
        "Zed",
    ]
    cells = [
        box(
            700_000 + (i % 3) * 1000,
            6_600_000 + (i // 3) * 1000,
            701_000 + (i % 3) * 1000,
            6_601_000 + (i // 3) * 1000,
        )
        for i in range(9)
    ]
    gdf = gpd.GeoDataFrame(
        {
            "id": [f"z{i}" for i in range(9)],
            "nom": names,
            "pop": [100.0 * (i + 1) for i in range(9)],
            "shops": [float(i * 3 % 7) for i in range(9)],
            "parks": [float(i) for i in range(9)],
        },
        geometry=cells,
        crs=2154,
    )
    path = tmp_path / "hostile.gpkg"
    gdf.to_file(path)
    return path
