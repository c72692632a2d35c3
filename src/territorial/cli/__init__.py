"""The ``territorial`` command line (typer + rich).

Each command family lives in its own module of this package and exposes
``register(app)``; :data:`COMMAND_MODULES` lists them.
"""

from __future__ import annotations

import importlib

import typer

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
)

for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:
    """Entry point of the ``territorial`` command."""
    app()
