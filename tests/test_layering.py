"""The layers of docs/ARCHITECTURE.md, checked on what each package imports."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from functools import lru_cache

import pytest

# package -> packages it must never import (directly or through its own imports)
RULES = {
    "territorial.io": ("territorial.indicators", "territorial.diagnose", "territorial.render"),
    "territorial.territories": (
        "territorial.indicators",
        "territorial.diagnose",
        "territorial.render",
    ),
    "territorial.indicators": ("territorial.diagnose", "territorial.render"),
    "territorial.render": ("territorial.indicators",),
}


def _modules(package: str) -> list[str]:
    module = __import__(package, fromlist=["__path__"])
    return [package] + [
        f"{package}.{info.name}"
        for info in pkgutil.walk_packages(module.__path__)
        if not info.name.startswith("_")
    ]


@lru_cache(maxsize=1)
def _baseline() -> frozenset[str]:
    """What ``import territorial`` loads by itself (run before any ``territorial.x``)."""
    out = subprocess.run(
        [sys.executable, "-c", "import sys, territorial; print('\\n'.join(sys.modules))"],
        check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    return frozenset(out)


@pytest.mark.parametrize("package", sorted(RULES))
def test_package_never_imports_the_layers_above(package):
    modules = _modules(package)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print('\\n'.join(sorted(m for m in sys.modules if m.startswith('territorial.'))))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split()
    # importing "territorial.io.x" runs territorial/__init__.py first: leave out what it loads
    # (itself checked: it loads io and territories only)
    assert not any(m.startswith(("territorial.indicators", "territorial.render"))
                   for m in _baseline())  # fmt: skip
    extra = set(loaded) - _baseline()
    forbidden = [m for m in extra if m.startswith(RULES[package])]
    assert forbidden == [], f"{package} imports {forbidden}"
