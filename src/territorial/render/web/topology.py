"""Topology-aware simplification and compact encoding of polygons for web pages.

Polygons are cut into *arcs* (TopoJSON style): a border shared by two
neighbours is stored once and drawn by both, so simplifying an arc moves both
neighbours' borders together and can open no gap or sliver between them.

The steps, all vectorised with numpy and shapely 2:

1. quantise every vertex to an integer grid (``precision``, in degrees);
2. find the junctions, the vertices where the set of neighbours changes;
3. cut every ring at its junctions into arcs and merge identical arcs (in
   either direction);
4. simplify each arc with Douglas-Peucker (endpoints fixed, ``tolerance``);
5. encode arcs and rings as zig-zag varints in base64 strings, which the
   page decodes with a few lines of JavaScript.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

import numpy as np
import shapely

from territorial.errors import InvalidArgumentError, MissingCRSError

__all__ = ["METRES_PER_DEGREE", "Topology", "build_topology", "decode_varints", "encode_varints"]

#: Metres per degree of latitude, used to turn metric options into degrees.
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Topology:
    """Arcs shared by neighbouring polygons, on an integer grid.

    Attributes
    ----------
    origin
        ``(lon, lat)`` of the grid origin.
    step
        Grid step in degrees (both axes).
    arc_coords
        ``(n, 2)`` int64 grid coordinates of all arcs, one after the other.
    arc_offsets
        Start of each arc in ``arc_coords`` (length ``n_arcs + 1``).
    feature_rings
        Start of each feature's rings in ``ring_arcs`` offsets (length ``n_features + 1``).
    ring_offsets
        Start of each ring's arc references in ``ring_refs`` (length ``n_rings + 1``).
    ring_refs
        Arc references: ``i`` for arc ``i`` forwards, ``~i`` (``-i - 1``) backwards.
    report
        What the encoding changed: vertices in and out, rings dropped because
        they collapsed to less than three grid points, shared arcs.
    """

    origin: tuple[float, float]
    step: float
    arc_coords: np.ndarray
    arc_offsets: np.ndarray
    feature_rings: np.ndarray
    ring_offsets: np.ndarray
    ring_refs: np.ndarray
    report: dict = field(default_factory=dict)

    @property
    def n_arcs(self) -> int:
        """Number of distinct arcs."""
        return len(self.arc_offsets) - 1

    def arc_users(self) -> np.ndarray:
        """``(n_arcs, 2)`` feature positions using each arc (``-1`` when only one)."""
        n_rings = len(self.ring_offsets) - 1
        ring_feature = np.repeat(
            np.arange(len(self.feature_rings) - 1), np.diff(self.feature_rings)
        )
        ref_ring = np.repeat(np.arange(n_rings), np.diff(self.ring_offsets))
        arcs = np.where(self.ring_refs < 0, ~self.ring_refs, self.ring_refs)
        feats = ring_feature[ref_ring]
        users = np.full((self.n_arcs, 2), -1, dtype=np.int64)
        order = np.lexsort((feats, arcs))
        arcs, feats = arcs[order], feats[order]
        first = np.r_[True, arcs[1:] != arcs[:-1]]
        users[arcs[first], 0] = feats[first]
        second = ~first & np.r_[False, feats[1:] != feats[:-1]]
        users[arcs[second], 1] = feats[second]
        return users

    def mesh(self, labels: np.ndarray) -> np.ndarray:
        """Arcs on the border between features of different ``labels`` or on the outline.

        Parameters
        ----------
        labels
            One label per feature (e.g. the parent département code).

        Returns
        -------
        numpy.ndarray
            Sorted arc indices.
        """
        users = self.arc_users()
        labels = np.asarray(labels, dtype=object)
        single = users[:, 1] < 0
        differ = np.zeros(len(users), dtype=bool)
        both = ~single
        differ[both] = labels[users[both, 0]] != labels[users[both, 1]]
        return np.flatnonzero(single | differ)

    def arc_lonlat(self, i: int) -> np.ndarray:
        """Coordinates ``(lon, lat)`` of arc ``i`` in degrees."""
        coords = self.arc_coords[self.arc_offsets[i] : self.arc_offsets[i + 1]]
        return coords * self.step + np.asarray(self.origin)

    def ring_lonlat(self, ring: int) -> np.ndarray:
        """Coordinates ``(lon, lat)`` of a ring, closed, rebuilt from its arcs."""
        parts = []
        for ref in self.ring_refs[self.ring_offsets[ring] : self.ring_offsets[ring + 1]]:
            pts = self.arc_lonlat(~ref if ref < 0 else ref)
            pts = pts[::-1] if ref < 0 else pts
            parts.append(pts if not parts else pts[1:])
        return np.concatenate(parts)

    def feature_polygons(self, feature: int) -> list[np.ndarray]:
        """Rings of a feature as closed ``(lon, lat)`` arrays."""
        lo, hi = self.feature_rings[feature], self.feature_rings[feature + 1]
        return [self.ring_lonlat(r) for r in range(lo, hi)]

    def encode(self) -> dict:
        """Compact, JSON-ready encoding decoded by the page's JavaScript.

        Arcs are delta-encoded point after point across the whole stream,
        ring references delta-encoded too, and every integer array is written
        as zig-zag varints in base64.
        """
        deltas = np.diff(self.arc_coords, axis=0, prepend=np.zeros((1, 2), np.int64))
        ref_deltas = np.diff(self.ring_refs, prepend=0)
        return {
            "origin": [float(self.origin[0]), float(self.origin[1])],
            "step": float(self.step),
            "arcLengths": encode_varints(np.diff(self.arc_offsets)),
            "arcs": encode_varints(deltas.ravel()),
            "featureRings": encode_varints(np.diff(self.feature_rings)),
            "ringArcs": encode_varints(np.diff(self.ring_offsets)),
            "refs": encode_varints(ref_deltas),
        }


def encode_varints(values: np.ndarray) -> str:
    """Zig-zag varint encoding of integers, as base64 text.

    Examples
    --------
    >>> decode_varints(encode_varints(np.array([0, -1, 300, -70000]))).tolist()
    [0, -1, 300, -70000]
    """
    v = np.asarray(values, dtype=np.int64)
    z = ((v << 1) ^ (v >> 63)).astype(np.uint64)
    nbytes = np.ones(len(z), dtype=np.int64)
    for shift in (7, 14, 21, 28, 35, 42, 49, 56):
        nbytes += z >= (np.uint64(1) << np.uint64(shift))
    starts = np.cumsum(nbytes) - nbytes
    out = np.zeros(int(nbytes.sum()), dtype=np.uint8)
    for b in range(int(nbytes.max()) if len(z) else 0):
        has = nbytes > b
        chunk = (z[has] >> np.uint64(7 * b)) & np.uint64(0x7F)
        more = (nbytes[has] > b + 1).astype(np.uint8) << 7
        out[starts[has] + b] = chunk.astype(np.uint8) | more
    return base64.b64encode(out.tobytes()).decode("ascii")


def decode_varints(text: str) -> np.ndarray:
    """Inverse of :func:`encode_varints` (slow, for tests and checks).

    Examples
    --------
    >>> decode_varints(encode_varints(np.array([5, -5]))).tolist()
    [5, -5]
    """
    data = base64.b64decode(text)
    values, current, shift = [], 0, 0
    for byte in data:
        current |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
        else:
            values.append((current >> 1) ^ -(current & 1))
            current, shift = 0, 0
    return np.array(values, dtype=np.int64)


def _mix(keys: np.ndarray) -> np.ndarray:
    """A 64-bit integer hash (splitmix64 finaliser)."""
    z = keys.astype(np.uint64)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return z


def _douglas_peucker(
    pts: np.ndarray, offsets: np.ndarray, lengths: np.ndarray, tol: float
) -> np.ndarray:
    """Douglas-Peucker on every arc at once; returns the mask of kept points.

    The arcs' ends are always kept. Closed arcs (islands, enclaves) keep at
    least five points so that they stay rings. Runs one recursion level of
    all arcs per numpy pass.
    """
    keep = np.zeros(len(pts), dtype=bool)
    keep[offsets] = True
    keep[offsets + lengths - 1] = True
    xy = pts.astype(np.float64)
    start, end = offsets, offsets + lengths - 1
    closed = (pts[start] == pts[end]).all(axis=1)
    level = np.where(closed, 0, 2)
    active = end - start >= 2
    start, end, level = start[active], end[active], level[active]
    while len(start):
        inner = end - start - 1
        first = np.cumsum(inner) - inner
        seg = np.repeat(np.arange(len(start)), inner)
        idx = np.arange(int(inner.sum())) - first[seg] + start[seg] + 1
        a, b, p = xy[start][seg], xy[end][seg], xy[idx]
        d = b - a
        length = np.hypot(d[:, 0], d[:, 1])
        cross = np.abs(d[:, 0] * (p[:, 1] - a[:, 1]) - d[:, 1] * (p[:, 0] - a[:, 0]))
        with np.errstate(divide="ignore", invalid="ignore"):
            dist = np.where(length > 0, cross / length, np.hypot(*(p - a).T))
        dmax = np.maximum.reduceat(dist, first)
        hits = np.flatnonzero(dist == dmax[seg])
        _, at = np.unique(seg[hits], return_index=True)
        far = idx[hits[at]]
        split = (dmax > tol) | (level < 2)
        keep[far[split]] = True
        start, end, level = (
            np.r_[start[split], far[split]],
            np.r_[far[split], end[split]],
            np.r_[level[split], level[split]] + 1,
        )
        active = end - start >= 2
        start, end, level = start[active], end[active], level[active]
    return keep


def build_topology(
    geometries: object,
    *,
    precision: float = 10.0,
    tolerance: float = 60.0,
    crs: object = "EPSG:4326",
) -> Topology:
    """Cut polygons into shared arcs, quantise and simplify them.

    Parameters
    ----------
    geometries
        Polygons or multipolygons in longitude/latitude (EPSG:4326), as a
        GeoSeries or an array of shapely geometries.
    precision
        Grid step in metres (converted to degrees at 111,320 m per degree):
        every vertex is snapped to this grid. Shared borders stay shared up
        to this step.
    tolerance
        Douglas-Peucker tolerance in metres applied to each arc with its ends
        fixed; ``0`` keeps every grid vertex.
    crs
        Used only when ``geometries`` has no CRS of its own (a plain array).

    Returns
    -------
    Topology

    Examples
    --------
    >>> from shapely import box
    >>> topo = build_topology([box(0, 0, 1, 1), box(1, 0, 2, 1)], precision=100, tolerance=0)
    >>> topo.n_arcs  # the shared side is stored once
    3
    """
    gcrs = getattr(geometries, "crs", crs)
    if gcrs is None:
        raise MissingCRSError(
            "geometries", "Set one with gdf.set_crs(...) or gdf.to_crs('EPSG:4326') first."
        )
    from pyproj import CRS

    if CRS.from_user_input(gcrs).to_epsg() != 4326:
        raise InvalidArgumentError(
            "geometries.crs",
            str(gcrs),
            "longitude/latitude (EPSG:4326)",
            "Reproject first with gdf.to_crs('EPSG:4326').",
        )
    for name, value, minimum in (("precision", precision, 0.0), ("tolerance", tolerance, -1e-300)):
        if not np.isfinite(value) or value <= minimum:
            raise InvalidArgumentError(
                name,
                value,
                "a positive number of metres" if name == "precision" else "metres >= 0",
                f"For example {name}=10.",
            )
    geoms = np.asarray(getattr(geometries, "values", geometries), dtype=object)
    geoms = np.asarray(geoms, dtype=object)
    n_features = len(geoms)
    step = precision / METRES_PER_DEGREE

    parts, part_feature = shapely.get_parts(geoms, return_index=True)
    kinds = shapely.get_type_id(parts)
    polys = kinds == 3
    if not polys.all():
        bad = sorted({int(t) for t in kinds[~polys]})
        raise InvalidArgumentError(
            "geometries",
            f"geometry type ids {bad}",
            "polygons or multipolygons",
            "Keep only the areal territories, e.g. gdf[gdf.geom_type.str.endswith('Polygon')].",
        )
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    ring_feature_all = part_feature[ring_part]
    coords, point_ring = shapely.get_coordinates(rings, return_index=True)
    n_in = len(coords)
    origin = (0.0, 0.0) if n_in == 0 else (float(coords[:, 0].min()), float(coords[:, 1].min()))
    q = np.rint((coords - np.asarray(origin)) / step).astype(np.int64)

    # drop each ring's closing point and consecutive duplicates created by the grid
    n_rings_all = len(rings)
    ring_len = np.bincount(point_ring, minlength=n_rings_all)
    last = np.cumsum(ring_len) - 1
    keep = np.ones(n_in, dtype=bool)
    keep[last[ring_len > 0]] = False
    same_prev = np.r_[False, (q[1:] == q[:-1]).all(axis=1) & (point_ring[1:] == point_ring[:-1])]
    keep &= ~same_prev
    q, point_ring = q[keep], point_ring[keep]
    # a ring whose last kept point equals its first is also cyclically duplicated
    ring_len = np.bincount(point_ring, minlength=n_rings_all)
    start = np.cumsum(ring_len) - ring_len
    has = ring_len > 1
    lastpt = start + ring_len - 1
    dup = np.zeros(len(q), dtype=bool)
    dup_r = has & (q[lastpt.clip(0)] == q[start.clip(0, max(len(q) - 1, 0))]).all(axis=1)
    dup[lastpt[dup_r]] = True
    q, point_ring = q[~dup], point_ring[~dup]
    ring_len = np.bincount(point_ring, minlength=n_rings_all)
    # rings collapsed to fewer than 3 grid points are dropped (and reported)
    good_ring = ring_len >= 3
    dropped_rings = int((~good_ring).sum())
    pt_good = good_ring[point_ring]
    q, point_ring = q[pt_good], point_ring[pt_good]
    ring_ids = np.flatnonzero(good_ring)
    remap = np.full(n_rings_all, -1, dtype=np.int64)
    remap[ring_ids] = np.arange(len(ring_ids))
    point_ring = remap[point_ring]
    ring_feature = ring_feature_all[ring_ids]
    n_rings = len(ring_ids)
    ring_len = np.bincount(point_ring, minlength=n_rings)
    start = np.cumsum(ring_len) - ring_len
    n = len(q)

    key = (q[:, 0] << 32) | q[:, 1]
    pos = np.arange(n) - start[point_ring]
    rl = ring_len[point_ring]
    prev_idx = start[point_ring] + (pos - 1) % rl
    next_idx = start[point_ring] + (pos + 1) % rl
    kp, kn = key[prev_idx], key[next_idx]
    lo, hi = np.minimum(kp, kn), np.maximum(kp, kn)
    # junction: a vertex seen with more than one pair of neighbours
    pair = _mix(lo.astype(np.uint64) ^ _mix(hi.astype(np.uint64))).view(np.int64)
    order = np.argsort(key, kind="stable")
    ks, ps = key[order], pair[order]
    group_start = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
    group_j = np.minimum.reduceat(ps, group_start) != np.maximum.reduceat(ps, group_start)
    group_len = np.diff(np.r_[group_start, n])
    is_j = np.empty(n, dtype=bool)
    is_j[order] = np.repeat(group_j, group_len)

    # rotate every ring to start at its first junction, or at its smallest vertex
    big = np.iinfo(np.int64).max
    jpos = np.where(is_j, pos, big)
    first_j = np.full(n_rings, big, dtype=np.int64)
    np.minimum.at(first_j, point_ring, jpos)
    no_j = first_j == big
    if no_j.any():
        kmin = np.full(n_rings, big, dtype=np.int64)
        np.minimum.at(kmin, point_ring, key)
        at_min = key == kmin[point_ring]
        mpos = np.where(at_min, pos, big)
        first_min = np.full(n_rings, big, dtype=np.int64)
        np.minimum.at(first_min, point_ring, mpos)
        first_j = np.where(no_j, first_min, first_j)
    shift = first_j[point_ring]
    rot = start[point_ring] + (pos + shift) % rl
    # closed rotated rings: ring points then the first one again
    closed_len = ring_len + 1
    cstart = np.cumsum(closed_len) - closed_len
    cidx = np.empty(n + n_rings, dtype=np.int64)
    cidx[cstart[point_ring] + pos] = rot
    cidx[cstart + ring_len] = cidx[cstart]
    c_ring = np.repeat(np.arange(n_rings), closed_len)
    c_pos = np.arange(len(cidx)) - cstart[c_ring]
    c_j = is_j[cidx] | (c_pos == 0) | (c_pos == closed_len[c_ring] - 1)
    # arcs: from each boundary point (except the ring's closing one) to the next boundary
    bpos = np.flatnonzero(c_j)
    b_ring = c_ring[bpos]
    is_last_b = np.r_[b_ring[1:] != b_ring[:-1], True]
    arc_start = bpos[~is_last_b]
    arc_end = bpos[1:][~is_last_b[:-1]]
    arc_ring = b_ring[~is_last_b]
    arc_len = arc_end - arc_start + 1
    n_ring_arcs = len(arc_start)
    a_id = np.repeat(np.arange(n_ring_arcs), arc_len)
    a_off = np.cumsum(arc_len) - arc_len
    a_pos = np.arange(int(arc_len.sum())) - a_off[a_id]
    a_pts = cidx[arc_start[a_id] + a_pos]  # index into q
    a_key = key[a_pts]
    k_first = a_key[a_off]
    k_last = a_key[a_off + arc_len - 1]
    k_second = a_key[a_off + np.minimum(1, arc_len - 1)]
    k_penult = a_key[a_off + np.maximum(arc_len - 2, 0)]
    reverse = (k_first > k_last) | ((k_first == k_last) & (k_second > k_penult))
    # closed arcs (ring without junction) are already canonical by rotation; orientation
    # is normalised by the second/penultimate comparison above
    cpos = np.where(reverse[a_id], arc_len[a_id] - 1 - a_pos, a_pos)
    with np.errstate(over="ignore"):
        h = _mix(a_key.astype(np.uint64) ^ _mix(cpos.astype(np.uint64) + np.uint64(0x9E37)))
    arc_hash = np.add.reduceat(h, a_off) if n_ring_arcs else np.zeros(0, np.uint64)
    cf = np.where(reverse, k_last, k_first)
    cl = np.where(reverse, k_first, k_last)
    with np.errstate(over="ignore"):
        table = _mix(
            _mix(cf.astype(np.uint64))
            ^ (_mix(cl.astype(np.uint64)) * np.uint64(3))
            ^ (arc_hash * np.uint64(5))
            ^ _mix(arc_len.astype(np.uint64))
        )
    _, first_idx, inverse = np.unique(table, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    # keep unique arcs in order of first appearance (neighbouring ids for ring deltas)
    appear = np.argsort(first_idx, kind="stable")
    rank = np.empty_like(appear)
    rank[appear] = np.arange(len(appear))
    arc_id = rank[inverse]
    canon = first_idx[appear]  # ring-arc index holding each unique arc
    canon_rev = reverse[canon]
    refs = np.where(reverse == canon_rev[arc_id], arc_id, ~arc_id)

    # geometry of each unique arc in the direction of its first occurrence
    u_len = arc_len[canon]
    u_off = np.cumsum(u_len) - u_len
    u_id = np.repeat(np.arange(len(canon)), u_len)
    u_pos = np.arange(int(u_len.sum())) - u_off[u_id]
    u_pts = q[a_pts[a_off[canon][u_id] + u_pos]]

    if tolerance > 0 and len(canon):
        keep = _douglas_peucker(u_pts, u_off, u_len, tolerance / precision)
        arc_coords = u_pts[keep]
        s_len = np.bincount(u_id[keep], minlength=len(canon))
    else:
        arc_coords = u_pts
        s_len = u_len
    arc_offsets = np.r_[0, np.cumsum(s_len)].astype(np.int64)

    ring_offsets = np.r_[0, np.cumsum(np.bincount(arc_ring, minlength=n_rings))].astype(np.int64)
    feature_rings = np.r_[0, np.cumsum(np.bincount(ring_feature, minlength=n_features))]
    report = {
        "features": n_features,
        "rings": int(n_rings_all),
        "rings_dropped": dropped_rings,
        "rings_dropped_features": sorted(set(ring_feature_all[~good_ring].tolist())),
        "vertices_in": int(n_in),
        "vertices_out": len(arc_coords),
        "arcs": len(canon),
        "arcs_shared": int(np.bincount(arc_id, minlength=len(canon)).__ge__(2).sum()),
        "precision_m": float(precision),
        "tolerance_m": float(tolerance),
    }
    return Topology(
        origin=origin,
        step=step,
        arc_coords=arc_coords,
        arc_offsets=arc_offsets,
        feature_rings=feature_rings.astype(np.int64),
        ring_offsets=ring_offsets,
        ring_refs=refs.astype(np.int64),
        report=report,
    )
