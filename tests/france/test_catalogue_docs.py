"""docs/catalogue.md lists every built-in indicator as the catalogue defines it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _script():
    path = ROOT / "scripts" / "docs" / "catalogue_table.py"
    spec = importlib.util.spec_from_file_location("catalogue_table", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_catalogue_page_is_up_to_date():
    text = (ROOT / "docs" / "catalogue.md").read_text(encoding="utf-8")
    assert text == _script().render(), "run: python scripts/docs/catalogue_table.py"


def test_the_page_names_every_indicator_with_its_source():
    from territorial.france.indicators import france_catalogue

    text = (ROOT / "docs" / "catalogue.md").read_text(encoding="utf-8")
    cat = france_catalogue()
    for sid in cat:
        row = next(line for line in text.splitlines() if line.startswith(f"| `{sid}` |"))
        assert cat[sid].source.split(",")[0] in row
