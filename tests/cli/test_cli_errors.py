"""Bad input through the real ``territorial`` command: a clear error, never a traceback.

Every case checks the exit code, the whole message, that no traceback is printed and that
no output file is left. The files are synthetic (made by the tests, said so where made);
the cases marked ``realdata`` compute on the cached France data.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import typer
from shapely import LineString, Point, box
from typer.testing import CliRunner

import territorial.france.data
import territorial.france.diagnose
import territorial.france.indicators
import territorial.indicators
import territorial.io.vector
import territorial.sources
from territorial.cli import app

runner = CliRunner()


def run_error(args: list[str], output: Path | None = None) -> str:
    """Run the command, check that it failed cleanly, and return its message (one line)."""
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), repr(result.exception)
    if output is not None:
        assert not output.exists()
        assert not list(output.parent.glob(f".{output.name}.tmp-*"))
    message = " ".join(result.output.split())
    assert message.startswith("error: ")
    return message.removeprefix("error: ")


def nothing_computed(monkeypatch) -> None:
    """Make every computation entry point of the commands fail the test if it is reached."""

    def forbidden(*args, **kwargs):
        raise AssertionError("computed before the options were checked")

    monkeypatch.setattr(territorial.france.indicators, "compute_france", forbidden)
    monkeypatch.setattr(territorial.france.diagnose, "france_diagnosis_set", forbidden)
    monkeypatch.setattr(territorial.sources, "load_source", forbidden)
    monkeypatch.setattr(territorial.io.vector, "read_territories", forbidden)
    monkeypatch.setattr(territorial.france.data, "load_france", forbidden)


# ---- output paths, checked before any computation ---------------------------------------

COMMANDS_WITH_OUTPUT = [
    (["territories", "france:region"], ".gpkg"),
    (["indicators", "france:region"], ".csv"),
    (["diagnose", "france:region", "--all"], ".csv"),
    (["composite", "france:region"], ".csv"),
    (["map", "france:region", "density"], ".png"),
    (["catalogue"], ".csv"),
]


@pytest.mark.parametrize(("command", "suffix"), COMMANDS_WITH_OUTPUT)
def test_output_folder_file_under_a_file_and_bad_extension(command, suffix, tmp_path, monkeypatch):
    nothing_computed(monkeypatch)
    folder = tmp_path / f"out{suffix}"
    folder.mkdir()
    message = run_error([*command, "-o", folder])
    assert message == (
        f"--output={str(folder)!r} is not valid: expected a file path, not a folder. Add a "
        f"file name, e.g. --output {folder / ('result' + suffix)}."
    )
    a_file = tmp_path / "plain.txt"
    a_file.write_text("I am a file")
    under = a_file / f"x{suffix}"
    message = run_error([*command, "-o", under])
    assert message == (
        f"--output={str(under)!r} is not valid: expected a path inside a folder. "
        f"{str(a_file)!r} is a file, not a folder: choose another location."
    )
    bad = tmp_path / "out.docx"
    message = run_error([*command, "-o", bad], bad)
    assert message.startswith(
        f"--output={str(bad)!r} has an unsupported format. Use a file ending in one of: "
    )
    assert suffix in message


# ---- --table -------------------------------------------------------------------------------

CATALOGUE = (
    "indicators:\n"
    "  - {id: things_total, label: {fr: Choses}, theme: demography, unit: nombre,\n"
    "     polarity: neutral, kind: stock, numerator: things}\n"
)


@pytest.fixture
def catalogue(tmp_path) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    return path


def test_table_read_errors_name_the_options(tmp_path, catalogue, monkeypatch):
    nothing_computed(monkeypatch)
    out = tmp_path / "out.csv"
    base = ["indicators", "france:region", "-o", out, "--catalogue", catalogue, "--table"]
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert run_error([*base, empty], out) == (
        f"--table={str(empty)!r} is not valid: expected a table with a header row. The file "
        "is empty: check that it is the right file and that it was written completely."
    )
    # synthetic UTF-16 table with its byte-order mark
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("CODGEO;things\n01001;2\n".encode("utf-16"))
    assert run_error([*base, utf16, "--encoding", "utf-8"], out) == (
        f"--encoding='utf-8' is not valid: expected the encoding of {str(utf16)!r}. Byte 0 "
        "cannot be read as utf-8: leave the encoding out to detect it, or give the right one "
        "(e.g. utf-8, cp1252, utf-16)."
    )
    # synthetic spreadsheet: notes first, data on the second sheet
    book = tmp_path / "book.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"Notes": ["made up"]}).to_excel(writer, sheet_name="Notes", index=False)
        pd.DataFrame({"CODGEO": ["01001"], "things": [2]}).to_excel(
            writer, sheet_name="Data", index=False
        )
    assert run_error([*base, book], out) == (
        "--sheet=0 is not valid: expected the sheet that holds the data. Sheet 'Notes' has no "
        "code column, but sheet 'Data' has 'CODGEO': pass sheet='Data' (CLI: --sheet 'Data')."
    )
    assert run_error([*base, book, "--sheet", "Dta"], out) == (
        "--sheet='Dta' is not valid: expected a sheet of book.xlsx: a name among 'Notes', "
        "'Data' or a number from 0 to 1."
    )
    assert run_error(["indicators", "france:region", "-o", out, "--sheet", "Data"], out) == (
        "--sheet='Data' is not valid: expected an option of --table. Add --table FILE, or "
        "drop --sheet."
    )


@pytest.mark.realdata
def test_table_text_infinite_and_overflowing_values(tmp_path, catalogue):
    out = tmp_path / "out.csv"
    base = ["indicators", "france:departement", "-o", out, "--catalogue", catalogue]
    # synthetic counts: a text marker the reader does not know, an infinite value
    text = tmp_path / "text.csv"
    text.write_text("CODGEO;things\n01001;inf\n01002;x1\n01004;3\n01005;4\n")
    assert run_error([*base, "--table", text], out) == (
        "Column 'things' is used as numbers by things_total, but 1 row is not a number (code: "
        "value): '01002': 'x1'. Correct these cells, or read them as missing values: "
        "read_table(path, missing=(*MISSING_MARKERS, 'VALUE')) (CLI: --missing VALUE)."
    )
    result = runner.invoke(app, [str(a) for a in [*base, "--table", text, "--missing", "x1"]])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "--table: missing or secret values set to NaN: things: 1" in lines
    assert "--table: infinite values (inf, -inf, Infinity, 1e309...) set to NaN: things: 1" in (
        lines
    )
    written = pd.read_csv(out, dtype={"code": str}).set_index("code")
    assert written.loc["01", "things_total"] == 7.0  # 3 + 4: inf and x1 are missing
    out.unlink()
    huge = tmp_path / "huge.csv"
    huge.write_text("CODGEO;things\n01001;1e308\n01002;1e308\n69123;1\n")
    assert run_error([*base, "--table", huge], out) == (
        "The sum of 'things' overflows (it exceeds 1.8e308, the largest 64-bit float) in 1 "
        "territory: '01'. Check the units of the components (values near 1e308 or 1e-308 are "
        "errors), or rescale them."
    )


# ---- territories from files -------------------------------------------------------------


@pytest.fixture
def mixed(tmp_path) -> Path:
    """Synthetic: two squares (Lambert-93), a point and a line, in one GeoPackage layer."""
    path = tmp_path / "mixed.gpkg"
    shapes = [box(700_000, 6_600_000, 701_000, 6_601_000), Point(700_500, 6_600_500),
              box(701_000, 6_600_000, 702_000, 6_601_000),
              LineString([(700_000, 6_600_000), (701_000, 6_601_000)])]  # fmt: skip
    gpd.GeoDataFrame(
        {"id": ["a", "b", "c", "d"], "nom": ["A", "B", "C", "D"], "x": [1.0, 2.0, 3.0, 4.0]},
        geometry=shapes, crs=2154,
    ).to_file(path, layer="zones")  # fmt: skip
    return path


def test_territories_file_errors(tmp_path, mixed):
    out = tmp_path / "out.gpkg"
    base = ["territories", mixed, "-o", out, "--code", "id", "--name", "nom"]
    for crs, fix in (
        ("99999", "EPSG:99999 is not in the EPSG database: check the code."),
        ("foo", "pyproj cannot read it (Invalid projection: foo)."),
    ):
        assert run_error([*base, "--crs", crs], out) == (
            f"--crs={crs!r} is not valid: expected an EPSG code such as 2154 (Lambert-93) or "
            f"4326 (longitude/latitude), or a CRS text pyproj reads. {fix}"
        )
    assert run_error([*base, "--layer", "communes"], out) == (
        "--layer='communes' is not valid: expected a layer of mixed.gpkg: 'zones'."
    )
    not_vector = tmp_path / "fake.gpkg"
    not_vector.write_text("this is not a GeoPackage")
    assert run_error(["territories", not_vector, "-o", out], out) == (
        f"SOURCE={str(not_vector)!r} is not valid: expected a vector file that GDAL reads "
        "(GeoPackage, Shapefile, GeoJSON, FlatGeobuf, GeoParquet). The file is damaged or is "
        "not a vector file: check that it is the right file and that it was written "
        "completely."
    )
    points = tmp_path / "points.geojson"
    gpd.GeoDataFrame({"id": ["p"], "nom": ["P"]}, geometry=[Point(1, 2)], crs=2154).to_file(points)
    assert run_error(["territories", points, "-o", out, "--code", "id", "--name", "nom"]) == (
        f"SOURCE={str(points)!r} is not valid: expected a layer of polygons (territories have "
        "an area). Its geometries are 1 point: use read_points for points, or give the "
        "polygons."
    )
    assert not out.exists()


def test_points_and_lines_are_dropped_with_a_report(tmp_path, mixed):
    out = tmp_path / "out.gpkg"
    result = runner.invoke(
        app, ["territories", str(mixed), "-o", str(out), "--code", "id", "--name", "nom"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"4 territories read from {mixed} (user columns)",
        "1 point geometries left out (territories are polygons): b",
        "1 line geometries left out (territories are polygons): d",
        f"2 territories written to {out}",
    ]
    written = gpd.read_file(out)
    assert written["code"].tolist() == ["a", "c"]
    assert written["area_km2"].tolist() == pytest.approx([1.0, 1.0])


def test_file_options_with_built_in_territories(tmp_path, monkeypatch):
    out = tmp_path / "out.gpkg"
    message = run_error(["territories", "france:region", "-o", out, "--code", "X"], out)
    assert message == (
        "--code='X' is not valid: expected nothing with france:region. It describes the "
        "columns, layers or CRS of a file; the built-in territories have their own. Leave it "
        "out."
    )
    nothing_computed(monkeypatch)
    message = run_error(["map", "france:region", "density", "-o", tmp_path / "m.png", "--crs",
                         "2154"])  # fmt: skip
    assert message == (
        "--crs='2154' is not valid: expected nothing with france:region. It describes the "
        "columns, layers or CRS of a file; the built-in territories have their own. Leave it "
        "out."
    )


# ---- map options --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["-k", "0"], "--k=0 is not valid: expected an integer from 2 to 12. Maps read best "
         "with 3 to 7 classes."),
        (["-k", "1"], "--k=1 is not valid: expected an integer from 2 to 12. Maps read best "
         "with 3 to 7 classes."),
        (["-k", "-3"], "--k=-3 is not valid: expected an integer from 2 to 12. Maps read best "
         "with 3 to 7 classes."),
        (["--dpi", "-5"], "--dpi=-5.0 is not valid: expected a number of dots per inch from 10 "
         "to 1200. Use 150 for the screen, 300 for print."),
        (["--dpi", "0"], "--dpi=0.0 is not valid: expected a number of dots per inch from 10 "
         "to 1200. Use 150 for the screen, 300 for print."),
        (["--labels", "-1"], "--labels=-1 is not valid: expected a number of territories to "
         "label (0 or more)."),
        (["--lang", "de"], "--lang='de' is not valid: expected one of fr, en. Use e.g. "
         "--lang fr."),
        (["--base", "county"], "--base='county' is not valid: expected one of arrondissement, "
         "commune, canton, circonscription, epci, departement, region, none. Use e.g. --base "
         "arrondissement."),
        (["--bins", "10,x"], "--bins='10,x' is not valid: expected comma-separated numbers, "
         "e.g. 50,100,500. Give the upper bounds of the classes, in increasing order."),
    ],
)  # fmt: skip
def test_map_options_checked_before_computing(option, message, tmp_path, monkeypatch):
    nothing_computed(monkeypatch)
    out = tmp_path / "m.png"
    assert run_error(["map", "france:region", "density", "-o", out, *option], out) == message


@pytest.mark.filterwarnings("ignore:'crs' was not provided:UserWarning")
def test_map_of_a_file_without_crs_points_to_an_existing_option(tmp_path):
    # synthetic: a shapefile without .prj
    shp = tmp_path / "zones.shp"
    gpd.GeoDataFrame({"id": ["a"], "v": [1.0]},
                     geometry=[box(0, 0, 1000, 1000)]).to_file(shp)  # fmt: skip
    out = tmp_path / "m.png"
    args = ["map", shp, "v", "-o", out, "--code", "id", "--name", "id", "--base", "none"]
    assert run_error(args, out) == (
        f"The layer {str(shp)!r} has no CRS; territorial never guesses one. Declare it: "
        "read_territories(path, ..., crs=EPSG) (CLI: --crs EPSG), or add a .prj file."
    )
    result = runner.invoke(app, [str(a) for a in [*args, "--crs", "2154", "-k", "2"]])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\x89PNG")


def test_every_option_named_in_a_message_exists():
    """Each ``--option`` in the package's messages is an option of a territorial command,
    and those named by the file readers exist on every command that reads files."""
    root = Path(territorial.indicators.__file__).parents[1]
    options: dict[str, set[str]] = {}
    command = typer.main.get_command(app)
    for name, sub in command.commands.items():
        options[name] = {o for p in sub.params for o in p.opts}
    known = set().union(*options.values())
    named: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        if path.name == "data.py" and path.parent.name == "france":  # pip's own options
            continue
        if path.name == "pdf.py" and path.parent.name == "sheet":  # Chromium's own flags
            continue
        for text in re.findall(r'"[^"\n]*"', path.read_text(encoding="utf-8")):
            for option in re.findall(r"(?<![\w-])--[a-z][a-z-]*", text):
                named.setdefault(option, set()).add(path.name)
    unknown = {o: sorted(files) for o, files in named.items() if o not in known}
    assert unknown == {}
    # read_territories names --crs, --layer, --code and --name: every file-reading command has them
    for name in ("territories", "map"):
        assert {"--crs", "--layer", "--code", "--name"} <= options[name], name
    # read_table names --code, --sheet, --encoding and --missing: the --table command has them
    assert {"--table", "--code", "--sheet", "--encoding", "--missing"} <= options["indicators"]


# ---- diagnose: codes in any case, names, and options --------------------------------------


@pytest.mark.realdata
def test_diagnose_finds_codes_in_any_case_and_names(tmp_path, monkeypatch):
    seen: list[str] = []

    class Result:  # stands for the diagnosis set: records the code it is asked for
        def diagnosis(self, code, *, lang):
            seen.append(code)
            raise territorial.errors.TerritorialError(f"stop at {code}")

    monkeypatch.setattr(
        territorial.france.diagnose, "france_diagnosis_set", lambda *a, **k: Result()
    )
    for query in ("2a", "2A", "Corse-du-Sud", "corse du sud"):
        assert run_error(["diagnose", "france:departement", query]) == "stop at 2A"
    assert seen == ["2A"] * 4
    assert run_error(["diagnose", "france:departement", "Corse"]) == (
        "No territory matches 'Corse' in france:departement. Did you mean: Haute-Corse (2B), "
        "Corse-du-Sud (2A), Creuse (23), Orne (61), Oise (60)?"
    )
    message = run_error(["diagnose", "france:commune", "Saint-Denis"])
    assert message.startswith("'Saint-Denis' matches 4 territories: ")
    assert message.endswith(". Give the code instead of the name.")
    assert sorted(re.findall(r"Saint-Denis \((\w+)\)", message)) == [
        "11339", "30247", "93066", "97411"
    ]  # fmt: skip


def test_diagnose_and_composite_options_checked_first(tmp_path, monkeypatch):
    nothing_computed(monkeypatch)
    out = tmp_path / "d.csv"
    assert run_error(["diagnose", "france:region", "84", "--peers", "age", "-o", out], out) == (
        "--peers='age' is not valid: expected one of size, type, all. Use e.g. --peers size."
    )
    assert run_error(["diagnose", "france:region", "84", "--permutations", "0"]) == (
        "--permutations=0 is not valid: expected an integer of at least 19. A cluster needs a "
        "pseudo p-value under 0.05, which takes 19 permutations or more; esda's default is 999."
    )
    assert run_error(["diagnose", "france:region", "84", "--seed", "-1"]) == (
        "--seed=-1 is not valid: expected an integer from 0 to 4294967295. For example --seed "
        "12345."
    )
    assert run_error(["diagnose", "france:region", "84", "--indicators", ",,"]) == (
        "--indicators=',,' is not valid: expected comma-separated indicator ids. For example "
        "--indicators density,women_councillors_share; leave it out for all."
    )
    assert run_error(["diagnose", "france:region", "Auvergne", "--seed", "-1"]).startswith(
        "--seed=-1"
    )  # options before the territory is looked up
    assert run_error(["diagnose", "france:region", "84", "--lang", "de"]) == (
        "--lang='de' is not valid: expected one of fr, en. Use e.g. --lang fr."
    )
    out = tmp_path / "c.csv"
    assert run_error(["composite", "france:region", "-o", out, "--normalisation", "max"]) == (
        "--normalisation='max' is not valid: expected one of minmax, zscore, rank. Use e.g. "
        "--normalisation minmax."
    )


@pytest.mark.realdata
@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_diagnose_one_territory_writes_the_format_asked(tmp_path, suffix):
    out = tmp_path / f"d{suffix}"
    result = runner.invoke(app, ["diagnose", "france:region", "corse", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"diagnosis of 94 written to {out}" in result.output
    if suffix == ".csv":
        table = pd.read_csv(out, dtype={"Unnamed: 0": str, "code": str})
        assert table["code"].tolist() == ["94"] and table["name"].tolist() == ["Corse"]
    else:
        import json

        assert json.loads(out.read_text(encoding="utf-8"))["code"] == "94"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


# ---- the API behind the options ---------------------------------------------------------


def test_map_territories_refuses_bad_k_and_dpi():
    from territorial.errors import InvalidArgumentError
    from territorial.render import map_territories

    # synthetic: three squares
    g = gpd.GeoDataFrame({"v": [1.0, 2.0, 3.0]}, crs=2154,
                         geometry=[box(i, 0, i + 1, 1) for i in range(3)])  # fmt: skip
    for k in (0, 1, -2, 13):
        with pytest.raises(InvalidArgumentError) as info:
            map_territories(g, "v", k=k)
        assert str(info.value) == (
            f"k={k} is not valid: expected an integer from 2 to 12. Maps read best with 3 to 7 "
            "classes."
        )
    with pytest.raises(InvalidArgumentError) as info:
        map_territories(g, "v", kind="gap", reference=2.0, k=0)
    assert str(info.value).startswith("k=0 is not valid")
    with pytest.raises(InvalidArgumentError) as info:
        map_territories(g, "v", dpi=-5)
    assert str(info.value) == (
        "dpi=-5 is not valid: expected a number of dots per inch from 10 to 1200. Use 150 for "
        "the screen, 300 for print."
    )
    with pytest.raises(InvalidArgumentError) as info:
        map_territories(g, "v", figsize=(0, 4))
    assert str(info.value) == (
        "figsize=(0, 4) is not valid: expected (width, height) in inches, each from 1 to 100. "
        "For example figsize=(8, 8)."
    )


ZONES_CATALOGUE = """
layers:
  - {id: grid, type: zones, label: {fr: Carreaux, en: Grid}, extensive: [jobs]}
