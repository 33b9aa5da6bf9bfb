"""Exceptions raised by the library; only the CLI turns them into messages and exit codes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Exit codes, as documented in docs/cli.md.
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class EnvanterError(Exception):
    """Base class; `exit_code` tells the CLI how to end."""

    exit_code = EXIT_INTERNAL


class InputError(EnvanterError):
    """The source or curated data is wrong; carries every problem found, not just the first."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(
            set(problems), key=lambda p: (p.file, p.line or 0, p.field or "", p.message)
        )
        super().__init__(self.report())

    def __reduce__(self) -> tuple[type[InputError], tuple[list[Problem]]]:
        # (Pickled as its problems, not its message: the source is read in a child process.)
        return (InputError, (self.problems,))

    def report(self) -> str:
        n = len(self.problems)
        lines = [f"{n} problem{'s' if n != 1 else ''} in the input:"]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)


class ConfigError(EnvanterError):
    """A setting or command-line option is wrong."""

    exit_code = EXIT_BAD_INPUT
