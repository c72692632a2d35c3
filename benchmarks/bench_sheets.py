"""Benchmark: atlases of diagnostic sheets, as whole processes (issue 13).

- ``territorial atlas france:departement -o DIR --force``: the 101 département sheets (HTML
  with their maps), the index and the manifest (goal: at most 20 s on 2 cores);
- ``territorial atlas france:epci -o DIR --force``: the 1,253 EPCI (goal: at most 3 minutes);

each against the plain loop an analyst would write: for each territory, draw its locator map
(the territory within its parent) with ``GeoDataFrame.plot``, save it as PNG and write an HTML
page holding it and the territory's diagnosis sentences, both in the same run. The loop gets
the level's diagnosis computed once, before the clock of its drawing matters, as the atlas
does; its time is the whole process too.

``ratio`` is ``anchor_seconds / seconds``. Run: ``python benchmarks/bench_sheets.py [--quick]``
(``--quick``: the départements only).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_cli import _run  # whole processes: wall time and peak memory

#: the plain loop: GeoDataFrame.plot per territory, one page each
ANCHOR = r"""
import base64, html, io, sys
from pathlib import Path
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from territorial.france import diagnose_france, load_france
level, parent_level, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
out.mkdir(parents=True, exist_ok=True)
gdf = load_france(level, progress=False)
parents = load_france(parent_level, progress=False)
table = diagnose_france(level)
for code, row in gdf.iterrows():
    fig, ax = plt.subplots(figsize=(3, 3))
    within = gdf[gdf[parent_level] == row[parent_level]]
    parents.loc[[row[parent_level]]].plot(ax=ax, color="#eeeeee", edgecolor="#999999")
    within.plot(ax=ax, color="#dddddd", edgecolor="white", linewidth=0.3)
    gdf.loc[[code]].plot(ax=ax, color="#c0392b")
    ax.set_axis_off()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    image = base64.b64encode(buffer.getvalue()).decode("ascii")
    items = "".join(f"<li>{html.escape(s)}</li>" for s in
                    list(table.loc[code, "strengths"]) + list(table.loc[code, "weaknesses"]))
    (out / f"{code}.html").write_text(
        f"<!DOCTYPE html><html><body><h1>{html.escape(row['name'])}</h1>"
        f"<img src='data:image/png;base64,{image}'><ul>{items}</ul></body></html>",
        encoding="utf-8")
"""


def _measure(level: str, parent: str, out: Path) -> dict:
    from bench_cli import TERRITORIAL

    script = out / "anchor.py"
    script.write_text(ANCHOR, encoding="utf-8")
    atlas = out / f"atlas-{level}"
    # warm: the level's statistics cached across processes, like any second run
    _run([*TERRITORIAL, "diagnose", f"france:{level}", "--all", "-o", str(out / "warm.csv")])
    ours_s, ours_mb = _run([*TERRITORIAL, "atlas", f"france:{level}", "-o", str(atlas),
                            "--force", "--quiet", "--jobs", "2"])  # fmt: skip
    anchor_s, anchor_mb = _run([sys.executable, str(script), level, parent,
                                str(out / f"anchor-{level}")])  # fmt: skip
    sheets = len([p for p in atlas.glob("*.html") if p.name != "index.html"])
    goal = "<= 20 s" if level == "departement" else "<= 180 s"
    return {
        "name": f"whole process: territorial atlas france:{level} ({sheets} sheets, HTML)",
        "seconds": ours_s,
        "anchor": "plain loop: GeoDataFrame.plot locator map + savefig + page per territory",
        "anchor_seconds": anchor_s,
        "ratio": anchor_s / ours_s,
        "goal": goal,
        "notes": f"peak memory {ours_mb:.0f} MiB vs {anchor_mb:.0f} MiB for the loop",
    }


def run(quick: bool = False) -> list[dict]:
    """The département atlas (and, unless quick, the EPCI atlas) against the plain loop."""
    out = Path(tempfile.mkdtemp(prefix="bench_sheets_"))
    rows = [_measure("departement", "region", out)]
    if not quick:
        rows.append(_measure("epci", "departement", out))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the départements only")
    args = parser.parse_args(argv)
    for r in run(quick=args.quick):
        print(f"{r['name']:<66} {r['seconds']:7.2f} s vs {r['anchor_seconds']:7.2f} s "
              f"({r['ratio']:.2f}x)  goal {r['goal']}; {r['notes']}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
