"""Indicator specifications and catalogues (data, not code).

An :class:`IndicatorSpec` describes one indicator: its id, French and English
labels, theme, unit, polarity, kind (how it is computed from the finest
components), its operands, source, vintage and a short note on why it matters.
A :class:`Catalogue` is an ordered, validated collection of specs, loaded from
YAML (with a safe loader) or built from Python objects. It may also declare
:class:`LayerSpec` entries: point layers, rasters and zonings turned into
additive commune components by :func:`territorial.indicators.layers.layer_components`.
"""

from __future__ import annotations

import functools
import math
import os
import re
import reprlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from territorial.errors import CatalogueError, TerritorialError, format_values
from territorial.format import in_language

__all__ = [
    "BUILTIN_COMPONENTS",
    "KINDS",
    "LAYER_TYPES",
    "POLARITIES",
    "THEMES",
    "UNITS",
    "Catalogue",
    "CatalogueError",
    "IndicatorSpec",
    "LayerSpec",
    "UnknownIndicatorError",
    "load_catalogue",
    "parse_yaml",
]

#: Themes of a territorial diagnosis.
THEMES: tuple[str, ...] = (
    "demography",
    "economy",
    "society",
    "environment",
    "public_services",
    "governance",
    "safety",
)
#: Polarity: which direction is "better" (used by diagnostics and maps).
POLARITIES: tuple[str, ...] = ("higher_is_better", "higher_is_worse", "neutral")

#: Kinds of indicator and the operands each one needs (required, optional).
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "stock": (("numerator",), ()),
    "ratio": (("numerator", "denominator"), ("scale",)),
    "share": (("numerator", "denominator"), ()),
    "density": (("numerator",), ("denominator",)),
    "growth": (("start", "end", "years"), ()),
    "median": (("column",), ("records", "where")),
    "unit_value": (("column",), ()),
    "gini": (("column",), ()),
    "theil": (("column",), ()),
    "location_quotient": (("breakdown", "category"), ()),
    "krugman": (("breakdown",), ()),
    "hhi": (("breakdown",), ()),
    "shannon": (("breakdown",), ()),
}
#: Kinds whose value is a quotient of two sums (they expose numerator and denominator).
RATIO_KINDS: frozenset[str] = frozenset({"ratio", "share", "density"})
_OPERANDS = ("numerator", "denominator", "scale", "start", "end", "years", "column", "records",
             "where", "breakdown", "category")  # fmt: skip

#: Known units. Ratios per N inhabitants must say N in the unit and in ``scale``.
UNITS: tuple[str, ...] = (
    "hab.", "km²", "hab./km²", "%", "%/an", "communes", "ans", "h/semaine", "km", "nombre",
    "indice", "€", "€/hab.", "pour 1 000 hab.", "pour 10 000 hab.", "pour 100 000 hab.",
    "accidents", "tués", "établissements", "emplois", "logements", "ha", "m", "°C", "mm",
    "pour 100 actifs occupés",
)  # fmt: skip
_PER = re.compile(r"^pour ([\d ]+) hab\.$")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class UnknownIndicatorError(TerritorialError, KeyError):
    """An indicator id is not in the catalogue."""

    def __init__(self, argument: str, ids: Iterable[str], available: Iterable[str]) -> None:
        self.ids = tuple(ids)
        self._message = (
            f"{argument}={format_values(self.ids)} is not in the catalogue. "
            f"Available indicators: {format_values(sorted(available), limit=15)}. "
            "List them with `territorial catalogue`."
        )
        super().__init__(self._message)

    def __str__(self) -> str:  # KeyError would quote the message
        return self._message


