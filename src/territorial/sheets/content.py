"""What a one-page sheet shows of a territory, selected and formatted from the tables.

:func:`sheet_inputs` gathers once per level everything the sheets of that level read
(the diagnosis of every territory, the indicator table, France's values, the parents'
names, the population of every vintage, the profiles' ranks, the simplified outlines);
:func:`sheet_content` then picks one territory's figures from it, cheaply, into a
:class:`SheetContent`: plain data with every number already written in words, so that
the renderer (:mod:`territorial.render.sheet`) draws and computes nothing.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from territorial.diagnose.diagnosis import CLUSTER_WORDS, ISOLATED_TEXT, Diagnosis
from territorial.diagnose.sentences import format_value, level_name
from territorial.errors import InvalidArgumentError
from territorial.format import NBSP, check_lang, format_number, in_language, spec_text
from territorial.sheets.texts import THEME_NAMES, text

__all__ = [
    "Figure",
    "MapContent",
    "Row",
    "SheetContent",
    "SheetInputs",
    "sheet_content",
    "sheet_inputs",
]

#: At most this many strengths and weaknesses on a page (the others are counted).
MAX_SENTENCES = 3
#: At most this many spatial clusters said in words (the others are counted).
MAX_CLUSTERS = 2
#: Degrees of the outlines' simplification: locator map, then the map around the territory.
SIMPLIFY = (0.01, 0.002)
#: Number of classes of the small map (quantiles of the level's values).
MAP_CLASSES = 5


@dataclass
class Figure:
    """One number of the sheet: its value, its text, and France's (or the set's)."""

    id: str
    label: str
    value: float | None
    text: str
    reference: float | None = None
    reference_text: str = ""
    withheld: bool = False


@dataclass
class Row:
    """One row of the comparison table."""

    id: str
    label: str
    cells: list[Figure]
    percentile: float | None
    percentile_text: str
    status: str = ""


@dataclass
class MapContent:
    """A map: outlines in a local plane (x east, y north, same unit on both axes).

    ``shapes`` are ``(code, rings, role, klass)``: ``role`` is ``focus``, ``member``
    (same parent), ``context`` or ``parent`` (an outline), ``klass`` a class number of
    ``legend`` (or None: no value).
    """

    title: str
    shapes: list[tuple[str, list[np.ndarray], str, int | None]]
    bounds: tuple[float, float, float, float]
    legend: list[str] = field(default_factory=list)
    legend_missing: str = ""


@dataclass
class SheetContent:
    """Everything a sheet shows, in one language, ready to draw (see :func:`sheet_content`)."""

    lang: str
    code: str
    name: str
    level: str
    level_label: str
    parents: list[tuple[str, str, str]]
    references: list[str]
    key: list[Figure]
    strengths: list[str]
    weaknesses: list[str]
    traits: list[str]
    more: dict[str, str]
    columns: list[tuple[str, str]]
    themes: list[tuple[str, list[Row]]]
    peers: str
    history: dict[str, Any] | None
    sectors: list[Figure]
    sectors_reference: str
    locator: MapContent | None
    key_map: MapContent | None
    spatial: list[str]
    type_line: str
    profiles: list[tuple[str, str]]
    notes: list[str]
    sources: list[str]
    geography: str
    generated: str
    version: str
    texts: dict[str, str]
    whole_label: str = "France"


def _float(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


@dataclass
class SheetInputs:
    """What the sheets of one level read, computed once (see :func:`sheet_inputs`)."""

    source: Any
    diagnoses: Any
    table: Any
    layout: dict[str, Any]
    specs: Mapping[str, Any]
    national: dict[str, float | None]
    parents: dict[str, pd.Series]
    history: dict[str, pd.DataFrame | None]
    ranks: Any
    outlines: dict[tuple[str, int], dict[str, list[np.ndarray]]]
    frames: dict[str, pd.DataFrame]
    generated: str
    #: (level, simplification) -> bounds (minx, miny, maxx, maxy) of each territory's outline
    boxes: dict[tuple[str, int], pd.DataFrame] = field(default_factory=dict, repr=False)
    _diagnoses: dict[tuple[str, str], Diagnosis] = field(default_factory=dict, repr=False)
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    def memo(self, key: Any, make: Any) -> Any:
        """``make()`` once per key (what every sheet of the level reads the same)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def diagnosis(self, code: str, lang: str) -> Diagnosis:
        """The diagnosis of ``code`` in ``lang``, made once."""
        key = (code, lang)
        if key not in self._diagnoses:
            self._diagnoses[key] = self.diagnoses.diagnosis(code, lang=lang)
        return self._diagnoses[key]


