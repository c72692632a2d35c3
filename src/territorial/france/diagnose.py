"""Diagnose the built-in France territories (a thin layer over the generic core).

Loads the territories and the France catalogue computed at the level and at
each parent level up to France (references computed from the components by
:func:`territorial.france.compute_france`), builds contiguity weights,
and calls :func:`territorial.diagnose.diagnosis.diagnose`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import pandas as pd

from territorial.diagnose.compare import StrengthRule, size_classes
from territorial.diagnose.composite import Profile
from territorial.diagnose.diagnosis import Diagnosis, DiagnosisSet, diagnose
from territorial.diagnose.smoothing import empirical_bayes
from territorial.diagnose.typology import typology
from territorial.diagnose.weights import contiguity_weights
from territorial.errors import InvalidArgumentError, UnknownLevelError
from territorial.france.levels import FRANCE_DIAGNOSIS_LEVELS

__all__ = ["FRANCE_DIAGNOSIS_LEVELS", "diagnose_france", "france_diagnosis_set", "france_profiles"]

#: Empirical Bayes assumes a count over an exposure: every share, and these rates of
#: events per inhabitant. Other ratios (a population-weighted mean distance) are not smoothed.
SMOOTHABLE_RATES: tuple[str, ...] = ("road_accidents_rate", "road_deaths_rate")
#: Smallest peer group: smaller size classes are merged with the next smaller one.
MIN_PEERS = 20


def france_diagnosis_set(
    level: str,
    *,
    indicators: Iterable[str] | None = None,
    peers: str | pd.Series = "size",
    smooth: bool = False,
    permutations: int = 999,
    seed: int = 12345,
    alpha: float = 0.05,
    fdr: bool = False,
    n_types: int | None = None,
    rule: StrengthRule | None = None,
    lisa: bool = True,
    cache: str | os.PathLike[str] | None = None,
) -> DiagnosisSet:
    """Diagnose every territory of a France level (see :func:`diagnose_france`).

    ``peers`` is ``"size"`` (same population class), ``"all"``, ``"type"``
    (same k-means type on the indicators) or a Series of peer groups.
    """
    from territorial.france.data import load_france
    from territorial.france.indicators import compute_france

    if level not in FRANCE_DIAGNOSIS_LEVELS:
        raise UnknownLevelError(
            level,
            FRANCE_DIAGNOSIS_LEVELS,
            expected=", ".join(repr(lv) for lv in FRANCE_DIAGNOSIS_LEVELS),
            fix="Indicators are computed from communes upwards; pick one of these levels.",
        )
    ids = list(indicators) if indicators is not None else None
    table = compute_france(level, indicators=ids, cache=cache)
    catalogue = table.catalogue
    values = table.values.copy()
    report: dict[str, Any] = {"indicators": table.report}
    if ids is None:  # stocks measure size, not performance: left to the peer groups
        values = values[[c for c in values.columns if catalogue[c].kind != "stock"]]
    territories = load_france(level, cache=cache, progress=False)
    territories = territories.loc[territories.index.isin(values.index)]
    values = values.reindex(territories.index)
    if smooth:
        smoothed = []
        for c in values.columns:
            countable = catalogue[c].kind == "share" or c in SMOOTHABLE_RATES
            if countable and c in table.parts:
                parts = table.parts[c].reindex(values.index)
                scale = float(parts["scale"].iloc[0]) if "scale" in parts else 1.0
                values[c] = empirical_bayes(parts["numerator"], parts["denominator"], scale=scale)
                smoothed.append(c)
        report["smoothed"] = {
            "method": "global empirical Bayes",
            "indicators": smoothed,
            "not_smoothed": [c for c in values.columns if c not in smoothed],
            "rule": "shares and counts per inhabitant only (SMOOTHABLE_RATES)",
        }
    references: dict[str, pd.DataFrame] = {}
    for ref_level in FRANCE_DIAGNOSIS_LEVELS[level]:
        references[ref_level] = compute_france(
            ref_level, indicators=list(values.columns), cache=cache
        ).values
    parent_levels = [lv for lv in FRANCE_DIAGNOSIS_LEVELS[level] if lv in territories.columns]
    parents = territories[parent_levels] if parent_levels else None
    population = territories["population"]
    if isinstance(peers, pd.Series):
        groups, comparable = peers.reindex(values.index), True
    elif peers == "size":
        groups, comparable = size_classes(population, min_size=MIN_PEERS), True
    elif peers == "all":
        groups, comparable = None, False
    elif peers != "type":
        raise InvalidArgumentError(
            "peers", peers, "'size', 'all', 'type' or a Series of peer groups",
            "Pass peers='size' (same population class), 'all', 'type' (same k-means type), "
            "or your own grouping.",
        )  # fmt: skip
    weights = None
    if lisa:
        weights = contiguity_weights(territories)
    n = len(values)
    k = n_types if n_types is not None else (6 if n >= 60 else max(2, n // 6))
    if isinstance(peers, str) and peers == "type":  # same k-means type on the indicators
        groups = typology(values, k=k, seed=0).labels.rename("peer_group")
        comparable = True
    result = diagnose(
        values,
        catalogue,
        names=territories["name"],
        level=level,
        references=references,
        parents=parents,
        peers=groups,
        comparable=comparable,
        population=population,
        weights=weights,
        lisa_kwds={"permutations": permutations, "seed": seed, "alpha": alpha, "fdr": fdr},
        types=k if n >= 3 * 2 else None,
        rule=rule,
    )
    result.spec["sources"] = report
    return result


def diagnose_france(
    level: str,
    code: str | None = None,
    *,
    lang: str = "fr",
    **kwds: Any,
) -> Diagnosis | pd.DataFrame:
    """Diagnose a France territory, or all territories of a level.

    Parameters
    ----------
    level
        One of :data:`FRANCE_DIAGNOSIS_LEVELS`.
    code
        A territory code (``"200046977"``): its :class:`Diagnosis`; ``None``:
        the table of all territories (:meth:`DiagnosisSet.table`).
    lang
        ``"fr"`` or ``"en"``.
    **kwds
        Options of :func:`france_diagnosis_set`: ``indicators``, ``peers``
        (``"size"``, ``"all"`` or a Series), ``smooth`` (empirical Bayes on
        shares and on the rates of :data:`SMOOTHABLE_RATES`), ``permutations``,
        ``seed``, ``alpha``, ``fdr``, ``n_types``, ``rule``, ``lisa``, ``cache``.

    Examples
    --------
    >>> d = diagnose_france("region", "11", lang="en", indicators=["density"], lisa=False)
    >>> d.name
    'Île-de-France'
    >>> for sentence in d.traits:
    ...     print(*sentence.replace("\\xa0", " ").split(", "), sep=",\\n  ")
    Population density: 1,033.3 inh./km²,
      863% above the national value,
      10th decile of comparable regions
    >>> table = diagnose_france("region", indicators=["density"], lisa=False)
    >>> len(table), len(table.loc["06", "traits"])  # 18 régions; Mayotte diagnosed too
    (18, 1)
    """
    result = france_diagnosis_set(level, **kwds)
    if code is None:
        return result.table(lang=lang)
    return result.diagnosis(code, lang=lang)


def france_profiles() -> list[Profile]:
    """Points of view over the built-in France catalogue.

    Examples
    --------
    >>> [p.name for p in france_profiles()]
    ['public_services', 'democratic_renewal', 'road_safety']
    """
    return [
        Profile(
            "public_services",
            {"fr": "Services publics de proximité", "en": "Local public services"},
            {
                "median_townhall_hours": 1.0,
                "share_townhall_website": 1.0,
                "mean_distance_prefecture": 1.0,
            },
        ),
        Profile(
            "democratic_renewal",
            {"fr": "Renouvellement démocratique", "en": "Democratic renewal"},
            {
                "women_councillors_share": 1.0,
                "women_mayors_share": 1.0,
                "share_councillors_under_40": 1.0,
                "median_age_councillors": -1.0,
            },
        ),
        Profile(
            "road_safety",
            {"fr": "Sécurité routière", "en": "Road safety"},
            {"road_accidents_rate": 1.0, "road_deaths_rate": 2.0, "road_deaths_change": 1.0},
        ),
    ]
