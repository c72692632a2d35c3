"""The English word table (see :mod:`territorial.words`): the keys of the French one."""

# Units of the catalogue (territorial.indicators.spec.UNITS), as written.
UNITS: dict[str, str] = {
    "hab.": "inhabitants",
    "km²": "km²",
    "hab./km²": "inh./km²",
    "%": "%",
    "%/an": "%/year",
    "communes": "municipalities",
    "ans": "years",
    "h/semaine": "h/week",
    "km": "km",
    "nombre": "",
    "indice": "",
    "€": "€",
    "€/hab.": "€/inh.",
    "pour 1 000 hab.": "per 1,000 inh.",
    "pour 10 000 hab.": "per 10,000 inh.",
    "pour 100 000 hab.": "per 100,000 inh.",
    "accidents": "accidents",
    "tués": "killed",
    "établissements": "establishments",
    "emplois": "jobs",
    "logements": "dwellings",
    "ha": "ha",
    "m": "m",
    "°C": "°C",
    "mm": "mm",
    "pour 100 actifs occupés": "per 100 employed residents",
}

WORDS: dict[str, str] = {
    # --- common ---------------------------------------------------------------
    "common.missing": "n/a",
    "common.source": "Source: {text}",
    "common.sources": "Sources: {text}",
    "common.france": "France",
    # --- levels ---------------------------------------------------------------
    "level.commune": "municipality",
    "level.commune.plural": "municipalities",
    "level.arrondissement": "district",
    "level.arrondissement.plural": "districts",
    "level.canton": "canton",
    "level.canton.plural": "cantons",
    "level.circonscription": "constituency",
    "level.circonscription.plural": "constituencies",
    "level.epci": "EPCI",
    "level.epci.plural": "EPCIs",
    "level.departement": "département",
    "level.departement.plural": "départements",
    "level.region": "region",
    "level.region.plural": "regions",
    "level.france": "France",
    "level.france.plural": "France",
    "level.territory": "territory",
    "level.territory.plural": "territories",
    # --- maps (render/static) ---------------------------------------------------
    "map.reference": "Reference: {value}",
    "map.missing": "Missing value",
    # --- pages (render/web) -----------------------------------------------------
    # --- sentences and diagnosis ------------------------------------------------
    # --- sheets and atlases -----------------------------------------------------
}
