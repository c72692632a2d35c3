"""Number formatting shared by legends, tooltips and diagnosis sentences.

French by default: decimal comma, narrow no-break space as thousands separator
(U+202F), units after a no-break space. English: decimal point, comma thousands.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from territorial.errors import InvalidArgumentError

LANGS = ("fr", "en")
NNBSP = "\u202f"  # narrow no-break space (French thousands separator)
NBSP = "\u00a0"
MINUS = "\u2212"  # typographic minus sign, for numbers shown to people


def check_lang(lang: str, argument: str = "lang") -> str:
    """Return ``lang`` if it is a supported language, else raise.

    Examples
    --------
    >>> check_lang("en")
    'en'
    >>> check_lang("de", "--lang")
    Traceback (most recent call last):
    ...
    territorial.errors.InvalidArgumentError: --lang='de' is not valid: expected 'fr' or 'en'. \
Pass lang='fr' or lang='en'.
    """
    if lang not in LANGS:
        raise InvalidArgumentError(argument, lang, "'fr' or 'en'", "Pass lang='fr' or lang='en'.")
    return lang


def in_language(value: object, lang: str, *, default: str | None = None) -> str | None:
    """The text of ``value`` in ``lang``: the one resolver of labels, units and sources.

    ``value`` is a text, a ``{"fr": ..., "en": ...}`` mapping, or None. A mapping
    gives ``lang``, else French, else its first non-empty text; empty text counts as
    missing, and ``default`` is returned when nothing is left.

    Examples
    --------
    >>> in_language({"fr": "Densité", "en": "Density"}, "en")
    'Density'
    >>> in_language({"fr": "Densité", "en": ""}, "en"), in_language("km²", "en")
    ('Densité', 'km²')
    >>> in_language(None, "fr", default="density")
    'density'
    """
    if isinstance(value, Mapping):
        for key in (lang, "fr", *value):
            text = value.get(key)
            if text is not None and str(text) != "":
                return str(text)
        return default
    if value is None or str(value) == "":
        return default
    return str(value)


def spec_text(spec: object, key: str, lang: str, *, default: str | None = None) -> str | None:
    """``spec[key]`` (a mapping) or ``spec.key`` (an object) in ``lang``, see
    :func:`in_language`: the label, unit or source of an indicator however it is given
    (a catalogue's ``IndicatorSpec``, a dict of specs, a layer's metadata record).

    Examples
    --------
    >>> spec_text({"label": {"fr": "Chômage", "en": "Unemployment"}}, "label", "en")
    'Unemployment'
    >>> spec_text({}, "label", "fr", default="x")
    'x'
    """
    value = spec.get(key) if isinstance(spec, Mapping) else getattr(spec, key, None)
    return in_language(value, lang, default=default)


#: control characters (C0 but tab and newline, DEL, C1) and the bidirectional overrides,
#: which can rewrite a terminal's screen or title, or reorder what a reader sees
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    r"""``text`` with its control characters shown as escapes (``\x1b``), for a terminal.

    Names and labels come from data: printed raw, an escape sequence in one
    could clear the screen or change the terminal's title.

    Examples
    --------
    >>> printable("Rouge\x1b]0;pwned\x07 et\tvert")
    'Rouge\\x1b]0;pwned\\x07 et\tvert'
    """
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def auto_decimals(value: float) -> int:
    """Decimals that show a value sensibly: 0 above 100, 1 above 10, else 2.

    Examples
    --------
    >>> auto_decimals(1234.5), auto_decimals(-12.3), auto_decimals(0.456)
    (0, 1, 2)
    """
    magnitude = abs(value)
    if magnitude >= 100 or magnitude == 0:
        return 0
    if magnitude >= 10:
        return 1
    return 2


def format_number(
    value: float | int | None,
    *,
    lang: str = "fr",
    decimals: int | None = None,
    unit: str | None = None,
    missing: str | None = None,
) -> str:
    """Format a number for people, in French or English.

    Parameters
    ----------
    value
        The number; ``None`` or NaN give ``missing``.
    lang
        ``"fr"`` (decimal comma, narrow-space thousands) or ``"en"``.
    decimals
        Digits after the decimal separator; chosen from the magnitude if omitted.
    unit
        Appended after a no-break space (``%`` too, as French typography wants).
    missing
        Text for missing values; default ``"n.d."`` (fr) or ``"n/a"`` (en).

    Examples
    --------
    >>> format_number(1234567.891, lang="en", decimals=1)
    '1,234,567.9'
    >>> format_number(0.5, lang="fr", unit="%") == "0,50\\u00a0%"
    True
    >>> format_number(-3.5, lang="en") == "\\u22123.50"
    True
    """
    check_lang(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing if missing is not None else ("n.d." if lang == "fr" else "n/a")
    if decimals is None:
        is_whole = isinstance(value, int) or float(value).is_integer()
        decimals = 0 if is_whole and abs(value) >= 1 else auto_decimals(float(value))
    text = f"{float(value):,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", NNBSP).replace(".", ",")
    if text.startswith("-"):
        # no "-0"; a negative number takes the typographic minus sign
        text = text[1:] if all(ch in "-0,." + NNBSP for ch in text) else MINUS + text[1:]
    if unit:
        text = f"{text}{NBSP}{unit}"
    return text
