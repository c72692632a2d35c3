"""Diagnose the built-in France territories (a thin layer over the generic core).

Loads the territories and the France catalogue computed at the level and at
each parent level up to France (references computed from the components by
:func:`territorial.france.compute_france`), builds contiguity weights (a
territory without a neighbour on its land mass, an island or an overseas
département, is isolated, never the neighbour of another island), and calls
:func:`territorial.diagnose.diagnosis.diagnose` with the values withheld by the
catalogue's ``count``/``min_count`` (too few persons or events, trivial by
construction), why, and the number of road events behind each safety value.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import pandas as pd

from territorial.diagnose.compare import StrengthRule, size_classes
from territorial.diagnose.composite import Profile
from territorial.diagnose.diagnosis import Diagnosis, DiagnosisSet, diagnose
from territorial.diagnose.smoothing import empirical_bayes
from territorial.diagnose.typology import typology
from territorial.diagnose.weights import contiguity_weights
from territorial.errors import InvalidArgumentError, UnknownLevelError
from territorial.france.levels import FRANCE_DIAGNOSIS_LEVELS
from territorial.indicators.spec import Catalogue, IndicatorSpec, split_expression

__all__ = [
    "EVENT_NOUNS",
    "FRANCE_DIAGNOSIS_LEVELS",
    "diagnose_france",
    "france_diagnosis_set",
    "france_notes",
    "france_profiles",
]

#: Empirical Bayes assumes a count over an exposure: every share, and these rates of
#: events per inhabitant. Other ratios (a population-weighted mean distance) are not smoothed.
SMOOTHABLE_RATES: tuple[str, ...] = ("road_accidents_rate", "road_deaths_rate")
#: Smallest peer group: smaller size classes are merged with the next smaller one (and
#: population quantile classes, used when the fixed classes leave fewer than three, hold
#: at least as many: the 101 départements get quartiles of 25).
MIN_PEERS = 20

#: Indicators that are rates or changes of random events, and what they count: their
#: sentences get a confidence note where the events are few (see StrengthRule).
EVENT_NOUNS: dict[str, dict[str, str]] = {
    "road_accidents_rate": {"fr": "accidents", "en": "accidents"},
    "road_deaths_rate": {"fr": "tués", "en": "deaths"},
    "road_accidents_change": {"fr": "accidents", "en": "accidents"},
    "road_deaths_change": {"fr": "tués", "en": "deaths"},
}

#: Why a value is withheld, by the component its ``count`` sums (docs/diagnose.md).
_PERSONS = ("councillors", "councillors_age_known", "councillors_pcs_known", "mayors")
_SINGLE = {
    "fr": "0 ou 100 % par construction pour une seule commune",
    "en": "0 or 100% by construction for a single commune",
}
_PREFECTURE = {
    "fr": "la préfecture elle-même, à 0 km par construction",
    "en": "the prefecture itself, at 0 km by construction",
}


def _least(specs: list[IndicatorSpec], lang: str) -> str:
    from territorial.format import format_number

    values = sorted({float(s.min_count or 0) for s in specs})
    return (" ou " if lang == "fr" else " or ").join(format_number(v, lang=lang) for v in values)


def _event_reason(events: list[IndicatorSpec]) -> dict[str, str]:
    """One reason for every rate and change of road events (one note, not four)."""
    rates = [s for s in events if s.kind != "growth"]
    changes = [s for s in events if s.kind == "growth"]
    fr, en = [], []
    if rates:
        fr.append(f"{_least(rates, 'fr')} pour un taux")
        en.append(f"{_least(rates, 'en')} for a rate")
    if changes:
        fr.append(f"{_least(changes, 'fr')} sur les deux périodes pour une évolution")
        en.append(f"{_least(changes, 'en')} over both periods for a change")
    return {
        "fr": "trop peu d'événements, il en faut " + ", ".join(fr),
        "en": "too few events, it takes " + ", ".join(en),
    }


#: What INSEE's counts behind a withheld value count (other than persons).
_COUNTED: dict[frozenset[str], tuple[str, str]] = {
    frozenset({"establishments"}): ("établissements", "establishments"),
    frozenset({"dwellings", "main_homes"}): ("logements", "dwellings"),
    frozenset({"jobs_2013"}): ("emplois en 2013", "jobs in 2013"),
    frozenset({"births_2013_2018", "deaths_2013_2018"}): (
        "naissances et décès", "births and deaths",
    ),
    frozenset({"population_2017", "census_population_2013", "population_2021",
               "population_15_64", "active_15_64", "employed_15_64", "fiscal_persons"}): (
        "habitants", "inhabitants",
    ),
}  # fmt: skip


def _reason(spec: IndicatorSpec, events: dict[str, str]) -> dict[str, str] | None:
    from territorial.format import format_number

    columns = set(split_expression(spec.count or ""))
    if not columns:
        return None
    if columns <= set(_PERSONS):
        least = {lang: format_number(spec.min_count, lang=lang) for lang in ("fr", "en")}
        return {
            "fr": f"moins de {least['fr']} personnes : secret statistique",
            "en": f"fewer than {least['en']} persons: statistical confidentiality",
        }
    least = {lang: format_number(spec.min_count, lang=lang) for lang in ("fr", "en")}
    if columns == {"mcd12c1_cells"}:
        return {
            "fr": f"moins de {least['fr']} cellules MODIS (environ 21 km² chacune) : "
            "part trop grossière",
            "en": f"fewer than {least['en']} MODIS cells (about 21 km² each): too coarse a share",
        }
    for unit_columns, (fr, en) in _COUNTED.items():
        if columns <= unit_columns:
            return {"fr": f"moins de {least['fr']} {fr}", "en": f"fewer than {least['en']} {en}"}
    if columns == {"n_communes"}:
        return dict(_SINGLE)
    if columns == {"communes_not_prefecture"}:
        return dict(_PREFECTURE)
    if spec.id in EVENT_NOUNS:
        return dict(events)
    return None


def france_notes(catalogue: Catalogue) -> dict[str, dict[str, dict[str, str]]]:
    """The words of the notes of a France diagnosis (``notes_kwds`` of ``diagnose``).

    Examples
    --------
    >>> from territorial.france import france_catalogue
    >>> notes = france_notes(france_catalogue())
    >>> notes["reasons"]["women_mayors_share"]["en"]
    'fewer than 5 persons: statistical confidentiality'
    >>> notes["reasons"]["road_deaths_change"]["en"]
    'too few events, it takes 20 for a rate, 80 over both periods for a change'
    >>> notes["nouns"]["road_deaths_rate"]
    {'fr': 'tués', 'en': 'deaths'}
    """
    events = [catalogue[i] for i in EVENT_NOUNS if i in catalogue and catalogue[i].count]
    event_reason = _event_reason(events)
    reasons = {}
    for sid, spec in catalogue.items():
        reason = _reason(spec, event_reason)
        if reason is not None:
            reasons[sid] = reason
    nouns = {sid: dict(noun) for sid, noun in EVENT_NOUNS.items() if sid in catalogue}
    return {"reasons": reasons, "nouns": nouns}


def _event_counts(
    level: str, catalogue: Catalogue, ids: list[str], cache: str | os.PathLike[str] | None
) -> pd.DataFrame | None:
    """The number of events behind each value of the event indicators among ``ids``."""
    from territorial.france.indicators import compute_france

    events = [i for i in ids if i in EVENT_NOUNS and catalogue[i].count]
    if not events:
        return None
    stocks = [
        IndicatorSpec(
            id=f"{sid}__events",
            label={"fr": sid},
            theme=catalogue[sid].theme,
            unit="nombre",
            polarity="neutral",
            kind="stock",
            numerator=catalogue[sid].count,
        )
        for sid in events
    ]
    extended = Catalogue([*catalogue.values(), *stocks], name=catalogue.name,
                         layers=catalogue.layers)  # fmt: skip
    table = compute_france(
        level, indicators=[*events, *(s.id for s in stocks)], catalogue=extended, cache=cache
    )
    counts = table.values[[s.id for s in stocks]]
    counts.columns = events
    return counts


def france_diagnosis_set(
    level: str,
    *,
    indicators: Iterable[str] | None = None,
    peers: str | pd.Series = "size",
    smooth: bool = False,
    permutations: int = 999,
    seed: int = 12345,
    alpha: float = 0.05,
    fdr: bool = False,
    n_types: int | None = None,
    rule: StrengthRule | None = None,
    lisa: bool = True,
    cache: str | os.PathLike[str] | None = None,
) -> DiagnosisSet:
    """Diagnose every territory of a France level (see :func:`diagnose_france`).

    ``peers`` is ``"size"`` (same population class), ``"all"``, ``"type"``
    (same k-means type on the indicators) or a Series of peer groups. Size
    classes are the fixed population classes, or population quartiles where
    those leave fewer than three groups (the départements).

    With the built-in data and a named ``peers``, the set is stored across processes
    (like the tables of :mod:`territorial.france.tablecache`), under a key made of the
    level, every option, the cached inputs, the catalogue and the toolkit's code: a
    second diagnosis of the same level reads it back, verified, instead of computing
    the indicators, the weights, the LISA permutations and the types again.

    Examples
    --------
    >>> ds = france_diagnosis_set("region", indicators=["density", "women_mayors_share"],
    ...                           lisa=False)
    >>> len(ds.comparison.status)
    18
    >>> ds.diagnosis("84", lang="en").name
    'Auvergne-Rhône-Alpes'
    """
    if level not in FRANCE_DIAGNOSIS_LEVELS:
        raise UnknownLevelError(
            level,
            FRANCE_DIAGNOSIS_LEVELS,
            expected=", ".join(repr(lv) for lv in FRANCE_DIAGNOSIS_LEVELS),
            fix="Indicators are computed from communes upwards; pick one of these levels.",
        )
    ids = list(indicators) if indicators is not None else None
    key = None
    if isinstance(peers, str) and _stored_diagnoses():
        import dataclasses

        options = {
            "indicators": ids, "peers": peers, "smooth": smooth, "permutations": permutations,
            "seed": seed, "alpha": alpha, "fdr": fdr, "n_types": n_types, "lisa": lisa,
            "rule": None if rule is None else dataclasses.asdict(rule),
        }  # fmt: skip
        key = _diagnosis_key(level, options, cache)
        stored = _read_diagnosis(key, cache)
        if stored is not None:
            return stored
    result = _france_diagnosis_set(
        level, ids=ids, peers=peers, smooth=smooth, permutations=permutations, seed=seed,
        alpha=alpha, fdr=fdr, n_types=n_types, rule=rule, lisa=lisa, cache=cache,
    )  # fmt: skip
    if key is not None:
        _write_diagnosis(_diagnosis_key(level, options, cache), result, cache)
    return result


def _stored_diagnoses() -> bool:
    """Whether diagnoses are stored across processes (with the tables: off in the tests)."""
    from territorial.france import tablecache

    return tablecache.ENABLED


def _france_diagnosis_set(
    level: str,
    *,
    ids: list[str] | None,
    peers: str | pd.Series,
    smooth: bool,
    permutations: int,
    seed: int,
    alpha: float,
    fdr: bool,
    n_types: int | None,
    rule: StrengthRule | None,
    lisa: bool,
    cache: str | os.PathLike[str] | None,
) -> DiagnosisSet:
    """The body of :func:`france_diagnosis_set` (nothing stored)."""
    from territorial.france.data import load_france
    from territorial.france.indicators import compute_france

    table = compute_france(level, indicators=ids, cache=cache)
    catalogue = table.catalogue
    values = table.values.copy()
    report: dict[str, Any] = {"indicators": table.report}
    if ids is None:  # stocks measure size, not performance: left to the peer groups
        values = values[[c for c in values.columns if catalogue[c].kind != "stock"]]
    withheld = None if table.withheld is None else table.withheld.reindex(columns=values.columns)
    counts = _event_counts(level, catalogue, list(values.columns), cache)
    territories = load_france(level, cache=cache, progress=False)
    territories = territories.loc[territories.index.isin(values.index)]
    values = values.reindex(territories.index)
    if smooth:
        smoothed = []
        for c in values.columns:
            countable = catalogue[c].kind == "share" or c in SMOOTHABLE_RATES
            if countable and c in table.parts:
                parts = table.parts[c].reindex(values.index)
                scale = float(parts["scale"].iloc[0]) if "scale" in parts else 1.0
                smoothed_values = empirical_bayes(
                    parts["numerator"], parts["denominator"], scale=scale
                )
                if withheld is not None:  # smoothing never brings a withheld value back
                    hidden = withheld[c].reindex(values.index, fill_value=False)
                    smoothed_values = smoothed_values.mask(hidden)
                values[c] = smoothed_values
                smoothed.append(c)
        report["smoothed"] = {
            "method": "global empirical Bayes",
            "indicators": smoothed,
            "not_smoothed": [c for c in values.columns if c not in smoothed],
            "rule": "shares and counts per inhabitant only (SMOOTHABLE_RATES)",
        }
    # France first: its value decides strengths and weaknesses, as the peers are national
    # (StrengthRule; the nearer references stay in the findings and the tables)
    references: dict[str, pd.DataFrame] = {}
    for ref_level in sorted(FRANCE_DIAGNOSIS_LEVELS[level], key=lambda lv: lv != "france"):
        references[ref_level] = compute_france(
            ref_level, indicators=list(values.columns), cache=cache
        ).values
    parent_levels = [lv for lv in FRANCE_DIAGNOSIS_LEVELS[level] if lv in territories.columns]
    parents = territories[parent_levels] if parent_levels else None
    population = territories["population"]
    if isinstance(peers, pd.Series):
        groups, comparable = peers.reindex(values.index), True
    elif peers == "size":
        groups, comparable = size_classes(population, min_size=MIN_PEERS), True
    elif peers == "all":
        groups, comparable = None, False
    elif peers != "type":
        raise InvalidArgumentError(
            "peers", peers, "'size', 'all', 'type' or a Series of peer groups",
            "Pass peers='size' (same population class), 'all', 'type' (same k-means type), "
            "or your own grouping.",
        )  # fmt: skip
    weights = None
    if lisa:
        weights = contiguity_weights(territories)
    n = len(values)
    k = n_types if n_types is not None else (6 if n >= 60 else max(2, n // 6))
    if isinstance(peers, str) and peers == "type":  # same k-means type on the indicators
        groups = typology(values, k=k, seed=0).labels.rename("peer_group")
        comparable = True
    result = diagnose(
        values,
        catalogue,
        names=territories["name"],
        level=level,
        references=references,
        parents=parents,
        peers=groups,
        comparable=comparable,
        population=population,
        weights=weights,
        lisa_kwds={"permutations": permutations, "seed": seed, "alpha": alpha, "fdr": fdr},
        types=k if n >= 3 * 2 else None,
        rule=rule,
        withheld=withheld,
        counts=counts,
        notes_kwds=france_notes(catalogue),
    )
    result.spec["sources"] = report
    return result


def diagnose_france(
    level: str,
    code: str | None = None,
    *,
    lang: str = "fr",
    **kwds: Any,
) -> Diagnosis | pd.DataFrame:
    """Diagnose a France territory, or all territories of a level.

    Parameters
    ----------
    level
        One of :data:`FRANCE_DIAGNOSIS_LEVELS`.
    code
        A territory code (``"200046977"``): its :class:`Diagnosis`; ``None``:
        the table of all territories (:meth:`DiagnosisSet.table`).
    lang
        ``"fr"`` or ``"en"``.
    **kwds
        Options of :func:`france_diagnosis_set`: ``indicators``, ``peers``
        (``"size"``, ``"all"`` or a Series), ``smooth`` (empirical Bayes on
        shares and on the rates of :data:`SMOOTHABLE_RATES`), ``permutations``,
        ``seed``, ``alpha``, ``fdr``, ``n_types``, ``rule``, ``lisa``, ``cache``.

    Examples
    --------
    >>> d = diagnose_france("region", "11", lang="en", indicators=["density"], lisa=False)
    >>> d.name
    'Île-de-France'
    >>> for sentence in d.traits:
    ...     print(*sentence.replace("\\xa0", " ").split(", "), sep=",\\n  ")
    Population density: 1,033.3 inh./km²,
      9.6 times the national value (107.3 inh./km²),
      10th decile of comparable regions
    >>> table = diagnose_france("region", indicators=["density"], lisa=False)
    >>> len(table), len(table.loc["06", "traits"])  # 18 régions; Mayotte diagnosed too
    (18, 1)
    """
    result = france_diagnosis_set(level, **kwds)
    if code is None:
        return result.table(lang=lang)
    return result.diagnosis(code, lang=lang)


def france_profiles() -> list[Profile]:
    """Points of view over the built-in France catalogue.

    Examples
    --------
    >>> [p.name for p in france_profiles()]
    ['public_services', 'democratic_renewal', 'road_safety']
    """
    return [
        Profile(
            "public_services",
            {"fr": "Services publics de proximité", "en": "Local public services"},
            {
                "median_townhall_hours": 1.0,
                "share_townhall_website": 1.0,
                "mean_distance_prefecture": 1.0,
            },
        ),
        Profile(
            "democratic_renewal",
            {"fr": "Renouvellement démocratique", "en": "Democratic renewal"},
            {
                "women_councillors_share": 1.0,
                "women_mayors_share": 1.0,
                "share_councillors_under_40": 1.0,
                "median_age_councillors": -1.0,
            },
        ),
        Profile(
            "road_safety",
            {"fr": "Sécurité routière", "en": "Road safety"},
            {"road_accidents_rate": 1.0, "road_deaths_rate": 2.0, "road_deaths_change": 1.0},
        ),
    ]


# ---- the diagnosis of a level stored across processes ---------------------------------
#
# ``territorial diagnose france:epci 200046977`` needs the whole level: five indicator
# tables, the contiguity weights, the LISA permutations, the k-means types. Everything
# ``diagnose`` returns (the DiagnosisSet) is stored once per key, made of every input
# (the cached files, the catalogue, the toolkit's code, its version) and every option; the
# same folder, manifest and checks as the stored tables (territorial.france.tablecache):
# switched off with them in the test suite, verified when read, recomputed when a file
# fails its check. Nothing is pickled: tables go to Arrow IPC, the rest to tagged JSON, and
# a set is stored only if it reads back equal to what was computed (else it is not kept).

#: Bump when the stored form of a diagnosis changes.
DIAGNOSIS_FORMAT = 2


def _stored_classes() -> dict[str, type]:
    """The classes a stored diagnosis may hold (looked up by name in this table only)."""
    from territorial.diagnose.spatial import LocalMoran
    from territorial.diagnose.typology import Typology

    return {
        "DiagnosisSet": DiagnosisSet,
        "Comparison": _comparison_class(),
        "StrengthRule": StrengthRule,
        "LocalMoran": LocalMoran,
        "Typology": Typology,
    }


def _comparison_class() -> type:
    from territorial.diagnose.compare import Comparison

    return Comparison


class _NotStorableError(Exception):
    """A value that the stored form does not hold exactly (the set is then not stored)."""


def _encode(value: Any, frames: list[pd.DataFrame | pd.Series]) -> Any:
    """Plain JSON data for ``value``; tables are appended to ``frames`` and referenced."""
    import dataclasses

    import numpy as np

    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float) and type(value) in (int, float):
        return value
    if isinstance(value, np.generic):
        if value.dtype.kind not in "biuf":
            raise _NotStorableError(type(value).__name__)
        return {"np": value.dtype.str, "v": value.item()}
    if isinstance(value, pd.DataFrame | pd.Series):
        frames.append(value)
        return {"frame": len(frames) - 1}
    if isinstance(value, Catalogue):
        return {"catalogue": list(value)}
    if isinstance(value, list | tuple | set | frozenset):
        kind = {list: "list", tuple: "tuple", set: "set", frozenset: "frozenset"}.get(type(value))
        if kind is None:
            raise _NotStorableError(type(value).__name__)
        items = sorted(value, key=repr) if kind in ("set", "frozenset") else value
        return {kind: [_encode(v, frames) for v in items]}
    if type(value) is dict:
        return {"dict": [[_encode(k, frames), _encode(v, frames)] for k, v in value.items()]}
    name = type(value).__name__
    if dataclasses.is_dataclass(value) and _stored_classes().get(name) is type(value):
        fields = {f.name: _encode(getattr(value, f.name), frames)
                  for f in dataclasses.fields(value)}  # fmt: skip
        return {"class": name, "fields": fields}
    raise _NotStorableError(name)


def _decode(data: Any, frames: list[pd.DataFrame | pd.Series], catalogue: Catalogue | None) -> Any:
    import numpy as np

    if not isinstance(data, dict):
        return data
    if "np" in data:
        return np.dtype(data["np"]).type(data["v"])
    if "frame" in data:
        return frames[data["frame"]]
    if "catalogue" in data and catalogue is not None:
        return catalogue.select(data["catalogue"])
    if "dict" in data:
        return {_decode(k, frames, catalogue): _decode(v, frames, catalogue)
                for k, v in data["dict"]}  # fmt: skip
    if "class" in data:
        cls = _stored_classes()[data["class"]]
        fields = {k: _decode(v, frames, catalogue) for k, v in data["fields"].items()}
        return cls(**fields)
    for kind, make in (("list", list), ("tuple", tuple), ("set", set), ("frozenset", frozenset)):
        if kind in data:
            return make(_decode(v, frames, catalogue) for v in data[kind])
    raise _NotStorableError(str(list(data)))


def _frame_bytes(frame: pd.DataFrame | pd.Series) -> tuple[bytes, dict]:
    """Arrow IPC bytes of a table (a Series as a one-column table), with what Arrow forgets
    (a fifth of the time of Parquet to read back the 29 tables of a diagnosis)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.ipc

    is_series = isinstance(frame, pd.Series)
    table = frame.to_frame("values") if is_series else frame
    columns = table.columns
    plain = table.set_axis([f"c{i}" for i in range(len(columns))], axis=1)
    arrow = pa.Table.from_pandas(plain, preserve_index=True)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, arrow.schema) as writer:
        writer.write_table(arrow)
    info = {
        "series": is_series,
        "name": _encode(frame.name if is_series else None, []),
        "columns": _encode(list(columns), []),
        "columns_name": _encode(columns.name, []),
        "columns_dtype": str(columns.dtype),
        # Parquet reads text back as pandas' str dtype: the object ones are restored
        "object": [i for i, dtype in enumerate(table.dtypes) if dtype is np.dtype(object)],
        "object_index": table.index.dtype is np.dtype(object),
    }
    return sink.getvalue().to_pybytes(), info


