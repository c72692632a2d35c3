"""Run every benchmark (``make bench``) and write benchmarks/results/results.json.

Each ``bench_<topic>.py`` exposes ``run(quick=False) -> list[dict]`` with the keys
name, seconds, anchor, anchor_seconds, ratio, goal, notes. Durations are measured
here, never asserted in tests; ratios compare with an anchor run in the same process.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller inputs (smoke run)")
    parser.add_argument("--only", nargs="*", help="topics to run, e.g. load indicators")
    args = parser.parse_args(argv)
    results = []
    for path in sorted(HERE.glob("bench_*.py")):
        topic = path.stem.removeprefix("bench_")
        if args.only and topic not in args.only:
            continue
        print(f"== {topic}", flush=True)
        started = time.perf_counter()
        rows = _load(path).run(quick=args.quick)
        for row in rows:
            row.setdefault("topic", topic)
            ratio = row.get("ratio")
            ratio_text = f"{ratio:6.2f}x" if isinstance(ratio, int | float) else "   -   "
            print(
                f"  {row['name']:<55} {row['seconds']:8.3f} s"
                f"  vs {row.get('anchor_seconds') or 0:8.3f} s"
                f"  {ratio_text}  goal: {row.get('goal', '')}",
                flush=True,
            )
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
        results.extend(rows)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    record = {
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "results": results,
    }
    (out / "results.json").write_text(json.dumps(record, indent=2, default=str))
    print(f"results written to {out / 'results.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
