"""territorial.files: atomic writes, stale temporaries, output paths checked up front."""

from __future__ import annotations

import os

import pytest

from territorial.errors import InvalidArgumentError, UnsupportedFormatError, WriteError
from territorial.files import atomic_path, check_output, remove_stale_temporaries


def test_a_failed_block_keeps_the_previous_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "t.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(OSError, match="disk full"), atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".csv" and tmp != target
        tmp.write_text("half", encoding="utf-8")
        raise OSError("disk full")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


def test_a_block_that_writes_nothing_is_an_error_and_keeps_the_file(tmp_path):
    target = tmp_path / "t.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(WriteError, match="nothing was written"), atomic_path(target):
        pass
    assert target.read_text(encoding="utf-8") == "old"


def test_stale_temporaries_of_dead_processes_go_those_of_live_ones_stay(tmp_path):
    dead = 999_999_999  # no such process: pid_max is far below
    stale = [
        tmp_path / f".epci.csv.tmp-{dead}-0123abcd.csv",
        tmp_path / f"france-v8.tmp-{dead}",
    ]
    stale[0].write_text("x", encoding="utf-8")
    stale[1].mkdir()
    live = tmp_path / f".epci.csv.tmp-{os.getpid()}-0123abcd.csv"
    live.write_text("x", encoding="utf-8")
    kept = tmp_path / "epci.csv"
    kept.write_text("x", encoding="utf-8")
    assert sorted(remove_stale_temporaries(tmp_path)) == sorted(stale)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, kept.name])


def test_a_folder_is_reported_as_a_folder_before_its_missing_extension(tmp_path):
    with pytest.raises(InvalidArgumentError) as error:
        check_output(tmp_path, argument="--output", suffixes=[".png", ".svg"])
    assert str(error.value) == (
        f"--output={str(tmp_path)!r} is not valid: expected a file path, not a folder. "
        f"Add a file name, e.g. --output {tmp_path / 'result.png'}."
    )


def test_a_path_under_a_file_and_a_wrong_extension_are_errors(tmp_path):
    (tmp_path / "f").write_text("", encoding="utf-8")
    with pytest.raises(InvalidArgumentError) as error:
        check_output(tmp_path / "f" / "x.csv", argument="-o")
    assert str(error.value) == (
        f"-o={str(tmp_path / 'f' / 'x.csv')!r} is not valid: expected a path inside a folder. "
        f"{str(tmp_path / 'f')!r} is a file, not a folder: choose another location."
    )
    with pytest.raises(UnsupportedFormatError) as error:
        check_output(tmp_path / "x.txt", argument="-o", suffixes=[".csv"])
    assert str(error.value) == (
        f"-o={str(tmp_path / 'x.txt')!r} has an unsupported format. Use a file ending in one "
        "of: .csv."
    )
    assert check_output(tmp_path / "new" / "x.CSV", suffixes=[".csv"]).name == "x.CSV"


def test_an_os_error_becomes_a_write_error_naming_the_file(tmp_path):
    target = tmp_path / "t.csv"
    with pytest.raises(WriteError) as error, atomic_path(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise OSError(28, "No space left on device")
    assert str(error.value) == (
        f"Writing {str(target)!r} failed (No space left on device); any previous file is "
        "unchanged. Free some space, or write to another folder."
    )
    assert isinstance(error.value, OSError) and error.value.strerror == "No space left on device"


def test_a_symbolic_link_keeps_pointing_to_the_new_file(tmp_path):
    real = tmp_path / "real" / "target.csv"
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    with atomic_path(link) as tmp:
        tmp.write_text("new", encoding="utf-8")
    assert link.is_symlink() and link.read_text(encoding="utf-8") == "new"
    assert real.read_text(encoding="utf-8") == "new"
