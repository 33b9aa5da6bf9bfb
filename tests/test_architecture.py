"""docs/architecture.md names real files and functions: every `path` and `path:name` it gives."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import ROOT

DOC = ROOT / "docs" / "architecture.md"
# `read/records.py:interpret`, `mappings/20-links.yaml:requirements`, `site/service.html.j2`, …
REFERENCE = re.compile(r"`([\w./-]+\.(?:py|yaml|ttl|j2|rq))(?::([\w.-]+))?`")


def file_of(path: str) -> Path:
    """A module is named under src/envanter/, or by its file name alone where that is unique
    (the prose says `records.py` under **read/**); any other file from the project's root."""
    if not path.endswith(".py") or path.startswith("tests/"):
        return ROOT / path
    package = ROOT / "src" / "envanter"
    if "/" in path:
        return package / path
    found = sorted(package.rglob(path))
    return found[0] if len(found) == 1 else package / path


def defines(path: str, name: str) -> bool:
    text = file_of(path).read_text(encoding="utf-8")
    if path.endswith(".py"):
        *owners, last = name.split(".")
        return all(
            re.search(rf"^\s*(?:def|class) {re.escape(part)}\b", text, re.MULTILINE)
            for part in owners
        ) and bool(
            re.search(
                rf"^\s*(?:(?:def|class) {re.escape(last)}\b|{re.escape(last)}\s*[:=])",
                text,
                re.MULTILINE,
            )
        )
    if path.endswith(".yaml"):  # a mapping's name
        return re.search(rf"^{re.escape(name)}:", text, re.MULTILINE) is not None
    if path.endswith(".ttl"):  # a shape's rule
        return f'dct:identifier "{name}"' in text
    return name in text


def test_every_file_and_name_the_architecture_page_gives_exists() -> None:
    references = REFERENCE.findall(DOC.read_text(encoding="utf-8"))
    assert len(references) >= 80  # the table of columns alone gives five a row
    missing = [
        f"{path}:{name}" if name else path
        for path, name in references
        if not file_of(path).is_file() or (name and not defines(path, name))
    ]
    assert missing == []


def test_a_name_that_is_gone_is_caught() -> None:
    assert defines("read/records.py", "interpret")
    assert not defines("read/records.py", "interpret_every_cell")
    assert not defines("publication/site.py", "SiteWriter.no_such_view")
    assert defines("shapes/profile.ttl", "service-title")
    assert not defines("mappings/20-links.yaml", "no_such_mapping")
