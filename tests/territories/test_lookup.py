from __future__ import annotations

import pandas as pd
import pytest

from territorial import children, find, lookup, parents
from territorial.errors import (
    AmbiguousTerritoryError,
    ColumnNotFoundError,
    InvalidArgumentError,
    TerritoryNotFoundError,
)
from territorial.territories.lookup import normalise_name


@pytest.mark.parametrize(
    ("raw", "folded"),
    [("Saint-Étienne", "saint etienne"), ("ST ETIENNE", "saint etienne"),
     ("L'Haÿ-les-Roses", "l hay les roses"), ("Œuilly", "oeuilly")],
)  # fmt: skip
def test_normalise_name(raw, folded):
    assert normalise_name(raw) == folded


@pytest.mark.realdata
def test_find_with_and_without_accents(communes):
    assert find(communes, "saint etienne") == "42218"
    assert find(communes, "Saint-Étienne") == "42218"
    assert find(communes, "SAINT-ETIENNE") == "42218"
    assert find(communes, "69123") == "69123"
    assert communes.loc[find(communes, "l'hay les roses"), "name"] == "L'Haÿ-les-Roses"
    assert find(communes, "Haÿ-les-Roses") == find(communes, "L'Haÿ-les-Roses")
    # several communes share a name: the error asks for a code and lists them
    with pytest.raises(AmbiguousTerritoryError) as info:
        find(communes, "Saint-Denis")
    candidates = sorted(info.value.candidates)
    assert candidates == [
        "Saint-Denis (11339)", "Saint-Denis (30247)", "Saint-Denis (93066)", "Saint-Denis (97411)"
    ]  # fmt: skip
    assert str(info.value) == (
        "'Saint-Denis' matches 4 territories: " + ", ".join(info.value.candidates)
        + ". Give the code instead of the name."
    )  # fmt: skip
    # apostrophes, lower-case codes and lost leading zeros are forgiven
    assert find(communes, "lhay les roses") == find(communes, "L'Haÿ-les-Roses")
    assert find(communes, "2a004") == "2A004"
    assert find(communes, "1001") == "01001"


@pytest.mark.realdata
def test_lookup_ranks_exact_then_prefix(communes):
    found = lookup(communes, "saint etienne", limit=3)
    assert found.index[0] == "42218"
    assert all(n.lower().startswith("saint-étienne") for n in found["name"])


@pytest.mark.realdata
def test_suggestions_when_nothing_matches(communes):
    with pytest.raises(TerritoryNotFoundError) as info:
        find(communes, "Saint-Etiene")
    assert str(info.value).startswith("No territory matches 'Saint-Etiene'. Did you mean: ")
    assert "Saint-Étienne" in str(info.value)


def test_not_found_message_without_suggestions():
    df = pd.DataFrame({"name": ["Lyon"]}, index=["69123"])
    with pytest.raises(TerritoryNotFoundError) as info:
        find(df, "Zzyzx")
    assert str(info.value) == (
        "No territory matches 'Zzyzx'. Check the spelling, or search with "
        "territorial.lookup(gdf, query)."
    )
    with pytest.raises(ColumnNotFoundError) as info:
        lookup(df, "Lyon", name_column="nom")
    assert (
        str(info.value)
        == "name_column='nom' is not a column of the data. Available columns: 'name'."
    )


@pytest.mark.realdata
def test_parents_and_children(france_levels):
    communes = france_levels["commune"]
    assert parents(communes, "69123") == {
        "circonscription": communes.loc["69123", "circonscription"],
        "epci": "200046977",
        "departement": "69",
        "region": "84",
    }
    rhone = children(communes, "departement", "69")
    assert len(rhone) == france_levels["departement"].loc["69", "n_communes"]
    paris = children(france_levels["arrondissement"], "commune", "75056")
    assert len(paris) == 20
    with pytest.raises(TerritoryNotFoundError) as info:
        children(communes, "departement", "6")
    assert str(info.value) == (
        "No territory matches '6' in the 'departement' column. Did you mean: 06, 60, 61, 62, 63?"
    )


@pytest.mark.realdata
def test_a_weak_fuzzy_match_is_a_suggestion_not_an_answer(communes, france_levels):
    # "Lyonn" is contained in Cognat-Lyonne only, which is far from the query
    with pytest.raises(TerritoryNotFoundError) as info:
        find(communes, "Lyonn")
    assert str(info.value) == (
        "No territory matches 'Lyonn'. Did you mean: Lyon (69123), Cognat-Lyonne (03080), "
        "Lonny (08260), Lonnes (16191), Lonçon (64347)?"
    )
    assert info.value.suggestions[:2] == ("Lyon (69123)", "Cognat-Lyonne (03080)")
    # an exact name still wins over longer names that contain it
    assert find(communes, "Lyon") == "69123"
    departements = france_levels["departement"]
    with pytest.raises(TerritoryNotFoundError) as info:
        find(departements, "Corse")
    assert info.value.suggestions[:2] == ("Haute-Corse (2B)", "Corse-du-Sud (2A)")
    # codes in any case
    assert find(departements, "2a") == "2A" and find(departements, "2B") == "2B"
    assert find(departements, "rhône") == "69"


def test_close_names_answer_or_ask():
    # synthetic names
    df = pd.DataFrame(
        {"name": ["Saint-Martin-d'Hères", "Saint-Martin-d'Uriage", "Cognat-Lyonne", "Lyon"]},
        index=["38421", "38422", "03080", "69123"],
    )
    assert find(df, "Saint-Martin-d'Hère") == "38421"  # one close name: the answer
    with pytest.raises(AmbiguousTerritoryError) as info:
        find(df, "Saint-Martin-d'", threshold=0.7)
    assert str(info.value) == (
        "\"Saint-Martin-d'\" matches 2 territories: Saint-Martin-d'Hères (38421), "
        "Saint-Martin-d'Uriage (38422). Give the code instead of the name."
    )
    with pytest.raises(TerritoryNotFoundError) as info:
        find(df, "Lyonn")
    assert str(info.value) == (
        "No territory matches 'Lyonn'. Did you mean: Lyon (69123), Cognat-Lyonne (03080)?"
    )
    # a lower threshold accepts the weaker match
    assert find(df, "Lyonn", threshold=0.5) == "03080"
    with pytest.raises(InvalidArgumentError) as info:
        find(df, "Lyon", threshold=0)
    assert str(info.value) == "threshold=0 is not valid: expected a number in (0, 1]."
