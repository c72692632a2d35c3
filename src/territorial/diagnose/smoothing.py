"""Empirical Bayes smoothing of rates computed on small populations.

A rate observed on a few people (a share of women among 7 councillors, a
death rate in a village) swings by chance. Empirical Bayes smoothing
(Marshall 1991, the "global" estimator) pulls each rate toward the overall
rate, the more so as its denominator is small:

``smoothed_i = m + w_i (r_i - m)``, with ``m = sum(e) / sum(b)`` the overall
rate, ``s² = sum(b_i (r_i - m)²) / sum(b) - m / mean(b)`` the variance of the
true rates (clipped at 0), and ``w_i = s² / (s² + m / b_i)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from territorial.errors import InvalidArgumentError

__all__ = ["empirical_bayes"]


def empirical_bayes(
    numerator: pd.Series, denominator: pd.Series, *, scale: float = 1.0
) -> pd.Series:
    """Empirical Bayes smoothed rates ``numerator / denominator * scale``.

    Parameters
    ----------
    numerator, denominator
        Events and population at risk of each territory (same index);
        territories with a missing or zero denominator get NaN and do not count
        in the overall rate.
    scale
        Multiplier of the rate (100 for a share in %).

    Returns
    -------
    pd.Series
        Smoothed rates named ``"eb_rate"``, indexed like ``numerator``.

    Examples
    --------
    >>> e = pd.Series([1.0, 60.0, 3.0, 20.0], index=list("abcd"))
    >>> b = pd.Series([2.0, 100.0, 10.0, 100.0], index=list("abcd"))
    >>> empirical_bayes(e, b, scale=100).round(1).tolist()
    [41.0, 57.7, 35.4, 22.2]
    """
    if not numerator.index.equals(denominator.index):
        raise InvalidArgumentError(
            "denominator",
            f"index of {len(denominator)} codes",
            "the same index as numerator",
            "Align them first, e.g. denominator.reindex(numerator.index).",
        )
    e = numerator.astype(float).to_numpy()
    b = denominator.astype(float).to_numpy()
    ok = np.isfinite(e) & np.isfinite(b) & (b > 0)
    if (b[np.isfinite(b)] < 0).any() or (e[np.isfinite(e)] < 0).any():
        raise InvalidArgumentError(
            "numerator",
            "negative counts",
            "non-negative events and populations",
            "Empirical Bayes smoothing applies to counts (events / population at risk).",
        )
    out = np.full(len(e), np.nan)
    if ok.any():
        ee, bb = e[ok], b[ok]
        m = ee.sum() / bb.sum()
        rate = ee / bb
        s2 = (bb * (rate - m) ** 2).sum() / bb.sum() - m / bb.mean()
        s2 = max(s2, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            w = np.where(s2 > 0, s2 / (s2 + m / bb), 0.0)
        out[ok] = (m + w * (rate - m)) * scale
    return pd.Series(out, index=numerator.index, name="eb_rate")