def _outlines(gdf: Any, tolerance: float) -> dict[str, list[np.ndarray]]:
    """code -> exterior rings (lon, lat), simplified, of every territory of ``gdf``."""
    import shapely

    geoms = gdf.geometry
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        geoms = geoms.to_crs(4326)
    simple = shapely.simplify(geoms.values, tolerance, preserve_topology=True)
    out: dict[str, list[np.ndarray]] = {}
    for code, geom in zip(gdf.index, simple, strict=True):
        rings = []
        if geom is not None and not geom.is_empty:
            parts = getattr(geom, "geoms", [geom])
            for part in parts:
                if part.geom_type == "Polygon":
                    rings.append(np.asarray(part.exterior.coords)[:, :2])
        out[str(code)] = rings
    return out


def sheet_inputs(
    source: Any,
    *,
    diagnoses: Any = None,
    indicators: Iterable[str] | None = None,
    generated: str | None = None,
) -> SheetInputs:
    """Everything the sheets of ``source``'s level read, computed once.

    Parameters
    ----------
    source
        A :class:`~territorial.sources.Source` (``open_source("france:epci",
        purpose="diagnosis")``, or a file).
    diagnoses
        Its :class:`~territorial.diagnose.diagnosis.DiagnosisSet` if already made
        (default: ``source.diagnosis_set(indicators=indicators)``).
    indicators
        The indicators of a file's sheets (default: all its numeric columns).
    generated
        The generation date written in the footer (default: today, ISO 8601).

    Examples
    --------
    >>> from territorial.sources import open_source
    >>> inputs = sheet_inputs(open_source("france:region", purpose="diagnosis"))
    >>> sorted(inputs.parents), inputs.national["population"] > 6e7
    ([], True)
    """
    from territorial.diagnose.composite import composite_scores

    ids = None if indicators is None else list(indicators)
    if diagnoses is None:
        diagnoses = source.diagnosis_set(indicators=ids) if ids else source.diagnosis_set()
    if ids is None and source.scheme == "file":
        ids_shown = list(diagnoses.comparison.values.columns)
    else:
        ids_shown = ids
    layout = source.sheet_layout(ids_shown)
    wanted = list(dict.fromkeys([
        *layout["key"], *(i for v in layout["themes"].values() for i in v), *layout["sectors"],
        *([layout["map"]] if layout["map"] else []),
    ]))  # fmt: skip
    if source.scheme == "file":
        table = source.indicators(list(dict.fromkeys(diagnoses.comparison.values.columns)))
    else:
        table = source.indicators(wanted)
    specs = dict(table.catalogue.items()) if hasattr(table.catalogue, "items") else {}
    national = source.reference_values(wanted) if wanted else {}
    gdf = source.territories
    parents: dict[str, pd.Series] = {}
    shapes_of: dict[str, Any] = {}
    for level in source.parent_levels:
        if level in gdf.columns and level != source.level:
            found = source.parent_territories(level)
            if found is not None:
                parents[level] = found["name"]
                shapes_of[level] = found
    history: dict[str, pd.DataFrame | None] = {source.level: source.population_history()}
    if history[source.level] is not None:
        for level in source.reference_levels:
            history[level] = source.population_history(level)
    profiles = source.profiles()
    ranks = None
    if profiles:
        ranks = composite_scores(diagnoses.comparison.values, profiles, specs=diagnoses.specs)
    outlines = {(source.level, i): _outlines(gdf, t) for i, t in enumerate(SIMPLIFY)}
    frames = {source.level: gdf.drop(columns=gdf.geometry.name)}
    boxes = {}
    for key, rings_of in outlines.items():
        rows = {c: _bounds(rings) for c, rings in rings_of.items()}
        boxes[key] = pd.DataFrame(
            [b for b in rows.values() if b is not None],
            index=[c for c, b in rows.items() if b is not None],
            columns=["minx", "miny", "maxx", "maxy"],
        )
    parent = source.parent_level
    if parent in parents:
        shapes = shapes_of[parent]
        outlines[(parent, 0)] = _outlines(shapes, SIMPLIFY[0])
        outlines[(parent, 1)] = _outlines(shapes, SIMPLIFY[1])
    return SheetInputs(
        source=source, diagnoses=diagnoses, table=table, layout=layout, specs=specs,
        national=national, parents=parents, history=history, ranks=ranks, outlines=outlines,
        frames=frames, generated=generated or _dt.date.today().isoformat(), boxes=boxes,
    )  # fmt: skip


