"""The diagnosis of a France level is stored across processes (with the stored tables,
territorial.france.tablecache): read back equal when warm, under another key when an
option, an input, the code or the version changes, and diagnosed again (never trusted)
when a stored file is damaged."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest

import territorial
from territorial.france import diagnose as fd
from territorial.france import indicators, tablecache

IDS = ["density", "unemployment_rate", "median_income", "women_councillors_share"]
OPTIONS = {"indicators": IDS, "permutations": 99, "seed": 7}
STORE = Path(tempfile.mkdtemp(prefix="territorial-stored-diagnosis-"))


def _fresh(monkeypatch) -> list[str]:
    """Stored tables and diagnoses on, nothing in memory (a new process); the calls of the
    computation of a diagnosis set are counted."""
    monkeypatch.setattr(indicators, "_TABLES", {})
    monkeypatch.setattr(tablecache, "ENABLED", True)
    # a store of this test process's own: other processes prune the user's store meanwhile
    monkeypatch.setattr(tablecache, "_folder", lambda cache: STORE)
    calls: list[str] = []
    compute = fd._france_diagnosis_set

    def counted(level, **kwds):
        calls.append(level)
        return compute(level, **kwds)

    monkeypatch.setattr(fd, "_france_diagnosis_set", counted)
    return calls


def _folder(level: str, **options) -> Path:
    full = {"indicators": None, "peers": "size", "smooth": False, "permutations": 999,
            "seed": 12345, "alpha": 0.05, "fdr": False, "n_types": None, "lisa": True,
            "rule": None}  # fmt: skip
    full.update(options)
    return tablecache._folder(None) / fd._diagnosis_key(level, full, None)


pytestmark = pytest.mark.realdata


def test_a_warm_diagnosis_is_read_back_equal(monkeypatch):
    calls = _fresh(monkeypatch)
    shutil.rmtree(_folder("departement", **OPTIONS), ignore_errors=True)  # an earlier run's
    computed = fd.france_diagnosis_set("departement", **OPTIONS)
    assert calls == ["departement"]
    assert (_folder("departement", **OPTIONS) / "manifest.json").exists()
    again = fd.france_diagnosis_set("departement", **OPTIONS)
    assert calls == ["departement"]  # read, not computed
    for lang in ("fr", "en"):
        assert (
            again.diagnosis("69", lang=lang).to_dict()
            == computed.diagnosis("69", lang=lang).to_dict()
        )
    pd.testing.assert_frame_equal(again.table(lang="en"), computed.table(lang="en"))
    pd.testing.assert_frame_equal(again.lisa.p_sim, computed.lisa.p_sim, check_exact=True)
    assert again.types.labels.equals(computed.types.labels)


@pytest.mark.parametrize(
    "change",
    [
        {"indicators": IDS[:3]},
        {"peers": "all"},
        {"smooth": True},
        {"permutations": 199},
        {"seed": 8},
        {"fdr": True},
        {"alpha": 0.1},
    ],
)
def test_each_option_has_its_own_key(change):
    assert _folder("departement", **OPTIONS) != _folder("departement", **{**OPTIONS, **change})


def test_the_key_changes_with_the_inputs_the_code_and_the_version(monkeypatch, tmp_path):
    options = {"indicators": IDS, "seed": 7}
    first = fd._diagnosis_key("region", options, tmp_path)
    assert first == fd._diagnosis_key("region", options, tmp_path)
    assert first != fd._diagnosis_key("departement", options, tmp_path)
    (tmp_path / "france").mkdir()
    (tmp_path / "france" / "commune.parquet").write_bytes(b"new")  # a fetch
    after_fetch = fd._diagnosis_key("region", options, tmp_path)
    assert after_fetch != first
    (tmp_path / f"tables-v{tablecache.TABLES_FORMAT}").mkdir()  # what is derived is not input
    (tmp_path / f"tables-v{tablecache.TABLES_FORMAT}" / "x.json").write_text("{}")
    (tmp_path / "drawables-v2").mkdir()
    (tmp_path / "drawables-v2" / "y.bin").write_bytes(b"1")
    assert fd._diagnosis_key("region", options, tmp_path) == after_fetch
    monkeypatch.setattr(tablecache, "_code_fingerprint", lambda: "other code")
    other_code = fd._diagnosis_key("region", options, tmp_path)
    assert other_code != after_fetch
    monkeypatch.setattr(territorial, "__version__", "9.9.9")
    assert fd._diagnosis_key("region", options, tmp_path) != other_code


@pytest.mark.parametrize("seed, damaged", [(11, "frames.bin"), (12, "state.json"),
                                           (13, "manifest.json")])  # fmt: skip
def test_a_damaged_diagnosis_is_computed_again(monkeypatch, capfd, seed, damaged):
    calls = _fresh(monkeypatch)
    options = {**OPTIONS, "seed": seed}
    shutil.rmtree(_folder("region", **options), ignore_errors=True)  # from an earlier run
    computed = fd.france_diagnosis_set("region", **options)
    path = _folder("region", **options) / damaged
    data = path.read_bytes()
    path.write_bytes(data[:-12] + b"012345678901")  # same size, other bytes
    again = fd.france_diagnosis_set("region", **options)
    assert "cannot be trusted" in capfd.readouterr().err
    assert calls == ["region", "region"]  # not trusted: diagnosed again
    assert (
        again.diagnosis("11", lang="en").to_dict() == computed.diagnosis("11", lang="en").to_dict()
    )
    fd.france_diagnosis_set("region", **options)
    assert calls == ["region", "region"]  # stored again, read the third time


def test_a_set_that_would_not_read_back_equal_is_not_stored(monkeypatch, tmp_path):
    from territorial.diagnose.diagnosis import diagnose

    monkeypatch.setattr(tablecache, "ENABLED", True)
    values = pd.DataFrame({"density": [float(i) for i in range(10)]}, index=list("abcdefghij"))
    result = diagnose(values, indicators.france_catalogue().select(["density"]))
    result.spec["where"] = Path("somewhere")  # no exact stored form
    fd._write_diagnosis("diagnosis-test", result, tmp_path)
    assert not (tablecache._folder(tmp_path) / "diagnosis-test").exists()
    result.spec["where"] = "somewhere"
    fd._write_diagnosis("diagnosis-test", result, tmp_path)
    stored = fd._read_diagnosis("diagnosis-test", tmp_path)
    assert stored.diagnosis("j").to_dict() == result.diagnosis("j").to_dict()
    state = json.loads(
        (tablecache._folder(tmp_path) / "diagnosis-test" / "state.json").read_text()
    )
    assert state["format"] == fd.DIAGNOSIS_FORMAT


def test_the_parsed_catalogue_is_stored_and_checked(monkeypatch, tmp_path, capfd):
    from territorial.indicators.spec import parse_yaml

    monkeypatch.setattr(tablecache, "ENABLED", True)
    text = indicators.catalogue_text()
    parsed = parse_yaml(text, where="france")
    tablecache.write_parsed_catalogue(text, parsed, cache=tmp_path)
    assert tablecache.read_parsed_catalogue(text, cache=tmp_path) == parsed
    assert tablecache.read_parsed_catalogue(text + "\n", cache=tmp_path) is None  # another text
    (stored,) = tablecache._folder(tmp_path).glob("catalogue-*/parsed.json")
    stored.write_bytes(stored.read_bytes().replace(b"density", b"densitx", 1))
    assert tablecache.read_parsed_catalogue(text, cache=tmp_path) is None
    assert "parsing the catalogue again" in capfd.readouterr().err
    tablecache.write_parsed_catalogue("k", {1: "a number as a key"}, cache=tmp_path)  # not JSON
    assert tablecache.read_parsed_catalogue("k", cache=tmp_path) is None
