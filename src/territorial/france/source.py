"""``france:LEVEL`` as a :class:`~territorial.sources.Source`: the built-in levels, their
indicators, references and diagnosis behind the one interface every command consumes.

Examples
--------
>>> from territorial.sources import open_source
>>> epci = open_source("france:epci", purpose="diagnosis")
>>> epci.parent_level, epci.reference_levels
('departement', ('region', 'departement', 'france'))
>>> epci.find("Métropole de Lyon"), epci.label("unemployment_rate", "en")
('200046977', 'Unemployment rate, aged 15-64 (census)')
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from territorial.errors import UnknownLevelError
from territorial.france.levels import (
    FRANCE_DIAGNOSIS_LEVELS,
    FRANCE_INDICATOR_LEVELS,
    FRANCE_LEVELS,
    france_level,
)
from territorial.sources import Source

if TYPE_CHECKING:
    import geopandas as gpd

    from territorial.diagnose.diagnosis import DiagnosisSet
    from territorial.indicators.engine import IndicatorTable

__all__ = ["FranceSource", "open_france"]

#: the levels each purpose accepts (see :data:`territorial.sources.PURPOSES`)
LEVELS_FOR: dict[str, tuple[str, ...]] = {
    "territories": FRANCE_LEVELS,
    "indicators": FRANCE_INDICATOR_LEVELS,
    "diagnosis": tuple(FRANCE_DIAGNOSIS_LEVELS),
}


class FranceSource(Source):
    """One level of the built-in France territories (``france:epci``...).

    The territories, the indicators of the France catalogue
    (:func:`~territorial.france.compute_france`), France's value as the reference,
    and the diagnosis against the parent levels and France
    (:func:`~territorial.france.france_diagnosis_set`).
    """

    scheme = "france"

    def __init__(
        self,
        level: str,
        *,
        text: str | None = None,
        cache: str | os.PathLike[str] | None = None,
        progress: bool = True,
    ) -> None:
        row = france_level(level, among=(*FRANCE_LEVELS, *FRANCE_INDICATOR_LEVELS))
        self.level = level
        self.text = text or f"france:{level}"
        self.cache = cache
        self.progress = progress
        self.parent_levels = row.parents
        self.parent_level = row.default_parent if row.loaded else None
        self.reference_levels = _references(level)
        self._label = row.label

    @functools.cached_property
    def territories(self) -> gpd.GeoDataFrame:
        from territorial.france.data import load_france

        return load_france(self.level, cache=self.cache, progress=self.progress)

    def level_label(self, lang: str = "fr", *, plural: bool = False) -> str:
        singular, many = self._label.get(lang) or self._label["fr"]
        return many if plural else singular

    def level_label_of(self, level: str, lang: str = "fr", *, plural: bool = True) -> str:
        """A French level in words, from the levels table.

        Examples
        --------
        >>> FranceSource("commune").level_label_of("departement", "en")
        'départements'
        """
        try:
            labels = france_level(level, among=(*FRANCE_LEVELS, *FRANCE_INDICATOR_LEVELS)).label
        except UnknownLevelError:
            return level
        singular, many = labels.get(lang) or labels["fr"]
        return many if plural else singular

    def parent_territories(self, level: str) -> gpd.GeoDataFrame | None:
        from territorial.france.data import load_france

        if level not in FRANCE_LEVELS:
            return None
        return load_france(level, cache=self.cache, progress=False)

    def _levels(self, level: str) -> gpd.GeoDataFrame:
        """The territories of another level, loaded once (read only)."""
        from territorial.france.data import load_france

        memo = self.__dict__.setdefault("_loaded_levels", {})
        if level not in memo:
            memo[level] = load_france(level, cache=self.cache, progress=False)
        return memo[level]

    def find(self, query: str, *, argument: str = "CODE") -> str:
        from territorial.errors import InvalidArgumentError, TerritoryNotFoundError
        from territorial.france.data import load_france
        from territorial.territories.lookup import find

        names = self.__dict__.get("territories")  # loaded already, or names alone (faster)
        if names is None:
            names = load_france(self.level, cache=self.cache, progress=False, columns=["name"])
        try:
            return find(names, query)
        except TerritoryNotFoundError as error:
            if self.level == "commune":
                from territorial.france.data import read_france_provenance

                report = read_france_provenance(cache=self.cache)["report"]
                if query.strip() in report.get("communes_without_geometry", {}):
                    raise InvalidArgumentError(
                        argument, query, "a commune with a geometry in the built-in data",
                        f"{query.strip()} is a commune without geometry in the source: it "
                        "counts in every total and table (territorial indicators "
                        "france:commune), but it has no neighbours to compare with. Diagnose "
                        "its EPCI or département.",
                    ) from None  # fmt: skip
            raise TerritoryNotFoundError(query, error.suggestions, where=self.text) from None

    @functools.cached_property
    def _catalogue(self):
        from territorial.france.indicators import france_catalogue

        return france_catalogue()

    def metadata(self, indicator: str) -> Mapping[str, Any]:
        if indicator not in self._catalogue:
            return {}
        return self._catalogue[indicator].to_dict()

    def indicators(self, ids: Iterable[str] | None = None, **kwds: Any) -> IndicatorTable:
        """:func:`~territorial.france.compute_france` at this level; ``kwds`` are its
        options (``catalogue``, ``components``, ``layers``)."""
        from territorial.france.indicators import compute_france

        ids = None if ids is None else list(ids)
        return compute_france(self.level, indicators=ids, cache=self.cache, **kwds)

    def map_frame(self, columns: Iterable[str]) -> gpd.GeoDataFrame:
        """The indicators (``compute_france(...).wide``): name, population, geometry and
        one column per indicator, their metadata in ``attrs``."""
        return self.indicators(list(columns)).wide

    def reference(self, indicator: str) -> float | None:
        """France's value (the whole country as one territory)."""
        from territorial.france.indicators import compute_france

        values = compute_france("france", indicators=[indicator], cache=self.cache).values
        return float(values[indicator].iloc[0])

    def reference_values(self, indicators: Iterable[str]) -> dict[str, float | None]:
        """France's value of each indicator, computed at once.

        Examples
        --------
        >>> FranceSource("region").reference_values(["population"])["population"] > 6e7
        True
        """
        import math

        from territorial.france.indicators import compute_france

        ids = [i for i in dict.fromkeys(indicators) if i in self._catalogue]
        values = compute_france("france", indicators=ids, cache=self.cache).values
        out: dict[str, float | None] = {}
        for i in ids:
            value = float(values[i].iloc[0])
            out[i] = None if math.isnan(value) else value
        return out

    def diagnosis_set(self, **kwds: Any) -> DiagnosisSet:
        from territorial.france.diagnose import france_diagnosis_set

        return france_diagnosis_set(self.level, cache=self.cache, **kwds)

    def page_frame(self, ids: Iterable[str]) -> tuple[gpd.GeoDataFrame, Any]:
        """The indicators (``compute_france(...).wide``) with the parents' code columns,
        and the catalogue: what an interactive page draws.

        Examples
        --------
        >>> gdf, catalogue = FranceSource("departement").page_frame(["density"])
        >>> gdf.loc["69", "region"], catalogue["density"].unit
        ('84', 'hab./km²')
        """
        table = self.indicators(list(ids))
        gdf = table.wide
        parents = [c for c in FRANCE_LEVELS if c in self.territories.columns]
        extra = self.territories[[c for c in parents if c not in gdf.columns]]
        return gdf.join(extra.reindex(gdf.index)), table.catalogue

    #: The France sheet: key figures, the comparison table by theme, the sectors of the
    #: establishments and the indicator of the small map (ids of the France catalogue).
    SHEET_LAYOUT: Mapping[str, Any] = {
        "key": ("population", "population_growth", "area", "density", "n_communes", "jobs",
                "unemployment_rate", "establishments", "median_income", "poverty_rate",
                "vacancy_rate"),
        "themes": {
            "demography": ("population_growth", "share_under_20", "share_65_plus"),
            "economy": ("unemployment_rate", "activity_rate", "jobs_growth",
                        "establishments_per_1000"),
            "society": ("median_income", "poverty_rate", "vacancy_rate",
                        "owner_occupiers_share"),
            "governance": ("women_councillors_share", "share_councillors_under_40"),
            "public_services": ("median_townhall_hours", "mean_distance_prefecture"),
            "safety": ("road_accidents_rate",),
            "environment": ("land_forest_share", "land_builtup_share"),
        },
        "sectors": ("share_establishments_agriculture", "share_establishments_industry",
                    "share_establishments_construction", "share_establishments_services",
                    "share_establishments_public"),
        "map": "population_growth",
        "short": {
            "share_establishments_agriculture": {"fr": "Agriculture", "en": "Agriculture"},
            "share_establishments_industry": {"fr": "Industrie", "en": "Industry"},
            "share_establishments_construction": {"fr": "Construction", "en": "Construction"},
            "share_establishments_services": {"fr": "Commerce, transports, services",
                                              "en": "Trade, transport, services"},
            "share_establishments_public": {"fr": "Administration, enseignement, santé",
                                            "en": "Public sector, education, health"},
        },
    }  # fmt: skip

    def sheet_layout(self, indicators: Iterable[str] | None = None) -> dict[str, Any]:
        """:data:`SHEET_LAYOUT`, restricted to ``indicators`` when given (and to the
        catalogue's indicators).

        Examples
        --------
        >>> FranceSource("epci").sheet_layout()["map"]
        'population_growth'
        """
        known = set(self._catalogue) if indicators is None else set(indicators)
        layout = self.SHEET_LAYOUT
        themes = {t: [i for i in ids if i in known] for t, ids in layout["themes"].items()}
        return {
            "key": [i for i in layout["key"] if i in self._catalogue],
            "themes": {t: ids for t, ids in themes.items() if ids},
            "sectors": [i for i in layout["sectors"] if i in known],
            "map": layout["map"] if layout["map"] in known else next(
                (ids[0] for ids in themes.values() if ids), None),
            "short": dict(layout["short"]),
        }  # fmt: skip

    def population_history(self, level: str | None = None) -> Any:
        """The legal populations of each vintage (``POPULATION_VINTAGES``: 2016, 2017,
        2019, 2020, 2022, 2023) summed over the communes of each territory of ``level``
        (default this one's; ``"france"``: the country, code ``FR``).

        Examples
        --------
        >>> history = FranceSource("region").population_history("france")
        >>> history.columns.tolist()[:2], int(history.loc["FR", 2023]) > 60_000_000
        ([2016, 2017], True)
        """
        from territorial.france.indicators import compute_france
        from territorial.france.insee import POPULATION_VINTAGES
        from territorial.indicators.spec import Catalogue, IndicatorSpec

        specs = [
            IndicatorSpec(
                id=f"population_{year}",
                label={"fr": f"Population municipale {year}", "en": f"Population {year}"},
                theme="demography", unit="hab.", polarity="neutral", kind="stock",
                numerator=f"population_{year}",
                source="INSEE, populations légales", vintage=str(year),
            )
            for year in POPULATION_VINTAGES
        ]  # fmt: skip
        catalogue = Catalogue([*self._catalogue.values(), *specs], name=self._catalogue.name,
                              layers=self._catalogue.layers)  # fmt: skip
        table = compute_france(
            level or self.level, indicators=[s.id for s in specs], catalogue=catalogue,
            cache=self.cache,
        )  # fmt: skip
        values = table.values[[s.id for s in specs]].copy()
        values.columns = list(POPULATION_VINTAGES)
        # Mayotte's figure in every list is its 2017 population (its census is not
        # annual): one vintage only, never a flat line that would say "no change"
        level = level or self.level
        if level in FRANCE_LEVELS:
            gdf = self.territories if level == self.level else self._levels(level)
            if level == "departement":
                mayotte = gdf.index == "976"
            elif level == "region":
                mayotte = gdf.index == "06"
            elif "departement" in gdf.columns:
                mayotte = (gdf["departement"] == "976").to_numpy()
            else:
                mayotte = None
            if mayotte is not None:
                codes = gdf.index[mayotte]
                values.loc[values.index.isin(codes), [y for y in values.columns if y != 2017]] = (
                    None
                )
        return values

    def profiles(self) -> list[Any]:
        """:func:`~territorial.france.france_profiles`."""
        from territorial.france.diagnose import france_profiles

        return france_profiles()

    @property
    def provenance(self) -> dict[str, Any]:
        from territorial.france.data import read_france_provenance

        record = read_france_provenance(cache=self.cache)
        return {"source": self.text, **{k: v for k, v in record.items() if k != "report"}}


def _references(level: str) -> tuple[str, ...]:
    """The levels a territory of ``level`` is compared with, parents first, France last."""
    return FRANCE_DIAGNOSIS_LEVELS.get(level, ())


def open_france(
    level: str,
    *,
    text: str,
    purpose: str,
    argument: str,
    fix: str,
    cache: str | os.PathLike[str] | None,
    progress: bool,
) -> FranceSource:
    """The :class:`FranceSource` of ``france:LEVEL``, once the level is known to serve
    ``purpose``; else one :class:`~territorial.errors.UnknownLevelError`.

    Examples
    --------
    >>> source = open_france("region", text="france:region", purpose="indicators",
    ...                      argument="SOURCE", fix="", cache=None, progress=False)
    >>> source.text, source.parent_level
    ('france:region', None)
    """
    allowed = LEVELS_FOR[purpose]
    if level not in allowed:
        raise UnknownLevelError(
            level, allowed, argument, value=text,
            expected="france:LEVEL with LEVEL one of " + ", ".join(allowed),
            fix=fix or "For example: france:departement.",
        )  # fmt: skip
    return FranceSource(level, text=text, cache=cache, progress=progress)
