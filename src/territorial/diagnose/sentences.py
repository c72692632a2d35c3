"""Sentences of a diagnosis, in French and English.

One function, :func:`finding_sentence`, writes « Part des femmes parmi les
conseillers municipaux : 44 %, 3 points au-dessus de la valeur régionale (41 %),
9e décile des EPCI comparables » from numbers; every number goes through
:func:`territorial.format.format_number` (French typography by default). Gaps are
said as people say them: points for percentages, years for ages, « 2,3 fois la
valeur nationale » for large ratios, with the value and its reference in the same
format; no statistical jargon (σ, High-Low) reaches a sentence.
"""

from __future__ import annotations

import math

from territorial.format import NBSP, auto_decimals, check_lang, format_number

__all__ = [
    "LEVEL_NAMES",
    "REFERENCE_NAMES",
    "TIMES_FROM",
    "confidence_note",
    "decile_text",
    "finding_sentence",
    "format_value",
    "gap_kind",
    "gap_phrase",
    "gap_text",
]

#: Singular and plural names of the levels.
LEVEL_NAMES: dict[str, dict[str, tuple[str, str]]] = {
    "commune": {"fr": ("commune", "communes"), "en": ("municipality", "municipalities")},
    "arrondissement": {
        "fr": ("arrondissement", "arrondissements"),
        "en": ("district", "districts"),
    },
    "canton": {"fr": ("canton", "cantons"), "en": ("canton", "cantons")},
    "circonscription": {
        "fr": ("circonscription", "circonscriptions"),
        "en": ("constituency", "constituencies"),
    },
    "epci": {"fr": ("EPCI", "EPCI"), "en": ("EPCI", "EPCIs")},
    "departement": {"fr": ("département", "départements"), "en": ("département", "départements")},
    "region": {"fr": ("région", "régions"), "en": ("region", "regions")},
    "france": {"fr": ("France", "France"), "en": ("France", "France")},
    "territory": {"fr": ("territoire", "territoires"), "en": ("territory", "territories")},
}

#: How each reference level is named in a sentence: « valeur », not « moyenne », since
#: the reference is the parent's own value of the indicator (a median, a Gini...).
REFERENCE_NAMES: dict[str, dict[str, str]] = {
    "region": {"fr": "la valeur régionale", "en": "the regional value"},
    "departement": {"fr": "la valeur départementale", "en": "the département value"},
    "epci": {"fr": "la valeur intercommunale", "en": "the EPCI value"},
    "canton": {"fr": "la valeur du canton", "en": "the canton value"},
    "circonscription": {
        "fr": "la valeur de la circonscription",
        "en": "the constituency value",
    },
    "france": {"fr": "la valeur nationale", "en": "the national value"},
}

_UNITS_EN = {
    "hab.": "inhabitants",
    "hab./km²": "inh./km²",
    "%/an": "%/year",
    "ans": "years",
    "h/semaine": "h/week",
    "nombre": "",
    "indice": "",
    "€/hab.": "€/inh.",
    "pour 1 000 hab.": "per 1,000 inh.",
    "pour 10 000 hab.": "per 10,000 inh.",
    "pour 100 000 hab.": "per 100,000 inh.",
    "pour 100 actifs occupés": "per 100 employed residents",
    "tués": "killed",
    "établissements": "establishments",
    "emplois": "jobs",
    "logements": "dwellings",
}
_UNITS_FR_HIDDEN = {"nombre", "indice"}


def level_name(level: str, lang: str, *, plural: bool = True) -> str:
    """Name of a level (plural by default); unknown levels are named as given."""
    names = LEVEL_NAMES.get(level, {}).get(lang)
    if names is None:
        return level
    return names[1 if plural else 0]


def reference_name(level: str, lang: str) -> str:
    """« la valeur régionale » / "the regional value"; generic for other levels."""
    known = REFERENCE_NAMES.get(level, {}).get(lang)
    if known:
        return known
    return f"la valeur ({level})" if lang == "fr" else f"the {level} value"


def _with_unit(text: str, unit: str, lang: str) -> str:
    if lang == "en":
        unit = _UNITS_EN.get(unit, unit)
        if unit.startswith("%"):
            return f"{text}{unit}"
    elif unit in _UNITS_FR_HIDDEN:
        unit = ""
    return f"{text}{NBSP}{unit}" if unit else text


def format_value(value: float, *, unit: str = "", decimals: int | None = None, lang: str = "fr"):
    """A value with its unit: ``44,2 %`` (fr) or ``44.2%`` (en).

    Examples
    --------
    >>> format_value(44.25, unit="%", decimals=1, lang="en")
    '44.2%'
    """
    return _with_unit(format_number(value, lang=lang, decimals=decimals), unit, lang)


