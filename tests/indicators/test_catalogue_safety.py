"""Hostile and malformed catalogues: YAML bombs, tags, empty catalogues and wrong types.

Every catalogue here is synthetic: made-up YAML that exercises one fault at a time.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tracemalloc

import pytest
import typer
from typer.testing import CliRunner

from territorial.cli import indicators as cli_indicators
from territorial.errors import CatalogueError
from territorial.indicators import IndicatorSpec, LayerSpec, load_catalogue
from territorial.indicators.spec import (
    MAX_YAML_CHARS,
    MAX_YAML_DEPTH,
    parse_yaml,
)
from territorial.io.catalogues import read_catalogue_file

#: The classic "billion laughs": nine levels of nine aliases, 9**9 = 387 million strings
#: once expanded, nested inside the label of an otherwise valid indicator.
BOMB = """indicators:
  - id: laughs
    theme: demography
    unit: hab.
    polarity: neutral
    kind: stock
    numerator: population
    label:
      fr: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
      en: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    why: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    source: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    vintage: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    formula: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    records: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    where: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
    column: [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""
BOMB_MESSAGE = (
    "the YAML would hold more than 100,000 values once its aliases (*name) are replaced by "
    "what they refer to, far more than a catalogue needs. Remove the aliases that repeat "
    "other aliases (this is how 'billion laughs' documents exhaust memory)."
)
TAG_FIX = (
    "is not allowed. A catalogue holds only plain text, numbers, true/false, lists and "
    "mappings: remove the tag (quote the value if it is text)."
)
EMPTY_FIX = (
    "so it would compute nothing. Add at least one entry with id, label, theme, unit, "
    "polarity, kind and its operands under 'indicators:' (to compute the built-in "
    "indicators, give no catalogue)."
)
GOOD = {
    "id": "pop", "label": "Population", "theme": "demography", "unit": "hab.",
    "polarity": "neutral", "kind": "stock", "numerator": "population",
}  # fmt: skip


def entry_yaml(**changes: object) -> str:
    """A one-indicator catalogue, GOOD with some fields changed (values written as YAML)."""
    fields = {**GOOD, **changes}
    lines = "".join(f"    {key}: {value}\n" for key, value in fields.items())
    return "indicators:\n  - " + lines.lstrip()


def message(text: str) -> str:
    with pytest.raises(CatalogueError) as info:
        load_catalogue(text)
    return str(info.value)


# --- YAML bombs and other documents too big ---------------------------------------------


def test_billion_laughs_is_refused_before_it_is_built():
    tracemalloc.start()
    try:
        with pytest.raises(CatalogueError) as info:
            load_catalogue(BOMB, name="bomb.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(info.value) == "bomb.yaml: " + BOMB_MESSAGE
    # the expanded document would take gigabytes; refusing it takes almost nothing
    assert peak < 20_000_000


def test_a_long_text_repeated_through_aliases_is_refused():
    text = "indicators:\n  - &s " + "x" * 100_000 + "\n" + "  - *s\n" * 101
    assert message(text) == (
        "catalogue: the YAML would hold more than 10,000,000 characters of text once its "
        "aliases (*name) are replaced by what they refer to, far more than a catalogue needs. "
        "Write each long text once, without aliases."
    )


def test_aliases_within_the_limits_still_work():
    text = (
        "indicators:\n"
        "  - &base {id: a, label: A, theme: demography, unit: hab., polarity: neutral,\n"
        "           kind: stock, numerator: population}\n"
        "  - {<<: *base, id: b, numerator: area_km2}\n"
        "  - {id: c, label: C, theme: governance, unit: indice, polarity: neutral,\n"
        "     kind: shannon, breakdown: &groups [x, y, z]}\n"
        "  - {id: d, label: D, theme: governance, unit: indice, polarity: neutral,\n"
        "     kind: hhi, breakdown: *groups}\n"
    )
    cat = load_catalogue(text)
    assert [(s.id, s.numerator) for s in cat.values()][:2] == [("a", "population"),
                                                               ("b", "area_km2")]  # fmt: skip
    assert cat["d"].breakdown == ("x", "y", "z")


def test_an_alias_inside_what_it_refers_to_is_refused():
    assert message("indicators: &loop [*loop]\n") == (
        "catalogue: line 1: the alias *loop is inside the list or mapping &loop it refers to, "
        "so it would repeat without end. Write the values out instead of the alias."
    )


DEEP = (
    "the YAML is nested more than 20 levels deep (counting what its aliases refer to), while "
    "a catalogue needs 5 (top level, indicators, entry, label, text). Remove the extra levels "
    "of lists or mappings."
)


def test_deep_nesting_is_refused_without_a_recursion_error():
    deep = "indicators: " + "[" * 100_000 + "]" * 100_000 + "\n"
    assert message(deep) == f"catalogue: line 1: {DEEP}"
    # just at the limit: parsed (then refused as a catalogue for its content, not its depth)
    assert MAX_YAML_DEPTH == 20
    fits = "[" * 18 + "1" + "]" * 18  # 20 levels with the top mapping and the number
    assert parse_yaml(f"a: {fits}")["a"] != []


def test_depth_gained_through_aliases_is_counted():
    # each line is 10 levels deep; each alias stacks one more 10 levels under the next
    text = "a: &a " + "[" * 9 + "1" + "]" * 9 + "\n"
    text += "b: &b " + "[" * 9 + "*a" + "]" * 9 + "\n"
    text += "c: " + "[" * 9 + "*b" + "]" * 9 + "\n"
    with pytest.raises(CatalogueError) as info:
        parse_yaml(text)
    assert str(info.value) == f"catalogue: line 3: {DEEP}"


def test_text_and_file_size_limits(tmp_path):
    text = "indicators: []\n" + "#" * MAX_YAML_CHARS
    assert message(text) == (
        f"catalogue: the text has {len(text):,} characters; a catalogue may have at most "
        "2,000,000 (the built-in one has about 16,000). Check that this is the catalogue you "
        "meant."
    )
    big = tmp_path / "big.yaml"
    big.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        read_catalogue_file(big)
    assert str(info.value) == (
        f"Catalogue file {str(big)!r} has more than 2,000,000 bytes, far more than a catalogue "
        "needs (the built-in one has about 16,000). Check that this is the catalogue you meant."
    )


def test_unreadable_files(tmp_path):
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("indicators: [é]\n".encode("latin-1"))
    with pytest.raises(CatalogueError) as info:
        read_catalogue_file(latin)
    assert str(info.value) == (
        f"Catalogue file {str(latin)!r} is not UTF-8 text (byte 13: invalid continuation "
        "byte). Save it as UTF-8."
    )
    with pytest.raises(CatalogueError) as info:
        load_catalogue(tmp_path)
    assert str(info.value) == (
        f"Catalogue file {str(tmp_path)!r} is a folder. Give the path of a YAML file."
    )
    # a device whose size says 0 is read up to the limit only
    with pytest.raises(CatalogueError, match="has more than 10 bytes"):
        read_catalogue_file("/dev/zero", max_bytes=10)


# --- tags and repeated keys ---------------------------------------------------------------


def test_python_tags_are_refused_and_never_run(tmp_path):
    witness = tmp_path / "ran"
    text = f"indicators:\n  - !!python/object/apply:os.system ['touch {witness}']\n"
    tag = "'!!python/object/apply:os.system'"
    assert message(text) == f"catalogue: line 2: the tag {tag} {TAG_FIX}"
    assert not witness.exists()
    text = "indicators:\n  - !!python/object:territorial.indicators.IndicatorSpec {id: a}\n"
    assert message(text) == (
        f"catalogue: line 2: the tag '!!python/object:territorial.indicators.IndicatorSpec' "
        f"{TAG_FIX}"
    )


@pytest.mark.parametrize(
    "value, tag",
    [
        ("!mine Population", "!mine"),
        ("!!binary aGVsbG8=", "!!binary"),
        ("!!set {a, b}", "!!set"),
        ("!!timestamp 2020-01-01", "!!timestamp"),
        ("!<tag:example.com,2024:x> A", "tag:example.com,2024:x"),
    ],
)
def test_non_standard_tags_are_refused(value, tag):
    assert message(entry_yaml(label=value)) == f"catalogue: line 3: the tag {tag!r} {TAG_FIX}"


def test_plain_standard_tags_and_dates_stay_usable():
    cat = load_catalogue(entry_yaml(label="!!str 2020", vintage="2020-01-01", decimals="!!int 1"))
    spec = cat["pop"]
    assert (spec.label["fr"], spec.vintage, spec.decimals) == ("2020", "2020-01-01", 1)
    assert load_catalogue(entry_yaml(vintage=2020, source=1999))["pop"].vintage == "2020"


def test_a_key_given_twice_is_refused():
    text = entry_yaml() + "    polarity: higher_is_better\n"
    assert message(text) == (
        "catalogue: line 9: the key 'polarity' is given twice in the same mapping, and YAML "
        "would keep only the last value. Remove one of them."
    )


# --- empty catalogues ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "the catalogue is empty. Write an 'indicators:' list: at least one entry with id, "
             "label, theme, unit, polarity, kind and its operands (the built-in ones are listed "
             "by `territorial catalogue`)."),
        ("# only a comment\n", "the catalogue is empty. Write an 'indicators:' list: at least "
         "one entry with id, label, theme, unit, polarity, kind and its operands (the built-in "
         "ones are listed by `territorial catalogue`)."),
        ("indicators: []\n", f"the catalogue lists no indicators, {EMPTY_FIX}"),
        ("indicators:\n", f"the catalogue lists no indicators, {EMPTY_FIX}"),
        ("name: mine\n", f"the catalogue has no 'indicators' list, {EMPTY_FIX}"),
        ("indicators: []\nlayers:\n  - {id: shops, type: points, label: Shops}\n",
         f"the catalogue lists no indicators, {EMPTY_FIX}"),
        ("- a\n- b\n", "the top level must be a mapping with an 'indicators' list, got a list "
         "(['a', 'b']). Start the file with 'indicators:'."),
        ("just words\n", "the top level must be a mapping with an 'indicators' list, got a str "
         "('just words'). Start the file with 'indicators:'."),
        ("indicators: pop\n", "'indicators' must be a list of entries, got a str ('pop')."),
        ("indicators: [1]\n", "catalogue (entry 1): each indicator must be a mapping, got 1."),
    ],
)  # fmt: skip
def test_empty_or_shapeless_catalogues(text, expected):
    got = message(text)
    assert got == expected if got.startswith("catalogue (") else got == f"catalogue: {expected}"


