"""Diagnoses of real France territories: sentences checked against the indicator table, CLI."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from territorial.diagnose.diagnosis import Diagnosis, diagnose
from territorial.diagnose.sentences import decile_text, finding_sentence, gap_kind
from territorial.errors import InvalidArgumentError, TerritoryNotFoundError
from territorial.format import auto_decimals
from territorial.france.diagnose import france_diagnosis_set

pytestmark = pytest.mark.realdata


def _ids() -> list[str]:
    """Indicators of the catalogue that need no road-accident download, stocks left out."""
    from territorial.france import france_catalogue

    cat = france_catalogue()
    return [i for i in cat if cat[i].theme != "safety" and cat[i].kind != "stock"]


@pytest.fixture(scope="module")
def departements():
    from territorial.france import compute_france
    from territorial.france.data import load_france

    result = france_diagnosis_set("departement", indicators=_ids(), permutations=99, seed=5)
    table = compute_france("departement", indicators=_ids())  # computed independently
    regions = compute_france("region", indicators=_ids()).values
    france = compute_france("france", indicators=_ids()).values
    parents = load_france("departement", progress=False)["region"]
    return result, table, regions, parents, france


def _number(text: str, lang: str) -> float:
    text = text.replace("\u202f", "").replace("\u00a0", "").replace("\u2212", "-")
    text = text.replace(",", ".") if lang == "fr" else text.replace(",", "")
    return float(text)


NUM = r"[-\u2212]?[\d\u202f,.]+"


def _decimals(shown: str, lang: str) -> int:
    point = "," if lang == "fr" else "."
    return len(shown.split(point)[1]) if point in shown else 0


def _close(shown: str, expected: float, lang: str) -> bool:
    """True if the displayed number is ``expected`` rounded to the shown decimals."""
    shown = shown.rstrip(",.")
    point = "," if lang == "fr" else "."
    decimals = len(shown.split(point)[1]) if point in shown else 0
    return abs(_number(shown, lang) - expected) <= 0.5 * 10**-decimals + 1e-9


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_sentence_has_the_numbers_of_the_indicator_table(departements, lang):
    result, table, _, _, france = departements
    out = result.table(lang=lang)
    decisive = result.comparison.decisive_reference
    names = {
        "region": {"fr": "la valeur régionale", "en": "the regional value"},
        "france": {"fr": "la valeur nationale", "en": "the national value"},
    }
    catalogue = table.catalogue
    labels = {catalogue[i].label_in(lang): i for i in result.comparison.values.columns}
    peers = result.comparison.peer_group
    checked = 0
    for code, row in out.iterrows():
        for sentence in row["strengths"] + row["weaknesses"] + row["traits"]:
            sep = "\u00a0: " if lang == "fr" else ": "
            label, rest = sentence.split(sep, 1)
            indicator = labels[label]
            spec = catalogue[indicator]
            value = float(table.values.loc[code, indicator])
            # 1. the value, as displayed, within its rounding
            assert _close(re.match(NUM, rest).group(0), value, lang)
            # 2. the gap to the national value: the rule's reference (the peers are national)
            assert decisive[code] == "france"
            ref = float(france.iloc[0][indicator])
            if re.search("au-dessus|en dessous|au niveau|above|below|in line", rest):
                assert names[decisive[code]][lang] in rest
            if spec.kind != "stock" and not math.isnan(ref):
                # the reference, shown with the value's decimals, after its name
                decimals = spec.decimals if spec.decimals is not None else auto_decimals(value)
                m = re.search(rf"{names[decisive[code]][lang]} \(({NUM})", rest)
                assert m, sentence
                assert _close(m.group(1), ref, lang)
                assert _decimals(m.group(1), lang) == decimals
                shown_v = float(f"{value:.{decimals}f}")
                shown_r = float(f"{ref:.{decimals}f}")
                in_line = "au niveau" in rest or "in line" in rest
                kind = gap_kind(spec.unit)
                times = re.search(rf"({NUM}) (fois|times)", rest)
                if kind != "relative":  # points or years: the difference of the shown numbers
                    word = r" (points?|ans?|years?)"
                    g = re.search(rf"({NUM}){word} (au-dessus|en dessous|above|below)", rest)
                    assert (g is None) == in_line, sentence
                    diff = round(shown_v - shown_r, decimals)
                    if in_line:
                        assert diff == 0
                    else:
                        assert _number(g.group(1), lang) == pytest.approx(abs(diff), abs=1e-9)
                        assert _decimals(g.group(1), lang) == decimals
                        assert (g.group(3) in ("au-dessus", "above")) == (diff > 0)
                elif shown_r == 0:  # no relative gap to 0 (Krugman of France vs France)
                    g = re.search(rf"({NUM}) (au-dessus|en dessous|above|below)", rest)
                    assert g is not None, sentence
                    assert _close(g.group(1), abs(shown_v), lang)
                elif times:  # 2 times the reference or more
                    assert shown_v / shown_r >= 2 and _close(
                        times.group(1), shown_v / shown_r, lang
                    )
                else:
                    g = re.search(rf"({NUM})\u00a0?% (au-dessus|en dessous|above|below)", rest)
                    assert (g is None) == in_line, sentence
                    size = abs(shown_v / shown_r - 1) * 100
                    if in_line:
                        assert size < 0.05, sentence
                    else:
                        assert _close(g.group(1), size, lang)
                        assert (g.group(2) in ("au-dessus", "above")) == (shown_v > shown_r)
            # 3. the decile among peers, recomputed from the table
            group = table.values.loc[peers[peers == peers[code]].index, indicator].dropna()
            rank = (group < value).sum() + ((group == value).sum() + 1) / 2
            decile = min(10, math.floor((rank - 0.5) / len(group) * 10) + 1)
            assert decile_text(decile, lang) in rest
            checked += 1
    assert checked > 100


def test_diagnosis_of_one_territory(departements):
    result = departements[0]
    d = result.diagnosis("29", lang="en")
    assert isinstance(d, Diagnosis) and d.name == "Finistère"
    payload = json.loads(json.dumps(d.to_dict()))
    assert payload["code"] == "29" and payload["type"] == d.type
    assert set(payload["lisa"]) <= set(result.comparison.values.columns)
    for indicator, cluster in d.lisa.items():
        assert result.lisa.clusters.loc["29", indicator] == cluster
        assert result.lisa.p_sim.loc["29", indicator] < 0.05
    text = str(d)
    assert text.startswith("Finistère (29)") and "Strengths" in text
    assert all(s in text for s in d.strengths + d.weaknesses + d.traits)
    with pytest.raises(TerritoryNotFoundError) as err:
        result.diagnosis("2A0")
    assert str(err.value) == (
        "No territory matches '2A0' in the 101 diagnosed territories. "
        "Check the spelling, or search with territorial.lookup(gdf, query)."
    )


@pytest.mark.parametrize("code", ["971", "972", "973", "974"])
def test_overseas_departements_are_compared_to_france(departements, code):
    """Alone in their région, whose value is theirs: compared to France, as every
    département is (the rule's reference is France's value).

    Mayotte (976) is left out: without a population it has no size class, so it
    is alone in the peer group "unknown" and ranks 0.5 everywhere.
    """
    result, parents = departements[0], departements[3]
    assert (parents == parents[code]).sum() == 1
    assert result.comparison.decisive_reference[code] == "france"
    d = result.diagnosis(code, lang="fr")
    sentences = d.strengths + d.weaknesses + d.traits
    assert sentences, f"no finding for {code}"
    for sentence in sentences:
        if re.search("au-dessus|en dessous|au niveau", sentence):
            assert "la valeur nationale" in sentence and "régionale" not in sentence
    en = result.diagnosis(code, lang="en")
    assert any("the national value" in s for s in en.strengths + en.weaknesses + en.traits)
    assert all(
        f["references"]["region"] == pytest.approx(f["value"], nan_ok=True) for f in d.findings
    )
    # no neighbour on its land mass: isolated, never a cluster with another island
    assert d.isolated and d.lisa == {}
    assert {f["lisa"] for f in d.findings} <= {"Isolated", "No data"}
    assert "territoire isolé" in str(d)


def test_departements_are_compared_to_france_and_keep_their_region(departements):
    """The rule's gap is to France's value for every département; the régional value stays
    in the findings and the long table."""
    result, _, regions, parents, _ = departements
    decisive = result.comparison.decisive_reference
    assert set(decisive) == {"france"} and result.comparison.primary_reference == "france"
    finding = next(
        f for f in result.diagnosis("29").findings if f["indicator"] == "unemployment_rate"
    )
    assert finding["references"]["region"] == pytest.approx(
        regions.loc[parents["29"], "unemployment_rate"]
    )


def test_table_columns_for_the_web_map(departements):
    out = departements[0].table(lang="fr")
    assert len(out) == 101
    for column in ("name", "strengths", "weaknesses", "traits", "lisa", "type"):
        assert column in out.columns
    assert all(isinstance(v, list) for v in out["strengths"])
    assert "density__percentile" in out.columns and "density__lisa" in out.columns


def test_sentence_wording_both_languages():
    common = dict(label="X", value=44.0, unit="%", decimals=0, relative_gap=0.07,
                  reference_level="region", decile=1, level="epci", comparable=True)  # fmt: skip
    assert finding_sentence(gap=1.5, lang="fr", **common) == (
        "X\u00a0: 44\u00a0%, 1,5 point au-dessus de la valeur régionale, "
        "1er décile des EPCI comparables"
    )
    assert finding_sentence(gap=-3.0, lang="en", **common) == (
        "X: 44%, 3.0 points below the regional value, 1st decile of comparable EPCIs"
    )
    assert finding_sentence(gap=0.01, lang="en", **common).startswith(
        "X: 44%, in line with the regional value"
    )
    assert [decile_text(d, "en") for d in (1, 2, 3, 4, 10)] == [
        "1st decile", "2nd decile", "3rd decile", "4th decile", "10th decile",
    ]  # fmt: skip


def test_island_communes_are_isolated_at_commune_level():
    """Île-de-Sein and Ouessant: no neighbour on their island, so the spatial status says
    "Isolated" (no statistic tied to the mainland); every other Breton commune has one."""
    from territorial.diagnose.weights import contiguity_weights
    from territorial.france import compute_france
    from territorial.france.data import load_france

    communes = load_france("commune", progress=False)
    communes = communes[communes["departement"] == "29"]
    table = compute_france("commune", indicators=["women_councillors_share", "density"])
    values = table.values.reindex(communes.index)
    d = diagnose(values, table.catalogue, weights=contiguity_weights(communes),
                 lisa_kwds={"permutations": 99})  # fmt: skip
    for code in ("29083", "29155"):
        assert (d.lisa.clusters.loc[code] == "Isolated").all()
        assert d.diagnosis(code).isolated
        assert np.isfinite(d.comparison.percentile.loc[code]).all()  # still ranked
    others = values.index.difference(d.spec["isolated"])
    assert np.isfinite(d.lisa.Is.loc[others, "density"].astype(float)).all()


def _app():
    import typer

    from territorial.cli import diagnose as cli

    app = typer.Typer()
    cli.register(app)

    @app.command("noop")
    def noop() -> None:  # a second command keeps "diagnose" as a sub-command
        pass

    return app


def test_cli_all_writes_a_csv(tmp_path):
    out = tmp_path / "diag.csv"
    result = CliRunner().invoke(
        _app(),
        [
            "diagnose",
            "france:region",
            "--all",
            "-o",
            str(out),
            "--permutations",
            "99",
            "--indicators",
            ",".join(_ids()),
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, dtype={"code": str})
    assert len(table) == 18 and {"strengths", "weaknesses", "lisa"} <= set(table.columns)


def test_cli_json_in_english():
    result = CliRunner().invoke(
        _app(), ["diagnose", "france:region", "53", "--json", "--lang", "en",
                 "--permutations", "99", "--indicators", ",".join(_ids())],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["name"] == "Bretagne" and payload["lang"] == "en"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["france:pays", "1"], "SOURCE='france:pays' is not valid: expected france:LEVEL with "
         "LEVEL one of commune, canton, circonscription, epci, departement, region. "
         "For example: territorial diagnose france:epci 200046977."),
        (["france:region"], "CODE=None is not valid: expected either a territory code or --all. "
         "Give one code (territorial diagnose france:epci 200046977) or --all -o FILE."),
        (["france:region", "--all"], "--output=None is not valid: expected a .csv or .json "
         "file with --all. Add -o diag.csv."),
        (["france:region", "--all", "-o", "x.txt"], "--output='x.txt' has an unsupported "
         "format. Use a file ending in one of: .csv, .json."),
        (["france:region", "53", "--lang", "de"], "--lang='de' is not valid: expected one of "
         "fr, en. Use e.g. --lang fr."),
    ],
)  # fmt: skip
def test_cli_errors(args, message):
    result = CliRunner().invoke(_app(), ["diagnose", *args])
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == f"error: {message}"


def test_france_diagnosis_errors():
    with pytest.raises(InvalidArgumentError) as err:
        france_diagnosis_set("arrondissement", indicators=["density"])
    assert str(err.value) == (
        "level='arrondissement' is not valid: expected 'commune', 'canton', 'circonscription', "
        "'epci', 'departement', 'region'. Indicators are computed from communes upwards; pick "
        "one of these levels."
    )
    with pytest.raises(InvalidArgumentError) as err:
        france_diagnosis_set("region", indicators=["density"], peers="population", lisa=False)
    assert str(err.value) == (
        "peers='population' is not valid: expected 'size', 'all', 'type' or a Series of peer "
        "groups. Pass peers='size' (same population class), 'all', 'type' (same k-means "
        "type), or your own grouping."
    )


def test_smoothing_leaves_out_ratios_that_are_not_counts():
    """The mean distance to the prefecture is a weighted mean, not events / exposure."""
    ids = ["mean_distance_prefecture", "women_councillors_share"]
    raw = france_diagnosis_set("departement", indicators=ids, lisa=False)
    smooth = france_diagnosis_set("departement", indicators=ids, lisa=False, smooth=True)
    report = smooth.spec["sources"]["smoothed"]
    assert report["indicators"] == ["women_councillors_share"]
    assert report["not_smoothed"] == ["mean_distance_prefecture"]
    values, smoothed = raw.comparison.values, smooth.comparison.values
    pd.testing.assert_series_equal(
        smoothed["mean_distance_prefecture"], values["mean_distance_prefecture"]
    )
    assert not np.allclose(
        smoothed["women_councillors_share"].dropna(), values["women_councillors_share"].dropna()
    )


@pytest.mark.realdata
def test_peers_of_the_same_type():
    from territorial.diagnose.typology import typology

    ids = ["density", "women_councillors_share", "median_age_councillors"]
    result = france_diagnosis_set("departement", indicators=ids, peers="type", lisa=False)
    values = result.comparison.values
    expected = typology(values, k=6, seed=0).labels
    groups = result.comparison.peer_group.reindex(expected.index)
    assert (groups.astype(str) == expected.astype(str)).all()
    # the percentile of a département is its rank among the départements of its own type
    code = "69"
    mates = expected[expected == expected[code]].index
    column = values.loc[mates, "density"]
    rank = (column < column[code]).sum() + 0.5 * ((column == column[code]).sum() - 1) + 0.5
    assert result.comparison.percentile.loc[code, "density"] == pytest.approx(rank / len(mates))


@pytest.mark.realdata
def test_composite_command(tmp_path):
    from typer.testing import CliRunner

    from territorial.cli import app

    out = tmp_path / "composite.csv"
    result = CliRunner().invoke(app, ["composite", "france:departement", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"101 territories, 3 profiles written to {out}" in result.output
    frame = pd.read_csv(out, dtype={"code": str}).set_index("code")
    assert frame.loc["69", "name"] == "Rhône"
    ranks = frame[[c for c in frame.columns if c.startswith("rank_") and c != "rank_range"]]
    for profile in ranks.columns:
        # rank 1 = the highest score, ranks are 1..n
        scores = frame["score_" + profile.removeprefix("rank_")]
        ranked = ranks[profile].dropna()
        assert ranked.index.equals(scores.dropna().index)  # no score (Mayotte), no rank
        assert sorted(ranked) == list(range(1, len(ranked) + 1))
        assert scores.idxmax() == ranked.idxmin()
    spread = ranks.max(axis=1) - ranks.min(axis=1)
    assert (frame["rank_range"].dropna() == spread[frame["rank_range"].notna()]).all()
    before = out.read_bytes()
    bad = CliRunner().invoke(
        app, ["composite", "france:departement", "-o", str(out), "--normalisation", "mean"]
    )
    assert bad.exit_code == 2
    assert " ".join(bad.output.split()) == (
        "error: --normalisation='mean' is not valid: expected one of minmax, zscore, rank. "
        "Use e.g. --normalisation minmax."
    )
    assert out.read_bytes() == before  # the bad option is refused before anything is written


# ---- what is never published, and why ---------------------------------------------------

#: Councillor indicators and the records each one's count is made of.
COUNCILLOR_COUNTS = {
    "councillors": lambda r: r["unit"].notna(),
    "women_councillors_share": lambda r: r["unit"].notna(),
    "women_mayors_share": lambda r: r["mayor"],
    "median_age_councillors": lambda r: r["age"].notna(),
    "median_age_mayors": lambda r: r["mayor"] & r["age"].notna(),
    "share_councillors_under_40": lambda r: r["age"].notna(),
    "share_councillors_farmers": lambda r: r["pcs_group"].notna(),
    "shannon_councillors_pcs": lambda r: r["pcs_group"].notna(),
    "lq_councillors_farmers": lambda r: r["pcs_group"].notna(),
}


@pytest.mark.parametrize("level", ["commune", "epci"])
def test_no_councillor_figure_rests_on_fewer_than_five_persons(level):
    """Counted here from the anonymous records: a value is published iff its records in the
    territory number 5 or more (or it is undefined anyway)."""
    from territorial.france import compute_france, france_catalogue
    from territorial.france.data import load_france
    from territorial.france.indicators import load_france_records

    records = load_france_records()["councillors"]
    if level != "commune":
        to_level = load_france("commune", progress=False)[level]
        records = records.assign(unit=records["unit"].map(to_level))
    catalogue = france_catalogue()
    persons = [
        i
        for i in catalogue
        if catalogue[i].count
        in ("councillors", "mayors", "councillors_age_known", "councillors_pcs_known")
    ]
    assert set(COUNCILLOR_COUNTS) <= set(persons) and len(persons) == 12  # fmt: skip
    table = compute_france(level, indicators=persons)
    for indicator in persons:
        rule = COUNCILLOR_COUNTS.get(indicator, lambda r: r["pcs_group"].notna())
        counted = records[rule(records).to_numpy()].groupby("unit").size()
        n = counted.reindex(table.values.index).fillna(0)
        value, withheld = table.values[indicator], table.withheld[indicator]
        if level == "commune":  # the communes without geometry: councillor counts unknown
            known = table.values.index.difference(["15031", "15035", "15047", "15171"])
            n, value, withheld = n[known], value[known], withheld[known]
        assert value[n < 5].isna().all(), indicator
        assert value[n >= 5].notna().all(), indicator
        # withheld where a value would exist (a stock of 0 does; a share of nobody not)
        exists = n >= 0 if catalogue[indicator].kind == "stock" else n > 0
        pd.testing.assert_series_equal(withheld, (n < 5) & exists, check_names=False)
    # a commune's mayor is one person: never a share of women or a median age of mayors
    if level == "commune":
        mayors = records[records["mayor"]].groupby("unit").size()
        assert table.values[["women_mayors_share", "median_age_mayors"]].isna().all().all()
        drawn = table.values.index.difference(["15031", "15035", "15047", "15171"])
        assert table.report["withheld"]["women_mayors_share"] == int(
            mayors.reindex(drawn).notna().sum()
        )


def test_the_diagnosis_says_what_is_withheld_and_why():
    result = france_diagnosis_set("epci", indicators=_ids(), permutations=99)
    table = result.table(lang="fr")
    withheld = result.withheld
    for code in table.index[:400]:
        hidden = [i for i in withheld.columns if withheld.loc[code, i]]
        assert table.loc[code, "withheld"] == hidden
        notes = table.loc[code, "notes"]
        said = sum(
            int(re.match(r"(\d+) indicateur", n).group(1))
            for n in notes
            if "sans valeur pour" not in n  # the values missing from the sources, not withheld
        )
        assert said == len(hidden)
        lacking = [n for n in notes if "sans valeur pour" in n]
        if table.loc[code, "missing"]:
            assert len(lacking) == 1 and lacking[0].startswith(
                f"{len(table.loc[code, 'missing'])} indicateur"
            )
        else:
            assert not lacking
    # an EPCI of fewer than 5 communes: its mayors' figures are withheld, and said so
    small = [c for c in table.index if "women_mayors_share" in table.loc[c, "withheld"]]
    assert len(small) == 26
    d = result.diagnosis(small[0], lang="en")
    assert "Withheld (fewer than 5 persons: statistical confidentiality)" in d.notes[0]
    assert not any(s.startswith("Share of women among mayors") for s in d.traits)


def _accidents_available():
    from territorial.errors import DataFetchError
    from territorial.france.accidents import load_road_accidents

    try:
        load_road_accidents()
    except DataFetchError:
        pytest.skip("road-accident data not cached (territorial fetch france-road-accidents)")


SAFETY = ["road_accidents_rate", "road_deaths_rate", "road_accidents_change",
          "road_deaths_change"]  # fmt: skip


@pytest.mark.parametrize("code", ["48095", "23096"])
def test_a_handful_of_road_deaths_is_no_finding(code):
    """Mende and Guéret: 2 deaths in 2005-2007, none in 2018-2020 (-100 %/year): withheld,
    and so are their death rates; the reason is said."""
    _accidents_available()
    from territorial.france import compute_france

    table = compute_france("commune", indicators=SAFETY)
    deaths = table.components("road_deaths_change").loc[code]
    assert deaths["start"] * 3 == pytest.approx(2.0) and deaths["end"] == 0
    assert table.withheld.loc[code, ["road_deaths_change", "road_deaths_rate"]].all()
    result = france_diagnosis_set("commune", indicators=[*SAFETY, "density"], lisa=False)
    d = result.diagnosis(code)
    sentences = d.strengths + d.weaknesses + d.traits
    assert not any("tués" in s for s in sentences)
    assert not any("-100" in s for s in sentences)
    assert "road_deaths_change" in d.withheld
    assert any("trop peu d'événements" in n for n in d.notes)


def test_no_road_finding_rests_on_fewer_events_than_its_minimum():
    """For every EPCI, the events behind a published road value, counted here from the
    yearly averages (3 years each), reach the catalogue's minimum; modest ones are noted."""
    _accidents_available()
    from territorial.france import compute_france, france_catalogue

    cat = france_catalogue()
    table = compute_france("epci", indicators=SAFETY)
    result = france_diagnosis_set("epci", indicators=SAFETY, lisa=False)
    out = result.table(lang="fr")
    for indicator in SAFETY:
        parts = table.components(indicator)
        summed = parts["numerator"] if "numerator" in parts else parts["start"] + parts["end"]
        events = (3 * summed).round(6)  # yearly averages over 3 years
        least = cat[indicator].min_count
        published = table.values[indicator].notna()
        assert (events[published] >= least).all(), indicator
        assert not table.withheld[indicator][events >= least].any(), indicator
        assert table.withheld[indicator].sum() > 100  # most EPCI: too few deaths
        label = cat[indicator].label["fr"]
        for code, row in out.iterrows():
            for sentence in row["strengths"] + row["weaknesses"]:
                if sentence.startswith(label + "\u00a0:"):
                    noted = "à lire avec prudence" in sentence
                    assert noted == (events[code] < 5 * least), sentence
                    if noted:
                        assert f"repose sur {events[code]:.0f} " in sentence.replace("\u202f", "")