@dataclass(frozen=True)
class IndicatorSpec:
    """The specification of one indicator.

    Operands name component columns (``population``, ``area_km2``...) or the id
    of a ``stock`` indicator of the same catalogue; several columns may be
    added with ``+`` (``"councillors_pcs5 + councillors_pcs6"``).

    Parameters
    ----------
    id
        Identifier: lower case letters, digits and ``_``.
    label
        ``{"fr": ..., "en": ...}``.
    theme
        One of :data:`THEMES`.
    unit
        One of :data:`UNITS`.
    polarity
        ``higher_is_better``, ``higher_is_worse`` or ``neutral``.
    kind
        One of :data:`KINDS`: ``stock`` (sum), ``ratio`` (sum of numerators over
        sum of denominators, times ``scale``), ``share`` (same, in %),
        ``density`` (per km²; the denominator defaults to ``area_km2``),
        ``growth`` (annualised growth rate in %/year between the sums ``start``
        and ``end`` over ``years``), ``median`` (median of member records),
        ``unit_value`` (the value of a territory made of one unit, e.g. a commune's
        median income: missing for a territory of several units, since a median or
        a rate without its components is not a function of its members' values),
        ``gini``/``theil`` (concentration of member values), and
        ``location_quotient``, ``krugman``, ``hhi``, ``shannon`` (from a
        ``breakdown``: a tuple of component columns).
    source, vintage, why
        Where the data comes from, which year(s), and why the indicator matters.
    formula
        Human-readable formula; generated from the operands when empty.
    count, min_count
        Statistical confidentiality and robustness: ``count`` names the component
        column(s) counting the persons or events the value rests on (``mayors``,
        ``deaths_2018_2020``...), summed per territory like a stock; where that sum
        is below ``min_count`` (or unknown), the value is withheld (missing, and
        counted in ``IndicatorTable.withheld``). A figure about fewer than 5
        persons is never published: give ``count`` to every indicator about
        persons.

    Examples
    --------
    >>> spec = IndicatorSpec(id="density", label={"fr": "Densité", "en": "Density"},
    ...     theme="demography", unit="hab./km²", polarity="neutral", kind="density",
    ...     numerator="population")
    >>> spec.formula
    'sum(population) / sum(area_km2)'
    """

    id: str
    label: Mapping[str, str]
    theme: str
    unit: str
    polarity: str
    kind: str
    numerator: str | None = None
    denominator: str | None = None
    scale: float | None = None
    start: str | None = None
    end: str | None = None
    years: float | None = None
    column: str | None = None
    records: str | None = None
    where: str | None = None
    breakdown: tuple[str, ...] | None = None
    category: str | None = None
    source: str = ""
    vintage: str = ""
    why: str = ""
    formula: str = ""
    decimals: int | None = None
    count: str | None = None
    min_count: float | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _validate_spec(self)
        if self.kind == "density" and self.denominator is None:
            object.__setattr__(self, "denominator", "area_km2")
        if self.breakdown is not None and not isinstance(self.breakdown, tuple):
            object.__setattr__(self, "breakdown", tuple(self.breakdown))
        if not self.formula:
            object.__setattr__(self, "formula", _formula(self))

    def label_in(self, lang: str = "fr") -> str:
        """The label in ``lang`` (``fr`` or ``en``), falling back to French."""
        return in_language(self.label, lang, default=self.id)

    def operand_expressions(self) -> dict[str, str]:
        """The operands that are sums of component columns (name -> expression)."""
        names = ("numerator", "denominator", "start", "end")
        if self.kind in ("gini", "theil", "unit_value") or (
            self.kind == "median" and not self.records
        ):
            names = (*names, "column")
        return {n: getattr(self, n) for n in (*names, "count") if getattr(self, n) is not None}

    def to_dict(self) -> dict[str, Any]:
        """The spec as a plain dict (for YAML, JSON or a metadata table)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or value == {} or (f.name == "extra" and not value):
                continue
            out[f.name] = list(value) if isinstance(value, tuple) else value
        out["label"] = dict(self.label)
        return out


def _formula(spec: IndicatorSpec) -> str:
    k = spec.kind
    if k == "stock":
        return f"sum({spec.numerator})"
    if k in ("ratio", "share", "density"):
        scale = 100 if k == "share" else (spec.scale or 1)
        text = f"sum({spec.numerator}) / sum({spec.denominator})"
        return text if scale == 1 else f"{text} × {scale:g}"
    if k == "growth":
        return f"((sum({spec.end}) / sum({spec.start}))^(1/{spec.years:g}) - 1) × 100"
    if k == "median":
        where = f" where {spec.where}" if spec.where else ""
        return f"median of {spec.column} over {spec.records or 'member units'}{where}"
    if k == "unit_value":
        return f"{spec.column} of the territory's one unit (not aggregated)"
    if k in ("gini", "theil"):
        return f"{k.capitalize()} index of {spec.column} over member units"
    if k == "location_quotient":
        return f"(share of {spec.category} in the territory) / (share in all units)"
    return f"{k} index of the breakdown {', '.join(spec.breakdown or ())}"


def _fail(spec_id: object, message: str) -> None:
    raise CatalogueError(f"Indicator {_short(spec_id)}: {message}")


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 60
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 5
_REPR.maxlevel = 3


def _short(value: object) -> str:
    """``repr(value)`` cut to a few dozen characters (a bad value may be huge)."""
    return _REPR.repr(value)


def _is_number(value: object) -> bool:
    """A real, finite number (``True``/``False`` are not numbers here)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


_LANGUAGES = ("fr", "en")
_BOOL_HINT = " (YAML reads yes, no, on, off, true and false unquoted as true/false)"


def _label_problem(label: object) -> str | None:
    """What is wrong with a label (``None`` when it is a fine ``{fr, en}`` mapping)."""
    example = "(e.g. label: {fr: Densité, en: Density})"
    if not isinstance(label, Mapping) or "fr" not in label:
        return f"label={_short(label)} must be a mapping with at least a 'fr' entry {example}."
    unknown = [key for key in label if key not in _LANGUAGES]
    if unknown:
        return (
            f"label has the unknown languages {format_values(unknown)}; the languages are "
            f"fr and en {example}."
        )
    for lang in _LANGUAGES:
        text = label.get(lang, "")
        if text is None or (lang == "fr" and isinstance(text, str) and not text.strip()):
            if lang == "fr":
                return f"label fr is empty: write the French label {example}."
            return "label en is empty: write the English label, or leave 'en' out."
        if not isinstance(text, str):
            hint = _BOOL_HINT if isinstance(text, bool) else ""
            return f"label {lang}={_short(text)} must be text; quote it in the YAML{hint}."
    return None


