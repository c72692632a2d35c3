"""CLI commands for indicators: ``territorial indicators`` and ``territorial catalogue``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from territorial.cli._common import (
    SafeConsole,
    as_option,
    check_not_an_input,
    check_output,
    console,
    fail,
)
from territorial.errors import InvalidArgumentError, TerritorialError


def _source(source: str) -> Any:
    from territorial.sources import open_source

    return open_source(
        source, purpose="indicators", files=False,
        fix="Example: territorial indicators france:epci -o epci.csv",
    )  # fmt: skip


def _pairs(option: str, values: list[str] | None, example: str) -> dict[str, str]:
    """``["a=x", "b=y"]`` -> ``{"a": "x", "b": "y"}``, each id once."""
    out: dict[str, str] = {}
    for value in values or []:
        key, sep, rest = value.partition("=")
        key, rest = key.strip(), rest.strip()
        if not sep or not key or not rest:
            raise InvalidArgumentError(
                option, value, f"ID=VALUE, e.g. {example}", f"Repeat {option} for each layer."
            )
        if key in out:
            raise InvalidArgumentError(
                option, value, "each layer id once", f"{key!r} is given twice."
            )
        out[key] = rest
    return out


def _layer_crs(lid: str, value: str) -> int:
    """The value of ``--layer-crs ID=VALUE``: an EPSG code pyproj knows."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    code = value.upper().removeprefix("EPSG:")
    if code.isdigit():
        try:
            CRS.from_epsg(int(code))
            return int(code)
        except CRSError:
            pass
    raise InvalidArgumentError(
        "--layer-crs", f"{lid}={value}",
        "an EPSG code such as 4326 (longitude/latitude in degrees) or 2154 (Lambert-93)",
        f"Example: --layer-crs {lid}=4326.",
    )  # fmt: skip


def _layer_xy(lid: str, value: str) -> tuple[str, str]:
    """The value of ``--layer-xy ID=XCOL,YCOL``."""
    x, sep, y = value.partition(",")
    x, y = x.strip(), y.strip()
    if not sep or not x or not y or "," in y or x == y:
        raise InvalidArgumentError(
            "--layer-xy", f"{lid}={value}", "ID=XCOL,YCOL, two different column names",
            f"Example: --layer-xy {lid}=lon,lat.",
        )  # fmt: skip
    return x, y


def _read_point_layer(lid: str, path: str, crs: str | None, xy: str | None) -> Any:
    from territorial.errors import (
        ColumnNotFoundError,
        CRSMismatchError,
        MissingCRSError,
        UnsupportedFormatError,
    )
    from territorial.io.points import TABLE_SUFFIXES, read_points
    from territorial.io.tables import read_frame

    given_crs = _layer_crs(lid, crs) if crs is not None else None
    x, y = _layer_xy(lid, xy) if xy is not None else (None, None)
    table = Path(path).suffix.lower() in TABLE_SUFFIXES
    if xy is not None and not table:
        raise InvalidArgumentError(
            "--layer-xy", f"{lid}={xy}", "the id of a point table (CSV or XLSX)",
            f"The file of layer {lid!r} is a vector file: its points are its geometries.",
        )  # fmt: skip
    try:
        return read_points(path, x=x, y=y, crs=given_crs)
    except UnsupportedFormatError as error:
        raise UnsupportedFormatError(f"--layer {lid}", path, error.allowed) from None
    except MissingCRSError:
        if not table:
            raise MissingCRSError(
                f"The layer {path!r} of --layer {lid}",
                f"Declare the CRS in the file, or add --layer-crs {lid}=EPSG "
                "(e.g. 4326 for longitude/latitude, 2154 for Lambert-93).",
            ) from None
        raise MissingCRSError(
            f"The point table {path!r} of --layer {lid}",
            f"Add --layer-crs {lid}=4326 for longitude/latitude in degrees, "
            f"--layer-crs {lid}=2154 for Lambert-93.",
        ) from None
    except CRSMismatchError:
        declared = read_points(path).crs
        raise CRSMismatchError(
            f"--layer-crs {lid}={crs} was given but {path!r} declares "
            f"{declared.to_string()}. Drop --layer-crs {lid}, or reproject the file first."
        ) from None
    except (ColumnNotFoundError, InvalidArgumentError) as error:
        from territorial.errors import format_values

        if not table or getattr(error, "argument", None) not in ("x", "y"):
            raise
        columns = format_values(list(read_frame(Path(path))[0].columns), limit=20)
        if xy is not None:
            raise InvalidArgumentError(
                "--layer-xy", f"{lid}={xy}", f"two columns of {path!r} (columns: {columns})",
                "Check the spelling.",
            ) from None  # fmt: skip
        raise InvalidArgumentError(
            "--layer", f"{lid}={path}",
            f"a point table with lon/lat or x/y coordinate columns (columns: {columns})",
            f"Name them: --layer-xy {lid}=XCOL,YCOL.",
        ) from None  # fmt: skip


