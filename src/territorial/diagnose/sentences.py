"""Sentences of a diagnosis, in French and English.

One function, :func:`finding_sentence`, writes « Part des femmes parmi les
conseillers municipaux : 44 %, 3 points au-dessus de la valeur régionale,
9e décile des EPCI comparables » from numbers; every number goes through
:func:`territorial.format.format_number` (French typography by default).
"""

from __future__ import annotations

import math

from territorial.format import NBSP, auto_decimals, check_lang, format_number

__all__ = [
    "LEVEL_NAMES",
    "REFERENCE_NAMES",
    "decile_text",
    "finding_sentence",
    "format_value",
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


def gap_text(gap: float, relative: float, *, unit: str, lang: str) -> tuple[str, int]:
    """The size of a gap and its direction (+1 above, -1 below, 0 level).

    Percentages and rates in %/year are compared in points (« 3 points »), other
    units in relative terms (« 12 % »).

    Examples
    --------
    >>> gap_text(3.2, 0.08, unit="%", lang="fr")
    ('3,2 points', 1)
    >>> gap_text(-50.0, -0.125, unit="hab./km²", lang="en")
    ('12%', -1)
    """
    if unit.startswith("%"):
        magnitude = abs(gap)
        d = _gap_decimals(magnitude)
        text = format_number(magnitude, lang=lang, decimals=d)
        shown = round(magnitude, d)
        if shown == 0:
            return "", 0
        word = "point" if (shown < 2 if lang == "fr" else shown == 1) else "points"
        return f"{text} {word}", 1 if gap > 0 else -1
    magnitude = abs(relative) * 100
    d = _gap_decimals(magnitude)
    shown = round(magnitude, d)
    if shown == 0:
        return "", 0
    text = format_number(magnitude, lang=lang, decimals=d)
    text = f"{text}{NBSP}%" if lang == "fr" else f"{text}%"
    return text, 1 if relative > 0 else -1


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
    gap: float,
    relative_gap: float,
    reference_level: str | None,
    decile: float,
    level: str,
    comparable: bool,
    unstable: bool = False,
    lang: str = "fr",
) -> str:
    """One sentence describing an indicator of a territory.

    Examples
    --------
    >>> s = finding_sentence(label="Femmes", value=44.0, unit="%", decimals=0,
    ...     gap=3.2, relative_gap=0.07, reference_level="region", decile=9, level="epci",
    ...     comparable=True)
    >>> s.replace("\\u00a0", " ")
    'Femmes : 44 %, 3,2 points au-dessus de la valeur régionale, 9e décile des EPCI comparables'
    """
    check_lang(lang)
    if decimals is None and not math.isnan(value):
        decimals = auto_decimals(value)
    parts = [format_value(value, unit=unit, decimals=decimals, lang=lang)]
    # a gap in points needs no relative gap (a share of 0 % in a reference of 0 % is level)
    points = unit.startswith("%")
    if reference_level is not None and not (
        math.isnan(gap) or (math.isnan(relative_gap) and not points)
    ):
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
    if unstable:
        sentence += (
            " (petite population : valeur fragile)"
            if lang == "fr"
            else " (small population: unstable value)"
        )
    return sentence
