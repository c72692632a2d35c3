"""Find territories by code or by name, ignoring accents, case, hyphens and apostrophes."""

from __future__ import annotations

import difflib
import re
import unicodedata

import pandas as pd

from territorial.errors import (
    AmbiguousTerritoryError,
    ColumnNotFoundError,
    TerritoryNotFoundError,
)

_SAINT = re.compile(r"\b(st|ste)\b")


def normalise_name(name: str) -> str:
    """Fold a name for matching: no accents, lower case, words separated by single spaces.

    Examples
    --------
    >>> normalise_name("Saint-Étienne")
    'saint etienne'
    >>> normalise_name("L'Haÿ-les-Roses")
    'l hay les roses'
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("œ", "oe").replace("æ", "ae")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = _SAINT.sub(lambda m: "saint" if m.group(1) == "st" else "sainte", text)
    return text


def _as_code(query: object, index: pd.Index) -> str | None:
    """The code that ``query`` spells, case and lost leading zeros forgiven."""
    text = str(query).strip()
    for candidate in (text, text.upper(), text.zfill(5), text.zfill(2)):
        if candidate in index:
            return candidate
    return None


def lookup(
    territories: pd.DataFrame,
    query: str,
    *,
    name_column: str = "name",
    limit: int = 10,
) -> pd.DataFrame:
    """Territories whose code or name matches ``query``.

    An exact code wins (case and a lost leading zero forgiven: ``"2a004"``,
    ``"1001"``); then names equal to the query once folded (accents, case,
    hyphens and apostrophes ignored: ``"saint etienne"`` finds Saint-Étienne,
    ``"lhay les roses"`` L'Haÿ-les-Roses); then names that start with it; then
    names that contain it. Larger populations first
    when there is a ``population`` column.

    Parameters
    ----------
    territories
        A layer indexed by code with a name column.
    query
        A code or a name.
    name_column
        The column holding names.
    limit
        At most this many rows.

    Returns
    -------
    DataFrame
        The matching rows (possibly empty), best matches first.

    Examples
    --------
    >>> df = pd.DataFrame({"name": ["Saint-Étienne", "Saint-Étienne-de-Tinée"]},
    ...                   index=["42218", "06120"])
    >>> lookup(df, "saint etienne").index.tolist()
    ['42218', '06120']
    """
    if name_column not in territories.columns:
        raise ColumnNotFoundError("name_column", name_column, territories.columns)
    code = _as_code(query, territories.index)
    if code is not None:
        return territories.loc[[code]]
    folded = territories[name_column].astype(str).map(normalise_name)
    target = normalise_name(query)
    if not target:
        return territories.iloc[0:0]
    squeezed = folded.str.replace(" ", "", regex=False)
    target_squeezed = target.replace(" ", "")
    rank = pd.Series(9, index=territories.index)
    rank[squeezed.str.contains(target_squeezed, regex=False)] = 3
    rank[folded.str.contains(target, regex=False)] = 2
    rank[folded.str.startswith(target)] = 1
    rank[(folded == target) | (squeezed == target_squeezed)] = 0
    found = territories[rank < 9].assign(_rank=rank[rank < 9])
    keys = ["_rank"]
    ascending = [True]
    if "population" in found.columns:
        keys.append("population")
        ascending.append(False)
    return found.sort_values(keys, ascending=ascending).drop(columns="_rank").head(limit)


def find(
    territories: pd.DataFrame,
    query: str,
    *,
    name_column: str = "name",
) -> str:
    """The code of the one territory that ``query`` designates.

    Raises :class:`~territorial.errors.TerritoryNotFoundError` with suggestions
    when nothing matches, and :class:`~territorial.errors.AmbiguousTerritoryError`
    listing the candidates when several names match equally well.

    Examples
    --------
    >>> df = pd.DataFrame({"name": ["Saint-Étienne", "Lyon"]}, index=["42218", "69123"])
    >>> find(df, "SAINT ETIENNE")
    '42218'
    """
    found = lookup(territories, query, name_column=name_column, limit=50)
    if found.empty:
        names = territories[name_column].astype(str)
        folded = {normalise_name(n): n for n in names}
        close = difflib.get_close_matches(normalise_name(query), list(folded), n=5, cutoff=0.6)
        raise TerritoryNotFoundError(query, suggestions=[folded[c] for c in close])
    code = _as_code(query, territories.index)
    if code is not None:
        return code
    folded = found[name_column].astype(str).map(normalise_name)
    target = normalise_name(query)
    exact = found[(folded == target) | (folded.str.replace(" ", "") == target.replace(" ", ""))]
    candidates = exact if len(exact) else found
    if len(candidates) == 1:
        return str(candidates.index[0])
    raise AmbiguousTerritoryError(
        query, [f"{n} ({c})" for c, n in candidates[name_column].items()]
    )
