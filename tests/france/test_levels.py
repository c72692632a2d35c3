"""The one table of the French levels, checked against the data it describes and its users."""

from __future__ import annotations

import pytest

from territorial.diagnose.sentences import LEVEL_NAMES
from territorial.errors import InvalidArgumentError, UnknownLevelError
from territorial.france import levels
from territorial.france.levels import (
    FRANCE_DIAGNOSIS_LEVELS,
    FRANCE_INDICATOR_LEVELS,
    FRANCE_LEVELS,
    LEVELS,
    PARENT_LEVEL,
    france_level,
)


def test_the_lists_of_levels_are_read_from_the_table():
    assert FRANCE_LEVELS == (
        "arrondissement", "commune", "canton", "circonscription", "epci", "departement", "region",
    )  # fmt: skip
    assert (*FRANCE_LEVELS[1:], "france") == FRANCE_INDICATOR_LEVELS
    assert FRANCE_DIAGNOSIS_LEVELS == {
        "commune": ("region", "departement", "france"),
        "canton": ("region", "departement", "france"),
        "circonscription": ("region", "departement", "france"),
        "epci": ("region", "departement", "france"),
        "departement": ("region", "france"),
        "region": ("france",),
    }
    assert PARENT_LEVEL == {
        "arrondissement": "departement", "commune": "departement", "canton": "departement",
        "circonscription": "departement", "epci": "departement", "departement": "region",
        "region": None,
    }  # fmt: skip


def test_default_parents_and_references_are_coarser_levels_of_the_table():
    order = [lv.code for lv in LEVELS]
    for level in LEVELS:
        coarser = order[order.index(level.code) + 1 :]
        assert set(level.parents) <= set(coarser), level.code
        assert level.default_parent is None or level.default_parent in level.parents
        assert set(level.references) <= set(coarser), level.code


def test_labels_agree_with_the_sentences_of_the_diagnoses():
    for level in LEVELS:
        assert dict(level.label) == LEVEL_NAMES[level.code], level.code


def test_an_unknown_level_is_one_error_everywhere():
    with pytest.raises(UnknownLevelError) as info:
        france_level("county")
    assert str(info.value) == (
        "level='county' is not valid: expected a known level, one of arrondissement, commune, "
        "canton, circonscription, epci, departement, region."
    )
    assert isinstance(info.value, InvalidArgumentError) and isinstance(info.value, ValueError)
    assert (info.value.level, info.value.allowed) == ("county", FRANCE_LEVELS)
    with pytest.raises(UnknownLevelError) as info:
        france_level("france", argument="--base")  # computed, not loaded
    assert str(info.value).startswith("--base='france' is not valid: expected a known level")
    assert france_level("france", among=FRANCE_INDICATOR_LEVELS) is LEVELS[-1]


def test_the_sources_error_keeps_its_words():
    from territorial.sources import load_source

    with pytest.raises(UnknownLevelError) as info:
        load_source("france:county")
    assert str(info.value) == (
        "source='france:county' is not valid: expected france:LEVEL with LEVEL one of "
        + ", ".join(FRANCE_LEVELS)
        + ". For example: france:departement."
    )
    assert info.value.level == "county"


@pytest.mark.realdata
@pytest.mark.parametrize("code", FRANCE_LEVELS)
def test_the_table_describes_the_loaded_layers(code):
    from territorial.france import load_france

    layer = load_france(code, progress=False)
    level = france_level(code)
    assert set(layer["level"]) == {code}
    # every parent of the table is a column with codes of that level's territories
    for parent in level.parents:
        codes = layer[parent].dropna()
        assert len(codes) > 0, (code, parent)
        known = load_france(parent, progress=False).index
        assert codes.isin(known).all(), (code, parent)
    others = [lv for lv in FRANCE_LEVELS if lv != code and lv in layer.columns]
    assert sorted(others) == sorted(level.parents)


def test_the_module_documents_every_public_name():
    assert sorted(levels.__all__) == sorted(
        n
        for n in vars(levels)
        if (n.isupper() and not n.startswith("_")) or n in ("FranceLevel", "france_level")
    )
