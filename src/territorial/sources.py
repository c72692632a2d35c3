"""One model of a source: the territories a command or an API call is given, and their data.

Every command takes its territories as one text: ``france:LEVEL`` for the built-in
France levels, or the path of a vector file. :func:`open_source` is the one parser of
that text; it returns a :class:`Source`, which every command consumes the same way:

- ``source.territories``: the GeoDataFrame (code index, ``name``, ``population``,
  ``area_km2``, the parents' code columns, geometry);
- ``source.indicators(ids)``: the values and the metadata of each indicator
  (an :class:`~territorial.indicators.engine.IndicatorTable`);
- ``source.diagnosis_set(...)``: the diagnosis of every territory;
- ``source.metadata(id)``, ``source.reference(id)``, ``source.provenance``...

A scheme (``france``) is a prefix bound to a module that builds its sources
(:data:`SCHEMES`); this module knows no country. Later schemes (subsets, custom
territories, other countries) register the same way.

Examples
--------
>>> source = open_source("france:departement")
>>> source.level, source.parent_level, source.level_label("en", plural=True)
('departement', 'region', 'départements')
>>> source.find("Rhône"), source.territories.loc["69", "name"]
('69', 'Rhône')
>>> open_source("france:quartier")
Traceback (most recent call last):
...
territorial.errors.UnknownLevelError: SOURCE='france:quartier' is not valid: expected \
france:LEVEL with LEVEL one of arrondissement, commune, canton, circonscription, epci, \
departement, region. For example: france:departement.
"""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from territorial.errors import InvalidArgumentError
from territorial.format import spec_text

if TYPE_CHECKING:
    import geopandas as gpd

    from territorial.diagnose.diagnosis import DiagnosisSet
    from territorial.indicators.engine import IndicatorTable

__all__ = [
    "PURPOSES",
    "SCHEMES",
    "FileSource",
    "Source",
    "load_source",
    "open_source",
    "refuse_file_options",
]

#: What a command needs of its source: territories (to draw or list them), indicators
#: (computed at the level), or a diagnosis (compared with references and peers).
PURPOSES: tuple[str, ...] = ("territories", "indicators", "diagnosis")

#: Scheme prefix -> ``"module:function"`` building its sources, as
#: ``function(level, *, text, purpose, argument, fix, cache, progress) -> Source``.
SCHEMES: dict[str, str] = {"france": "territorial.france.source:open_france"}

#: Options that describe a file; given with a scheme source they are refused.
FILE_OPTIONS: tuple[str, ...] = ("code", "name", "population", "layer", "crs")


