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

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from territorial.errors import CatalogueError, TerritorialError, format_values

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
        ``gini``/``theil`` (concentration of member values), and
        ``location_quotient``, ``krugman``, ``hhi``, ``shannon`` (from a
        ``breakdown``: a tuple of component columns).
    source, vintage, why
        Where the data comes from, which year(s), and why the indicator matters.
    formula
        Human-readable formula; generated from the operands when empty.

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
        return self.label.get(lang) or self.label.get("fr") or self.id

    def operand_expressions(self) -> dict[str, str]:
        """The operands that are sums of component columns (name -> expression)."""
        names = ("numerator", "denominator", "start", "end")
        if self.kind in ("gini", "theil") or (self.kind == "median" and not self.records):
            names = (*names, "column")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}

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
    if k in ("gini", "theil"):
        return f"{k.capitalize()} index of {spec.column} over member units"
    if k == "location_quotient":
        return f"(share of {spec.category} in the territory) / (share in all units)"
    return f"{k} index of the breakdown {', '.join(spec.breakdown or ())}"


def _fail(spec_id: object, message: str) -> None:
    raise CatalogueError(f"Indicator {spec_id!r}: {message}")


def _validate_spec(spec: IndicatorSpec) -> None:
    if not isinstance(spec.id, str) or not _ID.match(spec.id):
        _fail(spec.id, "id must be lower case letters, digits and '_' (e.g. 'density').")
    if not isinstance(spec.label, Mapping) or not spec.label.get("fr"):
        _fail(spec.id, f"label={spec.label!r} must be a mapping with at least a 'fr' entry.")
    if spec.theme not in THEMES:
        _fail(spec.id, f"theme={spec.theme!r} is not known. Use one of: {', '.join(THEMES)}.")
    if spec.polarity not in POLARITIES:
        _fail(
            spec.id,
            f"polarity={spec.polarity!r} is not known. Use one of: {', '.join(POLARITIES)}.",
        )
    if spec.kind not in KINDS:
        _fail(spec.id, f"kind={spec.kind!r} is not known. Use one of: {', '.join(KINDS)}.")
    if spec.unit not in UNITS:
        _fail(
            spec.id,
            f"unit={spec.unit!r} is not a known unit. Use one of: {', '.join(UNITS)}.",
        )
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
    if spec.years is not None and not (isinstance(spec.years, int | float) and spec.years > 0):
        _fail(spec.id, f"years={spec.years!r} must be a positive number of years.")
    if spec.breakdown is not None and (
        isinstance(spec.breakdown, str) or len(tuple(spec.breakdown)) < 2
    ):
        _fail(spec.id, f"breakdown={spec.breakdown!r} must list at least two columns.")
    if spec.category is not None and spec.category not in tuple(spec.breakdown or ()):
        _fail(spec.id, f"category={spec.category!r} must be one of the breakdown columns.")


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
        "prefecture_km", "population_prefecture_known", "population_x_prefecture_km",
        "accidents_per_year_2018_2020", "deaths_per_year_2018_2020",
        "accidents_per_year_2005_2007", "deaths_per_year_2005_2007", "population_accidents",
    }
)  # fmt: skip
_INTENSIVE_FIX = (
    "intensive variables (rates, densities) are not additive: interpolate their numerator "
    "and denominator as extensive columns and make a ratio indicator of the two."
)


def _layer_fail(layer_id: object, message: str) -> None:
    raise CatalogueError(f"Layer {layer_id!r}: {message}")


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
        if self.extensive is not None and not isinstance(self.extensive, str | tuple):
            object.__setattr__(self, "extensive", tuple(self.extensive))
        _validate_layer(self)
        if self.classes is not None:
            object.__setattr__(self, "classes", dict(self.classes))
        if self.type == "zones" and self.weights is None:
            object.__setattr__(self, "weights", "area")

    def label_in(self, lang: str = "fr") -> str:
        """The label in ``lang`` (``fr`` or ``en``), falling back to French."""
        return self.label.get(lang) or self.label.get("fr") or self.id

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
    if layer.type not in LAYER_TYPES:
        _layer_fail(
            layer.id, f"type={layer.type!r} is not known. Use one of: {', '.join(LAYER_TYPES)}."
        )
    if not isinstance(layer.label, Mapping) or not layer.label.get("fr"):
        _layer_fail(
            layer.id, f"label={layer.label!r} must be a mapping with at least a 'fr' entry."
        )
    for other, names in LAYER_TYPES.items():
        for name in names:
            if other != layer.type and getattr(layer, name) is not None:
                _layer_fail(
                    layer.id,
                    f"{name!r} is for {other} layers, not {layer.type} layers; remove it.",
                )
    if layer.weight is not None and (not isinstance(layer.weight, str) or not layer.weight):
        _layer_fail(layer.id, f"weight={layer.weight!r} must be the name of a column.")
    if layer.classes is not None:
        if not isinstance(layer.classes, Mapping) or not layer.classes:
            _layer_fail(
                layer.id,
                f"classes={layer.classes!r} must map raster values to names "
                "(e.g. {11: urban, 31: forest}).",
            )
        for value, name in layer.classes.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                _layer_fail(layer.id, f"classes: the raster value {value!r} must be a number.")
            if not isinstance(name, str) or not _ID.match(name):
                _layer_fail(
                    layer.id,
                    f"classes: the name {name!r} of value {value!r} must be lower case letters, "
                    "digits and '_' (e.g. 'forest').",
                )
        names = list(layer.classes.values())
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            _layer_fail(layer.id, f"classes: the names {format_values(twice)} are used twice.")
    if layer.type == "zones":
        ext = layer.extensive
        if not ext or isinstance(ext, str) or not all(isinstance(c, str) and c for c in ext):
            _layer_fail(
                layer.id,
                f"extensive={ext!r}: a zones layer needs 'extensive', the list of columns of "
                "counts to interpolate (e.g. extensive: [jobs]). Note: " + _INTENSIVE_FIX,
            )
        if layer.weights not in (None, "area", "population"):
            _layer_fail(layer.id, f"weights={layer.weights!r} must be 'area' or 'population'.")


