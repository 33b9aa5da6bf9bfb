"""docs/cli.md holds every command's `--help` verbatim; `REGENERATE_DOCS=1` rewrites it there."""

from __future__ import annotations

import os
import re

import click
from click.testing import CliRunner

from envanter.cli import main

from .conftest import ROOT

CLI_DOC = ROOT / "docs" / "cli.md"


def help_of(name: str) -> str:
    result = CliRunner().invoke(main, [name, "--help"], prog_name="envanter", terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


def section(text: str, name: str) -> tuple[int, int]:
    """Where the section `## \\`envanter NAME…` starts and ends in the doc."""
    start = text.find(f"## `envanter {name}")
    assert start >= 0, f"docs/cli.md has no section '## `envanter {name}`'"
    following = text.find("\n## ", start + 1)
    return start, len(text) if following < 0 else following + 1


def help_block(name: str) -> re.Pattern[str]:
    return re.compile(rf"```text\nUsage: envanter {name}(?=[ \n]).*?```\n", re.DOTALL)


def with_help(text: str, name: str, help_text: str) -> str:
    """The doc with NAME's help block replaced, or added at the end of its section."""
    start, end = section(text, name)
    block = f"```text\n{help_text}```\n"
    body = text[start:end]
    found = help_block(name).search(body)
    if found:
        body = body[: found.start()] + block + body[found.end() :]
    else:
        body = body.rstrip("\n") + "\n\n" + block + ("\n" if end < len(text) else "")
    return text[:start] + body + text[end:]


def test_docs_hold_every_commands_help_verbatim() -> None:
    commands: dict[str, click.Command] = main.commands  # type: ignore[attr-defined]
    assert len(commands) >= 8  # build, diff, validate, template, pin, query, serve, publish
    text = CLI_DOC.read_text(encoding="utf-8")
    if os.environ.get("REGENERATE_DOCS") == "1":
        for name in sorted(commands):
            text = with_help(text, name, help_of(name))
        CLI_DOC.write_text(text, encoding="utf-8")
    for name in sorted(commands):
        start, end = section(text, name)
        found = help_block(name).search(text[start:end])
        assert found, f"docs/cli.md: no help block for '{name}'; run REGENERATE_DOCS=1 pytest"
        assert found.group() == f"```text\n{help_of(name)}```\n", (
            f"docs/cli.md: the help of '{name}' is not the current one; "
            "run REGENERATE_DOCS=1 pytest tests/test_cli_help.py"
        )


def test_regenerating_replaces_a_stale_block_and_adds_a_missing_one() -> None:
    doc = (
        "# CLI\n\n## `envanter a`\n\nText.\n\n```text\nUsage: envanter a [OLD]\n```\n\n"
        "More.\n\n## `envanter b`\n\nText.\n"
    )
    doc = with_help(doc, "a", "Usage: envanter a [NEW]\n")
    doc = with_help(doc, "b", "Usage: envanter b\n")
    assert doc == (
        "# CLI\n\n## `envanter a`\n\nText.\n\n```text\nUsage: envanter a [NEW]\n```\n\n"
        "More.\n\n## `envanter b`\n\nText.\n\n```text\nUsage: envanter b\n```\n"
    )