def _check_choice(spec_id: object, key: str, value: object, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    if not isinstance(value, str) or value not in allowed:
        known = "is not a known unit" if key == "unit" else "is not known"
        _fail(spec_id, f"{key}={_short(value)} {known}. Use one of: {', '.join(allowed)}.")


_EXPRESSIONS = ("numerator", "denominator", "start", "end", "count")
_NAMES = ("column", "records", "where", "category")
_TEXTS = ("source", "vintage", "why", "formula")


def _validate_types(spec: IndicatorSpec) -> None:
    """Every field has the type it must have (before any check of the content)."""
    if not isinstance(spec.id, str) or not _ID.match(spec.id):
        _fail(spec.id, "id must be lower case letters, digits and '_' (e.g. 'density').")
    problem = _label_problem(spec.label)
    if problem:
        _fail(spec.id, problem)
    _check_choice(spec.id, "theme", spec.theme, THEMES)
    _check_choice(spec.id, "polarity", spec.polarity, POLARITIES)
    _check_choice(spec.id, "kind", spec.kind, KINDS)
    _check_choice(spec.id, "unit", spec.unit, UNITS)
    for key in _EXPRESSIONS:
        value = getattr(spec, key)
        if value is None:
            continue
        terms = value.split("+") if isinstance(value, str) else [""]
        if any(not term.strip() for term in terms):
            _fail(
                spec.id,
                f"{key}={_short(value)} must be the name of a component column or of a stock "
                "indicator, or several names joined with ' + ' (e.g. "
                f"{key}: councillors_employees + councillors_workers).",
            )
    for key in _NAMES:
        value = getattr(spec, key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            _fail(spec.id, f"{key}={_short(value)} must be a name (text, e.g. {key}: age).")
    for key in _TEXTS:
        value = getattr(spec, key)
        if not isinstance(value, str):
            _fail(spec.id, f"{key}={_short(value)} must be text; quote it in the YAML.")
    if spec.scale is not None and not (_is_number(spec.scale) and spec.scale > 0):
        _fail(
            spec.id,
            f"scale={_short(spec.scale)} must be a positive number (e.g. scale: 10000 for a "
            "rate per 10 000 inhabitants).",
        )
    if spec.years is not None and not (_is_number(spec.years) and spec.years > 0):
        _fail(
            spec.id,
            f"years={_short(spec.years)} must be a positive number of years (e.g. years: 13).",
        )
    if spec.decimals is not None and not (
        isinstance(spec.decimals, int)
        and not isinstance(spec.decimals, bool)
        and 0 <= spec.decimals <= 10
    ):
        _fail(
            spec.id,
            f"decimals={_short(spec.decimals)} must be a whole number from 0 to 10 "
            "(e.g. decimals: 1).",
        )
    if spec.breakdown is not None:
        _check_breakdown(spec.id, spec.breakdown)
    if (spec.count is None) != (spec.min_count is None):
        _fail(
            spec.id,
            "count and min_count go together: count names the column of persons or events "
            "the value rests on, min_count the fewest it takes (e.g. count: mayors, "
            "min_count: 5).",
        )
    if spec.min_count is not None and not (_is_number(spec.min_count) and spec.min_count > 0):
        _fail(
            spec.id,
            f"min_count={_short(spec.min_count)} must be a positive number (e.g. min_count: 5).",
        )
    if not isinstance(spec.extra, Mapping):
        _fail(spec.id, f"extra={_short(spec.extra)} must be a mapping (e.g. extra={{}}).")


def _check_breakdown(spec_id: object, breakdown: object) -> None:
    example = "(e.g. breakdown: [jobs_industry, jobs_services])"
    if not isinstance(breakdown, tuple | list) or len(breakdown) < 2:
        _fail(spec_id, f"breakdown={_short(breakdown)} must list at least two columns {example}.")
    for item in breakdown:  # type: ignore[union-attr]
        if not isinstance(item, str) or not item.strip():
            _fail(spec_id, f"breakdown: {_short(item)} must be the name of a column {example}.")
    twice = sorted({c for c in breakdown if list(breakdown).count(c) > 1})  # type: ignore[union-attr]
    if twice:
        _fail(spec_id, f"breakdown lists {format_values(twice)} twice; list each column once.")


def _validate_spec(spec: IndicatorSpec) -> None:
    _validate_types(spec)
    required, optional = KINDS[spec.kind]
    missing = [name for name in required if getattr(spec, name) is None]
    if missing:
        _fail(spec.id, f"kind {spec.kind!r} needs {', '.join(missing)}.")
    extra = [
        name
        for name in _OPERANDS
        if getattr(spec, name) is not None and name not in required + optional
    ]
    if extra:
        _fail(spec.id, f"kind {spec.kind!r} does not use {', '.join(extra)}; remove it.")
    if spec.kind == "share" and spec.unit != "%":
        _fail(spec.id, f"unit={spec.unit!r} does not fit kind 'share'; a share is in '%'.")
    if spec.kind == "growth" and spec.unit != "%/an":
        _fail(spec.id, f"unit={spec.unit!r} does not fit kind 'growth'; use '%/an'.")
    if spec.kind == "density" and not spec.unit.endswith("/km²"):
        _fail(spec.id, f"unit={spec.unit!r} does not fit kind 'density'; use a unit per km².")
    per = _PER.match(spec.unit)
    if per:
        n = float(per.group(1).replace(" ", ""))
        if spec.kind != "ratio" or spec.scale != n:
            _fail(
                spec.id,
                f"unit={spec.unit!r} needs kind 'ratio' with scale {n:g} "
                f"(got kind {spec.kind!r}, scale {spec.scale!r}).",
            )
    if spec.category is not None and spec.category not in tuple(spec.breakdown or ()):
        _fail(spec.id, f"category={_short(spec.category)} must be one of the breakdown columns.")


#: Types of layer a catalogue may declare, and the fields only that type accepts.
LAYER_TYPES: dict[str, tuple[str, ...]] = {
    "points": ("weight",),
    "raster": ("classes",),
    "zones": ("extensive", "weights"),
}
#: Component columns of the built-in France data (a layer must not produce one of them).
BUILTIN_COMPONENTS: frozenset[str] = frozenset(
    {
        "population", "area_km2", "n_communes", "population_10k", "councillors",
        "councillors_women", "councillors_age_known", "councillors_under_40",
        "councillors_pcs_known", "councillors_farmers", "councillors_craftsmen",
        "councillors_managers", "councillors_intermediate", "councillors_employees",
        "councillors_workers", "councillors_retired", "councillors_other", "mayors",
        "mayors_women", "townhall_hours", "townhall_hours_known", "townhall_website",
        "prefecture_km", "communes_not_prefecture", "population_prefecture_known",
        "population_x_prefecture_km",
        "accidents_per_year_2018_2020", "deaths_per_year_2018_2020",
        "accidents_per_year_2005_2007", "deaths_per_year_2005_2007", "population_accidents",
        "accidents_2018_2020", "deaths_2018_2020", "accidents_2005_2007", "deaths_2005_2007",
        "mcd12c1_km2", "mcd12c1_cells", "mcd12c1_forest_km2", "mcd12c1_shrubland_km2",
        "mcd12c1_savanna_km2", "mcd12c1_grassland_km2", "mcd12c1_wetland_km2",
        "mcd12c1_cropland_km2", "mcd12c1_builtup_km2", "mcd12c1_mosaic_km2", "mcd12c1_other_km2",
        "census_population_2018", "census_population_2013", "births_2013_2018",
        "deaths_2013_2018", "dwellings", "main_homes", "second_homes", "vacant_dwellings",
        "owner_occupied_homes", "jobs_2018", "jobs_2013", "population_15_64", "unemployed_15_64",
        "active_15_64", "establishments", "establishments_agriculture", "establishments_industry",
        "establishments_construction", "establishments_services", "establishments_public",
        "establishments_10_plus", "natural_balance_2013_2018", "migration_balance_2013_2018",
        "employed_15_64", "fiscal_households", "fiscal_persons", "taxed_households",
        "median_income_2021", "poverty_rate_2021", "d9_d1_ratio_2021", "population_2016",
        "population_2019", "population_2020", "population_2022", "population_2023",
        "population_2021", "population_0_19", "population_65_plus", "population_2017",
    }
)  # fmt: skip
_INTENSIVE_FIX = (
    "intensive variables (rates, densities) are not additive: interpolate their numerator "
    "and denominator as extensive columns and make a ratio indicator of the two."
)


def _layer_fail(layer_id: object, message: str) -> None:
    raise CatalogueError(f"Layer {_short(layer_id)}: {message}")


@dataclass(frozen=True)
class LayerSpec:
    """A layer declared by a catalogue: points, a raster or a zoning.

    Each layer becomes additive component columns per finest unit (commune),
    named after its id (see :meth:`components`), that indicators use like any
    other component.

    Parameters
    ----------
    id
        Identifier (lower case letters, digits and ``_``): the name given with
        ``--layer ID=PATH`` or ``layers={"ID": data}``.
    type
        ``points``, ``raster`` or ``zones`` (see :data:`LAYER_TYPES`).
    label
        ``{"fr": ..., "en": ...}``.
    source, vintage
        Where the data comes from and which year(s).
    weight
        Points only: a column summed instead of counting points.
    classes
        Raster only: raster value -> class name (``{11: "urban", 31: "forest"}``).
    extensive
        Zones only (required): columns of counts to interpolate to the units.
    weights
        Zones only: ``"area"`` (default) or ``"population"``.

    Examples
    --------
    >>> layer = LayerSpec(id="accidents", type="points", label={"fr": "Accidents"})
    >>> layer.components()
    ('accidents', 'accidents_popkm', 'accidents_pop')
    """

    id: str
    type: str
    label: Mapping[str, str]
    source: str = ""
    vintage: str = ""
    weight: str | None = None
    classes: Mapping[float, str] | None = None
    extensive: tuple[str, ...] | None = None
    weights: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.extensive, list):
            object.__setattr__(self, "extensive", tuple(self.extensive))
        _validate_layer(self)
        if self.classes is not None:
            object.__setattr__(self, "classes", dict(self.classes))
        if self.type == "zones" and self.weights is None:
            object.__setattr__(self, "weights", "area")

    def label_in(self, lang: str = "fr") -> str:
        """The label in ``lang`` (``fr`` or ``en``), falling back to French."""
        return in_language(self.label, lang, default=self.id)

    def components(self) -> tuple[str, ...]:
        """The component columns this layer can produce per unit."""
        if self.type == "points":
            return (self.id, f"{self.id}_popkm", f"{self.id}_pop")
        if self.type == "raster":
            named = tuple(f"{self.id}_{n}_km2" for n in (self.classes or {}).values())
            return (f"{self.id}_sum", f"{self.id}_cells", f"{self.id}_km2", *named)
        return tuple(f"{self.id}_{c}" for c in self.extensive or ())

    def to_dict(self) -> dict[str, Any]:
        """The layer as a plain dict (for YAML, JSON or a metadata table)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or (f.name in ("source", "vintage") and not value):
                continue
            out[f.name] = list(value) if isinstance(value, tuple) else value
        out["label"] = dict(self.label)
        if self.classes is not None:
            out["classes"] = dict(self.classes)
        return out


def _validate_layer(layer: LayerSpec) -> None:
    if not isinstance(layer.id, str) or not _ID.match(layer.id):
        _layer_fail(layer.id, "id must be lower case letters, digits and '_' (e.g. 'schools').")
    if not isinstance(layer.type, str) or layer.type not in LAYER_TYPES:
        _layer_fail(
            layer.id,
            f"type={_short(layer.type)} is not known. Use one of: {', '.join(LAYER_TYPES)}.",
        )
    problem = _label_problem(layer.label)
    if problem:
        _layer_fail(layer.id, problem)
    for key in ("source", "vintage"):
        value = getattr(layer, key)
        if not isinstance(value, str):
            _layer_fail(layer.id, f"{key}={_short(value)} must be text; quote it in the YAML.")
    for other, names in LAYER_TYPES.items():
        for name in names:
            if other != layer.type and getattr(layer, name) is not None:
                _layer_fail(
                    layer.id,
                    f"{name!r} is for {other} layers, not {layer.type} layers; remove it.",
                )
    if layer.weight is not None and (not isinstance(layer.weight, str) or not layer.weight):
        _layer_fail(layer.id, f"weight={_short(layer.weight)} must be the name of a column.")
    if layer.classes is not None:
        if not isinstance(layer.classes, Mapping) or not layer.classes:
            _layer_fail(
                layer.id,
                f"classes={_short(layer.classes)} must map raster values to names "
                "(e.g. {11: urban, 31: forest}).",
            )
        for value, name in layer.classes.items():
            if not _is_number(value):
                _layer_fail(
                    layer.id, f"classes: the raster value {_short(value)} must be a number."
                )
            if not isinstance(name, str) or not _ID.match(name):
                _layer_fail(
                    layer.id,
                    f"classes: the name {_short(name)} of value {value!r} must be lower case "
                    "letters, digits and '_' (e.g. 'forest').",
                )
        names = list(layer.classes.values())
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            _layer_fail(layer.id, f"classes: the names {format_values(twice)} are used twice.")
    if layer.type == "zones":
        ext = layer.extensive
        if not isinstance(ext, tuple) or not ext or not all(isinstance(c, str) and c for c in ext):
            _layer_fail(
                layer.id,
                f"extensive={_short(ext)}: a zones layer needs 'extensive', the list of columns "
                "of counts to interpolate (e.g. extensive: [jobs]). Note: " + _INTENSIVE_FIX,
            )
        twice = sorted({c for c in ext if ext.count(c) > 1})
        if twice:
            _layer_fail(
                layer.id, f"extensive lists {format_values(twice)} twice; list each column once."
            )
        if layer.weights not in (None, "area", "population"):
            _layer_fail(
                layer.id, f"weights={_short(layer.weights)} must be 'area' or 'population'."
            )


def split_expression(expression: str) -> list[str]:
    """The column names of a sum expression ``"a + b + c"``.

    Examples
    --------
    >>> split_expression("councillors_pcs5 + councillors_pcs6")
    ['councillors_pcs5', 'councillors_pcs6']
    """
    return [part.strip() for part in str(expression).split("+") if part.strip()]


class Catalogue(Mapping[str, IndicatorSpec]):
    """An ordered, validated set of indicator specs, looked up by id.

    Stock indicators may be used as operands of other indicators; the
    catalogue checks that every such reference resolves and that there is no
    cycle.

    Examples
    --------
    >>> pop = IndicatorSpec(id="pop", label={"fr": "Population"}, theme="demography",
    ...     unit="hab.", polarity="neutral", kind="stock", numerator="population")
    >>> cat = Catalogue([pop], name="demo")
    >>> list(cat), cat["pop"].unit
    (['pop'], 'hab.')
    """

    def __init__(
        self,
        specs: Iterable[IndicatorSpec],
        *,
        name: str = "catalogue",
        layers: Iterable[LayerSpec] = (),
    ) -> None:
        self.name = name
        self._specs: dict[str, IndicatorSpec] = {}
        for spec in specs:
            if not isinstance(spec, IndicatorSpec):
                raise CatalogueError(
                    f"Catalogue {name!r}: {spec!r} is not an IndicatorSpec. "
                    "Build specs with IndicatorSpec(...) or load YAML with load_catalogue()."
                )
            if spec.id in self._specs:
                raise CatalogueError(
                    f"Catalogue {name!r}: indicator id {spec.id!r} is defined twice."
                )
            self._specs[spec.id] = spec
        self._expanded = {sid: self._expand(sid) for sid in self._specs}
        self.layers: tuple[LayerSpec, ...] = self._check_layers(tuple(layers))

    def _check_layers(self, layers: tuple[LayerSpec, ...]) -> tuple[LayerSpec, ...]:
        seen: dict[str, str] = {}  # component -> layer id
        ids: set[str] = set()
        for layer in layers:
            if not isinstance(layer, LayerSpec):
                raise CatalogueError(
                    f"Catalogue {self.name!r}: {layer!r} is not a LayerSpec. Build layers with "
                    "LayerSpec(...) or declare them under 'layers:' in the YAML."
                )
            if layer.id in ids:
                raise CatalogueError(
                    f"Catalogue {self.name!r}: layer id {layer.id!r} is defined twice."
                )
            ids.add(layer.id)
            if layer.id in self._specs:
                raise CatalogueError(
                    f"Catalogue {self.name!r}: layer id {layer.id!r} is also an indicator id. "
                    "Rename the layer (e.g. to 'my_...')."
                )
            for column in layer.components():
                if column in BUILTIN_COMPONENTS:
                    raise CatalogueError(
                        f"Catalogue {self.name!r}: layer {layer.id!r} would produce the "
                        f"component {column!r}, a built-in component. Rename the layer."
                    )
                if column in seen:
                    raise CatalogueError(
                        f"Catalogue {self.name!r}: layers {seen[column]!r} and {layer.id!r} "
                        f"would both produce the component {column!r}. Rename one of them."
                    )
                seen[column] = layer.id
        self._check_layer_operands(layers)
        return layers

    def _check_layer_operands(self, layers: tuple[LayerSpec, ...]) -> None:
        """Catch a misspelt layer component (``landcover_wood_km2``) before any data is read."""
        suffixes = {"points": ("_pop", "_popkm"), "raster": ("_sum", "_cells", "_km2")}
        for sid in self._specs:
            used = [c for cols in self._expanded[sid].values() for c in cols]
            used += list(self._specs[sid].breakdown or ())
            for column in used:
                for layer in layers:
                    if column in layer.components() or not column.startswith(f"{layer.id}_"):
                        continue
                    if layer.type == "zones" or column.endswith(suffixes[layer.type]):
                        raise CatalogueError(
                            f"Catalogue {self.name!r}: indicator {sid!r} uses {column!r}, which "
                            f"looks like a component of layer {layer.id!r} but is not one. That "
                            f"layer produces {', '.join(layer.components())}."
                        )

    def layer(self, layer_id: str) -> LayerSpec:
        """The layer declared with this id."""
        for layer in self.layers:
            if layer.id == layer_id:
                return layer
        raise CatalogueError(
            f"Catalogue {self.name!r} declares no layer {layer_id!r}. Declared layers: "
            f"{format_values([x.id for x in self.layers]) or 'none'}."
        )

    def __getitem__(self, key: str) -> IndicatorSpec:
        try:
            return self._specs[key]
        except KeyError:
            raise UnknownIndicatorError("indicator", [key], self._specs) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def __repr__(self) -> str:
        return f"Catalogue({self.name!r}, {len(self)} indicators)"

    def _expand_expression(self, expression: str, trail: tuple[str, ...]) -> list[str]:
        columns: list[str] = []
        for part in split_expression(expression):
            ref = self._specs.get(part)
            if ref is None or part == trail[-1]:
                # a stock indicator may share its name with the column it sums
                columns.append(part)
                continue
            if part in trail:
                cycle = " -> ".join((*trail[trail.index(part) :], part))
                raise CatalogueError(
                    f"Catalogue {self.name!r}: indicators refer to each other in a cycle: "
                    f"{cycle}. Make one of them use component columns."
                )
            if ref.kind != "stock":
                raise CatalogueError(
                    f"Catalogue {self.name!r}: indicator {trail[-1]!r} uses {part!r} as an "
                    f"operand, but only 'stock' indicators can be operands (its kind is "
                    f"{ref.kind!r}). Use its component columns instead."
                )
            columns.extend(self._expand_expression(ref.numerator or "", (*trail, part)))
        return columns

    def _expand(self, spec_id: str) -> dict[str, list[str]]:
        spec = self._specs[spec_id]
        return {
            name: self._expand_expression(expr, (spec_id,))
            for name, expr in spec.operand_expressions().items()
        }

    def columns_of(self, spec_id: str) -> dict[str, list[str]]:
        """The component columns summed for each operand of an indicator (references resolved)."""
        self[spec_id]
        return {k: list(v) for k, v in self._expanded[spec_id].items()}

    def select(self, ids: Iterable[str] | None) -> Catalogue:
        """A sub-catalogue with the given ids (all when ``None``), in the given order."""
        if ids is None:
            return self
        ids = list(ids)
        unknown = [i for i in ids if i not in self._specs]
        if unknown:
            raise UnknownIndicatorError("indicators", unknown, self._specs)
        selected = [self._specs[i] for i in ids]
        # referenced stock indicators are expanded already: the sub-catalogue stays valid
        refs = {
            part
            for spec in selected
            for expr in spec.operand_expressions().values()
            for part in split_expression(expr)
            if part in self._specs and part not in ids
        }
        extra = [self._specs[r] for r in self._specs if r in refs]
        sub = Catalogue([*selected, *extra], name=self.name, layers=self.layers)
        sub._specs = {i: self._specs[i] for i in ids}
        return sub

    def merge(self, other: Catalogue) -> Catalogue:
        """A catalogue with the indicators and layers of both (ids must not clash)."""
        return Catalogue(
            [*self._specs.values(), *other._specs.values()],
            name=f"{self.name}+{other.name}",
            layers=(*self.layers, *other.layers),
        )

    def metadata(self, lang: str = "fr") -> list[dict[str, Any]]:
        """One dict per indicator: id, label, theme, unit, polarity, kind, formula, source..."""
        return [
            {
                "id": s.id,
                "label": s.label_in(lang),
                "theme": s.theme,
                "unit": s.unit,
                "polarity": s.polarity,
                "kind": s.kind,
                "formula": s.formula,
                "source": s.source,
                "vintage": s.vintage,
                "why": s.why,
            }
            for s in self._specs.values()
        ]


_FIELDS = tuple(f.name for f in fields(IndicatorSpec) if f.name != "extra")


def _entry(data: object, what: str, allowed: tuple[str, ...], where: str) -> dict[str, Any]:
    """One YAML entry as a dict of known fields (a plain-text label is French).

    ``source`` and ``vintage`` written as a whole number (``vintage: 2020``) become
    text; a field left empty (``why:``) is the empty text.
    """
    if not isinstance(data, Mapping):
        raise CatalogueError(f"{where}: each {what} must be a mapping, got {_short(data)}.")
    unknown = [k for k in data if k not in allowed]
    if unknown:
        shown = ", ".join(_short(k) for k in unknown[:10])
        raise CatalogueError(
            f"{where}: {what} {_short(data.get('id'))} has unknown fields "
            f"{shown}. Allowed fields: {', '.join(allowed)}."
        )
    values = dict(data)
    if isinstance(values.get("label"), str):
        values["label"] = {"fr": values["label"]}
    for key in _TEXTS:
        if key in values and values[key] is None:
            values[key] = ""
        elif key in ("source", "vintage") and type(values.get(key)) is int:  # not bool
            values[key] = str(values[key])
    return values


def _lacks(data: Mapping[str, Any], what: str, required: tuple[str, ...], where: str) -> None:
    missing = [k for k in required if k not in data]
    if missing:
        raise CatalogueError(
            f"{where}: {what} {_short(data.get('id'))} lacks the required fields "
            f"{', '.join(missing)}."
        )


def spec_from_mapping(data: Mapping[str, Any], *, where: str = "catalogue") -> IndicatorSpec:
    """Build a spec from a mapping (one YAML entry), rejecting unknown fields.

    Examples
    --------
    >>> spec = spec_from_mapping({"id": "pop", "label": {"fr": "Population"},
    ...     "theme": "demography", "unit": "hab.", "polarity": "neutral", "kind": "stock",
    ...     "numerator": "population"})
    >>> spec.formula
    'sum(population)'
    >>> spec_from_mapping({"id": "pop", "colour": "red"})
    Traceback (most recent call last):
    ...
    territorial.errors.CatalogueError: catalogue: indicator 'pop' has unknown fields 'colour'. \
Allowed fields: id, label, theme, unit, polarity, kind, numerator, denominator, scale, start, \
end, years, column, records, where, breakdown, category, source, vintage, why, formula, \
decimals, count, min_count.
    """
    values = _entry(data, "indicator", _FIELDS, where)
    if isinstance(values.get("breakdown"), list):
        values["breakdown"] = tuple(values["breakdown"])
    _lacks(values, "indicator", ("id", "label", "theme", "unit", "polarity", "kind"), where)
    return IndicatorSpec(**values)


_LAYER_FIELDS = tuple(f.name for f in fields(LayerSpec))


def layer_from_mapping(data: Mapping[str, Any], *, where: str = "catalogue") -> LayerSpec:
    """Build a layer from one YAML entry under ``layers:``, rejecting unknown fields.

    Examples
    --------
    >>> layer = layer_from_mapping({"id": "schools", "type": "points",
    ...                             "label": {"fr": "Écoles", "en": "Schools"}})
    >>> layer.type, layer.label_in("en")
    ('points', 'Schools')
    """
    if isinstance(data, Mapping) and "intensive" in data:
        raise CatalogueError(
            f"{where}: layer {_short(data.get('id'))} asks for "
            f"intensive={_short(data['intensive'])}, but {_INTENSIVE_FIX}"
        )
    values = _entry(data, "layer", _LAYER_FIELDS, where)
    _lacks(values, "layer", ("id", "type", "label"), where)
    return LayerSpec(**values)


#: Limits of a catalogue's YAML text: far above any real catalogue (the built-in one has
#: about 16 000 characters and 1 500 values), far below what would exhaust memory.
MAX_YAML_CHARS = 2_000_000
#: Values (scalars, lists, mappings) once every alias is replaced by what it refers to.
MAX_YAML_VALUES = 100_000
#: Characters of all the texts once every alias is replaced by what it refers to.
MAX_YAML_EXPANDED_CHARS = 10_000_000
#: Nesting of lists and mappings (a catalogue needs 5: top, indicators, entry, label, text).
MAX_YAML_DEPTH = 20
_STANDARD = "tag:yaml.org,2002:"
_PLAIN_TAGS = frozenset(
    _STANDARD + name for name in ("str", "int", "float", "bool", "null", "seq", "map", "merge")
)


def _tag_text(tag: str) -> str:
    """A tag as written in YAML (``!!python/object``, ``!mine``)."""
    return "!!" + tag[len(_STANDARD) :] if tag.startswith(_STANDARD) else tag


@functools.cache
def _loader_class() -> type:
    """A safe YAML loader that refuses deep nesting and aliases that contain themselves.

    Dates stay text (``vintage: 2020-01-01``): a catalogue holds no timestamps.
    """
    import yaml

    class BoundedLoader(yaml.SafeLoader):
        where = "catalogue"

        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.depth = 0
            self.open_anchors: set[str] = set()

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.peek_event()
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent):
                if event.anchor in self.open_anchors:
                    raise CatalogueError(
                        f"{self.where}: line {line}: the alias *{event.anchor} is inside the "
                        f"list or mapping &{event.anchor} it refers to, so it would repeat "
                        "without end. Write the values out instead of the alias."
                    )
                return super().compose_node(parent, index)
            self.depth += 1
            if self.depth > MAX_YAML_DEPTH:
                raise CatalogueError(_too_deep(self.where, line))
            anchor = event.anchor
            if anchor is not None:
                self.open_anchors.add(anchor)
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1
                self.open_anchors.discard(anchor)

    dropped = {_STANDARD + name for name in ("timestamp", "value", "yaml")}
    BoundedLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in dropped]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return BoundedLoader


def _too_deep(where: str, line: int) -> str:
    return (
        f"{where}: line {line}: the YAML is nested more than {MAX_YAML_DEPTH} levels deep "
        "(counting what its aliases refer to), while a catalogue needs 5 (top level, "
        "indicators, entry, label, text). Remove the extra levels of lists or mappings."
    )


def _check_nodes(root: Any, where: str) -> None:
    """Refuse non-standard tags, repeated keys and documents too big once aliases are expanded.

    An alias (``*name``) is a reference to a node composed earlier, so the node graph
    stays small while the values it stands for may grow exponentially ("billion
    laughs"). Each node is measured once (values, characters, height of its subtree)
    and the measures are added up through aliases without building anything.
    """
    import yaml

    measures: dict[int, tuple[int, int, int]] = {}

    def measure(node: Any, depth: int) -> tuple[int, int, int]:
        known = measures.get(id(node))
        if known is None:
            line = node.start_mark.line + 1
            if node.tag not in _PLAIN_TAGS:
                raise CatalogueError(
                    f"{where}: line {line}: the tag {_tag_text(node.tag)!r} is not allowed. A "
                    "catalogue holds only plain text, numbers, true/false, lists and mappings: "
                    "remove the tag (quote the value if it is text)."
                )
            if isinstance(node, yaml.ScalarNode):
                known = (1, len(node.value), 1)
            else:
                if isinstance(node, yaml.MappingNode):
                    _check_keys(node, where)
                    children = [child for pair in node.value for child in pair]
                else:
                    children = node.value
                values, chars, height = 1, 0, 0
                for child in children:
                    v, c, h = measure(child, depth + 1)
                    values, chars, height = values + v, chars + c, max(height, h)
                    if values > MAX_YAML_VALUES:
                        raise CatalogueError(
                            f"{where}: the YAML would hold more than {MAX_YAML_VALUES:,} values "
                            "once its aliases (*name) are replaced by what they refer to, far "
                            "more than a catalogue needs. Remove the aliases that repeat other "
                            "aliases (this is how 'billion laughs' documents exhaust memory)."
                        )
                    if chars > MAX_YAML_EXPANDED_CHARS:
                        raise CatalogueError(
                            f"{where}: the YAML would hold more than "
                            f"{MAX_YAML_EXPANDED_CHARS:,} characters of text once its aliases "
                            "(*name) are replaced by what they refer to, far more than a "
                            "catalogue needs. Write each long text once, without aliases."
                        )
                known = (values, chars, height + 1)
                if depth + known[2] > MAX_YAML_DEPTH:  # the innermost list or mapping too deep
                    raise CatalogueError(_too_deep(where, line))
            measures[id(node)] = known
        return known

    measure(root, 0)


def _check_keys(node: Any, where: str) -> None:
    """A key given twice in one mapping would silently keep only the last value."""
    seen: set[tuple[str, str]] = set()
    for key, _ in node.value:
        if key.tag == _STANDARD + "merge" or not isinstance(key.value, str):
            continue
        if (key.tag, key.value) in seen:
            raise CatalogueError(
                f"{where}: line {key.start_mark.line + 1}: the key {_short(key.value)} is given "
                "twice in the same mapping, and YAML would keep only the last value. Remove "
                "one of them."
            )
        seen.add((key.tag, key.value))


def parse_yaml(text: str, *, where: str = "catalogue") -> Any:
    """Parse catalogue YAML safely: plain values only, bounded in size once aliases expand.

    Raises :class:`CatalogueError` (naming ``where``) for invalid YAML, a text longer
    than :data:`MAX_YAML_CHARS`, a tag other than the plain standard ones
    (``!!python/object``...), a key given twice in a mapping, nesting deeper than
    :data:`MAX_YAML_DEPTH`, an alias inside what it refers to, or aliases that would
    expand past :data:`MAX_YAML_VALUES` values or :data:`MAX_YAML_EXPANDED_CHARS`
    characters.

    Examples
    --------
    >>> parse_yaml("a: &x [1, 2]\\nb: *x\\nwhen: 2020-01-01\\n")
    {'a': [1, 2], 'b': [1, 2], 'when': '2020-01-01'}
    """
    import yaml

    if len(text) > MAX_YAML_CHARS:
        raise CatalogueError(
            f"{where}: the text has {len(text):,} characters; a catalogue may have at most "
            f"{MAX_YAML_CHARS:,} (the built-in one has about 16,000). Check that this is the "
            "catalogue you meant."
        )
    loader = _loader_class()(text)
    loader.where = where
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(node, where)
        return loader.construct_document(node)
    except yaml.YAMLError as error:
        raise CatalogueError(f"{where}: not valid YAML ({error}).") from None
    finally:
        loader.dispose()


def load_catalogue(
    source: str | os.PathLike[str] | Mapping[str, Any], *, name: str | None = None
) -> Catalogue:
    """Load a catalogue from YAML text, a YAML file path, or an already parsed mapping.

    The YAML holds ``name`` (optional), ``indicators``: a non-empty list of
    mappings with the fields of :class:`IndicatorSpec`, and optionally
    ``layers``: a list of mappings with the fields of :class:`LayerSpec`. It is
    read by :func:`parse_yaml` (a safe loader that refuses tags, repeated keys and
    documents that would grow too big through aliases). Reading a file is
    allowed here because it only parses a specification; no data is read.

    Raises
    ------
    CatalogueError
        For any problem of the text or of an entry, naming the file (``name``),
        the entry, the field, the bad value and the fix. An empty catalogue (an
        empty file, no ``indicators``, ``indicators: []``) is an error too: it
        would compute nothing.

    Examples
    --------
    >>> cat = load_catalogue('''
    ... indicators:
    ...   - {id: pop, label: {fr: Population, en: Population}, theme: demography,
    ...      unit: hab., polarity: neutral, kind: stock, numerator: population}
    ... ''')
    >>> list(cat)
    ['pop']
    """
    where = name or "catalogue"
    if isinstance(source, Mapping):
        data: Any = source
    else:
        text = os.fspath(source) if isinstance(source, os.PathLike) else str(source)
        if isinstance(source, os.PathLike) or (
            "\n" not in text and text.endswith((".yaml", ".yml"))
        ):
            from territorial.io.catalogues import read_catalogue_file

            where = name or os.path.basename(text)
            text = read_catalogue_file(text)
        data = parse_yaml(text, where=where)
    entry = "Add at least one entry with id, label, theme, unit, polarity, kind and its operands"
    if data is None:
        raise CatalogueError(
            f"{where}: the catalogue is empty. Write an 'indicators:' list: {entry.lower()[4:]} "
            "(the built-in ones are listed by `territorial catalogue`)."
        )
    if not isinstance(data, Mapping):
        raise CatalogueError(
            f"{where}: the top level must be a mapping with an 'indicators' list, got a "
            f"{type(data).__name__} ({_short(data)}). Start the file with 'indicators:'."
        )
    unknown = [k for k in data if k not in ("name", "description", "indicators", "layers")]
    if unknown:
        raise CatalogueError(
            f"{where}: unknown top-level keys {', '.join(_short(k) for k in unknown[:10])}. "
            "Allowed: name, description, layers, indicators."
        )
    for key in ("name", "description"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise CatalogueError(f"{where}: {key}={_short(data[key])} must be text.")
    raw = data.get("indicators")
    if raw is not None and not isinstance(raw, list):
        raise CatalogueError(
            f"{where}: 'indicators' must be a list of entries, got a {type(raw).__name__} "
            f"({_short(raw)})."
        )
    if not raw:
        said = "has no 'indicators' list" if "indicators" not in data else "lists no indicators"
        raise CatalogueError(
            f"{where}: the catalogue {said}, so it would compute nothing. {entry} under "
            "'indicators:' (to compute the built-in indicators, give no catalogue)."
        )
    specs = [
        spec_from_mapping(item, where=where + f" (entry {i + 1})") for i, item in enumerate(raw)
    ]
    raw_layers = data.get("layers")
    if raw_layers is None:
        raw_layers = []
    if not isinstance(raw_layers, list):
        raise CatalogueError(
            f"{where}: 'layers' must be a list of mappings, got {type(raw_layers).__name__}."
        )
    layers = [
        layer_from_mapping(item, where=where + f" (layer {i + 1})")
        for i, item in enumerate(raw_layers)
    ]
    return Catalogue(specs, name=str(data.get("name") or where), layers=layers)
