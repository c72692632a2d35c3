"""Geometry made ready to draw: projected, simplified to the display resolution, cached.

Drawing 35,000 communes is fast when (1) the geometry is simplified once to
about half a pixel at the output resolution, (2) the vertex arrays are kept
between maps, and (3) all the territories of one class are drawn as one
compound path, so matplotlib fills a handful of paths instead of tens of
thousands. This module does (1) and (2); the map code does (3).

The cache holds at most :data:`CACHE_SIZE` entries, keyed by a digest of the
geometry (its WKB, computed once per geometry array, which is recognised by a weak
reference and its bounds), the selected rows, the target CRS and the tolerance.
:func:`clear_cache` empties it. Geometry of :data:`DISK_MIN_VERTICES` vertices or
more is also stored across processes (:mod:`~territorial.render.static.stored`,
verified when read), with its projected bounds: a second map of the communes neither
projects nor simplifies them again.
"""

from __future__ import annotations

import functools
import hashlib
import math
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path as Path_

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.path import Path

from territorial.render.static import stored

__all__ = [
    "CACHE_SIZE",
    "DISK_MIN_VERTICES",
    "Drawable",
    "clear_cache",
    "display_tolerance",
    "drawable",
]

CACHE_SIZE = 32
#: Geometry with at least this many vertices is stored across processes (even a small
#: DROM panel saves the creation of its projection, about 70 ms).
DISK_MIN_VERTICES = 500
_CACHE: OrderedDict[tuple, Drawable] = OrderedDict()
_PROJECTED: OrderedDict[tuple, tuple] = OrderedDict()
_DIGESTS: dict[int, tuple] = {}


@dataclass(frozen=True, eq=False)
class Drawable:
    """Vertex arrays of some territories in a projected CRS.

    Attributes
    ----------
    positions
        Row positions (in the source GeoDataFrame) of the territories, in order.
    coords, codes
        Vertices and matplotlib path codes of every ring, territory after territory.
    starts
        ``coords[starts[i]:starts[i + 1]]`` are the vertices of territory ``i``.
    geoms
        The projected (unsimplified) geometries; :meth:`points` derives from them.
    bounds
        ``(xmin, ymin, xmax, ymax)`` of the unsimplified projected geometry.
    tolerance
        Simplification tolerance in CRS units (0: none).
    n_vertices_source
        Vertices before simplification.
    """

    positions: np.ndarray
    coords: np.ndarray
    codes: np.ndarray
    starts: np.ndarray
    bounds: tuple[float, float, float, float]
    tolerance: float
    n_vertices_source: int
    _memo: dict = field(default_factory=dict, repr=False)

    @property
    def geoms(self) -> np.ndarray:
        """The projected (unsimplified) geometries, projected when first asked for if the
        arrays were read from the cache across processes."""
        if "geoms" not in self._memo:
            project: Callable[[], np.ndarray] = self._memo.pop("project")
            self._memo["geoms"] = project()
        return self._memo["geoms"]

    def points(self) -> np.ndarray:
        """A point inside each territory (for symbols and labels), projected; NaN if empty."""
        if "points" not in self._memo:
            pts = np.full((len(self.geoms), 2), np.nan)
            ok = ~(shapely.is_missing(self.geoms) | shapely.is_empty(self.geoms))
            pts[ok] = shapely.get_coordinates(shapely.point_on_surface(self.geoms[ok]))
            self._memo["points"] = pts
        return self._memo["points"]

    def owner(self) -> np.ndarray:
        """Local index (0..n-1) of the territory of each vertex."""
        return np.repeat(np.arange(len(self.positions)), np.diff(self.starts))

    def compound_path(self, select: np.ndarray) -> Path:
        """One path holding the rings of the selected territories (boolean mask, local)."""
        mask = np.repeat(select, np.diff(self.starts))
        return Path(self.coords[mask], self.codes[mask], readonly=True)

    def path(self, i: int) -> Path:
        """Path of one territory (local index)."""
        a, b = self.starts[i], self.starts[i + 1]
        return Path(self.coords[a:b], self.codes[a:b], readonly=True)


def clear_cache() -> None:
    """Forget every cached drawable geometry.

    Examples
    --------
    >>> clear_cache()
    """
    _CACHE.clear()
    _PROJECTED.clear()
    _DIGESTS.clear()


def display_tolerance(extent: float, pixels: float) -> float:
    """Snapping grid of about half a pixel, rounded down to a power of two.

    Rounding makes maps of slightly different sizes share cached geometry.

    Examples
    --------
    >>> display_tolerance(1_000_000, 1000)
    256.0
    """
    if pixels <= 0 or extent <= 0 or not math.isfinite(extent):
        return 0.0
    raw = extent / pixels * 0.5
    return float(2.0 ** math.floor(math.log2(raw)))


