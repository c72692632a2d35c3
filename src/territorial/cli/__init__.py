"""The ``territorial`` command line (typer + rich).

Each command family lives in its own module of this package and exposes
``register(app)``; :data:`COMMAND_MODULES` lists them.
"""

from __future__ import annotations

import importlib
import os

import typer

# Arrow's default allocator keeps ~70 MB after the cached tables are read; the system one
# returns it (peak memory of a map: 408 -> 337 MiB, measured in benchmarks/bench_cli.py)
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

app = typer.Typer(
    name="territorial",
    help="Territorial intelligence: territories, indicators, diagnostics and maps.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: Command modules, each with a ``register(app)`` function.
COMMAND_MODULES: tuple[str, ...] = (
    "territorial.cli.data",
    "territorial.cli.indicators",
    "territorial.cli.diagnose",
    "territorial.cli.maps",
    "territorial.cli.web",
    "territorial.cli.convert",
    "territorial.cli.sheets",
    "territorial.cli.atlas",
)

for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:
    """Entry point of the ``territorial`` command.

    The commands turn every error they expect into one line (see ``_common.fail``); an
    operating-system error that escapes them (a cache folder turned read-only, a folder
    removed meanwhile) is still one line naming what failed, never a traceback.
    """
    try:
        app()
    except OSError as error:
        from territorial.cli._common import fail

        where = f" ({error.filename})" if getattr(error, "filename", None) else ""
        try:
            fail(
                OSError(
                    f"{error.strerror or error}{where}. Check that the folder exists and "
                    "can be written, or point TERRITORIAL_CACHE_DIR at another one."
                )
            )
        except typer.Exit as done:
            raise SystemExit(done.exit_code) from None
