"""The ``suasion`` command line: one sub-command group per capability.

Each capability keeps its commands in its own ``cli.py`` with a ``register(app)`` function;
commands call the public Python API and render its result, nothing more. Heavy imports stay
inside the command functions so that ``suasion --help`` and the leverage commands start fast.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from suasion.errors import SuasionError

app = typer.Typer(
    name="suasion",
    help="Security and defence diplomacy: leverage, brokers, negotiations, engagements, events.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)

_CAPABILITIES = (
    "suasion.actors.cli",
    "suasion.panel.cli",
    "suasion.leverage.cli",
    "suasion.influence.cli",
    "suasion.bargaining.cli",
    "suasion.engagements.cli",
    "suasion.events.cli",
)


def _register_all() -> None:
    import importlib

    for name in _CAPABILITIES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a capability not built yet
            if exc.name == name:
                continue
            raise
        module.register(app)


_register_all()


def main() -> None:
    """Entry point: run the app; user errors become one line on stderr and a non-zero exit."""
    try:
        app(standalone_mode=True)
    except SuasionError as exc:
        from rich.markup import escape

        Console(stderr=True).print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
