"""Benchmark: whole processes of the ``territorial`` command, imports included.

What a user waits for when typing a command is the whole process: the Python start-up, the
imports, reading the cache, the work and the file. Each measure here runs a fresh process and
takes its wall time and its peak resident memory (``ru_maxrss`` of that child, from
``os.wait4``), best of a few runs, on the warm cache.

- ``territorial map france:commune density -o d.png`` against a plain geopandas script that
  reads the same cached GeoParquet, computes the density, draws
  ``plot(column="density", scheme="quantiles", k=6, legend=True)`` and saves the PNG
  (goal of issue 11: at least 2.5x faster, peak memory no higher than the script's).
- ``territorial --help`` and ``territorial map --help`` (goal: under 0.5 s).
- ``territorial diagnose france:epci 200046977``, one territory's diagnosis (goal: under 2 s).

``ratio`` is ``anchor_seconds / seconds`` where there is an anchor. Run:
``python benchmarks/bench_cli.py [--quick]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: The command, run as ``python -m territorial`` with this interpreter: the same code as the
#: ``territorial`` script of the environment, and the checkout that ``PYTHONPATH`` names
#: when it names one (a worktree measured with the venv of another checkout).
TERRITORIAL = [sys.executable, "-m", "territorial"]

#: the plain geopandas script of the anchor (the same cached file, the same kind of map)
ANCHOR = """
import sys
import geopandas as gpd
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
gdf = gpd.read_parquet(sys.argv[1])
gdf["density"] = gdf["population"] / gdf["area_km2"]
fig, ax = plt.subplots(figsize=(8, 8))
gdf.plot(column="density", scheme="quantiles", k=6, legend=True, ax=ax)
ax.set_axis_off()
fig.savefig(sys.argv[2], dpi=150)
"""


def _run(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one process running ``args``."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({process.returncode}): {error[-2000:]}")
    return seconds, usage.ru_maxrss / 1024  # KiB on Linux


def _best(args: list[str], repeat: int) -> tuple[float, float]:
    """Best wall seconds and best peak MiB of ``repeat`` runs."""
    runs = [_run(args) for _ in range(repeat)]
    return min(s for s, _ in runs), min(m for _, m in runs)


def _commune_parquet() -> Path:
    """The cached commune GeoParquet, found by the command itself (it fetches when needed)."""
    subprocess.run([*TERRITORIAL, "fetch", "france"], check=True, capture_output=True)
    code = (
        "from territorial.io.cache import cache_dir; import sys; "
        "paths = sorted((cache_dir() / 'france').glob('*/commune.parquet'), "
        "key=lambda p: p.stat().st_mtime); print(paths[-1])"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return Path(out.stdout.strip())


def run(quick: bool = False) -> list[dict]:
    """Time each command as a whole process; return one row per measure."""
    repeat = 1 if quick else 3
    out = Path(tempfile.mkdtemp(prefix="bench_cli_"))
    parquet = _commune_parquet()
    script = out / "anchor.py"
    script.write_text(ANCHOR, encoding="utf-8")
    _run([*TERRITORIAL, "map", "france:commune", "density", "-o", str(out / "warm.png")])  # warm
    ours = [*TERRITORIAL, "map", "france:commune", "density", "-o", str(out / "d.png")]
    anchor = [sys.executable, str(script), str(parquet), str(out / "a.png")]
    # in turns, so that the other jobs of a shared machine weigh on both sides alike
    runs = [(_run(ours), _run(anchor)) for _ in range(repeat)]
    ours_s, ours_mb = min(o[0] for o, _ in runs), min(o[1] for o, _ in runs)
    anchor_s, anchor_mb = min(a[0] for _, a in runs), min(a[1] for _, a in runs)
    help_s, help_mb = _best([*TERRITORIAL, "--help"], repeat + 2)
    map_help_s, _ = _best([*TERRITORIAL, "map", "--help"], repeat + 2)
    _run([*TERRITORIAL, "diagnose", "france:epci", "200046977"])  # warm whatever it caches
    diag_s, diag_mb = _best([*TERRITORIAL, "diagnose", "france:epci", "200046977"], repeat)
    return [
        {
            "name": "whole process: territorial map france:commune density",
            "seconds": ours_s,
            "anchor": "plain geopandas script (read_parquet, plot scheme=quantiles k=6, savefig)",
            "anchor_seconds": anchor_s,
            "ratio": anchor_s / ours_s,
            "goal": ">= 2.5x, peak memory <= the script's",
            "notes": f"peak memory {ours_mb:.0f} MiB vs {anchor_mb:.0f} MiB for the script",
            "peak_mib": ours_mb,
            "anchor_peak_mib": anchor_mb,
        },
        {
            "name": "whole process: territorial --help",
            "seconds": help_s,
            "goal": "< 0.5 s",
            "notes": f"peak memory {help_mb:.0f} MiB",
        },
        {
            "name": "whole process: territorial map --help",
            "seconds": map_help_s,
            "goal": "< 0.5 s",
            "notes": "",
        },
        {
            "name": "whole process: territorial diagnose france:epci 200046977",
            "seconds": diag_s,
            "goal": "< 2 s warm",
            "notes": f"peak memory {diag_mb:.0f} MiB",
        },
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run of each")
    args = parser.parse_args(argv)
    for r in run(quick=args.quick):
        anchor = r.get("anchor_seconds")
        versus = f" vs {anchor:.3f} s ({r['ratio']:.2f}x)" if anchor else ""
        print(f"{r['name']:<62} {r['seconds']:7.3f} s{versus}  goal {r['goal']}; {r['notes']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
