"""Themes of the static maps: immutable objects holding every style choice."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from territorial.errors import InvalidArgumentError

__all__ = ["THEMES", "Theme", "get_theme"]


@dataclass(frozen=True)
class Theme:
    """Every style choice of a static map; immutable, derive variants with :meth:`replace`.

    Examples
    --------
    >>> t = THEMES["default"].replace(title_size=18)
    >>> t.title_size, THEMES["default"].title_size
    (18, 15)
    """

    name: str = "default"
    font_family: str = "DejaVu Sans"
    figsize: tuple[float, float] = (8.0, 8.0)
    dpi: int = 150
    background: str = "#ffffff"
    text_color: str = "#1a1a1a"
    muted_color: str = "#5a5a5a"
    title_size: float = 15
    subtitle_size: float = 10.5
    source_size: float = 7
    legend_size: float = 8
    legend_title_size: float = 8.5
    label_size: float = 7
    edge_color: str = "#ffffff"  # borders of territories when drawn (small maps)
    edge_width: float = 0.3
    base_color: str = "#404040"  # borders of the base layer (parents)
    base_width: float = 0.45
    land_color: str = "#eeeeee"  # fill under proportional symbols
    inset_frame_color: str = "#9a9a9a"
    symbol_color: str = "#c0392b"
    symbol_edge_color: str = "#ffffff"
    symbol_alpha: float = 0.85
    symbol_max_size: float = 22.0  # radius of the largest symbol, in points
    missing_hatch: str = "/////"
    missing_hatch_color: str = "#9a9a9a"
    sequential_palette: str = "YlOrRd"
    diverging_palette: str = "RdBu_r"
    qualitative_palette: str = "Set2"

    def replace(self, **changes: object) -> Theme:
        """A copy of the theme with some fields changed.

        Examples
        --------
        >>> THEMES["default"].replace(background="#fafafa").background
        '#fafafa'
        """
        known = {f.name for f in fields(self)}
        for key in changes:
            if key not in known:
                raise InvalidArgumentError(
                    key,
                    changes[key],
                    f"a field of Theme: {', '.join(sorted(known))}",
                    "Check the field's name.",
                )
        return replace(self, **changes)


#: Built-in themes.
THEMES: dict[str, Theme] = {
    "default": Theme(),
    "print": Theme(
        name="print",
        dpi=300,
        sequential_palette="Blues",
        symbol_color="#1f4e79",
    ),
    "dark": Theme(
        name="dark",
        background="#1e1e1e",
        text_color="#f0f0f0",
        muted_color="#b0b0b0",
        edge_color="#1e1e1e",
        base_color="#d0d0d0",
        land_color="#3a3a3a",
        inset_frame_color="#707070",
        sequential_palette="viridis",
        symbol_color="#f39c12",
        symbol_edge_color="#1e1e1e",
        missing_hatch_color="#707070",
    ),
}


def get_theme(theme: str | Theme | None) -> Theme:
    """Return a :class:`Theme` from a name, a theme, or ``None`` (the default).

    Examples
    --------
    >>> get_theme("print").dpi
    300
    """
    if theme is None:
        return THEMES["default"]
    if isinstance(theme, Theme):
        return theme
    if isinstance(theme, str) and theme in THEMES:
        return THEMES[theme]
    raise InvalidArgumentError(
        "theme",
        theme,
        f"a Theme or one of {', '.join(repr(n) for n in THEMES)}",
        "Build your own with Theme(...) or THEMES['default'].replace(...).",
    )