# --- the content of one sheet --------------------------------------------------------------


def _unit(spec: Any) -> str:
    return str(spec_text(spec, "unit", "fr", default="") or "")


def _decimals(spec: Any) -> int | None:
    value = spec.get("decimals") if isinstance(spec, Mapping) else getattr(spec, "decimals", None)
    return None if value is None else int(value)


def value_text(value: float | None, spec: Any, lang: str) -> str:
    """A value with its unit as the sheet writes it (``n.d.`` when missing).

    Examples
    --------
    >>> value_text(12.345, {"unit": "%", "decimals": 1}, "en")
    '12.3%'
    >>> value_text(None, {"unit": "%"}, "fr")
    'n.d.'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return format_number(None, lang=lang)
    return format_value(value, unit=_unit(spec), decimals=_decimals(spec), lang=lang)


#: Longest unit (in characters, as written in the language) that follows each number of
#: the key figures and of the comparison table; a longer one is said once, after the label.
SHORT_UNIT = 5


#: Units that a key figure's label does not already say (a count of jobs says "jobs").
LABEL_UNITS = frozenset(
    {
        "hab./km²",
        "%/an",
        "pour 1 000 hab.",
        "pour 10 000 hab.",
        "pour 100 000 hab.",
        "h/semaine",
        "pour 100 actifs occupés",
        "€/hab.",
    }
)


def unit_follows(spec: Any, lang: str) -> bool:
    """Whether the unit is written after each number (else after the label).

    Examples
    --------
    >>> unit_follows({"unit": "%"}, "en"), unit_follows({"unit": "hab./km²"}, "fr")
    (True, False)
    """
    return len(unit_text(spec, lang)) <= SHORT_UNIT


def unit_text(spec: Any, lang: str) -> str:
    """The unit of an indicator in ``lang`` as written after a number (may be empty).

    Examples
    --------
    >>> unit_text({"unit": "pour 1 000 hab."}, "en"), unit_text({"unit": "indice"}, "fr")
    ('per 1,000 inh.', '')
    """
    unit = _unit(spec)
    written = format_value(0.0, unit=unit, decimals=0, lang=lang)
    return written[1:].lstrip(NBSP)


def _withheld(inputs: SheetInputs, code: str, indicator: str) -> bool:
    withheld = inputs.table.withheld
    if withheld is None or indicator not in withheld.columns or code not in withheld.index:
        return False
    return bool(withheld.at[code, indicator])


def _figure(inputs: SheetInputs, code: str, indicator: str, lang: str, value: Any,
            reference: Any = None) -> Figure:  # fmt: skip
    spec = inputs.specs.get(indicator, {})
    label = spec_text(spec, "label", lang, default=indicator) or indicator
    if _withheld(inputs, code, indicator):
        return Figure(indicator, label, None, text("withheld", lang), _float(reference),
                      value_text(_float(reference), spec, lang), withheld=True)  # fmt: skip
    value, reference = _float(value), _float(reference)
    return Figure(indicator, label, value, value_text(value, spec, lang), reference,
                  value_text(reference, spec, lang) if reference is not None else "")  # fmt: skip


def _level_lacks(inputs: SheetInputs, indicator: str) -> bool:
    """Whether no territory of the level has a value (a median of communes above them)."""
    values = inputs.table.values
    empty = inputs.memo("empty", lambda: set(values.columns[values.isna().all().to_numpy()]))
    return indicator in empty


def _table_value(inputs: SheetInputs, code: str, indicator: str) -> float | None:
    values = inputs.table.values
    if indicator not in values.columns or code not in values.index:
        return None
    return _float(values.at[code, indicator])


def _whole(inputs: SheetInputs, indicator: str) -> float | None:
    """France's value; for a file, the median of the whole set."""
    if inputs.source.scheme == "file":
        values = inputs.table.values
        return _float(values[indicator].median()) if indicator in values.columns else None
    return _float(inputs.national.get(indicator))


