"""The one report type: what an operation read, matched, repaired and dropped.

Nothing is dropped silently: every reader, join, conversion and aggregation returns (or
attaches to ``attrs["report"]``) a :class:`Report`. Whatever its kind (a table, a vector
layer, points, a layer aggregated to territories, a join, a code conversion), a report has

- ``lines()``: its sentences, for a terminal or a log;
- ``summary()``: the four counts every report answers, ``read``, ``matched`` (None where
  nothing is matched), ``repaired`` and ``dropped`` (``{what: n}``);
- ``to_dict()``: its dict form (JSON-safe), with ``kind``, the summary and the lines;
- ``str(report)``: the lines, one per line.

Reports with fields of their own are dataclasses deriving from :class:`Report`
(:class:`~territorial.io.tables.TableReport`, :class:`~territorial.io.vector.LayerReport`,
:class:`~territorial.territories.join.CoverageReport`...); :class:`RecordReport` is the
report held as a dict (points, layers, raster zonal statistics), readable as a mapping.

Examples
--------
>>> report = RecordReport("points", {"rows": 10, "points": 8, "dropped_missing_coordinates": 2},
...                       read=10, dropped={"missing coordinates": 2},
...                       lines=["8 of 10 rows have coordinates; 2 left out"])
>>> report["points"], report.summary()["dropped"], report.lines()
(8, {'missing coordinates': 2}, ['8 of 10 rows have coordinates; 2 left out'])
>>> report.to_dict()["kind"], report.to_dict()["summary"]["read"]
('points', 10)
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any, ClassVar

__all__ = ["RecordReport", "Report", "json_safe"]


def json_safe(value: object) -> Any:
    """``value`` as plain JSON data: numpy numbers, arrays and pandas indexes become Python
    ones, sets sorted lists, tuples lists, anything else its text.

    Examples
    --------
    >>> import numpy as np
    >>> json_safe({"n": np.int64(3), "codes": {"b", "a"}, "shape": (2, 3)})
    {'n': 3, 'codes': ['a', 'b'], 'shape': [2, 3]}
    """
    return json.loads(json.dumps(value, default=_json_default))


def _json_default(value: object) -> object:
    if hasattr(value, "tolist"):  # numpy scalars and arrays, pandas Index and Series
        return value.tolist()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, tuple):
        return list(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)


class Report:
    """Base of every report (see the module). Subclasses implement :meth:`lines` and
    :meth:`summary`; the dict form and the text come from them."""

    #: what the report is about (``table``, ``layer``, ``points``, ``join``...)
    kind: ClassVar[str] = "report"

    def lines(self) -> list[str]:
        """The report as sentences."""
        raise NotImplementedError

    def summary(self) -> dict[str, Any]:
        """``read``, ``matched`` (None where nothing is matched), ``repaired`` and
        ``dropped`` (``{what: n}``, only non-zero counts)."""
        return {"read": None, "matched": None, "repaired": {}, "dropped": {}}

    def _fields(self) -> dict[str, Any]:
        if dataclasses.is_dataclass(self):
            return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return {}

    def to_dict(self) -> dict[str, Any]:
        """The dict form: ``kind``, the report's own fields, ``summary`` and ``lines``."""
        record = {"kind": self.kind, **self._fields()}
        return json_safe({**record, "summary": self.summary(), "lines": self.lines()})

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _nonzero(counts: Mapping[str, Any] | None) -> dict[str, int]:
    return {str(k): int(v) for k, v in (counts or {}).items() if v}


class RecordReport(dict, Report):
    """A report held as a dict (its dict form is itself; ``report["key"]`` reads it).

    Parameters
    ----------
    kind
        What it reports on.
    record
        Its figures.
    read, matched, repaired, dropped
        The counts of :meth:`Report.summary`.
    lines
        Its sentences (also stored under ``"lines"``).
    """

    def __init__(
        self,
        kind: str,
        record: Mapping[str, Any] | None = None,
        *,
        read: int | None = None,
        matched: int | None = None,
        repaired: Mapping[str, int] | None = None,
        dropped: Mapping[str, int] | None = None,
        lines: list[str] | None = None,
    ) -> None:
        super().__init__(record or {})
        self._kind = kind
        self._summary = {"read": read, "matched": matched, "repaired": _nonzero(repaired),
                         "dropped": _nonzero(dropped)}  # fmt: skip
        if lines is not None:
            self["lines"] = list(lines)

    @property
    def kind(self) -> str:  # type: ignore[override]
        return self._kind

    def lines(self) -> list[str]:
        return list(self.get("lines", []))

    def summary(self) -> dict[str, Any]:
        return dict(self._summary)

    def to_dict(self) -> dict[str, Any]:
        return json_safe({"kind": self.kind, **self, "summary": self.summary(),
                          "lines": self.lines()})  # fmt: skip

    def __str__(self) -> str:
        return "\n".join(self.lines())

    __repr__ = dict.__repr__
