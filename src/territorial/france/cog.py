"""Commune codes of another year: detect a table's COG vintage, convert it to COG 2025.

The official geography (COG, *code officiel géographique*) changes every year: communes
merge into communes nouvelles, a few are restored, some change code. A table keyed by
the commune codes of COG 2013..2025 is converted to the built-in geography (COG 2025)
through a passage table that ships in the package
(``territorial/france/extracts/cog_passage.csv.gz``), built by
``scripts/extract_cog.py`` from the official history and lists of
``@etalab/decoupage-administratif`` (see ``docs/convert.md``).

- Stocks (counts, sums) are summed over merged communes and split by population
  weights over split ones.
- Non-additive values (medians, rates without their components) are kept for a commune
  whose code maps one to one, and become missing, with a flag, wherever communes merged
  or split: never a sum or a mean.
- Arrondissements municipaux are dropped where the table also has their city (they
  would count twice), and summed into their city otherwise.
- Every code that is dropped, merged, split or recoded is in the report.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"population": [2987.0, 429.0]}, index=["01138", "01039"])
>>> result = convert_codes(table, vintage=2021)
>>> result.table["population"].to_dict()
{'01138': 3416.0}
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from territorial.errors import (
    ColumnNotFoundError,
    DuplicateCodeError,
    InvalidArgumentError,
    NonNumericValuesError,
    SumOverflowError,
    format_values,
)
from territorial.format import check_lang, format_number
from territorial.report import Report

__all__ = [
    "COG_VINTAGES",
    "DERIVED_VINTAGES",
    "TARGET_VINTAGE",
    "CodeConversion",
    "ConversionReport",
    "VintageMatch",
    "conversion_hint",
    "convert_codes",
    "detect_vintage",
    "passage_table",
]

#: the COG years whose commune codes can be read (1 January of each year)
COG_VINTAGES: tuple[int, ...] = tuple(range(2013, 2026))
#: years with no commune list of their own in the sources: their codes are those of the
#: year before or after, and the few codes that mean different territories in those two
#: years are read from the table itself (see :func:`convert_codes`)
DERIVED_VINTAGES: tuple[int, ...] = (2020, 2023)
#: the vintage of the built-in geography, the one target of a conversion
TARGET_VINTAGE = 2025
#: city code -> its name, for the cities divided into arrondissements municipaux
CITIES = {"75056": "Paris", "69123": "Lyon", "13055": "Marseille"}
_SHOWN = 10


def passage_table() -> pd.DataFrame:
    """The shipped passage table: commune codes of COG 2013..2025 -> COG 2025.

    One row per source code, run of vintages and target: ``code``, ``first``,
    ``last`` (the vintages, inclusive, in which ``code`` has this meaning),
    ``target`` (a commune of COG 2025), ``weight`` (the share of the source that goes
    to the target: 1 but for split communes, where it is the target's share of the
    2023 legal population among the targets) and ``kind`` (``commune`` or
    ``arrondissement``). Its provenance is ``cog_passage.provenance.json`` beside it.

    Examples
    --------
    >>> table = passage_table()
    >>> table[table["code"] == "76108"].to_dict("records")[:2]  # doctest: +NORMALIZE_WHITESPACE
    [{'code': '76108', 'first': 2013, 'last': 2013, 'target': '76095', 'weight': 0.363859,
      'kind': 'commune'},
     {'code': '76108', 'first': 2013, 'last': 2013, 'target': '76108', 'weight': 0.636141,
      'kind': 'commune'}]
    """
    return _passage().table.copy()


@dataclass(frozen=True)
class _Passage:
    """The passage table read once, with codes as positions in ``universe``."""

    table: pd.DataFrame
    universe: pd.Index  # every code, source or target, sorted
    code: np.ndarray  # position of each row's code in universe
    target: np.ndarray
    weight: np.ndarray
    first: np.ndarray
    last: np.ndarray
    arrondissement: np.ndarray  # bool: the row is an arrondissement municipal's


@functools.cache
def _passage() -> _Passage:
    path = resources.files("territorial.france") / "extracts" / "cog_passage.csv.gz"
    with path.open("rb") as f:
        table = pd.read_csv(
            f,
            compression="gzip",
            dtype={"code": object, "target": object, "kind": object,
                   "first": np.int64, "last": np.int64, "weight": np.float64},
        )  # fmt: skip
    universe = pd.Index(sorted(set(table["code"]) | set(table["target"])), dtype=object)
    return _Passage(
        table=table,
        universe=universe,
        code=universe.get_indexer(table["code"]),
        target=universe.get_indexer(table["target"]),
        weight=table["weight"].to_numpy(),
        first=table["first"].to_numpy(),
        last=table["last"].to_numpy(),
        arrondissement=(table["kind"] == "arrondissement").to_numpy(),
    )


@functools.cache
def _vintage(vintage: int) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``vintage`` (positions) and which codes of the universe are valid."""
    p = _passage()
    rows = np.flatnonzero((p.first <= vintage) & (p.last >= vintage))
    valid = np.zeros(len(p.universe), dtype=bool)
    valid[p.code[rows]] = True
    return rows, valid


def _check_vintage(vintage: object, argument: str = "vintage") -> int:
    if isinstance(vintage, bool) or not isinstance(vintage, int | np.integer):
        try:
            vintage = int(str(vintage).strip())
        except ValueError:
            vintage = str(vintage)
    if vintage not in COG_VINTAGES:
        raise InvalidArgumentError(
            argument, vintage, f"a COG year from {COG_VINTAGES[0]} to {COG_VINTAGES[-1]}",
            "Give the year of the commune list the table was made with (the vintage of its "
            "geography, not of its figures), or leave it out to detect it.",
        )  # fmt: skip
    return int(vintage)


