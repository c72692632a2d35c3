"""Classification of values into classes and colours, shared by every renderer.

A :class:`Classification` is computed once (with mapclassify's schemes) and then
reused, so that several static maps and the interactive maps show the same
classes with the same colours and the same legend labels.

Legend labels are formatted with :func:`territorial.format.format_number`:
French by default (decimal comma, narrow no-break space between thousands,
unit after a no-break space).
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import ListedColormap, to_hex

from territorial.errors import InvalidArgumentError
from territorial.format import check_lang, format_number

__all__ = [
    "SCHEMES",
    "SCHEME_BINS",
    "Classification",
    "classify",
    "classify_diverging",
    "normalize_scheme",
    "palette_colors",
]

#: Schemes whose number of classes is set by the data, not by ``k``.
_K_FREE = ("headtail_breaks", "std_mean", "box_plot", "user_defined")

#: Above this many values, Fisher-Jenks runs on evenly spaced order statistics.
FISHER_JENKS_SAMPLE = 3000

DEFAULT_PALETTE = "YlOrRd"
DEFAULT_DIVERGING_PALETTE = "RdBu_r"
MISSING_COLOR = "#d9d9d9"
MISSING_LABELS = {"fr": "Données manquantes", "en": "No data"}
_DASH = "\u2013"  # en dash between the bounds of a class


def normalize_scheme(scheme: str) -> str:
    """Return the snake_case name of a scheme given in either spelling.

    Examples
    --------
    >>> normalize_scheme("FisherJenks")
    'fisher_jenks'
    >>> normalize_scheme("quantiles")
    'quantiles'
    """
    if not isinstance(scheme, str):
        raise InvalidArgumentError(
            "scheme", scheme, f"one of {', '.join(SCHEMES)}", "Pass the scheme's name as a string."
        )
    snake = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", scheme.strip()).lower().replace("-", "_")
    aliases = {
        "quantile": "quantiles",
        "headtail": "headtail_breaks",
        "head_tail_breaks": "headtail_breaks",
        "boxplot": "box_plot",
        "jenks": "fisher_jenks",
        "equalinterval": "equal_interval",
        "fisherjenks": "fisher_jenks",
        "naturalbreaks": "natural_breaks",
        "stdmean": "std_mean",
        "userdefined": "user_defined",
    }
    snake = aliases.get(snake, snake)
    if snake not in SCHEMES:
        raise InvalidArgumentError(
            "scheme",
            scheme,
            f"one of {', '.join(SCHEMES)} "
            "(or mapclassify's CamelCase names such as 'FisherJenks')",
            "Pick one of these schemes, or give explicit breaks with "
            "scheme='user_defined', bins=[...].",
        )
    return snake


def palette_colors(palette: str | Sequence[str], n: int, *, argument: str = "palette") -> tuple:
    """Return ``n`` hex colours taken from a palette.

    Parameters
    ----------
    palette
        A matplotlib colormap name (``"YlOrRd"``, ``"Blues"``, ``"tab10"``...) or a
        sequence of exactly ``n`` colours.
    n
        Number of colours.
    argument
        Name of the argument, for error messages.

    Examples
    --------
    >>> palette_colors(["red", "#00ff00"], 2)
    ('#ff0000', '#00ff00')
    >>> len(palette_colors("Blues", 5))
    5
    """
    if n <= 0:
        return ()
    if isinstance(palette, str):
        if palette not in colormaps:
            raise InvalidArgumentError(
                argument,
                palette,
                "a matplotlib colormap name such as 'YlOrRd', 'Blues', 'viridis', 'RdBu_r', "
                "'Set2', or a list of colours",
                "See matplotlib.colormaps for the names (case matters).",
            )
        cmap = colormaps[palette]
        if isinstance(cmap, ListedColormap) and cmap.N <= 20:  # qualitative: take in order
            if n > cmap.N:
                raise InvalidArgumentError(
                    argument,
                    palette,
                    f"a palette with at least {n} colours ({palette!r} has {cmap.N})",
                    "Pick a larger qualitative palette such as 'tab20', "
                    "or pass a list of colours.",
                )
            return tuple(to_hex(cmap(i)) for i in range(n))
        if n == 1:
            return (to_hex(cmap(0.6)),)
        # keep away from the paler end (invisible on white) and the very darkest
        return tuple(to_hex(cmap(x)) for x in np.linspace(0.12, 0.95, n))
    try:
        colors = tuple(to_hex(c) for c in palette)
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            argument,
            palette,
            "a matplotlib colormap name or a list of colours ('#rrggbb' or names)",
            "Check the spelling of each colour.",
        ) from None
    if len(colors) != n:
        raise InvalidArgumentError(
            argument,
            palette,
            f"a list of exactly {n} colours, one per class (got {len(colors)})",
            "Give one colour per class, or a colormap name.",
        )
    return colors


def _choose_decimals(bounds: np.ndarray, exact: np.ndarray | None = None) -> int:
    """Fewest decimals that keep every bound distinct and close to its value.

    Bounds flagged in ``exact`` (breaks given by the user) must show exactly.
    """
    finite = bounds[np.isfinite(bounds)]
    if finite.size == 0:
        return 0
    must = np.zeros(len(finite), dtype=bool) if exact is None else exact[np.isfinite(bounds)]
    span = float(finite.max() - finite.min())
    for d in range(0, 7):
        rounded = np.round(finite, d)
        if len(np.unique(rounded)) < len(np.unique(finite)):
            continue
        err = np.abs(rounded - finite)
        close = (err <= 0.02 * np.abs(finite)) | (err <= 0.002 * span)
        ok = np.where(must, err <= 1e-9 * np.maximum(1.0, np.abs(finite)), close | (err == 0))
        if ok.all():
            return d
    return 6


def _range_labels(
    lower: float,
    bins: Sequence[float],
    *,
    lang: str,
    unit: str | None,
    decimals: int | None,
    exact: Sequence[float] = (),
) -> tuple[tuple[str, ...], int]:
    bounds = np.asarray([lower, *bins], dtype="float64")
    must = np.isin(bounds, np.asarray(exact, dtype="float64"))
    d = _choose_decimals(bounds, must) if decimals is None else decimals
    text = [format_number(float(b), lang=lang, decimals=d) for b in bounds]
    labels = [f"{text[i]} {_DASH} {text[i + 1]}" for i in range(len(bins))]
    if unit:
        labels = [f"{lab}\u00a0{unit}" for lab in labels]
    return tuple(labels), d


def _as_float(values: pd.Series, argument: str) -> pd.Series:
    if not isinstance(values, pd.Series):
        raise InvalidArgumentError(
            argument,
            type(values).__name__,
            "a pandas Series of numbers indexed by territory code",
            "Pass one column, e.g. gdf['density'].",
        )
    try:
        out = pd.to_numeric(values, errors="raise").astype("float64")
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            argument,
            f"Series {values.name!r} of dtype {values.dtype}",
            "numbers",
            "Classify a numeric column; for categories use a typology map.",
        ) from None
    return out.where(np.isfinite(out))


def _fisher_jenks(sorted_values: np.ndarray, k: int) -> np.ndarray:
    """Exact Fisher optimal partition of sorted values into ``k`` classes (upper bounds).

    Minimises the sum of squared deviations within classes by dynamic programming
    on prefix sums, O(k n²) in numpy.
    """
    x = sorted_values
    n = len(x)
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])
    i = np.arange(n)[:, None]  # first index of the segment
    j = np.arange(n)[None, :]  # last index
    m = (j - i + 1).astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        ssd = (s2[j + 1] - s2[i]) - (s1[j + 1] - s1[i]) ** 2 / m
    ssd = np.where(j >= i, np.maximum(ssd, 0.0), np.inf)
    best = ssd[0].copy()  # one class covering x[0..j]
    starts = []
    for _ in range(1, k):
        prev = np.concatenate([[np.inf], best[:-1]])  # best cost of x[0..i-1]
        total = prev[:, None] + ssd
        arg = np.argmin(total, axis=0)
        best = total[arg, np.arange(n)]
        starts.append(arg)
    # walk back from the last element
    uppers = [n - 1]
    end = n - 1
    for arg in reversed(starts):
        start = int(arg[end])
        uppers.append(start - 1)
        end = start - 1
    return x[np.asarray(sorted(uppers))]


def _natural_breaks(values: np.ndarray, k: int) -> np.ndarray:
    """k-means natural breaks with a fixed seed, so the same data gives the same breaks."""
    from sklearn.cluster import KMeans

    labels = KMeans(n_clusters=k, n_init=10, random_state=0).fit(values[:, None]).labels_
    return np.sort([values[labels == c].max() for c in np.unique(labels)])


def _user_defined_bins(
    x: np.ndarray, k: int, bins: Sequence[float] | None, notes: list[str], kwds: dict
) -> np.ndarray:
    edges = np.asarray(sorted(float(b) for b in bins), dtype="float64")  # type: ignore[union-attr]
    if edges[-1] < x.max():
        notes.append(
            f"the largest value {x.max():g} is above the last break {edges[-1]:g}: "
            "a last class up to the maximum was added"
        )
        edges = np.append(edges, x.max())
    return edges


def _fisher_jenks_bins(
    x: np.ndarray, k: int, bins: Sequence[float] | None, notes: list[str], kwds: dict
) -> np.ndarray:
    # mapclassify.FisherJenks gives the same breaks on distinct values (tested) but runs
    # in pure Python without numba (not a dependency): seconds for a few thousand values
    unique = np.unique(x)
    k_eff = min(k, len(unique))
    if len(unique) > FISHER_JENKS_SAMPLE:
        ranks = np.linspace(0, len(unique) - 1, FISHER_JENKS_SAMPLE).round().astype(int)
        sample = unique[ranks]
        notes.append(
            f"Fisher-Jenks computed on {FISHER_JENKS_SAMPLE} evenly spaced order statistics "
            f"of the {len(unique)} distinct values"
        )
    else:
        sample = unique
    edges = _fisher_jenks(np.sort(sample).astype("float64"), k_eff)
    edges[-1] = x.max()
    return edges


def _natural_breaks_bins(
    x: np.ndarray, k: int, bins: Sequence[float] | None, notes: list[str], kwds: dict
) -> np.ndarray:
    # mapclassify.NaturalBreaks runs the same k-means but with an unseeded start
    return _natural_breaks(x, min(k, len(np.unique(x))))


def _mapclassify_bins(make: Callable[[np.ndarray, int, dict], object]) -> _BinsFunction:
    """The breaks of a mapclassify classifier, its warnings kept as notes."""

    def bins_of(
        x: np.ndarray, k: int, bins: Sequence[float] | None, notes: list[str], kwds: dict
    ) -> np.ndarray:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = make(x, k, kwds)
        for w in caught:  # mapclassify warns when there are too few distinct values
            notes.append(f"mapclassify: {w.message}")
        return np.asarray(result.bins, dtype="float64")  # type: ignore[attr-defined]

    return bins_of


def _mapclassify(name: str) -> Callable[[np.ndarray, int, dict], object]:
    """A mapclassify classifier, imported when a map uses it: mapclassify imports
    scipy.stats, scikit-learn and pyplot (about 3 s and 200 MB), which the default scheme
    does not need."""

    def make(x: np.ndarray, k: int, kwds: dict) -> object:
        import mapclassify

        return getattr(mapclassify, name)(x, **kwds)

    return make


def _quantile_bins(
    x: np.ndarray, k: int, bins: Sequence[float] | None, notes: list[str], kwds: dict
) -> np.ndarray:
    """``mapclassify.Quantiles(x, k=k).bins``, the same operations in the same order
    (``scipy.stats.scoreatpercentile`` with ``interpolation_method="fraction"``), so the
    same floats to the last bit (tested against mapclassify), without importing it."""
    w = 100.0 / k
    p = np.arange(w, 100 + w, w)
    if p[-1] > 100.0:
        p[-1] = 100.0
    sorted_ = np.sort(np.asarray(x).flatten())
    scores = []
    for pct in p:
        idx = pct / 100.0 * (sorted_.shape[0] - 1)
        i = int(idx)
        if i == idx:
            scores.append(np.add.reduce(sorted_[i : i + 1] * np.array(1), axis=0) / 1.0)
        else:
            weights = np.array([(i + 1 - idx), (idx - i)], float)
            scores.append(np.add.reduce(sorted_[i : i + 2] * weights, axis=0) / weights.sum())
    q = np.unique(np.array(scores))
    if len(q) < k:  # mapclassify's warning, kept as a note as with the other schemes
        notes.append(
            f"mapclassify: Not enough unique values in array to form {k} classes. "
            f"Setting k to {len(q)}."
        )
    return q.astype("float64")


def _equal_interval_bins(
    x: np.ndarray, k: int, bins: Sequence[float] | None, notes: list[str], kwds: dict
) -> np.ndarray:
    """``mapclassify.EqualInterval(x, k=k).bins`` (its operations, tested against it)."""
    y = np.asarray(x).flatten()
    max_y, min_y = max(y), min(y)
    width = (max_y - min_y) * 1.0 / k
    cuts = np.arange(min_y + width, max_y + width, width)
    if len(cuts) > k:  # mapclassify's handling of an overshooting arange
        cuts = cuts[0:k]
    cuts[-1] = max_y
    return np.asarray(cuts.copy(), dtype="float64")


def _headtail_bins(
    x: np.ndarray, k: int, bins: Sequence[float] | None, notes: list[str], kwds: dict
) -> np.ndarray:
    edges = _mapclassify_bins(_mapclassify("HeadTailBreaks"))(x, k, bins, notes, {})
    # the last break is the mean of equal values (the maximum), one rounding below it
    edges[-1] = max(edges[-1], x.max())
    return edges


_BinsFunction = Callable[[np.ndarray, int, "Sequence[float] | None", list, dict], np.ndarray]

#: How each scheme computes its breaks: ``f(values, k, bins, notes, kwds) -> upper bounds``.
#: Schemes that mapclassify implements come from mapclassify, imported when used; the
#: default ``quantiles`` and ``equal_interval`` repeat its few operations (the same bins to
#: the last bit, tested) rather than import it for them.
SCHEME_BINS: dict[str, _BinsFunction] = {
    "quantiles": _quantile_bins,
    "equal_interval": _equal_interval_bins,
    "fisher_jenks": _fisher_jenks_bins,
    "natural_breaks": _natural_breaks_bins,
    "headtail_breaks": _headtail_bins,
    "std_mean": _mapclassify_bins(_mapclassify("StdMean")),
    "box_plot": _mapclassify_bins(_mapclassify("BoxPlot")),
    "user_defined": _user_defined_bins,
}

#: Accepted scheme names (snake_case); the mapclassify CamelCase names are accepted too.
SCHEMES: tuple[str, ...] = tuple(SCHEME_BINS)


def _compute_bins(
    x: np.ndarray,
    scheme: str,
    k: int,
    bins: Sequence[float] | None,
    notes: list[str],
    kwds: dict,
) -> np.ndarray:
    unique = np.unique(x)
    if len(unique) == 1 and scheme != "user_defined":
        notes.append(f"all values are equal ({unique[0]:g}): one class")
        return unique.astype("float64")
    return SCHEME_BINS[scheme](x, k, bins, notes, kwds)


@dataclass(frozen=True, eq=False)
class Classification:
    """Classes, colours and legend labels of a series of values.

    Build it with :func:`classify` or :func:`classify_diverging`; reuse it with
    :meth:`apply` so that several maps share the same classes and colours.

    Attributes
    ----------
    bins
        Upper bound of each class (a value ``v`` is in class ``i`` when
        ``bins[i-1] < v <= bins[i]``).
    lower
        Lower bound of the first class (the smallest value).
    classes
        Class of each territory (``-1`` for a missing value), indexed like the values.
    labels
        Legend label of each class, formatted for ``lang``.
    colors
        ``"#rrggbb"`` colour of each class.
    counts
        Number of territories in each class.
    n_missing
        Number of missing values (class ``-1``).
    scheme, k, palette, lang, unit, decimals
        The options that built it.
    center
        Reference value of a diverging classification (gap maps), else ``None``.
    notes
        What was adjusted (classes merged for lack of distinct values, sampling...).
    label_decimals
        Decimals of the legend labels (see :meth:`format`).
    """

    scheme: str
    k: int
    bins: tuple[float, ...]
    lower: float
    classes: pd.Series = field(repr=False)
    labels: tuple[str, ...]
    colors: tuple[str, ...]
    counts: tuple[int, ...]
    n_missing: int
    palette: str | tuple[str, ...]
    lang: str = "fr"
    unit: str | None = None
    decimals: int | None = None
    center: float | None = None
    missing_color: str = MISSING_COLOR
    missing_label: str = MISSING_LABELS["fr"]
    notes: tuple[str, ...] = ()
    label_decimals: int = 0

    def format(self, value: float, *, unit: str | None = None) -> str:
        """Format a value like the legend's bounds (same decimals and language).

        Examples
        --------
        >>> c = classify(pd.Series([0.5, 1.25, 2.0]), "equal_interval", k=2)
        >>> c.labels[0], c.format(1.3)
        ('0,50 – 1,25', '1,30')
        """
        return format_number(value, lang=self.lang, decimals=self.label_decimals, unit=unit)

    def class_of(self, values: pd.Series) -> pd.Series:
        """Class index of each value with these bins (``-1`` when missing).

        Values below the first class go to the first class, values above the
        last bin to the last class.

        Examples
        --------
        >>> c = classify(pd.Series([1.0, 2.0, 3.0, 4.0]), "equal_interval", k=2)
        >>> c.class_of(pd.Series([1.5, 3.9, None])).tolist()
        [0, 1, -1]
        """
        x = _as_float(values, "values")
        arr = x.to_numpy()
        idx = np.searchsorted(np.asarray(self.bins), arr, side="left")
        idx = np.clip(idx, 0, len(self.bins) - 1)
        idx = np.where(np.isnan(arr), -1, idx)
        return pd.Series(idx.astype("int64"), index=values.index, name=values.name)

    def color_of(self, values: pd.Series | None = None) -> pd.Series:
        """Hex colour of each value (``missing_color`` when missing).

        Without ``values``, the colours of the classified values themselves.

        Examples
        --------
        >>> c = classify(pd.Series([1.0, 2.0, None]), "equal_interval", k=2,
        ...              palette=["#ffffff", "#000000"])
        >>> c.color_of().tolist()
        ['#ffffff', '#000000', '#d9d9d9']
        """
        classes = self.classes if values is None else self.class_of(values)
        lookup = np.asarray([*self.colors, self.missing_color], dtype=object)
        return pd.Series(
            lookup[classes.to_numpy()], index=classes.index, name=classes.name, dtype="str"
        )

    def apply(self, values: pd.Series) -> Classification:
        """The same classes and colours applied to other values.

        The bins are kept; when the new values go beyond the outer bounds, the
        first class starts at their minimum and the last class ends at their
        maximum (labels updated accordingly), so no value is left out.

        Examples
        --------
        >>> c = classify(pd.Series([1.0, 2.0, 3.0, 4.0]), "equal_interval", k=2)
        >>> c.apply(pd.Series([0.0, 5.0])).classes.tolist()
        [0, 1]
        """
        x = _as_float(values, "values")
        valid = x.dropna()
        bins = list(self.bins)
        lower = self.lower
        notes = list(self.notes)
        if len(valid):
            if valid.max() > bins[-1]:
                notes.append(f"last class extended to {valid.max():g} for the new values")
                bins[-1] = float(valid.max())
            if valid.min() < lower:
                notes.append(f"first class extended down to {valid.min():g} for the new values")
                lower = float(valid.min())
        provisional = replace(self, bins=tuple(bins))
        classes = provisional.class_of(x)
        labels, label_decimals = (
            (self.labels, self.label_decimals)
            if (tuple(bins) == self.bins and lower == self.lower)
            else _range_labels(lower, bins, lang=self.lang, unit=self.unit, decimals=self.decimals)
        )
        counts = tuple(int((classes == i).sum()) for i in range(len(bins)))
        return replace(
            self,
            bins=tuple(bins),
            lower=lower,
            classes=classes,
            labels=labels,
            label_decimals=label_decimals,
            counts=counts,
            n_missing=int((classes == -1).sum()),
            notes=tuple(notes),
        )

    def legend_items(self, *, missing: bool | None = None) -> list[tuple[str, str]]:
        """``(label, colour)`` pairs in legend order, the missing entry last.

        ``missing=None`` shows the missing entry only when some value is missing.

        Examples
        --------
        >>> c = classify(pd.Series([1.0, 2.0, None]), "equal_interval", k=2, lang="en")
        >>> [label for label, _ in c.legend_items()]
        ['1.0 – 1.5', '1.5 – 2.0', 'No data']
        """
        items = list(zip(self.labels, self.colors, strict=True))
        if missing or (missing is None and self.n_missing > 0):
            items.append((self.missing_label, self.missing_color))
        return items


def check_missing_color(
    colors: Sequence[str],
    missing_color: str = MISSING_COLOR,
    *,
    column: str,
    argument: str = "palette",
) -> None:
    """Raise if territories without a value would look like those of a class.

    Both renderers call it when some value is missing, so that the missing-value
    colour never equals a class colour on a map or a page.

    Examples
    --------
    >>> check_missing_color(["#ffffcc", "#800026"], column="density")
    >>> check_missing_color(["#ffffcc", "#D9D9D9"], column="density")
    Traceback (most recent call last):
    ...
    territorial.errors.InvalidArgumentError: palette=['#ffffcc', '#D9D9D9'] is not valid: \
