"""The HTML page of a sheet (template ``templates/sheet.html.j2``, ``templates/sheet.css``)."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from territorial.render.sheet.charts import (
    SERIES,
    history_svg,
    legend_html,
    map_svg,
    percentile_svg,
    sector_rows,
)

__all__ = ["render_sheet"]


@functools.cache
def _template() -> Any:
    import jinja2

    folder = resources.files("territorial.render.sheet") / "templates"
    env = jinja2.Environment(
        loader=jinja2.DictLoader({"sheet": (folder / "sheet.html.j2").read_text("utf-8")}),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template("sheet")


@functools.cache
def _css() -> str:
    folder = resources.files("territorial.render.sheet") / "templates"
    return (folder / "sheet.css").read_text("utf-8")


def _name_class(name: str) -> str:
    n = len(name)
    return "very-long" if n > 110 else "long" if n > 70 else "medium" if n > 40 else ""


def render_sheet(content: Any) -> str:
    """The HTML page of a sheet.

    Parameters
    ----------
    content
        A :class:`~territorial.sheets.content.SheetContent`
        (:func:`territorial.sheets.sheet_content`).

    Returns
    -------
    str
        One self-contained HTML document, A4 portrait.

    Examples
    --------
    >>> from territorial.sheets import sheet_content
    >>> from territorial.sources import open_source
    >>> page = render_sheet(sheet_content(open_source("france:region", purpose="diagnosis"), "84"))
    >>> page.startswith("<!DOCTYPE html>"), "Auvergne-Rhône-Alpes" in page, "http" in page
    (True, True, False)
    """
    from markupsafe import Markup

    return _template().render(
        c=content,
        t=content.texts,
        css=Markup(_css()),
        name_class=_name_class(content.name),
        locator=map_svg(content.locator, width=200, height=150) if content.locator else "",
        keymap=map_svg(content.key_map, width=240, height=150) if content.key_map else "",
        legend=legend_html(content.key_map) if content.key_map else "",
        history=history_svg(content.history, width=240, height=98) if content.history else "",
        sectors=sector_rows(content.sectors),
        pct=percentile_svg,
        colours=SERIES,
    )
