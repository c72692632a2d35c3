"""The diagnosis of territories: strengths, weaknesses, spatial clusters and type.

:func:`diagnose` runs every step once for all the territories of a level
(comparison to references and peers, local Moran clusters, typology) and
returns a :class:`DiagnosisSet`; :meth:`DiagnosisSet.diagnosis` gives the
:class:`Diagnosis` of one territory and :meth:`DiagnosisSet.table` (or
:func:`diagnose_all`) the table of all of them.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from territorial.diagnose.compare import Comparison, StrengthRule, _spec_get, compare
from territorial.diagnose.sentences import finding_sentence
from territorial.diagnose.spatial import NOT_SIGNIFICANT, LocalMoran, global_moran, local_moran
from territorial.diagnose.typology import Typology, _in_words, typology
from territorial.diagnose.weights import ContiguityWeights
from territorial.errors import TerritoryNotFoundError
from territorial.format import NBSP, check_lang, format_number, spec_text

__all__ = ["Diagnosis", "DiagnosisSet", "diagnose", "diagnose_all", "to_csv_frame"]

CLUSTER_NAMES = {
    "High-High": {"fr": "Haut-Haut", "en": "High-High"},
    "Low-Low": {"fr": "Bas-Bas", "en": "Low-Low"},
    "High-Low": {"fr": "Haut-Bas", "en": "High-Low"},
    "Low-High": {"fr": "Bas-Haut", "en": "Low-High"},
}
#: The local Moran clusters said in words, for the text read by the public (the codes
#: of :data:`CLUSTER_NAMES` stay in the machine outputs).
CLUSTER_WORDS = {
    "High-High": {
        "fr": "valeur élevée, entourée de valeurs élevées",
        "en": "high value among high values",
    },
    "Low-Low": {
        "fr": "valeur faible, entourée de valeurs faibles",
        "en": "low value among low values",
    },
    "High-Low": {
        "fr": "valeur élevée, entourée de valeurs faibles",
        "en": "high value among low values",
    },
    "Low-High": {
        "fr": "valeur faible, entourée de valeurs élevées",
        "en": "low value among high values",
    },
}
#: The line of an isolated territory (no neighbour on its land mass).
ISOLATED_TEXT = {
    "fr": "Aucun voisin sur la même terre (île, outre-mer) : territoire isolé, sans "
    "regroupement spatial",
    "en": "No neighbour on the same land mass (island, overseas): isolated territory, no "
    "spatial cluster",
}


def _min_count(spec: Any) -> float | None:
    value = _spec_get(spec, "min_count", None)
    return None if value is None else float(value)


def withheld_note(labels: list[str], reason: str, lang: str) -> str:
    """« 2 indicateurs non publiés (reason) : A ; B. »

    Examples
    --------
    >>> withheld_note(["Part des femmes parmi les maires"], "fewer than 5 persons", "en")
    'Withheld (fewer than 5 persons): 1 indicator, Part des femmes parmi les maires.'
    """
    n = len(labels)
    if lang == "fr":
        what = "indicateur" if n == 1 else "indicateurs"
        done = "non publié" if n == 1 else "non publiés"
        return f"{n} {what} {done} ({reason}){NBSP}: {' ; '.join(labels)}."
    what = "indicator" if n == 1 else "indicators"
    return f"Withheld ({reason}): {n} {what}, {'; '.join(labels)}."


def missing_note(labels: list[str], name: str, lang: str, *, typed: bool = True) -> str:
    """« 2 indicateurs sans valeur pour X (...) : A ; B. »: values a territory lacks
    while most territories of its level have one, never shown as measured.

    ``typed``: the typology replaced them by the median to place the territory in a
    type (said so).

    Examples
    --------
    >>> print(missing_note(["Taux de chômage"], "Mayotte", "en", typed=False))
    No value for Mayotte: 1 indicator, Taux de chômage (not in the sources or not \
computable for this territory).
    """
    n = len(labels)
    if lang == "fr":
        s = "s" if n > 1 else ""
        why = "absente des sources ou incalculable pour ce territoire"
        if typed:
            why += (
                f" ; remplacé{s} par la médiane seulement pour le classer dans un type, "
                f"jamais montré{s} comme mesuré{s}"
            )
        return f"{n} indicateur{s} sans valeur pour {name} ({why}){NBSP}: {' ; '.join(labels)}."
    why = "not in the sources or not computable for this territory"
    if typed:
        why += "; replaced by the median only to place it in a type, never shown as measured"
    what = "indicator" if n == 1 else "indicators"
    return f"No value for {name}: {n} {what}, {'; '.join(labels)} ({why})."


#: What is said of a type's distinctive indicator for a territory that has no value for it.
NO_OWN_VALUE = {
    "fr": "moyenne du type, inconnue pour ce territoire",
    "en": "type average, unknown for this territory",
}


def _default_reason(spec: Any, lang: str) -> str:
    n = format_number(_min_count(spec) or 0, lang=lang)
    if lang == "fr":
        return f"moins de {n} personnes ou événements"
    return f"fewer than {n} persons or events"


def _label(spec: Any, indicator: str, lang: str) -> str:
    return spec_text(spec, "label", lang, default=indicator)


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass
class Diagnosis:
    """The diagnosis of one territory.

    Attributes
    ----------
    code, name, level, lang
        The territory and the language of the sentences.
    strengths, weaknesses
        Sentences, most important first.
    traits
        Sentences on distinctive values of neutral indicators (high or low).
    lisa
        Indicator id -> local Moran cluster (``High-High``, ``Low-Low``,
        ``High-Low``, ``Low-High``) where significant.
    type
        Typology type (``"T1"``...) and ``type_description`` its distinctive
        indicators.
    findings
        One dict per indicator with every number behind the sentences.
    spec
        How the diagnosis was made (rule, peers, references, weights, LISA, typology).
    notes
        Sentences on what is not said and why: values withheld (too few persons
        or events, trivial by construction).
    withheld
        Ids of the indicators whose value is withheld for this territory.
    missing
        Ids of the indicators without a value for this territory while most territories
        of the level have one (absent from the source files, not withheld): said in
        ``notes``, and marked in the type's texts when they are among its distinctive
        indicators (the typology replaced them by the median: they are not measured).
    isolated
        True when the territory has no neighbour on its land mass (an island,
        an overseas territory): its spatial status is "isolated", no cluster.
    type_summary
        The type's distinctive indicators in words (``type_description`` gives
        them in σ, for machines).
    """

    code: str
    name: str
    level: str
    lang: str
    strengths: list[str]
    weaknesses: list[str]
    traits: list[str]
    lisa: dict[str, str]
    type: str | None
    type_description: str
    findings: list[dict]
    spec: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)
    isolated: bool = False
    type_summary: str = ""
    missing: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """A JSON-able dict (NaN become ``None``).

        Examples
        --------
        >>> v = pd.DataFrame({"x": [float(i) for i in range(10)]}, index=list("abcdefghij"))
        >>> d = diagnose(v, {"x": {"polarity": "higher_is_better", "label": {"fr": "X"}}})
        >>> sorted(d.diagnosis("j").to_dict())[:3]
        ['code', 'findings', 'isolated']
        """
        return _clean(
            {
                "code": self.code,
                "name": self.name,
                "level": self.level,
                "lang": self.lang,
                "strengths": self.strengths,
                "weaknesses": self.weaknesses,
                "traits": self.traits,
                "lisa": self.lisa,
                "type": self.type,
                "type_description": self.type_description,
                "findings": self.findings,
                "spec": self.spec,
                "notes": self.notes,
                "withheld": self.withheld,
                "isolated": self.isolated,
                "type_summary": self.type_summary,
                "missing": self.missing,
            }
        )

    def _sections(self) -> list[tuple[str, list[str]]]:
        fr = self.lang == "fr"
        sep = f"{NBSP}: " if fr else ": "
        specs = self.spec.get("_specs", {})
        lisa = [
            f"{_label(specs.get(i, {}), i, self.lang)}{sep}{CLUSTER_WORDS[c][self.lang]}"
            for i, c in self.lisa.items()
        ]
        if self.isolated:
            lisa.insert(0, ISOLATED_TEXT[self.lang])
        sections = [
            ("Atouts" if fr else "Strengths", self.strengths),
            ("Faiblesses" if fr else "Weaknesses", self.weaknesses),
            ("Traits distinctifs" if fr else "Distinctive traits", self.traits),
            ("Regroupements spatiaux" if fr else "Spatial clusters", lisa),
        ]
        if self.notes:
            sections.append(("À savoir" if fr else "Notes", self.notes))
        return sections

    def _title(self) -> str:
        title = f"{self.name} ({self.code})"
        if self.type:
            title += f" — type {self.type}"
            if self.type_summary:
                title += f"{NBSP}: " if self.lang == "fr" else ": "
                title += self.type_summary
        return title

    def __str__(self) -> str:
        lines = [self._title()]
        none = "aucun" if self.lang == "fr" else "none"
        for heading, items in self._sections():
            lines.append("")
            lines.append(heading)
            lines.extend(f"  - {s}" for s in items) if items else lines.append(f"  ({none})")
        return "\n".join(lines)

    def __rich__(self):
        from rich.console import Group
        from rich.panel import Panel
        from rich.text import Text

        from territorial.format import printable

        blocks = []  # names come from data: control characters shown as escapes
        for heading, items in self._sections():
            text = Text(printable(heading) + "\n", style="bold")
            for s in items or ["—"]:
                text.append(f"• {printable(s)}\n")
            blocks.append(text)
        return Panel(Group(*blocks), title=Text(printable(self._title())))


@dataclass
class DiagnosisSet:
    """Everything computed for the territories of a level; see :func:`diagnose`."""

    comparison: Comparison
    names: pd.Series
    level: str
    lisa: LocalMoran | None = None
    moran: pd.DataFrame | None = None
    types: Typology | None = None
    comparable: bool = True
    spec: dict = field(default_factory=dict)
    withheld: pd.DataFrame | None = None
    counts: pd.DataFrame | None = None
    notes_kwds: dict = field(default_factory=dict)
    isolated: frozenset[str] = frozenset()

    @property
    def specs(self) -> Mapping[str, Any]:
        return self.comparison.specs

    def _evidence(self, code: str, indicator: str, lang: str) -> tuple[float, str] | None:
        """(count, noun) when the value rests on a modest number of events, else None."""
        if self.counts is None or indicator not in self.counts.columns:
            return None
        count = self.counts.at[code, indicator] if code in self.counts.index else math.nan
        least = _min_count(self.specs[indicator])
        if count is None or math.isnan(float(count)) or least is None:
            return None
        if float(count) >= self.comparison.rule.confidence_factor * least:
            return None
        nouns = self.notes_kwds.get("nouns", {}).get(indicator, {})
        return float(count), nouns.get(lang) or ("cas" if lang == "fr" else "cases")

    def _sentence(self, code: str, indicator: str, lang: str) -> str:
        c = self.comparison
        spec = self.specs[indicator]
        ref = c.decisive_reference.get(code)
        return finding_sentence(
            label=_label(spec, indicator, lang),
            value=float(c.values.at[code, indicator]),
            unit=str(_spec_get(spec, "unit", "") or ""),
            decimals=_spec_get(spec, "decimals", None),
            reference=float(c.references[ref].at[code, indicator]) if ref else math.nan,
            reference_level=ref,
            decile=float(c.decile.at[code, indicator]),
            level=self.level,
            comparable=self.comparable,
            unstable=bool(c.unstable.at[code, indicator]),
            evidence=self._evidence(code, indicator, lang),
            lang=lang,
        )

    def _withheld_frame(self, index: pd.Index, columns: list[str]) -> pd.DataFrame:
        assert self.withheld is not None
        frame = self.withheld.reindex(index=index, columns=columns)
        return frame.fillna(False).astype(bool)

    def _withheld_of(self, code: str) -> list[str]:
        if self.withheld is None or code not in self.withheld.index:
            return []
        columns = list(self.comparison.values.columns)
        row = self._withheld_frame(pd.Index([code]), columns).iloc[0]
        return [i for i in columns if row[i]]

    @functools.cached_property
    def _missing_mask(self) -> pd.DataFrame:
        """True where a territory has no value, is not withheld, and most territories of
        the level have a value (a gap of the whole level, such as a median above the
        commune, is the catalogue's to say, not each diagnosis's)."""
        values = self.comparison.values
        mask = values.isna() & (values.notna().mean() > 0.5)
        if self.withheld is not None:
            mask &= ~self._withheld_frame(values.index, list(values.columns))
        return mask

    def _missing_of(self, code: str) -> list[str]:
        row = self._missing_mask.loc[code]
        return [i for i in row.index if row[i]]

    def _type_texts(self, type_: str, missing: frozenset[str], lang: str) -> tuple[str, str]:
        """(description in σ, summary in words) of a type for a territory; a distinctive
        indicator the territory has no value for is said to be the type's average only."""
        assert self.types is not None
        description = self.types.describe(type_, specs=self.specs, lang=lang)
        summary = self.types.describe(type_, specs=self.specs, lang=lang, plain=True)
        own = [i for i, _ in self.types.distinctive.get(type_, []) if i in missing]
        if not own:
            return description, summary
        sep = f"{NBSP}: " if lang == "fr" else ": "
        machine, words = [], []
        for indicator, z in self.types.distinctive[type_]:
            label = _label(self.specs.get(indicator, {}), indicator, lang)
            sign = "+" if z >= 0 else "−"
            size = format_number(abs(z), lang=lang, decimals=1)
            flag = f" ({NO_OWN_VALUE[lang]})" if indicator in own else ""
            mark = f", {NO_OWN_VALUE[lang]}" if indicator in own else ""
            machine.append(f"{label} ({sign}{size}{NBSP}σ{mark})")
            words.append(f"{label}{sep}{_in_words(z, lang)}{flag}")
        return ", ".join(machine), (" ; " if lang == "fr" else "; ").join(words)

    def _notes(
        self, withheld: list[str], lang: str, missing: list[str] | None = None, name: str = ""
    ) -> list[str]:
        """One note per reason, listing the indicators withheld for that reason; then the
        indicators without a value for the territory (``missing``)."""
        reasons = self.notes_kwds.get("reasons", {})
        groups: dict[str, list[str]] = {}
        for indicator in withheld:
            spec = self.specs[indicator]
            reason = reasons.get(indicator, {}).get(lang) or _default_reason(spec, lang)
            groups.setdefault(reason, []).append(_label(spec, indicator, lang))
        notes = [withheld_note(labels, reason, lang) for reason, labels in groups.items()]
        if missing:
            labels = [_label(self.specs[i], i, lang) for i in missing]
            notes.append(missing_note(labels, name, lang, typed=self.types is not None))
        return notes

    def diagnosis(self, code: str, *, lang: str = "fr") -> Diagnosis:
        """The diagnosis of one territory.

        Examples
        --------
        >>> v = pd.DataFrame({"x": [float(i) for i in range(10)]}, index=list("abcdefghij"))
        >>> d = diagnose(v, {"x": {"polarity": "higher_is_better", "label": {"en": "X"}}})
        >>> d.diagnosis("j", lang="en").strengths
        ['X: 9.00, 10th decile of territories']
        """
        check_lang(lang)
        c = self.comparison
        code = str(code)
        if code not in c.values.index:
            raise TerritoryNotFoundError(code, where=f"the {len(c.values)} diagnosed territories")
        primary = c.primary_reference
        withheld = self._withheld_of(code)
        findings, buckets = [], {"strength": [], "weakness": [], "high": [], "low": []}
        for indicator in c.values.columns:
            status = c.status.at[code, indicator]
            finding = {
                "indicator": indicator,
                "status": status,
                "value": c.values.at[code, indicator],
                "peer_group": c.peer_group.get(code),
                "percentile": c.percentile.at[code, indicator],
                "decile": c.decile.at[code, indicator],
                "robust_z": c.robust_z.at[code, indicator],
                "importance": c.importance.at[code, indicator],
                "unstable": bool(c.unstable.at[code, indicator]),
                "references": {lv: c.references[lv].at[code, indicator] for lv in c.references},
                "primary_reference": primary,
                "decisive_reference": c.decisive_reference.get(code),
                "withheld": indicator in withheld,
            }
            if self.counts is not None and indicator in self.counts.columns:
                finding["count"] = self.counts[indicator].get(code, math.nan)
            if self.lisa is not None:
                finding["lisa"] = self.lisa.clusters.at[code, indicator]
                finding["lisa_p"] = self.lisa.p_sim.at[code, indicator]
            if status and not math.isnan(finding["value"]):
                finding["sentence"] = self._sentence(code, indicator, lang)
                buckets[status].append((finding["importance"], finding["sentence"]))
            findings.append(finding)
        ordered = {k: [s for _, s in sorted(v, key=lambda t: -t[0])] for k, v in buckets.items()}
        lisa = {}
        if self.lisa is not None:
            row = self.lisa.clusters.loc[code]
            lisa = {i: v for i, v in row.items() if v in CLUSTER_NAMES}
        missing = self._missing_of(code)
        type_, description, summary = None, "", ""
        if self.types is not None and code in self.types.labels.index:
            type_ = self.types.labels[code]
            description, summary = self._type_texts(type_, frozenset(missing), lang)
        name = str(self.names.get(code, code))
        spec = dict(self.spec, _specs=dict(self.specs))
        return Diagnosis(
            code=code,
            name=name,
            level=self.level,
            lang=lang,
            strengths=ordered["strength"],
            weaknesses=ordered["weakness"],
            traits=ordered["high"] + ordered["low"],
            lisa=lisa,
            type=type_,
            type_description=description,
            findings=findings,
            spec=self._public_spec(spec),
            notes=self._notes(withheld, lang, missing, name),
            withheld=withheld,
            isolated=code in self.isolated,
            type_summary=summary,
            missing=missing,
        )

    @staticmethod
    def _public_spec(spec: dict) -> dict:
        out = dict(spec)
        specs = out.pop("_specs", {})
        out["_specs"] = {
            k: {
                "label": dict(_spec_get(v, "label", {}) or {}),
                "unit": _spec_get(v, "unit", ""),
                "polarity": _spec_get(v, "polarity", "neutral"),
            }
            for k, v in specs.items()
        }
        return out

    def table(self, *, lang: str = "fr") -> pd.DataFrame:
        """The diagnosis of every territory, one row each.

        Columns: ``name, strengths, weaknesses, traits`` (lists of sentences,
        most important first), ``lisa`` (dict of significant clusters),
        ``isolated`` (no neighbour on the land mass), ``notes`` (what is withheld
        and why, and which values are missing), ``withheld`` (ids), ``missing``
        (ids of the values the territory lacks while most of its level have one, see
        :class:`Diagnosis`), ``type``, ``type_description`` (σ), ``type_summary``
        (words; a distinctive indicator the territory has no value for is marked
        as the type's average), then per indicator ``<id>`` (value),
        ``<id>__percentile``, ``<id>__decile``, ``<id>__robust_z``,
        ``<id>__reference`` (the decisive one, see :class:`StrengthRule`),
        ``<id>__status``, ``<id>__lisa`` (``"Isolated"`` for an isolated
        territory), and ``<id>__withheld`` when withheld values were given.

        Examples
        --------
        >>> v = pd.DataFrame({"x": [float(i) for i in range(10)]}, index=list("abcdefghij"))
        >>> t = diagnose(v, {"x": {"polarity": "higher_is_worse"}}).table(lang="en")
        >>> t.loc["a", "strengths"]
        ['x: 0, 1st decile of territories']
        """
        check_lang(lang)
        c = self.comparison
        index = c.values.index
        columns = list(c.values.columns)
        values = c.values.to_numpy()
        status = c.status.to_numpy()
        nan = np.full(values.shape, np.nan)
        decisive_refs = c.decisive("references")
        refs = nan if decisive_refs is None else decisive_refs.to_numpy()
        decisive_levels = c.decisive_reference.to_numpy()
        deciles = c.decile.to_numpy()
        unstable = c.unstable.to_numpy()
        importance = c.importance.to_numpy()
        meta = [
            (
                _label(self.specs[i], i, lang),
                str(_spec_get(self.specs[i], "unit", "") or ""),
                _spec_get(self.specs[i], "decimals", None),
            )
            for i in columns
        ]
        rows, cols = np.nonzero((status != "") & ~np.isnan(values))
        order = np.lexsort((-importance[rows, cols], rows))
        rows, cols = rows[order], cols[order]
        lists: dict[str, list[list[str]]] = {
            key: [[] for _ in range(len(index))] for key in ("strengths", "weaknesses", "traits")
        }
        target = {
            "strength": "strengths",
            "weakness": "weaknesses",
            "high": "traits",
            "low": "traits",
        }
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
            label, unit, decimals = meta[j]
            sentence = finding_sentence(
                label=label,
                value=float(values[i, j]),
                unit=unit,
                decimals=decimals,
                reference=float(refs[i, j]),
                reference_level=decisive_levels[i],
                decile=float(deciles[i, j]),
                level=self.level,
                comparable=self.comparable,
                unstable=bool(unstable[i, j]),
                evidence=self._evidence(str(index[i]), columns[j], lang)
                if self.counts is not None
                else None,
                lang=lang,
            )
            lists[target[status[i, j]]][i].append(sentence)
        out = pd.DataFrame(index=index)
        out["name"] = self.names.reindex(index).astype("str")
        for key, column in lists.items():
            out[key] = column
        lisa: list[dict[str, str]] = [{} for _ in range(len(index))]
        if self.lisa is not None:
            clusters = self.lisa.clusters.reindex(columns=columns).to_numpy()
            for i, j in zip(*np.nonzero(np.isin(clusters, list(CLUSTER_NAMES))), strict=True):
                lisa[i][columns[j]] = clusters[i, j]
        out["lisa"] = lisa
        out["isolated"] = index.astype("str").isin(list(self.isolated))
        withheld_lists: list[list[str]] = [[] for _ in range(len(index))]
        if self.withheld is not None:
            hidden = self._withheld_frame(index, columns).to_numpy()
            for i, j in zip(*np.nonzero(hidden), strict=True):
                withheld_lists[i].append(columns[j])
        missing_lists: list[list[str]] = [[] for _ in range(len(index))]
        for i, j in zip(*np.nonzero(self._missing_mask.to_numpy()), strict=True):
            missing_lists[i].append(columns[j])
        names = out["name"].tolist()
        notes_of: dict[tuple, list[str]] = {}  # few distinct combinations
        keys = []
        for w, m, name in zip(withheld_lists, missing_lists, names, strict=True):
            key = (tuple(w), tuple(m), name if m else "")
            if key not in notes_of:
                notes_of[key] = self._notes(w, lang, m, name) if w or m else []
            keys.append(key)
        out["notes"] = [notes_of[key] for key in keys]
        out["withheld"] = withheld_lists
        out["missing"] = missing_lists
        if self.types is not None:
            types = self.types.labels.reindex(index)
            out["type"] = types
            texts: dict[tuple, tuple[str, str]] = {}
            pairs = []
            for t, m in zip(types.tolist(), missing_lists, strict=True):
                if not isinstance(t, str):
                    pairs.append((np.nan, np.nan))
                    continue
                distinctive = {i for i, _ in self.types.distinctive.get(t, [])}
                key = (t, frozenset(distinctive.intersection(m)))
                if key not in texts:
                    texts[key] = self._type_texts(t, key[1], lang)
                pairs.append(texts[key])
            out["type_description"] = [d for d, _ in pairs]
            out["type_summary"] = [s for _, s in pairs]
        details = {}
        for indicator in c.values.columns:
            details[indicator] = c.values[indicator]
            details[f"{indicator}__percentile"] = c.percentile[indicator]
            details[f"{indicator}__decile"] = c.decile[indicator]
            details[f"{indicator}__robust_z"] = c.robust_z[indicator]
            if decisive_refs is not None:
                details[f"{indicator}__reference"] = decisive_refs[indicator]
            details[f"{indicator}__status"] = c.status[indicator]
            if self.lisa is not None:
                details[f"{indicator}__lisa"] = self.lisa.clusters[indicator]
            if self.withheld is not None:
                details[f"{indicator}__withheld"] = self._withheld_frame(index, [indicator])[
                    indicator
                ]
        out = pd.concat([out, pd.DataFrame(details, index=index)], axis=1)
        out.attrs["territorial"] = _clean({k: v for k, v in self.spec.items()})
        return out


