"""Custom territories (a "pays", a cluster, a study area) built from member territories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import pandas as pd
import shapely

from territorial.errors import (
    InvalidArgumentError,
    MissingCRSError,
    TerritoryNotFoundError,
    format_values,
)
from territorial.territories.crs import metric_area_km2


def custom_territories(
    members: Mapping[str, Sequence[str]],
    *,
    base: gpd.GeoDataFrame,
    names: Mapping[str, str] | None = None,
) -> gpd.GeoDataFrame:
    """Build custom territories from lists of member codes at a finer level.

    Population and area are the sums of the members'; the geometry is their
    union; the parent-code columns that every member shares are kept.

    Parameters
    ----------
    members
        ``{custom_code: [member codes]}``. A member may belong to several
        custom territories (overlapping study areas are allowed).
    base
        The member layer, indexed by code (e.g. ``load_france("commune")``).
    names
        ``{custom_code: name}``; default: the custom code.

    Returns
    -------
    GeoDataFrame
        Indexed by the custom codes, with ``name``, ``level`` (``"custom"``),
        ``members`` (tuple of member codes), ``n_members``, ``population``,
        ``area_km2`` and geometry, in the CRS of ``base``.

    Examples
    --------
    >>> from shapely import box
    >>> base = gpd.GeoDataFrame({"population": [10.0, 20.0]}, index=["a", "b"],
    ...     geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)], crs=2154)
    >>> custom = custom_territories({"ab": ["a", "b"]}, base=base)
    >>> float(custom.loc["ab", "population"]), float(custom.loc["ab", "area_km2"])
    (30.0, 2.0)
    """
    if base.crs is None:
        raise MissingCRSError("base", "Set it with base.set_crs(EPSG) first.")
    if not isinstance(members, Mapping) or not members:
        raise InvalidArgumentError(
            "members", members, "a non-empty mapping {code: [member codes]}",
            "Example: {'pays-x': ['01001', '01002']}.",
        )  # fmt: skip
    rows = []
    for code, codes in members.items():
        if isinstance(codes, str) or not isinstance(codes, Sequence) or not codes:
            raise InvalidArgumentError(
                f"members[{code!r}]", codes, "a non-empty list of member codes",
                "Give a list (or tuple), e.g. ['01001', '01002'].",
            )  # fmt: skip
        codes = [str(c) for c in codes]
        unknown = [c for c in codes if c not in base.index]
        if unknown:
            raise TerritoryNotFoundError(
                unknown[0] if len(unknown) == 1 else format_values(unknown),
                where=f"the base layer (members of {code!r}; check the level and the vintage)",
            )
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise InvalidArgumentError(
                f"members[{code!r}]", dupes, "each member listed once", "Remove the repeats."
            )
        part = base.loc[codes]
        row = {
            "code": str(code),
            "name": (names or {}).get(code, str(code)),
            "level": "custom",
            "members": tuple(codes),
            "n_members": len(codes),
            # a member without population makes the total unknown, never understated
            "population": part["population"].sum(skipna=False)
            if "population" in part.columns
            else float("nan"),
            "geometry": shapely.make_valid(shapely.union_all(part.geometry.to_numpy())),
        }
        if "area_km2" in part.columns:
            row["area_km2"] = float(part["area_km2"].sum())
        if "metric_epsg" in part.columns:
            # the metric CRS of the largest share of the area
            weights = part.groupby("metric_epsg")["area_km2"].sum() if "area_km2" in part else None
            row["metric_epsg"] = int(
                weights.idxmax() if weights is not None else part["metric_epsg"].mode().iloc[0]
            )
        for level in ("epci", "departement", "region"):
            if level in part.columns and part[level].nunique(dropna=False) == 1:
                row[level] = part[level].iloc[0]
        rows.append(row)
    out = gpd.GeoDataFrame(pd.DataFrame(rows).set_index("code"), geometry="geometry", crs=base.crs)
    if "area_km2" not in out.columns:
        metric = base.crs if base.crs.is_projected else out.geometry.estimate_utm_crs()
        out["area_km2"] = metric_area_km2(out.geometry, metric.to_epsg())
    return out