#: Longest note printed whole on a page; a longer one ends with where to read it all.
MAX_NOTE = 260


def clip_note(note: str, lang: str) -> str:
    """A note of the diagnosis short enough for the page, cut between two items.

    Examples
    --------
    >>> clip_note("short", "en")
    'short'
    >>> clip_note("Imputed: " + "; ".join(f"indicator {i}" for i in range(40)), "en")[-59:]
    'indicator 17… (full list: territorial diagnose SOURCE CODE)'
    """
    if len(note) <= MAX_NOTE:
        return note
    head = note[:MAX_NOTE]
    cut = max(head.rfind(sep) for sep in (" ; ", "; ", ", "))
    head = head[:cut] if cut > MAX_NOTE // 2 else head.rsplit(" ", 1)[0]
    return head + "… " + text("full_list", lang)


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:]


def _more(n: int, key: str, lang: str) -> str:
    """« et 3 autres » / "and 1 more" (empty when nothing is left out)."""
    if n <= 0:
        return ""
    return text(f"{key}_one", lang) if n == 1 else text(key, lang).format(
        n=format_number(n, lang=lang))  # fmt: skip


def _ordinal(rank: int, lang: str) -> str:
    if lang == "fr":
        return f"{rank}{'er' if rank == 1 else 'e'}"
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{format_number(rank, lang='en')}{suffix}"


def _history(inputs: SheetInputs, code: str, lang: str, parent_codes: dict[str, str]):
    own = inputs.history.get(inputs.source.level)
    if own is None or code not in own.index:
        return None
    series = []
    rows = [(inputs.source.level, code, text("this_territory", lang))]
    for level in inputs.source.reference_levels:
        table = inputs.history.get(level)
        if table is None:
            continue
        ref = "FR" if level == "france" else parent_codes.get(level)
        if ref is None or ref not in table.index:
            continue
        rows.append((level, ref, _reference_label(inputs, level, ref, lang)))
    years = [int(y) for y in own.columns]
    sep = text("sep", lang)
    for level, ref, label in rows:
        table = inputs.history[level]
        values = [_float(v) for v in table.loc[ref].tolist()]
        texts = [format_value(v, unit="hab.", decimals=0, lang=lang)
                 if v is not None else format_number(None, lang=lang) for v in values]  # fmt: skip
        known = [i for i, v in enumerate(values) if v is not None]
        ends = [known[0], known[-1]] if len(known) > 1 else known
        summary = " → ".join(f"{years[i]}{sep}{texts[i]}" for i in ends)
        series.append(
            {
                "level": level,
                "code": ref,
                "label": label,
                "values": values,
                "texts": texts,
                "summary": summary or format_number(None, lang=lang),
            }
        )
    known = [i for i, v in enumerate(series[0]["values"]) if v is not None]
    if not known:  # no vintage at all: no chart (the population is in the key figures)
        return None
    if len(known) < 2:
        return {"years": years, "series": series, "single": True}
    return {"years": years, "series": series, "single": False}


def _reference_label(inputs: SheetInputs, level: str, code: str, lang: str) -> str:
    if level == "france":
        return "France"
    names = inputs.parents.get(level)
    name = str(names.get(code, code)) if names is not None else code
    return f"{name} ({level_name(level, lang, plural=False)})"


def _map_classes(values: pd.Series, lang: str, spec: Any) -> tuple[np.ndarray, list[str]]:
    known = values.dropna()
    if known.empty:
        return np.array([]), []
    edges = np.unique(np.quantile(known.to_numpy(), np.linspace(0, 1, MAP_CLASSES + 1)))
    if len(edges) < 2:
        edges = np.array([edges[0], edges[0]])
    legend = [
        f"{value_text(a, spec, lang)} – {value_text(b, spec, lang)}"
        for a, b in itertools.pairwise(edges)
    ]
    return edges, legend


