"""The sheet in Chromium (Playwright, network blocked): one A4 box, nothing outside it,
nothing cut in its cells, nothing fetched, nothing run."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import georgia_path

pytestmark = [pytest.mark.browser, pytest.mark.realdata, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[1] / "_artifacts"

#: elements whose text must fit their box (a number cut by its cell would be misread)
FITTED = "h1, .key dt, .key dd, td.num, td.ind, figcaption, .list li, .legend li, .series li"

MEASURE = """() => {
  const page = document.getElementById('page').getBoundingClientRect();
  const out = [];
  for (const el of document.querySelectorAll('#page *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.left < page.left - 0.5 || r.right > page.right + 0.5 ||
        r.top < page.top - 0.5 || r.bottom > page.bottom + 0.5)
      out.push(['outside', el.tagName, el.className.baseVal ?? el.className,
                el.textContent.slice(0, 40)]);
  }
  for (const el of document.querySelectorAll(arguments_fitted)) {
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)
      out.push(['cut', el.tagName, el.className, el.textContent.slice(0, 40)]);
  }
  const body = document.querySelector('.body').getBoundingClientRect();
  const foot = document.querySelector('.foot').getBoundingClientRect();
  for (const el of document.querySelectorAll('.body *')) {
    const r = el.getBoundingClientRect();
    if (r.height > 0 && r.bottom > foot.top + 0.5) out.push(['over footer', el.tagName,
      el.className.baseVal ?? el.className, el.textContent.slice(0, 40)]);
  }
  return {width: page.width, height: page.height, problems: out};
}""".replace("arguments_fitted", repr(FITTED))


def _sheets(level_inputs):
    from territorial.sheets import sheet_content
    from territorial.sources import open_source

    for level, code in (("epci", "200046977"), ("epci", "244400610"), ("epci", "247300015"),
                        ("epci", "200050532"), ("departement", "976"),
                        ("departement", "974")):  # fmt: skip
        for lang in ("fr", "en"):
            yield f"{level}-{code}-{lang}", sheet_content(level_inputs(level), code, lang=lang)
    georgia = open_source(georgia_path(), code="AreaKey", name="AreaKey",
                          population="TotPop90", crs=26916)  # fmt: skip
    ids = ["PctRural", "PctBach", "PctEld", "PctFB", "PctPov", "PctBlack"]
    for lang in ("fr", "en"):
        yield f"georgia-13121-{lang}", sheet_content(georgia, "13121", lang=lang, indicators=ids)


def test_nothing_overflows_the_a4_page(browser, level_inputs, tmp_path):
    from territorial.sheets import write_sheet

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 794, "height": 1123},
                                  device_scale_factor=1.5)  # fmt: skip
    page = context.new_page()
    fetched, ran = [], []

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            fetched.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("dialog", lambda d: (ran.append(d.message), d.dismiss()))
    found = {}
    for name, content in _sheets(level_inputs):
        path = write_sheet(content, tmp_path / f"{name}.html")
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        measured = page.evaluate(MEASURE)
        # 210 x 297 mm at 96 px per inch
        assert abs(measured["width"] - 793.7) < 1.5 and abs(measured["height"] - 1122.5) < 1.5
        found[name] = measured["problems"]
        page.screenshot(path=str(ARTIFACTS / f"sheet_{name}.png"), full_page=True)
    context.close()
    problems = {k: v for k, v in found.items() if v}
    (ARTIFACTS / "sheet_problems.txt").write_text(repr(problems), encoding="utf-8")
    assert problems == {}
    assert fetched == [] and ran == []