def _gap_decimals(magnitude: float) -> int:
    return 0 if magnitude >= 5 else 1


#: From this ratio up, a value is said as a multiple of its reference (« 2,3 fois »).
TIMES_FROM = 2.0


def gap_kind(unit: str) -> str:
    """How a gap is said for a unit: ``"points"`` (%, %/year), ``"years"`` (ages), or
    ``"relative"`` (a percentage of the reference, or « x fois » for large ratios).

    Examples
    --------
    >>> gap_kind("%"), gap_kind("ans"), gap_kind("hab./km²")
    ('points', 'years', 'relative')
    """
    if unit.startswith("%"):
        return "points"
    if unit == "ans":
        return "years"
    return "relative"


def gap_text(gap: float, relative: float, *, unit: str, lang: str) -> tuple[str, int]:
    """The size of a gap and its direction (+1 above, -1 below, 0 level).

    Percentages and rates in %/year are compared in points (« 3 points »), ages
    in years (« 4,5 ans »), other units in relative terms (« 12 % »).

    Examples
    --------
    >>> gap_text(3.2, 0.08, unit="%", lang="fr")
    ('3,2 points', 1)
    >>> gap_text(-50.0, -0.125, unit="hab./km²", lang="en")
    ('12%', -1)
    >>> gap_text(-4.5, -0.08, unit="ans", lang="en")
    ('4.5 years', -1)
    """
    kind = gap_kind(unit)
    magnitude = abs(gap) if kind != "relative" else abs(relative) * 100
    d = _gap_decimals(magnitude)
    shown = round(magnitude, d)
    if shown == 0:
        return "", 0
    direction = 1 if (gap if kind != "relative" else relative) > 0 else -1
    text = format_number(magnitude, lang=lang, decimals=d)
    if kind == "relative":
        return (f"{text}{NBSP}%" if lang == "fr" else f"{text}%"), direction
    return f"{text} {_gap_word(kind, shown, lang)}", direction


def _gap_word(kind: str, shown: float, lang: str) -> str:
    singular = shown < 2 if lang == "fr" else shown == 1
    if kind == "points":
        return "point" if singular else "points"
    if lang == "fr":
        return "an" if singular else "ans"
    return "year" if singular else "years"


def _shown(value: float, decimals: int) -> float:
    """The number as displayed with ``decimals`` (so that a sentence adds up)."""
    return float(f"{value:.{decimals}f}")


def gap_phrase(
    value: float,
    reference: float,
    *,
    unit: str,
    decimals: int,
    reference_level: str,
    lang: str = "fr",
) -> str:
    """How a value compares with its reference, in one number format.

    The reference is shown with the value's decimals; a gap in points (shares,
    rates in %) or in years (ages) is the difference of the two numbers as shown,
    with the same decimals; other units are compared in % of the reference, or as a
    multiple of it from :data:`TIMES_FROM` times up.

    Examples
    --------
    >>> gap_phrase(44.2, 41.13, unit="%", decimals=1, reference_level="region")
    '3,1 points au-dessus de la valeur régionale (41,1\xa0%)'
    >>> gap_phrase(2576.7, 112.4, unit="hab./km²", decimals=1, reference_level="france")
    '23 fois la valeur nationale (112,4\xa0hab./km²)'
    >>> gap_phrase(53.5, 58.5, unit="ans", decimals=1, reference_level="region", lang="en")
    '5.0 years below the regional value (58.5\xa0years)'
    """
    check_lang(lang)
    ref_name = reference_name(reference_level, lang)
    ref_text = format_value(reference, unit=unit, decimals=decimals, lang=lang)
    kind = gap_kind(unit)
    shown_value, shown_ref = _shown(value, decimals), _shown(reference, decimals)
    level = f"au niveau de {ref_name}" if lang == "fr" else f"in line with {ref_name}"
    if kind == "relative" and shown_ref > 0 and shown_value >= 0:
        ratio = shown_value / shown_ref
        if ratio >= TIMES_FROM:
            times = format_number(ratio, lang=lang, decimals=0 if ratio >= 10 else 1)
            word = "fois" if lang == "fr" else "times"
            return f"{times} {word} {ref_name} ({ref_text})"
        size, direction = gap_text(shown_value - shown_ref, ratio - 1, unit=unit, lang=lang)
    else:
        # points and years; a relative gap to a reference of 0 or below means nothing:
        # the difference is given in the unit
        diff = round(shown_value - shown_ref, decimals)
        if diff == 0:
            return f"{level} ({ref_text})"
        direction = 1 if diff > 0 else -1
        magnitude = format_number(abs(diff), lang=lang, decimals=decimals)
        if kind == "relative":
            size = format_value(abs(diff), unit=unit, decimals=decimals, lang=lang)
        else:
            size = f"{magnitude} {_gap_word(kind, abs(diff), lang)}"
    if direction == 0:
        return f"{level} ({ref_text})"
    if lang == "fr":
        where = "au-dessus de" if direction > 0 else "en dessous de"
    else:
        where = "above" if direction > 0 else "below"
    return f"{size} {where} {ref_name} ({ref_text})"