class Source:
    """Territories and their data, as one command or call was given them.

    Build one with :func:`open_source`. Subclasses: :class:`FileSource` and
    :class:`territorial.france.source.FranceSource`.

    Attributes
    ----------
    text
        What was given (``"france:epci"``, ``"counties.gpkg"``).
    scheme
        ``"france"``, or ``"file"``.
    level
        The level's code (``"epci"``), or for a file the ``level`` of its territories.
    """

    text: str
    scheme: str
    level: str

    #: levels whose code columns the territories carry, finest first
    parent_levels: tuple[str, ...] = ()
    #: the level drawn over this one (borders) and whose territories are the peers of ranks
    parent_level: str | None = None
    #: levels a diagnosis compares with, nearest first (empty: the whole set)
    reference_levels: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.text!r})"

    @functools.cached_property
    def territories(self) -> gpd.GeoDataFrame:
        """The territories: code index, ``name``, ``population``, ``area_km2``, geometry."""
        raise NotImplementedError

    def level_label(self, lang: str = "fr", *, plural: bool = False) -> str:
        """The level in words (``département``, ``EPCIs``); a file's level as it is, or
        « territoire(s) » / "territory (territories)" when the file names none."""
        if self.level == "territory":
            words = {"fr": ("territoire", "territoires"), "en": ("territory", "territories")}
            return words.get(lang, words["fr"])[plural]
        return self.level

    def level_label_of(self, level: str, lang: str = "fr", *, plural: bool = True) -> str:
        """Another level of the source in words (the parents' borders of a page); its
        name as it is when the source does not know it."""
        return level

    def parent_territories(self, level: str) -> gpd.GeoDataFrame | None:
        """The territories of a parent level (borders, locator maps), None if unknown."""
        return None

    def find(self, query: str, *, argument: str = "CODE") -> str:
        """The code of the territory that ``query`` (a code or a name) designates.

        Raises :class:`~territorial.errors.TerritoryNotFoundError` with the nearest
        names, or :class:`~territorial.errors.AmbiguousTerritoryError`.
        """
        from territorial.errors import TerritoryNotFoundError
        from territorial.territories.lookup import find

        try:
            return find(self.territories, query)
        except TerritoryNotFoundError as error:
            raise TerritoryNotFoundError(query, error.suggestions, where=self.text) from None

    def indicators(self, ids: Iterable[str] | None = None, **kwds: Any) -> IndicatorTable:
        """The indicators of the territories (default: all those the source knows)."""
        raise NotImplementedError

    def map_frame(self, columns: Iterable[str]) -> gpd.GeoDataFrame:
        """The territories with ``columns`` to draw (a file's own columns, of any type;
        the indicators of a scheme), with their metadata in ``attrs``."""
        return self.territories

    def metadata(self, indicator: str) -> Mapping[str, Any]:
        """What is known of an indicator: ``label``, ``unit``, ``source``, ``vintage``,
        ``polarity`` (labels as ``{"fr": ..., "en": ...}``); empty when nothing is."""
        return {}

    def label(self, indicator: str, lang: str = "fr") -> str:
        """The indicator's label in ``lang`` (its id when it has none): the one
        resolver used by the maps, the pages and the sheets."""
        return spec_text(self.metadata(indicator), "label", lang, default=indicator) or indicator

    def reference(self, indicator: str) -> float | None:
        """The value of the whole (France for ``france:`` levels), or None when the
        source has no such reference (a gap map then needs one given)."""
        return None

    def reference_values(self, indicators: Iterable[str]) -> dict[str, float | None]:
        """:meth:`reference` of each indicator (France's values at once for ``france:``)."""
        return {i: self.reference(i) for i in indicators}

    def diagnosis_set(self, **kwds: Any) -> DiagnosisSet:
        """The diagnosis of every territory (see :func:`territorial.diagnose.diagnose`)."""
        raise NotImplementedError

    @property
    def provenance(self) -> dict[str, Any]:
        """Where the territories and their data come from."""
        return {"source": self.text}

    def sheet_layout(self, indicators: Iterable[str] | None = None) -> dict[str, Any]:
        """What a one-page sheet (:mod:`territorial.sheets`) shows of a territory.

        A dict: ``key`` (indicator ids of the key figures), ``themes`` (theme ->
        ids of the comparison table), ``sectors`` (ids of the shares of the
        establishments' chart, empty if none), ``map`` (the id of the small map),
        ``short`` (id -> short labels ``{"fr", "en"}`` of the sectors).
        A file's: every indicator (or ``indicators``) in one table, none as key
        figures but its population and area.

        Examples
        --------
        >>> Source().sheet_layout(["a", "b"])
        {'key': [], 'themes': {'': ['a', 'b']}, 'sectors': [], 'map': 'a', 'short': {}}
        """
        ids = list(indicators) if indicators is not None else []
        return {
            "key": [],
            "themes": {"": ids},
            "sectors": [],
            "map": ids[0] if ids else None,
            "short": {},
        }

    def population_history(self, level: str | None = None) -> Any:
        """The population of each territory of ``level`` (default: the source's;
        ``"france"``: the whole) at every vintage the source knows (a DataFrame,
        one column per year), or None when it knows one vintage only."""
        return None

    def profiles(self) -> list[Any]:
        """Actors' points of view over the indicators
        (:class:`~territorial.diagnose.composite.Profile`); none for a file."""
        return []


