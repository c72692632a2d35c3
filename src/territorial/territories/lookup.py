"""Find territories by code or by name, ignoring accents, case, hyphens and apostrophes."""

from __future__ import annotations

import difflib
import re
import unicodedata

import pandas as pd

from territorial.errors import (
    AmbiguousTerritoryError,
    ColumnNotFoundError,
    InvalidArgumentError,
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


#: Smallest similarity (difflib ratio of the folded names) for a name that is not equal
#: to the query to be taken as the answer; below it, the name is only a suggestion.
FIND_THRESHOLD = 0.8


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def find(
    territories: pd.DataFrame,
    query: str,
    *,
    name_column: str = "name",
    threshold: float = FIND_THRESHOLD,
) -> str:
    """The code of the one territory that ``query`` designates.

    A code wins (case and a lost leading zero forgiven: ``"2a"`` finds ``2A``);
    then names equal to the query once folded (see :func:`lookup`). A name that
    only starts with or contains the query is the answer when it is the only one
    that close (similarity of the folded names at least ``threshold``): ``"Haÿ-
    les-Roses"`` finds L'Haÿ-les-Roses, but ``"Lyonn"`` does not find
    Cognat-Lyonne: it is only suggested.

    Raises
    ------
    TerritoryNotFoundError
        Nothing matches closely enough; the message suggests the nearest names.
    AmbiguousTerritoryError
        Several territories match equally well; the message lists them with their codes.

    Examples
    --------
    >>> df = pd.DataFrame({"name": ["Saint-Étienne", "Lyon", "Cognat-Lyonne"]},
    ...                   index=["42218", "69123", "03080"])
    >>> find(df, "SAINT ETIENNE")
    '42218'
    >>> find(df, "Lyonn")
    Traceback (most recent call last):
    ...
    territorial.errors.TerritoryNotFoundError: No territory matches 'Lyonn'. Did you mean: \
Lyon (69123), Cognat-Lyonne (03080)?
    """
    if not 0 < threshold <= 1:
        raise InvalidArgumentError("threshold", threshold, "a number in (0, 1]")
    found = lookup(territories, query, name_column=name_column, limit=50)
    code = _as_code(query, territories.index)
    if code is not None:
        return code
    target = normalise_name(query)
    folded = found[name_column].astype(str).map(normalise_name)
    exact = found[(folded == target) | (folded.str.replace(" ", "") == target.replace(" ", ""))]
    if len(exact) == 1:
        return str(exact.index[0])
    if len(exact) > 1:
        raise AmbiguousTerritoryError(query, [f"{n} ({c})" for c, n in exact[name_column].items()])
    score = folded.map(lambda name: _similarity(name, target))
    close = found[score >= threshold]
    if len(close) == 1:
        return str(close.index[0])
    if len(close) > 1:
        close = close.loc[score[close.index].sort_values(ascending=False, kind="stable").index]
        raise AmbiguousTerritoryError(query, [f"{n} ({c})" for c, n in close[name_column].items()])
    raise TerritoryNotFoundError(query, suggestions=_suggestions(territories, found, target,
                                                                 name_column))  # fmt: skip


def _suggestions(
    territories: pd.DataFrame, found: pd.DataFrame, target: str, name_column: str
) -> list[str]:
    """Up to five ``"Name (code)"``, the most similar names first."""
    names = dict(zip(territories.index.astype(str), territories[name_column].astype(str),
                     strict=True))  # fmt: skip
    folded_all = {code: normalise_name(name) for code, name in names.items()}
    by_folded: dict[str, list[str]] = {}
    for code, folded in folded_all.items():
        by_folded.setdefault(folded, []).append(code)
    close = difflib.get_close_matches(target, list(by_folded), n=5, cutoff=0.6)
    candidates = [c for f in close for c in by_folded[f]]
    candidates += [str(c) for c in found.index if str(c) not in candidates]
    # names that contain the query come first unless another is much more similar
    matched = {str(c) for c in found.index}
    ranked = sorted(
        dict.fromkeys(candidates),
        key=lambda c: -(_similarity(folded_all[c], target) + 0.3 * (c in matched)),
    )
    return [f"{names[c]} ({c})" for c in ranked[:5]]
