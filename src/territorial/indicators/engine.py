"""The generic engine: any catalogue, any zoning, always from the finest components.

``components`` is a table of additive quantities per finest unit (e.g. one row
per commune: population, area, councillors, women councillors...). A
``zoning`` says which units make each territory. Every indicator is computed
from the units pooled: a ratio is the sum of the numerators over the sum of
the denominators, never a mean of unit ratios; medians are taken over the
member records, never medians of medians.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from territorial.errors import (
    ColumnNotFoundError,
    DuplicateCodeError,
    InvalidArgumentError,
    NonNumericValuesError,
    SumOverflowError,
    format_values,
)
from territorial.indicators import kinds
from territorial.indicators.spec import RATIO_KINDS, Catalogue, IndicatorSpec

__all__ = ["IndicatorTable", "Zoning", "compute", "membership"]

Zoning = pd.Series | Mapping[str, Sequence[str]] | pd.DataFrame | None
_BREAKDOWN_KINDS = ("location_quotient", "krugman", "hhi", "shannon")


def membership(zoning: Zoning, units: pd.Index) -> tuple[pd.DataFrame, pd.Index]:
    """Long table (``unit``, ``territory``) of a zoning, and the ordered territory codes.

    Parameters
    ----------
    zoning
        ``None`` (each unit is its own territory); a Series indexed by unit code
        giving the territory code (many-to-one; NaN = in no territory); a
        mapping ``{territory: [unit codes]}``; or a (Geo)DataFrame indexed by
        territory with a ``members`` column (tuples of unit codes), as returned
        by :func:`territorial.territories.custom.custom_territories`.
    units
        The unit codes of the components.

    Examples
    --------
    >>> long, terr = membership({"t": ["a", "b"]}, pd.Index(["a", "b", "c"]))
    >>> long.values.tolist(), list(terr)
    ([['a', 't'], ['b', 't']], ['t'])
    """
    if zoning is None:
        codes = pd.Index(units.astype(str))
        return pd.DataFrame({"unit": codes, "territory": codes}), codes
    if isinstance(zoning, pd.DataFrame):
        if "members" not in zoning.columns:
            raise ColumnNotFoundError("zoning", "members", zoning.columns)
        zoning = dict(zip(zoning.index.astype(str), zoning["members"], strict=True))
    if isinstance(zoning, pd.Series):
        zoning = zoning.dropna()
        frame = pd.DataFrame(
            {"unit": zoning.index.astype(str), "territory": zoning.astype(str).to_numpy()}
        )
        if frame["unit"].duplicated().any():
            raise DuplicateCodeError("zoning", frame.loc[frame["unit"].duplicated(), "unit"])
        return frame, pd.Index(sorted(frame["territory"].unique()), dtype=str)
    if isinstance(zoning, Mapping):
        rows_u: list[str] = []
        rows_t: list[str] = []
        for territory, members in zoning.items():
            if isinstance(members, str) or not isinstance(members, Iterable):
                raise InvalidArgumentError(
                    f"zoning[{territory!r}]", members, "a list of unit codes",
                    "Give a list such as ['01001', '01002'], not a single string.",
                )  # fmt: skip
            for m in members:
                rows_u.append(str(m))
                rows_t.append(str(territory))
        frame = pd.DataFrame({"unit": rows_u, "territory": rows_t})
        return frame, pd.Index([str(t) for t in zoning], dtype=str)
    raise InvalidArgumentError(
        "zoning", type(zoning).__name__,
        "None, a Series unit -> territory, a mapping {territory: [units]} or a DataFrame "
        "with a 'members' column",
    )  # fmt: skip


@dataclass
class IndicatorTable:
    """Indicators computed for a set of territories, with their metadata.

    Attributes
    ----------
    values
        One float column per indicator id, indexed by territory code (str).
    flags
        Booleans of the same shape: True where the value is undefined although
        the territory has members (division by zero, no record, fewer than two
        members for a concentration index).
    catalogue
        The catalogue used.
    territories
        The territories (name, population, geometry) when known.
    report
        What was matched, left out or missing.
    withheld
        Booleans of the same shape as ``values``: True where a value was withheld
        because it rests on fewer persons or events than the indicator's
        ``min_count`` (see :class:`~territorial.indicators.spec.IndicatorSpec`).
    """

    values: pd.DataFrame
    flags: pd.DataFrame
    catalogue: Catalogue
    territories: pd.DataFrame | None = None
    report: dict[str, Any] = field(default_factory=dict)
    parts: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    withheld: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def wide(self) -> gpd.GeoDataFrame | pd.DataFrame:
        """The territories (name, population, geometry if known), one column per indicator.

        ``attrs["territorial"]["indicators"]`` holds the catalogue's metadata of
        each indicator, with ``label`` as ``{"fr": ..., "en": ...}``.
        """
        values = self.values
        if self.territories is None:
            out: pd.DataFrame = values.copy()
        else:
            keep = [c for c in ("name", "population") if c in self.territories.columns]
            base = pd.DataFrame(self.territories[keep]).reindex(values.index)
            base = base.drop(columns=[c for c in values.columns if c in base.columns])
            out = pd.concat([base, values], axis=1)
            if isinstance(self.territories, gpd.GeoDataFrame):
                geometry = self.territories.geometry.reindex(values.index)
                out = gpd.GeoDataFrame(out, geometry=geometry, crs=self.territories.crs)
        # labels in every language, so renderers pick the one of their ``lang``
        indicators = self.catalogue.metadata()
        for item in indicators:
            spec = self.catalogue[item["id"]]
            item["label"] = {lang: spec.label_in(lang) for lang in ("fr", "en")}
        out.attrs["territorial"] = {"catalogue": self.catalogue.name, "indicators": indicators}
        return out

    def metadata(self) -> pd.DataFrame:
        """One row per computed indicator: labels (fr, en), theme, unit, polarity, kind,
        formula, source, vintage and why; written with the values by the CLI.

        Examples
        --------
        >>> from territorial.indicators.spec import Catalogue, IndicatorSpec
        >>> pop = IndicatorSpec(id="pop", label={"fr": "Population", "en": "Population"},
        ...     theme="demography", unit="hab.", polarity="neutral", kind="stock",
        ...     numerator="population")
        >>> cat = Catalogue([pop])
        >>> table = compute(cat, pd.DataFrame({"population": [3.0]}, index=["a"]))
        >>> table.metadata().loc["pop", ["label_en", "unit", "formula"]].tolist()
        ['Population', 'hab.', 'sum(population)']
        """
        rows = []
        for sid in self.values.columns:
            spec = self.catalogue[sid]
            rows.append(
                {
                    "id": sid, "label_fr": spec.label_in("fr"), "label_en": spec.label_in("en"),
                    "theme": spec.theme, "unit": spec.unit, "polarity": spec.polarity,
                    "kind": spec.kind, "formula": spec.formula, "source": spec.source,
                    "vintage": spec.vintage, "why": spec.why,
                }
            )  # fmt: skip
        return pd.DataFrame(rows).set_index("id")

    def tidy(self) -> pd.DataFrame:
        """Long table: ``territory, indicator, value, unit, source, vintage``."""
        long = (
            self.values.rename_axis("territory")
            .reset_index()
            .melt(id_vars="territory", var_name="indicator", value_name="value")
        )
        meta = pd.DataFrame(
            [
                {"indicator": s.id, "unit": s.unit, "source": s.source, "vintage": s.vintage}
                for s in (self.catalogue[i] for i in self.values.columns)
            ]
        )
        out = long.merge(meta, on="indicator", how="left")
        out["value"] = out["value"].astype("float64")
        return out[["territory", "indicator", "value", "unit", "source", "vintage"]]

    def components(self, indicator: str) -> pd.DataFrame:
        """Numerator and denominator per territory of a ratio-like indicator.

        For ``ratio``, ``share`` and ``density`` kinds: columns ``numerator``,
        ``denominator`` and ``scale`` (value = numerator / denominator × scale);
        for ``growth``: ``start`` and ``end``.
        """
        if indicator not in self.values.columns:
            from territorial.indicators.spec import UnknownIndicatorError

            raise UnknownIndicatorError("indicator", [indicator], self.values.columns)
        if indicator not in self.parts:
            kind = self.catalogue[indicator].kind
            raise InvalidArgumentError(
                "indicator", indicator, "a ratio, share, density or growth indicator",
                f"{indicator!r} is of kind {kind!r} and has no numerator/denominator.",
            )  # fmt: skip
        return self.parts[indicator].copy()


def _operand(rows: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Each unit's value of an operand ``a + b + ...``: NaN unless every column is known.

    A missing cell is never read as 0: a commune whose ``b`` is unknown has no
    ``a + b``, and ratios leave it out of both of their sums.
    """
    values = rows[columns].to_numpy(dtype="float64")
    with np.errstate(over="ignore", invalid="ignore"):
        return values.sum(axis=1)  # NaN as soon as one column is NaN