def read_layers(
    catalogue: Any,
    paths: Mapping[str, str],
    crs: Mapping[str, str] | None = None,
    codes: Mapping[str, str] | None = None,
    xy: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Read the files of ``--layer ID=PATH`` with the reader of each declared layer type.

    ``crs`` (``--layer-crs``), ``codes`` (``--layer-code``) and ``xy``
    (``--layer-xy``, ``"XCOL,YCOL"``) map layer ids to the option values. Each
    point layer carries ``attrs["report"]`` (see
    :func:`territorial.io.points.read_points`); :func:`read_lines` words it.
    """
    from territorial.errors import format_values

    crs, codes, xy = dict(crs or {}), dict(codes or {}), dict(xy or {})
    types = {layer.id: layer.type for layer in catalogue.layers}
    declared = format_values(list(types)) or "none"
    options = (("--layer", paths), ("--layer-crs", crs), ("--layer-code", codes),
               ("--layer-xy", xy))  # fmt: skip
    for option, given in options:
        for lid, value in given.items():
            if lid not in types:
                raise InvalidArgumentError(
                    option, f"{lid}={value}",
                    f"a layer declared by the catalogue {catalogue.name!r} (declared: {declared})",
                    "Declare it under 'layers:' in your --catalogue YAML.",
                )  # fmt: skip
            if option != "--layer" and lid not in paths:
                raise InvalidArgumentError(
                    option, f"{lid}={value}", "the id of a layer given with --layer",
                    f"Add --layer {lid}=PATH.",
                )  # fmt: skip
    out: dict[str, Any] = {}
    for lid, path in paths.items():
        if not Path(path).exists():
            raise InvalidArgumentError(
                "--layer", f"{lid}={path}", "an existing file", "Check the path."
            )
        kind = types[lid]
        if lid in crs and kind != "points":
            raise InvalidArgumentError(
                "--layer-crs", f"{lid}={crs[lid]}", "the id of a points layer",
                f"Layer {lid!r} is a {kind} layer: its file declares its CRS.",
            )  # fmt: skip
        if lid in xy and kind != "points":
            raise InvalidArgumentError(
                "--layer-xy", f"{lid}={xy[lid]}", "the id of a points layer",
                f"Layer {lid!r} is a {kind} layer.",
            )  # fmt: skip
        if lid in codes and kind != "zones":
            raise InvalidArgumentError(
                "--layer-code", f"{lid}={codes[lid]}", "the id of a zones layer",
                f"Layer {lid!r} is a {kind} layer.",
            )  # fmt: skip
        if kind == "points":
            out[lid] = _read_point_layer(lid, path, crs.get(lid), xy.get(lid))
        elif kind == "raster":
            from territorial.io.raster import read_raster

            out[lid] = read_raster(path)
        else:
            from territorial.errors import MissingCRSError
            from territorial.io.vector import read_territories

            code = codes.get(lid)
            try:
                out[lid] = read_territories(path, code=code, name=code)
            except MissingCRSError:
                raise MissingCRSError(
                    f"The zones file {path!r} of --layer {lid}",
                    "Declare its CRS in the file (e.g. add the .prj of a shapefile).",
                ) from None
            except InvalidArgumentError as error:
                if error.argument == "path":
                    raise as_option(error, {"path": "--layer"}) from None
                if error.argument not in ("code", "name") or code is not None:
                    raise
                raise InvalidArgumentError(
                    "--layer", f"{lid}={path}",
                    "a zones file whose code column is named with --layer-code (it is not an "
                    "Admin Express layer)",
                    f"Add --layer-code {lid}=COLUMN (any column with one value per zone).",
                ) from None  # fmt: skip
    return out


def read_lines(paths: Mapping[str, str], layers: Mapping[str, Any]) -> list[str]:
    """One line per point layer: the rows read and those left out without coordinates.

    Examples
    --------
    >>> import geopandas as gpd
    >>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([4.8], [45.7]), crs=4326)
    >>> pts.attrs["report"] = {"rows": 3, "points": 1, "dropped_missing_coordinates": 2}
    >>> read_lines({"shops": "shops.csv"}, {"shops": pts})
    ['--layer shops: read 3 rows from shops.csv; 2 without coordinates left out']
    """
    lines = []
    for lid, layer in layers.items():
        report = getattr(layer, "attrs", {}).get("report")
        if hasattr(report, "lines") and not isinstance(report, Mapping):  # a zones layer
            lines.extend(f"--layer {lid}: {line}" for line in report.lines())
            continue
        if not isinstance(report, Mapping) or "dropped_missing_coordinates" not in report:
            continue
        line = f"--layer {lid}: read {report['rows']} rows from {paths[lid]}"
        if report["dropped_missing_coordinates"]:
            line += f"; {report['dropped_missing_coordinates']} without coordinates left out"
        commas = report.get("decimal_comma_columns")
        if commas:
            line += f"; decimal commas read in {', '.join(map(repr, commas))}"
        lines.append(line)
    return lines


def _user_catalogue(path: Path | None) -> Any:
    """The catalogue of ``--catalogue PATH`` (read as a file whatever its suffix), or None."""
    if path is None:
        return None
    from territorial.indicators import load_catalogue
    from territorial.io.catalogues import read_catalogue_file

    if not path.is_file():
        raise InvalidArgumentError(
            "--catalogue", str(path), "an existing YAML file",
            "Check the path (territorial catalogue lists the built-in indicators).",
        )  # fmt: skip
    return load_catalogue(read_catalogue_file(path), name=path.name)


def _count_lines(counts: Mapping[str, int], what: str) -> list[str]:
    """One line per number of communes, naming the indicators that have it."""
    by_count: dict[int, list[str]] = {}
    for sid, n in counts.items():
        by_count.setdefault(int(n), []).append(sid)
    return [
        f"{', '.join(ids)}: {n} commune{'s' if n > 1 else ''} {what}"
        for n, ids in sorted(by_count.items(), reverse=True)
    ]


def scope_lines(partial_scope: Mapping[str, int]) -> list[str]:
    """One line per number of communes left out of both sums, naming the indicators.

    Examples
    --------
    >>> scope_lines({"density": 17, "share_pop_10k": 17, "rate": 3})
    ['density, share_pop_10k: 17 communes left out of numerator and denominator (one of the two unknown)', 'rate: 3 communes left out of numerator and denominator (one of the two unknown)']
    """  # noqa: E501
    return _count_lines(
        partial_scope, "left out of numerator and denominator (one of the two unknown)"
    )


def total_lines(partial_totals: Mapping[str, int]) -> list[str]:
    """One line per number of communes without a value left out of totals that others make.

    Examples
    --------
    >>> total_lines({"population": 18})
    ['population: 18 communes without a value left out of the totals they belong to']
    """
    return _count_lines(partial_totals, "without a value left out of the totals they belong to")


def indicators(
    source: Annotated[
        str, typer.Argument(help="france:LEVEL, e.g. france:epci or france:france.")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Output: .csv, .parquet, .xlsx or .gpkg")
    ],
    catalogue: Annotated[
        Path | None, typer.Option("--catalogue", help="A YAML catalogue of your own indicators.")
    ] = None,
    table: Annotated[
        Path | None,
        typer.Option("--table", help="A table by commune code (CSV, XLSX, Parquet) of your data."),
    ] = None,
    indicator: Annotated[
        list[str] | None, typer.Option("--indicator", "-i", help="Indicator id (repeatable).")
    ] = None,
    code: Annotated[
        str | None,
        typer.Option("--code", help="Code column of --table (default: detected, e.g. CODGEO)."),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option("--sheet", help="Sheet of an XLSX --table: its name or number (default 0)."),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding", help="Encoding of a CSV --table (default: detected, e.g. utf-8)."
        ),
    ] = None,
    missing: Annotated[
        list[str] | None,
        typer.Option(
            "--missing",
            help="A cell value of --table read as missing, besides s, nd, NA... (repeatable).",
        ),
    ] = None,
    tidy: Annotated[
        bool, typer.Option("--tidy", help="Write the long table (territory, indicator, value...).")
    ] = False,
    layer: Annotated[
        list[str] | None,
        typer.Option(
            "--layer",
            help="ID=PATH: data of a layer declared by --catalogue (points, raster or zones; "
            "repeatable).",
        ),
    ] = None,
    layer_crs: Annotated[
        list[str] | None,
        typer.Option("--layer-crs", help="ID=EPSG: CRS of the coordinates of a CSV point layer."),
    ] = None,
    layer_code: Annotated[
        list[str] | None,
        typer.Option("--layer-code", help="ID=COLUMN: code column of a zones layer file."),
    ] = None,
    layer_xy: Annotated[
        list[str] | None,
        typer.Option(
            "--layer-xy",
            help="ID=XCOL,YCOL: coordinate columns of a CSV point layer (default: detected, "
            "e.g. lon,lat or x,y).",
        ),
    ] = None,
) -> None:
    """Compute indicators at a French level and write them (wide table or --tidy)."""
    from territorial.france import france_catalogue
    from territorial.io.write import GEOMETRY_SUFFIXES, WRITE_SUFFIXES, write_layer

    try:
        territories = _source(source)
        check_output(output, WRITE_SUFFIXES)
        layer_files = {f"--layer {p.split('=', 1)[0]}": p.split("=", 1)[1]
                       for p in layer or () if "=" in p}  # fmt: skip
        check_not_an_input(output, {"--table": table, "--catalogue": catalogue, **layer_files})
        for option, value in (("--sheet", sheet), ("--encoding", encoding),
                              ("--missing", missing), ("--code", code)):  # fmt: skip
            if value and table is None:
                raise InvalidArgumentError(
                    option, value if not isinstance(value, list) else value[0],
                    "an option of --table", f"Add --table FILE, or drop {option}.",
                )  # fmt: skip
        if tidy and output.suffix.lower() in GEOMETRY_SUFFIXES:
            raise InvalidArgumentError(
                "--output", str(output), "a .csv, .parquet or .xlsx file with --tidy",
                "The long table has no geometry.",
            )  # fmt: skip
        user_catalogue = _user_catalogue(catalogue)
        layer_paths = _pairs("--layer", layer, "accidents=points.gpkg")
        layer_data: dict[str, Any] | None = None
        if layer_paths or layer_crs or layer_code or layer_xy:
            layer_data = read_layers(
                france_catalogue() if user_catalogue is None else user_catalogue,
                layer_paths,
                _pairs("--layer-crs", layer_crs, "accidents=4326"),
                _pairs("--layer-code", layer_code, "cantons=code"),
                _pairs("--layer-xy", layer_xy, "shops=lon,lat"),
            )
        components = None
        if table is not None:
            from territorial.io.tables import MISSING_MARKERS, read_table

            try:
                components = read_table(
                    table, code=code, sheet=sheet if sheet is not None else 0,
                    encoding=encoding, missing=(*MISSING_MARKERS, *(missing or ())),
                )  # fmt: skip
            except TerritorialError as error:
                options = {"path": "--table", "sheet": "--sheet", "encoding": "--encoding",
                           "code": "--code"}  # fmt: skip
                raise as_option(error, options) from None
        ids = list(indicator) if indicator else None
        result = territories.indicators(ids, catalogue=user_catalogue, components=components,
                                        layers=layer_data)  # fmt: skip
        data = result.tidy().set_index("territory") if tidy else result.wide
        written = write_layer(data, output, metadata=result.metadata())
    except TerritorialError as error:
        fail(error)
    for line in read_lines(layer_paths, layer_data or {}):
        console.print(line, highlight=False)
    for line in (result.report.get("table") or {}).get("lines", []):
        console.print(f"--table: {line}", highlight=False)
    for column, n in (result.report.get("non_finite") or {}).items():
        console.print(
            f"{column}: {n} infinite value{'s' if n > 1 else ''} read as missing", highlight=False
        )
    for report in (result.report.get("layers") or {}).values():
        for line in report.get("lines", []):
            console.print(f"--layer {line}", highlight=False)
    skipped = result.report.get("skipped")
    if skipped:
        console.print(
            f"skipped {', '.join(skipped['indicators'])}: {skipped['reason']}", highlight=False
        )
    from territorial.indicators.kinds import flag_reason

    flagged = result.report.get("flagged") or {}
    for sid, n in flagged.items():
        reason = flag_reason(result.catalogue[sid].kind)
        console.print(f"{sid}: {n} territories undefined ({reason})", highlight=False)
    for line in scope_lines(result.report.get("partial_scope") or {}):
        console.print(line, highlight=False)
    for line in total_lines(result.report.get("partial_totals") or {}):
        console.print(line, highlight=False)
    console.print(
        f"{len(result.values.columns)} indicators x {len(result.values)} territories "
        f"written to {written}",
        highlight=False,
    )
    from territorial.io.write import metadata_path

    where = {
        ".xlsx": "its 'metadata' sheet", ".gpkg": "its 'metadata' table",
        ".parquet": "its schema metadata (key 'territorial')",
    }.get(written.suffix.lower(), str(metadata_path(written)))  # fmt: skip
    console.print(
        f"labels, units, sources and vintages of the indicators: {where}", highlight=False
    )


def catalogue(
    catalogue_file: Annotated[
        Path | None, typer.Option("--catalogue", help="A YAML catalogue (default: built-in).")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Label language: fr or en.")] = "fr",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Also write the list (.csv, .xlsx).")
    ] = None,
) -> None:
    """List the available indicators with their metadata."""
    import pandas as pd

    from territorial.france import france_catalogue

    try:
        if lang not in ("fr", "en"):
            raise InvalidArgumentError("--lang", lang, "'fr' or 'en'")
        if output is not None:
            check_output(output, (".csv", ".xlsx", ".parquet"))
        cat = _user_catalogue(catalogue_file)
        if cat is None:
            cat = france_catalogue()
        meta = cat.metadata(lang)
        if output is not None:
            from territorial.io.write import write_layer

            write_layer(pd.DataFrame(meta).set_index("id"), output)
    except TerritorialError as error:
        fail(error)
    view = Table(title=f"{cat.name}: {len(cat)} indicators")
    for column in ("id", "label", "theme", "unit", "polarity", "vintage"):
        view.add_column(column)
    for row in meta:
        view.add_row(*(str(row[c]) for c in ("id", "label", "theme", "unit", "polarity",
                                             "vintage")))  # fmt: skip
    SafeConsole().print(view)  # labels come from the catalogue
    if cat.layers:
        n = len(cat.layers)
        layers = Table(
            title=f"{n} layer{'s' if n > 1 else ''} (give their data with --layer ID=PATH)"
        )
        for column in ("id", "type", "label", "components", "vintage"):
            layers.add_column(column)
        for item in cat.layers:
            layers.add_row(item.id, item.type, item.label_in(lang), ", ".join(item.components()),
                           item.vintage)  # fmt: skip
        SafeConsole().print(layers)


def register(app: typer.Typer) -> None:
    """Attach the indicator commands to the ``territorial`` app."""
    app.command("indicators")(indicators)
    app.command("catalogue")(catalogue)
