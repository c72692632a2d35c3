"""Batch atlases: the resumable batch engine (synthetic writers, said so) and the atlas of
diagnostic sheets on the built-in data, killed with SIGKILL in the middle then run again."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from territorial.atlas import MANIFEST, file_stem, read_manifest, run_batch
from territorial.files import write_text_atomic


def _writer(calls: list | None = None, fail: str | None = None):
    """Synthetic: writes 'territory CODE' in each format; fails for ``fail``."""

    def write(code, paths):
        if calls is not None:
            calls.append(code)
        if code == fail:
            raise ValueError(f"no data for {code}")
        for fmt, path in paths.items():
            write_text_atomic(path, f"territory {code} ({fmt})")

    return write


def test_batch_is_resumable_and_keyed(tmp_path):
    calls = []
    first = run_batch(["a", "b"], _writer(calls), tmp_path, formats=("html", "txt"), key="k1",
                      jobs=1, progress=False)  # fmt: skip
    assert first.written == ["a", "b"] and calls == ["a", "b"]
    manifest = read_manifest(tmp_path)
    digest = hashlib.sha256((tmp_path / "a.html").read_bytes()).hexdigest()
    assert manifest["items"]["a"]["files"]["html"] == digest
    calls.clear()
    again = run_batch(["a", "b", "c"], _writer(calls), tmp_path, formats=("html", "txt"),
                      key="k1", jobs=1, progress=False)  # fmt: skip
    assert again.skipped == ["a", "b"] and again.written == ["c"] and calls == ["c"]
    # a file changed by hand is not trusted: rewritten
    (tmp_path / "b.txt").write_text("edited")
    calls.clear()
    run_batch(["a", "b", "c"], _writer(calls), tmp_path, formats=("html", "txt"), key="k1",
              jobs=1, progress=False)  # fmt: skip
    assert calls == ["b"] and (tmp_path / "b.txt").read_text() == "territory b (txt)"
    # another key (other inputs, versions, options) rewrites everything; so does force
    calls.clear()
    run_batch(["a", "b", "c"], _writer(calls), tmp_path, formats=("html", "txt"), key="k2",
              jobs=1, progress=False)  # fmt: skip
    assert calls == ["a", "b", "c"]
    calls.clear()
    run_batch(["a"], _writer(calls), tmp_path, formats=("html", "txt"), key="k2", force=True,
              jobs=1, progress=False)  # fmt: skip
    assert calls == ["a"]


def test_one_failure_does_not_stop_the_others(tmp_path):
    result = run_batch(["a", "b", "c"], _writer(fail="b"), tmp_path, formats=("html",),
                       key="k", jobs=2, progress=False)  # fmt: skip
    assert sorted(result.written) == ["a", "c"]
    assert result.failed == {"b": "ValueError: no data for b"}
    assert "failed: b: ValueError: no data for b" in result.lines()
    assert not (tmp_path / "b.html").exists()
    assert sorted(read_manifest(tmp_path)["items"]) == ["a", "c"]


def test_a_broken_manifest_is_not_trusted(tmp_path):
    run_batch(["a"], _writer(), tmp_path, formats=("html",), key="k", jobs=1, progress=False)
    (tmp_path / MANIFEST).write_text("{not json")
    calls = []
    run_batch(["a"], _writer(calls), tmp_path, formats=("html",), key="k", jobs=1,
              progress=False)  # fmt: skip
    assert calls == ["a"]
    assert json.loads((tmp_path / MANIFEST).read_text())["items"]["a"]["key"] == "k"


def test_file_names_come_from_codes_never_from_free_text():
    assert file_stem("69") == "69" and file_stem("2A") == "2A"
    for hostile in ("../../etc/passwd", "a b", "<script>", "x/y", ".hidden", "", "é"):
        stem = file_stem(hostile)
        assert re.fullmatch(r"t-[0-9a-f]{16}", stem), (hostile, stem)
    assert file_stem("../a") != file_stem("../b")


# ---- the atlas of sheets, on the built-in data ---------------------------------------------


def _complete_html(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    return text.lstrip().lower().startswith("<!doctype html") and text.rstrip().endswith("</html>")


@pytest.mark.xdist_group("atlas")
def test_atlas_killed_then_run_again_is_complete(tmp_path):
    out = tmp_path / "regions"
    command = [sys.executable, "-m", "territorial", "atlas", "france:region", "-o", str(out),
               "--jobs", "2", "--quiet"]  # fmt: skip
    log = tmp_path / "killed.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(command, start_new_session=True, stdout=sink, stderr=sink)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and process.poll() is None:
            if len(list(out.glob("[!.]*.html"))) >= 3:
                break
            time.sleep(0.05)  # polling what the run has written, not waiting a fixed time
        assert process.poll() is None, log.read_text()
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    written = sorted(out.glob("[!.]*.html"))
    assert 3 <= len(written) < 18
    for path in written:  # what a killed run leaves is complete, or hidden and temporary
        assert _complete_html(path), path
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    assert re.search(r"\d+ written, [1-9]\d* up to date \(skipped\), 0 failed", result.stderr)
    sheets = sorted(p for p in out.glob("*.html") if p.name != "index.html")
    assert len(sheets) == 18
    assert not [p for p in out.iterdir() if ".tmp-" in p.name]
    manifest = read_manifest(out)
    assert sorted(manifest["items"]) == sorted(p.stem for p in sheets)
    for path in sheets:
        assert _complete_html(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert manifest["items"][path.stem]["files"]["html"] == digest
    index = (out / "index.html").read_text(encoding="utf-8")
    for path in sheets:
        assert f'href="{path.name}"' in index
    assert index.count("<tr data-search=") == 18


# ---- the index page, in a real browser ------------------------------------------------------


def test_index_page_searches_sorts_and_links_offline(tmp_path, browser):
    """Synthetic rows (a hostile name among them) drawn by index_page, driven in Chromium."""
    import geopandas as gpd
    from shapely import box

    from territorial.render.index_page import index_page

    names = {"a": "Ain", "b": "<img src=x onerror=alert(1)>", "c": "Côte-d'Or"}
    population = {"a": 300.0, "b": 20.0, "c": float("nan")}
    rows = [{"code": c, "name": n, "href": f"{c}.html", "cells": [str(population[c])],
             "sort": [population[c]]} for c, n in names.items()]  # fmt: skip
    shapes = gpd.GeoSeries([box(i, 0, i + 1, 1) for i in range(3)], index=list(names), crs=2154)
    path = tmp_path / "index.html"
    path.write_text(index_page(rows, columns=["Population"], title="Atlas", shapes=shapes,
                               lang="en"), encoding="utf-8")  # fmt: skip
    page = browser.new_page()
    fetched, dialogs = [], []
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://")
               else (fetched.append(r.request.url), r.abort()))  # fmt: skip
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready='1']")

    def codes():
        return page.eval_on_selector_all(
            "#t tbody tr:not([hidden]) td:first-child",
            "cells => cells.map(c => c.textContent)",
        )

    assert codes() == ["a", "b", "c"]
    page.click("#t th:nth-child(3)")  # population, ascending: missing last
    assert codes() == ["b", "a", "c"]
    page.click("#t th:nth-child(3)")  # descending
    assert codes()[:2] == ["a", "b"]
    page.fill("#q", "cote")  # accents folded
    assert codes() == ["c"] and page.text_content("#n") == "1"
    page.fill("#q", "")
    assert page.eval_on_selector_all("svg.map a", "as => as.map(a => a.getAttribute('href'))"
                                     ) == ["a.html", "b.html", "c.html"]  # fmt: skip
    assert page.text_content("#t tbody tr:nth-child(2) td:nth-child(2)") == names["b"]
    page.close()
    assert fetched == [] and dialogs == []


def test_atlas_of_a_file_outside_france(tmp_path):
    """libpysal's Georgia counties: an atlas of two of them, in English, compared with the set."""
    from typer.testing import CliRunner

    from territorial.cli import app

    georgia = Path(__import__("libpysal").__file__).parent / "examples" / "georgia" / "G_utm.shp"
    out = tmp_path / "georgia"
    result = CliRunner().invoke(app, [
        "atlas", str(georgia), "--code", "AreaKey", "--name", "AreaKey", "--population",
        "TotPop90", "--crs", "26916", "--indicators", "PctPov,PctBach", "--codes",
        "13121,13089", "--lang", "en", "--quiet", "-o", str(out),
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2 written, 0 up to date (skipped), 0 failed" in result.output
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<title>Atlas of territories</title>" in index
    assert index.count("<tr data-search=") == 2
    sheet = (out / "13121.html").read_text(encoding="utf-8")
    assert "PctPov" in sheet and "PERIMETER" not in sheet
    bad = CliRunner().invoke(app, ["atlas", "france:departement", "-o", str(tmp_path / "x"),
                                   "--within", "canton:1"])  # fmt: skip
    assert bad.exit_code == 2
    assert " ".join(bad.output.split()) == (
        "error: --within='canton:1' is not valid: expected LEVEL:CODE with LEVEL one of region. "
        "For example --within region:84."
    )