def _as_numbers(
    frame: pd.DataFrame, columns: Iterable[str], users: Mapping[str, list[str]], report: dict
) -> pd.DataFrame:
    """The columns as floats; text that is not a number is an error naming the column, the
    indicators that use it and a few rows; infinite values become missing, counted in
    ``report["non_finite"]``.
    """
    out: dict[str, pd.Series] = {}
    for column in columns:
        values = frame[column]
        if not pd.api.types.is_numeric_dtype(values):
            numbers = pd.to_numeric(values, errors="coerce")
            bad = numbers.isna() & values.notna()
            if bad.any():
                rows = values[bad]
                examples = ", ".join(f"{c!r}: {v!r}" for c, v in rows.head(5).items())
                more = f" (and {len(rows) - 5} more)" if len(rows) > 5 else ""
                used_by = ", ".join(users.get(column, [])) or "the indicators"
                count = (
                    "1 row is not a number"
                    if len(rows) == 1
                    else (f"{len(rows)} rows are not numbers")
                )
                raise NonNumericValuesError(
                    f"Column {column!r} is used as numbers by {used_by}, but {count} "
                    f"(code: value): {examples}{more}. Correct "
                    "these cells, or read them as missing values: read_table(path, "
                    "missing=(*MISSING_MARKERS, 'VALUE')) (CLI: --missing VALUE)."
                )
            values = numbers
        values = values.astype("float64")
        infinite = np.isinf(values.to_numpy())
        if infinite.any():
            report.setdefault("non_finite", {})[column] = int(infinite.sum())
            values = values.where(~infinite, np.nan)
        out[column] = values
    return pd.DataFrame(out, index=frame.index, columns=list(columns))


