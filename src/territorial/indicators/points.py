"""Point layers: counts per territory (fast point in polygon) and per-capita counts.

:func:`count_points` gives the same counts as ``geopandas.sjoin(points,
territories, predicate="intersects")`` followed by a groupby, several times
faster. The exact test turns the join around: the tree is built on the points
and queried with each territory's bounding box, and the candidates are tested
with ``shapely.intersects_xy`` against the prepared territory, one territory
after another (its vertices and its prepared index stay in cache). Above a few
million points, a grid of the territories is burnt first (once per cluster of
territories): points in a cell that no boundary touches take the cell's
territory directly, and only those near a boundary are tested exactly. Points
on a shared boundary count in every territory they touch, like ``sjoin``.
"""

from __future__ import annotations

import os

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorial.errors import CRSMismatchError, InvalidArgumentError, MissingCRSError

__all__ = ["PointLocator", "count_points", "points_per_capita"]

_MIN_CELLS = 64
_MAX_CELLS = 16_000_000
_GRID_FROM = 5_000_000  # points per call from which count_points builds a grid


def _coords(points: gpd.GeoSeries | gpd.GeoDataFrame | np.ndarray) -> np.ndarray:
    if isinstance(points, np.ndarray):
        coords = np.asarray(points, dtype="float64")
        if coords.ndim != 2 or coords.shape[1] != 2:
            raise InvalidArgumentError(
                "points", f"array of shape {coords.shape}", "an (n, 2) array of x, y",
                "Or pass a GeoSeries of points.",
            )  # fmt: skip
        return coords
    geoms = (points.geometry if isinstance(points, gpd.GeoDataFrame) else points).to_numpy()
    kinds = shapely.get_type_id(geoms)
    if len(kinds) and not np.all((kinds == 0) | (kinds == -1)):
        raise InvalidArgumentError(
            "points", "non-point geometries", "a layer of points",
            "Take their centroids or representative points first.",
        )  # fmt: skip
    # missing and empty points get NaN coordinates: they fall in no territory
    xy = np.full((len(geoms), 2), np.nan)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    xy[present] = shapely.get_coordinates(geoms[present])
    return xy


def _clusters(polygons: np.ndarray) -> np.ndarray:
    """Label groups of polygons whose bounding boxes chain together (islands apart)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    boxes = shapely.box(*shapely.bounds(polygons).T)
    left, right = shapely.STRtree(boxes).query(boxes)  # bounding boxes only: exact for boxes
    n = len(polygons)
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _edges(polygons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every ring segment as rows ``x1, y1, x2, y2``, grouped by polygon, and the offsets.

    The segments of polygon ``i`` are rows ``offsets[i]:offsets[i + 1]``.
    """
    parts, part_of = shapely.get_parts(polygons, return_index=True)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    same = ring[1:] == ring[:-1]
    edges = np.column_stack([coords[:-1][same], coords[1:][same]])
    owner = part_of[ring_of[ring[:-1][same]]]
    offsets = np.searchsorted(owner, np.arange(len(polygons) + 1))
    return edges, offsets


