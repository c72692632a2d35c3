"""The layers of docs/ARCHITECTURE.md, checked on every import statement of each package.

Imports inside functions count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import territorial

SRC = Path(territorial.__file__).parent
LAYERS = ("io", "territories", "indicators", "diagnose", "render", "france", "sheets", "cli")
GENERIC = ("io", "territories", "indicators", "diagnose", "render")

#: package -> packages it must never import
#: (the generic packages know nothing of France; France builds on all of them but the CLI)
FORBIDDEN = {
    "io": ("indicators", "diagnose", "render", "france", "sheets", "cli"),
    "territories": ("io", "indicators", "diagnose", "render", "france", "sheets", "cli"),
    "indicators": ("io", "diagnose", "render", "france", "sheets", "cli"),
    "diagnose": ("io", "render", "france", "sheets", "cli"),
    "render": ("io", "indicators", "diagnose", "france", "sheets", "cli"),
    "france": ("render", "sheets", "cli"),
    # sheets select figures through territorial.sources (never France directly) and
    # have render draw them
    "sheets": ("io", "indicators", "france", "cli"),
}
#: the allowed exceptions, each with its reason
ALLOWED = {
    ("indicators/spec.py", "io"): "load_catalogue(path) has io read the YAML text",
}


def _imports(path: Path) -> set[str]:
    """The territorial packages (io, indicators...) that a module imports anywhere in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "territorial" and len(parts) > 1 and parts[1] in LAYERS:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_never_imports_the_layers_it_must_not(package):
    breaches = []
    for path in sorted((SRC / package).rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        for target in _imports(path) & set(FORBIDDEN[package]):
            if (relative, target) not in ALLOWED:
                breaches.append(f"{relative} imports territorial.{target}")
    assert breaches == []


def test_the_scan_sees_lazy_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from territorial.indicators.spec import load_catalogue\n")
    assert _imports(module) == {"indicators"}
    module.write_text("import territorial.render.web\nfrom territorial import errors\n")
    assert _imports(module) == {"render"}
    module.write_text("from territorial import io\n")
    assert _imports(module) == {"io"}


def test_the_generic_packages_import_without_france():
    # a fresh interpreter: importing every generic package loads no territorial.france module
    modules = ", ".join(f"territorial.{p}" for p in GENERIC)
    code = (
        f"import sys, {modules}\n"
        "print(sorted(m for m in sys.modules if m.startswith('territorial.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = ast.literal_eval(done.stdout)
    assert {f"territorial.{p}" for p in GENERIC} <= set(loaded)
    assert [m for m in loaded if m.split(".")[1] == "france"] == []


def test_the_top_level_france_names_come_from_the_france_package():
    import territorial.france

    assert territorial.load_france is territorial.france.load_france
    assert territorial.FRANCE_LEVELS is territorial.france.FRANCE_LEVELS


def test_the_command_line_starts_without_the_heavy_libraries():
    """``territorial --help`` (and typer's parsing of any command) imports none of the data
    libraries: each command imports what it uses when it runs."""
    import subprocess
    import sys

    code = (
        "import sys, territorial.cli; "
        "print(sorted(m for m in ('pandas', 'geopandas', 'matplotlib', 'mapclassify', 'scipy', "
        "'shapely', 'pyogrio', 'pyproj', 'rasterio', 'folium', 'territorial.france.data') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    top = subprocess.run(
        [sys.executable, "-m", "territorial", "--help"], capture_output=True, text=True, check=True
    )
    assert "territories" in top.stdout and "diagnose" in top.stdout
