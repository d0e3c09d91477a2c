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

def _flags_without_type_labels() -> None:
    """Help shows ``--blocs/--no-blocs``, not ``--blocs/--no-blocs <bool>``.

    Typer (0.22 and later) labels every option with its type; for an on/off flag the label says
    nothing the option names do not. The label is dropped for flags only.
    """
    try:
        from typer.core import TyperOption
    except ImportError:  # pragma: no cover - older Typer has no type labels
        return
    original = getattr(TyperOption, "display_type_rich", None)
    if original is None or getattr(original, "_suasion_flags", False):
        return

    def display_type_rich(self, ctx):  # type: ignore[no-untyped-def]
        if getattr(self, "is_flag", False) and not getattr(self, "count", False):
            return None
        return original(self, ctx)

    display_type_rich._suasion_flags = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich


_flags_without_type_labels()


def _help_option_without_pydantic() -> None:
    """``suasion <group> <command> --help`` does not import Pydantic (about 0.1 s).

    Typer (0.2x) coerces every option value through a Pydantic ``TypeAdapter`` unless the value is
    already a bool on a bool flag. Its ``--help`` option has no default (``None``), so merely parsing
    the parent group's ``--help`` (not given) builds an adapter and imports Pydantic before the
    sub-command's help is printed. A default of ``False`` takes the bool shortcut; nothing else changes.
    """
    try:
        from typer._click.core import Command
    except ImportError:  # pragma: no cover - older Typer uses the click package unchanged
        return
    original = Command.get_help_option
    if getattr(original, "_suasion_help", False):
        return

    def get_help_option(self, ctx):  # type: ignore[no-untyped-def]
        option = original(self, ctx)
        if option is not None and option.default is None:
            option.default = False
        return option

    get_help_option._suasion_help = True  # type: ignore[attr-defined]
    Command.get_help_option = get_help_option


_help_option_without_pydantic()


def _version(value: bool) -> None:
    if value:
        from suasion import __version__

        print(f"suasion {__version__}")
        raise typer.Exit()


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
    "suasion.brief.cli",
    "suasion.web.cli",
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


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Security and defence diplomacy: leverage, brokers, negotiations, engagements, events."""


_register_all()


def _fail(message: str, code: int = 2) -> None:
    from rich.markup import escape

    Console(stderr=True).print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    sys.exit(code)


def main() -> None:
    """Entry point: run the app; user errors become one line on stderr and exit status 2.

    Usage errors that Click detects (a value out of range, not a choice, a missing argument)
    are printed the same way as :class:`SuasionError`: ``error: <what is wrong>``, no usage
    block, no traceback.
    """
    try:  # Typer >= 0.22 vendors Click; older releases use the click package
        from typer._click import exceptions as click_errors
    except ImportError:  # pragma: no cover
        from click import exceptions as click_errors

    try:
        code = app(standalone_mode=False)
    except SuasionError as exc:
        _fail(str(exc), exc.exit_code)
    except click_errors.NoArgsIsHelpError as exc:
        # a group called without a command prints its help, as before
        print(exc.ctx.get_help() if exc.ctx else str(exc))
        sys.exit(0)
    except click_errors.UsageError as exc:
        where = f"{exc.ctx.command_path}: " if exc.ctx is not None else ""
        _fail(where + " ".join(exc.format_message().replace("Value error, ", "").split()), 2)
    except click_errors.ClickException as exc:
        _fail(" ".join(exc.format_message().split()), exc.exit_code or 2)
    except (getattr(typer, "Abort", KeyboardInterrupt), KeyboardInterrupt):
        _fail("aborted", 1)
    except BrokenPipeError:  # output piped into a reader that stopped early (| head)
        sys.stderr.close()
        sys.exit(0)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