def _check_finite(values: pd.DataFrame | pd.Series, what: str = "The sum of {}") -> None:
    """A sum (or a ratio) of finite numbers that came out infinite: an overflow error.

    ``what`` words the quantity, ``{}`` standing for the column (or the Series' name).
    """
    frame = values.to_frame() if isinstance(values, pd.Series) else values
    infinite = np.isinf(frame.to_numpy(dtype="float64", na_value=np.nan))
    if not infinite.any():
        return
    rows, cols = np.nonzero(infinite)
    column = str(frame.columns[cols[0]])
    codes = [str(frame.index[r]) for r, c in zip(rows, cols, strict=True) if c == cols[0]]
    plural = "territory" if len(codes) == 1 else "territories"
    raise SumOverflowError(
        f"{what.format(repr(column))} overflows (it exceeds 1.8e308, the largest 64-bit "
        f"float) in {len(codes)} {plural}: {format_values(codes)}. Check the units of the "
        "components (values near 1e308 or 1e-308 are errors), or rescale them."
    )


def _check_columns(spec: IndicatorSpec, operand: str, columns: list[str], available: pd.Index):
    for column in columns:
        if column not in available:
            raise ColumnNotFoundError(f"{spec.id}.{operand}", column, available)


def compute(
    catalogue: Catalogue,
    components: pd.DataFrame,
    zoning: Zoning = None,
    *,
    records: Mapping[str, pd.DataFrame] | None = None,
    indicators: Iterable[str] | None = None,
    territories: pd.DataFrame | None = None,
    reference: pd.DataFrame | None = None,
) -> IndicatorTable:
    """Compute catalogue indicators for the territories of a zoning, from unit components.

    Parameters
    ----------
    catalogue
        The indicators (see :func:`territorial.indicators.load_catalogue`).
    components
        Additive quantities per finest unit, indexed by unit code.
    zoning
        Which units make each territory (see :func:`membership`); ``None``: the
        units themselves.
    records
        Record tables for ``median`` indicators: ``{name: DataFrame}``, each with
        a ``unit`` column (the unit code of the record).
    indicators
        Ids to compute (default: all).
    territories
        Territories (``name``, ``population``, geometry) for the wide output;
        defaults to ``zoning`` when it is a (Geo)DataFrame.
    reference
        Components of the reference area for location quotients and Krugman
        indices; default: all the units of ``components``.

    Returns
    -------
    IndicatorTable

    Examples
    --------
    >>> from territorial.indicators.spec import load_catalogue
    >>> cat = load_catalogue('''
    ... indicators:
    ...   - {id: density, label: {fr: Densité}, theme: demography, unit: hab./km²,
    ...      polarity: neutral, kind: density, numerator: population}
    ... ''')
    >>> comp = pd.DataFrame({"population": [100.0, 300.0], "area_km2": [1.0, 3.0]},
    ...                     index=["a", "b"])
    >>> compute(cat, comp, {"t": ["a", "b"]}).values["density"].tolist()
    [100.0]
    """
    catalogue = catalogue.select(indicators)
    ids = list(indicators) if indicators is not None else list(catalogue)
    if components.index.has_duplicates:
        raise DuplicateCodeError("components", components.index[components.index.duplicated()])
    components = components.copy()
    components.index = components.index.astype(str)
    if territories is None and isinstance(zoning, pd.DataFrame) and "members" in zoning.columns:
        territories = zoning
    long, territory_index = membership(zoning, components.index)
    # get_indexer rather than isin: isin on Arrow-backed strings loops in Python
    known = pd.Series(components.index.get_indexer(long["unit"]) >= 0, index=long.index)
    report: dict[str, Any] = {
        "units": len(components),
        "territories": len(territory_index),
        "memberships": len(long),
        "members_missing_from_components": sorted(long.loc[~known, "unit"].unique().tolist()),
        "units_in_no_territory": int(
            (pd.Index(long["unit"]).unique().get_indexer(components.index) < 0).sum()
        ),
    }
    long = long[known]
    n_members = long.groupby("territory").size().reindex(territory_index, fill_value=0)
    has_members = n_members.gt(0)
    unit_codes = long["unit"].to_numpy()
    territory_codes = pd.Categorical(long["territory"], categories=territory_index)

    needed: set[str] = set()  # columns read per unit
    summed: set[str] = set()  # columns summed per territory (ratios pool their own operands)
    for sid in ids:
        spec = catalogue[sid]
        for operand, cols in catalogue.columns_of(sid).items():
            _check_columns(spec, operand, cols, components.columns)
            if spec.kind not in ("gini", "theil", "median", "unit_value") or operand == "count":
                needed.update(cols)
            if spec.kind == "stock":
                summed.update(cols)
        if spec.breakdown:
            _check_columns(spec, "breakdown", list(spec.breakdown), components.columns)
            needed.update(spec.breakdown)
            summed.update(spec.breakdown)
    users: dict[str, list[str]] = {}
    for sid in ids:
        for cols in catalogue.columns_of(sid).values():
            for column in cols:
                users.setdefault(column, []).append(sid)
        for column in catalogue[sid].breakdown or ():
            users.setdefault(column, []).append(sid)
    numeric = _as_numbers(components, sorted(needed), users, report)
    with np.errstate(over="ignore", invalid="ignore"):  # overflows are checked below
        sums = (
            numeric[sorted(summed)]
            .reindex(unit_codes)
            .set_axis(territory_codes, axis=0)
            .groupby(level=0, observed=False)
            .sum(min_count=1)
        )
    sums.index = pd.Index(sums.index.astype(str), dtype=str)
    sums = sums.reindex(territory_index)
    _check_finite(sums)
    ref_totals = reference if reference is not None else components

    values: dict[str, pd.Series] = {}
    flags: dict[str, pd.Series] = {}
    withheld: dict[str, pd.Series] = {}
    not_aggregated: dict[str, int] = {}
    parts: dict[str, pd.DataFrame] = {}

    unit_rows = numeric.reindex(unit_codes)
    group_codes = np.asarray(territory_codes.codes)  # position of each membership's territory
    in_territory = group_codes >= 0
    scope: dict[str, int] = {}
    partial_totals: dict[str, int] = {}

    def summed(x: np.ndarray, known: np.ndarray) -> pd.Series:
        """Each territory's sum of ``x`` over its member units where ``known``; NaN where
        no member is known."""
        n = len(territory_index)
        with np.errstate(over="ignore", invalid="ignore"):  # overflows are checked after
            sums = np.bincount(group_codes[known], weights=x[known], minlength=n)
        has_known = np.bincount(group_codes[known], minlength=n) > 0
        return pd.Series(np.where(has_known, sums, np.nan), index=territory_index)

    def pooled(sid: str, first: list[str], second: list[str]) -> tuple[pd.Series, pd.Series]:
        """Sums of two operands over the member units where both are known (same scope).

        A unit whose numerator is unknown but whose denominator is known (or the
        reverse: Mayotte has an area but no population) is left out of both sums,
        and counted in ``report["partial_scope"]``.
        """
        with np.errstate(over="ignore", invalid="ignore"):  # overflows are checked below
            a = _operand(unit_rows, first)
            b = _operand(unit_rows, second)
        both = ~np.isnan(a) & ~np.isnan(b) & in_territory
        left_out = int(((~np.isnan(a) | ~np.isnan(b)) & ~both & in_territory).sum())
        if left_out:
            scope[sid] = left_out

        def by_territory(x: np.ndarray, cols: list[str]) -> pd.Series:
            out = summed(x, both)
            _check_finite(out.rename(" + ".join(cols)), f"The sum of {{}} (indicator {sid!r})")
            return out

        return by_territory(a, first), by_territory(b, second)

    for sid in ids:
        spec = catalogue[sid]
        cols = catalogue.columns_of(sid)
        kind = spec.kind
        if kind == "stock":
            # a + b is known for a unit only where every column is (same scope)
            with np.errstate(over="ignore", invalid="ignore"):
                unit_total = _operand(unit_rows, cols["numerator"])
            known_unit = ~np.isnan(unit_total) & in_territory
            if len(cols["numerator"]) == 1:  # pandas' compensated sums of the territories
                value = sums[cols["numerator"][0]].copy()
            else:
                value = summed(unit_total, known_unit)
            _check_finite(value.rename(" + ".join(cols["numerator"])))
            value = value.rename(sid)
            flag = pd.Series(False, index=territory_index)
            # members without a value inside a territory whose total the others make
            # (Mayotte's communes in France's population): said, never silent
            member = ~known_unit & in_territory
            total_known = value.notna().to_numpy()
            left_out = int((member & total_known[np.where(in_territory, group_codes, 0)]).sum())
            if left_out:
                partial_totals[sid] = left_out
        elif kind in RATIO_KINDS:
            num, den = pooled(sid, cols["numerator"], cols["denominator"])
            scale = 100.0 if kind == "share" else float(spec.scale or 1.0)
            value = kinds.ratio(num, den, scale=scale, name=sid)
            flag = kinds.zero_division(den)
            parts[sid] = pd.DataFrame({"numerator": num, "denominator": den, "scale": scale})
        elif kind == "growth":
            start, end = pooled(sid, cols["start"], cols["end"])
            value = kinds.growth_rate(start, end, years=float(spec.years or 1), name=sid)
            flag = kinds.zero_division(start)
            parts[sid] = pd.DataFrame({"start": start, "end": end, "years": spec.years})
        elif kind in ("gini", "theil", "median") and not spec.records:
            member_values = _as_numbers(components, cols["column"], users, report).sum(
                axis=1, min_count=1
            )
            member_values = member_values.reindex(unit_codes).reset_index(drop=True)
            groups = pd.Series(long["territory"].to_numpy())
            func = {"gini": kinds.gini, "theil": kinds.theil, "median": kinds.grouped_median}
            value = func[kind](member_values, groups, name=sid).reindex(territory_index)
            flag = value.isna() & has_members
        elif kind == "unit_value":
            # a median or a rate is not a function of its members' values: only a
            # territory made of one unit has one (no mean of medians, ever)
            own = _as_numbers(components, cols["column"], users, report).sum(axis=1, min_count=1)
            member_value = pd.Series(own.reindex(unit_codes).to_numpy(), index=long["territory"])
            single = n_members.eq(1)
            value = (
                member_value[~member_value.index.duplicated()]
                .reindex(territory_index)
                .where(single)
            )
            not_aggregated[sid] = int((n_members.gt(1)).sum())
            flag = value.isna() & single & has_members
        elif kind == "median":
            value = _records_median(spec, records, long, territory_index)
            flag = value.isna() & has_members
        elif kind in _BREAKDOWN_KINDS:
            breakdown = sums[list(spec.breakdown or ())]
            ref = _as_numbers(ref_totals, list(spec.breakdown or ()), users, {}).sum()
            if kind == "location_quotient":
                value = kinds.location_quotient(
                    breakdown, str(spec.category), reference=ref, name=sid
                )
            elif kind == "krugman":
                value = kinds.krugman(breakdown, reference=ref, name=sid)
            else:
                value = getattr(kinds, kind)(breakdown, name=sid)
            flag = value.isna() & has_members
        else:  # pragma: no cover - the spec validation rejects unknown kinds
            raise AssertionError(kind)
        value = value.reindex(territory_index).astype("float64")
        _check_finite(value.rename(sid), "The indicator {}")
        if spec.count is not None:
            with np.errstate(over="ignore", invalid="ignore"):
                counted = _operand(unit_rows, cols["count"])
            count = summed(counted, ~np.isnan(counted) & in_territory)
            hidden = value.notna() & ~(count >= float(spec.min_count or 0))
            withheld[sid] = hidden.astype(bool)
            if hidden.any():
                value = value.mask(hidden)
        else:
            withheld[sid] = pd.Series(False, index=territory_index)
        values[sid] = value
        flags[sid] = flag.reindex(territory_index).fillna(False).astype(bool)

    frame = pd.DataFrame(values, index=territory_index, columns=ids)
    frame.index.name = "code"
    flag_frame = pd.DataFrame(flags, index=territory_index, columns=ids)
    flag_frame.index.name = "code"
    report["flagged"] = {k: int(v.sum()) for k, v in flags.items() if v.any()}
    withheld_frame = pd.DataFrame(withheld, index=territory_index, columns=ids).rename_axis("code")
    report["withheld"] = {k: int(v.sum()) for k, v in withheld.items() if v.any()}
    report["not_aggregated"] = {k: v for k, v in not_aggregated.items() if v}
    report["partial_scope"] = scope
    report["partial_totals"] = partial_totals
    return IndicatorTable(
        values=frame,
        flags=flag_frame,
        catalogue=catalogue,
        territories=territories,
        report=report,
        parts=parts,
        withheld=withheld_frame,
    )