def diagnose(
    values: pd.DataFrame,
    specs: Mapping[str, Any],
    *,
    names: pd.Series | None = None,
    level: str = "territory",
    references: Mapping[str, pd.DataFrame] | None = None,
    parents: pd.DataFrame | None = None,
    peers: pd.Series | None = None,
    comparable: bool | None = None,
    population: pd.Series | None = None,
    weights: ContiguityWeights | None = None,
    lisa_kwds: Mapping[str, Any] | None = None,
    types: Typology | int | None = None,
    type_indicators: list[str] | None = None,
    rule: StrengthRule | None = None,
    withheld: pd.DataFrame | None = None,
    counts: pd.DataFrame | None = None,
    notes_kwds: Mapping[str, Any] | None = None,
) -> DiagnosisSet:
    """Diagnose every territory of a level.

    Parameters
    ----------
    values
        One float column per indicator, indexed by territory code.
    specs
        Indicator id -> spec (``IndicatorSpec`` or dict: ``label`` {fr, en},
        ``unit``, ``polarity``, optional ``decimals``).
    names
        Territory names (default: the codes).
    level
        Name of the level, for sentences (``"epci"`` -> « des EPCI comparables »).
    references, parents, peers, population, rule
        See :func:`territorial.diagnose.compare.compare`.
    comparable
        Whether peers are a selection (« comparables »); default: ``peers`` given.
    weights
        Contiguity weights: enables local Moran clusters and global Moran's I.
    lisa_kwds
        Options of :func:`~territorial.diagnose.spatial.local_moran`
        (``permutations``, ``seed``, ``alpha``, ``fdr``).
    types
        A ready :class:`Typology`, or a number of k-means types to build on
        ``type_indicators`` (default: all indicators), or ``None``.
    withheld
        Booleans like ``values`` (e.g. ``IndicatorTable.withheld``): values
        withheld because they rest on too few persons or events (missing in
        ``values``). Each diagnosis says how many and why (``notes``).
    counts
        The number of events each value rests on (for rates of events, not for
        censuses of persons): a value resting on fewer than
        ``rule.confidence_factor`` times its spec's ``min_count`` gets a
        confidence note in its sentence.
    notes_kwds
        Words of the notes: ``reasons`` (indicator -> ``{"fr", "en"}``: why its
        values are withheld; default « moins de N personnes ou événements ») and
        ``nouns`` (indicator -> ``{"fr", "en"}``: what ``counts`` counts, e.g.
        ``{"fr": "tués", "en": "deaths"}``).

    Returns
    -------
    DiagnosisSet

    Examples
    --------
    >>> v = pd.DataFrame({"x": [float(i) for i in range(10)]}, index=list("abcdefghij"))
    >>> d = diagnose(v, {"x": {"polarity": "higher_is_better"}})
    >>> [s.replace("\xa0", " ") for s in d.diagnosis("a").weaknesses]
    ['x : 0, 1er décile des territoires']
    """
    comparison = compare(
        values, specs, references=references, parents=parents, peers=peers,
        population=population, rule=rule,
    )  # fmt: skip
    names = names if names is not None else pd.Series(values.index, index=values.index)
    names = names.reindex(values.index).fillna(pd.Series(values.index, index=values.index))
    spec: dict[str, Any] = {
        "level": level,
        "rule": dict(comparison.rule.__dict__),
        "references": list(comparison.references),
        "primary_reference": comparison.primary_reference,
        "peers": "given groups" if peers is not None else "all territories of the level",
        "comparison": comparison.report,
    }
    lisa = moran = None
    isolated: frozenset[str] = frozenset()
    if weights is not None:
        kwds = dict(lisa_kwds or {})
        aligned = comparison.values.reindex(weights.codes)
        lisa = local_moran(aligned, weights, **kwds)
        lisa = LocalMoran(
            *(t.reindex(values.index) for t in (lisa.Is, lisa.quadrant, lisa.p_sim)),
            clusters=lisa.clusters.reindex(values.index).fillna(NOT_SIGNIFICANT),
            thresholds=lisa.thresholds,
            spec=lisa.spec,
        )
        moran = global_moran(aligned, weights).table
        spec["lisa"] = lisa.spec
        spec["islands"] = dict(weights.islands)
        isolated = frozenset(weights.isolated) & frozenset(values.index.astype("str"))
        spec["isolated"] = sorted(isolated)
    typ = None
    if isinstance(types, Typology):
        typ = types
    elif types is not None:
        cols = type_indicators or list(values.columns)
        typ = typology(comparison.values[cols], k=int(types))
    if typ is not None:
        spec["typology"] = typ.spec
    if withheld is not None:
        hidden = withheld.reindex(index=values.index, columns=values.columns)
        hidden = hidden.fillna(False).astype(bool)
        spec["withheld"] = {k: int(v) for k, v in hidden.sum().items() if v}
        withheld = hidden
    return DiagnosisSet(
        comparison=comparison,
        names=names.astype("str"),
        level=level,
        lisa=lisa,
        moran=moran,
        types=typ,
        comparable=peers is not None if comparable is None else comparable,
        spec=spec,
        withheld=withheld,
        counts=None if counts is None else counts.reindex(values.index),
        notes_kwds=dict(notes_kwds or {}),
        isolated=isolated,
    )


