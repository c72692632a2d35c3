"""Image baselines of small synthetic maps (fixtures in conftest.py).

The PNGs under ``tests/render/baselines/`` were produced by this code and looked at;
a test fails when a new drawing differs visibly (more than 0.5 % of the pixels by
more than 10 %). Regenerate after an intended change with
``TERRITORIAL_UPDATE_BASELINES=1 pytest tests/render/test_static_baselines.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np

from territorial.render import map_territories, save_map

BASELINES = Path(__file__).parent / "baselines"
UPDATE = os.environ.get("TERRITORIAL_UPDATE_BASELINES") == "1"


def _compare(fig, name: str, tmp_path: Path) -> None:
    out = save_map(fig, tmp_path / f"{name}.png")
    expected = BASELINES / f"{name}.png"
    if UPDATE:
        expected.write_bytes(out.read_bytes())
    assert expected.exists(), (
        f"missing baseline {expected}: run with TERRITORIAL_UPDATE_BASELINES=1"
    )
    a = mpimg.imread(out)[..., :3]
    b = mpimg.imread(expected)[..., :3]
    assert a.shape == b.shape
    share = float((np.abs(a - b).max(axis=2) > 0.1).mean())
    assert share < 0.005, f"{name}: {share:.2%} of pixels differ from the baseline"


def test_baseline_choropleth(grid, tmp_path):
    fig = map_territories(
        grid,
        "value",
        scheme="quantiles",
        k=4,
        insets=None,
        title="Choroplèthe",
        subtitle="Grille synthétique",
        source="Source : données synthétiques",
        figsize=(4, 4),
        dpi=60,
        unit="u.",
    )
    _compare(fig, "choropleth", tmp_path)


def test_baseline_france_insets_symbols(fake_france, tmp_path):
    fig = map_territories(
        fake_france.assign(stock=fake_france["value"] + 1),
        "stock",
        kind="symbols",
        choropleth="value",
        title="Symboles",
        figsize=(5, 5),
        dpi=60,
        paris_zoom=True,
    )
    _compare(fig, "france_symbols", tmp_path)


def test_baseline_gap_english(grid, tmp_path):
    fig = map_territories(
        grid,
        "value",
        kind="gap",
        reference=50.0,
        insets=None,
        lang="en",
        title="Gap to the reference",
        figsize=(4, 4),
        dpi=60,
    )
    _compare(fig, "gap_en", tmp_path)
