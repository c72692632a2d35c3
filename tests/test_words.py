"""The word tables: same keys and fields in every language, every unit known."""

import re

import pytest

from territorial.format import MINUS, format_number
from territorial.indicators.spec import UNITS as CATALOGUE_UNITS
from territorial.words import TABLES, UNITS, UnknownWordError, french_only_words, unit_in, word

FIELD = re.compile(r"\{([a-z_]+)\}")


def test_every_language_has_the_same_keys_and_fields():
    keys = {lang: set(table) for lang, table in TABLES.items()}
    assert keys["fr"] == keys["en"], keys["fr"] ^ keys["en"]
    for key in keys["fr"]:
        fields = {lang: set(FIELD.findall(TABLES[lang][key])) for lang in TABLES}
        assert fields["fr"] == fields["en"], (key, fields)


def test_every_catalogue_unit_is_written_in_every_language():
    for lang in UNITS:
        assert set(CATALOGUE_UNITS) <= set(UNITS[lang]), set(CATALOGUE_UNITS) - set(UNITS[lang])
    assert unit_in("pour 100 000 hab.", "en") == "per 100,000 inh."
    assert unit_in("ans", "en") == "years"
    assert unit_in("indice", "en") == unit_in("indice", "fr") == ""
    assert unit_in("litres", "en") == "litres"  # a user's own unit is kept


def test_values_are_inserted_never_parsed():
    hostile = "{value} {__class__} %(x)s"
    assert word("map.reference", "en", value=hostile) == f"Reference: {hostile}"


def test_unknown_key_and_language_are_clear_errors():
    with pytest.raises(UnknownWordError, match=r"map\.nothing"):
        word("map.nothing", "en")
    with pytest.raises(ValueError, match="lang"):
        word("map.reference", "de")


def test_french_only_words_are_french():
    found = french_only_words()
    assert {"valeur", "manquante"} <= found
    assert not found & {"france", "epci", "canton", "source", "reference"}


def test_negative_numbers_take_the_typographic_minus():
    assert format_number(-3.59, lang="en", decimals=2) == f"{MINUS}3.59"
    assert format_number(-1234.5, lang="fr", decimals=1) == f"{MINUS}1\u202f234,5"
    assert format_number(-0.001, lang="fr", decimals=2) == "0,00"  # no minus zero