indicators:
  - {id: jobs, label: Emplois, theme: economy, unit: emplois, polarity: neutral,
     kind: stock, numerator: grid_jobs}
"""


@pytest.mark.realdata
@pytest.mark.filterwarnings("ignore:'crs' was not provided:UserWarning")
def test_zones_layers_report_dropped_points_and_need_a_crs(tmp_path):
    catalogue = tmp_path / "zones.yaml"
    catalogue.write_text(ZONES_CATALOGUE, encoding="utf-8")
    out = tmp_path / "r.csv"
    base = ["indicators", "france:region", "-o", out, "--catalogue", catalogue]
    # synthetic: one made-up zone of 1,000 jobs in Paris, and a point that is not a zone
    zones = tmp_path / "zones.gpkg"
    gpd.GeoDataFrame(
        {"code": ["z1", "p1"], "jobs": [1000.0, 5.0]},
        geometry=[box(2.30, 48.84, 2.36, 48.88), Point(2.35, 48.85)], crs=4326,
    ).to_file(zones)  # fmt: skip
    result = runner.invoke(app, [str(a) for a in [*base, "--layer", f"grid={zones}",
                                                   "--layer-code", "grid=code"]])  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "--layer grid: 1 point geometries left out (territories are polygons): p1" in lines
    assert pd.read_csv(out, dtype={"code": str}).set_index("code").loc["11", "jobs"] == 1000.0
    out.unlink()
    # the same zone in a shapefile without .prj
    shp = tmp_path / "zones.shp"
    gpd.GeoDataFrame({"code": ["z1"], "jobs": [1000.0]},
                     geometry=[box(2.30, 48.84, 2.36, 48.88)]).to_file(shp)  # fmt: skip
    message = run_error([*base, "--layer", f"grid={shp}", "--layer-code", "grid=code"], out)
    assert message == (
        f"The zones file {str(shp)!r} of --layer grid has no CRS; territorial never guesses "
        "one. Declare its CRS in the file (e.g. add the .prj of a shapefile)."
    )


# ---- text from data and users is printed as it is, never read as rich markup -------------


def test_brackets_in_messages_and_labels_are_printed_literally(tmp_path):
    # a synthetic catalogue: brackets in an error message and in a label
    bad = tmp_path / "one_column.yaml"
    bad.write_text(
        "indicators:\n  - {id: spec, label: 'Spé [x]', theme: economy, unit: indice,\n"
        "     polarity: neutral, kind: krugman, breakdown: [jobs_industry]}\n",
        encoding="utf-8",
    )
    assert run_error(["catalogue", "--catalogue", bad]) == (
        "Indicator 'spec': breakdown=('jobs_industry',) must list at least two columns "
        "(e.g. breakdown: [jobs_industry, jobs_services])."
    )
    good = tmp_path / "two_columns.yaml"
    good.write_text(
        bad.read_text(encoding="utf-8").replace("[jobs_industry]", "[jobs_industry, jobs_x]"),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["catalogue", "--catalogue", str(good)])
    assert result.exit_code == 0, result.output
    assert "Spé [x]" in result.output


# ---- a full disk while writing: one line, the previous file kept ---------------------------


def _small_file_limit() -> None:  # runs in the child: writes past 64 KiB fail with EFBIG
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 16, 1 << 16))


@pytest.mark.realdata
@pytest.mark.parametrize(
    "command",
    [
        ["indicators", "france:commune", "-i", "density", "-o", "{out}.csv"],
        ["indicators", "france:commune", "-i", "density", "-o", "{out}.gpkg"],
        ["indicators", "france:commune", "-i", "density", "-o", "{out}.xlsx"],
        ["map", "france:commune", "density", "-o", "{out}.png"],
    ],
)
def test_a_write_past_the_file_size_limit_is_one_line_and_keeps_the_file(tmp_path, command):
    import subprocess
    import sys

    suffix = command[-1].rsplit(".", 1)[1]
    out = tmp_path / f"result.{suffix}"
    out.write_bytes(b"previous")
    args = [a.replace("{out}", str(tmp_path / "result")) for a in command]
    done = subprocess.run(
        [str(Path(sys.executable).parent / "territorial"), *args],
        capture_output=True,
        text=True,
        preexec_fn=_small_file_limit,
        check=False,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    lines = done.stderr.strip().splitlines()
    # the stored table of the level and the stored drawn geometry (shortcuts across
    # processes) may fail first: each said in one line
    notes = [line for line in lines if line.startswith("territorial: the table of")]
    assert len(notes) <= 1 and all("computed again next time" in n for n in notes)
    drawn = [line for line in lines if line.startswith("territorial: the drawn geometry")]
    assert len(drawn) <= 1 and all("could not be stored" in n for n in drawn)
    notes += drawn
    message = " ".join(" ".join(line for line in lines if line not in notes).split())
    assert message.startswith(f"error: Writing {str(out)!r} failed (")
    assert message.endswith(
        "; any previous file is unchanged. Free some space, or write to another folder."
    )
    assert out.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


def test_control_characters_from_data_never_reach_the_terminal(tmp_path):
    # synthetic catalogue: a label that would retitle the terminal and colour it red
    catalogue = tmp_path / "esc.yaml"
    catalogue.write_text(
        'indicators:\n  - {id: esc, label: "\\e[31mRouge\\e]0;pwned\\a", theme: demography,\n'
        "     unit: hab., polarity: neutral, kind: stock, numerator: population}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["catalogue", "--catalogue", str(catalogue)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b[31mRouge\\x1b]0;pwned\\x07" in result.output
    # and in an error message
    bad = tmp_path / "bad.yaml"
    bad.write_text('indicators:\n  - {id: "a\\e[2Jb"}\n', encoding="utf-8")
    message = run_error(["catalogue", "--catalogue", bad])
    assert "\x1b" not in message and "\\x1b[2J" in message


def test_an_output_that_is_an_input_is_refused(tmp_path, monkeypatch):
    nothing_computed(monkeypatch)
    table = tmp_path / "mydata.csv"  # synthetic table
    table.write_text("CODGEO;things\n01001;1\n", encoding="utf-8")
    catalogue = tmp_path / "cat.yaml"
    catalogue.write_text(CATALOGUE, encoding="utf-8")
    base = ["indicators", "france:region", "--catalogue", catalogue]
    assert run_error([*base, "--table", table, "-o", table]) == (
        f"--output={str(table)!r} is not valid: expected a file other than the inputs. It is "
        "the file given to --table: writing would replace your data. Choose another output "
        "name."
    )
    side = tmp_path / "mydata.metadata.csv"
    side.write_text(table.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "mydata.csv"
    assert run_error([*base, "--table", side, "-o", out]).endswith(
        "Its metadata file is the file given to --table: writing would replace your data. "
        "Choose another output name."
    )
    assert table.read_text(encoding="utf-8") == "CODGEO;things\n01001;1\n"