def test_trivial_values_are_withheld_and_unknown_is_not_zero():
    """A share of communes for one commune (0 or 100 %), the prefecture's distance to
    itself, and Paris's town-hall website, unknown in the annuaire, not 0."""
    from territorial.france import compute_france
    from territorial.france.data import load_france
    from territorial.france.indicators import load_france_components
    from territorial.france.tables import read_france_raw_tables

    ids = ["share_pop_10k", "share_townhall_website", "mean_distance_prefecture"]
    communes = compute_france("commune", indicators=ids)
    for indicator in ("share_pop_10k", "share_townhall_website"):
        assert communes.values[indicator].isna().all()
    # the prefectures, from the raw table of départements (chef-lieu ids)
    raw = read_france_raw_tables()
    by_id = raw["communes_raw"].set_index("id")["code"]
    prefectures = set(by_id.reindex(raw["departements"]["chef_lieu_id"]).dropna())
    assert len(prefectures) == 101
    hidden = communes.withheld["mean_distance_prefecture"]
    assert set(hidden[hidden].index) == prefectures & set(hidden[hidden].index)
    assert len(prefectures - set(hidden[hidden].index)) <= 1  # Paris: no distance at all
    assert communes.values["mean_distance_prefecture"].dropna().min() > 0
    # Paris: missing from the annuaire, website unknown (not 0)
    comp = load_france_components()
    assert np.isnan(comp.loc["75056", "townhall_website"])
    departements = compute_france("departement", indicators=ids)
    assert np.isnan(departements.values.loc["75", "share_townhall_website"])
    # 44 communes missing from the annuaire, and the 4 communes without geometry
    assert departements.report["partial_scope"]["share_townhall_website"] == 44 + 4
    # a département's share counts only communes whose town hall is in the annuaire
    com = load_france_components()
    dep = load_france("commune", progress=False)["departement"]
    known = com["townhall_website"].notna()
    expected = com.loc[known, "townhall_website"].groupby(dep[known]).mean() * 100
    pd.testing.assert_series_equal(
        departements.values["share_townhall_website"].dropna(),
        expected.reindex(departements.values["share_townhall_website"].dropna().index),
        check_names=False, check_index_type=False,
    )  # fmt: skip