# --- types of every field -----------------------------------------------------------------

QUOTE_BOOL = "(YAML reads yes, no, on, off, true and false unquoted as true/false)"


@pytest.mark.parametrize(
    "changes, expected",
    [
        # label: text or a {fr, en} mapping of texts
        ({"label": "[A, B]"}, "label=['A', 'B'] must be a mapping with at least a 'fr' entry "
         "(e.g. label: {fr: Densité, en: Density})."),
        ({"label": "{en: Population}"}, "label={'en': 'Population'} must be a mapping with at "
         "least a 'fr' entry (e.g. label: {fr: Densité, en: Density})."),
        ({"label": "{fr: Population, de: Bevölkerung}"}, "label has the unknown languages "
         "'de'; the languages are fr and en (e.g. label: {fr: Densité, en: Density})."),
        ({"label": "{fr: Population, en: no}"},
         f"label en=False must be text; quote it in the YAML {QUOTE_BOOL}."),
        ({"label": "{fr: 12}"}, "label fr=12 must be text; quote it in the YAML."),
        ({"label": "{fr: Population, en: [a]}"}, "label en=['a'] must be text; quote it in "
         "the YAML."),
        ({"label": "{fr: }"}, "label fr is empty: write the French label (e.g. label: {fr: "
         "Densité, en: Density})."),
        ({"label": "{fr: ' '}"}, "label fr is empty: write the French label (e.g. label: {fr: "
         "Densité, en: Density})."),
        ({"label": "{fr: P, en: }"}, "label en is empty: write the English label, or leave "
         "'en' out."),
        # choices: text among the allowed values
        ({"polarity": "up"}, "polarity='up' is not known. Use one of: higher_is_better, "
         "higher_is_worse, neutral."),
        ({"polarity": "[higher_is_better]"}, "polarity=['higher_is_better'] is not known. Use "
         "one of: higher_is_better, higher_is_worse, neutral."),
        ({"theme": "{a: 1}"}, "theme={'a': 1} is not known. Use one of: demography, economy, "
         "society, environment, public_services, governance, safety."),
        ({"kind": "[stock]"}, "kind=['stock'] is not known. Use one of: stock, ratio, share, "
         "density, growth, median, unit_value, gini, theil, location_quotient, krugman, hhi, "
         "shannon."),
        ({"id": 12}, "id must be lower case letters, digits and '_' (e.g. 'density')."),
        # decimals: a whole number, not a bool, a float or a text
        ({"decimals": 1.5}, "decimals=1.5 must be a whole number from 0 to 10 (e.g. "
         "decimals: 1)."),
        ({"decimals": "true"}, "decimals=True must be a whole number from 0 to 10 (e.g. "
         "decimals: 1)."),
        ({"decimals": "'1'"}, "decimals='1' must be a whole number from 0 to 10 (e.g. "
         "decimals: 1)."),
        ({"decimals": -1}, "decimals=-1 must be a whole number from 0 to 10 (e.g. decimals: 1)."),
        # operands: names of columns
        ({"numerator": 5}, "numerator=5 must be the name of a component column or of a stock "
         "indicator, or several names joined with ' + ' (e.g. numerator: councillors_employees "
         "+ councillors_workers)."),
        ({"numerator": "a + + b"}, "numerator='a + + b' must be the name of a component column "
         "or of a stock indicator, or several names joined with ' + ' (e.g. numerator: "
         "councillors_employees + councillors_workers)."),
        ({"numerator": "[a, b]"}, "numerator=['a', 'b'] must be the name of a component "
         "column or of a stock indicator, or several names joined with ' + ' (e.g. numerator: "
         "councillors_employees + councillors_workers)."),
        # texts
        ({"source": "[INSEE]"}, "source=['INSEE'] must be text; quote it in the YAML."),
        ({"vintage": "true"}, "vintage=True must be text; quote it in the YAML."),
        ({"vintage": 2017.5}, "vintage=2017.5 must be text; quote it in the YAML."),
        ({"why": 42}, "why=42 must be text; quote it in the YAML."),
        ({"formula": "{a: b}"}, "formula={'a': 'b'} must be text; quote it in the YAML."),
    ],
)  # fmt: skip
def test_indicator_field_types(changes, expected):
    spec_id = repr(changes.get("id", "pop"))
    assert message(entry_yaml(**changes)) == f"Indicator {spec_id}: {expected}"


