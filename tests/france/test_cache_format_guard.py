"""The cache formats change whenever the code that builds the cached files does.

A cache is keyed by its format number (``CACHE_FORMAT`` for the France levels,
``COMPONENTS_FORMAT`` for the derived tables, ``ACCIDENTS_FORMAT`` and
``ACCIDENT_POINTS_FORMAT`` for the road accidents). If the conversion code changes and
the number does not, every existing cache keeps the files of the old code, and the
real-data tests, which read that cache, keep passing. This test records a fingerprint of
the code behind each cache, for the format in force: the source of the listed functions,
classes and constants, without comments, docstrings or formatting (so a reworded
docstring needs no bump, a changed expression does).
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import inspect

import pytest

from territorial.france import accidents, data, insee, landcover, tables

#: module -> names of the top-level functions, classes and constants (None: the whole module)
SOURCES: dict[str, dict[str, tuple[str, ...] | None]] = {
    "CACHE_FORMAT": {
        "territorial.france.build": None,
        "territorial.territories.crs": None,
        "territorial.france.levels": ("FRANCE_LEVELS",),
        "territorial.france.data": ("read_wheel_table", "_build_france", "_provenance",
                                    "POPULATION_VINTAGE", "_latest_populations"),
    },
    "LAND_COVER_FORMAT": {
        "territorial.france.landcover": None,
    },
    "INSEE_FORMAT": {
        "territorial.france.insee": None,
        "territorial.france.cog": None,
    },
    "COMPONENTS_FORMAT": {
        "territorial.france.components": None,
        "territorial.indicators.accessibility": ("_epsg_series", "_check", "_project",
                                                 "distance_between"),
        "territorial.france.tables": ("_paths", "read_france_raw_tables",
                                      "write_derived_tables"),
    },
    "ACCIDENTS_FORMAT": {
        "territorial.france.accidents": ("_ACCIDENTS_MEMBER", "_year", "_commune_code",
                                       "_deaths", "_count_row", "_counts_frame",
                                       "ACCIDENT_YEARS", "_scan_accident_wheel",
                                       "_build_accident_files"),
    },
    "ACCIDENT_POINTS_FORMAT": {
        "territorial.france.accidents": ("_ACCIDENTS_MEMBER", "_year", "_commune_code",
                                       "_deaths", "ACCIDENT_YEARS", "ACCIDENT_BOXES",
                                       "_NOT_GEOLOCATED", "_REPAIRS", "_POINT_COLUMNS",
                                       "_box_of", "_coordinate", "_locate",
                                       "_PointCollector", "_write_points",
                                       "_scan_accident_wheel", "_build_accident_files"),
    },
}  # fmt: skip

#: format constant -> (its value, the fingerprint of its code at that value)
#: (re-recorded at the same values when the code moved into territorial.france: the module
#: names are part of the fingerprint; the code was the same but for FRANCE_LEVELS read from
#: the levels table (same tuple), one import path and the unused PARENT_COLUMNS removed)
RECORDED: dict[str, tuple[int, str]] = {
    "CACHE_FORMAT": (
        9,
        "460990a9d48fe8000b343ee173fdd1c13335261be0857fe061aca11bec721f0d",
    ),
    "COMPONENTS_FORMAT": (  # 7: unknown town-hall websites, prefecture flag
        7,
        "806574ba55acaea8390a5bcff3c0f0ff7b983c96bd2fe9f4fba56730d6e4cc82",
    ),
    "ACCIDENTS_FORMAT": (
        3,
        "795bd608de4031083651080c23b1ccc2b2ba0255503bcd66d0e5a735f87e0aad",
    ),
    "LAND_COVER_FORMAT": (
        2,
        "6da912e67d18b4ed26d13f534453ec00f9408890b39f6d1537191a2d8cf03e22",
    ),
    "INSEE_FORMAT": (  # 6: the conversion report's dict form has its kind, summary and lines
        6,
        "f59693a08d86d8b041e47c4a6e792499aca82f92724d150119b39fe2f46bbf1d",
    ),
    "ACCIDENT_POINTS_FORMAT": (
        2,
        "a0200298319911d6589174cc82efc112936953cceab97d9f93d1f9ee1bfb3250",
    ),
}

WHERE = {
    "CACHE_FORMAT": ("france/data.py", data),
    "COMPONENTS_FORMAT": ("france/tables.py", tables),
    "ACCIDENTS_FORMAT": ("france/accidents.py", accidents),
    "ACCIDENT_POINTS_FORMAT": ("france/accidents.py", accidents),
    "INSEE_FORMAT": ("france/insee.py", insee),
    "LAND_COVER_FORMAT": ("france/landcover.py", landcover),
}


def _strip_docstrings(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return tree


def _defined_names(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []


def normalised(source: str, names: tuple[str, ...] | None, where: str = "") -> list[str]:
    """The code of ``names`` in ``source`` (all of it for None), as ``ast.unparse`` writes it,
    without docstrings: comments and formatting are gone."""
    tree = _strip_docstrings(ast.parse(source))
    assert isinstance(tree, ast.Module)
    if names is None:
        return [ast.unparse(tree)]
    found = {n: node for node in tree.body for n in _defined_names(node)}
    missing = [n for n in names if n not in found]
    assert not missing, f"{where} no longer defines {missing}: update SOURCES"
    return [ast.unparse(found[n]) for n in names]


def fingerprint(sources: dict[str, tuple[str, ...] | None]) -> str:
    """sha256 of the normalised code of ``sources`` (module name -> names)."""
    digest = hashlib.sha256()
    for module_name, names in sorted(sources.items()):
        source = inspect.getsource(importlib.import_module(module_name))
        digest.update(module_name.encode())
        for part in normalised(source, names, module_name):
            digest.update(b"\0" + part.encode())
    return digest.hexdigest()


@pytest.mark.parametrize("constant", sorted(SOURCES))
def test_cache_format_changes_with_its_code(constant):
    where, module = WHERE[constant]
    value = getattr(module, constant)
    recorded_value, recorded_hash = RECORDED[constant]
    current = fingerprint(SOURCES[constant])
    if current == recorded_hash:
        assert value == recorded_value, (
            f"{constant} is {value} but the code behind it has not changed since format "
            f"{recorded_value}: set RECORDED[{constant!r}] = ({value}, {current!r}) here."
        )
        return
    if value == recorded_value:
        pytest.fail(
            f"The code that builds the cache of {constant} changed (fingerprint {current}), "
            f"but {constant} is still {value}: bump {constant} in {where} and record the new "
            f"hash here: RECORDED[{constant!r}] = ({value + 1}, {current!r})."
        )
    pytest.fail(
        f"{constant} was bumped to {value}: record the new hash here: "
        f"RECORDED[{constant!r}] = ({value}, {current!r})."
    )


def test_the_fingerprint_ignores_docstrings_and_comments_but_not_code():
    # synthetic sources: the same code written two ways, then a changed expression
    first = 'X = 1\n\ndef f(x):\n    """Doc."""\n    return x + X  # one\n'
    second = "X = 1  # the constant\ndef f(x):\n    return (x +\n            X)\n"
    changed = "X = 2\ndef f(x):\n    return x + X\n"
    for names in (None, ("X", "f")):
        assert normalised(first, names) == normalised(second, names)
        assert normalised(first, names) != normalised(changed, names)
    assert normalised(first, ("f",)) == normalised(changed, ("f",))  # X not listed
    with pytest.raises(AssertionError, match=r"m.py no longer defines \['g'\]"):
        normalised(first, ("g",), "m.py")
