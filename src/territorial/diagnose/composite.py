"""Composite indices under the points of view of actors, and how stable ranks are.

A :class:`Profile` weights normalised indicators (a mayor's "public
services" view, a prefect's "road safety" view...). Indicators are first
normalised (``minmax``, ``zscore`` or ``rank``), then oriented by their
polarity (``higher_is_worse`` ones are flipped; ``neutral`` ones are kept as
they are, and a profile may give them a negative weight), then averaged with
the profile's weights over the indicators each territory has.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from territorial.diagnose.compare import POLARITY_SIGN, _spec_get
from territorial.errors import ColumnNotFoundError, InvalidArgumentError

__all__ = ["NORMALISATIONS", "CompositeResult", "Profile", "composite_scores"]

NORMALISATIONS = ("minmax", "zscore", "rank")


@dataclass(frozen=True)
class Profile:
    """A named point of view: indicator id -> weight (sign = preferred direction).

    Examples
    --------
    >>> p = Profile("services", {"fr": "Services publics", "en": "Public services"},
    ...             {"median_townhall_hours": 1.0, "share_townhall_website": 1.0})
    >>> sorted(p.weights)
    ['median_townhall_hours', 'share_townhall_website']
    """

    name: str
    label: Mapping[str, str]
    weights: Mapping[str, float]

    def __post_init__(self) -> None:
        if not self.weights or all(w == 0 for w in self.weights.values()):
            raise InvalidArgumentError(
                "weights",
                dict(self.weights),
                "at least one non-zero weight",
                f"Give profile {self.name!r} weights such as {{'indicator_id': 1.0}}.",
            )


@dataclass(frozen=True)
class CompositeResult:
    """Scores, ranks and rank stability of every territory under every profile.

    ``scores`` and ``ranks`` (1 = best) are indexed by territory, one column per
    profile; ``rank_range`` is the best-to-worst rank spread of each territory;
    ``spearman`` is the rank correlation between profiles; ``spec`` records the
    normalisation and the weights actually used.
    """

    scores: pd.DataFrame
    ranks: pd.DataFrame
    rank_range: pd.Series
    spearman: pd.DataFrame
    spec: dict = field(default_factory=dict)

    def table(self, *, names: pd.Series | None = None) -> pd.DataFrame:
        """One row per territory: ``name`` (when given), ``score_<profile>``,
        ``rank_<profile>`` and ``rank_range``, the table the ``composite`` command writes.

        Examples
        --------
        >>> values = pd.DataFrame({"x": [1.0, 2.0, 3.0]}, index=["a", "b", "c"])
        >>> result = composite_scores(values, [Profile("p", {"en": "P"}, {"x": 1.0})],
        ...                           specs={"x": {"polarity": "higher_is_better"}})
        >>> table = result.table(names=pd.Series({"a": "A", "b": "B", "c": "C"}))
        >>> table.columns.tolist(), table.loc["c", "name"], int(table.loc["c", "rank_p"])
        (['name', 'score_p', 'rank_p', 'rank_range'], 'C', 1)
        """
        frame = self.scores.add_prefix("score_").join(self.ranks.add_prefix("rank_"))
        frame["rank_range"] = self.rank_range
        if names is not None:
            frame.insert(0, "name", names.reindex(frame.index))
        return frame


def _normalise(values: pd.DataFrame, method: str) -> pd.DataFrame:
    if method == "minmax":
        low, high = values.min(), values.max()
        span = (high - low).where(high > low)
        return ((values - low) / span).fillna(0.5).where(values.notna())
    if method == "zscore":
        std = values.std(ddof=0)
        return ((values - values.mean()) / std.where(std > 0)).fillna(0.0).where(values.notna())
    return values.rank(pct=True)


def composite_scores(
    values: pd.DataFrame,
    profiles: Iterable[Profile],
    *,
    specs: Mapping[str, Any],
    normalisation: str = "minmax",
) -> CompositeResult:
    """Composite index of each profile, ranks, rank range and Spearman correlations.

    Parameters
    ----------
    values
        One column per indicator, indexed by territory code.
    profiles
        The points of view; indicators of a profile missing from ``values``
        are skipped and reported in ``spec`` (a profile with none left is
        dropped and reported too).
    specs
        Indicator id -> spec with ``polarity``.
    normalisation
        ``"minmax"`` (0-1), ``"zscore"`` or ``"rank"`` (percentile).

    Examples
    --------
    >>> v = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 2.0, 1.0]}, index=["x", "y", "z"])
    >>> specs = {"a": {"polarity": "higher_is_better"}, "b": {"polarity": "higher_is_worse"}}
    >>> res = composite_scores(v, [Profile("p", {"fr": "P", "en": "P"}, {"a": 1, "b": 1})],
    ...                        specs=specs)
    >>> res.ranks["p"].tolist()
    [3, 2, 1]
    """
    if normalisation not in NORMALISATIONS:
        raise InvalidArgumentError(
            "normalisation",
            normalisation,
            ", ".join(repr(n) for n in NORMALISATIONS),
            "Pass normalisation='minmax', 'zscore' or 'rank'.",
        )
    profiles = list(profiles)
    for profile in profiles:
        for indicator in profile.weights:
            if indicator in values.columns and indicator not in specs:
                raise ColumnNotFoundError("specs", indicator, list(specs))
    norm = _normalise(values.astype(float), normalisation)
    scores, used, skipped = {}, {}, {}
    for profile in profiles:
        ids = [i for i in profile.weights if i in norm.columns]
        missing = [i for i in profile.weights if i not in norm.columns]
        if missing:
            skipped[profile.name] = missing
        if not ids:
            continue
        sign = np.array([POLARITY_SIGN[_spec_get(specs[i], "polarity", "neutral")] for i in ids])
        oriented = norm[ids].to_numpy()
        if normalisation == "zscore":
            oriented = oriented * np.where(sign < 0, -1.0, 1.0)
        else:
            oriented = np.where(sign < 0, 1.0 - oriented, oriented)
        w = np.array([float(profile.weights[i]) for i in ids])
        present = ~np.isnan(oriented)
        # a negative weight prefers low values: use (1 - x) (or -x for z-scores)
        if normalisation == "zscore":
            contrib = np.where(present, oriented * np.sign(w), 0.0)
        else:
            contrib = np.where(present, np.where(w < 0, 1.0 - oriented, oriented), 0.0)
        aw = np.abs(w)
        total = (present * aw).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            scores[profile.name] = np.where(total > 0, (contrib * aw).sum(axis=1) / total, np.nan)
        used[profile.name] = dict(zip(ids, w.tolist(), strict=True))
    score_table = pd.DataFrame(scores, index=values.index)
    ranks = score_table.rank(ascending=False, method="min").astype("Int64")
    rank_range = (ranks.max(axis=1) - ranks.min(axis=1)).rename("rank_range")
    spearman = score_table.rank().corr(method="pearson")
    return CompositeResult(
        scores=score_table,
        ranks=ranks,
        rank_range=rank_range,
        spearman=spearman,
        spec={"normalisation": normalisation, "weights": used, "skipped_indicators": skipped},
    )
