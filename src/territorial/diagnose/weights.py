"""Contiguity weights built from shared vertices or edges; islands isolated or attached.

The graph is computed with shapely 2 and numpy (no Python loop over
territories): every vertex (queen) or every edge (rook) of every polygon is
hashed, and two territories are neighbours when they share one. A territory
without any neighbour on its own land mass (an island such as Ouessant, an
overseas département) is left without neighbours by default: its spatial
status is "isolated" (:attr:`ContiguityWeights.isolated`), and no local
statistic links it to another island across the sea. ``islands="attach"``
attaches such territories to their nearest ones instead, by distance between
representative points, reported in :attr:`ContiguityWeights.islands`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from territorial.errors import InvalidArgumentError, MissingCRSError, format_values

if TYPE_CHECKING:  # geopandas and scipy are imported where they are used
    import geopandas as gpd
    from scipy import sparse

__all__ = ["ISLANDS", "ContiguityWeights", "contiguity_weights"]

CONTIGUITY = ("queen", "rook")
#: What becomes of a territory without a contiguous neighbour.
ISLANDS = ("isolate", "attach")


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
        attached to (``islands="attach"``; empty by default).
    spec
        JSON-able description of how the graph was built (recorded in outputs).
    points
        Coordinates of the representative points (unit-sphere xyz for a
        geographic CRS), used to attach islands and data gaps.
    land
        Land mass of each territory: the label of its connected component in the
        contiguity graph (``None`` when islands were attached). A territory whose
        neighbours lack a value is attached to the nearest territory with one on
        the same land mass only, never across the sea.
    """

    codes: pd.Index
    adjacency: sparse.csr_matrix
    islands: dict[str, list[str]] = field(default_factory=dict)
    spec: dict = field(default_factory=dict)
    points: np.ndarray | None = None
    land: np.ndarray | None = None

    @property
    def n(self) -> int:
        """Number of territories."""
        return len(self.codes)

    @property
    def cardinalities(self) -> np.ndarray:
        """Number of neighbours of each territory."""
        return np.diff(self.adjacency.indptr)

    @property
    def isolated(self) -> list[str]:
        """Codes of the territories without any neighbour (spatial status "isolated").

        Examples
        --------
        >>> import geopandas as gpd, shapely
        >>> g = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1),
        ...                                shapely.box(5, 5, 6, 6)], index=["a", "b", "c"],
        ...                      crs=3857)
        >>> contiguity_weights(g).isolated
        ['c']
        """
        return [str(c) for c in self.codes[self.cardinalities == 0]]

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
        nearest kept territories (on the same land mass when :attr:`land` is
        known) and listed in ``islands``; those with no kept territory on their
        land mass stay without neighbours (:attr:`isolated`).
        """
        mask = np.asarray(mask, dtype=bool)
        if mask.all():
            return self
        keep = np.flatnonzero(mask)
        adjacency = self.adjacency[keep][:, keep].tocsr()
        points = self.points[keep] if self.points is not None else None
        land = self.land[keep] if self.land is not None else None
        codes = self.codes[keep]
        adjacency, attached = _attach_islands(adjacency, points, codes, k, land=land)
        kept = set(codes.tolist())
        islands = {c: v for c, v in self.islands.items() if c in kept}
        islands.update(attached)
        spec = dict(self.spec, n=len(codes), n_islands_attached=len(islands))
        out = ContiguityWeights(codes, adjacency, islands, spec, points, land)
        out.spec["n_isolated"] = len(out.isolated)
        return out

    def attached(self, *, k: int = 1) -> ContiguityWeights:
        """The same graph with every isolated territory attached to its ``k`` nearest ones.

        For methods that need a connected graph (contiguous regions): the links
        cross the sea and are listed in ``islands``.

        Examples
        --------
        >>> import geopandas as gpd, shapely
        >>> g = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1),
        ...                                shapely.box(5, 5, 6, 6)], index=["a", "b", "c"],
        ...                      crs=3857)
        >>> contiguity_weights(g).attached().islands
        {'c': ['b']}
        """
        if not self.isolated:
            return self
        if self.points is None:
            raise InvalidArgumentError(
                "weights", f"weights with the isolated territories {format_values(self.isolated)}",
                "weights built from geometries (contiguity_weights)",
                "Build the weights with contiguity_weights(territories, islands='attach').",
            )  # fmt: skip
        adjacency, attached = _attach_islands(self.adjacency, self.points, self.codes, k)
        islands = dict(self.islands, **attached)
        spec = dict(self.spec, islands="attached to nearest by representative point",
                    n_islands_attached=len(islands), n_isolated=0)  # fmt: skip
        return ContiguityWeights(self.codes, adjacency, islands, spec, self.points, None)

    def row_standardised(self) -> sparse.csr_matrix:
        """The row-standardised weights matrix (each row sums to one)."""
        from scipy import sparse

        card = self.cardinalities
        data = np.repeat(1.0 / np.maximum(card, 1), card)
        a = self.adjacency
        return sparse.csr_matrix((data, a.indices, a.indptr), shape=a.shape)

    @classmethod
    def from_libpysal(cls, w) -> ContiguityWeights:
        """Binary weights from a :class:`libpysal.weights.W` (its links, not its values).

        The islands of ``w`` stay without neighbours (:attr:`isolated`); without
        geometries they cannot be attached.
        """
        from scipy import sparse

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
            "n_isolated": len(w.islands),
        }
        land = sparse.csgraph.connected_components(adjacency, directed=False)[1]
        return cls(codes, adjacency, {}, spec, None, land)

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
    adjacency: sparse.csr_matrix,
    points: np.ndarray | None,
    codes: pd.Index,
    k: int,
    *,
    land: np.ndarray | None = None,
) -> tuple[sparse.csr_matrix, dict[str, list[str]]]:
    """Attach the territories without neighbours to their ``k`` nearest ones.

    With ``land`` (a land-mass label per territory), only to territories of the same
    land mass; those with none stay without neighbours.
    """
    from scipy import sparse
    from scipy.spatial import cKDTree

    card = np.diff(adjacency.indptr)
    lonely = np.flatnonzero(card == 0)
    if len(lonely) == 0 or len(codes) < 2 or points is None:
        return adjacency, {}
    chosen: dict[int, list[int]] = {}
    for label in [None] if land is None else np.unique(land[lonely]):
        among = np.arange(len(codes)) if label is None else np.flatnonzero(land == label)
        these = lonely if label is None else lonely[land[lonely] == label]
        kk = min(k + 1, len(among))
        if kk < 2:
            continue  # alone on its land mass: isolated
        _, nearest = cKDTree(points[among]).query(points[these], k=kk)
        for island, row in zip(these, np.atleast_2d(nearest), strict=True):
            chosen[int(island)] = [int(among[j]) for j in row if among[j] != island][:k]
    rows, cols, attached = [], [], {}
    for island in lonely:
        others = chosen.get(int(island), [])
        if not others:
            continue  # nobody on its land mass: isolated
        attached[str(codes[island])] = [str(codes[j]) for j in others]
        for j in others:
            rows += [island, j]
            cols += [j, island]
    if not rows:
        return adjacency, {}
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
    islands: str = "isolate",
    island_neighbours: int = 1,
) -> ContiguityWeights:
    """Contiguity weights of territories; territories without a neighbour isolated.

    Parameters
    ----------
    territories
        Polygons indexed by territory code, with a CRS.
    contiguity
        ``"queen"`` (a shared vertex makes neighbours, like libpysal's Queen)
        or ``"rook"`` (a shared edge is needed).
    islands
        ``"isolate"`` (default): a territory without a contiguous neighbour (an
        island, an overseas territory) keeps none; its spatial status is
        "isolated" and no statistic ties it to a territory across the sea.
        ``"attach"``: it is attached to its nearest territories (by
        representative point), listed in ``islands``.
    island_neighbours
        How many nearest territories an island is attached to, symmetrically
        (``islands="attach"``, and data gaps on the same land mass).

    Returns
    -------
    ContiguityWeights
        The graph, the isolated or attached islands and the specification.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 1, 2, 2),
    ...                                shapely.box(5, 5, 6, 6)], index=["a", "b", "c"], crs=3857)
    >>> w = contiguity_weights(g)
    >>> w.neighbours("a"), w.isolated, w.neighbours("c")
    (['b'], ['c'], [])
    >>> contiguity_weights(g, islands="attach").islands
    {'c': ['b']}
    """
    import geopandas as gpd
    from scipy import sparse

    if contiguity not in CONTIGUITY:
        raise InvalidArgumentError(
            "contiguity", contiguity, "'queen' or 'rook'", "Pass contiguity='queen' or 'rook'."
        )
    if islands not in ISLANDS:
        raise InvalidArgumentError(
            "islands", islands, "'isolate' or 'attach'",
            "Pass islands='isolate' (no neighbour across the sea) or 'attach' (nearest "
            "territories).",
        )  # fmt: skip
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
    land = None
    if islands == "attach":
        adjacency, attached = _attach_islands(adjacency, points, codes, island_neighbours)
        how = "attached to nearest by representative point"
    else:
        attached = {}
        land = sparse.csgraph.connected_components(adjacency, directed=False)[1]
        how = "isolated: no neighbour across the sea (spatial status 'Isolated')"
    n_components = sparse.csgraph.connected_components(adjacency, directed=False)[0]
    spec = {
        "kind": "contiguity",
        "contiguity": contiguity,
        "shared": "vertex" if contiguity == "queen" else "edge",
        "transform": "row-standardised",
        "islands": how,
        "island_neighbours": island_neighbours,
        "n": n,
        "n_links": int(adjacency.nnz),
        "mean_neighbours": float(adjacency.nnz / n) if n else 0.0,
        "n_islands_attached": len(attached),
        "n_components": int(n_components),
    }
    out = ContiguityWeights(codes, adjacency, attached, spec, points, land)
    out.spec["n_isolated"] = len(out.isolated)
    return out
