"""Spatial autocorrelation: global Moran's I and local Moran (LISA) clusters.

The local statistics follow esda's ``Moran_Local`` exactly (conditional
randomisation, the same permutation draws for a given seed, the same folded
pseudo p-value), so results equal esda's for the same weights and seed. The
speed comes from two facts: every territory with ``k`` neighbours uses the
same ``k`` first columns of the permutation matrix (only shifted past itself),
so for each ``k`` the random lags of all territories are read from one small
table of partial sums with a single ``searchsorted``; and every indicator is
processed in the same pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from territorial.diagnose.weights import ContiguityWeights
from territorial.errors import InvalidArgumentError

__all__ = [
    "CLUSTER_LABELS",
    "ISOLATED",
    "GlobalMoran",
    "LocalMoran",
    "fdr_threshold",
    "global_moran",
    "local_moran",
]

#: esda's quadrant numbers and the cluster names used in outputs.
CLUSTER_LABELS: dict[int, str] = {1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"}
NOT_SIGNIFICANT = "Not significant"
NO_DATA = "No data"
#: Spatial status of a territory without any neighbour on its land mass (an island, an
#: overseas territory): no local statistic is computed for it, and none across the sea.
ISOLATED = "Isolated"
TIE_TOLERANCE = 1e-9
DRAW_MARGIN = 32  # extra draws per permutation, for indicators with missing values


@dataclass(frozen=True)
class GlobalMoran:
    """Global Moran's I of each indicator (normal approximation inference).

    ``table`` is indexed by indicator with columns ``I, expected, z, p_value, n``.
    """

    table: pd.DataFrame
    weights_spec: dict = field(default_factory=dict)


@dataclass(frozen=True)
class LocalMoran:
    """Local Moran statistics of several indicators over the same territories.

    Every table is indexed by territory code with one column per indicator:
    ``Is`` (local statistic), ``quadrant`` (1 HH, 2 LH, 3 LL, 4 HL, as esda),
    ``p_sim`` (folded pseudo p-value), ``clusters`` (labels after the
    significance threshold, :data:`CLUSTER_LABELS` or ``"Not significant"``,
    ``"No data"`` where the value is missing, ``"Isolated"`` (:data:`ISOLATED`) where
    the territory has no neighbour with a value on its land mass; its statistics are
    then NaN). ``thresholds`` gives the p-value
    cut-off used per indicator (``alpha`` or the false-discovery-rate one).
    """

    Is: pd.DataFrame
    quadrant: pd.DataFrame
    p_sim: pd.DataFrame
    clusters: pd.DataFrame
    thresholds: pd.Series
    spec: dict = field(default_factory=dict)


def fdr_threshold(p_values: np.ndarray, *, alpha: float = 0.05) -> float:
    """P-value cut-off controlling the false discovery rate (Benjamini-Hochberg).

    Same convention as esda's ``fdr``: a p-value is significant when strictly
    below the returned cut-off; ``alpha / n`` when no test passes.

    Examples
    --------
    >>> round(fdr_threshold(np.array([0.001, 0.01, 0.03, 0.5]), alpha=0.05), 6)
    0.0375
    """
    p = np.sort(np.asarray(p_values, dtype=float))
    n = len(p)
    if n == 0:
        return alpha
    bounds = np.arange(1, n + 1) * alpha / n
    passing = np.flatnonzero(p < bounds)
    if len(passing) == 0:
        return alpha / n
    return float(bounds[passing[-1]])


def _check(values: pd.DataFrame, weights: ContiguityWeights) -> pd.DataFrame:
    codes = pd.Index([str(c) for c in values.index], dtype=object)
    if not codes.equals(weights.codes):
        missing = weights.codes.difference(codes)
        extra = codes.difference(weights.codes)
        if len(missing) or len(extra):
            raise InvalidArgumentError(
                "values",
                f"{len(values)} rows",
                f"the {weights.n} territories of the weights",
                f"{len(missing)} codes of the weights are missing from the values "
                f"and {len(extra)} codes of the values are not in the weights; "
                "reindex the values on weights.codes.",
            )
        values = values.copy()
        values.index = codes
        values = values.loc[weights.codes]
    return values.astype(float)


def _connected(
    weights: ContiguityWeights, mask: np.ndarray, k: int
) -> tuple[np.ndarray, ContiguityWeights, np.ndarray]:
    """The territories of ``mask`` that keep a neighbour, their graph, and the isolated ones.

    Returns the new mask, the weights restricted to it (every territory with at least
    one neighbour) and the positions (in ``weights``) of the territories left out
    because they have no neighbour with a value on their land mass.
    """
    sub = weights.subset(mask, k=k)
    lonely = sub.cardinalities == 0
    if not lonely.any():
        return mask, sub, np.empty(0, dtype=np.intp)
    rows = np.flatnonzero(mask)
    alone = rows[lonely]
    mask = mask.copy()
    mask[alone] = False
    return mask, sub.subset(~lonely, k=k), alone


def _permutations(n: int, max_card: int, permutations: int, seed: int) -> np.ndarray:
    # the same draws as esda.crand.vec_permutations (without numba)
    rng = np.random.RandomState(seed)
    out = np.empty((permutations, max_card), dtype=np.int64)
    for k in range(permutations):
        out[k] = rng.choice(n - 1, size=max_card, replace=False)
    return out


def _draws_for(extended: np.ndarray, m: int, max_card: int, seed: int) -> np.ndarray:
    """Draws from range(m - 1) for a subset of m territories, from draws from range(n - 1).

    Keeping, in each row of a random permutation of range(n - 1), the values below
    m - 1 gives a random permutation of range(m - 1): the same law as esda's draws.
    """
    keep = extended < m - 1
    rank = np.cumsum(keep, axis=1)
    ok = rank[:, -1] >= max_card
    out = np.empty((len(extended), max_card), dtype=np.int64)
    rows, cols = np.nonzero(keep & (rank <= max_card) & ok[:, None])
    out[ok] = extended[rows, cols].reshape(-1, max_card)
    if not ok.all():  # a row with too few kept values (very unlikely): draw it afresh
        rng = np.random.RandomState(seed + 1)
        for p in np.flatnonzero(~ok):
            out[p] = rng.choice(m - 1, size=max_card, replace=False)
    return out


def _esda_ties(
    z: np.ndarray,
    local_i: np.ndarray,
    draws: np.ndarray,
    nodes: np.ndarray,
    slots: np.ndarray,
    n_slots: int,
    k: int,
    scaling: float,
) -> np.ndarray:
    """Count, per slot, the tied draws whose statistic esda would find >= the observed one.

    Recomputes ``z_i * (zrand @ w_i) * scaling`` in the draw order, as esda's
    ``_moran_local_crand`` does.
    """
    idx = draws + (draws >= nodes[:, None])  # skip territory i itself
    weights = np.full(k, 1.0 / k)
    values = z[idx]
    if len(idx) == 0:
        return np.zeros(n_slots, dtype=np.int64)
    if len(values) == 1:  # a one-row product is a dot with another rounding than esda's gemv
        values = np.vstack([values, values])
    sims = z[nodes] * ((values @ weights)[: len(idx)]) * scaling
    ge = sims >= local_i[nodes]
    return np.bincount(slots[ge], minlength=n_slots)


def _uniform_ties(
    z: np.ndarray,
    local_i: np.ndarray,
    value: np.ndarray,
    part: np.ndarray,
    slots: np.ndarray,
    k: int,
    scaling: float,
) -> np.ndarray:
    """Like :func:`_esda_ties` for draws of k equal values: one product per distinct value."""
    if len(slots) == 0:
        return np.zeros(len(part), dtype=np.int64)
    distinct, which = np.unique(value, return_inverse=True)
    rows = np.repeat(distinct[:, None], k, axis=1)
    if len(rows) == 1:  # keep a matrix product (esda's rounding), not a dot
        rows = np.vstack([rows, rows])
    dots = (rows @ np.full(k, 1.0 / k))[: len(distinct)]
    nodes = part[slots]
    sims = z[nodes] * dots[which] * scaling
    return np.bincount(slots[sims >= local_i[nodes]], minlength=len(part))


def _local_block(
    z: np.ndarray, weights: ContiguityWeights, perm: np.ndarray, chunk: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Local Moran of the columns of ``z`` (standardised, no NaN), binary weights."""
    n, n_ind = z.shape
    card = weights.cardinalities
    lag = weights.row_standardised() @ z
    den = np.array([(c * c).sum() for c in (np.ascontiguousarray(z[:, j]) for j in range(n_ind))])
    local_i = (n - 1) * z * lag / den
    quadrant = np.where(z > 0, np.where(lag > 0, 1, 4), np.where(lag > 0, 2, 3)).astype(np.int8)
    permutations = len(perm)
    if not permutations:
        return local_i, quadrant, np.full(z.shape, np.nan)
    rows = np.arange(permutations)
    # sim >= local_i  <=>  (sum of the permuted neighbours) >= (sum of the real ones) when
    # z_i > 0, <= when z_i < 0, always when z_i == 0. Sums within rounding distance of
    # the observed one (ties: same values drawn) are recomputed the way esda computes
    # them, so that ties are broken as esda breaks them.
    observed = weights.adjacency.astype(float) @ z
    tolerance = TIE_TOLERANCE * card[:, None] * np.abs(z).max(axis=0)
    positive = z > 0
    low_band, high_band = observed - tolerance, observed + tolerance
    scaling = (n - 1) / den
    larger = np.zeros(z.shape, dtype=np.int64)
    z_next = np.vstack([z[1:], z[-1:]])  # value of the next territory (past i)
    for k in np.unique(card):
        nodes = np.flatnonzero(card == k)
        pk = perm[:, :k]
        ps = np.sort(pk, axis=1)  # the draws of each permutation, in index order
        below = z[ps]  # draw j taken as is when j < i
        above = z_next[ps]  # shifted by one when j >= i
        prefix = np.zeros((permutations, k + 1, n_ind))
        np.cumsum(below, axis=1, out=prefix[:, 1:])
        suffix = np.zeros((permutations, k + 1, n_ind))
        suffix[:, :k] = np.cumsum(above[:, ::-1], axis=1)[:, ::-1]
        # table[p * (k + 1) + j]: the random sum when j draws of permutation p lie below i
        table = np.ascontiguousarray((prefix + suffix).reshape(permutations * (k + 1), n_ind).T)
        # smallest and largest value drawn, to spot draws of k equal values (frequent ties)
        lowest = np.full((permutations, k + 1, n_ind), np.inf)
        highest = np.full((permutations, k + 1, n_ind), -np.inf)
        lowest[:, 1:] = np.minimum.accumulate(below, axis=1)
        highest[:, 1:] = np.maximum.accumulate(below, axis=1)
        lowest[:, :k] = np.minimum(
            lowest[:, :k], np.minimum.accumulate(above[:, ::-1], axis=1)[:, ::-1]
        )
        highest[:, :k] = np.maximum(
            highest[:, :k], np.maximum.accumulate(above[:, ::-1], axis=1)[:, ::-1]
        )
        lowest = np.ascontiguousarray(lowest.reshape(permutations * (k + 1), n_ind).T)
        highest = np.ascontiguousarray(highest.reshape(permutations * (k + 1), n_ind).T)
        draws = ps.astype(np.int32)
        offsets = (rows * (k + 1)).astype(np.intp)[:, None]
        for start in range(0, len(nodes), chunk):
            part = nodes[start : start + chunk].astype(np.int32)
            # how many of the k sorted draws of each permutation lie below each node
            below_count = np.zeros((permutations, len(part)), dtype=np.uint8)
            for t in range(k):
                np.add(
                    below_count, np.less(draws[:, t, None], part[None, :]),
                    out=below_count, casting="unsafe",
                )  # fmt: skip
            index = below_count.astype(np.intp)
            index += offsets  # p * (k + 1) + j
            for j in range(n_ind):
                sums = np.take(table[j], index)
                pos = positive[part, j]
                lo, hi = low_band[part, j], high_band[part, j]
                clear = np.where(pos, sums > hi, sums < lo).sum(axis=0)
                tie_p, tie_i = np.nonzero((sums >= lo) & (sums <= hi))
                if len(tie_p):
                    flat = index[tie_p, tie_i]
                    value = lowest[j, flat]
                    uniform = value == highest[j, flat]
                    clear += _uniform_ties(
                        z[:, j],
                        local_i[:, j],
                        value[uniform],
                        part,
                        tie_i[uniform],
                        k,
                        scaling[j],
                    )
                    rest = ~uniform
                    clear += _esda_ties(
                        z[:, j], local_i[:, j], perm[tie_p[rest], :k], part[tie_i[rest]],
                        tie_i[rest], len(part), k, scaling[j],
                    )  # fmt: skip
                larger[part, j] = clear
    larger[z == 0] = permutations
    low = (permutations - larger) < larger
    larger[low] = permutations - larger[low]
    p_sim = (larger + 1.0) / (permutations + 1.0)
    return local_i, quadrant, p_sim