def _records_median(
    spec: IndicatorSpec,
    records: Mapping[str, pd.DataFrame] | None,
    long: pd.DataFrame,
    territory_index: pd.Index,
) -> pd.Series:
    available = dict(records or {})
    if spec.records not in available:
        raise InvalidArgumentError(
            "records", format_values(available) or "{}", f"a table named {spec.records!r}",
            f"Indicator {spec.id!r} needs the record table {spec.records!r}; pass "
            f"records={{{spec.records!r}: DataFrame with a 'unit' column}}.",
        )  # fmt: skip
    table = available[str(spec.records)]
    for column in ("unit", str(spec.column)):
        if column not in table.columns:
            raise ColumnNotFoundError(
                f"{spec.id}.records[{spec.records!r}]", column, table.columns
            )
    if spec.where:
        negate = spec.where.startswith("not ")
        where = spec.where[4:].strip() if negate else spec.where
        if where not in table.columns:
            raise ColumnNotFoundError(f"{spec.id}.where", where, table.columns)
        mask = table[where].astype(bool).to_numpy()
        table = table[~mask if negate else mask]
    rec = pd.DataFrame(
        {"unit": table["unit"].astype(str).to_numpy(), "v": table[spec.column].to_numpy()}
    )
    if long["unit"].is_unique:
        territory = long.set_index("unit")["territory"]
        groups = rec["unit"].map(territory)
        values = rec["v"]
    else:
        merged = rec.merge(long, on="unit", how="inner")
        groups, values = merged["territory"], merged["v"]
    keep = groups.notna().to_numpy()
    return kinds.grouped_median(
        values[keep].reset_index(drop=True), groups[keep].reset_index(drop=True), name=spec.id
    ).reindex(territory_index)