expected class colours that differ from the missing-value colour #d9d9d9. Territories without \
a value of 'density' would look like those of class 2: choose other class colours.
    """
    lowered = [str(color).lower() for color in colors]
    if missing_color.lower() not in lowered:
        return
    raise InvalidArgumentError(
        argument,
        list(colors),
        f"class colours that differ from the missing-value colour {missing_color}",
        f"Territories without a value of {column!r} would look like those of class "
        f"{lowered.index(missing_color.lower()) + 1}: choose other class colours.",
    )


def _check_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 2 <= int(k) <= 12:
        raise InvalidArgumentError(
            "k", k, "an integer from 2 to 12", "Maps read best with 3 to 7 classes."
        )
    return int(k)


def _numbers(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """The values as floats, and their non-missing ones; an error if none is left."""
    x = _as_float(values, "values")
    valid = x.dropna().to_numpy()
    if valid.size == 0:
        raise InvalidArgumentError(
            "values",
            f"Series {values.name!r} with {len(values)} rows",
            "at least one non-missing number",
            "Check the column: every value is missing.",
        )
    return x, valid


def _classified(x: pd.Series, **fields: object) -> Classification:
    """A Classification of ``x`` from its breaks and legend: classes and counts filled in."""
    lang = fields["lang"]
    base = Classification(
        classes=pd.Series(dtype="int64"),
        counts=(),
        n_missing=0,
        missing_label=MISSING_LABELS[lang],
        **fields,
    )
    classes = base.class_of(x)
    return replace(
        base,
        classes=classes,
        counts=tuple(int((classes == i).sum()) for i in range(base.k)),
        n_missing=int((classes == -1).sum()),
    )


def classify(
    values: pd.Series,
    scheme: str = "quantiles",
    *,
    k: int = 5,
    bins: Sequence[float] | None = None,
    palette: str | Sequence[str] | None = None,
    lang: str = "fr",
    unit: str | None = None,
    decimals: int | None = None,
    classification_kwds: dict | None = None,
) -> Classification:
    """Classify values into classes with colours and formatted legend labels.

    Parameters
    ----------
    values
        Numbers indexed by territory code; NaN (and infinities) are missing values.
    scheme
        ``"quantiles"``, ``"equal_interval"``, ``"fisher_jenks"``, ``"natural_breaks"``,
        ``"headtail_breaks"``, ``"std_mean"``, ``"box_plot"`` or ``"user_defined"``
        (with ``bins``); mapclassify's CamelCase names (``"FisherJenks"``) work too.
        Fisher-Jenks is exact up to 3,000 distinct values, then computed on evenly
        spaced order statistics (deterministic); natural breaks use a fixed seed.
    k
        Number of classes (2 to 12), for the schemes that take one.
    bins
        Upper bounds of the classes for ``scheme="user_defined"`` (giving ``bins``
        alone implies it).
    palette
        Colormap name or one colour per class; default ``"YlOrRd"``.
    lang
        ``"fr"`` (default) or ``"en"``, for the labels.
    unit
        Unit written after each label, e.g. ``"hab./km²"`` or ``"%"``.
    decimals
        Decimals of the labels; chosen from the breaks if omitted.
    classification_kwds
        Extra options passed to mapclassify (``multiples`` for std_mean, ``hinge`` for
        box_plot).

    Returns
    -------
    Classification

    Examples
    --------
    >>> v = pd.Series([10.0, 20.0, 30.0, 40.0, None], index=list("abcde"))
    >>> c = classify(v, "equal_interval", k=3, lang="en")
    >>> c.classes.tolist()
    [0, 0, 1, 2, -1]
    >>> c.labels
    ('10 – 20', '20 – 30', '30 – 40')
    """
    lang = check_lang(lang)
    if bins is not None and scheme == "quantiles":
        scheme = "user_defined"
    scheme = normalize_scheme(scheme)
    k = _check_k(k)
    kwds = dict(classification_kwds or {})
    if scheme == "user_defined":
        if bins is None or len(bins) == 0:
            raise InvalidArgumentError(
                "bins",
                bins,
                "a list of class upper bounds with scheme='user_defined'",
                "Pass bins=[10, 50, 100], or choose another scheme.",
            )
        try:
            float_bins = [float(b) for b in bins]
        except (TypeError, ValueError):
            raise InvalidArgumentError(
                "bins", bins, "numbers", "Pass bins=[10, 50, 100]."
            ) from None
        if any(not math.isfinite(b) for b in float_bins) or sorted(set(float_bins)) != float_bins:
            raise InvalidArgumentError(
                "bins",
                bins,
                "finite numbers in strictly increasing order",
                "Sort the breaks and remove duplicates.",
            )
        bins = float_bins
    elif bins is not None:
        raise InvalidArgumentError(
            "bins",
            bins,
            f"None with scheme={scheme!r}",
            "Explicit breaks need scheme='user_defined'.",
        )
    x, valid = _numbers(values)
    notes: list[str] = []
    edges = _compute_bins(valid, scheme, k, bins, notes, kwds)
    edges = np.unique(edges)  # merged classes when values are too few or tied
    lower = float(valid.min())
    if scheme != "user_defined" and (edges < lower).any():
        # std_mean and box_plot put breaks below the minimum: those classes are empty
        notes.append(f"{int((edges < lower).sum())} empty classes below the minimum removed")
        edges = edges[edges >= lower]
    lower = float(min(lower, edges[0]))
    n_classes = len(edges)
    if scheme not in _K_FREE and n_classes < k:
        notes.append(f"{n_classes} classes instead of k={k}: not enough distinct values")
    palette = DEFAULT_PALETTE if palette is None else palette
    colors = palette_colors(palette, n_classes)
    labels, label_decimals = _range_labels(
        lower, edges, lang=lang, unit=unit, decimals=decimals, exact=bins or ()
    )
    pal_stored = palette if isinstance(palette, str) else tuple(colors)
    return _classified(
        x,
        scheme=scheme,
        k=n_classes,
        bins=tuple(float(b) for b in edges),
        lower=lower,
        labels=labels,
        label_decimals=label_decimals,
        colors=colors,
        palette=pal_stored,
        lang=lang,
        unit=unit,
        decimals=decimals,
        notes=tuple(notes),
    )


def classify_diverging(
    values: pd.Series,
    center: float,
    scheme: str = "quantiles",
    *,
    k: int = 6,
    palette: str | Sequence[str] | None = None,
    lang: str = "fr",
    unit: str | None = None,
    decimals: int | None = None,
) -> Classification:
    """Diverging classes centred on a reference value, for gap maps.

    The reference value is always a break: values at or below it get the
    ``k // 2`` cool classes (classified among themselves with ``scheme``), values
    above it the ``k - k // 2`` warm ones; colours get darker away from it.

    Parameters
    ----------
    values
        Numbers indexed by territory code.
    center
        Reference value, e.g. the value of France or of the region.
    scheme
        Scheme used on each side (``"quantiles"``, ``"equal_interval"``, ``"fisher_jenks"``...).
    k
        Total number of classes (2 to 12).
    palette
        Diverging colormap name (default ``"RdBu_r"``: blue below, red above) or one
        colour per class.
    lang, unit, decimals
        As in :func:`classify`.

    Examples
    --------
    >>> v = pd.Series([1.0, 2.0, 3.0, 5.0, 6.0, 7.0])
    >>> c = classify_diverging(v, center=4.0, scheme="equal_interval", k=4, lang="en")
    >>> c.bins
    (2.0, 4.0, 6.0, 7.0)
    >>> c.classes.tolist()
    [0, 0, 1, 2, 2, 3]
    """
    lang = check_lang(lang)
    scheme = normalize_scheme(scheme)
    if scheme == "user_defined":
        raise InvalidArgumentError(
            "scheme",
            scheme,
            "a scheme that computes breaks (quantiles, equal_interval, fisher_jenks...)",
            "For explicit breaks use classify(values, 'user_defined', bins=[...]) with a "
            "diverging palette.",
        )
    k = _check_k(k)
    try:
        center = float(center)
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            "center", center, "a number", "Pass the reference value, e.g. France's."
        ) from None
    if not math.isfinite(center):
        raise InvalidArgumentError(
            "center", center, "a finite number", "Pass the reference value, e.g. France's."
        )
    x, valid = _numbers(values)
    notes: list[str] = []
    k_low, k_high = k // 2, k - k // 2
    below, above = valid[valid <= center], valid[valid > center]
    low_edges: list[float] = []
    high_edges: list[float] = []
    if below.size:
        if len(np.unique(below)) >= 2 and k_low >= 2:
            computed = _compute_bins(below, scheme, k_low, None, notes, {})
            low_edges = [float(b) for b in computed[:-1]]  # the last one is the side's maximum
        low_edges = [b for b in low_edges if b < center] + [center]
    if above.size:
        if len(np.unique(above)) >= 2 and k_high >= 2:
            high_edges = [float(b) for b in _compute_bins(above, scheme, k_high, None, notes, {})]
        else:
            high_edges = [float(above.max())]
        high_edges[-1] = float(above.max())
    edges = np.unique(np.asarray(low_edges + high_edges, dtype="float64"))
    n_low = int((edges <= center).sum())
    n_high = len(edges) - n_low
    if n_low < k_low or n_high < k_high:
        notes.append(
            f"{n_low} classes below and {n_high} above the reference {center:g} "
            f"instead of {k_low} and {k_high}"
        )
    palette = DEFAULT_DIVERGING_PALETTE if palette is None else palette
    if isinstance(palette, str):
        palette_colors(palette, 2)  # validates the name
        cmap = colormaps[palette]
        low_pos = np.linspace(0.02, 0.38, max(k_low, 1))[-n_low:] if n_low else []
        high_pos = np.linspace(0.62, 0.98, max(k_high, 1))[:n_high] if n_high else []
        colors = tuple(to_hex(cmap(p)) for p in [*low_pos, *high_pos])
        pal_stored: str | tuple[str, ...] = palette
    else:
        colors = palette_colors(palette, len(edges))
        pal_stored = colors
    lower = float(min(valid.min(), edges[0]))
    labels, label_decimals = _range_labels(lower, edges, lang=lang, unit=unit, decimals=decimals)
    return _classified(
        x,
        scheme=scheme,
        k=len(edges),
        bins=tuple(float(b) for b in edges),
        lower=lower,
        labels=labels,
        label_decimals=label_decimals,
        colors=colors,
        palette=pal_stored,
        lang=lang,
        unit=unit,
        decimals=decimals,
        center=center,
        notes=tuple(notes),
    )