def local_moran(
    values: pd.DataFrame,
    weights: ContiguityWeights,
    *,
    permutations: int = 999,
    seed: int = 12345,
    alpha: float = 0.05,
    fdr: bool = False,
    island_neighbours: int = 1,
) -> LocalMoran:
    """Local Moran's I (LISA) of every column, with permutation inference.

    Parameters
    ----------
    values
        One column per indicator, indexed by the codes of ``weights``.
    weights
        Contiguity graph (row-standardised here, as esda's default ``"r"``).
    permutations
        Conditional permutations (esda's default 999); 0 skips inference.
    seed
        Seed of the permutation draws; the same seed gives esda's draws.
    alpha
        Significance level of the clusters.
    fdr
        Use the false-discovery-rate cut-off (Benjamini-Hochberg) instead of
        ``alpha`` for each indicator.
    island_neighbours
        Territories whose neighbours all lack a value for an indicator are
        attached to that many nearest territories with a value on the same land
        mass (see :attr:`ContiguityWeights.land`); with none, and for territories
        without any neighbour, the status is ``"Isolated"``.

    Returns
    -------
    LocalMoran
        Tables of statistics, quadrants, pseudo p-values and cluster labels.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> boxes = [shapely.box(i, j, i + 1, j + 1) for i in range(4) for j in range(4)]
    >>> g = gpd.GeoDataFrame(geometry=boxes, index=[str(i) for i in range(16)], crs=3857)
    >>> from territorial.diagnose.weights import contiguity_weights
    >>> v = pd.DataFrame({"x": [float(i // 8) for i in range(16)]}, index=g.index)
    >>> lm = local_moran(v, contiguity_weights(g), permutations=99)
    >>> int(lm.quadrant.loc["0", "x"]), lm.clusters.loc["0", "x"]
    (3, 'Not significant')
    """
    if not isinstance(permutations, int) or permutations < 0:
        raise InvalidArgumentError(
            "permutations", permutations, "an integer >= 0", "esda's default is 999."
        )
    if not 0 < alpha < 1:
        raise InvalidArgumentError(
            "alpha", alpha, "a number between 0 and 1", "Use e.g. alpha=0.05."
        )
    values = _check(values, weights)
    shape = values.shape
    local_i = np.full(shape, np.nan)
    quadrant = np.zeros(shape, dtype=np.int8)
    p_sim = np.full(shape, np.nan)
    present = values.notna().to_numpy()
    # indicators sharing the same missing values are computed in one pass
    # one set of draws for every indicator: esda's draws for the complete territories,
    # restricted to the territories with a value for indicators with missing values
    n_all = weights.n
    extended = _permutations(
        n_all, min(int(weights.cardinalities.max()) + DRAW_MARGIN, n_all - 1), permutations, seed
    ) if permutations else np.empty((0, 1), dtype=np.int64)  # fmt: skip
    patterns: dict[bytes, list[int]] = {}
    for j in range(shape[1]):
        patterns.setdefault(np.packbits(present[:, j]).tobytes(), []).append(j)
    isolated = np.zeros(shape, dtype=bool)
    for columns in patterns.values():
        mask = present[:, columns[0]]
        if mask.sum() < 3:  # nothing to compare: the clusters say "No data"
            continue
        mask, sub, alone = _connected(weights, mask, island_neighbours)
        isolated[np.ix_(alone, columns)] = True
        if mask.sum() < 3:
            continue
        y = values.to_numpy()[mask][:, columns]
        z = np.empty_like(y)
        for j in range(y.shape[1]):  # column by column, with esda's arithmetic
            yj = np.ascontiguousarray(y[:, j])
            with np.errstate(invalid="ignore", divide="ignore"):
                z[:, j] = (yj - yj.mean()) / yj.std()
        z = np.nan_to_num(z)  # constant indicator: no autocorrelation
        chunk = max(16, 4_000_000 // max(permutations, 1))
        max_card = int(sub.cardinalities.max())
        if mask.all():  # esda's draws exactly
            perm = extended[:, :max_card]
        else:
            perm = _draws_for(extended, int(mask.sum()), max_card, seed)
        b_is, b_q, b_p = _local_block(z, sub, perm, chunk)
        rows = np.flatnonzero(mask)
        local_i[np.ix_(rows, columns)] = b_is
        quadrant[np.ix_(rows, columns)] = b_q
        p_sim[np.ix_(rows, columns)] = b_p
    thresholds = {}
    labels = np.full(shape, NOT_SIGNIFICANT, dtype=object)
    for j, column in enumerate(values.columns):
        ok = present[:, j]
        tested = ok & ~isolated[:, j]
        cut = fdr_threshold(p_sim[tested, j], alpha=alpha) if fdr else alpha
        thresholds[column] = cut
        significant = ok & (p_sim[:, j] < cut)
        for q, name in CLUSTER_LABELS.items():
            labels[significant & (quadrant[:, j] == q), j] = name
        labels[isolated[:, j], j] = ISOLATED
        labels[~ok, j] = NO_DATA
    index, cols = values.index, values.columns
    spec = dict(
        weights.spec,
        statistic="local Moran (esda-compatible conditional randomisation)",
        permutations=permutations,
        seed=seed,
        alpha=alpha,
        fdr=fdr,
    )
    return LocalMoran(
        Is=pd.DataFrame(local_i, index=index, columns=cols),
        quadrant=pd.DataFrame(quadrant, index=index, columns=cols),
        p_sim=pd.DataFrame(p_sim, index=index, columns=cols),
        clusters=pd.DataFrame(labels, index=index, columns=cols).astype("str"),
        thresholds=pd.Series(thresholds, name="threshold", dtype=float),
        spec=spec,
    )


def global_moran(values: pd.DataFrame, weights: ContiguityWeights) -> GlobalMoran:
    """Global Moran's I of every column, row-standardised weights.

    Inference under the normality assumption (esda's ``z_norm``/``p_norm``,
    two-sided). Missing values are dropped per indicator (with territories left
    without neighbours attached to their nearest one on the same land mass), and
    so are the isolated territories (``n`` counts the territories used).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> boxes = [shapely.box(i, j, i + 1, j + 1) for i in range(4) for j in range(4)]
    >>> g = gpd.GeoDataFrame(geometry=boxes, index=[str(i) for i in range(16)], crs=3857)
    >>> from territorial.diagnose.weights import contiguity_weights
    >>> v = pd.DataFrame({"x": [float(i // 8) for i in range(16)]}, index=g.index)
    >>> round(float(global_moran(v, contiguity_weights(g)).table.loc["x", "I"]), 3)
    0.613
    """
    values = _check(values, weights)
    rows = {}
    subsets: dict[bytes, tuple[np.ndarray, ContiguityWeights, np.ndarray]] = {}
    for column in values.columns:
        mask = values[column].notna().to_numpy()
        if mask.sum() < 3:
            rows[column] = {"I": np.nan, "expected": np.nan, "z": np.nan, "p_value": np.nan,
                            "n": int(mask.sum())}  # fmt: skip
            continue
        key = np.packbits(mask).tobytes()
        if key not in subsets:
            subsets[key] = _connected(weights, mask, 1)
        mask, sub, _ = subsets[key]
        if mask.sum() < 3:
            rows[column] = {"I": np.nan, "expected": np.nan, "z": np.nan, "p_value": np.nan,
                            "n": int(mask.sum())}  # fmt: skip
            continue
        y = values[column].to_numpy()[mask]
        n = len(y)
        w = sub.row_standardised().tocsr()
        z = y - y.mean()
        s0 = w.sum()
        zz = (z * z).sum()
        i_stat = float(n / s0 * (z @ (w @ z)) / zz) if zz > 0 else 0.0
        expected = -1.0 / (n - 1)
        wt = w + w.T
        s1 = 0.5 * float(wt.multiply(wt).sum())
        margins = np.asarray(w.sum(axis=1)).ravel() + np.asarray(w.sum(axis=0)).ravel()
        s2 = float((margins**2).sum())
        v_norm = (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n * n - 1) * s0 * s0) - expected**2
        z_norm = (i_stat - expected) / np.sqrt(v_norm)
        rows[column] = {
            "I": i_stat,
            "expected": expected,
            "z": float(z_norm),
            "p_value": float(2 * _normal_sf(abs(z_norm))),
            "n": n,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    return GlobalMoran(table=table, weights_spec=dict(weights.spec))


def _normal_sf(z: float) -> float:
    """The standard normal survival function (scipy.stats imported only when used: it
    takes a second to import, and one territory's diagnosis needs no Moran's I)."""
    from scipy import stats

    return float(stats.norm.sf(z))
