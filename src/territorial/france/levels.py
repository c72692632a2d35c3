"""The one table of the French levels: what each level holds and how the commands use it.

Every list of French levels in territorial is read from :data:`LEVELS`: the levels that
:func:`~territorial.france.load_france` loads, those at which the France catalogue is
computed, those that can be diagnosed and against what, and the parent drawn over each
level (borders of maps and pages, peers of ranks).

Examples
--------
>>> france_level("epci").default_parent
'departement'
>>> FRANCE_DIAGNOSIS_LEVELS["departement"]
('region', 'france')
>>> france_level("county")
Traceback (most recent call last):
...
territorial.errors.UnknownLevelError: level='county' is not valid: expected a known level, one \
of arrondissement, commune, canton, circonscription, epci, departement, region.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from territorial.errors import UnknownLevelError

__all__ = [
    "FRANCE_DIAGNOSIS_LEVELS",
    "FRANCE_INDICATOR_LEVELS",
    "FRANCE_LEVELS",
    "LEVELS",
    "PARENT_LEVEL",
    "FranceLevel",
    "france_level",
]


@dataclass(frozen=True)
class FranceLevel:
    """One French level.

    Attributes
    ----------
    code
        The level's name in ``france:LEVEL`` and in the parent-code columns.
    parents
        The parent-code columns of its territories, finest first.
    default_parent
        The level drawn over it (borders of maps and pages) and whose territories are
        the peers of its ranks; None for the coarsest.
    references
        The levels it is compared to in a diagnosis, nearest to France last; empty when
        it cannot be diagnosed.
    indicators
        Whether the France catalogue is computed at this level (from the communes up).
    label
        ``{lang: (singular, plural)}``.
    loaded
        Whether :func:`~territorial.france.load_france` loads it (``france``, the whole
        country, is computed but not loaded).

    Examples
    --------
    >>> france_level("region").diagnosable, france_level("arrondissement").diagnosable
    (True, False)
    """

    code: str
    parents: tuple[str, ...]
    default_parent: str | None
    references: tuple[str, ...]
    indicators: bool
    label: Mapping[str, tuple[str, str]]
    loaded: bool = True

    @property
    def diagnosable(self) -> bool:
        return bool(self.references)


_TO_FRANCE = ("region", "departement", "france")

#: The French levels, from the finest to the coarsest, then the whole country.
LEVELS: tuple[FranceLevel, ...] = (
    FranceLevel(
        "arrondissement",
        ("commune", "canton", "circonscription", "epci", "departement", "region"),
        "departement", (), False,
        {"fr": ("arrondissement", "arrondissements"), "en": ("district", "districts")},
    ),
    FranceLevel(
        "commune",
        ("canton", "circonscription", "epci", "departement", "region"),
        "departement", _TO_FRANCE, True,
        {"fr": ("commune", "communes"), "en": ("municipality", "municipalities")},
    ),
    FranceLevel(
        "canton", ("departement", "region"), "departement", _TO_FRANCE, True,
        {"fr": ("canton", "cantons"), "en": ("canton", "cantons")},
    ),
    FranceLevel(
        "circonscription", ("departement", "region"), "departement", _TO_FRANCE, True,
        {"fr": ("circonscription", "circonscriptions"), "en": ("constituency", "constituencies")},
    ),
    FranceLevel(
        "epci", ("departement", "region"), "departement", _TO_FRANCE, True,
        {"fr": ("EPCI", "EPCI"), "en": ("EPCI", "EPCIs")},
    ),
    FranceLevel(
        "departement", ("region",), "region", ("region", "france"), True,
        {"fr": ("département", "départements"), "en": ("département", "départements")},
    ),
    FranceLevel(
        "region", (), None, ("france",), True,
        {"fr": ("région", "régions"), "en": ("region", "regions")},
    ),
    FranceLevel(
        "france", (), None, (), True,
        {"fr": ("France", "France"), "en": ("France", "France")},
        loaded=False,
    ),
)  # fmt: skip

_BY_CODE = {level.code: level for level in LEVELS}

#: Levels of the built-in France territories, from the finest to the coarsest.
FRANCE_LEVELS: tuple[str, ...] = tuple(lv.code for lv in LEVELS if lv.loaded)
#: Levels at which the France catalogue is computed (``france`` = the whole country, code ``FR``).
FRANCE_INDICATOR_LEVELS: tuple[str, ...] = tuple(lv.code for lv in LEVELS if lv.indicators)
#: Levels that can be diagnosed, and their references from the nearest to France.
FRANCE_DIAGNOSIS_LEVELS: dict[str, tuple[str, ...]] = {
    lv.code: lv.references for lv in LEVELS if lv.diagnosable
}
#: Parent level drawn over each loaded level (borders of maps and pages, peers of ranks).
PARENT_LEVEL: dict[str, str | None] = {lv.code: lv.default_parent for lv in LEVELS if lv.loaded}


def france_level(
    code: str, *, among: Iterable[str] = FRANCE_LEVELS, argument: str = "level"
) -> FranceLevel:
    """The row of :data:`LEVELS` for ``code``, which must be one of ``among``.

    Raises :class:`~territorial.errors.UnknownLevelError` (naming ``argument`` and the
    allowed levels) otherwise.

    Examples
    --------
    >>> france_level("departement").label["fr"]
    ('département', 'départements')
    >>> france_level("france", among=FRANCE_INDICATOR_LEVELS).loaded
    False
    """
    among = tuple(among)
    if code not in among:
        raise UnknownLevelError(code, among, argument)
    return _BY_CODE[code]
