"""`envanter diff` and the changelog page of `build --previous`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from click.testing import CliRunner

from envanter.cli import main
from envanter.publication.diff import diff
from envanter.publication.editions import edition_of, keep_previous_editions
from envanter.run.pipeline import BuildOptions, build

from .conftest import CORRECTIONS, SEED


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The seed as released, and a next edition: service 14's count changed, service 54 gone."""
    folder = tmp_path_factory.mktemp("releases")
    old = folder / "old"
    build(BuildOptions(out=old))
    source = folder / "source" / SEED.name
    source.parent.mkdir()
    meta = SEED.name.replace(".txt", ".meta.yaml")
    shutil.copy(SEED.with_name(meta), source.with_name(meta))
    # Its English labels are beside it too: without them every service's English would change.
    en = SEED.name.replace(".txt", ".en.yaml")
    shutil.copy(SEED.with_name(en), source.with_name(en))
    # Service 54's layout hint goes with it (a hint that no longer matches is an error).
    layout = SEED.with_suffix(".layout.yaml")
    hints = yaml.safe_load(layout.read_text(encoding="utf-8"))
    hints["hints"] = [h for h in hints["hints"] if h["line"] < 6394]
    source.with_suffix(".layout.yaml").write_text(yaml.safe_dump(hints), encoding="utf-8")
    lines = SEED.read_text(encoding="utf-8").split("\n")
    assert lines[2038 - 1] == "163.485"
    lines[2038 - 1] = "170.000"
    del lines[6394 - 1 : 6494]  # service 54
    source.write_text("\n".join(lines), encoding="utf-8")
    new = folder / "new"
    build(BuildOptions(source=source, out=new, corrections=CORRECTIONS, previous=old))
    return old, new


def test_diff_reports_removed_and_changed_services(releases: tuple[Path, Path]) -> None:
    old, new = releases
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--summary"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "services: 54 → 53 (0 added, 1 removed, 1 changed)"
    assert lines[1].startswith("- Şehit Yakını ve Gazilerle İlişkiler Şube Müdürlüğü Görev")
    assert lines[2] == (
        "~ Halk Süt Desteği <https://envanter.example/id/hizmet/halk-sut-destegi>: "
        "1 triple(s) added, 1 removed"
    )


def test_diff_shows_the_triples_that_changed(releases: tuple[Path, Path]) -> None:
    old, new = releases
    result = CliRunner().invoke(
        main, ["diff", str(old / "data" / "dataset.nt"), str(new / "data" / "dataset.ttl")]
    )
    assert result.exit_code == 0, result.output
    value = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#value>"
    volume = "<https://envanter.example/id/hizmet/halk-sut-destegi#islem-sayisi-1>"
    integer = "^^<http://www.w3.org/2001/XMLSchema#integer>"
    assert f'    + {volume} {value} "170000"{integer} .' in result.output
    assert f'    - {volume} {value} "163485"{integer} .' in result.output


def test_build_with_previous_writes_a_changelog_page(releases: tuple[Path, Path]) -> None:
    _, new = releases
    page = (new / "changes.html").read_text(encoding="utf-8")
    assert "54 → 53" in page
    sections = dict(re.findall(r'<h2 id="(\w+)">.*?</h2>\n(.*?)</section>', page, re.S))
    assert list(sections) == ["eklenen", "cikarilan", "degisen"]
    assert "Yok." in sections["eklenen"]
    # By name, linked by URI; a changed service with the properties that changed.
    withdrawn = re.findall(r'<li><a href="([^"]+)" lang="tr">([^<]+)</a>', sections["cikarilan"])
    assert withdrawn == [
        (
            "https://envanter.example/id/hizmet/sehit-yakini-ve-gazi-basvurulari",
            "Şehit Yakını ve Gazilerle İlişkiler Şube Müdürlüğü Görev ve Çalışma Yönetmeliği "
            "Kapsamında Gelen Başvurular",
        )
    ]
    changed = re.findall(
        r'<li><a href="([^"]+)" lang="tr">([^<]+)</a> — <span>değişen '
        r'<span lang="en">/ changed</span>: (.*?)</span>',
        sections["degisen"],
    )
    assert changed == [
        (
            "https://envanter.example/id/hizmet/halk-sut-destegi",
            "Halk Süt Desteği",
            "<code>rdf:value</code>",
        )
    ]
    # The home page links it, in both languages.
    home = (new / "index.html").read_text(encoding="utf-8")
    assert '<a href="changes.html">Önceki yayından bu yana değişenler</a>' in home
    english = (new / "en" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../changes.html">Changes since the previous edition</a>' in english


def test_without_previous_the_home_page_links_no_changes(seed_dist: Path) -> None:
    assert not (seed_dist / "changes.html").exists()
    assert "changes.html" not in (seed_dist / "index.html").read_text(encoding="utf-8")


def test_diff_of_identical_builds_is_empty(releases: tuple[Path, Path]) -> None:
    old, _ = releases
    result = CliRunner().invoke(main, ["diff", str(old), str(old)])
    assert result.output == (
        "services: 54 → 54 (0 added, 0 removed, 0 changed)\n"
        "other resources: 0 triple(s) added, 0 removed\n"
    )


def test_diff_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["diff", str(tmp_path / "nope"), str(tmp_path)])
    assert result.exit_code == 2
    assert result.output == (
        f"error: {tmp_path / 'nope'}: not found; give a build folder or a .nt/.ttl dump\n"
    )


def test_a_renamed_source_with_shifted_lines_changes_no_service(seed_dist: Path) -> None:
    """The dataset's and the source document's IRIs come from the file's name, and a line added
    above a row moves its line references: neither is a change of any service."""
    text = (seed_dist / "data" / "dataset.nt").read_text(encoding="utf-8")
    moved = re.sub(
        r'(#firstLine> |#lastLine> )"(\d+)"',
        lambda m: f'{m[1]}"{int(m[2]) + 3}"',
        text.replace("ibb-sosyal-hizmetler-2025", "ibb-sosyal-hizmetler-2026"),
    )
    moved = re.sub(r"#satir-(\d+)>", lambda m: f"#satir-{int(m[1]) + 3}>", moved)
    assert moved.count("ibb-sosyal-hizmetler-2026") > 54 and "2025" in text
    old = {q.triple for q in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)}
    new = {q.triple for q in ox.parse(moved, format=ox.RdfFormat.N_TRIPLES)}
    assert len(old - new) > 3 * 54  # every excerpt moved, every service's dataset renamed
    changes = diff(old, new)
    assert (changes.added, changes.removed, changes.changed) == ([], [], [])
    # What is said of the dataset itself (its identifier, the file's name) is still reported.
    assert changes.other_added and changes.other_removed


def test_the_previous_editions_dumps_are_kept_at_stable_paths(
    releases: tuple[Path, Path], tmp_path: Path
) -> None:
    old, new = releases
    assert (edition_of(old), edition_of(new)) == (1, 2)
    for name in ("dataset.ttl", "dataset.nt", "dataset.jsonld"):
        kept = new / "surum" / "1" / "data" / name
        assert kept.read_bytes() == (old / "data" / name).read_bytes()
    # A third edition keeps the first's dumps where they were, and the second's beside them.
    third = tmp_path / "third"
    keep_previous_editions(new, third)
    assert edition_of(third) == 3
    for number, edition in (("1", old), ("2", new)):
        kept = third / "surum" / number / "data" / "dataset.nt"
        assert kept.read_bytes() == (edition / "data" / "dataset.nt").read_bytes()