def _classify(value: float | None, edges: np.ndarray) -> int | None:
    if value is None or len(edges) < 2:
        return None
    k = int(np.searchsorted(edges[1:-1], value, side="right"))
    return min(k, len(edges) - 2)


def _project(rings: list[np.ndarray], lat0: float) -> list[np.ndarray]:
    scale = math.cos(math.radians(lat0))
    return [np.column_stack([r[:, 0] * scale, r[:, 1]]) for r in rings]


def _bounds(rings: Iterable[np.ndarray]) -> tuple[float, float, float, float] | None:
    stack = [r for r in rings if len(r)]
    if not stack:
        return None
    xy = np.vstack(stack)
    return (float(xy[:, 0].min()), float(xy[:, 1].min()), float(xy[:, 0].max()),
            float(xy[:, 1].max()))  # fmt: skip


def _locator(inputs: SheetInputs, code: str, lang: str) -> MapContent | None:
    source, frame = inputs.source, inputs.frames[inputs.source.level]
    outlines = inputs.outlines[(source.level, 0)]
    parent = source.parent_level
    epsg = frame["metric_epsg"].get(code) if "metric_epsg" in frame else None
    same = frame.index.to_series()
    if "metric_epsg" in frame:
        same = same[frame["metric_epsg"] == epsg]
    title = text("locator", lang)
    parent_shapes: list[tuple[str, list[np.ndarray], str, int | None]] = []
    if parent in frame.columns and parent in inputs.parents:
        pcode = frame.at[code, parent]
        members = same[frame.loc[same.index, parent] == pcode].index
        pname = inputs.parents[parent].get(pcode, pcode)
        title = f"{text('locator_in', lang)} {pname}"
        prings = inputs.outlines.get((parent, 0), {}).get(str(pcode), [])
        parent_shapes = [(str(pcode), prings, "parent", None)]
    else:
        members = same.index
    raw = {str(c): outlines.get(str(c), []) for c in members}
    box = _bounds(r for rings in raw.values() for r in rings)
    if box is None:
        return None
    lat0 = (box[1] + box[3]) / 2
    shapes = [(c, _project(rings, lat0), "focus" if c == code else "member", None)
              for c, rings in raw.items()]  # fmt: skip
    shapes.sort(key=lambda s: s[2] == "focus")
    shapes += [(c, _project(r, lat0), role, k) for c, r, role, k in parent_shapes]
    projected = _bounds(r for s in shapes for r in s[1])
    return MapContent(title=title, shapes=shapes, bounds=projected or box)


def _key_map(inputs: SheetInputs, code: str, lang: str) -> MapContent | None:
    indicator = inputs.layout.get("map")
    source, frame = inputs.source, inputs.frames[inputs.source.level]
    if not indicator or indicator not in inputs.table.values.columns:
        return None
    outlines = inputs.outlines[(source.level, 1)]
    own = outlines.get(code, [])
    box = _bounds(own)
    if box is None:
        return None
    w, h = box[2] - box[0], box[3] - box[1]
    margin = max(w, h) * 0.6 + 0.02
    area = (box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin)
    same = frame.index
    if "metric_epsg" in frame:
        same = frame.index[frame["metric_epsg"] == frame.at[code, "metric_epsg"]]
    spec = inputs.specs.get(indicator, {})

    def shown() -> pd.Series:
        values = inputs.table.values[indicator]
        withheld = inputs.table.withheld
        if withheld is not None and indicator in withheld.columns:
            values = values.mask(withheld[indicator].reindex(values.index, fill_value=False))
        return values

    values = inputs.memo(("map", indicator), shown)
    edges, legend = inputs.memo(("classes", indicator, lang),
                                lambda: _map_classes(values, lang, spec))  # fmt: skip
    lat0 = (box[1] + box[3]) / 2
    shapes = []
    boxes = inputs.boxes[(source.level, 1)].reindex(same.astype(str)).dropna()
    near = boxes[(boxes["minx"] <= area[2]) & (boxes["maxx"] >= area[0])
                 & (boxes["miny"] <= area[3]) & (boxes["maxy"] >= area[1])]  # fmt: skip
    for c in near.index:
        rings = outlines.get(str(c), [])
        role = "focus" if str(c) == code else "context"
        shapes.append((str(c), _project(rings, lat0), role,
                       _classify(_float(values.get(c)), edges)))  # fmt: skip
    shapes.sort(key=lambda s: s[2] == "focus")
    scale = math.cos(math.radians(lat0))
    bounds = (area[0] * scale, area[1], area[2] * scale, area[3])
    label = spec_text(spec, "label", lang, default=indicator) or indicator
    return MapContent(title=label, shapes=shapes, bounds=bounds, legend=legend,
                      legend_missing=text("no_value", lang))  # fmt: skip