def _key(geometry: gpd.GeoSeries, positions: np.ndarray, crs: object) -> tuple:
    values = geometry.values
    digest = hashlib.blake2b(np.ascontiguousarray(positions).tobytes(), digest_size=12).digest()
    return (id(values), len(values), digest, str(crs))


def _digest(geometry: gpd.GeoSeries) -> str:
    """sha256 of the geometry (WKB of every row) and its CRS, once per geometry array.

    The array is recognised by a weak reference and its bounds (as for the projections),
    so that a geometry changed in place gets a new digest."""
    values = geometry.values
    raw = np.asarray(values)
    bounds = shapely.total_bounds(raw)
    hit = _DIGESTS.get(id(values))
    if (
        hit is not None
        and _alive(hit[0], values)
        and np.array_equal(bounds, hit[1], equal_nan=True)
    ):
        return hit[2]
    digest = hashlib.sha256(str(geometry.crs.to_wkt() if geometry.crs else None).encode())
    for start in range(0, len(raw), 4096):  # in chunks: a few MB of WKB at a time
        for wkb in shapely.to_wkb(raw[start : start + 4096], hex=False):
            digest.update(b"\0" if wkb is None else wkb)
            digest.update(b"\x1f")
    _DIGESTS[id(values)] = (weakref.ref(values), bounds, digest.hexdigest())
    while len(_DIGESTS) > CACHE_SIZE:
        _DIGESTS.pop(next(iter(_DIGESTS)))
    return _DIGESTS[id(values)][2]


@functools.lru_cache(maxsize=1)
def _versions() -> str:
    """What stored drawables depend on besides their inputs: this code and the libraries."""
    from importlib.metadata import version

    from territorial import __version__

    own = hashlib.sha256(Path_(__file__).read_bytes()).hexdigest()
    return "\n".join([
        f"format {stored.FORMAT}", __version__, own, np.__version__, shapely.__version__,
        shapely.geos_version_string, version("pyproj"),
    ])  # fmt: skip


def _stored_key(
    geometry: gpd.GeoSeries,
    positions: np.ndarray,
    crs: object,
    what: str,
    digest: str | None = None,
) -> str | None:
    """The key of stored arrays of these rows (None below :data:`DISK_MIN_VERTICES`)."""
    if not stored.ENABLED:
        return None
    n = int(shapely.get_num_coordinates(np.asarray(geometry.values)[positions]).sum())
    if n < DISK_MIN_VERTICES:
        return None
    rows = hashlib.sha256(np.ascontiguousarray(positions, dtype="int64").tobytes()).hexdigest()
    digest = digest if digest is not None else _digest(geometry)
    text = "\n".join([_versions(), digest, rows, str(crs), what])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _summary(geometry: gpd.GeoSeries, positions: np.ndarray, crs: object) -> dict | None:
    """Stored bounds and boxes of the projected rows (computed and stored when missing)."""
    key = _stored_key(geometry, positions, crs, "summary")
    if key is None:
        return None
    arrays = stored.read(key)
    if arrays is None or set(arrays) != {"bounds", "boxes"}:
        geoms = _projected(geometry, positions, crs)
        arrays = {"bounds": shapely.total_bounds(geoms), "boxes": shapely.bounds(geoms)}
        stored.write(key, arrays)
    return arrays


def _alive(entry_ref: weakref.ref, values: object) -> bool:
    return entry_ref() is values


def _projected(geometry: gpd.GeoSeries, positions: np.ndarray, crs: object) -> np.ndarray:
    """Projected geometry array of the selected rows (cached)."""
    key = _key(geometry, positions, crs)
    hit = _PROJECTED.get(key)
    values = geometry.values
    if hit is not None and _alive(hit[0], values):
        bounds_now = shapely.total_bounds(np.asarray(values)[positions])
        if np.array_equal(bounds_now, hit[2], equal_nan=True):
            _PROJECTED.move_to_end(key)
            return hit[1]
    sub = geometry.iloc[positions]
    source_bounds = shapely.total_bounds(np.asarray(sub.values))
    projected = sub.to_crs(crs) if crs is not None else sub
    geoms = np.asarray(projected.values)
    _PROJECTED[key] = (weakref.ref(values), geoms, source_bounds)
    while len(_PROJECTED) > CACHE_SIZE:
        _PROJECTED.popitem(last=False)
    return geoms


def projected_bounds(
    geometry: gpd.GeoSeries, positions: np.ndarray, crs: object
) -> tuple[float, float, float, float]:
    """Bounds of the selected rows once projected (cached with the projection).

    Examples
    --------
    >>> from shapely import box
    >>> g = gpd.GeoSeries([box(0, 0, 10, 10), box(10, 0, 30, 5)], crs=2154)
    >>> projected_bounds(g, np.array([0, 1]), 2154)
    (0.0, 0.0, 30.0, 10.0)
    """
    summary = _summary(geometry, positions, crs)
    if summary is not None:
        return tuple(float(v) for v in summary["bounds"])  # type: ignore[return-value]
    geoms = _projected(geometry, positions, crs)
    return tuple(float(v) for v in shapely.total_bounds(geoms))  # type: ignore[return-value]


