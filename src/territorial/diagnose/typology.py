"""Typologies: k-means types on standardised indicators, and contiguous regions.

:func:`typology` groups territories that look alike whatever their location;
:func:`regionalise` builds spatially contiguous groups (spopt's
``WardSpatial``: Ward clustering constrained by the contiguity graph) for
users who need areas in one piece. Both describe each group by its most
distinctive indicators (largest mean standardised deviation).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from territorial.diagnose.weights import ContiguityWeights
from territorial.errors import InvalidArgumentError

__all__ = ["Typology", "regionalise", "typology"]


@dataclass(frozen=True)
class Typology:
    """Groups of territories and what sets each group apart.

    Attributes
    ----------
    labels
        Type of each territory (``"T1"``, ``"T2"``... by decreasing size).
    profiles
        Mean standardised value of each indicator per type (types x indicators).
    distinctive
        Type -> list of ``(indicator, mean z)`` of its ``n_distinctive`` most
        distinctive indicators.
    spec
        Method, indicators, seed, and how many missing values were imputed.
    """

    labels: pd.Series
    profiles: pd.DataFrame
    distinctive: dict[str, list[tuple[str, float]]]
    spec: dict = field(default_factory=dict)

    def describe(
        self,
        type_: str,
        *,
        specs: Mapping[str, Any] | None = None,
        lang: str = "fr",
        plain: bool = False,
    ) -> str:
        """A short text naming the most distinctive indicators of a type.

        ``plain=False`` (machine outputs) gives the mean standardised deviation
        (« +1,0 σ »); ``plain=True`` (text for the public) says it in words: well
        above (2 σ or more), above (1 σ), slightly above the average.

        Examples
        --------
        >>> v = pd.DataFrame({"x": [0.0, 0.1, 5.0, 5.1]}, index=list("abcd"))
        >>> t = typology(v, k=2, seed=0)
        >>> t.describe(t.labels["c"]).replace("\\xa0", " ")
        'x (+1,0 σ)'
        >>> t.describe(t.labels["c"], lang="en", plain=True)
        'x: above average'
        """
        from territorial.format import NBSP, format_number, spec_text

        parts = []
        for indicator, z in self.distinctive.get(type_, []):
            label = indicator
            if specs is not None and indicator in specs:
                label = spec_text(specs[indicator], "label", lang, default=indicator)
            if plain:
                sep = f"{NBSP}: " if lang == "fr" else ": "
                parts.append(f"{label}{sep}{_in_words(z, lang)}")
                continue
            sign = "+" if z >= 0 else "−"
            value = format_number(abs(z), lang=lang, decimals=1)
            parts.append(f"{label} ({sign}{value}{NBSP}σ)")
        if not plain:
            return ", ".join(parts)
        return (" ; " if lang == "fr" else "; ").join(parts)


_WORDS = {
    "fr": ("très au-dessus de la moyenne", "au-dessus de la moyenne",
           "un peu au-dessus de la moyenne", "un peu en dessous de la moyenne",
           "en dessous de la moyenne", "très en dessous de la moyenne"),
    "en": ("well above average", "above average", "slightly above average",
           "slightly below average", "below average", "well below average"),
}  # fmt: skip


def _in_words(z: float, lang: str) -> str:
    """A mean standardised deviation said in words (2 σ or more: « très »...)."""
    words = _WORDS.get(lang, _WORDS["fr"])
    size = round(abs(z), 1)  # as the machine output shows it
    step = 0 if size >= 2 else 1 if size >= 1 else 2
    return words[step] if z >= 0 else words[5 - step]


def _standardise(values: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    values = values.astype(float)
    imputed = int(values.isna().sum().sum())
    filled = values.fillna(values.median())
    std = filled.std(ddof=0)
    z = (filled - filled.mean()) / std.where(std > 0)
    return z.fillna(0.0), imputed


def _describe(z: pd.DataFrame, labels: pd.Series, n: int) -> tuple[pd.DataFrame, dict]:
    profiles = z.groupby(labels).mean()
    distinctive = {}
    for type_, row in profiles.iterrows():
        top = row.abs().sort_values(ascending=False).index[:n]
        distinctive[str(type_)] = [(str(i), float(row[i])) for i in top]
    return profiles, distinctive


def _relabel(raw: np.ndarray, index: pd.Index, prefix: str) -> pd.Series:
    sizes = pd.Series(raw).value_counts()  # by decreasing size, ties by label
    names = {lab: f"{prefix}{rank + 1}" for rank, lab in enumerate(sizes.index)}
    return pd.Series([names[x] for x in raw], index=index, name="type", dtype="str")


def typology(
    values: pd.DataFrame, *, k: int = 6, seed: int = 0, n_distinctive: int = 3
) -> Typology:
    """K-means types on standardised indicators.

    Missing values are replaced by the indicator's median (counted in
    ``spec["imputed"]``) before standardising.

    Examples
    --------
    >>> v = pd.DataFrame({"x": [0.0, 0.1, 5.0, 5.1]}, index=list("abcd"))
    >>> typology(v, k=2, seed=0).labels.tolist()
    ['T1', 'T1', 'T2', 'T2']
    """
    from sklearn.cluster import KMeans

    if not isinstance(k, int) or not 2 <= k <= len(values):
        raise InvalidArgumentError(
            "k", k, f"an integer between 2 and the number of territories ({len(values)})",
            "Choose fewer types.",
        )  # fmt: skip
    z, imputed = _standardise(values)
    from threadpoolctl import threadpool_limits

    # one thread: on a small table, OpenMP threads spin against each other and against
    # the other processes (7x slower on 2 loaded cores); the result is the same
    with threadpool_limits(limits=1):
        model = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(z.to_numpy())
    labels = _relabel(model.labels_, values.index, "T")
    profiles, distinctive = _describe(z, labels, n_distinctive)
    spec = {
        "method": "k-means on standardised indicators",
        "k": k,
        "seed": seed,
        "indicators": list(values.columns),
        "imputed": imputed,
        "inertia": float(model.inertia_),
    }
    return Typology(labels, profiles, distinctive, spec)


def regionalise(
    values: pd.DataFrame,
    weights: ContiguityWeights,
    *,
    n_regions: int = 10,
    n_distinctive: int = 3,
) -> Typology:
    """Spatially contiguous regions (spopt ``WardSpatial``) on standardised indicators.

    Each region is connected in the contiguity graph; isolated territories
    (islands, overseas) are first attached to their nearest territory
    (:meth:`~territorial.diagnose.weights.ContiguityWeights.attached`), since a
    region needs a connected graph.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame(geometry=[shapely.box(i, 0, i + 1, 1) for i in range(4)],
    ...                      index=list("abcd"), crs=3857)
    >>> from territorial.diagnose.weights import contiguity_weights
    >>> v = pd.DataFrame({"x": [0.0, 0.1, 5.0, 5.1]}, index=g.index)
    >>> regionalise(v, contiguity_weights(g), n_regions=2).labels.tolist()
    ['R1', 'R1', 'R2', 'R2']
    """
    import geopandas as gpd
    from spopt.region import WardSpatial

    if not isinstance(n_regions, int) or not 2 <= n_regions <= len(values):
        raise InvalidArgumentError(
            "n_regions", n_regions,
            f"an integer between 2 and the number of territories ({len(values)})",
            "Choose fewer regions.",
        )  # fmt: skip
    weights = weights.attached()
    values = values.reindex(weights.codes)
    z, imputed = _standardise(values)
    columns = [f"v{i}" for i in range(z.shape[1])]
    frame = gpd.GeoDataFrame(pd.DataFrame(z.to_numpy(), columns=columns, index=z.index))
    model = WardSpatial(frame, weights.to_libpysal(), columns, n_clusters=n_regions)
    model.solve()
    labels = _relabel(np.asarray(model.labels_), values.index, "R")
    profiles, distinctive = _describe(z, labels, n_distinctive)
    spec = {
        "method": "spopt WardSpatial (contiguity-constrained Ward)",
        "n_regions": n_regions,
        "indicators": list(values.columns),
        "imputed": imputed,
        "weights": dict(weights.spec),
    }
    return Typology(labels, profiles, distinctive, spec)
