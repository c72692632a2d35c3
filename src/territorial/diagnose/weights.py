"""Contiguity weights built from shared vertices or edges, with islands attached.

The graph is computed with shapely 2 and numpy (no Python loop over
territories): every vertex (queen) or every edge (rook) of every polygon is
hashed, and two territories are neighbours when they share one. Territories
without any neighbour (islands such as Île-de-Sein or Ouessant) are attached
to their nearest territories by distance between representative points and
reported in :attr:`ContiguityWeights.islands`, so that no local statistic is
ever computed on an empty neighbourhood.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.spatial import cKDTree

from territorial.errors import InvalidArgumentError, MissingCRSError, format_values

__all__ = ["ContiguityWeights", "contiguity_weights"]

CONTIGUITY = ("queen", "rook")


@dataclass(frozen=True)
class ContiguityWeights:
    """A binary contiguity graph over territories, aligned with their codes.

    Attributes
    ----------
    codes
        Territory codes, in the order of the rows of :attr:`adjacency`.
    adjacency
        Symmetric binary CSR matrix (no self-loops); row ``i`` lists the
        neighbours of ``codes[i]`` (sorted, or in the order of a libpysal source).
    islands
        Codes that had no contiguous neighbour, mapped to the codes they were
        attached to.
    spec
        JSON-able description of how the graph was built (recorded in outputs).
    points
        Coordinates of the representative points (unit-sphere xyz for a
        geographic CRS), used to attach islands and data gaps.
    """

    codes: pd.Index
    adjacency: sparse.csr_matrix
    islands: dict[str, list[str]] = field(default_factory=dict)
    spec: dict = field(default_factory=dict)
    points: np.ndarray | None = None

    @property
    def n(self) -> int:
        """Number of territories."""
        return len(self.codes)

    @property
    def cardinalities(self) -> np.ndarray:
        """Number of neighbours of each territory."""
        return np.diff(self.adjacency.indptr)

    def neighbours(self, code: str) -> list[str]:
        """Codes of the neighbours of ``code``.

        Examples
        --------
        >>> import geopandas as gpd, shapely
        >>> g = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)],
        ...                      index=["a", "b"], crs=3857)
        >>> contiguity_weights(g).neighbours("a")
        ['b']
        """
        i = self.codes.get_loc(code)
        row = self.adjacency.indices[self.adjacency.indptr[i] : self.adjacency.indptr[i + 1]]
        return [str(c) for c in self.codes[row]]

    def subset(self, mask: np.ndarray, *, k: int = 1) -> ContiguityWeights:
        """Restrict the graph to the territories where ``mask`` is true.

        Territories left without a neighbour are attached to their ``k``
        nearest kept territories and listed in ``islands``.
        """
        mask = np.asarray(mask, dtype=bool)
        if mask.all():
            return self
        keep = np.flatnonzero(mask)
        adjacency = self.adjacency[keep][:, keep].tocsr()
        points = self.points[keep] if self.points is not None else None
        codes = self.codes[keep]
        adjacency, attached = _attach_islands(adjacency, points, codes, k)
        kept = set(codes.tolist())
        islands = {c: v for c, v in self.islands.items() if c in kept}
        islands.update(attached)
        spec = dict(self.spec, n=len(codes), n_islands_attached=len(islands))
        return ContiguityWeights(codes, adjacency, islands, spec, points)

    def row_standardised(self) -> sparse.csr_matrix:
        """The row-standardised weights matrix (each row sums to one)."""
        card = self.cardinalities
        data = np.repeat(1.0 / np.maximum(card, 1), card)
        a = self.adjacency
        return sparse.csr_matrix((data, a.indices, a.indptr), shape=a.shape)

    @classmethod
    def from_libpysal(cls, w) -> ContiguityWeights:
        """Binary weights from a :class:`libpysal.weights.W` (its links, not its values).

        Islands cannot be attached without geometries: give them neighbours first.
        """
        if w.islands:
            raise InvalidArgumentError(
                "w",
                f"W with islands {format_values(w.islands)}",
                "weights where every territory has a neighbour",
                "Build the weights with contiguity_weights(territories), which attaches "
                "islands to their nearest territories.",
            )
        codes = pd.Index([str(i) for i in w.id_order], dtype=object)
        source = w.sparse.tocsr()
        # keep the source's order of neighbours: lags then sum in the same order as libpysal
        adjacency = sparse.csr_matrix(
            (np.ones(source.nnz, dtype=np.int8), source.indices.copy(), source.indptr.copy()),
            shape=source.shape,
        )
        spec = {
            "kind": "libpysal",
            "transform": "row-standardised",
            "n": len(codes),
            "n_links": int(adjacency.nnz),
            "n_islands_attached": 0,
        }
        return cls(codes, adjacency, {}, spec, None)

    def to_libpysal(self):
        """The same graph as a :class:`libpysal.weights.W` (binary, ids are codes)."""
        from libpysal.weights import W

        neighbours = {}
        ids = [str(c) for c in self.codes]
        for i, code in enumerate(ids):
            row = self.adjacency.indices[self.adjacency.indptr[i] : self.adjacency.indptr[i + 1]]
            neighbours[code] = [ids[j] for j in row]
        return W(neighbours, id_order=ids, silence_warnings=True)


def _representative_xyz(geometry: gpd.GeoSeries) -> np.ndarray:
    points = shapely.point_on_surface(geometry.values)
    xy = shapely.get_coordinates(points)
    if geometry.crs is not None and geometry.crs.is_geographic:
        lon, lat = np.radians(xy[:, 0]), np.radians(xy[:, 1])
        return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    return xy


def _attach_islands(
    adjacency: sparse.csr_matrix, points: np.ndarray | None, codes: pd.Index, k: int
) -> tuple[sparse.csr_matrix, dict[str, list[str]]]:
    card = np.diff(adjacency.indptr)
    lonely = np.flatnonzero(card == 0)
    if len(lonely) == 0 or len(codes) < 2:
        return adjacency, {}
    tree = cKDTree(points)
    kk = min(k + 1, len(codes))
    _, nearest = tree.query(points[lonely], k=kk)
    nearest = np.atleast_2d(nearest)
    rows, cols, attached = [], [], {}
    for island, row in zip(lonely, nearest, strict=True):
        others = [j for j in row if j != island][:k]
        attached[str(codes[island])] = [str(codes[j]) for j in others]
        for j in others:
            rows += [island, j]
            cols += [j, island]
    extra = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=adjacency.shape)
    adjacency = ((adjacency + extra) > 0).astype(np.int8).tocsr()
    adjacency.sort_indices()
    return adjacency, attached


def _vertex_keys(geometry: np.ndarray, rook: bool) -> tuple[np.ndarray, np.ndarray]:
    """Return (key, territory) pairs: one per vertex (queen) or per edge (rook)."""
    parts, part_index = shapely.get_parts(geometry, return_index=True)
    rings, ring_index = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    owner = part_index[ring_index][coord_ring]
    # one id per distinct coordinate (exact equality, as libpysal does)
    flat = np.ascontiguousarray(coords, dtype=np.float64).view(np.complex128).ravel()
    _, vertex = np.unique(flat, return_inverse=True)
    vertex = vertex.ravel().astype(np.int64)
    if not rook:
        return vertex, owner
    same_ring = coord_ring[1:] == coord_ring[:-1]
    a, b = vertex[:-1][same_ring], vertex[1:][same_ring]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    key = lo * (int(vertex.max()) + 1) + hi
    return key, owner[:-1][same_ring]


def contiguity_weights(
    territories: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    contiguity: str = "queen",
    island_neighbours: int = 1,
) -> ContiguityWeights:
    """Contiguity weights of territories, islands attached to their nearest neighbours.

    Parameters
    ----------
    territories
        Polygons indexed by territory code, with a CRS.
    contiguity
        ``"queen"`` (a shared vertex makes neighbours, like libpysal's Queen)
        or ``"rook"`` (a shared edge is needed).
    island_neighbours
        How many nearest territories (by representative point) an island is
        attached to, symmetrically.

    Returns
    -------
    ContiguityWeights
        The graph, the islands attached and the specification.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 1, 2, 2),
    ...                                shapely.box(5, 5, 6, 6)], index=["a", "b", "c"], crs=3857)
    >>> w = contiguity_weights(g)
    >>> w.neighbours("a"), w.islands
    (['b'], {'c': ['b']})
    """
    if contiguity not in CONTIGUITY:
        raise InvalidArgumentError(
            "contiguity", contiguity, "'queen' or 'rook'", "Pass contiguity='queen' or 'rook'."
        )
    if not isinstance(island_neighbours, int) or island_neighbours < 1:
        raise InvalidArgumentError(
            "island_neighbours",
            island_neighbours,
            "an integer >= 1",
            "Islands must be attached to at least one territory.",
        )
    geometry = territories.geometry if isinstance(territories, gpd.GeoDataFrame) else territories
    if geometry.crs is None:
        raise MissingCRSError(
            "territories", "Set one with territories.set_crs(...) before building weights."
        )
    codes = pd.Index([str(c) for c in territories.index], dtype=object)
    n = len(codes)
    geoms = geometry.values
    key, owner = _vertex_keys(np.asarray(geoms), contiguity == "rook")
    combined = np.sort(key.astype(np.int64) * n + owner)  # sorted by key, then owner
    combined = combined[np.r_[True, combined[1:] != combined[:-1]]]
    key, owner = combined // n, combined % n
    # territories sharing a key: join each key group with itself
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    sizes = np.diff(np.r_[starts, len(key)])
    rows, cols = [], []
    for offset in range(1, int(sizes.max()) if len(sizes) else 1):
        has = sizes > offset
        for base in range(offset):
            a = starts[has] + base
            b = starts[has] + offset
            rows.append(owner[a])
            cols.append(owner[b])
    if rows:
        r, c = np.concatenate(rows), np.concatenate(cols)
        keep = r != c
        r, c = r[keep], c[keep]
        data = np.ones(2 * len(r), dtype=np.int8)
        adjacency = sparse.csr_matrix((data, (np.r_[r, c], np.r_[c, r])), shape=(n, n))
        adjacency.data[:] = 1
    else:
        adjacency = sparse.csr_matrix((n, n), dtype=np.int8)
    adjacency.sort_indices()
    points = _representative_xyz(geometry)
    adjacency, islands = _attach_islands(adjacency, points, codes, island_neighbours)
    n_components = sparse.csgraph.connected_components(adjacency, directed=False)[0]
    spec = {
        "kind": "contiguity",
        "contiguity": contiguity,
        "shared": "vertex" if contiguity == "queen" else "edge",
        "transform": "row-standardised",
        "islands": "attached to nearest by representative point",
        "island_neighbours": island_neighbours,
        "n": n,
        "n_links": int(adjacency.nnz),
        "mean_neighbours": float(adjacency.nnz / n) if n else 0.0,
        "n_islands_attached": len(islands),
        "n_components": int(n_components),
    }
    return ContiguityWeights(codes, adjacency, islands, spec, points)