def projected_boxes(geometry: gpd.GeoSeries, positions: np.ndarray, crs: object) -> np.ndarray:
    """Bounds ``(xmin, ymin, xmax, ymax)`` of each selected row once projected, shape (n, 4).

    Examples
    --------
    >>> from shapely import box
    >>> g = gpd.GeoSeries([box(0, 0, 10, 10), box(10, 0, 30, 5)], crs=2154)
    >>> projected_boxes(g, np.array([1]), 2154).tolist()
    [[10.0, 0.0, 30.0, 5.0]]
    """
    summary = _summary(geometry, positions, crs)
    if summary is not None:
        return summary["boxes"]
    return shapely.bounds(_projected(geometry, positions, crs))


def _ring_neighbours(ring: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cyclic previous and next index of each vertex of open rings laid end to end."""
    n = len(ring)
    idx = np.arange(n)
    start = np.r_[True, ring[1:] != ring[:-1]]
    end = np.r_[ring[1:] != ring[:-1], True]
    first = np.maximum.accumulate(np.where(start, idx, 0))
    last = np.minimum.accumulate(np.where(end, idx, n)[::-1])[::-1]
    prev = np.where(start, last, idx - 1)
    nxt = np.where(end, first, idx + 1)
    return prev, nxt


def _decimate(
    coords: np.ndarray, ring: np.ndarray, tolerance: float, rounds: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    """Drop vertices that lie within half the tolerance of the chord of their neighbours.

    Borders shared by two territories stay identical on both sides: a vertex used by
    three rings or more, or by two rings with different neighbours (a junction), is
    never dropped, and whether a vertex goes depends only on its neighbours (the same,
    reversed, in both rings) and on a hash of its position (to never drop two
    neighbours in one round). Input and output rings are closed (last = first).
    """
    closing = np.r_[ring[1:] != ring[:-1], True]
    oc, oring = coords[~closing], ring[~closing]
    if len(oc) == 0:
        return coords, ring
    grid = np.rint(oc / tolerance).astype("int64")
    key = grid[:, 0] * np.int64(2**32) + (grid[:, 1] & np.int64(0xFFFFFFFF))
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    uses = counts[inverse]
    prev, nxt = _ring_neighbours(oring)
    lo = np.minimum(key[prev], key[nxt])
    hi = np.maximum(key[prev], key[nxt])
    fixed = uses >= 3
    two = np.flatnonzero(uses == 2)
    order = two[np.argsort(inverse[two], kind="stable")]
    a, b = order[0::2], order[1::2]
    differ = (lo[a] != lo[b]) | (hi[a] != hi[b])
    fixed[a[differ]] = True
    fixed[b[differ]] = True
    ring_size = np.bincount(oring - oring.min())[oring - oring.min()]
    fixed |= ring_size <= 4
    with np.errstate(over="ignore"):
        rank = (key.astype("uint64") * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(11)
    alive = np.ones(len(oc), dtype=bool)
    for _ in range(rounds):
        idx = np.flatnonzero(alive)
        p_local, n_local = _ring_neighbours(oring[idx])
        p, q = idx[p_local], idx[n_local]
        v = oc[idx]
        d = oc[q] - oc[p]
        length = np.hypot(d[:, 0], d[:, 1])
        cross = np.abs(d[:, 0] * (v[:, 1] - oc[p][:, 1]) - d[:, 1] * (v[:, 0] - oc[p][:, 0]))
        near = (length > 0) & (cross <= 0.5 * tolerance * length)
        eligible = near & ~fixed[idx]
        elig_all = np.zeros(len(oc), dtype=bool)
        elig_all[idx] = eligible
        drop = (
            eligible
            & (~elig_all[p] | (rank[idx] < rank[p]))
            & (~elig_all[q] | (rank[idx] < rank[q]))
        )
        if not drop.any():
            break
        alive[idx[drop]] = False
        # keep at least 3 vertices per ring
        left = np.bincount(oring[alive] - oring.min(), minlength=ring_size.max() + 1)
        small = left[oring - oring.min()] < 3
        alive |= small  # restore the rings that would fall below 3 vertices
    kept = np.flatnonzero(alive)
    oc, oring = oc[kept], oring[kept]
    # close the rings again: a copy of each ring's first vertex after its last one
    start = np.r_[True, oring[1:] != oring[:-1]]
    end = np.r_[oring[1:] != oring[:-1], True]
    pos = np.arange(len(oc))
    keys = np.concatenate([2 * pos, 2 * pos[end] + 1])
    out_coords = np.concatenate([oc, oc[start]])
    out_ring = np.concatenate([oring, oring[start]])
    order = np.argsort(keys, kind="stable")
    return out_coords[order], out_ring[order]


def drawable(
    geometry: gpd.GeoSeries,
    positions: np.ndarray | None = None,
    *,
    crs: object = None,
    tolerance: float = 0.0,
) -> Drawable:
    """Projected, simplified vertex arrays of some rows of a GeoSeries (cached).

    Parameters
    ----------
    geometry
        Polygons with a CRS.
    positions
        Row positions to keep (all rows if omitted).
    crs
        Target CRS (EPSG code or anything pyproj accepts); ``None`` keeps the CRS.
    tolerance
        Simplification tolerance in target CRS units; 0 keeps every vertex.

    Examples
    --------
    >>> from shapely import box
    >>> g = gpd.GeoSeries([box(0, 0, 10, 10), box(10, 0, 20, 10)], crs=2154)
    >>> d = drawable(g)
    >>> d.starts.tolist(), d.coords.shape
    ([0, 5, 10], (10, 2))
    """
    if positions is None:
        positions = np.arange(len(geometry))
    positions = np.asarray(positions, dtype="int64")
    digest = hashlib.blake2b(np.ascontiguousarray(positions).tobytes(), digest_size=12).digest()
    content = _digest(geometry)
    key = (content, len(geometry), digest, str(crs), float(tolerance))
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit
    disk_key = _stored_key(geometry, positions, crs, f"drawable {float(tolerance)!r}", content)
    arrays = stored.read(disk_key) if disk_key is not None else None
    if arrays is not None and set(arrays) == {"coords", "codes", "starts", "bounds", "n"}:
        result = Drawable(
            positions=positions,
            coords=arrays["coords"],
            codes=arrays["codes"],
            starts=arrays["starts"],
            bounds=tuple(float(v) for v in arrays["bounds"]),  # type: ignore[arg-type]
            tolerance=float(tolerance),
            n_vertices_source=int(arrays["n"]),
            _memo={"project": lambda: _projected(geometry, positions, crs)},
        )
    else:
        result = _make_drawable(geometry, positions, crs, tolerance)
        if disk_key is not None:
            stored.write(disk_key, {
                "coords": result.coords, "codes": result.codes, "starts": result.starts,
                "bounds": np.asarray(result.bounds), "n": np.asarray(result.n_vertices_source),
            })  # fmt: skip
    _CACHE[key] = result
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return result


def _make_drawable(
    geometry: gpd.GeoSeries, positions: np.ndarray, crs: object, tolerance: float
) -> Drawable:
    """Project, orient, simplify: the arrays of :func:`drawable`."""
    geoms = _projected(geometry, positions, crs)
    n_source = int(shapely.get_num_coordinates(geoms).sum())
    valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    work = geoms.copy()
    work[valid] = shapely.orient_polygons(work[valid])  # holes wind the other way
    parts, part_owner = shapely.get_parts(work, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, vertex_ring = shapely.get_coordinates(rings, return_index=True)
    if tolerance > 0 and len(coords):
        # Snap to a grid of the tolerance and drop repeated vertices. Unlike
        # Douglas-Peucker on each polygon, a border shared by two territories stays
        # shared (both sides snap alike), so no gap or speckle opens between them.
        coords = np.rint(coords / tolerance) * tolerance
        repeated = (coords[1:] == coords[:-1]).all(axis=1) & (vertex_ring[1:] == vertex_ring[:-1])
        last_of_ring = np.r_[vertex_ring[1:] != vertex_ring[:-1], True]
        keep = np.r_[True, ~repeated] | last_of_ring  # the closing vertex stays
        coords, vertex_ring = coords[keep], vertex_ring[keep]
        coords, vertex_ring = _decimate(coords, vertex_ring, tolerance)
    owner = part_owner[ring_part[vertex_ring]]
    codes = np.full(len(coords), Path.LINETO, dtype=np.uint8)
    if len(coords):
        new_ring = np.r_[True, vertex_ring[1:] != vertex_ring[:-1]]
        end_ring = np.r_[vertex_ring[1:] != vertex_ring[:-1], True]
        codes[new_ring] = Path.MOVETO
        codes[end_ring] = Path.CLOSEPOLY
    starts = np.searchsorted(owner, np.arange(len(geoms) + 1)).astype("int64")
    bounds = shapely.total_bounds(geoms)
    result = Drawable(
        positions=positions,
        coords=coords,
        codes=codes,
        starts=starts,
        bounds=tuple(float(v) for v in bounds),  # type: ignore[arg-type]
        tolerance=float(tolerance),
        n_vertices_source=n_source,
        _memo={"geoms": geoms},
    )
    return result