def test_departements_get_more_than_two_size_classes():
    from territorial.france.data import load_france

    result = france_diagnosis_set("departement", indicators=["density"], lisa=False)
    groups = result.comparison.peer_group
    counts = groups[groups != "unknown"].value_counts()
    assert len(counts) == 4 and counts.min() >= 15
    # population quartiles: every département of a class is between its limits
    pop = load_france("departement", progress=False)["population"]
    order = sorted(counts.index, key=lambda label: float(label.split("-")[0].rstrip("+")))
    assert pop[groups == order[0]].max() < pop[groups == order[1]].min()
    assert pop[groups == order[2]].max() < pop[groups == order[3]].min()


def test_cli_one_row_csv_carries_the_notes(tmp_path):
    out = tmp_path / "mende.csv"
    result = CliRunner().invoke(
        _app(), ["diagnose", "france:commune", "48095", "-o", str(out), "--permutations", "99",
                 "--indicators", "women_mayors_share,density"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "À savoir" in result.output and "secret statistique" in result.output
    row = pd.read_csv(out, dtype={"code": str}).set_index("code").loc["48095"]
    assert row["withheld"] == "women_mayors_share"
    assert row["notes"] == (
        "1 indicateur non publié (moins de 5 personnes : secret statistique)\u00a0: "
        "Part des femmes parmi les maires."
    )
    assert not row["isolated"]


def test_withheld_notes_say_what_was_counted():
    from territorial.france import france_catalogue
    from territorial.france.diagnose import france_notes

    reasons = france_notes(france_catalogue())["reasons"]
    assert reasons["land_forest_share"]["en"].startswith("fewer than 10 MODIS cells")
    assert reasons["share_establishments_industry"]["fr"] == "moins de 5 établissements"
    assert reasons["vacancy_rate"]["en"] == "fewer than 5 dwellings"
    assert reasons["unemployment_rate"]["en"] == "fewer than 5 inhabitants"


def test_a_commune_without_geometry_is_named_so():
    from typer.testing import CliRunner

    from territorial.cli import app

    result = CliRunner().invoke(app, ["diagnose", "france:commune", "15047"])
    assert result.exit_code == 2
    assert "15047 is a commune without geometry in the source" in " ".join(result.output.split())