def split_expression(expression: str) -> list[str]:
    """The column names of a sum expression ``"a + b + c"``."""
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
    """One YAML entry as a dict of known fields (a plain-text label is French)."""
    if not isinstance(data, Mapping):
        raise CatalogueError(f"{where}: each {what} must be a mapping, got {data!r}.")
    unknown = [k for k in data if k not in allowed]
    if unknown:
        raise CatalogueError(
            f"{where}: {what} {data.get('id')!r} has unknown fields "
            f"{format_values(unknown)}. Allowed fields: {', '.join(allowed)}."
        )
    values = dict(data)
    if isinstance(values.get("label"), str):
        values["label"] = {"fr": values["label"]}
    return values


def spec_from_mapping(data: Mapping[str, Any], *, where: str = "catalogue") -> IndicatorSpec:
    """Build a spec from a mapping (one YAML entry), rejecting unknown fields."""
    values = _entry(data, "indicator", _FIELDS, where)
    if isinstance(values.get("breakdown"), list):
        values["breakdown"] = tuple(str(v) for v in values["breakdown"])
    missing = [k for k in ("id", "label", "theme", "unit", "polarity", "kind") if k not in values]
    if missing:
        raise CatalogueError(
            f"{where}: indicator {data.get('id')!r} lacks the required fields "
            f"{', '.join(missing)}."
        )
    return IndicatorSpec(**values)


_LAYER_FIELDS = tuple(f.name for f in fields(LayerSpec))


def layer_from_mapping(data: Mapping[str, Any], *, where: str = "catalogue") -> LayerSpec:
    """Build a layer from one YAML entry under ``layers:``, rejecting unknown fields."""
    if isinstance(data, Mapping) and "intensive" in data:
        raise CatalogueError(
            f"{where}: layer {data.get('id')!r} asks for intensive={data['intensive']!r}, but "
            f"{_INTENSIVE_FIX}"
        )
    values = _entry(data, "layer", _LAYER_FIELDS, where)
    if isinstance(values.get("extensive"), list):
        values["extensive"] = tuple(values["extensive"])
    missing = [k for k in ("id", "type", "label") if k not in values]
    if missing:
        raise CatalogueError(
            f"{where}: layer {data.get('id')!r} lacks the required fields {', '.join(missing)}."
        )
    for key in ("source", "vintage"):
        if key in values and values[key] is not None:
            values[key] = str(values[key])
    return LayerSpec(**values)


def load_catalogue(source: str | Mapping[str, Any], *, name: str | None = None) -> Catalogue:
    """Load a catalogue from YAML text, a YAML file path, or an already parsed mapping.

    The YAML holds ``name`` (optional), ``indicators``: a list of mappings
    with the fields of :class:`IndicatorSpec`, and optionally ``layers``: a
    list of mappings with the fields of :class:`LayerSpec`. It is read with
    ``yaml.safe_load``. Reading a file is allowed here because it only parses a
    specification; no data is read.

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
    import os

    import yaml

    where = name or "catalogue"
    if isinstance(source, Mapping):
        data: Any = source
    else:
        text = str(source)
        if "\n" not in text and text.endswith((".yaml", ".yml")):
            from territorial.io.catalogues import read_catalogue_file

            where = name or os.path.basename(text)
            text = read_catalogue_file(text)
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise CatalogueError(f"{where}: not valid YAML ({error}).") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("indicators"), list):
        raise CatalogueError(
            f"{where}: expected a mapping with an 'indicators' list, got {type(data).__name__}."
        )
    unknown = [k for k in data if k not in ("name", "description", "indicators", "layers")]
    if unknown:
        raise CatalogueError(
            f"{where}: unknown top-level keys {format_values(unknown)}. "
            "Allowed: name, description, layers, indicators."
        )
    specs = [
        spec_from_mapping(entry, where=where + f" (entry {i + 1})")
        for i, entry in enumerate(data["indicators"])
    ]
    raw_layers = data.get("layers") or []
    if not isinstance(raw_layers, list):
        raise CatalogueError(
            f"{where}: 'layers' must be a list of mappings, got {type(raw_layers).__name__}."
        )
    layers = [
        layer_from_mapping(entry, where=where + f" (layer {i + 1})")
        for i, entry in enumerate(raw_layers)
    ]
    return Catalogue(specs, name=str(data.get("name") or where), layers=layers)


def with_changes(spec: IndicatorSpec, **changes: Any) -> IndicatorSpec:
    """A copy of ``spec`` with some fields changed (validated again)."""
    return replace(spec, **changes)