def _percent(share: float, lang: str) -> str:
    # 99.94 % is not "100 %": one decimal, never rounded up to 100 unless exact
    value = share * 100
    decimals = 1
    text = format_number(value, lang=lang, decimals=decimals)
    if share < 1 and text in ("100,0", "100.0"):
        text = format_number(99.9, lang=lang, decimals=decimals)
    return f"{text}\u00a0%"


@dataclass(frozen=True)
class VintageMatch:
    """Which COG vintage a set of commune codes matches best.

    Attributes
    ----------
    best
        The vintage with the largest share of codes matched (ties: a year with a list
        of its own, then the one whose own code list the codes cover best, then the
        latest).
    shares
        Vintage -> share of the distinct codes that are communes (or arrondissements
        municipaux) of that vintage.
    codes
        Number of distinct codes read.
    tied
        The other vintages that match as many codes as ``best``.

    Examples
    --------
    >>> match = detect_vintage(["27058", "76601", "02695", "14666"])
    >>> match.best, match.tied
    (2021, (2020,))
    >>> print(match.sentence("en"))  # doctest: +ELLIPSIS
    this file matches COG 2021 on 100.0...% of its codes
    """

    best: int
    shares: dict[int, float]
    codes: int
    tied: tuple[int, ...] = ()

    @property
    def share(self) -> float:
        """Share of the codes matched by :attr:`best`."""
        return self.shares[self.best]

    def sentence(self, lang: str = "fr") -> str:
        """The match as a sentence (``lang`` ``"fr"`` or ``"en"``).

        Examples
        --------
        >>> match = detect_vintage(["27058", "76601", "02695", "99999"])
        >>> text = match.sentence("fr")
        >>> text == "ce fichier correspond au COG 2021 pour 75,0\\u00a0% de ses codes"
        True
        """
        check_lang(lang)
        share = _percent(self.share, lang)
        if lang == "fr":
            text = f"ce fichier correspond au COG {self.best} pour {share} de ses codes"
        else:
            text = f"this file matches COG {self.best} on {share} of its codes"
        if self.best in DERIVED_VINTAGES:
            text += (
                " (année sans liste propre, lue d'après ses voisines)"
                if lang == "fr"
                else " (a year without a list of its own, read from its neighbours)"
            )
        return text


def detect_vintage(codes: Iterable[object]) -> VintageMatch:
    """The COG vintage whose commune codes match ``codes`` best.

    Parameters
    ----------
    codes
        Commune codes (strings; numbers are written with 5 digits). Arrondissements
        municipaux count as matched in every vintage.

    Returns
    -------
    VintageMatch
        The best vintage, the share matched for each vintage, the sentence.

    Examples
    --------
    27058 is a commune until 2016 (Bernières-sur-Seine) and again in 2020..2023 (Les
    Trois Lacs), Saint-Lucien (76601) from 2017 on, 02695 until 2021:

    >>> match = detect_vintage(["27058", "76601", "02695", "01001"])
    >>> match.best, match.shares[2019], match.shares[2025]
    (2021, 0.75, 0.5)
    """
    if isinstance(codes, pd.Series | pd.Index):
        series = pd.Series(codes.to_numpy(dtype=object), dtype=object)
    else:
        series = pd.Series(list(codes), dtype=object)
    distinct = pd.Index(_as_codes(series)[0].dropna().unique(), dtype=object)
    if len(distinct) == 0:
        raise InvalidArgumentError(
            "codes", [], "at least one commune code", "Pass the codes of the table's rows."
        )
    ids = _passage().universe.get_indexer(distinct)
    ids = ids[ids >= 0]
    scores = []
    shares = {}
    for vintage in COG_VINTAGES:
        valid = _vintage(vintage)[1]
        hits = int(valid[ids].sum())
        shares[vintage] = hits / len(distinct)
        scores.append((hits, vintage not in DERIVED_VINTAGES, hits / int(valid.sum()), vintage))
    best = max(scores)
    tied = tuple(s[3] for s in scores if s[0] == best[0] and s[3] != best[3])
    return VintageMatch(best=best[3], shares=shares, codes=len(distinct), tied=tied)


def conversion_hint(codes: Iterable[object], unknown: int, *, lang: str = "en") -> str | None:
    """A sentence suggesting a conversion, when ``codes`` match another vintage better.

    ``unknown`` is the number of codes that are no commune of COG 2025 (as a join
    found them). None when COG 2025 matches best, or when nothing is unknown.

    Examples
    --------
    >>> print(conversion_hint(["01138", "01039", "02695", "01001"], 2))  # doctest: +ELLIPSIS
    2 codes are not communes of COG 2025; this file matches COG 2021 on 100.0...% of its \
codes: convert it with `territorial convert FILE --to 2025` (territorial.convert_codes)
    >>> conversion_hint(["01138", "01001"], 0) is None
    True
    """
    check_lang(lang)
    if not unknown:
        return None
    match = detect_vintage(codes)
    if match.best == TARGET_VINTAGE or match.share <= match.shares[TARGET_VINTAGE]:
        return None
    command = f"`territorial convert FILE --to {TARGET_VINTAGE}` (territorial.convert_codes)"
    if lang == "fr":
        return (
            f"{format_number(unknown, lang=lang, decimals=0)} codes ne sont pas des communes "
            f"du COG {TARGET_VINTAGE} ; {match.sentence(lang)} : convertissez-le avec {command}"
        )
    return (
        f"{format_number(unknown, lang=lang, decimals=0)} codes are not communes of COG "
        f"{TARGET_VINTAGE}; {match.sentence(lang)}: convert it with {command}"
    )