def diagnose_all(values: pd.DataFrame, specs: Mapping[str, Any], *, lang: str = "fr", **kwds):
    """The table of the diagnoses of all territories (see :meth:`DiagnosisSet.table`).

    Examples
    --------
    >>> v = pd.DataFrame({"x": [float(i) for i in range(10)]}, index=list("abcdefghij"))
    >>> diagnose_all(v, {"x": {"polarity": "higher_is_better"}})["strengths"].map(len).sum()
    np.int64(2)
    """
    return diagnose(values, specs, **kwds).table(lang=lang)


def to_csv_frame(table: pd.DataFrame, *, separator: str = " | ") -> pd.DataFrame:
    """A copy of a diagnosis table with lists joined and dicts as JSON, ready for CSV.

    Examples
    --------
    >>> t = pd.DataFrame({"strengths": [["a", "b"]], "lisa": [{"x": "High-High"}]})
    >>> to_csv_frame(t).iloc[0].tolist()
    ['a | b', '{"x": "High-High"}']
    """
    out = table.copy()
    for column in out.columns:
        sample = out[column].dropna()
        if len(sample) and isinstance(sample.iloc[0], list):
            out[column] = out[column].map(
                lambda v: separator.join(v) if isinstance(v, list) else v
            )
        elif len(sample) and isinstance(sample.iloc[0], dict):
            out[column] = out[column].map(
                lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v
            )
    return out
