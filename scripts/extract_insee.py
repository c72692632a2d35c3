"""Write the compact INSEE extracts that ship inside the package (maintainer script).

Reads the original files of ``../shared/sources`` (see its ``MANIFEST.md``), byte for byte
as published, checks each one's sha256, and writes into
``src/territorial/france/extracts/``:

- ``insee_comparateur.csv.gz``: the columns of INSEE's "base du comparateur de
  territoires" (edition of January 2022, geography COG 2021) that the built-in indicators
  use: census 2018 and 2013 (population, housing, labour, jobs at the place of work),
  births and deaths 2013-2018, establishments at the end of 2018, Filosofi 2019 medians;
- ``insee_filosofi_2021.csv.gz``: INSEE's Filosofi 2021 by commune (households, persons,
  median standard of living, share of taxed households, poverty rate, deciles), secret
  cells kept as ``s`` and unavailable ones as ``nd``;
- ``populations_legales.csv.gz``: the legal populations of each commune list of the npm
  package ``@etalab/decoupage-administratif`` (versions 0.7.0, 1.1.1, 2.3.1, 4.1.0, 6.0.0:
  population vintages 2016, 2019, 2020, 2022 and 2023), one row per commune and vintage;
- ``provenance.json``: for every extract, its sha256, the original file with its sha256,
  origin and licence, INSEE's attribution, the vintages of the data and of the geography.

Every value is copied as INSEE wrote it (no rounding, no conversion); the package
converts the codes to its own geography when it reads them
(:func:`territorial.france.insee.insee_components`). The output is deterministic: same
inputs, same bytes (gzip without a time stamp, rows sorted, fixed ``built`` date).

Usage::

    python scripts/extract_insee.py [--sources ../shared/sources] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The originals, with the sha256 of MANIFEST.md.
ORIGINALS = {
    "comparateur": (
        "insee/base_cc_comparateur_csv.zip",
        "311caa145141e60a7e61297a2e6038a2acba6d85b3a7763320b058076d2be9dc",
    ),
    "filosofi": (
        "insee/cc_filosofi_2021_COM.csv",
        "145d3b90d0720e5e011fccdc05f72be500e4cca4dc077add14d28cfa77b86eef",
    ),
}
#: The etalab commune lists: version -> (sha256, population vintage).
ETALAB = {
    "0.7.0": ("4643f584e1502d38a9baefe6e5b478aa8d5077bcd7e8972461dbbaceb66559f0", 2016),
    "1.1.1": ("db6e7c433ee675de314aa19bfc4faf796451342960ed2c1b42fda0f458a97e23", 2019),
    "2.3.1": ("d7f2a6915af27a719eeb6eb6581d9a645849b5b23e5c97fa5aa2931eb3552d1f", 2020),
    "4.1.0": ("318f0cfc0c1f9d8113b272bf3cefb8f207f23f73026ee5932215f5d80d7a0f2a", 2022),
    "6.0.0": ("c189ffd5b33fe40c2f19e1a923ce557f190622f39228745d3195d746dfe00c4a", 2023),
}

#: Columns of the comparateur kept (all that the catalogue uses).
COMPARATEUR_COLUMNS = (
    "CODGEO", "P18_POP", "P13_POP", "NAIS1318", "DECE1318", "P18_LOG", "P18_RP",
    "P18_RSECOCC", "P18_LOGVAC", "P18_RP_PROP", "NBMENFISC19", "PIMP19", "MED19", "TP6019",
    "P18_EMPLT", "P13_EMPLT", "P18_POP1564", "P18_CHOM1564", "P18_ACT1564", "ETTOT18",
    "ETAZ18", "ETBE18", "ETFZ18", "ETGU18", "ETOQ18", "ETTEFP1018",
)  # fmt: skip
#: Columns of Filosofi 2021 kept.
FILOSOFI_COLUMNS = (
    "CODGEO", "NBMENFISC21", "NBPERSMENFISC21", "MED21", "PIMP21", "TP6021", "D121", "D921",
    "RD21",
)  # fmt: skip
ATTRIBUTION = "Source : Insee"
BUILT = "2026-12-02"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_original(sources: Path, relative: str, expected: str) -> bytes:
    data = (sources / relative).read_bytes()
    digest = sha256_bytes(data)
    if digest != expected:
        raise SystemExit(f"{relative}: sha256 {digest} differs from MANIFEST.md's {expected}")
    return data


def write_csv_gz(path: Path, header: list[str], rows: list[list[str]]) -> str:
    """Write rows as a gzip'd, ``;``-separated CSV (no time stamp); return its sha256."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = gzip.compress(text.getvalue().encode("utf-8"), compresslevel=9, mtime=0)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return sha256_bytes(data)


def extract_comparateur(raw: bytes) -> tuple[list[str], list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        text = archive.read("base_cc_comparateur.CSV").decode("ascii")
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header = next(reader)
    keep = [header.index(c) for c in COMPARATEUR_COLUMNS]
    rows = [[row[i] for i in keep] for row in reader if row]
    return list(COMPARATEUR_COLUMNS), sorted(rows)


def extract_filosofi(raw: bytes) -> tuple[list[str], list[list[str]]]:
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";")
    header = next(reader)
    keep = [header.index(c) for c in FILOSOFI_COLUMNS]
    rows = [[row[i] for i in keep] for row in reader if row]
    return list(FILOSOFI_COLUMNS), sorted(rows)


