"""The French word table (see :mod:`territorial.words`).

Sections by area: each area adds its keys in its own section, with a prefix
(``map.``, ``page.``, ``sentence.``, ``sheet.``...).
"""

# Units of the catalogue (territorial.indicators.spec.UNITS), as written.
UNITS: dict[str, str] = {
    "hab.": "hab.",
    "km²": "km²",
    "hab./km²": "hab./km²",
    "%": "%",
    "%/an": "%/an",
    "communes": "communes",
    "ans": "ans",
    "h/semaine": "h/semaine",
    "km": "km",
    "nombre": "",
    "indice": "",
    "€": "€",
    "€/hab.": "€/hab.",
    "pour 1 000 hab.": "pour 1 000 hab.",
    "pour 10 000 hab.": "pour 10 000 hab.",
    "pour 100 000 hab.": "pour 100 000 hab.",
    "accidents": "accidents",
    "tués": "tués",
    "établissements": "établissements",
    "emplois": "emplois",
    "logements": "logements",
    "ha": "ha",
    "m": "m",
    "°C": "°C",
    "mm": "mm",
    "pour 100 actifs occupés": "pour 100 actifs occupés",
}

WORDS: dict[str, str] = {
    # --- common ---------------------------------------------------------------
    "common.missing": "n.d.",
    "common.source": "Source : {text}",
    "common.sources": "Sources : {text}",
    "common.france": "France",
    # --- levels ---------------------------------------------------------------
    "level.commune": "commune",
    "level.commune.plural": "communes",
    "level.arrondissement": "arrondissement",
    "level.arrondissement.plural": "arrondissements",
    "level.canton": "canton",
    "level.canton.plural": "cantons",
    "level.circonscription": "circonscription",
    "level.circonscription.plural": "circonscriptions",
    "level.epci": "EPCI",
    "level.epci.plural": "EPCI",
    "level.departement": "département",
    "level.departement.plural": "départements",
    "level.region": "région",
    "level.region.plural": "régions",
    "level.france": "France",
    "level.france.plural": "France",
    "level.territory": "territoire",
    "level.territory.plural": "territoires",
    # --- maps (render/static) ---------------------------------------------------
    "map.reference": "Référence : {value}",
    "map.missing": "Valeur manquante",
    # --- pages (render/web) -----------------------------------------------------
    # --- sentences and diagnosis ------------------------------------------------
    # --- sheets and atlases -----------------------------------------------------
}