def confidence_note(count: float, noun: str, *, lang: str = "fr") -> str:
    """The note of a value that rests on a modest number of events.

    Examples
    --------
    >>> confidence_note(62, "deaths", lang="en")
    '(based on 62 deaths: read with caution)'
    """
    n = format_number(count, lang=lang, decimals=0)
    if lang == "fr":
        return f"(repose sur {n} {noun}{NBSP}: à lire avec prudence)"
    return f"(based on {n} {noun}: read with caution)"


def decile_text(decile: int, lang: str) -> str:
    """« 1er décile », « 9e décile »; "1st decile", "9th decile".

    Examples
    --------
    >>> decile_text(1, "fr"), decile_text(2, "en"), decile_text(3, "en")
    ('1er décile', '2nd decile', '3rd decile')
    """
    if lang == "fr":
        return "1er décile" if decile == 1 else f"{decile}e décile"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(decile, "th")
    return f"{decile}{suffix} decile"


def finding_sentence(
    *,
    label: str,
    value: float,
    unit: str,
    decimals: int | None,
    decile: float,
    level: str,
    comparable: bool,
    reference_level: str | None,
    reference: float = math.nan,
    gap: float = math.nan,
    relative_gap: float = math.nan,
    unstable: bool = False,
    evidence: tuple[float, str] | None = None,
    lang: str = "fr",
) -> str:
    """One sentence describing an indicator of a territory.

    With ``reference`` (the reference's value), the sentence shows it and says
    the gap as :func:`gap_phrase` does (one number format); without it, the gap
    is said from ``gap`` and ``relative_gap`` as :func:`gap_text` does.
    ``evidence`` = ``(count, noun)`` appends a :func:`confidence_note`.

    Examples
    --------
    >>> s = finding_sentence(label="Femmes", value=44.0, unit="%", decimals=0,
    ...     reference=41.0, reference_level="region", decile=9, level="epci",
    ...     comparable=True)
    >>> print(*s.replace("\\u00a0", " ").split(", "), sep=",\\n")
    Femmes : 44 %,
    3 points au-dessus de la valeur régionale (41 %),
    9e décile des EPCI comparables
    """
    check_lang(lang)
    if decimals is None and not math.isnan(value):
        decimals = auto_decimals(value)
    parts = [format_value(value, unit=unit, decimals=decimals, lang=lang)]
    if reference_level is not None and not math.isnan(reference):
        parts.append(
            gap_phrase(value, reference, unit=unit, decimals=int(decimals or 0),
                       reference_level=reference_level, lang=lang)
        )  # fmt: skip
    elif reference_level is not None and not (math.isnan(gap) or math.isnan(relative_gap)):
        size, direction = gap_text(gap, relative_gap, unit=unit, lang=lang)
        ref = reference_name(reference_level, lang)
        if direction == 0:
            parts.append(f"au niveau de {ref}" if lang == "fr" else f"in line with {ref}")
        elif lang == "fr":
            parts.append(f"{size} {'au-dessus de' if direction > 0 else 'en dessous de'} {ref}")
        else:
            parts.append(f"{size} {'above' if direction > 0 else 'below'} {ref}")
    if not math.isnan(decile):
        plural = level_name(level, lang)
        if lang == "fr":
            peers = f"des {plural} comparables" if comparable else f"des {plural}"
        else:
            peers = f"of comparable {plural}" if comparable else f"of {plural}"
        parts.append(f"{decile_text(int(decile), lang)} {peers}")
    sentence = f"{label}{NBSP}: " if lang == "fr" else f"{label}: "
    sentence += ", ".join(parts)
    if evidence is not None:
        sentence += " " + confidence_note(evidence[0], evidence[1], lang=lang)
    elif unstable:
        sentence += (
            " (petite population : valeur fragile)"
            if lang == "fr"
            else " (small population: unstable value)"
        )
    return sentence
