"""No file half-written: a write that fails part-way keeps the previous file byte for byte.

Faults are injected three ways: a writer that raises after writing part of the file,
a real child process under a file size limit (``ulimit -f``), and a child process
killed (SIGKILL) in the middle of a write.
"""

from __future__ import annotations

import errno
import resource
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from matplotlib.figure import Figure
from shapely import box

from territorial.files import remove_stale_temporaries
from territorial.io import write as write_module
from territorial.io.write import metadata_path, write_layer
from territorial.render.static.save import save_map

FORMATS = (".csv", ".xlsx", ".parquet", ".gpkg", ".geojson", ".fgb")


def _layer(values: list[float]) -> gpd.GeoDataFrame:
    """Synthetic: two squares with a value each."""
    return gpd.GeoDataFrame(
        {"value": values},
        index=pd.Index(["01", "02"], name="code"),
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs=4326,
    )


def _metadata(unit: str) -> pd.DataFrame:
    """Synthetic: the metadata table of the column ``value``."""
    return pd.DataFrame({"unit": [unit]}, index=pd.Index(["value"], name="id"))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _disk_full() -> OSError:
    return OSError(errno.ENOSPC, "No space left on device")


def _half_then_fail(real):
    """Wrap a writer taking the target path first: write the file, cut it in half, raise."""

    def wrapper(*args, **kwargs):
        real(*args, **kwargs)
        target = Path(args[1] if len(args) > 1 and isinstance(args[1], str | Path) else args[0])
        data = target.read_bytes()
        target.write_bytes(data[: len(data) // 2])
        raise _disk_full()

    return wrapper


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_write_failing_midway_keeps_the_previous_file(tmp_path, monkeypatch, suffix):
    path = tmp_path / f"epci{suffix}"
    write_layer(_layer([1.0, 2.0]), path, metadata=_metadata("%"))
    before = _snapshot(tmp_path)
    real = write_module._write

    def failing(data, tmp, *args, **kwargs):
        real(data, tmp, *args, **kwargs)
        tmp.write_bytes(tmp.read_bytes()[:100])  # the disk filled up part-way
        raise _disk_full()

    monkeypatch.setattr(write_module, "_write", failing)
    with pytest.raises(OSError, match="No space left on device"):
        write_layer(_layer([3.0, 4.0]), path, metadata=_metadata("km"))
    assert _snapshot(tmp_path) == before  # byte-identical, and no temporary left


def test_the_second_layer_of_a_geopackage_failing_keeps_the_previous_file(tmp_path, monkeypatch):
    import pyogrio

    path = tmp_path / "epci.gpkg"
    write_layer(_layer([1.0, 2.0]), path, metadata=_metadata("%"))
    before = _snapshot(tmp_path)
    real = pyogrio.write_dataframe

    def failing(df, target, *args, layer=None, **kwargs):
        if layer == "metadata":  # the data layer is already in the file
            raise _disk_full()
        return real(df, target, *args, layer=layer, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", failing)
    with pytest.raises(OSError, match="No space left on device"):
        write_layer(_layer([3.0, 4.0]), path, metadata=_metadata("km"))
    assert _snapshot(tmp_path) == before
    back = gpd.read_file(path, layer="metadata")
    assert back["unit"].tolist() == ["%"]


def test_the_parquet_metadata_rewrite_failing_keeps_the_previous_file(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    path = tmp_path / "epci.parquet"
    write_layer(_layer([1.0, 2.0]), path, metadata=_metadata("%"))
    before = _snapshot(tmp_path)
    monkeypatch.setattr(pq, "write_table", _half_then_fail(pq.write_table))
    with pytest.raises(OSError, match="No space left on device"):
        write_layer(_layer([3.0, 4.0]), path, metadata=_metadata("km"))
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("suffix", [".csv", ".geojson", ".fgb"])
def test_the_metadata_side_file_failing_keeps_both_files(tmp_path, monkeypatch, suffix):
    path = tmp_path / f"epci{suffix}"
    write_layer(_layer([1.0, 2.0]), path, metadata=_metadata("%"))
    assert metadata_path(path).exists()
    before = _snapshot(tmp_path)
    real = pd.DataFrame.to_csv

    def failing(self, target=None, *args, **kwargs):
        if target is not None and "metadata.csv" in Path(target).name:
            real(self, target, *args, **kwargs)
            raise _disk_full()
        return real(self, target, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", failing)
    with pytest.raises(OSError, match="No space left on device"):
        write_layer(_layer([3.0, 4.0]), path, metadata=_metadata("km"))
    assert _snapshot(tmp_path) == before


def test_a_new_geopackage_replaces_the_old_one_whole(tmp_path):
    path = tmp_path / "epci.gpkg"
    write_layer(_layer([1.0, 2.0]), path, metadata=_metadata("%"))
    write_layer(_layer([3.0, 4.0]), path, metadata=_metadata("km"))
    assert gpd.read_file(path, layer="epci")["value"].tolist() == [3.0, 4.0]
    assert gpd.read_file(path, layer="metadata")["unit"].tolist() == ["km"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["epci.gpkg"]


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_a_map_failing_midway_keeps_the_previous_file(tmp_path, monkeypatch, suffix):
    path = tmp_path / f"map{suffix}"
    save_map(Figure(figsize=(2, 2)), path)
    before = _snapshot(tmp_path)
    monkeypatch.setattr(Figure, "savefig", lambda self, target, **kw: _half_figure(self, target))
    with pytest.raises(OSError, match="No space left on device"):
        save_map(Figure(figsize=(3, 3)), path)
    assert _snapshot(tmp_path) == before


def _half_figure(fig: Figure, target: Path) -> None:
    Path(target).write_bytes(b"%PDF-1.4 half a figure")
    raise _disk_full()


# --- real processes ---------------------------------------------------------------------------

_CHILD_SETUP = """
import sys
import numpy as np
import pandas as pd
from territorial.io.write import write_layer
path = sys.argv[1]
big = pd.DataFrame({"a": np.arange(400_000), "b": np.arange(400_000) * 0.5})
"""


def _no_file_size_limit_signal() -> None:
    """In the child: files may not grow beyond 1 MB, and a write past it fails with EFBIG
    instead of killing the process (SIGXFSZ ignored, as ``ulimit -f`` in a shell that traps
    it)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))


def test_a_file_size_limit_keeps_the_previous_file(tmp_path):
    path = tmp_path / "big.csv"
    write_layer(pd.DataFrame({"a": [1]}), path)
    before = _snapshot(tmp_path)
    code = _CHILD_SETUP + "write_layer(big, path)\n"
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        preexec_fn=_no_file_size_limit_signal,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert "OSError: [Errno 27] File too large" in result.stderr
    assert _snapshot(tmp_path) == before  # and the temporary was removed


def test_a_killed_process_keeps_the_previous_file(tmp_path):
    path = tmp_path / "big.csv"
    write_layer(pd.DataFrame({"a": [1]}), path)
    before = _snapshot(tmp_path)
    # the child writes the CSV, keeps half of it, says so and waits to be killed
    code = _CHILD_SETUP + textwrap.dedent("""
        import time
        from pathlib import Path
        real = pd.DataFrame.to_csv
        def slow(self, target, *args, **kwargs):
            real(self, target, *args, **kwargs)
            data = Path(target).read_bytes()
            Path(target).write_bytes(data[: len(data) // 2])
            print("writing", flush=True)
            time.sleep(120)
        pd.DataFrame.to_csv = slow
        write_layer(big, path)
    """)
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline() == "writing\n"
        temporaries = [p for p in tmp_path.iterdir() if p.name != "big.csv"]
        assert [p.name.startswith(f".big.csv.tmp-{child.pid}-") for p in temporaries] == [True]
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=60) == -signal.SIGKILL
    finally:
        if child.poll() is None:  # pragma: no cover - only when an assertion failed above
            child.kill()
            child.wait()
        child.stdout.close()
    assert path.read_bytes() == before["big.csv"]
    # the killed writer's temporary is cleared by the next fetch or conversion
    assert remove_stale_temporaries(tmp_path) == temporaries
    assert _snapshot(tmp_path) == before


def test_the_written_files_are_whole(tmp_path):
    # the ordinary path: each format is read back as written
    layer = _layer([1.5, 2.5])
    for suffix in FORMATS:
        path = write_layer(layer, tmp_path / f"t{suffix}", metadata=_metadata("%"))
        if suffix == ".csv":
            back = pd.read_csv(path, dtype={"code": str}).set_index("code")
        elif suffix == ".xlsx":
            back = pd.read_excel(path, sheet_name="data", dtype={"code": str}).set_index("code")
        elif suffix == ".parquet":
            back = gpd.read_parquet(path)
        else:
            back = gpd.read_file(path, layer="t").set_index("code")
        assert back.loc[["01", "02"], "value"].tolist() == [1.5, 2.5], (
            suffix
        )  # FlatGeobuf reorders
    # no temporary left; one side file, shared by .csv, .geojson and .fgb
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"t{s}" for s in FORMATS] + ["t.metadata.csv"]
    )
