"""Join a table to territories, with a coverage report: nothing is dropped silently."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

import geopandas as gpd
import pandas as pd

from territorial.errors import ColumnNotFoundError, DuplicateCodeError, InvalidArgumentError
from territorial.report import Report

__all__ = ["CoverageReport", "join_table"]

_ARRONDISSEMENT = re.compile(r"^(751(0[1-9]|1\d|20)|6938[1-9]|132(0[1-9]|1[0-6]))$")
_COMMUNE_LIKE = re.compile(r"^(\d{2}|2[AB])\d{3}$|^97\d{3}$")


@dataclass(frozen=True)
class CoverageReport(Report):
    """What a join matched, what it could not place, and why (a
    :class:`~territorial.report.Report`).

    Attributes
    ----------
    table_rows
        Rows in the table.
    matched
        Table rows whose code is a territory.
    unknown_codes
        Codes of the table that are not territories (kept out of the result, listed here).
    territories
        Number of territories.
    missing_territories
        Territories with no row in the table (kept in the result with NaN).
    hints
        Likely explanations of the unknown codes.
    read_report
        Lines of the table's read report (repairs, missing markers), if any.
    """

    kind: ClassVar[str] = "join"

    table_rows: int
    matched: int
    unknown_codes: tuple[str, ...]
    territories: int
    missing_territories: tuple[str, ...]
    hints: tuple[str, ...] = ()
    read_report: tuple[str, ...] = field(default_factory=tuple)

    @property
    def coverage(self) -> float:
        """Share of territories that received data."""
        if not self.territories:
            return float("nan")
        return 1 - len(self.missing_territories) / self.territories

    def lines(self) -> list[str]:
        """The report as sentences, for a terminal or a log."""
        out = list(self.read_report)
        out.append(
            f"{self.matched} of {self.table_rows} table rows matched a territory; "
            f"{len(self.unknown_codes)} unknown codes"
            + (f" (e.g. {', '.join(self.unknown_codes[:5])})" if self.unknown_codes else "")
        )
        out.append(
            f"{self.territories - len(self.missing_territories)} of {self.territories} "
            f"territories have data ({self.coverage:.1%}); {len(self.missing_territories)} without"
            + (
                f" (e.g. {', '.join(self.missing_territories[:5])})"
                if self.missing_territories
                else ""
            )
        )
        out.extend(f"hint: {h}" for h in self.hints)
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def summary(self) -> dict[str, Any]:
        """Table rows read and matched; rows of unknown codes dropped."""
        return {"read": self.table_rows, "matched": self.matched, "repaired": {},
                "dropped": {"unknown codes": len(self.unknown_codes)} if self.unknown_codes
                else {}}  # fmt: skip

    def to_dict(self) -> dict:
        """A JSON-able dict."""
        return {
            "kind": self.kind,
            "summary": self.summary(),
            "lines": self.lines(),
            "table_rows": self.table_rows,
            "matched": self.matched,
            "unknown_codes": list(self.unknown_codes),
            "territories": self.territories,
            "missing_territories": list(self.missing_territories),
            "coverage": self.coverage,
            "hints": list(self.hints),
            "read_report": list(self.read_report),
        }


def _hints(unknown: list[str], territories: pd.Index) -> list[str]:
    hints = []
    arrondissements = [c for c in unknown if _ARRONDISSEMENT.match(c)]
    if arrondissements:
        hints.append(
            f"{len(arrondissements)} unknown codes are arrondissements municipaux of Paris, "
            "Lyon or Marseille (e.g. " + ", ".join(arrondissements[:3]) + "): join them to "
            "load_france('arrondissement'), or sum them into 75056, 69123 and 13055."
        )
    rest = [c for c in unknown if c not in arrondissements]
    short = [c for c in rest if c.isdigit() and len(c) == 4]
    if short:
        hints.append(
            f"{len(short)} unknown codes have 4 digits (e.g. {short[0]}): a leading zero was "
            "probably lost; read the table with territorial.read_table, which restores them."
        )
    commune_like = [c for c in rest if _COMMUNE_LIKE.match(c) and c not in short]
    if commune_like and any(_COMMUNE_LIKE.match(str(t)) for t in territories[:50]):
        hints.append(
            f"{len(commune_like)} unknown codes look like commune codes (e.g. "
            + ", ".join(commune_like[:3])
            + "): communes merged, split or renamed in another vintage of the official "
            "geography (COG); convert the table to the vintage of the territories "
            "(INSEE publishes correspondence tables) before joining."
        )
    return hints


def join_table(
    territories: gpd.GeoDataFrame | pd.DataFrame,
    table: pd.DataFrame,
    *,
    on: str | None = None,
    columns: list[str] | None = None,
) -> tuple[gpd.GeoDataFrame | pd.DataFrame, CoverageReport]:
    """Join a table keyed by territory code to territories.

    Every territory is kept (with NaN where the table has no row); table rows
    whose code is not a territory are left out of the result and listed in the
    report, with hints (arrondissements, lost leading zeros, another vintage).
    Duplicated codes in the table are an error that lists them.

    Parameters
    ----------
    territories
        Layer indexed by code.
    table
        Data indexed by code (as :func:`territorial.read_table` returns), or with
        the code in column ``on``.
    on
        Column of ``table`` holding the codes; default: its index.
    columns
        Columns of ``table`` to join; default: all. Columns already present in
        ``territories`` are an error (rename them first).

    Returns
    -------
    joined, report
        The territories with the table's columns, and the :class:`CoverageReport`.

    Examples
    --------
    >>> t = pd.DataFrame({"name": ["A", "B"]}, index=pd.Index(["01", "02"], name="code"))
    >>> d = pd.DataFrame({"x": [1.0, 3.0]}, index=["01", "99"])
    >>> joined, report = join_table(t, d)
    >>> joined["x"].tolist(), report.unknown_codes
    ([1.0, nan], ('99',))
    """
    data = table
    if on is not None:
        if on not in table.columns:
            raise ColumnNotFoundError("on", on, table.columns)
        data = table.set_index(on)
    if data.index.isna().any():
        raise InvalidArgumentError(
            "table", f"{int(data.index.isna().sum())} rows without a code",
            "a territory code on every row", "Drop or fill the rows whose code is missing.",
        )  # fmt: skip
    codes = data.index.astype(str)
    data = data.set_axis(codes, axis=0)
    duplicated = codes[codes.duplicated()].unique().tolist()
    if duplicated:
        raise DuplicateCodeError("table", duplicated)
    if columns is not None:
        missing_cols = [c for c in columns if c not in data.columns]
        if missing_cols:
            raise ColumnNotFoundError("columns", missing_cols[0], data.columns)
        data = data[columns]
    clash = [c for c in data.columns if c in territories.columns]
    if clash:
        raise InvalidArgumentError(
            "table", clash, "columns that territories does not already have",
            "Rename them, e.g. table.rename(columns={...}), or pick others with columns=[...].",
        )  # fmt: skip
    index = territories.index.astype(str)
    known = codes.isin(index)
    unknown = sorted(codes[~known].tolist())
    missing = sorted(index[~index.isin(codes)].tolist())
    # codes are text on both sides, whatever the dtype of the territories' index
    joined = territories.set_axis(index.rename(territories.index.name), axis=0).join(
        data, how="left"
    )
    read = table.attrs.get("report")
    report = CoverageReport(
        table_rows=len(data),
        matched=int(known.sum()),
        unknown_codes=tuple(unknown),
        territories=len(territories),
        missing_territories=tuple(missing),
        hints=tuple(_hints(unknown, index)),
        read_report=tuple(read.lines()) if read is not None else (),
    )
    joined.attrs = dict(territories.attrs)
    joined.attrs["coverage"] = report
    return joined, report