def _mark_edges(edges: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Boolean grid of the cells that a segment touches (exact supercover, corners included).

    ``edges`` are in grid units (u = column, v = row, both increasing from the origin).
    """
    ny, nx = shape
    flat = np.zeros(ny * nx, dtype=bool)
    eps = 1e-6

    def mark(rows: np.ndarray, cols: np.ndarray) -> None:
        r = np.clip(rows, 0, ny - 1)
        c = np.clip(cols, 0, nx - 1)
        flat[r * nx + c] = True

    u1, v1, u2, v2 = edges.T
    mark(np.floor(v1).astype(np.int64), np.floor(u1).astype(np.int64))
    for a1, b1, a2, b2, along_u in ((u1, v1, u2, v2, True), (v1, u1, v2, u2, False)):
        lo, hi = np.minimum(a1, a2), np.maximum(a1, a2)
        first = np.ceil(lo).astype(np.int64)
        count = np.maximum(np.floor(hi).astype(np.int64) - first + 1, 0)
        count[a1 == a2] = 0
        if count.sum() == 0:
            continue
        seg = np.repeat(np.arange(len(a1)), count)
        k = first[seg] + (np.arange(len(seg)) - np.repeat(np.cumsum(count) - count, count))
        t = (k - a1[seg]) / (a2[seg] - a1[seg])
        b = b1[seg] + t * (b2[seg] - b1[seg])
        # the cells on both sides of the grid line, and both rows if b is near an integer
        for db in (-eps, eps):
            bb = np.floor(b + db).astype(np.int64)
            for dk in (-1, 0):
                if along_u:
                    mark(bb, k + dk)
                else:
                    mark(k + dk, bb)
    return flat.reshape(shape)


def _burn(
    polygons: np.ndarray, ids: np.ndarray, bounds: np.ndarray, cells: int, edges: np.ndarray
) -> tuple[np.ndarray, tuple[float, float, float]]:
    """Grid of territory positions: -1 outside, -2 touched by a boundary (or overlap).

    Cells that no boundary touches are grouped into 4-connected components;
    each component lies inside one fixed set of polygons, found by testing one
    of its cell centres exactly.
    """
    from scipy.ndimage import label

    minx, miny, maxx, maxy = bounds
    width, height = max(maxx - minx, 1e-12), max(maxy - miny, 1e-12)
    size = float(np.sqrt(width * height / cells))
    nx, ny = int(np.ceil(width / size)) + 1, int(np.ceil(height / size)) + 1
    top = miny + ny * size
    grid_edges = np.column_stack(
        [(edges[:, 0] - minx) / size, (top - edges[:, 1]) / size,
         (edges[:, 2] - minx) / size, (top - edges[:, 3]) / size]
    )  # fmt: skip
    boundary = _mark_edges(grid_edges, (ny, nx))
    labels, n = label(~boundary)
    flat = labels.ravel()
    first = np.full(n + 1, -1, dtype=np.int64)
    order = np.arange(flat.size - 1, -1, -1)
    first[flat[order]] = order  # last write wins: the first cell of each component
    cell = first[1:]
    rows, cols = cell // nx, cell % nx
    centres = shapely.points(minx + (cols + 0.5) * size, top - (rows + 0.5) * size)
    hits_c, hits_p = shapely.STRtree(polygons).query(centres, predicate="intersects")
    per = np.bincount(hits_c, minlength=n)
    table = np.full(n + 1, -1, dtype=np.int64)
    single = per[hits_c] == 1
    table[hits_c[single] + 1] = ids[hits_p[single]]
    table[np.flatnonzero(per > 1) + 1] = -2
    table[0] = -2  # label 0: boundary cells
    return table[labels], (minx, top, size)


def _check_crs(points: object, geoms: gpd.GeoSeries) -> None:
    if isinstance(points, np.ndarray):
        return
    crs = points.crs  # type: ignore[attr-defined]
    if crs is None or geoms.crs is None:
        raise MissingCRSError(
            "points" if crs is None else "territories",
            "Set it with .set_crs(...) before counting points.",
        )
    if not crs.equals(geoms.crs):
        raise CRSMismatchError(
            f"points are in {crs.to_string()} but territories in "
            f"{geoms.crs.to_string()}. Reproject one of them with .to_crs(...)."
        )


# the polygons shared with forked workers (set just before the pool starts, cleared after)
_POLYGONS: np.ndarray | None = None


def _exact_pairs(
    polygons: np.ndarray, xy: np.ndarray, points: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (point position, polygon position) of the points each polygon intersects.

    The tree is built on the points and queried with the polygons' bounding
    boxes; each candidate pair is then tested with ``shapely.intersects_xy`` on
    prepared polygons, polygon after polygon (their vertices stay in cache).
    Same pairs as ``sjoin(points, polygons, predicate="intersects")``.
    """
    if points is None:
        points = shapely.points(xy)
    poly, point = shapely.STRtree(points).query(polygons)
    keep = shapely.intersects_xy(polygons[poly], xy[point, 0], xy[point, 1])
    return point[keep], poly[keep]


def _exact_chunk(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    assert _POLYGONS is not None
    return _exact_pairs(_POLYGONS, xy)


class PointLocator:
    """Territories prepared for fast point-in-polygon queries, reusable for many point layers.

    Each cluster of territories (polygons whose bounding boxes chain together:
    the mainland, each island group) gets a grid of about ``cells`` cells, built
    once. Points in a cell that no boundary touches take that cell's territory;
    the others are tested exactly against the prepared territories
    (``cells=0``: no grid, every point is tested exactly).

    Parameters
    ----------
    territories
        Polygons (GeoDataFrame or GeoSeries), indexed by territory code.
    cells
        Grid size of the largest cluster (smaller clusters get proportionally fewer).
    workers
        Processes for the exact tests near boundaries (used above 400,000 such points).

    Examples
    --------
    >>> from shapely import Point, box
    >>> terr = gpd.GeoSeries([box(0, 0, 1, 1), box(1, 0, 2, 1)], index=["a", "b"], crs=2154)
    >>> loc = PointLocator(terr, cells=10_000)
    >>> loc.count(gpd.GeoSeries([Point(0.5, 0.5), Point(1.5, 0.5)], crs=2154)).tolist()
    [1.0, 1.0]
    """

    def __init__(
        self,
        territories: gpd.GeoDataFrame | gpd.GeoSeries,
        *,
        cells: int = _MAX_CELLS,
        workers: int = 1,
    ) -> None:
        self.workers = int(workers)
        #: below this many points near boundaries, the exact tests stay in this process
        self.min_parallel = 400_000
        geoms = territories.geometry if isinstance(territories, gpd.GeoDataFrame) else territories
        self.geoms = geoms
        self.index = territories.index
        polygons = geoms.to_numpy()
        valid = ~(shapely.is_missing(polygons) | shapely.is_empty(polygons))
        self.positions = np.flatnonzero(valid)
        self.polygons = polygons[valid]
        shapely.prepare(self.polygons)  # the exact tests use prepared polygons
        self.grids: list[tuple[np.ndarray, np.ndarray, float, float, float]] = []
        self.small_bounds: list[np.ndarray] = []
        self.last_exact_tests = 0
        if len(self.polygons) == 0 or cells <= 0:
            return  # no grid: every point is tested exactly
        labels = _clusters(self.polygons)
        sizes = np.bincount(labels)
        gridded = sizes >= 50
        self.small_bounds = [
            shapely.total_bounds(self.polygons[labels == lab]) for lab in np.flatnonzero(~gridded)
        ]
        if not gridded.any():
            return
        edges, offsets = _edges(self.polygons)
        for label in np.flatnonzero(gridded):
            members = np.flatnonzero(labels == label)
            bounds = shapely.total_bounds(self.polygons[members])
            n_cells = int(np.clip(cells * sizes[label] / sizes.max(), _MIN_CELLS, cells))
            own = np.concatenate([np.arange(offsets[m], offsets[m + 1]) for m in members])
            grid, (x0, y0, size) = _burn(self.polygons[members], members, bounds, n_cells,
                                         edges[own])  # fmt: skip
            self.grids.append((grid, bounds, x0, y0, size))

    def locate(
        self, points: gpd.GeoSeries | gpd.GeoDataFrame | np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Pairs (point position, territory position) for every point in every territory it
        touches: the pairs of ``geopandas.sjoin(..., predicate="intersects")``."""
        _check_crs(points, self.geoms)
        xy = _coords(points)
        geoms = None  # the point geometries when given, to avoid building them again
        if isinstance(points, gpd.GeoDataFrame):
            geoms = points.geometry.to_numpy()
        elif not isinstance(points, np.ndarray):
            geoms = points.to_numpy()
        if len(self.polygons) == 0 or len(xy) == 0:
            return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
        out_p: list[np.ndarray] = []
        out_t: list[np.ndarray] = []
        # polygons of different clusters have disjoint bounding boxes: a point inside one
        # of them is settled by that cluster's grid; "outside" settles nothing (an island
        # of another cluster may lie within this cluster's bounds)
        settled = np.zeros(len(xy), dtype=bool)
        exact = np.zeros(len(xy), dtype=bool)
        for grid, bounds, x0, y0, size in self.grids:
            inside = (
                (xy[:, 0] >= bounds[0]) & (xy[:, 0] <= bounds[2])
                & (xy[:, 1] >= bounds[1]) & (xy[:, 1] <= bounds[3])
            )  # fmt: skip
            idx = np.flatnonzero(inside & ~settled)
            col = np.clip(np.floor((xy[idx, 0] - x0) / size).astype(np.int64), 0,
                          grid.shape[1] - 1)  # fmt: skip
            row = np.clip(np.floor((y0 - xy[idx, 1]) / size).astype(np.int64), 0,
                          grid.shape[0] - 1)  # fmt: skip
            hit = grid[row, col]
            sure = hit >= 0
            out_p.append(idx[sure])
            out_t.append(hit[sure].astype(np.intp))
            exact[idx[hit == -2]] = True
            settled[idx[hit != -1]] = True
        if self.grids:
            # unsettled points inside the bounds of a cluster without grid are tested exactly
            small = np.zeros(len(xy), dtype=bool)
            for b in self.small_bounds:
                small |= (
                    (xy[:, 0] >= b[0]) & (xy[:, 0] <= b[2])
                    & (xy[:, 1] >= b[1]) & (xy[:, 1] <= b[3])
                )  # fmt: skip
            todo = np.flatnonzero(exact | (small & ~settled))
        else:
            todo = np.arange(len(xy))
        self.last_exact_tests = len(todo)
        if len(todo):
            p, t = self._exact(xy[todo], None if geoms is None else geoms[todo])
            out_p.append(todo[p])
            out_t.append(t)
        point_pos = np.concatenate(out_p) if out_p else np.empty(0, dtype=np.intp)
        terr_pos = np.concatenate(out_t) if out_t else np.empty(0, dtype=np.intp)
        return point_pos, self.positions[terr_pos]

    def _exact(self, xy: np.ndarray, points: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Exact point-in-polygon pairs, the points split across ``workers`` forked processes."""
        global _POLYGONS
        workers = min(self.workers, os.cpu_count() or 1)
        if workers < 2 or len(xy) < max(self.min_parallel, workers):
            return _exact_pairs(self.polygons, xy, points)
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        chunks = np.array_split(np.arange(len(xy)), workers)
        _POLYGONS = self.polygons
        try:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                parts = list(pool.map(_exact_chunk, [xy[c] for c in chunks]))
        finally:
            _POLYGONS = None
        p = np.concatenate([part[0] + c[0] for part, c in zip(parts, chunks, strict=True)])
        t = np.concatenate([part[1] for part in parts])
        return p, t

    def count(
        self,
        points: gpd.GeoSeries | gpd.GeoDataFrame | np.ndarray,
        *,
        weights: pd.Series | np.ndarray | None = None,
        name: str = "points",
        boundary: str = "all",
    ) -> pd.Series:
        """Number (or weighted sum) of points per territory; see :func:`count_points`."""
        if boundary not in ("all", "one"):
            raise InvalidArgumentError(
                "boundary", boundary, "'all' or 'one'",
                "'all' counts a point on a shared boundary in every territory it touches "
                "(like sjoin); 'one' in the first of them only, so that counts add up.",
            )  # fmt: skip
        point_pos, terr_pos = self.locate(points)
        on_boundary = 0
        if boundary == "one" and len(point_pos):
            order = np.lexsort((terr_pos, point_pos))
            point_pos, terr_pos = point_pos[order], terr_pos[order]
            first = np.r_[True, point_pos[1:] != point_pos[:-1]]
            on_boundary = len(np.unique(point_pos[~first]))
            point_pos, terr_pos = point_pos[first], terr_pos[first]
        w = None if weights is None else np.asarray(weights, dtype="float64")[point_pos]
        counts = np.bincount(terr_pos, weights=w, minlength=len(self.index)).astype("float64")
        out = pd.Series(counts, index=self.index, name=name)
        n_points = len(points)
        located = np.count_nonzero(np.bincount(point_pos, minlength=n_points))
        out.attrs["outside"] = int(n_points - located)
        out.attrs["exact_tests"] = self.last_exact_tests
        if boundary == "one":
            out.attrs["shared"] = on_boundary
        return out


def count_points(
    points: gpd.GeoSeries | gpd.GeoDataFrame | np.ndarray,
    territories: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    weights: pd.Series | np.ndarray | None = None,
    name: str = "points",
    workers: int = 1,
    boundary: str = "all",
) -> pd.Series:
    """Number (or weighted sum) of points in each territory.

    Parameters
    ----------
    points
        Points in the CRS of ``territories`` (GeoSeries, GeoDataFrame, or an
        ``(n, 2)`` array of coordinates).
    territories
        Polygons indexed by territory code.
    weights
        One weight per point (e.g. number of beds); default 1.
    name
        Name of the returned Series.
    workers
        Processes for the exact tests near boundaries (results are identical).
    boundary
        ``"all"`` (default): a point on a boundary shared by several territories
        counts in each of them, like ``geopandas.sjoin``. ``"one"``: it counts in
        the first of them (in the order of ``territories``) only, so that the
        counts of a partition add up to the number of points located; use it
        for counts that are summed to larger territories.

    Returns
    -------
    Series
        Indexed like ``territories`` (zeros included); ``attrs["outside"]`` is
        the number of points in no territory; with ``boundary="one"``,
        ``attrs["shared"]`` the number of points that touched several.

    Examples
    --------
    >>> from shapely import Point, box
    >>> terr = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
    ...                         index=["a", "b"], crs=2154)
    >>> pts = gpd.GeoSeries([Point(0.5, 0.5), Point(1.5, 0.2), Point(1.7, 0.9), Point(5, 5)],
    ...                     crs=2154)
    >>> count_points(pts, terr).tolist()
    [1.0, 2.0]
    >>> on_border = gpd.GeoSeries([Point(1, 0.5)], crs=2154)
    >>> count_points(on_border, terr).tolist()
    [1.0, 1.0]
    >>> count_points(on_border, terr, boundary="one").tolist()
    [1.0, 0.0]
    """
    # building the grid (about a second for all French communes) pays for itself above a
    # few million points; below, every point is tested exactly (measured in make bench)
    cells = _MAX_CELLS if len(points) >= _GRID_FROM else 0
    locator = PointLocator(territories, cells=cells, workers=workers)
    return locator.count(points, weights=weights, name=name, boundary=boundary)


def points_per_capita(
    points: gpd.GeoSeries | gpd.GeoDataFrame | np.ndarray,
    territories: gpd.GeoDataFrame,
    *,
    population: str = "population",
    scale: float = 10_000,
    name: str = "points_per_capita",
) -> pd.Series:
    """Points per ``scale`` inhabitants in each territory (NaN where the population is 0).

    Examples
    --------
    >>> from shapely import Point, box
    >>> terr = gpd.GeoDataFrame({"population": [20_000.0]}, geometry=[box(0, 0, 1, 1)],
    ...                         index=["a"], crs=2154)
    >>> points_per_capita(gpd.GeoSeries([Point(0.5, 0.5)], crs=2154), terr).tolist()
    [0.5]
    """
    from territorial.indicators.kinds import ratio

    if population not in territories.columns:
        from territorial.errors import ColumnNotFoundError

        raise ColumnNotFoundError("population", population, territories.columns)
    counts = count_points(points, territories)
    return ratio(counts, territories[population], scale=scale, name=name)
