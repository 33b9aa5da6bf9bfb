"""`envanter diff` and the changelog page of `build --previous`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from envanter.cli import main
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
    assert "54 → 53" in page and "Halk Süt Desteği" in page


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
