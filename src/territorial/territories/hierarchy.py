"""Parents and children of territories, from the parent-code columns of a layer."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from territorial.errors import ColumnNotFoundError, TerritoryNotFoundError

#: Columns that hold parent codes in the built-in France layers, finest first.
PARENT_LEVELS: tuple[str, ...] = (
    "commune",
    "canton",
    "circonscription",
    "epci",
    "departement",
    "region",
)


def parents(territories: pd.DataFrame, code: str) -> dict[str, str]:
    """Codes of the parents of one territory, by level.

    Parameters
    ----------
    territories
        A layer indexed by code with parent-code columns (e.g. ``load_france("commune")``).
    code
        The territory's code.

    Returns
    -------
    dict
        ``{level: parent_code}`` for every parent column that is filled.

    Examples
    --------
    >>> df = pd.DataFrame({"departement": ["69"], "region": ["84"]}, index=["69123"])
    >>> parents(df, "69123")
    {'departement': '69', 'region': '84'}
    """
    if code not in territories.index:
        raise TerritoryNotFoundError(code, where="the index of territories")
    row = territories.loc[code]
    return {
        level: str(row[level])
        for level in PARENT_LEVELS
        if level in territories.columns and pd.notna(row[level]) and row[level] != code
    }


def children(territories: gpd.GeoDataFrame | pd.DataFrame, level: str, code: str) -> pd.DataFrame:
    """The territories of a finer layer whose parent at ``level`` is ``code``.

    Parameters
    ----------
    territories
        The finer layer, e.g. ``load_france("commune")``.
    level
        The parent level, a column of ``territories`` (``"departement"``, ``"epci"`` ...).
    code
        The parent's code.

    Examples
    --------
    >>> df = pd.DataFrame({"departement": ["69", "01"]}, index=["69123", "01001"])
    >>> children(df, "departement", "69").index.tolist()
    ['69123']
    """
    if level not in territories.columns:
        raise ColumnNotFoundError("level", level, territories.columns)
    selected = territories[territories[level] == code]
    if selected.empty:
        known = sorted(str(k) for k in territories[level].dropna().unique())
        text = str(code).strip()
        close = [k for k in known if k in (text.zfill(2), text.zfill(5), text.upper())]
        close += [k for k in known if k.startswith(text) and k not in close]
        raise TerritoryNotFoundError(code, suggestions=close[:5], where=f"the {level!r} column")
    return selected
