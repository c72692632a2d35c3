"""Batch atlases: one file per territory in one folder, resumable, shared over the cores.

:func:`run_batch` is the engine: given the codes, the file names of each one and a function
that writes them, it skips what is up to date (its manifest entry has the same key and its
files the same hashes), writes the rest over a pool of processes with a progress bar,
records each file in ``manifest.json`` as soon as it is done (atomically), and reports
each territory's failure at the end without stopping the others. A run killed at any
moment (even by SIGKILL) leaves only complete files: every file is written under a
temporary name and renamed, and the temporaries of a killed run are removed by the next.

:func:`build_atlas` is the atlas of diagnostic sheets built on it (see
:mod:`territorial.sheets`).

Examples
--------
A batch of three text files, written by a function of the example:

>>> import tempfile
>>> from territorial.files import write_text_atomic
>>> folder = Path(tempfile.mkdtemp())
>>> def write(code, paths):
...     write_text_atomic(paths["txt"], f"territory {code}")
>>> first = run_batch(["a", "b", "c"], write, folder, formats=("txt",), key="v1",
...                   jobs=1, progress=False)
>>> first.written, first.skipped
(['a', 'b', 'c'], [])
>>> again = run_batch(["a", "b", "c"], write, folder, formats=("txt",), key="v1",
...                   jobs=1, progress=False)
>>> again.written, again.skipped
([], ['a', 'b', 'c'])
>>> (folder / "b.txt").read_text()
'territory b'
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from territorial.errors import InvalidArgumentError
from territorial.files import remove_stale_temporaries, write_text_atomic
from territorial.report import Report

__all__ = [
    "AtlasResult",
    "BatchResult",
    "build_atlas",
    "file_stem",
    "run_batch",
    "select_territories",
]

MANIFEST = "manifest.json"
#: version of the manifest's layout
MANIFEST_FORMAT = 1

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")


def file_stem(code: str) -> str:
    """The file name (without suffix) of a territory: its code when the code is a plain
    word (letters, digits, ``-``, ``_``), else ``t-`` and a hash of it. Never free text.

    Examples
    --------
    >>> file_stem("200046977"), file_stem("2A")
    ('200046977', '2A')
    >>> file_stem("../etc/passwd")
    't-7fef78f53440346c'
    """
    if _SAFE.match(code):
        return code
    return "t-" + hashlib.sha256(code.encode("utf-8")).hexdigest()[:16]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class BatchResult(Report):
    """What a batch wrote, skipped (up to date) and could not write (a
    :class:`~territorial.report.Report`).

    Attributes
    ----------
    folder
        Where the files are.
    written, skipped
        Codes whose files were written, and those already up to date.
    failed
        Code -> the error, in one line.
    files
        Code -> {format: path} of every territory of the batch that has its files.
    removed
        Temporary files of an earlier, killed run that were removed.
    """

    folder: Path
    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    files: dict[str, dict[str, Path]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)

    kind: ClassVar[str] = "batch"

    def summary(self) -> dict[str, Any]:
        """Territories asked; written or up to date; failed ones dropped."""
        done = len(self.written) + len(self.skipped)
        return {"read": done + len(self.failed), "matched": done,
                "repaired": {"temporaries removed": len(self.removed)} if self.removed else {},
                "dropped": {"failed": len(self.failed)} if self.failed else {}}  # fmt: skip

    def lines(self) -> list[str]:
        """The batch in sentences."""
        out = [
            f"{len(self.written)} written, {len(self.skipped)} up to date (skipped), "
            f"{len(self.failed)} failed, in {self.folder}"
        ]
        if self.removed:
            out.append(f"{len(self.removed)} temporary files of an interrupted run removed")
        out.extend(f"failed: {code}: {error}" for code, error in self.failed.items())
        return out


def read_manifest(folder: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of a batch folder (empty when there is none or it is not one).

    A manifest that does not parse (an older layout, a file edited by hand) is not
    trusted: its territories are simply rebuilt.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> read_manifest(folder)
    {}
    >>> _ = (folder / MANIFEST).write_text('{"format": 1, "items": {"69": {"key": "k"}}}')
    >>> read_manifest(folder)["items"]["69"]["key"]
    'k'
    """
    path = Path(folder) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return {}
    if not isinstance(data.get("items"), dict):
        return {}
    return data


def _up_to_date(entry: object, key: str, paths: Mapping[str, Path]) -> bool:
    if not isinstance(entry, dict) or entry.get("key") != key:
        return False
    hashes = entry.get("files")
    if not isinstance(hashes, dict) or set(hashes) != set(paths):
        return False
    for fmt, path in paths.items():
        if not path.is_file() or _sha256(path) != hashes.get(fmt):
            return False
    return True