RATIO = {"kind": "ratio", "unit": "indice", "denominator": "area_km2"}
GROWTH = {"kind": "growth", "unit": "'%/an'", "start": "a", "end": "b", "numerator": "~"}
LQ = {"kind": "location_quotient", "unit": "indice", "numerator": "~"}


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({**RATIO, "scale": "'10000'"}, "scale='10000' must be a positive number (e.g. scale: "
         "10000 for a rate per 10 000 inhabitants)."),
        ({**RATIO, "scale": "true"}, "scale=True must be a positive number (e.g. scale: 10000 "
         "for a rate per 10 000 inhabitants)."),
        ({**RATIO, "scale": 0}, "scale=0 must be a positive number (e.g. scale: 10000 for a "
         "rate per 10 000 inhabitants)."),
        ({**RATIO, "scale": ".inf"}, "scale=inf must be a positive number (e.g. scale: 10000 "
         "for a rate per 10 000 inhabitants)."),
        ({**GROWTH, "years": "yes"}, "years=True must be a positive number of years (e.g. "
         "years: 13)."),
        ({**GROWTH, "years": ".nan"}, "years=nan must be a positive number of years (e.g. "
         "years: 13)."),
        ({**GROWTH, "years": "'13'"}, "years='13' must be a positive number of years (e.g. "
         "years: 13)."),
        ({**LQ, "breakdown": "a b", "category": "a"}, "breakdown='a b' must list at least two "
         "columns (e.g. breakdown: [jobs_industry, jobs_services])."),
        ({**LQ, "breakdown": "[a, 3]", "category": "a"}, "breakdown: 3 must be the name of a "
         "column (e.g. breakdown: [jobs_industry, jobs_services])."),
        ({**LQ, "breakdown": "[a, b, a]", "category": "a"}, "breakdown lists 'a' twice; list "
         "each column once."),
        ({**LQ, "breakdown": "[a, b]", "category": 3}, "category=3 must be a name (text, e.g. "
         "category: age)."),
        ({"kind": "median", "unit": "ans", "numerator": "~", "column": "age",
          "records": "[councillors]"},
         "records=['councillors'] must be a name (text, e.g. records: age)."),
    ],
)  # fmt: skip
def test_indicator_number_and_list_types(changes, expected):
    assert message(entry_yaml(**changes)) == f"Indicator 'pop': {expected}"


