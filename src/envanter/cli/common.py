"""What every command shares: the `envanter` group, and how a library call's errors become a
message and an exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

import click

from .. import __version__
from ..check.shacl import DEFAULT_ENGINE, ENGINES
from ..config import SETTINGS
from ..errors import EXIT_INTERNAL, EnvanterError

T = TypeVar("T")
HELP = {s.name: s.help for s in SETTINGS}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="envanter")
def main() -> None:
    """Publish a Turkish public-service inventory (Kamu Hizmet Envanteri) as Linked Open Data.

    Exit codes: 0 success, 1 validation failed, 2 bad input or options, 3 internal error.
    """


def run(action: Callable[[], T]) -> T:
    """Run a library call; turn its errors into a message on stderr and the documented exit code."""
    try:
        return action()
    except EnvanterError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(e.exit_code)
    except Exception as e:  # an internal error: say so, and where to look
        click.echo(f"internal error: {type(e).__name__}: {e}", err=True)
        sys.exit(EXIT_INTERNAL)


# The build and `envanter validate` check with the same engines.
shacl_engine_option = click.option(
    "--shacl-engine",
    type=click.Choice(ENGINES),
    metavar="NAME",
    default=DEFAULT_ENGINE,
    show_default=True,
    help="SHACL engine: turbo (pySHACL's results, in Rust) or pyshacl (the reference, slower).",
)