#: what the workers of a pool share: set before the processes are forked
_WORK: dict[str, Any] = {}


def _run_one(code: str) -> tuple[str, str | None]:
    write, paths = _WORK["write"], _WORK["paths"][code]
    try:
        write(code, paths)
    except Exception as error:  # one territory's failure never stops the others
        return code, f"{type(error).__name__}: {error}".splitlines()[0]
    return code, None


def run_batch(
    codes: Iterable[str],
    write: Callable[[str, Mapping[str, Path]], None],
    folder: str | os.PathLike[str],
    *,
    formats: Sequence[str],
    key: str | Callable[[str], str],
    force: bool = False,
    jobs: int | None = None,
    progress: bool = True,
    meta: Mapping[str, Any] | None = None,
    description: str = "sheets",
) -> BatchResult:
    """Write the files of every code into ``folder``; skip those up to date.

    Parameters
    ----------
    codes
        Territory codes; each gets ``file_stem(code) + "." + format`` for each format.
    write
        ``write(code, {format: path})`` writes the files of one territory, each
        atomically (:func:`territorial.files.atomic_path`). Anything it raises is
        that territory's failure, reported at the end.
    folder
        The batch folder (created).
    formats
        File suffixes without the dot (``("html", "pdf")``).
    key
        What the files depend on (hashes of the inputs, options, versions), or a
        function of the code giving it: a territory whose manifest entry has another
        key, or whose files changed, is rewritten.
    force
        Rewrite everything.
    jobs
        Processes (default: the cores; 1: in this process). With more than one, the
        processes are forked after ``write`` is set, so what it closes over (the
        level's statistics) is computed once and shared.
    progress
        A progress bar on standard error.
    meta
        Recorded at the top of the manifest (source, versions, language...).

    Examples
    --------
    >>> import tempfile
    >>> from territorial.files import write_text_atomic
    >>> folder = Path(tempfile.mkdtemp())
    >>> def write(code, paths):
    ...     if code == "x":
    ...         raise ValueError("no data")
    ...     write_text_atomic(paths["txt"], code)
    >>> result = run_batch(["a", "x"], write, folder, formats=("txt",), key="v1", jobs=1,
    ...                    progress=False)
    >>> result.written, result.failed
    (['a'], {'x': 'ValueError: no data'})
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if folder.joinpath(MANIFEST).is_dir():
        raise InvalidArgumentError(
            "folder", str(folder), "a folder whose manifest.json is a file",
            "Remove the manifest.json folder or choose another output folder.",
        )  # fmt: skip
    formats = tuple(formats)
    codes = list(dict.fromkeys(codes))
    result = BatchResult(folder=folder)
    result.removed = [p.name for p in remove_stale_temporaries(folder)]
    manifest = read_manifest(folder)
    items: dict[str, Any] = dict(manifest.get("items", {}))
    keys = {c: key(c) if callable(key) else key for c in codes}
    paths = {c: {f: folder / f"{file_stem(c)}.{f}" for f in formats} for c in codes}
    todo = []
    for code in codes:
        if not force and _up_to_date(items.get(code), keys[code], paths[code]):
            result.skipped.append(code)
            result.files[code] = paths[code]
        else:
            items.pop(code, None)
            todo.append(code)
    header = {"format": MANIFEST_FORMAT, **dict(meta or {})}

    def save() -> None:
        write_text_atomic(
            folder / MANIFEST,
            json.dumps({**header, "items": items}, ensure_ascii=False, indent=1, sort_keys=True),
        )

    def done(code: str, error: str | None) -> None:
        if error is not None:
            result.failed[code] = error
            return
        try:
            hashes = {f: _sha256(p) for f, p in paths[code].items()}
        except OSError as missing:
            result.failed[code] = f"a file was not written ({missing.filename})"
            return
        items[code] = {"key": keys[code], "files": hashes,
                       "paths": {f: p.name for f, p in paths[code].items()}}  # fmt: skip
        result.written.append(code)
        result.files[code] = paths[code]
        save()

    save()  # the entries being rewritten are out of the manifest before any file changes
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    _WORK.update(write=write, paths=paths)
    try:
        with _Progress(progress, description, len(todo)) as advance:
            if jobs == 1:
                for code in todo:
                    done(*_run_one(code))
                    advance()
            else:
                context = multiprocessing.get_context("fork")
                with ProcessPoolExecutor(jobs, mp_context=context) as pool:
                    pending = {pool.submit(_run_one, c) for c in todo}
                    while pending:
                        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                        for future in finished:
                            done(*future.result())
                            advance()
    finally:
        _WORK.clear()
    return result


class _Progress:
    """A rich progress bar (or nothing) that counts territories."""

    def __init__(self, show: bool, description: str, total: int) -> None:
        self.show, self.description, self.total = show, description, total

    def __enter__(self) -> Callable[[], None]:
        if not self.show or not self.total:
            self.bar = None
            return lambda: None
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(console=Console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task(self.description, total=self.total)
        return lambda: self.bar.advance(task)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


# --- the atlas of diagnostic sheets ----------------------------------------------------------

#: the index's words
_INDEX = {
    "fr": {"title": "Atlas des {levels}", "within": "{levels} de {parent}",
           "population": "Population", "strengths": "Atouts", "weaknesses": "Faiblesses",
           "sub": "{n} fiches de diagnostic territorial",
           "footer": "Généré par territorial {version} le {date}. Sources : {sources}."},
    "en": {"title": "Atlas of {levels}", "within": "{levels} of {parent}",
           "population": "Population", "strengths": "Strengths", "weaknesses": "Weaknesses",
           "sub": "{n} territorial diagnosis sheets",
           "footer": "Made with territorial {version} on {date}. Sources: {sources}."},
}  # fmt: skip


@dataclass
class AtlasResult(BatchResult):
    """A :class:`BatchResult` with the atlas' index and manifest."""

    index: Path | None = None
    manifest: Path | None = None

    def lines(self) -> list[str]:
        out = super().lines()
        if self.index is not None:
            out.append(f"index: {self.index}")
        return out


