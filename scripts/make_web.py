"""Write the national interactive pages (``make web``) and, optionally, the doc pictures.

    python scripts/make_web.py --out out/web
    python scripts/make_web.py --out out/web --screenshots docs/img

Pages: all French communes, EPCIs and départements with three indicators
(density, share of women councillors, median age of councillors), offline.
Screenshots are taken in headless Chromium (Debian ``/usr/bin/chromium``) with
the network blocked.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

INDICATORS = ["density", "women_councillors_share", "median_age_councillors"]
PAGES = {  # level: title
    "commune": "Communes de France",
    "epci": "Intercommunalités (EPCI) de France",
    "departement": "Départements de France",
}


def write_pages(out: Path) -> dict[str, Path]:
    """Write one page per level; return the paths."""
    from territorial.render.web import web_map
    from territorial.sources import open_source

    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for level, title in PAGES.items():
        started = time.perf_counter()
        source = open_source(f"france:{level}", purpose="indicators")
        gdf, catalogue = source.page_frame(INDICATORS)
        parent = source.parent_level
        page = web_map(
            gdf,
            INDICATORS,
            specs={i: catalogue[i] for i in INDICATORS},
            parents={parent: source.level_label_of(parent, "fr")},
            peers=parent,
            peer_names=source.parent_territories(parent)["name"],
            title=title,
        )
        path = page.save(out / f"{level}s.html")
        written[level] = path
        print(
            f"{path}: {page.size_bytes / 1e6:.1f} MB, "
            f"{page.report['features_drawn']} territories, "
            f"{time.perf_counter() - started:.1f} s"
        )
    return written


def screenshots(pages: dict[str, Path], folder: Path) -> None:
    """Doc pictures: the communes page, the switcher, the search box, a tooltip."""
    from playwright.sync_api import sync_playwright

    folder.mkdir(parents=True, exist_ok=True)
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        page = browser.new_page(viewport={"width": 1100, "height": 800})
        page.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort(),
        )
        page.goto(pages["commune"].resolve().as_uri())
        page.wait_for_selector("body[data-tw-ready]", timeout=120_000)
        page.screenshot(path=str(folder / "web_communes.png"))
        page.get_by_text("Part des femmes parmi les conseillers municipaux").click()
        page.wait_for_selector("body[data-tw-layer=women_councillors_share]")
        page.screenshot(path=str(folder / "web_switcher.png"))
        box = page.locator(".tw-search input")
        box.fill("lyon")
        page.wait_for_selector(".tw-search li")
        page.screenshot(path=str(folder / "web_search.png"))
        box.press("Enter")
        page.wait_for_selector("body[data-tw-selected]")
        page.screenshot(path=str(folder / "web_tooltip.png"))
        browser.close()
    print(f"screenshots written to {folder}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/web"))
    parser.add_argument("--screenshots", type=Path, default=None, help="folder of doc PNGs")
    args = parser.parse_args()
    pages = write_pages(args.out)
    if args.screenshots is not None:
        screenshots(pages, args.screenshots)


if __name__ == "__main__":
    main()
