"""Static maps never draw missing values in a class colour (synthetic squares)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from matplotlib.colors import to_hex
from shapely import box

from territorial.errors import InvalidArgumentError
from territorial.render import map_territories
from territorial.render.classify import MISSING_COLOR


@pytest.fixture
def squares():
    # synthetic: four unit squares in Lambert-93, one without a value
    return gpd.GeoDataFrame(
        {"v": [1.0, 2.0, 3.0, np.nan], "t": ["x", "y", "x", None]},
        geometry=[box(i * 1000, 0, i * 1000 + 1000, 1000) for i in range(4)],
        crs=2154,
        index=list("abcd"),
    )


def test_a_palette_holding_the_missing_colour_is_refused(squares):
    with pytest.raises(InvalidArgumentError) as error:
        map_territories(squares, "v", k=3, palette=["#ffffcc", MISSING_COLOR, "#800026"])
    assert str(error.value) == (
        "palette=['#ffffcc', '#d9d9d9', '#800026'] is not valid: expected class colours that "
        "differ from the missing-value colour #d9d9d9. Territories without a value of 'v' "
        "would look like those of class 2: choose other class colours."
    )
    with pytest.raises(InvalidArgumentError, match="of 't' would look like those of class 1"):
        map_territories(squares, "t", kind="typology", palette=[MISSING_COLOR, "#800026"])


def test_without_missing_values_any_palette_is_allowed_and_missing_ones_get_their_colour(
    squares,
):
    full = squares.iloc[:3]
    fig = map_territories(full, "v", k=3, palette=["#ffffcc", MISSING_COLOR, "#800026"])
    assert fig is not None
    fig = map_territories(squares, "v", k=3)
    drawn = {
        to_hex(c)
        for collection in fig.axes[0].collections
        for c in np.atleast_2d(collection.get_facecolor())
    }
    assert MISSING_COLOR in drawn