def test_python_specs_get_the_same_checks():
    with pytest.raises(CatalogueError) as info:
        IndicatorSpec(**{**GOOD, "label": {"fr": "P"}, "decimals": True})
    assert str(info.value) == (
        "Indicator 'pop': decimals=True must be a whole number from 0 to 10 (e.g. decimals: 1)."
    )
    with pytest.raises(CatalogueError) as info:
        IndicatorSpec(**{**GOOD, "label": {"fr": "P"}, "extra": ["x"]})
    assert str(info.value) == "Indicator 'pop': extra=['x'] must be a mapping (e.g. extra={})."
    with pytest.raises(CatalogueError) as info:
        IndicatorSpec(**{**GOOD, "label": {"fr": "P" * 500}, "polarity": "x" * 500})
    # a huge bad value is shown cut short
    assert str(info.value) == (
        f"Indicator 'pop': polarity='{'x' * 27}...{'x' * 28}' is not known. Use one of: "
        "higher_is_better, higher_is_worse, neutral."
    )


LAYER = "  - {id: shops, type: points, label: Shops}\n"


@pytest.mark.parametrize(
    "layer, expected",
    [
        ("  - {id: shops, type: [points], label: Shops}\n",
         "type=['points'] is not known. Use one of: points, raster, zones."),
        ("  - {id: shops, type: points, label: [Shops]}\n",
         "label=['Shops'] must be a mapping with at least a 'fr' entry (e.g. label: {fr: "
         "Densité, en: Density})."),
        ("  - {id: shops, type: points, label: {fr: Commerces, en: off}}\n",
         f"label en=False must be text; quote it in the YAML {QUOTE_BOOL}."),
        ("  - {id: shops, type: points, label: Shops, source: [a]}\n",
         "source=['a'] must be text; quote it in the YAML."),
        ("  - {id: shops, type: points, label: Shops, vintage: {a: 1}}\n",
         "vintage={'a': 1} must be text; quote it in the YAML."),
        ("  - {id: shops, type: points, label: Shops, weight: [a]}\n",
         "weight=['a'] must be the name of a column."),
        ("  - {id: grid, type: zones, label: Grid, extensive: 5}\n",
         "extensive=5: a zones layer needs 'extensive', the list of columns of counts to "
         "interpolate (e.g. extensive: [jobs]). Note: intensive variables (rates, densities) "
         "are not additive: interpolate their numerator and denominator as extensive columns "
         "and make a ratio indicator of the two."),
        ("  - {id: grid, type: zones, label: Grid, extensive: [jobs, jobs]}\n",
         "extensive lists 'jobs' twice; list each column once."),
        ("  - {id: grid, type: zones, label: Grid, extensive: [jobs], weights: [area]}\n",
         "weights=['area'] must be 'area' or 'population'."),
        ("  - {id: land, type: raster, label: Land, classes: {.nan: urban}}\n",
         "classes: the raster value nan must be a number."),
        ("  - {id: land, type: raster, label: Land, classes: {true: urban}}\n",
         "classes: the raster value True must be a number."),
    ],
)  # fmt: skip
def test_layer_field_types(layer, expected):
    layer_id = layer.split("id: ")[1].split(",")[0]
    got = message(entry_yaml() + "layers:\n" + layer)
    assert got == f"Layer {layer_id!r}: {expected}"


