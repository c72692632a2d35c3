"""The words of the sheets, in French and English (no French word left in English).

Examples
--------
>>> text("strengths", "en"), text("strengths", "fr")
('Strengths', 'Atouts')
"""

from __future__ import annotations

from territorial.format import NBSP, check_lang

__all__ = ["TEXTS", "THEME_NAMES", "text"]

#: The themes of a catalogue, named.
THEME_NAMES: dict[str, dict[str, str]] = {
    "demography": {"fr": "Démographie", "en": "Demography"},
    "economy": {"fr": "Économie", "en": "Economy"},
    "society": {"fr": "Société et logement", "en": "Society and housing"},
    "environment": {"fr": "Environnement", "en": "Environment"},
    "public_services": {"fr": "Services publics", "en": "Public services"},
    "governance": {"fr": "Élus", "en": "Councillors"},
    "safety": {"fr": "Sécurité routière", "en": "Road safety"},
}

#: key -> (French, English)
TEXTS: dict[str, tuple[str, str]] = {
    "title": ("Portrait de territoire", "Territory profile"),
    "key_figures": ("Chiffres clés", "Key figures"),
    "strengths": ("Atouts", "Strengths"),
    "weaknesses": ("Faiblesses", "Weaknesses"),
    "traits": ("Traits distinctifs", "Distinctive traits"),
    "comparison": ("Comparaison par thème", "Comparison by theme"),
    "percentile": ("Rang parmi les pairs (centile)", "Rank among peers (percentile)"),
    "percentile_short": ("Centile (pairs)", "Percentile (peers)"),
    "history": ("Population aux recensements", "Population over the vintages"),
    "history_index": ("indice 100 au premier millésime", "index 100 at the first vintage"),
    "sectors": ("Établissements par secteur", "Establishments by sector"),
    "spatial": ("Contexte spatial", "Spatial context"),
    "profiles": ("Rang selon les points de vue", "Rank under each point of view"),
    "notes": ("À savoir", "Notes"),
    "sources": ("Sources", "Sources"),
    "sources_label": ("Sources", "Sources (titles as published, in French)"),
    "geography": ("Géographie", "Geography"),
    "generated": ("Généré le", "Generated on"),
    "toolkit": ("territorial", "territorial"),
    "none": ("aucun", "none"),
    "more": ("et {n} autres", "and {n} more"),
    "more_one": ("et 1 autre", "and 1 more"),
    "references": ("Références", "References"),
    "parents": ("Appartenance", "Within"),
    "france": ("France", "France"),
    "this_territory": ("Ce territoire", "This territory"),
    "indicator": ("Indicateur", "Indicator"),
    "single_vintage": (
        "Un seul millésime connu : pas d'évolution à montrer.",
        "A single vintage is known: no change to show.",
    ),
    "withheld": ("non publié", "withheld"),
    "sep": ("{nbsp}: ", ": "),
    "value": ("Valeur", "Value"),
    "median_set": ("Médiane de l'ensemble", "Median of the set"),
    "whole_set": ("les {n} territoires de l'ensemble", "the {n} territories of the set"),
    "peers": ("{level} comparables", "comparable {level}"),
    "population": ("Population", "Population"),
    "area": ("Superficie", "Area"),
    "indicators": ("Indicateurs", "Indicators"),
    "locator": ("Situation", "Location"),
    "locator_in": ("Situation dans", "Location in"),
    "no_value": ("sans valeur", "no value"),
    "more_clusters": ("et {n} autres regroupements", "and {n} more clusters"),
    "more_clusters_one": ("et 1 autre regroupement", "and 1 more cluster"),
    "no_cluster": ("Aucun regroupement spatial significatif", "No significant spatial cluster"),
    "type": ("Type", "Type"),
    "rank_of": ("{rank} sur {n}", "{rank} of {n}"),
    "history_source": (
        "INSEE, populations légales 2016 à 2023 (via @etalab/decoupage-administratif)",
        "INSEE, legal populations 2016 to 2023 (via @etalab/decoupage-administratif)",
    ),
    "unavailable": (
        "Non disponible pour les {level}{nbsp}: {what}.",
        "Not available for {level}: {what}.",
    ),
    "file": ("fichier", "file"),
    "full_list": (
        "(liste complète{nbsp}: territorial diagnose SOURCE CODE)",
        "(full list: territorial diagnose SOURCE CODE)",
    ),
    "geography_france": (
        "contours IGN Admin Express et COG de l'INSEE, via {name} {version}",
        "IGN Admin Express outlines and INSEE's commune list, via {name} {version}",
    ),
}


def text(key: str, lang: str) -> str:
    """The interface text ``key`` in ``lang``.

    Examples
    --------
    >>> text("strengths", "en")
    'Strengths'
    """
    check_lang(lang)
    fr, en = TEXTS[key]
    return (fr if lang == "fr" else en).replace("{nbsp}", NBSP)