def select_territories(
    source: Any, *, within: str | None = None, codes: Iterable[str] | None = None
) -> list[str]:
    """The codes of an atlas: every territory of the source, those within a parent
    (``"departement:69"``, ``"region:Bretagne"``), or those given (codes or names).

    Examples
    --------
    >>> from territorial.sources import open_source
    >>> source = open_source("france:departement", purpose="diagnosis")
    >>> select_territories(source, within="region:Bretagne")
    ['22', '29', '35', '56']
    >>> select_territories(source, codes=["2a", "Rhône"])
    ['2A', '69']
    >>> select_territories(source, within="canton:1")
    Traceback (most recent call last):
    ...
    territorial.errors.InvalidArgumentError: --within='canton:1' is not valid: expected \
LEVEL:CODE with LEVEL one of region. For example --within region:84.
    """
    from territorial.territories.lookup import find

    gdf = source.territories
    if within is not None and codes is not None:
        raise InvalidArgumentError(
            "--within", within, "either --within or a list of codes, not both",
            "Give the codes alone, or the parent alone.",
        )  # fmt: skip
    if codes is not None:
        return list(dict.fromkeys(source.find(str(c)) for c in codes))
    if within is None:
        return [str(c) for c in gdf.index]
    levels = [lv for lv in source.parent_levels if lv in gdf.columns]
    level, sep, query = within.partition(":")
    if not sep or level not in levels or not query.strip():
        example = f"For example --within {levels[0]}:{gdf[levels[0]].iloc[0]}." if levels else (
            "These territories have no parents: leave --within out.")  # fmt: skip
        raise InvalidArgumentError(
            "--within", within, f"LEVEL:CODE with LEVEL one of {', '.join(levels) or '(none)'}",
            example,
        )  # fmt: skip
    parents = source.parent_territories(level)
    parent = find(parents, query) if parents is not None else query
    chosen = [str(c) for c in gdf.index[gdf[level].astype(str) == parent]]
    if not chosen:
        raise InvalidArgumentError(
            "--within", within, f"a {level} that holds territories of {source.text}",
            "Check the code.",
        )  # fmt: skip
    return chosen