class FileSource(Source):
    """Territories read from a vector file (any format pyogrio reads).

    Its indicators are the file's numeric columns, as given: no unit, no polarity, so
    that its diagnosis says traits (high, low), never strengths nor weaknesses, and
    compares each territory with the whole set.

    Examples
    --------
    A file made for the example: two squares of 1 and 4 km², with a count of shops.

    >>> import tempfile
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> path = Path(tempfile.mkdtemp()) / "zones.gpkg"
    >>> gpd.GeoDataFrame({"id": ["a", "b"], "nom": ["A", "B"], "shops": [3, 10]}, crs=2154,
    ...     geometry=[box(0, 0, 1_000, 1_000), box(2_000, 0, 4_000, 2_000)]).to_file(path)
    >>> source = open_source(str(path), code="id", name="nom")
    >>> source.scheme, source.find("B"), source.indicators().values["shops"].tolist()
    ('file', 'b', [3.0, 10.0])
    """

    scheme = "file"

    def __init__(self, path: Path, *, text: str, options: Mapping[str, Any]) -> None:
        from territorial.io.vector import read_territories

        self.text = text
        self.path = path
        self.options = dict(options)
        gdf = read_territories(path, **self.options)
        self.__dict__["territories"] = gdf
        self.level = str(gdf["level"].iloc[0]) if "level" in gdf and len(gdf) else "territory"

    #: columns of every file's territories that are not indicators of their own
    NOT_INDICATORS: tuple[str, ...] = ("level", "metric_epsg")

    def _numeric(self) -> list[str]:
        import pandas as pd

        gdf = self.territories
        return [
            c for c in gdf.columns
            if c != gdf.geometry.name and c not in self.NOT_INDICATORS
            and pd.api.types.is_numeric_dtype(gdf[c]) and not pd.api.types.is_bool_dtype(gdf[c])
        ]  # fmt: skip

    def metadata(self, indicator: str) -> Mapping[str, Any]:
        if indicator not in self._numeric():
            return {}
        return {"id": indicator, "label": {"fr": indicator, "en": indicator}, "unit": "",
                "polarity": "neutral", "source": str(self.path.name)}  # fmt: skip

    def indicators(self, ids: Iterable[str] | None = None, **kwds: Any) -> IndicatorTable:
        import pandas as pd

        from territorial.errors import ColumnNotFoundError
        from territorial.indicators.engine import IndicatorTable

        if kwds:
            raise InvalidArgumentError(
                next(iter(kwds)), "given", f"no such option with a file ({self.text})",
                "A file's indicators are its numeric columns; compute others in Python.",
            )  # fmt: skip
        numeric = self._numeric()
        wanted = numeric if ids is None else list(ids)
        for column in wanted:
            if column not in numeric:
                raise ColumnNotFoundError("INDICATOR", column, numeric)
        values = pd.DataFrame(
            {c: pd.to_numeric(self.territories[c], errors="coerce").astype(float)
             for c in wanted}, index=self.territories.index,
        )  # fmt: skip
        return IndicatorTable(
            values=values,
            flags=pd.DataFrame(False, index=values.index, columns=values.columns),
            catalogue={c: self.metadata(c) for c in wanted},  # type: ignore[arg-type]
            territories=self.territories,
            report={"source": self.text, "indicators": wanted},
        )

    def diagnosis_set(self, *, indicators: Iterable[str] | None = None, **kwds: Any):
        """Every territory against the whole set (no parents, peers: all)."""
        from territorial.diagnose import contiguity_weights, diagnose

        table = self.indicators(indicators)
        lisa = kwds.pop("lisa", True)
        lisa_kwds = {k: kwds.pop(k) for k in ("permutations", "seed", "alpha", "fdr") if k in kwds}
        kwds.pop("peers", None)
        gdf = self.territories
        return diagnose(
            table.values,
            table.catalogue,
            names=gdf["name"],
            level=self.level,
            population=gdf.get("population"),
            weights=contiguity_weights(gdf) if lisa else None,
            lisa_kwds=lisa_kwds or None,
            **kwds,
        )

    @property
    def provenance(self) -> dict[str, Any]:
        read = self.territories.attrs.get("report")
        return {"source": self.text, "path": str(self.path),
                "read": read.to_dict() if hasattr(read, "to_dict") else None}  # fmt: skip


def refuse_file_options(source: str, options: dict[str, object]) -> None:
    """Raise if an option that describes a file (its columns, layer, CRS) is given with
    built-in territories, instead of ignoring it.

    ``options`` maps each option's name, as the caller spells it (``"code"`` or
    ``"--code"``), to its value (None when not given).

    Examples
    --------
    >>> refuse_file_options("france:region", {"--code": None})
    >>> refuse_file_options("france:region", {"--crs": "2154"})
    Traceback (most recent call last):
    ...
    territorial.errors.InvalidArgumentError: --crs='2154' is not valid: expected nothing with \
france:region. It describes the columns, layers or CRS of a file; the built-in territories \
have their own. Leave it out.
    """
    for option, value in options.items():
        if value is not None:
            raise InvalidArgumentError(
                option, value, f"nothing with {source}",
                "It describes the columns, layers or CRS of a file; the built-in "
                "territories have their own. Leave it out.",
            )  # fmt: skip


