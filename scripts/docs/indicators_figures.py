"""Draw the pictures of docs/indicators.md from the real France data.

Run: ``python scripts/docs/indicators_figures.py`` (writes docs/img/ind_*.png).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from territorial.france import compute_france

HERE = Path(__file__).resolve().parents[2] / "docs" / "img"


def _map(table, column: str, title: str, path: Path, cmap: str) -> None:
    wide = table.wide
    point = wide.geometry.representative_point()
    metro = wide[(point.x > -6) & (point.x < 10) & (point.y > 41) & (point.y < 52)].to_crs(2154)
    fig, ax = plt.subplots(figsize=(7, 7))
    metro.plot(
        column=column,
        ax=ax,
        cmap=cmap,
        legend=True,
        scheme="quantiles",
        k=5,
        edgecolor="white",
        linewidth=0.1,
        missing_kwds={"color": "lightgrey"},
        legend_kwds={"loc": "lower left", "fontsize": 8, "title": table.catalogue[column].unit},
    )
    ax.set_axis_off()
    spec = table.catalogue[column]
    ax.set_title(f"{title}\n{spec.source} ; {spec.vintage}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    HERE.mkdir(exist_ok=True)
    dep = compute_france("departement")
    _map(
        dep,
        "women_mayors_share",
        "Part des femmes parmi les maires (%), par département",
        HERE / "ind_women_mayors_departement.png",
        "PuRd",
    )
    epci = compute_france("epci", indicators=["gini_commune_population"])
    _map(
        epci,
        "gini_commune_population",
        "Indice de Gini des populations communales, par EPCI",
        HERE / "ind_gini_epci.png",
        "viridis",
    )


if __name__ == "__main__":
    main()
