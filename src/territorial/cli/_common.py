"""Pieces shared by the command modules: the error console and the default parent levels."""

from __future__ import annotations

import typer
from rich.console import Console

#: Messages and reports go to standard error; data goes to files or standard output.
console = Console(stderr=True, soft_wrap=True)

#: Parent level drawn over each France level (borders of maps and pages, peers of ranks).
PARENT_LEVEL: dict[str, str | None] = {
    "commune": "departement",
    "arrondissement": "departement",
    "canton": "departement",
    "circonscription": "departement",
    "epci": "departement",
    "departement": "region",
    "region": None,
}


def fail(error: Exception) -> None:
    """Print an error without a traceback and exit with status 2."""
    console.print(f"[bold red]error:[/] {error}", highlight=False)
    raise typer.Exit(2)