def open_source(
    source: str,
    *,
    purpose: str = "territories",
    argument: str = "SOURCE",
    fix: str = "",
    files: bool = True,
    code: str | None = None,
    name: str | None = None,
    population: str | None = None,
    layer: str | None = None,
    crs: int | str | None = None,
    options: Mapping[str, str] | None = None,
    cache: str | os.PathLike[str] | None = None,
    progress: bool = True,
) -> Source:
    """Parse what was given as territories: ``france:LEVEL`` or the path of a vector file.

    Parameters
    ----------
    source
        ``france:commune``, ``france:epci``... or a file path.
    purpose
        One of :data:`PURPOSES`: which levels are accepted (all loaded levels for
        ``territories``, those with indicators, those that can be diagnosed).
    argument
        The name of the argument in errors (``SOURCE`` for the commands).
    fix
        The example that ends an error on the level (``"For example: ..."``).
    files
        Whether a file is accepted (False: an error saying how to do it otherwise).
    code, name, population, layer, crs
        How to read a file (see :func:`~territorial.io.vector.read_territories`);
        refused with a scheme source.
    options
        The command-line spelling of those options (``{"crs": "--crs"}``) for errors.
    cache, progress
        The built-in data's cache folder, and progress bars while fetching it.

    Raises
    ------
    UnknownLevelError
        An unknown scheme level (``france:quartier``), naming the levels accepted for
        ``purpose``.
    InvalidArgumentError
        A file that does not exist, or options that do not apply.

    Examples
    --------
    >>> epci = open_source("france:epci", purpose="diagnosis")
    >>> type(epci).__name__, epci.level_label("fr", plural=True)
    ('FranceSource', 'EPCI')
    >>> open_source("france:arrondissement", purpose="diagnosis")
    Traceback (most recent call last):
    ...
    territorial.errors.UnknownLevelError: SOURCE='france:arrondissement' is not valid: expected \
france:LEVEL with LEVEL one of commune, canton, circonscription, epci, departement, region. For \
example: france:departement.
    """
    if purpose not in PURPOSES:
        raise InvalidArgumentError(
            "purpose",
            purpose,
            f"one of {', '.join(PURPOSES)}",
            "For example purpose='indicators'.",
        )
    file_options = {"code": code, "name": name, "population": population, "layer": layer,
                    "crs": crs}  # fmt: skip
    spelled = dict(options or {})
    scheme, sep, level = source.partition(":")
    if sep and scheme in SCHEMES:
        refuse_file_options(source, {spelled.get(k, k): v for k, v in file_options.items()})
        module, function = SCHEMES[scheme].split(":")
        build = getattr(importlib.import_module(module), function)
        return build(level, text=source, purpose=purpose, argument=argument, fix=fix,
                     cache=cache, progress=progress)  # fmt: skip
    if not files:
        raise InvalidArgumentError(
            argument, source, "france:LEVEL (e.g. france:commune)",
            fix or "Other sources: use the Python API.",
        )  # fmt: skip
    path = Path(source)
    if not path.exists():
        raise InvalidArgumentError(
            argument, source, "france:LEVEL or the path of an existing vector file",
            "Check the path, or use e.g. france:commune.",
        )  # fmt: skip
    return FileSource(
        path, text=source, options={k: v for k, v in file_options.items() if v is not None}
    )


def load_source(
    source: str,
    *,
    code: str | None = None,
    name: str | None = None,
    population: str | None = None,
    layer: str | None = None,
    crs: int | str | None = None,
    cache: str | os.PathLike[str] | None = None,
    progress: bool = True,
) -> gpd.GeoDataFrame:
    """The territories of ``france:LEVEL`` or of a vector file
    (``open_source(...).territories``).

    Examples
    --------
    The built-in regions (from the cached data):

    >>> regions = load_source("france:region", progress=False)
    >>> len(regions), regions.loc["84", "name"]
    (18, 'Auvergne-Rhône-Alpes')

    A file of your own, here a square of 1 km² made for the example:

    >>> import tempfile
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> path = Path(tempfile.mkdtemp()) / "zone.gpkg"
    >>> gpd.GeoDataFrame({"id": ["z1"], "nom": ["Zone"]}, crs=2154,
    ...                  geometry=[box(700_000, 6_600_000, 701_000, 6_601_000)]).to_file(path)
    >>> zone = load_source(str(path), code="id", name="nom")
    >>> zone.index.tolist(), round(float(zone["area_km2"].iloc[0]), 3)
    (['z1'], 1.0)
    """
    return open_source(
        source, argument="source", code=code, name=name, population=population,
        layer=layer, crs=crs, cache=cache, progress=progress,
    ).territories  # fmt: skip
