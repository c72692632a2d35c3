"""The set-up installs a tested, pinned set of versions (constraints.txt)."""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not pinned with =="
            pins[_canonical(name)] = version
    return pins


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in ("test", "bench"):  # the extras make setup installs
        requirements += project["optional-dependencies"][extra]
    return [_canonical(re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0]) for r in requirements]


def test_every_declared_dependency_is_pinned():
    pins = _pins()
    assert [name for name in _declared() if name not in pins] == []


def test_makefile_installs_with_the_constraints():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = [line for line in makefile.splitlines() if "pip install" in line]
    assert installs and all("-c constraints.txt" in line for line in installs)


@pytest.mark.skipif(
    Path(sys.prefix).resolve() != (ROOT / ".venv").resolve(),
    reason="checks the environment that make setup installs (.venv); make upgrade runs the "
    "suite in another one on the newest versions before pinning them",
)
def test_installed_versions_are_the_pinned_ones():
    pins = _pins()
    wrong = {}
    for name in _declared():
        installed = metadata.version(name)
        if installed != pins[name]:
            wrong[name] = (installed, pins[name])
    assert wrong == {}, "installed (got, pinned): run `make setup` after changing constraints.txt"