def extract_populations(sources: Path) -> tuple[list[str], list[list[str]], dict]:
    rows: list[list[str]] = []
    originals = {}
    for version, (expected, vintage) in ETALAB.items():
        name = f"etalab-decoupage-administratif-{version}.tgz"
        raw = read_original(sources, f"etalab/{name}", expected)
        with tarfile.open(fileobj=io.BytesIO(raw), mode="r:gz") as archive:
            member = archive.extractfile("package/data/communes.json")
            communes = json.load(member)  # type: ignore[arg-type]
        for item in communes:
            if item["type"] not in ("commune-actuelle", "arrondissement-municipal"):
                continue
            if item.get("zone") == "com":  # overseas collectivities: not built-in levels
                continue
            if item["code"].startswith("975") or item["code"] >= "977":
                continue  # the same collectivities in versions without a zone field
            pop = item.get("population")
            kind = "ARM" if item["type"] == "arrondissement-municipal" else "COM"
            rows.append([str(vintage), item["code"], kind, "" if pop is None else str(pop)])
        originals[version] = {"file": f"etalab/{name}", "sha256": expected, "vintage": vintage}
    return ["vintage", "code", "type", "population"], sorted(rows), originals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=Path, default=ROOT.parent / "shared" / "sources")
    parser.add_argument("--out", type=Path, default=ROOT / "src/territorial/france/extracts")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    provenance: dict = {"built": BUILT, "script": "scripts/extract_insee.py", "extracts": {}}

    raw = read_original(args.sources, *ORIGINALS["comparateur"])
    header, rows = extract_comparateur(raw)
    digest = write_csv_gz(args.out / "insee_comparateur.csv.gz", header, rows)
    provenance["extracts"]["insee_comparateur.csv.gz"] = {
        "sha256": digest,
        "rows": len(rows),
        "columns": header,
        "original": {"file": "base_cc_comparateur_csv.zip (base_cc_comparateur.CSV)",
                     "sha256": ORIGINALS["comparateur"][1]},
        "origin": "INSEE, base du comparateur de territoires, édition de janvier 2022",
        "attribution": f"{ATTRIBUTION}, base du comparateur de territoires (RP 2013 et 2018, "
        "état civil 2013-2018, Filosofi 2019, Sirene/REE fin 2018)",
        "licence": "Licence Ouverte / Open Licence (Etalab)",
        "data_vintage": "recensement 2018 et 2013 ; naissances et décès 2013-2018 ; "
        "établissements actifs fin 2018 ; Filosofi 2019",
        "geography": "COG 2021",
        "notes": "Values as INSEE wrote them (census counts are weighted decimals); rows of "
        "Paris 75056, Lyon 69123 and Marseille 13055 double-count their arrondissements.",
    }  # fmt: skip

    raw = read_original(args.sources, *ORIGINALS["filosofi"])
    header, rows = extract_filosofi(raw)
    digest = write_csv_gz(args.out / "insee_filosofi_2021.csv.gz", header, rows)
    provenance["extracts"]["insee_filosofi_2021.csv.gz"] = {
        "sha256": digest,
        "rows": len(rows),
        "columns": header,
        "original": {"file": "cc_filosofi_2021_COM.csv", "sha256": ORIGINALS["filosofi"][1]},
        "origin": "INSEE, Filosofi 2021 (revenus, pauvreté et niveau de vie), par commune",
        "attribution": f"{ATTRIBUTION}-DGFiP-Cnaf-Cnav-CCMSA, Fichier localisé social et "
        "fiscal (Filosofi) 2021",
        "licence": "Licence Ouverte / Open Licence (Etalab)",
        "data_vintage": "revenus 2021",
        "geography": "COG 2023 (about)",
        "notes": "'s' = secret (statistical confidentiality), 'nd' = not available; decimal "
        "commas; overseas: Martinique and La Réunion only.",
    }  # fmt: skip

    header, rows, originals = extract_populations(args.sources)
    digest = write_csv_gz(args.out / "populations_legales.csv.gz", header, rows)
    provenance["extracts"]["populations_legales.csv.gz"] = {
        "sha256": digest,
        "rows": len(rows),
        "columns": header,
        "original": originals,
        "origin": "npm package @etalab/decoupage-administratif (data: INSEE, Code officiel "
        "géographique and populations légales)",
        "attribution": f"{ATTRIBUTION}, populations légales (via @etalab/decoupage-administratif)",
        "licence": "data: Licence Ouverte / Open Licence; package code: MIT",
        "data_vintage": "populations municipales 2016, 2019, 2020, 2022, 2023 (the 'vintage' "
        "column); Mayotte's figure is 2017's in every version that has one",
        "geography": "the commune list of each version (see territorial.france.cog)",
        "notes": "communes (COM) and arrondissements municipaux (ARM); the overseas "
        "collectivities (975, 977, 978, 98x) are left out.",
    }  # fmt: skip

    text = json.dumps(provenance, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    tmp = args.out / "provenance.json.tmp"
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.out / "provenance.json")
    for name, item in provenance["extracts"].items():
        size = (args.out / name).stat().st_size
        print(f"{name}: {item['rows']} rows, {size / 1e6:.2f} MB, sha256 {item['sha256'][:12]}")


if __name__ == "__main__":
    main()
