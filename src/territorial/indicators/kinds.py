"""The kinds of indicator, as plain functions returning named Series.

Every function here takes values that are already summed per territory (or
member values with the territory they belong to) and returns a ``pd.Series``
indexed like the territories and named after the indicator. Division by zero
gives NaN, never ``inf``; :func:`zero_division` tells where it happened.

Examples
--------
>>> import pandas as pd
>>> ratio(pd.Series([10.0, 0.0], index=["a", "b"]), pd.Series([4.0, 0.0], index=["a", "b"]),
...       scale=100, name="r").tolist()
[250.0, nan]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "FLAG_REASONS",
    "flag_reason",
    "gini",
    "grouped_median",
    "growth_rate",
    "hhi",
    "krugman",
    "location_quotient",
    "ratio",
    "shannon",
    "theil",
    "zero_division",
]


#: Why a value of each kind is flagged undefined although its territory has members.
FLAG_REASONS: dict[str, str] = {
    "ratio": "zero denominator",
    "share": "zero denominator",
    "density": "zero denominator",
    "growth": "zero start value",
    "median": "no member value (missing data)",
    "unit_value": "no value of its own (secret or not given by the source)",
    "gini": "fewer than two members with data, or a zero total",
    "theil": "fewer than two members with data, or a zero total",
    "location_quotient": "missing or zero breakdown total",
    "krugman": "missing or zero breakdown total",
    "hhi": "missing or zero breakdown total",
    "shannon": "missing or zero breakdown total",
}


def flag_reason(kind: str) -> str:
    """Why a value of this kind is undefined (see ``IndicatorTable.flags``).

    Examples
    --------
    >>> flag_reason("share"), flag_reason("gini")
    ('zero denominator', 'fewer than two members with data, or a zero total')
    """
    return FLAG_REASONS.get(kind, "undefined value")


def _divide(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    num = numerator.astype("float64")
    den = denominator.astype("float64").reindex(num.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den.where(den != 0)
    return out


def zero_division(denominator: pd.Series) -> pd.Series:
    """True where a denominator is exactly zero (the quotient is then NaN).

    Examples
    --------
    >>> zero_division(pd.Series([1.0, 0.0, float("nan")])).tolist()
    [False, True, False]
    """
    return denominator.astype("float64").eq(0)


def ratio(
    numerator: pd.Series, denominator: pd.Series, *, scale: float = 1.0, name: str = "ratio"
) -> pd.Series:
    """Sum of numerators over sum of denominators, times ``scale`` (NaN where it is 0).

    Shares use ``scale=100``, rates per 1,000 inhabitants ``scale=1000`` and
    densities the area in km² as denominator.

    Examples
    --------
    >>> ratio(pd.Series([3.0]), pd.Series([4.0]), scale=100, name="share").tolist()
    [75.0]
    """
    return (_divide(numerator, denominator) * float(scale)).rename(name)


def growth_rate(
    start: pd.Series, end: pd.Series, *, years: float, name: str = "growth"
) -> pd.Series:
    """Annualised growth rate in % per year: ``((end / start) ** (1 / years) - 1) × 100``.

    NaN where ``start`` is 0 or where the ratio is negative.

    Examples
    --------
    >>> growth_rate(pd.Series([100.0]), pd.Series([121.0]), years=2).round(6).tolist()
    [10.0]
    """
    quotient = _divide(end, start)
    with np.errstate(invalid="ignore"):
        out = (np.power(quotient.where(quotient >= 0), 1.0 / float(years)) - 1.0) * 100.0
    return out.rename(name)


def _shares(breakdown: pd.DataFrame) -> pd.DataFrame:
    total = breakdown.sum(axis=1, min_count=1)
    return breakdown.astype("float64").div(total.where(total != 0), axis=0)


def location_quotient(
    breakdown: pd.DataFrame,
    category: str,
    *,
    reference: pd.Series | None = None,
    name: str = "location_quotient",
) -> pd.Series:
    """Location quotient of a category: its share in the territory over that in the reference.

    Parameters
    ----------
    breakdown
        One row per territory, one column per category (counts summed per territory).
    category
        The column whose quotient is wanted.
    reference
        Counts per category of the reference area; default: the column sums of ``breakdown``.

    Examples
    --------
    >>> b = pd.DataFrame({"agri": [30.0, 10.0], "other": [70.0, 90.0]}, index=["a", "b"])
    >>> location_quotient(b, "agri").round(6).tolist()
    [1.5, 0.5]
    """
    ref = breakdown.sum() if reference is None else reference.astype("float64")
    ref_share = ref[category] / ref.sum()
    return (_shares(breakdown)[category] / ref_share).rename(name)


def krugman(
    breakdown: pd.DataFrame, *, reference: pd.Series | None = None, name: str = "krugman"
) -> pd.Series:
    """Krugman specialisation index: ``Σ |s_i - S_i|`` (0 = same structure, up to 2).

    Examples
    --------
    >>> b = pd.DataFrame({"x": [30.0, 10.0], "y": [70.0, 90.0]}, index=["a", "b"])
    >>> krugman(b).round(6).tolist()
    [0.2, 0.2]
    """
    ref = breakdown.sum() if reference is None else reference.astype("float64")
    ref_shares = ref.reindex(breakdown.columns) / ref.sum()
    shares = _shares(breakdown)
    out = shares.sub(ref_shares, axis=1).abs().sum(axis=1, min_count=1)
    return out.where(shares.notna().all(axis=1)).rename(name)


def hhi(breakdown: pd.DataFrame, *, name: str = "hhi") -> pd.Series:
    """Herfindahl-Hirschman index of the shares (1/k for an even spread, 1 for a single category).

    Examples
    --------
    >>> hhi(pd.DataFrame({"x": [50.0, 100.0], "y": [50.0, 0.0]})).tolist()
    [0.5, 1.0]
    """
    shares = _shares(breakdown)
    return (shares**2).sum(axis=1, min_count=1).where(shares.notna().all(axis=1)).rename(name)


def shannon(breakdown: pd.DataFrame, *, name: str = "shannon") -> pd.Series:
    """Shannon diversity ``-Σ p ln p`` of the shares (natural log; 0 for one category).

    Examples
    --------
    >>> round(float(shannon(pd.DataFrame({"x": [1.0], "y": [1.0]})).iloc[0]), 6)
    0.693147
    """
    shares = _shares(breakdown)
    p = shares.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    out = pd.Series(terms.sum(axis=1), index=breakdown.index, name=name)
    return out.where(shares.notna().all(axis=1))


def _sorted_groups(
    values: pd.Series, groups: pd.Series
) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    frame = pd.DataFrame({"v": values.astype("float64").to_numpy(), "g": groups.to_numpy()})
    frame = frame.dropna()
    codes, uniques = pd.factorize(frame["g"], sort=True)
    order = np.lexsort((frame["v"].to_numpy(), codes))
    return codes[order], frame["v"].to_numpy()[order], pd.Index(uniques)


def gini(values: pd.Series, groups: pd.Series, *, name: str = "gini") -> pd.Series:
    """Gini index of member values within each group (0 = equal; NaN below 2 members or sum 0).

    Uses ``G = Σ (2i - n - 1) x_(i) / (n Σ x)`` over the sorted values.

    Examples
    --------
    >>> v = pd.Series([1.0, 1.0, 0.0, 10.0])
    >>> gini(v, pd.Series(["a", "a", "b", "b"])).tolist()
    [0.0, 0.5]
    """
    codes, v, uniques = _sorted_groups(values, groups)
    n = np.bincount(codes, minlength=len(uniques)).astype("float64")
    starts = np.concatenate([[0], np.cumsum(n)[:-1]]).astype(int)
    rank = np.arange(len(v)) - starts[codes] + 1
    num = np.bincount(codes, weights=(2 * rank - n[codes] - 1) * v, minlength=len(uniques))
    total = np.bincount(codes, weights=v, minlength=len(uniques))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where((n >= 2) & (total != 0), num / (n * total), np.nan)
    return pd.Series(out, index=uniques, name=name)


def theil(values: pd.Series, groups: pd.Series, *, name: str = "theil") -> pd.Series:
    """Theil T index of member values within each group: ``(1/n) Σ (x/μ) ln(x/μ)``.

    0 = equal; ``ln n`` when one member holds everything; NaN below 2 members
    or when the mean is 0. Zero values contribute 0.

    Examples
    --------
    >>> v = pd.Series([1.0, 1.0, 0.0, 10.0])
    >>> theil(v, pd.Series(["a", "a", "b", "b"])).round(6).tolist()
    [0.0, 0.693147]
    """
    codes, v, uniques = _sorted_groups(values, groups)
    n = np.bincount(codes, minlength=len(uniques)).astype("float64")
    total = np.bincount(codes, weights=v, minlength=len(uniques))
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / n
        r = v / mean[codes]
        terms = np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)
        out = np.bincount(codes, weights=terms, minlength=len(uniques)) / n
    out = np.where((n >= 2) & (total != 0), out, np.nan)
    return pd.Series(out, index=uniques, name=name)


def grouped_median(values: pd.Series, groups: pd.Series, *, name: str = "median") -> pd.Series:
    """Median of the member values (or records) of each group, missing values left out.

    Examples
    --------
    >>> grouped_median(pd.Series([1.0, 2.0, 9.0, 4.0]), pd.Series(["a", "a", "a", "b"])).tolist()
    [2.0, 4.0]
    """
    frame = pd.DataFrame({"v": values.astype("float64").to_numpy(), "g": groups.to_numpy()})
    return frame.dropna().groupby("g")["v"].median().rename(name).rename_axis(None)
