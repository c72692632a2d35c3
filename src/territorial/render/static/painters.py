"""One painter per kind of map: what colour each territory gets and what the legend lists.

:func:`~territorial.render.static.maps.map_territories` looks the kind up in
:data:`PAINTERS` (as mapsf's ``mf_map(type=...)`` hands over to ``mf_choro``,
``mf_prop``, ``mf_typo``) and asks the painter, with one signature for all:

- :meth:`Painter.check` the options of its kind, before anything is drawn;
- :meth:`Painter.fills` the class of every territory, the colours of the classes,
  the legend entries (a :class:`Fills`);
- :meth:`Painter.sizes` the radii of the proportional symbols, if any (a :class:`Sizes`).

Painters compute no indicator: they classify the values they are given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import ListedColormap, to_hex

from territorial.errors import ColumnNotFoundError, InvalidArgumentError
from territorial.render.classify import (
    MISSING_COLOR,
    MISSING_LABELS,
    Classification,
    check_missing_color,
    classify,
    classify_diverging,
    palette_colors,
)
from territorial.render.static.themes import Theme

__all__ = ["PAINTERS", "Fills", "MapOptions", "Painter", "Sizes"]

_MAX_CATEGORIES = 20  # the largest qualitative palettes (tab20) have 20 colours


@dataclass(frozen=True, eq=False)
class MapOptions:
    """The data and the options of one map, as every painter reads them.

    Examples
    --------
    >>> from shapely import box
    >>> from territorial.render.static.themes import get_theme
    >>> g = gpd.GeoDataFrame({"v": [1.0, 2.0]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
    ...                      crs=2154)
    >>> MapOptions(g, "v", theme=get_theme(None)).scheme
    'quantiles'
    """

    gdf: gpd.GeoDataFrame
    column: str
    theme: Theme
    classification: Classification | None = None
    scheme: str = "quantiles"
    k: int | None = None
    bins: Sequence[float] | None = None
    palette: str | Sequence[str] | Mapping[object, str] | None = None
    reference: float | None = None
    choropleth: str | None = None
    lang: str = "fr"
    classification_kwds: dict | None = None
    symbol_kwds: dict = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Fills:
    """What to fill: a class per territory (``-1``: missing), a colour per class, the legend.

    Examples
    --------
    >>> import numpy as np
    >>> Fills(np.zeros(3, dtype="int64"), ["#f2efe9"]).legend_items is None
    True
    """

    classes: np.ndarray
    colors: list[str]
    legend_items: list[tuple[str, str]] | None = None
    missing_entry: tuple[str, str] | None = None
    classification: Classification | None = None
    categories: list[tuple[object, str]] | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Sizes:
    """Radii (points) of the proportional symbols, one per territory, on one scale.

    Examples
    --------
    >>> import numpy as np
    >>> Sizes(np.array([0.0, 20.0]), max_size=20.0).max_size
    20.0
    """

    radii: np.ndarray
    max_size: float
    notes: tuple[str, ...] = ()


class Painter:
    """Base of the painters: land-coloured territories, no legend, no symbols.

    Subclasses set :attr:`kind` and override what their kind does differently.

    Examples
    --------
    >>> PAINTERS["gap"].k_default
    6
    """

    kind: ClassVar[str] = ""
    #: Number of classes when ``k`` is not given.
    k_default: ClassVar[int] = 5
    #: Whether circles are drawn (the Paris inset then keeps clear of their legend).
    draws_symbols: ClassVar[bool] = False

    def check(self, options: MapOptions) -> None:
        """Refuse the options this kind cannot draw (raised before any drawing)."""
        if options.choropleth is not None:
            raise InvalidArgumentError(
                "choropleth",
                options.choropleth,
                "None unless kind='symbols'",
                "Map the rate itself with kind='choropleth'.",
            )

    def legend_column(self, options: MapOptions) -> str:
        """The column whose metadata titles the colour legend."""
        return options.column

    def fills(self, options: MapOptions) -> Fills:
        """Classes and colours of the territories, and the entries of the legend."""
        n = len(options.gdf)
        return Fills(np.zeros(n, dtype="int64"), [options.theme.land_color])

    def sizes(self, options: MapOptions, codes: np.ndarray) -> Sizes | None:
        """Radii of the proportional symbols, or ``None`` for a map without symbols."""
        return None


def _classified(options: MapOptions, classification: Classification) -> Fills:
    """The fills and legend entries of a classification of ``column``."""
    cls = classification
    missing_entry = None
    if cls.n_missing:
        check_missing_color(
            cls.colors, cls.missing_color, column=options.column,
            argument="classification" if options.classification is not None else "palette",
        )  # fmt: skip
        missing_entry = (cls.missing_label, cls.missing_color)
    return Fills(
        classes=cls.classes.to_numpy(),
        colors=list(cls.colors),
        legend_items=list(zip(cls.labels, cls.colors, strict=True)),
        missing_entry=missing_entry,
        classification=cls,
        notes=tuple(cls.notes),
    )


def _reused(options: MapOptions, values: pd.Series) -> Classification:
    """The classification given by the caller, applied to ``values``."""
    if not isinstance(options.classification, Classification):
        raise InvalidArgumentError(
            "classification",
            type(options.classification).__name__,
            "a Classification from territorial.render.classify",
            "Build one with classify(values, ...).",
        )
    return options.classification.apply(values)


class Choropleth(Painter):
    """Classified values, a sequential palette (``kind="choropleth"``).

    Examples
    --------
    >>> from shapely import box
    >>> from territorial.render.static.themes import get_theme
    >>> g = gpd.GeoDataFrame({"v": [1.0, 2.0, 4.0]}, crs=2154,
    ...                      geometry=[box(i, 0, i + 1, 1) for i in range(3)])
    >>> fills = PAINTERS["choropleth"].fills(MapOptions(g, "v", get_theme(None), k=2))
    >>> fills.classes.tolist(), [label for label, _ in fills.legend_items]
    ([0, 0, 1], ['1 – 2', '2 – 4'])
    """

    kind = "choropleth"

    def classification(self, options: MapOptions, values: pd.Series) -> Classification:
        """Classes of ``values``: the caller's classification, else a new one."""
        if options.classification is not None:
            return _reused(options, values)
        return classify(
            values,
            options.scheme,
            k=self.k_default if options.k is None else options.k,
            bins=options.bins,
            palette=options.palette or options.theme.sequential_palette,
            lang=options.lang,
            classification_kwds=options.classification_kwds,
        )

    def fills(self, options: MapOptions) -> Fills:
        column = options.column
        return _classified(options, self.classification(options, options.gdf[column]))


class Gap(Choropleth):
    """Diverging classes centred on a reference value (``kind="gap"``).

    Examples
    --------
    >>> from shapely import box
    >>> from territorial.render.static.themes import get_theme
    >>> g = gpd.GeoDataFrame({"v": [1.0, 2.0, 4.0]}, crs=2154,
    ...                      geometry=[box(i, 0, i + 1, 1) for i in range(3)])
    >>> options = MapOptions(g, "v", get_theme(None), reference=2.0, k=2)
    >>> PAINTERS["gap"].fills(options).classification.center
    2.0
    """

    kind = "gap"
    k_default = 6

    def check(self, options: MapOptions) -> None:
        super().check(options)
        if options.reference is None and options.classification is None:
            raise InvalidArgumentError(
                "reference",
                None,
                "a number with kind='gap' (the value of France, of the region...)",
                "Pass reference=... computed by the indicators or diagnose layers.",
            )

    def classification(self, options: MapOptions, values: pd.Series) -> Classification:
        if options.classification is not None:
            return _reused(options, values)
        return classify_diverging(
            values,
            float(options.reference),  # type: ignore[arg-type]
            options.scheme,
            k=self.k_default if options.k is None else options.k,
            palette=options.palette or options.theme.diverging_palette,
            lang=options.lang,
        )


class Symbols(Choropleth):
    """Circles with areas proportional to stocks, over an optional choropleth of a rate.

    Examples
    --------
    >>> from shapely import box
    >>> from territorial.render.static.themes import get_theme
    >>> g = gpd.GeoDataFrame({"v": [1.0, 2.0, 4.0]}, crs=2154,
    ...                      geometry=[box(i, 0, i + 1, 1) for i in range(3)])
    >>> options = MapOptions(g, "v", get_theme(None), symbol_kwds={"max_size": 10.0})
    >>> PAINTERS["symbols"].sizes(options, np.array(["a", "b", "c"])).radii.round(2).tolist()
    [5.0, 7.07, 10.0]
    """

    kind = "symbols"
    draws_symbols = True

    def check(self, options: MapOptions) -> None:
        if options.choropleth is not None and options.choropleth not in options.gdf.columns:
            raise ColumnNotFoundError("choropleth", options.choropleth, options.gdf.columns)

    def legend_column(self, options: MapOptions) -> str:
        return options.choropleth or options.column

    def fills(self, options: MapOptions) -> Fills:
        if options.choropleth is None:
            return Painter.fills(self, options)
        values = options.gdf[options.choropleth]
        return _classified(options, self.classification(options, values))

    def sizes(self, options: MapOptions, codes: np.ndarray) -> Sizes:
        column = options.column
        raw = pd.to_numeric(options.gdf[column], errors="coerce").astype("float64").to_numpy()
        if (raw < 0).any():
            bad = codes[raw < 0][:5]
            raise InvalidArgumentError(
                "column",
                column,
                "non-negative stocks for proportional symbols",
                f"Negative values at {', '.join(bad)}: map them with kind='gap' instead.",
            )
        vmax = np.nanmax(raw) if np.isfinite(raw).any() else float("nan")
        if not (vmax > 0):
            raise InvalidArgumentError(
                "column", column, "some positive values for proportional symbols", ""
            )
        max_size = float(options.symbol_kwds.get("max_size", options.theme.symbol_max_size))
        radii = max_size * np.sqrt(np.where(np.isfinite(raw), raw, 0.0) / vmax)
        n_nosymbol = int((~np.isfinite(raw)).sum())
        notes: tuple[str, ...] = ()
        if n_nosymbol:
            notes = (
                f"{count(n_nosymbol, 'territory', 'territories')} without a value "
                + ("has no symbol" if n_nosymbol == 1 else "have no symbol"),
            )
        return Sizes(radii, max_size, notes)


def _palette_size(palette: object) -> int:
    """How many categories a qualitative palette can colour (list or listed colormap)."""
    if isinstance(palette, str):
        cmap = colormaps.get(palette)
        if isinstance(cmap, ListedColormap) and cmap.N <= 20:
            return int(cmap.N)
        return _MAX_CATEGORIES
    if isinstance(palette, Sequence):
        return len(palette)
    return _MAX_CATEGORIES


def typology_colors(
    values: pd.Series, column: str, palette: object, theme: Theme
) -> tuple[np.ndarray, list[tuple[object, str]]]:
    """The category index of every value (``-1``: missing) and the ``(category, colour)`` pairs.

    Categories keep the order of a categorical column, else are sorted as text.

    Examples
    --------
    >>> from territorial.render.static.themes import get_theme
    >>> classes, pairs = typology_colors(pd.Series(["b", "a", None]), "t",
    ...                                  {"a": "red", "b": "blue"}, get_theme(None))
    >>> classes.tolist(), pairs
    ([1, 0, -1], [('a', '#ff0000'), ('b', '#0000ff')])
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = [c for c in values.cat.categories if (values == c).any()]
    else:
        categories = sorted(values.dropna().unique().tolist(), key=str)
    # a typology of numbers (a rate...) would ask the palette for one colour per value
    limit = _MAX_CATEGORIES if palette is not None else _palette_size(theme.qualitative_palette)
    if not isinstance(palette, Mapping) and len(categories) > limit:
        raise InvalidArgumentError(
            "column",
            column,
            f"at most {limit} distinct values for kind='typology'",
            f"{column!r} has {len(categories)} distinct values: map numbers with "
            f"kind='choropleth', or group them into at most {limit} categories.",
        )
    if isinstance(palette, Mapping):
        unknown = [c for c in categories if c not in palette]
        if unknown:
            raise InvalidArgumentError(
                "palette",
                dict(palette),
                f"a colour for every category (missing: {', '.join(map(str, unknown))})",
                "Add the missing categories to the palette dict.",
            )
        colors = [to_hex(palette[c]) for c in categories]
    else:
        colors = list(palette_colors(palette or theme.qualitative_palette, len(categories)))
    lookup = {c: i for i, c in enumerate(categories)}
    classes = np.asarray([lookup.get(v, -1) for v in values.astype(object)], dtype="int64")
    return classes, list(zip(categories, colors, strict=True))


class Typology(Painter):
    """One qualitative colour per category (``kind="typology"``).

    Examples
    --------
    >>> from shapely import box
    >>> from territorial.render.static.themes import get_theme
    >>> g = gpd.GeoDataFrame({"v": [1.0, 2.0, 4.0]}, crs=2154,
    ...                      geometry=[box(i, 0, i + 1, 1) for i in range(3)])
    >>> fills = PAINTERS["typology"].fills(MapOptions(g.assign(t=["x", "y", "x"]), "t",
    ...                                               get_theme(None)))
    >>> fills.classes.tolist(), [c for c, _ in fills.categories]
    ([0, 1, 0], ['x', 'y'])
    """

    kind = "typology"

    def fills(self, options: MapOptions) -> Fills:
        column = options.column
        classes, categories = typology_colors(
            options.gdf[column], column, options.palette, options.theme
        )
        colors = [c for _, c in categories]
        missing_entry = None
        if (classes == -1).any():
            check_missing_color(colors, column=column)
            missing_entry = (MISSING_LABELS[options.lang], MISSING_COLOR)
        return Fills(
            classes=classes,
            colors=colors,
            legend_items=[(str(c), color) for c, color in categories],
            missing_entry=missing_entry,
            categories=categories,
        )


def count(n: int, singular: str, plural: str) -> str:
    """``n`` followed by the singular or the plural.

    Examples
    --------
    >>> count(1, "label", "labels"), count(3, "label", "labels")
    ('1 label', '3 labels')
    """
    return f"{n} {singular if n == 1 else plural}"


#: The painter of each kind of map, in the order the kinds are documented.
PAINTERS: dict[str, Painter] = {
    painter.kind: painter for painter in (Choropleth(), Symbols(), Typology(), Gap())
}