def _head(text_: str) -> str:
    """A source or vintage without its parenthesised details (kept in the catalogue)."""
    out, depth = [], 0
    for ch in text_:
        depth += ch == "("
        if depth == 0:
            out.append(ch)
        depth -= ch == ")" and depth > 0
    return " ".join("".join(out).split()).strip(" ;,")


def _source_lines(inputs: SheetInputs, ids: Iterable[str], lang: str) -> list[str]:
    lines: dict[str, list[str]] = {}
    for indicator in ids:
        spec = inputs.specs.get(indicator)
        if spec is None:
            continue
        where = _head(spec_text(spec, "source", lang, default="") or "")
        vintage = _head(spec_text(spec, "vintage", lang, default="") or "")
        line = f"{where} ({vintage})" if vintage else where
        if line:
            lines.setdefault(line, []).append(spec_text(spec, "label", lang, default=indicator))
    return list(lines)


def sheet_content(
    source: Any,
    code: str,
    *,
    diagnoses: Any = None,
    lang: str = "fr",
    indicators: Iterable[str] | None = None,
) -> SheetContent:
    """The content of the one-page sheet of one territory.

    Parameters
    ----------
    source
        A :class:`~territorial.sources.Source`, or the :class:`SheetInputs` of its
        level (:func:`sheet_inputs`, computed once for a batch: then each sheet is cheap).
    code
        The territory's code or name (``source.find``).
    diagnoses
        The level's :class:`~territorial.diagnose.diagnosis.DiagnosisSet`, if made.
    lang
        ``"fr"`` (default) or ``"en"``.
    indicators
        A file's indicators (default: all its numeric columns).

    Returns
    -------
    SheetContent
        Every figure already written in ``lang``; draw it with
        :func:`territorial.render.sheet.render_sheet` or :func:`write_sheet`.

    Examples
    --------
    >>> from territorial.sources import open_source
    >>> inputs = sheet_inputs(open_source("france:region", purpose="diagnosis"))
    >>> content = sheet_content(inputs, "84", lang="en")
    >>> content.name, content.level_label, content.key[0].label
    ('Auvergne-Rhône-Alpes', 'region', 'Municipal population')
    """
    check_lang(lang)
    inputs = source if isinstance(source, SheetInputs) else sheet_inputs(
        source, diagnoses=diagnoses, indicators=indicators)  # fmt: skip
    src = inputs.source
    code = src.find(str(code))
    if code not in inputs.diagnoses.comparison.values.index:
        raise InvalidArgumentError(
            "code", code, f"a territory diagnosed in {src.text}",
            "It has no indicator to compare; pick another territory.",
        )  # fmt: skip
    d = inputs.diagnosis(code, lang)
    frame = inputs.frames[src.level]
    row = frame.loc[code]
    file = src.scheme == "file"

    parent_codes = {lv: str(row[lv]) for lv in inputs.parents if pd.notna(row.get(lv))}
    parents = [(level_name(lv, lang, plural=False), c, str(inputs.parents[lv].get(c, c)))
               for lv, c in parent_codes.items()]  # fmt: skip
    levels = list(inputs.diagnoses.comparison.references)
    order = [lv for lv in src.reference_levels if lv in levels] or levels
    if file:
        n = len(frame)
        references = [text("whole_set", lang).format(n=format_number(n, lang=lang))]
    else:
        references = [
            _reference_label(
                inputs, lv, "FR" if lv == "france" else parent_codes.get(lv, ""), lang
            )
            for lv in order
        ]
    peer = d.findings[0]["peer_group"] if d.findings else None
    peers = text("peers", lang).format(level=level_name(src.level, lang))
    if peer and peer != "all":
        peers += f" ({peer}{NBSP}{'hab.' if lang == 'fr' else 'inh.'})" if str(peer)[0].isdigit() \
            else f" ({peer})"  # fmt: skip
    if not (file and peer == "all"):
        references.append(peers)

    # key figures
    key: list[Figure] = []
    if file:
        if "population" in frame and pd.notna(row.get("population")):
            spec = {"unit": "hab.", "decimals": 0}
            if not unit_follows(spec, lang):
                spec = {"unit": "", "decimals": 0}
            pop = _float(row["population"])
            key.append(Figure("population", text("population", lang), pop,
                              value_text(pop, spec, lang)))  # fmt: skip
        area = _float(row.get("area_km2"))
        if area is not None:
            key.append(Figure("area", text("area", lang), area,
                              value_text(area, {"unit": "km²", "decimals": 1}, lang)))  # fmt: skip
    unavailable: list[str] = []
    for indicator in inputs.layout["key"]:
        if _level_lacks(inputs, indicator):
            unavailable.append(spec_text(inputs.specs.get(indicator, {}), "label", lang,
                                         default=indicator))  # fmt: skip
            continue
        figure = _figure(inputs, code, indicator, lang, _table_value(inputs, code, indicator),
                         _whole(inputs, indicator))  # fmt: skip
        spec = inputs.specs.get(indicator, {})
        if not unit_follows(spec, lang):  # said once, after the label
            if _unit(spec) in LABEL_UNITS and unit_text(spec, lang):
                figure.label = f"{figure.label} ({unit_text(spec, lang)})"
            plain = {"unit": "", "decimals": _decimals(spec)}
            if not figure.withheld:
                figure.text = value_text(figure.value, plain, lang)
            figure.reference_text = value_text(figure.reference, plain, lang) \
                if figure.reference is not None else ""  # fmt: skip
        key.append(figure)

    # comparison table
    columns = [("value", text("value", lang))]
    if file:
        columns.append(("whole", text("median_set", lang)))
    else:
        columns += [(lv, _capital(level_name(lv, lang, plural=False))) for lv in order]
    findings = {f["indicator"]: f for f in d.findings}
    themes = []
    for theme, ids in inputs.layout["themes"].items():
        rows = []
        for indicator in ids:
            spec = inputs.specs.get(indicator, {})
            if _level_lacks(inputs, indicator):
                unavailable.append(spec_text(spec, "label", lang, default=indicator))
                continue
            finding = findings.get(indicator)
            value = finding["value"] if finding else _table_value(inputs, code, indicator)
            short = unit_follows(spec, lang)
            cell_spec = spec if short else {"unit": "", "decimals": _decimals(spec)}
            cells = [_figure(inputs, code, indicator, lang, value)]
            cells[0].id = "value"
            if not cells[0].withheld:
                cells[0].text = value_text(cells[0].value, cell_spec, lang)
            if not short and unit_text(spec, lang):
                cells[0].label = f"{cells[0].label} ({unit_text(spec, lang)})"
            for key_, _ in columns[1:]:
                if key_ == "whole":
                    ref = _whole(inputs, indicator)
                elif finding:
                    ref = finding["references"].get(key_)
                else:
                    ref = None
                ref = _float(ref)
                cells.append(Figure(key_, "", ref, value_text(ref, cell_spec, lang)))
            percentile = _float(finding["percentile"]) if finding else None
            if cells[0].withheld:
                percentile = None
            ptext = ""
            if percentile is not None:
                ptext = format_number(round(percentile * 100), lang=lang, decimals=0)
            rows.append(Row(indicator, cells[0].label, cells, percentile, ptext,
                            (finding or {}).get("status") or ""))  # fmt: skip
        label = THEME_NAMES.get(theme, {}).get(lang, theme) if theme else text("indicators", lang)
        themes.append((label, rows))

    # charts
    history = _history(inputs, code, lang, parent_codes)
    sectors = [_figure(inputs, code, i, lang, _table_value(inputs, code, i), _whole(inputs, i))
               for i in inputs.layout["sectors"]]  # fmt: skip
    for figure in sectors:
        short = inputs.layout.get("short", {}).get(figure.id)
        figure.label = in_language(short, lang, default=figure.label) or figure.label

    # spatial context and profiles
    specs = inputs.diagnoses.specs
    spatial = []
    if d.isolated:
        spatial.append(ISOLATED_TEXT[lang])
    sep = f"{NBSP}: " if lang == "fr" else ": "
    clusters = [(i, c) for i, c in d.lisa.items() if not _withheld(inputs, code, i)]
    for indicator, cluster in clusters[:MAX_CLUSTERS]:
        label = spec_text(specs.get(indicator, {}), "label", lang, default=indicator)
        spatial.append(f"{label}{sep}{CLUSTER_WORDS[cluster][lang]}")
    if len(clusters) > MAX_CLUSTERS:
        spatial.append(_more(len(clusters) - MAX_CLUSTERS, "more_clusters", lang))
    if not spatial and inputs.diagnoses.lisa is not None:
        spatial.append(text("no_cluster", lang))
    type_line = ""
    if d.type:
        type_line = f"{text('type', lang)} {d.type}"
        if d.type_summary:
            type_line += f"{sep}{d.type_summary}"
    profiles = []
    if inputs.ranks is not None:
        n_ranked = inputs.ranks.ranks.notna().sum()
        for profile in src.profiles():
            if profile.name not in inputs.ranks.ranks.columns:
                continue
            rank = inputs.ranks.ranks.at[code, profile.name]
            if pd.isna(rank):
                continue
            of = format_number(int(n_ranked[profile.name]), lang=lang)
            profiles.append(
                (
                    in_language(profile.label, lang, default=profile.name),
                    text("rank_of", lang).format(rank=_ordinal(int(rank), lang), n=of),
                )
            )

    # footer
    shown = [*inputs.layout["key"], *(i for ids in inputs.layout["themes"].values() for i in ids),
             *inputs.layout["sectors"]]  # fmt: skip
    sources = _source_lines(inputs, dict.fromkeys(shown), lang)
    if history is not None:
        sources.append(text("history_source", lang))
    notes = [clip_note(n, lang) for n in d.notes]
    if unavailable:
        what = (" ; " if lang == "fr" else "; ").join(dict.fromkeys(unavailable))
        notes.append(
            text("unavailable", lang).format(level=level_name(src.level, lang), what=what)
        )
    provenance = src.provenance
    if file:
        geography = f"{text('file', lang)} {getattr(src, 'path', src.text).name}"
    else:
        wheel = provenance.get("source", {})
        geography = text("geography_france", lang).format(
            name=wheel.get("name", ""), version=wheel.get("version", ""))  # fmt: skip
    from territorial import __version__

    more = {k: _more(len(v) - MAX_SENTENCES, "more", lang)
            for k, v in (("strengths", d.strengths), ("weaknesses", d.weaknesses),
                         ("traits", d.traits))}  # fmt: skip
    content = SheetContent(
        lang=lang, code=code, name=str(row["name"]), level=src.level,
        level_label=level_name("territory", lang, plural=False) if file else src.level_label(lang),
        parents=parents, references=references, key=key,
        strengths=d.strengths[:MAX_SENTENCES], weaknesses=d.weaknesses[:MAX_SENTENCES],
        traits=d.traits[:MAX_SENTENCES] if file else [], more=more,
        columns=columns, themes=themes, peers=peers, history=history, sectors=sectors,
        sectors_reference=text("median_set", lang) if file else "France",
        locator=_locator(inputs, code, lang),
        key_map=_key_map(inputs, code, lang), spatial=spatial, type_line=type_line,
        profiles=profiles, notes=notes, sources=sources, geography=geography,
        generated=inputs.generated, version=__version__,
        texts={k: text(k, lang) for k in TEXT_KEYS},
        whole_label=text("median_set", lang) if file else "France",
    )  # fmt: skip
    if file:  # a file's sources are its own name
        content.texts["sources_label"] = text("sources", lang)
    return content


#: The interface words the template prints (see :mod:`territorial.sheets.texts`).
TEXT_KEYS = (
    "title", "key_figures", "strengths", "weaknesses", "traits", "comparison", "percentile",
    "history", "history_index", "sectors", "spatial", "profiles", "notes", "sources",
    "geography", "generated", "toolkit", "none", "references", "parents", "france",
    "this_territory", "indicator", "single_vintage", "sep", "percentile_short", "sources_label",
)  # fmt: skip
