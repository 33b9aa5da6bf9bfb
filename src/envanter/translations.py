"""An inventory's English labels: `SOURCE.en.yaml` beside the source, keyed by the Turkish text
as the table writes it (docs/translations.md). English is welcome, not required: a text without
one is shown in Turkish on the English pages, with a warning. An "English" label that is the
Turkish text again is flagged, since it is most often a copy made to silence that warning.

`envanter translations SOURCE` appends the texts still to translate to the file, each with an
empty English and where it is used."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from .errors import InputError, Problem
from .metadata import MAX_METADATA_BYTES, NoAliasLoader
from .read.linking import Linked
from .read.reference import Reference, flatten

MAX_TRANSLATIONS_BYTES = 64 * MAX_METADATA_BYTES  # a national inventory's names: a few MB


def translations_path(source: Path) -> Path:
    return source.with_name(source.stem + ".en.yaml")


@dataclass(frozen=True)
class Translations:
    """Turkish text → English, as the file gives it (empty ones left out)."""

    english: dict[str, str]
    path: Path | None = None

    def en(self, text: str | None) -> str | None:
        return self.english.get(text) if text else None

    def copies(self) -> list[str]:
        """The Turkish texts whose "English" is the Turkish again."""
        return [tr for tr, en in self.english.items() if same_text(tr, en)]


def same_text(tr: str, en: str) -> bool:
    return " ".join(tr.casefold().split()) == " ".join(en.casefold().split())


def load_translations(source: Path, path: Path | None = None) -> Translations:
    """The translations beside `source` (or at `path`, as a publication file names them); none
    there gives none. The file is either flat (Turkish: English) or grouped as the project's
    first en.yaml was (group: {Turkish: English}); both read the same."""
    path = path or translations_path(source)
    if not path.exists():
        return Translations({}, path)
    return read_translations(path)


def read_translations(path: Path) -> Translations:
    name = str(path)
    try:
        if path.stat().st_size > MAX_TRANSLATIONS_BYTES:
            raise InputError([Problem(name, None, None, "the file is too large to be labels")])
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=NoAliasLoader) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise InputError([Problem(name, None, None, f"cannot read the translations: {e}")]) from e
    if not isinstance(data, dict):
        raise InputError([Problem(name, None, None, "expected 'Turkish text: English text' lines")])
    english: dict[str, str] = {}
    problems = []
    for key, value in flatten(data):
        if value is None or value == "":
            continue  # still to translate
        if not isinstance(value, str):
            problems.append(
                Problem(name, None, str(key), f"expected the English text, not {value!r:.100}")
            )
            continue
        english[str(key)] = value
    if problems:
        raise InputError(problems)
    return Translations(english, path)


@dataclass(frozen=True)
class Wanted:
    """A Turkish text the publication shows, and where."""

    text: str
    kind: str  # service name, document, channel, role, unit, institution, law
    services: tuple[int, ...]


def append_missing(path: Path, missing: list[Wanted]) -> None:
    """Append the texts to translate, each with an empty English and where it is used; what the
    file already holds is kept as it is (its comments too)."""
    known: set[str] = set()
    if path.exists():
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=NoAliasLoader) or {}
        known = {str(k) for k, _ in flatten(data)} if isinstance(data, dict) else set()
    new = [w for w in missing if w.text not in known]
    if not new:
        return
    lines = []
    if not path.exists():
        lines += [
            "# English labels, keyed by the Turkish text as the table writes it",
            "# (docs/translations.md). Fill in the empty ones; an empty one is not published.",
        ]
    lines.append("# To translate (written by `envanter translations`):")
    for w in new:
        key = json.dumps(w.text, ensure_ascii=False)  # (a JSON string is a YAML one)
        where = ", ".join(str(n) for n in w.services[:8])
        more = f" and {len(w.services) - 8} more" if len(w.services) > 8 else ""
        lines.append(
            f'{key}: ""  # {w.kind}; service{"s" if len(w.services) != 1 else ""} {where}{more}'
        )
    with path.open("a", encoding="utf-8") as f:
        if path.stat().st_size and not path.read_text(encoding="utf-8").endswith("\n"):
            f.write("\n")
        f.write("\n".join(lines) + "\n")


def untranslated(linked: Linked) -> list[Wanted]:
    """Every Turkish text the publication shows as a label without an English one, with the
    services using it: the services' names, their laws, documents, channels, roles, units and
    institutions (the publisher and its department have theirs in the metadata file)."""
    uses: dict[tuple[str, str], list[int]] = {}

    def use(text: str | None, english: object, kind: str, number: int) -> None:
        if text and not english:
            numbers = uses.setdefault((text, kind), [])
            if number not in numbers:
                numbers.append(number)

    organisations = linked.organisations
    for s in linked.services:
        n = s.number
        use(s.name, linked.name_en.get(n), "service name", n)
        for key in linked.law_keys.get(n, []):
            law = linked.laws[key]
            use(law.title_tr, law.title_en, "law", n)
        for key in linked.document_keys.get(n, []):
            document = linked.documents[key]
            use(document.label_tr, document.label_en, "document", n)
        for key in linked.channel_keys.get(n, []):
            channel, en = linked.channels[key]
            use(channel.label, en, "channel", n)
        for key in linked.role_keys.get(n, []):
            role = linked.roles[key]
            use(role.label_tr, role.label_en, "role", n)
        for key, _ in linked.unit_keys.get(n, []) + linked.institutions.get(n, []):
            o = organisations.get(key, {})
            if o.get("kind") in ("unit", "institution"):
                use(str(o.get("name") or ""), o.get("name_en"), str(o["kind"]), n)
    seen: dict[str, Wanted] = {}
    for (text, kind), numbers in uses.items():
        if text not in seen:
            seen[text] = Wanted(text, kind, tuple(numbers))
    return list(seen.values())


def with_translations(
    reference: Reference, translations: Translations, progress: Callable[[str], None]
) -> Reference:
    """The reference data with the inventory's English labels (over any its folder holds);
    each "English" that is the Turkish again is a warning naming the Turkish text."""
    where = translations.path.name if translations.path else "the translations"
    for text in translations.copies():
        progress(
            f"warning: {where}: the English of {text!r} is the Turkish text itself: translate "
            "it, or delete the line if it has none (the English pages then show the Turkish)"
        )
    return replace(reference, english={**reference.english, **translations.english})


def write_missing(source: Path) -> tuple[Path, int]:
    """Read and link SOURCE as a build does, and append the texts it shows without an English
    label to SOURCE.en.yaml; (the file, how many were added)."""
    from .config import DEFAULT_SOURCE
    from .run.options import BuildOptions
    from .run.reading import prepare_tables

    defaults = BuildOptions()
    # The seed's corrections are the seed's: another source is read without them.
    options = BuildOptions(
        source=source,
        corrections=defaults.corrections if source == DEFAULT_SOURCE else None,
    )
    missing = prepare_tables(options).untranslated
    path = translations_path(source)
    append_missing(path, missing)
    return path, len(missing)