def _fingerprint(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_atlas(
    source: Any,
    out: str | os.PathLike[str],
    *,
    within: str | None = None,
    codes: Iterable[str] | None = None,
    lang: str = "fr",
    formats: Sequence[str] = ("html",),
    indicators: Iterable[str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    progress: bool = True,
) -> AtlasResult:
    """The diagnostic sheets of many territories in one folder, with an index and a manifest.

    Parameters
    ----------
    source
        A :class:`~territorial.sources.Source` (``open_source("france:departement",
        purpose="diagnosis")``, or a file's).
    out
        The atlas folder: ``CODE.html`` (and ``CODE.pdf``), ``index.html`` (a sortable,
        searchable table of every territory and a map linking to the sheets) and
        ``manifest.json`` (each sheet, the hashes of its inputs and of its files, the
        versions).
    within, codes
        Every territory (default), those within a parent, or those listed (see
        :func:`select_territories`).
    lang
        ``fr`` or ``en``.
    formats
        ``("html",)``, ``("pdf",)`` or both.
    indicators
        A file's indicators (default: all its numeric columns; see
        :func:`~territorial.sheets.sheet_inputs`).
    jobs, force, progress
        See :func:`run_batch`: the level's statistics are computed once, before the
        processes are forked; an up-to-date sheet is skipped unless ``force``.

    Examples
    --------
    >>> import tempfile
    >>> from territorial.sources import open_source
    >>> source = open_source("france:departement", purpose="diagnosis")
    >>> atlas = build_atlas(source, Path(tempfile.mkdtemp()), within="region:Bretagne",
    ...                     jobs=1, progress=False)
    >>> sorted(atlas.written), atlas.index.name
    (['22', '29', '35', '56'], 'index.html')
    """
    import datetime as _dt

    import pandas as pd

    import territorial
    from territorial.format import check_lang, format_number
    from territorial.render.index_page import index_page
    from territorial.sheets import sheet_content, sheet_inputs, write_sheet
    from territorial.sheets.content import value_text

    check_lang(lang, "--lang")
    formats = tuple(dict.fromkeys(f.lower().lstrip(".") for f in formats))
    for fmt in formats:
        if fmt not in ("html", "pdf"):
            raise InvalidArgumentError(
                "--format",
                ",".join(formats),
                "html, pdf or html,pdf",
                "For example --format html.",
            )
    chosen = select_territories(source, within=within, codes=codes)
    ids = None if indicators is None else list(indicators)
    inputs = sheet_inputs(source, indicators=ids)
    values = inputs.table.values
    data_key = _fingerprint({"version": territorial.__version__, "provenance": source.provenance,
                             "lang": lang, "formats": formats, "indicators": ids})  # fmt: skip

    def key(code: str) -> str:
        row = values.loc[code].tolist() if code in values.index else None
        return _fingerprint({"data": data_key, "code": code, "values": row})

    def write(code: str, paths: Mapping[str, Path]) -> None:
        content = sheet_content(inputs, code, lang=lang)
        for path in paths.values():
            write_sheet(content, path)

    meta = {"toolkit": "territorial", "version": territorial.__version__, "source": source.text,
            "lang": lang, "formats": list(formats), "inputs": data_key,
            "provenance": source.provenance}  # fmt: skip
    batch = run_batch(chosen, write, out, formats=formats, key=key, force=force, jobs=jobs,
                      progress=progress, meta=meta)  # fmt: skip
    result = AtlasResult(**{f.name: getattr(batch, f.name) for f in dataclasses.fields(batch)})
    result.manifest = result.folder / MANIFEST
    # the index: every territory of the atlas, with its figures and its sheet
    words = _INDEX[lang]
    table = inputs.diagnoses.table(lang=lang)
    gdf = source.territories
    key_ids = [i for i in inputs.layout.get("key", []) if i in values and i != "population"][:3]
    columns = [words["population"], *(source.label(i, lang) for i in key_ids),
               words["strengths"], words["weaknesses"]]  # fmt: skip
    rows = []
    first = formats[0]
    for code in chosen:
        population = gdf.at[code, "population"] if "population" in gdf.columns else None
        population = None if population is None or pd.isna(population) else float(population)
        figures = [values.at[code, i] if code in values.index else None for i in key_ids]
        strengths = len(table.at[code, "strengths"]) if code in table.index else 0
        weaknesses = len(table.at[code, "weaknesses"]) if code in table.index else 0
        rows.append({
            "code": code, "name": str(gdf.at[code, "name"]),
            "href": f"{file_stem(code)}.{first}",
            "cells": [format_number(population, lang=lang, decimals=0),
                      *(value_text(v, inputs.specs.get(i, {}), lang)
                        for v, i in zip(figures, key_ids, strict=True)),
                      str(strengths), str(weaknesses)],
            "sort": [population, *figures, strengths, weaknesses],
        })  # fmt: skip
    levels = source.level_label(lang, plural=True)
    title = words["title"].format(levels=levels)
    if within is not None:
        level, _, query = within.partition(":")
        parents = source.parent_territories(level)
        parent = gdf.at[chosen[0], level]
        name = parents.at[parent, "name"] if parents is not None else query
        title = words["within"].format(levels=levels[:1].upper() + levels[1:], parent=name)
    sources = "; ".join(dict.fromkeys(
        str(source.metadata(i).get("source", "")) for i in values.columns
        if source.metadata(i).get("source")))  # fmt: skip
    footer = words["footer"].format(version=territorial.__version__,
                                    date=_dt.date.today().isoformat(),
                                    sources=sources or source.text)  # fmt: skip
    html = index_page(
        rows, columns=columns, title=title, subtitle=words["sub"].format(n=len(rows)),
        footer=footer, shapes=gdf.geometry.loc[chosen], lang=lang,
    )  # fmt: skip
    result.index = write_text_atomic(result.folder / "index.html", html)
    return result
