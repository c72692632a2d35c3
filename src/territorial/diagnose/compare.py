"""References, peers, ranks and the strength/weakness rule.

Everything here works on plain tables indexed by territory code, one column
per indicator, so it serves any country:

- references: the value of each parent territory (computed by the caller from
  the components, e.g. the region's share = sum of numerators / sum of
  denominators), aligned on the territories through their parent codes;
- peers: groups of comparable territories (same population size class by
  default, or a user-given grouping);
- ranks: the mid-rank percentile among peers and a robust z-score
  ``(x - median) / (1.4826 * MAD)``;
- the rule (:class:`StrengthRule`) turning those into strengths, weaknesses
  and distinctive traits, polarity-aware.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from territorial.errors import ColumnNotFoundError, InvalidArgumentError

__all__ = [
    "DEFAULT_SIZE_BINS",
    "MIN_SIZE_CLASSES",
    "Comparison",
    "StrengthRule",
    "compare",
    "percentile_ranks",
    "reference_values",
    "robust_z",
    "size_classes",
]

#: Population size classes (inhabitants) used for default peer groups.
DEFAULT_SIZE_BINS: tuple[float, ...] = (
    0, 500, 2_000, 5_000, 20_000, 50_000, 200_000, 1_000_000, np.inf,
)  # fmt: skip
POLARITY_SIGN = {"higher_is_better": 1.0, "higher_is_worse": -1.0, "neutral": 0.0}
MAD_SCALE = 1.4826  # makes the MAD a consistent estimator of the standard deviation
MEANAD_SCALE = 1.2533  # same for the mean absolute deviation (used when the MAD is zero)


@dataclass(frozen=True)
class StrengthRule:
    """The documented rule that makes a value a strength or a weakness.

    With ``sign`` = +1 for ``higher_is_better``, -1 for ``higher_is_worse``:

    - oriented percentile ``p' = p`` if sign > 0 else ``1 - p`` (``p``: mid-rank
      percentile among peers);
    - oriented gap ``g' = sign * (value - reference) / |reference|`` to the
      decisive reference: the primary one (the first of ``references``), or
      the next one when the territory is the only member of its primary
      parent (an overseas département alone in its région), since the gap to
      a reference equal to the territory's own value is 0 by construction;
    - **strength** when ``p' >= high`` and ``g' >= min_gap``; **weakness** when
      ``p' <= low`` and ``g' <= -min_gap``. Without a reference value the gap
      condition is dropped.
    - neutral indicators are never strengths or weaknesses; the same test
      without orientation makes them distinctive traits ``"high"``/``"low"``.
    - importance = ``min(|robust z|, 10)``, halved when the value is unstable
      (population below ``min_population``); findings are sorted by it.
    - a value resting on fewer than ``confidence_factor`` times its indicator's
      ``min_count`` events gets a confidence note: for a Poisson count ``n`` the
      relative error is ``1/√n``, so with the default 5 the note is said where
      that error is above 1/√5 (45 %) of the largest error allowed (at
      ``min_count``), e.g. under 100 deaths for a rate allowed from 20 (10 %).

    Examples
    --------
    >>> StrengthRule().high, StrengthRule().min_gap
    (0.8, 0.05)
    """

    high: float = 0.8
    low: float = 0.2
    min_gap: float = 0.05
    min_population: float = 1_000
    unstable_factor: float = 0.5
    confidence_factor: float = 5.0

    def __post_init__(self) -> None:
        if not 0 <= self.low < self.high <= 1:
            raise InvalidArgumentError(
                "rule",
                f"StrengthRule(low={self.low}, high={self.high})",
                "0 <= low < high <= 1",
                "Use percentile thresholds such as low=0.2, high=0.8.",
            )
        if self.min_gap < 0:
            raise InvalidArgumentError(
                "rule",
                f"StrengthRule(min_gap={self.min_gap})",
                "min_gap >= 0",
                "min_gap is a relative gap, e.g. 0.05 for 5 %.",
            )


@dataclass
class Comparison:
    """The comparison of every territory to its references and peers.

    Attributes are tables indexed by territory code, one column per indicator,
    except ``peer_group`` (a Series) and ``references`` / ``gaps`` /
    ``relative_gaps`` (dicts level -> table). ``decisive_reference`` gives,
    per territory, the level whose gap the rule used (see :class:`StrengthRule`).
    """

    values: pd.DataFrame
    specs: Mapping[str, Any]
    peer_group: pd.Series
    percentile: pd.DataFrame
    decile: pd.DataFrame
    robust_z: pd.DataFrame
    references: dict[str, pd.DataFrame]
    gaps: dict[str, pd.DataFrame]
    relative_gaps: dict[str, pd.DataFrame]
    status: pd.DataFrame
    importance: pd.DataFrame
    unstable: pd.DataFrame
    rule: StrengthRule
    decisive_reference: pd.Series
    report: dict = field(default_factory=dict)

    @property
    def primary_reference(self) -> str | None:
        """The level whose reference decides strengths (the first one given)."""
        return next(iter(self.references), None)

    def decisive(self, table: str) -> pd.DataFrame | None:
        """``"references"``, ``"gaps"`` or ``"relative_gaps"`` to each territory's
        decisive reference (one table, ``None`` without references).

        Examples
        --------
        >>> v = pd.DataFrame({"x": [1.0, 3.0, 5.0]}, index=["a", "b", "c"])
        >>> refs = {"region": pd.DataFrame({"x": [2.0, 5.0]}, index=["R", "S"]),
        ...         "france": pd.DataFrame({"x": [3.0]}, index=["F"])}
        >>> parents = pd.DataFrame({"region": ["R", "R", "S"]}, index=v.index)
        >>> c = compare(v, {"x": {"polarity": "higher_is_better"}}, references=refs,
        ...             parents=parents)
        >>> c.decisive_reference.tolist(), c.decisive("gaps")["x"].tolist()
        (['region', 'region', 'france'], [-1.0, 1.0, 2.0])
        """
        tables: dict[str, pd.DataFrame] = getattr(self, table)
        if not tables:
            return None
        out = next(iter(tables.values())).copy()
        for level, frame in tables.items():
            rows = (self.decisive_reference == level).to_numpy()
            out.loc[rows] = frame.loc[rows]
        return out

    def long(self) -> pd.DataFrame:
        """One row per territory and indicator with every measure.

        Examples
        --------
        >>> v = pd.DataFrame({"x": [1.0, 2.0, 3.0]}, index=["a", "b", "c"])
        >>> specs = {"x": {"polarity": "higher_is_better"}}
        >>> compare(v, specs).long().columns[:4].tolist()
        ['code', 'indicator', 'value', 'peer_group']
        """
        parts = {
            "value": self.values,
            "percentile": self.percentile,
            "decile": self.decile,
            "robust_z": self.robust_z,
        }
        for level in self.references:
            parts[f"reference_{level}"] = self.references[level]
            parts[f"gap_{level}"] = self.gaps[level]
            parts[f"relative_gap_{level}"] = self.relative_gaps[level]
        parts.update(status=self.status, importance=self.importance, unstable=self.unstable)
        stacked = {
            name: table.rename_axis(index="code", columns="indicator").stack(future_stack=True)
            for name, table in parts.items()
        }
        out = pd.DataFrame(stacked).reset_index()
        out.insert(3, "peer_group", out["code"].map(self.peer_group))
        return out


#: Fewest peer groups worth the name: with fewer fixed classes, quantiles are used.
MIN_SIZE_CLASSES = 3


def size_classes(
    population: pd.Series,
    *,
    bins: tuple[float, ...] = DEFAULT_SIZE_BINS,
    min_size: int = 1,
    quantiles: int = 4,
) -> pd.Series:
    """Population size class of each territory (labels such as ``"2000-5000"``).

    Classes with fewer than ``min_size`` territories are merged with the next
    smaller class (or the next larger one for the smallest), so that every
    peer group is large enough to rank in. When that leaves fewer than
    :data:`MIN_SIZE_CLASSES` classes (the 101 départements fall in two: under and
    over a million inhabitants), the classes are population quantiles instead:
    ``quantiles`` of them (quartiles), or fewer so that each holds at least
    ``min_size`` territories, with limits rounded to two significant digits;
    ``quantiles=1`` keeps the fixed classes. Territories without a population
    are in the class ``"unknown"``.

    Examples
    --------
    >>> size_classes(pd.Series([120.0, 3000.0], index=["a", "b"])).tolist()
    ['0-500', '2000-5000']
    >>> size_classes(pd.Series([120.0, 300.0, 3000.0], index=list("abc")), min_size=2).tolist()
    ['0-5000', '0-5000', '0-5000']
    >>> pop = pd.Series([1e5, 2e5, 3e5, 4e5, 5e5, 6e5, 7e5, 8e5], index=list("abcdefgh"))
    >>> size_classes(pop, min_size=2).value_counts().sort_index().to_dict()
    {'0-280000': 2, '280000-450000': 2, '450000-620000': 2, '620000+': 2}
    """
    edges = [float(b) for b in bins]
    if len(edges) < 2 or np.any(np.diff(edges) <= 0):
        raise InvalidArgumentError(
            "bins", bins, "increasing class limits", "Pass e.g. bins=(0, 500, 2000, inf)."
        )
    if not isinstance(quantiles, int) or quantiles < 1:
        raise InvalidArgumentError(
            "quantiles", quantiles, "an integer >= 1",
            "Pass e.g. quantiles=4 (quartiles when the fixed classes are too few), or 1.",
        )  # fmt: skip
    pop = population.astype(float)
    known = pop.dropna()
    while len(edges) > 2:
        counts = np.histogram(known, bins=edges)[0]
        small = [i for i, c in enumerate(counts) if 0 < c < min_size]
        if not small:
            break
        i = small[0]
        # merge class i with its smaller neighbour (drop its lower edge)
        edges.pop(i if i > 0 else 1)
    used = int((np.histogram(known, bins=edges)[0] > 0).sum())
    if used < MIN_SIZE_CLASSES:
        edges = _quantile_edges(known, quantiles, max(min_size, 1), used) or edges

    def name(a: float, b: float) -> str:
        return f"{int(a)}-{int(b)}" if np.isfinite(b) else f"{int(a)}+"

    labels = [name(a, b) for a, b in pairwise(edges)]
    classes = pd.cut(pop, edges, labels=labels, right=False)
    return classes.astype("str").where(classes.notna(), "unknown").rename("peer_group")


def _quantile_edges(
    known: pd.Series, quantiles: int, min_size: int, used: int
) -> list[float] | None:
    """Limits of population quantile classes (2 significant digits), each holding at
    least ``min_size`` territories; ``None`` when no more than ``used`` such classes fit."""
    for k in range(min(quantiles, len(known) // min_size), used, -1):
        cuts = np.quantile(known.to_numpy(), np.arange(1, k) / k)
        inner = sorted({float(f"{c:.2g}") for c in cuts if c > 0})
        edges = [0.0, *inner, np.inf]
        counts = np.histogram(known, bins=edges)[0]
        if len(edges) - 1 == k and (counts >= min_size).all():
            return edges
    return None


def _group_index(groups: pd.Series | None, index: pd.Index) -> pd.Series:
    if groups is None:
        return pd.Series("all", index=index, name="peer_group")
    return groups.reindex(index).astype("str").fillna("unknown").rename("peer_group")


def percentile_ranks(values: pd.DataFrame, *, groups: pd.Series | None = None) -> pd.DataFrame:
    """Mid-rank percentile of each value among its group, in (0, 1).

    ``(rank - 0.5) / n`` with ties averaged, ``n`` the group's non-missing
    values: the lowest of 10 gets 0.05, the highest 0.95.

    Examples
    --------
    >>> v = pd.DataFrame({"x": [10.0, 20.0, 30.0, 40.0]}, index=list("abcd"))
    >>> percentile_ranks(v)["x"].tolist()
    [0.125, 0.375, 0.625, 0.875]
    """
    g = _group_index(groups, values.index)
    grouped = values.groupby(g, sort=False)
    ranks = grouped.rank(method="average")
    counts = grouped.transform("count")
    return (ranks - 0.5) / counts


def robust_z(values: pd.DataFrame, *, groups: pd.Series | None = None) -> pd.DataFrame:
    """Robust z-score among the group: ``(x - median) / (1.4826 * MAD)``.

    When the MAD is zero (more than half the peers share a value), the mean
    absolute deviation around the median times 1.2533 is used instead; when
    that is zero too, the score is 0.

    Examples
    --------
    >>> v = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 100.0]}, index=list("abcde"))
    >>> robust_z(v)["x"].round(3).tolist()
    [-1.349, -0.674, 0.0, 0.674, 65.426]
    """
    g = _group_index(groups, values.index)
    median = values.groupby(g, sort=False).transform("median")
    deviation = (values - median).abs()
    mad = deviation.groupby(g, sort=False).transform("median") * MAD_SCALE
    mean_ad = deviation.groupby(g, sort=False).transform("mean") * MEANAD_SCALE
    scale = mad.where(mad > 0, mean_ad)
    z = (values - median) / scale.where(scale > 0)
    return z.where(scale > 0, 0.0).where(values.notna())


def reference_values(
    values: pd.DataFrame, parents: pd.Series, reference: pd.DataFrame
) -> pd.DataFrame:
    """The value of each territory's parent, aligned on the territories.

    Examples
    --------
    >>> v = pd.DataFrame({"x": [1.0, 3.0]}, index=["a", "b"])
    >>> reference_values(v, pd.Series(["R", "R"], index=["a", "b"]),
    ...                  pd.DataFrame({"x": [2.5]}, index=["R"]))["x"].tolist()
    [2.5, 2.5]
    """
    codes = parents.reindex(values.index).astype("str")
    ref = reference.reindex(columns=values.columns)
    ref.index = ref.index.astype("str")
    out = ref.reindex(codes.to_numpy())
    out.index = values.index
    return out.astype(float)


def _spec_get(spec: Any, key: str, default: Any = None) -> Any:
    if isinstance(spec, Mapping):
        return spec.get(key, default)
    return getattr(spec, key, default)


def compare(
    values: pd.DataFrame,
    specs: Mapping[str, Any],
    *,
    references: Mapping[str, pd.DataFrame] | None = None,
    parents: pd.DataFrame | None = None,
    peers: pd.Series | None = None,
    population: pd.Series | None = None,
    rule: StrengthRule | None = None,
) -> Comparison:
    """Compare every territory to its references and peers, and apply the rule.

    Parameters
    ----------
    values
        One float column per indicator, indexed by territory code.
    specs
        Indicator id -> spec (an ``IndicatorSpec`` or a dict) with at least
        ``polarity``; indicators of kind ``stock`` get no reference (a
        territory's population is not comparable to its region's).
    references
        Level -> values of the territories of that level (same columns),
        ordered from the primary reference (used by the rule) to the widest.
    parents
        Territory code -> parent code, one column per level of ``references``;
        a level missing from ``parents`` is a single reference for everybody
        (its table has one row, e.g. the whole country).
    peers
        Peer group of each territory (default: everybody).
    population
        Population of each territory, to flag unstable values.
    rule
        The strength/weakness rule (default :class:`StrengthRule()`).

    Returns
    -------
    Comparison

    Examples
    --------
    >>> v = pd.DataFrame({"x": [float(i) for i in range(10)]}, index=list("abcdefghij"))
    >>> c = compare(v, {"x": {"polarity": "higher_is_worse"}},
    ...             references={"country": pd.DataFrame({"x": [4.5]}, index=["C"])})
    >>> c.status["x"].tolist()
    ['strength', 'strength', '', '', '', '', '', '', 'weakness', 'weakness']
    """
    rule = rule or StrengthRule()
    missing = [c for c in values.columns if c not in specs]
    if missing:
        raise ColumnNotFoundError("values", missing[0], list(specs))
    values = values.astype(float)
    references = dict(references or {})
    groups = _group_index(peers, values.index)
    percentile = percentile_ranks(values, groups=groups)
    decile = np.floor(percentile * 10).clip(0, 9) + 1
    z = robust_z(values, groups=groups)
    refs: dict[str, pd.DataFrame] = {}
    for level, table in references.items():
        if parents is not None and level in parents.columns:
            refs[level] = reference_values(values, parents[level], table)
        elif len(table) == 1:
            row = table.reindex(columns=values.columns).iloc[0].astype(float)
            refs[level] = pd.DataFrame(
                np.tile(row.to_numpy(), (len(values), 1)),
                index=values.index,
                columns=values.columns,
            )
        else:
            raise ColumnNotFoundError("parents", level, [] if parents is None else parents.columns)
    # a stock (population, area...) is not comparable to its parent's total
    stocks = [c for c in values.columns if _spec_get(specs[c], "kind", None) == "stock"]
    for level in refs:
        refs[level][stocks] = np.nan
    gaps = {level: values - ref for level, ref in refs.items()}
    relative = {level: gaps[level] / refs[level].abs().where(refs[level] != 0) for level in refs}
    sign = pd.Series(
        {c: POLARITY_SIGN[_spec_get(specs[c], "polarity", "neutral")] for c in values}
    )
    flip = np.broadcast_to((sign < 0).to_numpy(), values.shape)
    oriented_p = percentile.mask(flip, 1 - percentile)
    decisive = _decisive_levels(values.index, list(refs), parents)
    primary = None
    if refs:
        primary = relative[next(iter(refs))].copy()
        for level in refs:
            rows = (decisive == level).to_numpy()
            primary.loc[rows] = relative[level].loc[rows]
    if primary is None:
        gap_ok_high = gap_ok_low = pd.DataFrame(True, index=values.index, columns=values.columns)
    else:
        raw = primary.mul(sign.where(sign != 0, 1.0), axis=1)
        gap_ok_high = (raw >= rule.min_gap) | primary.isna()
        gap_ok_low = (raw <= -rule.min_gap) | primary.isna()
    is_high = (oriented_p >= rule.high) & gap_ok_high
    is_low = (oriented_p <= rule.low) & gap_ok_low
    polar = np.broadcast_to((sign != 0).to_numpy(), values.shape)
    status = np.full(values.shape, "", dtype=object)
    status[is_high.to_numpy() & polar] = "strength"
    status[is_low.to_numpy() & polar] = "weakness"
    status[is_high.to_numpy() & ~polar] = "high"
    status[is_low.to_numpy() & ~polar] = "low"
    status[values.isna().to_numpy()] = ""
    if population is not None:
        pop = population.reindex(values.index).astype(float)
        small = (pop < rule.min_population).to_numpy()
    else:
        small = np.zeros(len(values), dtype=bool)
    unstable = pd.DataFrame(
        np.repeat(small[:, None], values.shape[1], axis=1),
        index=values.index,
        columns=values.columns,
    )
    importance = z.abs().clip(upper=10).fillna(0)
    importance = importance.where(~unstable, importance * rule.unstable_factor)
    report = {
        "peer_groups": groups.value_counts().to_dict(),
        "references": list(refs),
        "reference_fallbacks": {
            str(code): str(level)
            for code, level in decisive.items()
            if refs and level != next(iter(refs))
        },
        "unstable_territories": int(small.sum()),
        "missing_references": {
            level: int(ref.isna().all(axis=1).sum()) for level, ref in refs.items()
        },
    }
    return Comparison(
        values=values,
        specs=specs,
        peer_group=groups,
        percentile=percentile,
        decile=decile,
        robust_z=z,
        references=refs,
        gaps=gaps,
        relative_gaps=relative,
        status=pd.DataFrame(status, index=values.index, columns=values.columns).astype("str"),
        importance=importance,
        unstable=unstable,
        rule=rule,
        decisive_reference=decisive,
        report=report,
    )


def _decisive_levels(
    index: pd.Index, levels: list[str], parents: pd.DataFrame | None
) -> pd.Series:
    """Per territory, the first reference level that is not the territory itself.

    A level is skipped for a territory whose parent code is its own code or
    which is the only territory with that parent (its reference then equals
    its value by construction); when every level is skipped the first is kept.
    """
    chosen = pd.Series([levels[0] if levels else None] * len(index), index=index, dtype=object)
    if not levels or parents is None:
        return chosen.rename("decisive_reference")
    undecided = np.ones(len(index), dtype=bool)
    own = index.astype("str").to_numpy()
    for level in levels:
        ok = undecided.copy()
        if level in parents.columns:
            codes = parents[level].reindex(index)
            text = codes.astype("str").to_numpy()
            sizes = codes.map(codes.value_counts()).to_numpy()
            ok &= ~((sizes == 1) | (text == own))
        chosen.iloc[np.nonzero(ok)[0]] = level
        undecided &= ~ok
    return chosen.rename("decisive_reference")
