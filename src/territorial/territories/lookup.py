"""Find territories by code or by name, ignoring accents, case, hyphens and apostrophes."""

from __future__ import annotations

import difflib
import re
import unicodedata

import pandas as pd

from territorial.errors import ColumnNotFoundError, TerritoryNotFoundError

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


def lookup(
    territories: pd.DataFrame,
    query: str,
    *,
    name_column: str = "name",
    limit: int = 10,
) -> pd.DataFrame:
    """Territories whose code or name matches ``query``.

    An exact code wins; then names equal to the query once folded (accents,
    case, hyphens ignored: ``"saint etienne"`` finds Saint-Étienne); then names
    that start with it; then names that contain it. Larger populations first
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
    query = str(query).strip()
    if query in territories.index:
        return territories.loc[[query]]
    folded = territories[name_column].astype(str).map(normalise_name)
    target = normalise_name(query)
    if not target:
        return territories.iloc[0:0]
    rank = pd.Series(9, index=territories.index)
    rank[folded.str.contains(target, regex=False)] = 2
    rank[folded.str.startswith(target)] = 1
    rank[folded == target] = 0
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
    when nothing matches, or when several names match equally well.

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
    if str(query).strip() in found.index:
        return str(query).strip()
    exact = found[found[name_column].astype(str).map(normalise_name) == normalise_name(query)]
    if len(exact) == 1:
        return str(exact.index[0])
    candidates = exact if len(exact) > 1 else found
    if len(candidates) == 1:
        return str(candidates.index[0])
    raise TerritoryNotFoundError(
        query,
        suggestions=[f"{n} ({c})" for c, n in candidates[name_column].head(5).items()],
        where=f"a unique territory ({len(candidates)} match; give the code)",
    )