def test_layer_vintage_as_a_year_is_text_and_python_layers_are_checked():
    cat = load_catalogue(entry_yaml() + "layers:\n  - {id: a, type: points, label: A, "
                         "vintage: 2020}\n")  # fmt: skip
    assert cat.layers[0].vintage == "2020"
    with pytest.raises(CatalogueError) as info:
        LayerSpec(id="a", type="points", label={"fr": "A"}, vintage=2020)  # type: ignore[arg-type]
    assert str(info.value) == "Layer 'a': vintage=2020 must be text; quote it in the YAML."


@pytest.mark.parametrize(
    "top, expected",
    [
        ("name: [a]\n", "name=['a'] must be text."),
        ("description: 3\n", "description=3 must be text."),
        ("layers: shops\n", "'layers' must be a list of mappings, got str."),
    ],
)
def test_top_level_types(top, expected):
    assert message(top + entry_yaml()) == f"catalogue: {expected}"


# --- the commands, end to end -------------------------------------------------------------


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    cli_indicators.register(app)
    return app


BAD_FILES = {
    "bomb.yaml": (BOMB, BOMB_MESSAGE),
    "tag.yaml": ("indicators:\n  - !!python/object/apply:os.system [echo hacked]\n",
                 f"line 2: the tag '!!python/object/apply:os.system' {TAG_FIX}"),
    "empty.yaml": ("indicators: []\n", f"the catalogue lists no indicators, {EMPTY_FIX}"),
    "blank.yaml": ("\n", "the catalogue is empty. Write an 'indicators:' list: at least one "
                   "entry with id, label, theme, unit, polarity, kind and its operands (the "
                   "built-in ones are listed by `territorial catalogue`)."),
    "types.yaml": (entry_yaml(decimals=1.5), "decimals=1.5 must be a whole number from 0 to "
                   "10 (e.g. decimals: 1)."),
}  # fmt: skip


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("filename", sorted(BAD_FILES))
@pytest.mark.parametrize("command", ["catalogue", "indicators"])
def test_commands_refuse_bad_catalogues(app, tmp_path, command, filename):
    text, expected = BAD_FILES[filename]
    path = tmp_path / filename
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out.csv"
    args = ["--catalogue", str(path), "-o", str(out)]
    if command == "indicators":
        args = ["indicators", "france:region", *args]
    else:
        args = ["catalogue", *args]
    result = CliRunner().invoke(app, args)
    prefix = "Indicator 'pop': " if filename == "types.yaml" else f"{filename}: "
    assert result.exit_code == 2, result.output
    assert one_line(result.output) == one_line(f"error: {prefix}{expected}")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [path]  # no output, no temporary left


def _limit_memory() -> None:
    # a regression would fail with a MemoryError instead of taking the machine's memory
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


def test_the_installed_command_refuses_the_bomb_in_a_process_of_its_own(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")
    out = tmp_path / "x.csv"
    code = "import sys; from territorial.cli import main; sys.argv[0] = 'territorial'; main()"
    args = ["indicators", "france:region", "--catalogue", str(path), "-o", str(out)]
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        preexec_fn=_limit_memory,
        check=False,
        timeout=300,
    )
    assert result.returncode == 2, result.stderr
    assert one_line(result.stderr) == one_line(f"error: bomb.yaml: {BOMB_MESSAGE}")
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not out.exists()


def test_built_in_catalogue_is_far_within_the_limits():
    from territorial.france.indicators import catalogue_text

    text = catalogue_text()
    assert len(text) < MAX_YAML_CHARS / 25  # about 40,000 characters for 65 indicators
    assert len(load_catalogue(text)) == 59 + 6  # + the land-cover shares