def _frame_of(data: bytes, info: dict) -> pd.DataFrame | pd.Series:
    import pyarrow as pa
    import pyarrow.ipc

    frame = pa.ipc.open_file(pa.py_buffer(data)).read_all().to_pandas()
    for i in info["object"]:
        column = frame.iloc[:, i]
        if column.dtype != object:
            frame.isetitem(i, column.astype(object).where(column.notna(), None))
    if info["object_index"] and frame.index.dtype != object:
        frame.index = frame.index.astype(object)
    frame.columns = pd.Index(
        _decode(info["columns"], [], None),
        name=_decode(info["columns_name"], [], None),
        dtype=info["columns_dtype"],
    )
    if info["series"]:
        series = frame.iloc[:, 0]
        series.name = _decode(info["name"], [], None)
        return series
    return frame


def _same(a: Any, b: Any) -> bool:
    """Whether two values are equal, types and table dtypes included (NaN equal to NaN)."""
    import math

    if type(a) is not type(b):
        return False
    if isinstance(a, pd.DataFrame | pd.Series):
        try:
            check = (
                pd.testing.assert_frame_equal
                if isinstance(a, pd.DataFrame)
                else (pd.testing.assert_series_equal)
            )
            check(a, b, check_exact=True, check_index_type=True, check_names=True)
        except AssertionError:
            return False
        return True
    if isinstance(a, Catalogue):
        return (
            list(a) == list(b)
            and all(a[i].to_dict() == b[i].to_dict() for i in a)
            and (a.name == b.name and repr(a.layers) == repr(b.layers))
        )
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, set | frozenset):
        return a == b
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    import dataclasses

    if dataclasses.is_dataclass(a):
        return all(_same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    try:
        import numpy as np

        if isinstance(a, np.generic):
            return bool(a == b) or bool(np.isnan(a) and np.isnan(b))
    except TypeError:
        return False
    return bool(a == b)


def _diagnosis_key(level: str, options: dict, cache: str | os.PathLike[str] | None) -> str:
    """The key of a stored diagnosis: its inputs, its options and the toolkit's code."""
    import hashlib
    import json

    from territorial.france import tablecache

    text = json.dumps([f"diagnosis format {DIAGNOSIS_FORMAT}", level, options], sort_keys=True)
    table = tablecache.table_key(
        level, None, cache=cache, catalogue=hashlib.sha256(text.encode()).hexdigest()
    )
    return f"diagnosis-{table}"


def _read_diagnosis(key: str, cache: str | os.PathLike[str] | None) -> DiagnosisSet | None:
    """The stored set under ``key``, or None (missing, or failing its check: then removed)."""
    import json
    import shutil

    from territorial.france import tablecache
    from territorial.france.indicators import france_catalogue
    from territorial.io.cache import check_cached_bytes, read_manifest, rebuild_notice

    folder = tablecache._folder(cache) / key
    manifest = folder / "manifest.json"
    if not manifest.exists():
        return None
    records = read_manifest(manifest)
    parts = {}
    for name in ("state.json", "frames.bin"):
        data, problem = check_cached_bytes(folder / name, records)
        if data is None:
            rebuild_notice(folder / name, problem, "diagnosing the level again")
            shutil.rmtree(folder, ignore_errors=True)
            return None
        parts[name] = data
    state = json.loads(parts["state.json"].decode("utf-8"))
    frames, blob = [], parts["frames.bin"]
    for start, end, info in state["frames"]:
        frames.append(_frame_of(blob[start:end], info))
    return _decode(state["set"], frames, france_catalogue())


def _write_diagnosis(key: str, result: DiagnosisSet, cache: str | os.PathLike[str] | None) -> None:
    """Store ``result`` under ``key`` if it reads back equal; a failure is only a notice."""
    import json
    import sys

    from pyarrow import ArrowException

    from territorial.files import atomic_path, remove_stale_temporaries, write_text_atomic
    from territorial.france import tablecache
    from territorial.france.indicators import france_catalogue
    from territorial.io.cache import write_manifest

    frames: list[pd.DataFrame | pd.Series] = []
    try:
        encoded = _encode(result, frames)
        stored = [_frame_bytes(frame) for frame in frames]
        offsets, start = [], 0
        for data, info in stored:
            offsets.append([start, start + len(data), info])
            start += len(data)
        again = _decode(
            json.loads(json.dumps(encoded)),
            [_frame_of(data, info) for data, info in stored],
            france_catalogue(),
        )
    except (_NotStorableError, ValueError, TypeError, ImportError, ArrowException):  # e.g. a
        # table Arrow refuses
        return
    if not _same(result, again):
        return
    folder = tablecache._folder(cache) / key
    try:
        folder.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(folder)
        with atomic_path(folder / "frames.bin") as tmp, tmp.open("wb") as handle:
            for data, _ in stored:
                handle.write(data)
        state = {"format": DIAGNOSIS_FORMAT, "set": encoded, "frames": offsets}
        write_text_atomic(folder / "state.json", json.dumps(state, ensure_ascii=False))
        write_manifest(folder / "manifest.json", [folder / "state.json", folder / "frames.bin"],
                       format=DIAGNOSIS_FORMAT)  # fmt: skip
        tablecache._prune(cache)
    except OSError as error:  # a full disk: the stored set is only a shortcut
        print(
            f"territorial: the diagnosis could not be stored in the cache "
            f"({getattr(error, 'strerror', None) or error}); it will be computed again.",
            file=sys.stderr,
        )