@dataclass(frozen=True)
class ConversionReport(Report):
    """What a conversion of commune codes did, row by row: nothing is silent (a
    :class:`~territorial.report.Report`).

    Attributes
    ----------
    vintage, target
        The COG years read and written.
    detected
        Whether ``vintage`` was detected (rather than given).
    share_matched
        Share of the table's codes that are communes of ``vintage``.
    rows_read, rows_written
        Rows of the input table and of the result.
    unchanged
        Source codes carried one to one with the same code.
    recoded
        Source code -> target code, one to one but under another code.
    merged
        Target code -> number of source communes summed into it (2 or more).
    split
        Source code -> {target: weight} for communes divided between several targets.
    unknown
        Codes that are no commune of ``vintage``: dropped.
    unknown_other_vintages
        Those of ``unknown`` that are communes of another vintage.
    arrondissements
        City code -> ``("dropped", n)`` (the table also had the city) or
        ``("summed", n)`` (the city was built from its arrondissements).
    stocks, non_additive
        The columns summed as stocks, and those carried only one to one.
    stocks_missing
        Stock column -> number of target communes left missing because one of their
        sources had no value.
    non_additive_lost
        Non-additive column -> number of target communes whose value was set missing
        (merged or split communes).
    readings
        For a year without a list of its own: code -> the year whose meaning was used.
    merged_already
        For a year without a list of its own: former commune -> the commune it joined,
        for former communes absent from the table whose commune is there. The derived
        year cannot tell whether they merged on 1 January of that year or of the next;
        the table, which has the commune and not them, holds the merged commune (its
        value is kept whole, not left missing as a partial total).
    empty_columns
        Value columns without a single value (every cell empty): written empty, as
        numbers, and said (an empty column is often the sign of a wrong separator).
    padded
        Codes given as numbers and written with 5 digits.
    alternatives
        When the vintage was detected: the other vintages that match as many codes
        but would convert some of them otherwise -> how many codes.
    """

    vintage: int
    detected: bool
    share_matched: float
    rows_read: int
    rows_written: int
    unchanged: int
    recoded: dict[str, str]
    merged: dict[str, int]
    split: dict[str, dict[str, float]]
    unknown: tuple[str, ...]
    unknown_other_vintages: tuple[str, ...]
    arrondissements: dict[str, tuple[str, int]]
    stocks: tuple[str, ...]
    non_additive: tuple[str, ...]
    stocks_missing: dict[str, int] = field(default_factory=dict)
    non_additive_lost: dict[str, int] = field(default_factory=dict)
    readings: dict[str, int] = field(default_factory=dict)
    padded: int = 0
    alternatives: dict[int, int] = field(default_factory=dict)
    target: int = TARGET_VINTAGE
    partial: dict[str, tuple[str, ...]] = field(default_factory=dict)
    merged_already: dict[str, str] = field(default_factory=dict)
    empty_columns: tuple[str, ...] = ()

    kind: ClassVar[str] = "conversion"

    def summary(self) -> dict[str, Any]:
        """Rows read; codes matched (written one to one, merged or split); codes padded or
        recoded repaired; unknown codes and arrondissements given with their city dropped.

        Examples
        --------
        >>> table = pd.DataFrame({"pop": [10.0, 5.0, 1.0]}, index=["01138", "01039", "99999"])
        >>> convert_codes(table, vintage=2021).report.summary()["dropped"]
        {'unknown codes': 1}
        """
        dropped_arr = sum(n for how, n in self.arrondissements.values() if how == "dropped")
        repaired = {"padded": self.padded, "recoded": len(self.recoded)}
        dropped = {"unknown codes": len(self.unknown), "arrondissements": dropped_arr}
        return {"read": self.rows_read, "matched": self.rows_read - len(self.unknown),
                "repaired": {k: v for k, v in repaired.items() if v},
                "dropped": {k: v for k, v in dropped.items() if v}}  # fmt: skip

    def lines(self, lang: str = "fr") -> list[str]:
        """The report as sentences (``lang`` ``"fr"`` or ``"en"``).

        Examples
        --------
        >>> table = pd.DataFrame({"pop": [10.0, 5.0]}, index=["01138", "01039"])
        >>> for line in convert_codes(table, vintage=2021).report.lines("en"):
        ...     print(line)  # doctest: +ELLIPSIS
        commune codes of COG 2021 (given) converted to COG 2025: 2 rows read, 1 written
        100.0...% of the codes are communes of COG 2021
        0 codes unchanged, 0 recoded
        1 commune of COG 2025 receives several communes (2 in all, summed): 01138 (2)
        stocks summed: pop
        """
        check_lang(lang)
        fr = lang == "fr"

        def n(count: int) -> str:
            return format_number(count, lang=lang, decimals=0)

        def q(count: int, one: str, many: str) -> str:
            return f"{n(count)} {one if count == 1 else many}"

        def shown(items: Sequence[str]) -> str:
            text = ", ".join(items[:_SHOWN])
            if len(items) > _SHOWN:
                more = len(items) - _SHOWN
                text += f" (et {q(more, 'autre', 'autres')})" if fr else f" (and {n(more)} more)"
            return text

        out = []
        if fr:
            how = "détecté" if self.detected else "donné"
            out.append(
                f"codes communaux du COG {self.vintage} ({how}) convertis au COG {self.target} : "
                f"{q(self.rows_read, 'ligne lue', 'lignes lues')}, "
                f"{q(self.rows_written, 'écrite', 'écrites')}"
            )
            out.append(
                f"{_percent(self.share_matched, lang)} des codes sont des communes du COG "
                f"{self.vintage}"
            )
        else:
            how = "detected" if self.detected else "given"
            out.append(
                f"commune codes of COG {self.vintage} ({how}) converted to COG {self.target}: "
                f"{q(self.rows_read, 'row', 'rows')} read, {n(self.rows_written)} written"
            )
            out.append(
                f"{_percent(self.share_matched, lang)} of the codes are communes of COG "
                f"{self.vintage}"
            )
        if self.alternatives:
            years = ", ".join(f"{y} ({k})" for y, k in self.alternatives.items())
            out.append(
                f"d'autres millésimes correspondent à autant de codes mais en convertiraient "
                f"certains autrement (nombre de codes) : {years} ; donnez le millésime si le "
                "fichier est de l'un d'eux"
                if fr
                else "other vintages match as many codes but would convert some differently "
                f"(number of codes): {years}; give the vintage if the file is of one of them"
            )
        if self.vintage in DERIVED_VINTAGES:
            out.append(
                f"le COG {self.vintage} n'a pas de liste propre dans les sources : ses codes "
                f"sont ceux de {self.vintage - 1} ou de {self.vintage + 1}"
                if fr
                else f"COG {self.vintage} has no list of its own in the sources: its codes are "
                f"those of {self.vintage - 1} or {self.vintage + 1}"
            )
            for code, year in sorted(self.readings.items()):
                out.append(
                    f"{code} lu comme au COG {year}" if fr else f"{code} read as in COG {year}"
                )
            if self.merged_already:
                parts = [f"{c} → {t}" for c, t in sorted(self.merged_already.items())]
                many = len(parts) > 1
                out.append(
                    f"{q(len(parts), 'ancienne commune absente', 'anciennes communes absentes')}"
                    f" de la table, lue{'s' if many else ''} comme déjà"
                    f" réunie{'s' if many else ''}"
                    f" à la commune présente (fusion du 1er janvier {self.vintage}) : "
                    f"{shown(parts)}"
                    if fr
                    else f"{q(len(parts), 'former commune', 'former communes')} absent from the "
                    f"table, read as already merged into the commune that is there (merger of "
                    f"1 January {self.vintage}): {shown(parts)}"
                )
        if self.padded:
            out.append(
                f"{q(self.padded, 'code donné comme nombre, écrit', 'codes donnés comme nombres, écrits')} sur 5 chiffres"  # noqa: E501
                if fr
                else f"{q(self.padded, 'code', 'codes')} given as numbers, written with 5 digits"
            )
        recoded = [f"{a} → {b}" for a, b in sorted(self.recoded.items())]
        out.append(
            f"{q(self.unchanged, 'code inchangé', 'codes inchangés')}, "
            f"{q(len(recoded), 'recodé', 'recodés')}"
            if fr
            else f"{q(self.unchanged, 'code', 'codes')} unchanged, {n(len(recoded))} recoded"
        )
        if recoded:
            out[-1] += f" ({shown(recoded)})"
        if self.merged:
            merged = [f"{t} ({k})" for t, k in sorted(self.merged.items())]
            one = len(merged) == 1
            sources = sum(self.merged.values())
            out.append(
                f"{q(len(merged), 'commune', 'communes')} du COG {self.target} "
                f"réuni{'t' if one else 'ssent'} plusieurs communes ({n(sources)} en tout, "
                f"sommées) : {shown(merged)}"
                if fr
                else f"{q(len(merged), 'commune', 'communes')} of COG {self.target} "
                f"receive{'s' if one else ''} several communes ({n(sources)} in all, "
                f"summed): {shown(merged)}"
            )
        if self.partial:
            parts = [f"{t} (sans {', '.join(m)})" if fr else f"{t} (without {', '.join(m)})"
                     for t, m in sorted(self.partial.items())]  # fmt: skip
            out.append(
                f"{q(len(parts), 'commune', 'communes')} du COG {self.target} dont la table "
                f"n'a qu'une partie des anciennes communes, laissée{'s' if len(parts) > 1 else ''}"
                f" sans valeur (un total partiel serait faux) : {shown(parts)}"
                if fr
                else f"{q(len(parts), 'commune', 'communes')} of COG {self.target} of which the "
                f"table has only some of the former communes, left without values (a partial "
                f"total would be wrong): {shown(parts)}"
            )
        for code, targets in sorted(self.split.items()):
            parts = ", ".join(
                f"{t} {format_number(w, lang=lang, decimals=3)}" for t, w in targets.items()
            )
            out.append(
                f"{code} divisée (stocks répartis selon la population 2023) : {parts}"
                if fr
                else f"{code} split (stocks shared by the 2023 population): {parts}"
            )
        for city, (what, count) in sorted(self.arrondissements.items()):
            name = CITIES.get(city, city)
            arr = q(count, "arrondissement", "arrondissements")
            if what == "dropped":
                out.append(
                    f"{arr} de {name} écarté{'' if count == 1 else 's'} : la table a aussi "
                    f"{city}, qu'ils compteraient deux fois"
                    if fr
                    else f"{arr} of {name} dropped: the table also has {city}, which they "
                    "would count twice"
                )
            else:
                out.append(
                    f"{arr} de {name} sommé{'' if count == 1 else 's'} en {city}"
                    if fr
                    else f"{arr} of {name} summed into {city}"
                )
        if self.unknown:
            other = len(self.unknown_other_vintages)
            k = len(self.unknown)
            line = (
                f"{q(k, 'code qui n’est pas une commune', 'codes qui ne sont pas des communes')} "
                f"du COG {self.vintage}, écarté{'' if k == 1 else 's'} : "
                f"{shown(list(self.unknown))}"
                if fr
                else f"{q(k, 'code that is no commune', 'codes that are no communes')} of COG "
                f"{self.vintage}, dropped: {shown(list(self.unknown))}"
            )
            if other:
                line += (
                    f" ; dont {n(other)} commune{'' if other == 1 else 's'} d'un autre millésime"
                    if fr
                    else f"; {n(other)} of them {'is a commune' if other == 1 else 'are communes'}"
                    " of another vintage"
                )
            out.append(line)
        if self.stocks:
            out.append(("stocks sommés : " if fr else "stocks summed: ") + ", ".join(self.stocks))
        if self.non_additive:
            out.append(
                ("non additives (gardées quand le code passe un pour un) : " if fr
                 else "non-additive (kept where a code maps one to one): ")
                + ", ".join(self.non_additive)
            )  # fmt: skip
        if self.empty_columns:
            many = len(self.empty_columns) > 1
            out.append(
                f"colonne{'s' if many else ''} vide{'s' if many else ''} sur toutes les lignes,"
                f" écrite{'s' if many else ''} vide{'s' if many else ''} (rien à sommer ; "
                "vérifiez le fichier et son séparateur, ou retirez-la"
                f"{'s' if many else ''}) : {shown(list(self.empty_columns))}"
                if fr
                else f"column{'s' if many else ''} empty on every row, written empty (nothing "
                "to sum; check the file and its separator, or drop "
                f"{'them' if many else 'it'}): {shown(list(self.empty_columns))}"
            )
        stocks_missing = [f"{c} {n(k)}" for c, k in self.stocks_missing.items() if k]
        if stocks_missing:
            out.append(
                "communes laissées sans valeur (une commune source n'en avait pas) : "
                if fr
                else "communes left without a value (a source commune had none): "
            )
            out[-1] += shown(stocks_missing)
        lost = [f"{c} {n(k)}" for c, k in self.non_additive_lost.items() if k]
        if lost:
            out.append(
                "valeurs non additives mises à manquant (communes réunies ou divisées, "
                "marquées dans flags) : "
                if fr
                else "non-additive values set missing (communes merged or split, marked in "
                "flags): "
            )
            out[-1] += shown(lost)
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines("en"))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict.

        Examples
        --------
        >>> table = pd.DataFrame({"pop": [10.0]}, index=["01138"])
        >>> convert_codes(table, vintage=2021).report.to_dict()["unchanged"]
        1
        """
        return {
            "partial": {k: list(v) for k, v in self.partial.items()},
            "merged_already": dict(self.merged_already),
            "empty_columns": list(self.empty_columns),
            "vintage": self.vintage,
            "target": self.target,
            "detected": self.detected,
            "share_matched": self.share_matched,
            "rows_read": self.rows_read,
            "rows_written": self.rows_written,
            "unchanged": self.unchanged,
            "recoded": dict(self.recoded),
            "merged": dict(self.merged),
            "split": {k: dict(v) for k, v in self.split.items()},
            "unknown": list(self.unknown),
            "unknown_other_vintages": list(self.unknown_other_vintages),
            "arrondissements": {k: list(v) for k, v in self.arrondissements.items()},
            "stocks": list(self.stocks),
            "non_additive": list(self.non_additive),
            "stocks_missing": dict(self.stocks_missing),
            "non_additive_lost": dict(self.non_additive_lost),
            "readings": dict(self.readings),
            "padded": self.padded,
            "alternatives": {str(k): v for k, v in self.alternatives.items()},
            "kind": self.kind,
            "summary": self.summary(),
            "lines": self.lines("en"),
        }


@dataclass(frozen=True)
class CodeConversion:
    """The result of :func:`convert_codes`.

    Attributes
    ----------
    table
        The values on the communes of COG 2025, indexed by ``code``, with the input's
        value columns.
    flags
        Booleans, same index, one column per non-additive column: True where a value
        was set missing because several source communes merged into the commune, or
        because it received part of a split commune.
    report
        The :class:`ConversionReport`.
    """

    table: pd.DataFrame
    flags: pd.DataFrame
    report: ConversionReport


def _as_codes(codes: pd.Series) -> tuple[pd.Series, int]:
    """Codes as text; whole numbers (a lost leading zero) written with 5 digits."""
    values = codes.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=False) == "string":  # the common case: text
        text = [v.strip() or None for v in values]  # an empty code is no code
        return pd.Series(text, index=codes.index, dtype=object), 0
    out = np.empty(len(values), dtype=object)
    padded = 0
    for i, value in enumerate(values):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            out[i] = None
        elif (isinstance(value, int | np.integer) and not isinstance(value, bool)) or (
            isinstance(value, float | np.floating) and float(value).is_integer()
        ):
            out[i] = f"{int(value):05d}"
            padded += 1
        else:
            out[i] = str(value).strip() or None
    return pd.Series(out, index=codes.index, dtype=object), padded


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _columns(
    data: pd.DataFrame, stocks: Sequence[str] | None, non_additive: Sequence[str] | None
) -> tuple[list[str], list[str]]:
    non_additive = list(non_additive or [])
    for name, given in (("non_additive", non_additive), ("stocks", list(stocks or []))):
        for column in given:
            if column not in data.columns:
                raise ColumnNotFoundError(name, column, data.columns)
    if stocks is None:
        stocks = [c for c in data.columns if c not in non_additive]
    stocks = list(stocks)
    both = [c for c in stocks if c in non_additive]
    if both:
        raise InvalidArgumentError(
            "stocks", both[0], "a column that is not also in non_additive",
            f"Name {both[0]!r} in stocks (summed) or in non_additive (kept one to one), "
            "not both.",
        )  # fmt: skip
    left = [c for c in data.columns if c not in stocks and c not in non_additive]
    if left:
        raise InvalidArgumentError(
            "stocks", left[0], "every value column named in stocks or in non_additive",
            f"Add {left[0]!r} to stocks (summed over merged communes) or to non_additive "
            "(kept one to one, missing elsewhere), or drop the column first.",
        )  # fmt: skip
    for column in stocks:
        series = data[column]
        if not (pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)):
            raise NonNumericValuesError(
                f"Column {column!r} is not numeric (dtype {series.dtype}), so it cannot be "
                "summed as a stock: convert it to numbers, or name it in non_additive to keep "
                "its values where a code maps one to one."
            )
    return stocks, non_additive


def convert_codes(
    table: pd.DataFrame,
    *,
    to: int = TARGET_VINTAGE,
    vintage: int | None = None,
    code: str | None = None,
    stocks: Sequence[str] | None = None,
    non_additive: Sequence[str] | None = None,
) -> CodeConversion:
    """Convert a table keyed by commune codes of COG 2013..2025 to COG 2025.

    Parameters
    ----------
    table
        One row per commune (or arrondissement municipal), keyed by its code: the
        index, or the column ``code``.
    to
        The target vintage; only 2025, the built-in geography, is supported.
    vintage
        The COG year of the table's codes (see :data:`COG_VINTAGES`); default: the
        one :func:`detect_vintage` finds.
    code
        Column holding the codes; default: a column named ``code`` if there is one,
        else the index.
    stocks
        Columns summed over merged communes and shared by population over split ones;
        default: every column not in ``non_additive`` (all must then be numeric).
    non_additive
        Columns that cannot be summed (medians, rates, labels): kept where a code
        maps one to one, missing (and flagged) where communes merged or split.

    Returns
    -------
    CodeConversion
        ``table`` (indexed by the COG 2025 ``code``), ``flags`` and ``report``.

    Raises
    ------
    InvalidArgumentError
        An unknown vintage or target, duplicated codes, no commune code at all, a
        column in both lists or in neither.
    ColumnNotFoundError
        ``code``, a stock or a non-additive column that the table lacks.
    NonNumericValuesError
        A stock column that is not numeric.

    Examples
    --------
    Culoz (01138) and Béon (01039) of COG 2021 became Culoz-Béon (01138):

    >>> table = pd.DataFrame(
    ...     {"code": ["01138", "01039", "01001"], "households": [1300.0, 180.0, 320.0],
    ...      "median_income": [21000.0, 22000.0, 23000.0]}
    ... )
    >>> result = convert_codes(table, vintage=2021, non_additive=["median_income"])
    >>> result.table  # doctest: +NORMALIZE_WHITESPACE
           households  median_income
    code
    01001       320.0        23000.0
    01138      1480.0            NaN
    >>> result.flags["median_income"].tolist()
    [False, True]
    >>> result.report.merged
    {'01138': 2}
    """
    to = _check_vintage(to, "to")
    if to != TARGET_VINTAGE:
        raise InvalidArgumentError(
            "to", to, f"{TARGET_VINTAGE}, the vintage of the built-in geography",
            "Convert to 2025; the built-in France data is on COG 2025.",
        )  # fmt: skip
    if not isinstance(table, pd.DataFrame):
        raise InvalidArgumentError(
            "table", type(table).__name__, "a pandas DataFrame",
            "Read the file with territorial.read_table first.",
        )  # fmt: skip
    if code is not None:
        if code not in table.columns:
            raise ColumnNotFoundError("code", code, table.columns)
        raw, data = table[code], table.drop(columns=[code])
    elif "code" in table.columns:
        raw, data = table["code"], table.drop(columns=["code"])
    else:
        raw, data = pd.Series(table.index, index=table.index), table
    codes, padded = _as_codes(raw.reset_index(drop=True))
    data = data.reset_index(drop=True)
    if codes.isna().any():
        raise InvalidArgumentError(
            "table", f"{int(codes.isna().sum())} rows without a code",
            "a commune code on every row", "Drop or fill the rows whose code is missing.",
        )  # fmt: skip
    duplicated = codes[codes.duplicated()].unique().tolist()
    if duplicated:
        raise DuplicateCodeError("table", duplicated)
    # a column without a single value is no text to keep: numbers, none of them known
    empty = [c for c in data.columns if len(data) and data[c].isna().all()]
    data = data.assign(**{c: np.nan for c in empty if not _is_numeric(data[c])})
    stocks, non_additive = _columns(data, stocks, non_additive)

    if vintage is None:
        match = detect_vintage(codes)
        vintage, detected = match.best, True
        if match.share == 0:
            raise InvalidArgumentError(
                "table", codes.head(3).tolist(), "commune codes of COG 2013..2025 "
                "(5 characters, e.g. '01001', '2A004', '97411')",
                "No code of the table is a commune code: name the column holding them with "
                "code= (the CLI's --code), or read the codes as text.",
            )  # fmt: skip
    else:
        vintage, detected = _check_vintage(vintage), False
    result = _convert(data, codes, vintage, detected, stocks, non_additive, padded)
    if empty:
        report = dataclasses.replace(result.report, empty_columns=tuple(empty))
        result = dataclasses.replace(result, report=report)
    if detected and match.tied:
        alternatives = {y: _differences(codes, vintage, y) for y in match.tied}
        alternatives = {y: k for y, k in alternatives.items() if k}
        if alternatives:
            report = dataclasses.replace(result.report, alternatives=alternatives)
            result = dataclasses.replace(result, report=report)
    return result


def _differences(codes: pd.Series, vintage: int, other: int) -> int:
    """How many of ``codes`` convert otherwise in ``other`` than in ``vintage``."""
    p = _passage()
    ids = p.universe.get_indexer(pd.Index(codes.to_numpy(dtype=object), dtype=object))
    present = np.zeros(len(p.universe), dtype=bool)
    present[ids[ids >= 0]] = True
    a, b = (_vintage(v)[0] for v in (vintage, other))
    a, b = a[present[p.code[a]]], b[present[p.code[b]]]
    only = np.setxor1d(a, b)
    if not len(only):
        return 0
    key = {r: (p.code[r], p.target[r], p.weight[r]) for r in only}
    in_a = {key[r] for r in np.intersect1d(only, a)}
    in_b = {key[r] for r in np.intersect1d(only, b)}
    return len({k[0] for k in in_a ^ in_b})


def _convert(
    data: pd.DataFrame,
    codes: pd.Series,
    vintage: int,
    detected: bool,
    stocks: list[str],
    non_additive: list[str],
    padded: int,
) -> CodeConversion:
    p = _passage()
    rows, valid = _vintage(vintage)
    ids = p.universe.get_indexer(pd.Index(codes.to_numpy(dtype=object), dtype=object))
    listed = ids >= 0
    present = np.zeros(len(p.universe), dtype=bool)
    present[ids[listed]] = True
    matched = int(valid[ids[listed]].sum())
    if not matched:
        raise InvalidArgumentError(
            "vintage", vintage, "the COG year of the table's codes",
            f"No code of the table is a commune of COG {vintage} (e.g. "
            f"{', '.join(sorted(codes)[:3])}): check the code column, or leave the vintage "
            "out to detect it.",
        )  # fmt: skip
    share = matched / len(codes)

    # arrondissements municipaux: dropped where their city is there, else summed into it
    arm = rows[p.arrondissement[rows] & present[p.code[rows]]]
    dropped = np.zeros(len(p.universe), dtype=bool)
    dropped[p.code[arm[present[p.target[arm]]]]] = True
    arrondissements: dict[str, tuple[str, int]] = {}
    for r in arm:
        city = p.universe[p.target[r]]
        what = "dropped" if dropped[p.code[r]] else "summed"
        arrondissements[city] = (what, arrondissements.get(city, (what, 0))[1] + 1)

    # the rows of the vintage for the codes of the table
    mine = rows[present[p.code[rows]] & ~dropped[p.code[rows]]]
    readings: dict[str, int] = {}
    if vintage in DERIVED_VINTAGES:
        mine, readings = _choose_readings(mine, present, vintage)
    unknown_mask = ~valid[np.where(listed, ids, 0)] | ~listed
    unknown = sorted(codes[unknown_mask].tolist())
    other = tuple(sorted(codes[listed & unknown_mask].tolist()))

    position = np.full(len(p.universe), -1)
    position[ids[listed]] = np.flatnonzero(listed)
    code_id, target_id, weight = p.code[mine], p.target[mine], p.weight[mine]
    source = position[code_id]
    targets, inverse = np.unique(target_id, return_inverse=True)
    sources_of = np.bincount(inverse, minlength=len(targets))
    n_targets = np.bincount(code_id, minlength=len(p.universe))[code_id]
    one_to_one_row = (sources_of[inverse] == 1) & (n_targets == 1)
    one_to_one = np.bincount(inverse, weights=~one_to_one_row, minlength=len(targets)) == 0
    index = pd.Index(p.universe[targets], name="code", dtype=object)
    partial, merged_already = _partial_targets(rows, mine, present, targets, readings, vintage)
    whole = ~np.isin(targets, np.array(sorted(partial), dtype=int))

    out = pd.DataFrame(index=index)
    stocks_missing: dict[str, int] = {}
    for column in stocks:
        values = data[column].to_numpy(dtype=float)[source] * weight
        nan = np.isnan(values)
        total = np.bincount(inverse, weights=np.where(nan, 0.0, values), minlength=len(targets))
        missing = np.bincount(inverse, weights=nan, minlength=len(targets)) > 0
        total[missing | ~whole] = np.nan
        if np.isinf(total).any():
            where = index[np.isinf(total)].tolist()
            raise SumOverflowError(
                f"The sum of {column!r} over merged communes overflows (it exceeds 1.8e308, "
                f"the largest 64-bit float) in {format_values(where)}. Check the units of "
                "the column (values near 1e308 are errors), or rescale it."
            )
        out[column] = total
        stocks_missing[column] = int((missing & ~one_to_one).sum())
    flags = pd.DataFrame(index=index)
    non_additive_lost: dict[str, int] = {}
    for column in non_additive:
        series = data[column]
        numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
        values = series.to_numpy(dtype=float if numeric else object)[source]
        has = ~pd.isna(values)
        carried = np.full(
            len(targets), np.nan if numeric else None, dtype=float if numeric else object
        )
        carried[inverse[one_to_one_row]] = values[one_to_one_row]
        had_value = np.bincount(inverse, weights=has, minlength=len(targets)) > 0
        carried[~whole] = np.nan if numeric else None
        lost = (~one_to_one | ~whole) & had_value
        out[column] = carried
        flags[column] = lost
        non_additive_lost[column] = int(lost.sum())
    out = out[[c for c in data.columns if c in out.columns]]

    # what happened to each code
    universe = p.universe
    unchanged = int((one_to_one_row & (code_id == target_id)).sum())
    recoded = {
        universe[c]: universe[t]
        for c, t in zip(code_id[one_to_one_row & (code_id != target_id)],
                        target_id[one_to_one_row & (code_id != target_id)], strict=True)
    }  # fmt: skip
    split: dict[str, dict[str, float]] = {}
    for c, t, w in zip(
        code_id[n_targets > 1], target_id[n_targets > 1], weight[n_targets > 1], strict=True
    ):
        split.setdefault(universe[c], {})[universe[t]] = round(float(w), 6)
    built = {c for c, (what, _) in arrondissements.items() if what == "summed"}
    commune_rows = ~p.arrondissement[mine]
    from_communes = np.bincount(inverse, weights=commune_rows, minlength=len(targets))
    merged = {
        universe[t]: int(k)
        for t, k, f in zip(targets, sources_of, from_communes, strict=True)
        if k > 1 and (universe[t] not in built or f > 1)
    }
    report = ConversionReport(
        vintage=vintage,
        detected=detected,
        share_matched=share,
        rows_read=len(codes),
        rows_written=len(out),
        unchanged=unchanged,
        recoded=dict(sorted(recoded.items())),
        merged=merged,
        split=dict(sorted(split.items())),
        unknown=tuple(unknown),
        unknown_other_vintages=other,
        arrondissements=dict(sorted(arrondissements.items())),
        stocks=tuple(stocks),
        non_additive=tuple(non_additive),
        stocks_missing=stocks_missing,
        non_additive_lost=non_additive_lost,
        readings=readings,
        padded=padded,
        partial={
            universe[t]: tuple(sorted(universe[c] for c in missing))
            for t, missing in sorted(partial.items())
        },
        merged_already={universe[c]: universe[t] for c, t in sorted(merged_already.items())},
    )
    return CodeConversion(table=out, flags=flags.astype(bool), report=report)


def _partial_targets(
    rows: np.ndarray,
    mine: np.ndarray,
    present: np.ndarray,
    targets: np.ndarray,
    readings: dict[str, int],
    vintage: int,
) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Targets of which the table has only some of the source codes of the vintage (one
    former commune of two, one arrondissement of twenty): target id -> missing code ids.
    Codes read one way or another in a derived year are left to their reading.

    Also, for a derived year: missing code id -> target id of the former communes whose
    last year is that year and whose target is in the table. They may have merged on 1
    January of the derived year, and the table, which has the target and not them, says
    they had (INSEE's IRIS table of 2021, on COG 2023, has Culoz-Béon 01138 with Béon's
    inhabitants and no 01039): the target is whole, not partial."""
    p = _passage()
    ambiguous = {int(i) for i in p.universe.get_indexer(list(readings))} if readings else set()
    wanted = np.isin(p.target[rows], targets)
    out: dict[int, list[int]] = {}
    used = set(zip(p.code[mine].tolist(), p.target[mine].tolist(), strict=True))
    from_arrondissements = set(p.target[mine[p.arrondissement[mine]]].tolist())
    # a code read one way or another in a derived year: its targets are left to the reading
    unsure = set(p.target[rows[np.isin(p.code[rows], sorted(ambiguous))]].tolist())
    candidates = rows[wanted]
    already: dict[int, int] = {}
    for code, target, arr, last in zip(
        p.code[candidates].tolist(),
        p.target[candidates].tolist(),
        p.arrondissement[candidates].tolist(),
        p.last[candidates].tolist(),
        strict=True,
    ):
        if (code, target) in used or code in ambiguous or present[code] or target in unsure:
            continue
        if arr != (target in from_arrondissements):
            continue  # a city is made of its own row or of its arrondissements, not both
        if vintage in DERIVED_VINTAGES and last == vintage and present[target] and not arr:
            already[code] = target
            continue
        out.setdefault(target, []).append(code)
    return out, already


def _choose_readings(
    mine: np.ndarray, present: np.ndarray, vintage: int
) -> tuple[np.ndarray, dict[str, int]]:
    """For a derived year, keep one reading of each code read two ways.

    The two readings differ only where a commune nouvelle was undone between the year
    before and the year after: the later reading is taken when the table holds one of
    the restored communes (another target of the earlier reading), else the earlier.
    """
    p = _passage()
    keep = np.ones(len(mine), dtype=bool)
    readings: dict[str, int] = {}
    for code in np.unique(p.code[mine]):
        at = np.flatnonzero(p.code[mine] == code)
        firsts = p.first[mine[at]]
        if len(set(firsts.tolist())) < 2:
            continue
        earlier = at[firsts == firsts.min()]
        later = at[firsts == firsts.max()]
        restored = set(p.target[mine[earlier]].tolist()) - {int(code)}
        use_later = any(present[t] for t in restored)
        keep[earlier if use_later else later] = False
        readings[p.universe[code]] = vintage + 1 if use_later else vintage - 1
    return mine[keep], readings
