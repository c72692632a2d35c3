"""Every word the toolkit shows to people, from one table per language.

The tables are plain Python dicts in :mod:`territorial.words.fr` and
:mod:`territorial.words.en`: the same keys in both (tested), each value a
template whose ``{fields}`` are filled by :func:`word`. Templates are ours;
values from data or users are only ever substituted into them, never parsed.

Renderers and sentences take their words from here, so that an English map,
page, sheet or sentence carries no French word (the tests scan the outputs for
the words of the French table that the English table never uses).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from territorial.errors import TerritorialError
from territorial.format import check_lang
from territorial.words import en, fr

__all__ = ["TABLES", "UNITS", "french_only_words", "unit_in", "word"]

#: The word tables, by language.
TABLES: Mapping[str, Mapping[str, str]] = {"fr": fr.WORDS, "en": en.WORDS}
#: How each catalogue unit is written, by language ("" hides a unit such as "indice").
UNITS: Mapping[str, Mapping[str, str]] = {"fr": fr.UNITS, "en": en.UNITS}

_FIELD = re.compile(r"\{([a-z_]+)\}")


class UnknownWordError(TerritorialError, KeyError):
    """A key is not in the word table (a bug of the toolkit, not of the user)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


def word(key: str, lang: str = "fr", /, **fields: object) -> str:
    """The text of ``key`` in ``lang``, its ``{fields}`` filled.

    Parameters
    ----------
    key
        Key of the word tables, e.g. ``"map.reference"``.
    lang
        ``"fr"`` or ``"en"``.
    **fields
        Values of the template's fields, converted with ``str``.

    Examples
    --------
    >>> word("map.reference", "en", value="3.5%")
    'Reference: 3.5%'
    >>> word("map.reference", "fr", value="3,5 %")
    'Référence : 3,5 %'
    """
    check_lang(lang)
    try:
        template = TABLES[lang][key]
    except KeyError:
        raise UnknownWordError(f"No word {key!r} in the {lang!r} table.") from None
    if not fields:
        return template

    # Substitute field by field: a value is inserted as it is, never parsed again.
    def fill(match: re.Match) -> str:
        name = match.group(1)
        return str(fields[name]) if name in fields else match.group()

    return _FIELD.sub(fill, template)


def unit_in(unit: str | None, lang: str = "fr") -> str:
    """A catalogue unit as written in ``lang`` ("" for none or a hidden unit).

    Units the table does not know (a user's own) are returned as given.

    Examples
    --------
    >>> unit_in("pour 100 000 hab.", "en")
    'per 100,000 inh.'
    >>> unit_in("%/an", "fr"), unit_in("indice", "fr")
    ('%/an', '')
    """
    check_lang(lang)
    if not unit:
        return ""
    return UNITS[lang].get(unit, unit)


def french_only_words() -> frozenset[str]:
    """Words of the French table that no English template or unit uses.

    The tests scan English outputs for them: one found is French left in English.

    Examples
    --------
    >>> "valeur" in french_only_words(), "France" in french_only_words()
    (True, False)
    """

    def tokens(texts):
        found = set()
        for text in texts:
            found.update(t.lower() for t in re.findall(r"[^\W\d_]{3,}", _FIELD.sub(" ", text)))
        return found

    english = tokens([*TABLES["en"].values(), *UNITS["en"].values()])
    french = tokens([*TABLES["fr"].values(), *UNITS["fr"].values()])
    return frozenset(french - english)
