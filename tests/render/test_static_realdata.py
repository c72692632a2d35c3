"""Static maps of the real France data (cached built-in data)."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_hex

from territorial.france.data import load_france
from territorial.render import map_info, map_territories
from territorial.render.static.insets import DROM

pytestmark = pytest.mark.realdata


def _drawn(ax) -> list[str]:
    """Codes drawn as territories (classes and missing values) in an axes."""
    gids = {"territorial:territories", "territorial:missing"}
    return [
        c
        for col in ax.collections
        if col.get_gid() in gids
        for m in col.territory_codes
        for c in m
    ]


def test_departements_with_drom_insets():
    deps = load_france("departement", progress=False)
    deps["density"] = deps["population"] / deps["area_km2"]
    # Mayotte's density removed by the test, to check how a missing value is drawn
    deps.loc["976", "density"] = np.nan
    fig = map_territories(deps, "density", title="Densité", base=load_france("region"))
    info = map_info(fig)
    for group in DROM:
        assert _drawn(info.panels[group.key]) == [group.key]
    main = _drawn(info.panels["main"])
    assert len(main) == 96 and not set(main) & {g.key for g in DROM}
    # Mayotte, without a density here, is drawn with the missing style
    (missing,) = [
        c for c in info.panels["976"].collections if c.get_gid() == "territorial:missing"
    ]
    assert missing.territory_codes[0].tolist() == ["976"]
    assert [t.get_text() for t in info.legend.get_texts()][-1] == "Données manquantes"
    # each département's colour is the colour of its class
    classes = info.classification.classes
    for ax in info.panels.values():
        for col in ax.collections:
            if col.get_gid() != "territorial:territories":
                continue
            for color, members in zip(col.get_facecolors(), col.territory_codes, strict=True):
                expected = {info.classification.colors[classes[c]] for c in members}
                assert expected == {to_hex(color)}


def test_national_commune_map_draws_every_commune_once():
    communes = load_france("commune", progress=False)
    communes["density"] = communes["population"] / communes["area_km2"]
    fig = map_territories(communes, "density", paris_zoom=True)
    info = map_info(fig)
    drawn = [c for key, ax in info.panels.items() if key != "paris" for c in _drawn(ax)]
    without = communes.index[communes.geometry.isna() | communes.geometry.is_empty]
    assert len(drawn) == len(set(drawn)) == len(communes) - len(without)
    assert set(drawn) | set(without) == set(communes.index)
    # every commune of the built-in data has a geometry, so no note about missing ones
    # (the note itself is tested on synthetic data in test_static_maps.py)
    assert len(without) == 0
    assert not [n for n in info.notes if "without geometry" in n]
    assert "75056" in _drawn(info.panels["paris"])
    # simplified to the display resolution: far fewer vertices than the source
    assert info.tolerances["main"] > 100  # metres
    paths = [p for col in info.panels["main"].collections for p in col.get_paths()]
    n_vertices = sum(len(p.vertices) for p in paths)
    assert n_vertices < 0.75 * communes.geometry.count_coordinates().sum()
    # 5 classes and no missing value: every commune has a density (Mayotte: population 2017)
    assert len(np.unique(info.classification.classes)) == 5


@pytest.mark.parametrize("figsize", [(8.0, 8.0), (10.0, 6.0), (7.0, 9.0)])
def test_paris_inset_covers_no_departement(figsize):
    deps = load_france("departement", progress=False)
    deps["density"] = deps["population"] / deps["area_km2"]
    fig = map_territories(deps, "density", paris_zoom=True, figsize=figsize)
    info = map_info(fig)
    main, paris = info.panels["main"], info.panels["paris"]
    renderer = fig.canvas.get_renderer()
    inset = paris.get_window_extent(renderer)
    metro = deps[~deps.index.isin([g.key for g in DROM])].to_crs(2154)
    lo = main.transData.transform(metro.bounds[["minx", "miny"]].to_numpy())
    hi = main.transData.transform(metro.bounds[["maxx", "maxy"]].to_numpy())
    dx = np.clip(np.minimum(hi[:, 0], inset.x1) - np.maximum(lo[:, 0], inset.x0), 0, None)
    dy = np.clip(np.minimum(hi[:, 1], inset.y1) - np.maximum(lo[:, 1], inset.y0), 0, None)
    # at most a sliver (0.5 % of the inset) of any département's bounding box
    assert (dx * dy).max() <= 0.005 * inset.width * inset.height
    assert inset.width >= 0.12 * fig.get_figwidth() * fig.dpi * 0.99
