"""The one report type: every reader, join and aggregation reports through a Report with the
same four counts, its lines and a JSON-safe dict form (synthetic inputs, made here)."""

from __future__ import annotations

import json

import geopandas as gpd
from shapely import Point, box

from territorial.io.points import read_points
from territorial.io.tables import read_table
from territorial.io.vector import read_territories
from territorial.report import RecordReport, Report
from territorial.territories.join import join_table

KEYS = {"read", "matched", "repaired", "dropped"}


def _check(report: Report, kind: str) -> dict:
    assert isinstance(report, Report)
    summary = report.summary()
    assert set(summary) == KEYS
    record = report.to_dict()
    assert record["kind"] == kind and record["lines"] == report.lines()
    assert json.loads(json.dumps(record)) == record  # JSON-safe
    assert str(report) == "\n".join(report.lines())
    return summary


def test_every_reader_and_join_reports_the_same_way(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("code;pop\n1001;10\n01002;s\n99999;3\n", encoding="utf-8")
    frame = read_table(table, code="code")
    summary = _check(frame.attrs["report"], "table")
    assert summary["read"] == 3 and summary["repaired"] == {"codes": 1, "values set missing": 1}

    zones = tmp_path / "z.gpkg"
    gpd.GeoDataFrame({"id": ["01001", "01002", None], "nom": ["A", "B", "C"]}, crs=2154,
                     geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
                     ).to_file(zones)  # fmt: skip
    territories = read_territories(zones, code="id", name="nom")
    summary = _check(territories.attrs["report"], "layer")
    assert summary["read"] == 3 and summary["dropped"] == {"without code": 1}

    _, coverage = join_table(territories, frame)
    summary = _check(coverage, "join")
    assert summary == {"read": 3, "matched": 2, "repaired": {},
                       "dropped": {"unknown codes": 1}}  # fmt: skip

    points = tmp_path / "p.gpkg"
    gpd.GeoDataFrame({"w": [1, 2]}, geometry=[Point(0.5, 0.5), None], crs=2154).to_file(points)
    report = read_points(points).attrs["report"]
    assert isinstance(report, RecordReport)
    summary = _check(report, "points")
    assert summary["read"] == 2 and summary["dropped"] == {"missing coordinates": 1}
    assert report["points"] == 1  # the dict form reads as a mapping


def test_record_report_keeps_only_what_happened():
    report = RecordReport("points", {"rows": 2}, read=2, dropped={"x": 0, "y": 1}, lines=["a"])
    assert report.summary()["dropped"] == {"y": 1}
    assert report.to_dict() == {"kind": "points", "rows": 2, "lines": ["a"],
                                "summary": {"read": 2, "matched": None, "repaired": {},
                                            "dropped": {"y": 1}}}  # fmt: skip
