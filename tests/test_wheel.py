"""The package runs from anywhere: the wheel carries the mappings, ontology, shapes, site,
queries and curated reference data, and, installed into a fresh virtual environment, builds a
publication from a filled-in CSV template in an empty folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import DCTERMS, RDF

from envanter.cli import main
from envanter.read.source import write_template
from envanter.resources import RESOURCES, packaged, resource

from .conftest import ROOT

CPSV = Namespace("http://purl.org/vocab/cpsv#")
PIP = [sys.executable, "-m", "pip", "-q"]

# Two services filled into the CSV template, as a user would, with their English titles in a
# translations file beside it (envanter.en.yaml).
ROWS = """\
1,93186084,815,Evlilik Desteği,Evlenecek çiftlere nakdi destek sunulmaktadır.,1-5393 Sayılı Belediye Kanunu 2-5216 Sayılı Büyükşehir Belediyesi Kanunu,Sosyoekonomik olarak desteğe ihtiyacı olduğu belirlenen ve evlenecek olan çiftler,_,_,Sosyal Hizmetler Şube Müdürlüğü,_,1. Kişisel Verilerin Korunması Kanununa İlişkin Aydınlatma Metni,ALO 153 Çözüm Merkezi,1. İdari İşler Personeli 2. Sosyal Hizmetler Şube Müdürü,_,_,(-),15 iş günü,4.040,https://sosyalyardim.ibb.gov.tr/
2,93186084,815,Yenidoğan Desteği,Yenidoğan bebeği bulunan hanelere destek paketi sunulmaktadır.,1-5393 Sayılı Belediye Kanunu,Sosyoekonomik olarak desteğe ihtiyacı olduğu belirlenen ve yenidoğan bebeği bulunan haneler,_,_,Sosyal Hizmetler Şube Müdürlüğü,_,1. Kişisel Verilerin Korunması Kanununa İlişkin Aydınlatma Metni,ALO 153 Çözüm Merkezi,1. Destek Personeli,_,_,(-),15 iş günü,37.568,Sunulmuyor
"""

TRANSLATIONS = """\
"Evlilik Desteği": "Marriage Support"
"Yenidoğan Desteği": "Newborn Support"
"""


def files_under(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )


def make_wheel(tmp_path: Path) -> Path:
    """Build the wheel from a copy of the project's sources (so no build files land in it)."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ["pyproject.toml", "README.md"]:
        shutil.copy(ROOT / name, project / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    # symlinks=True: envanter/project/ links to the top-level folders, copied beside it.
    shutil.copytree(ROOT / "src", project / "src", symlinks=True, ignore=ignore)
    for name in RESOURCES:
        shutil.copytree(ROOT / name, project / name, ignore=ignore)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [*PIP, "wheel", "--no-deps", "-w", str(wheels), str(project)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("envanter-*.whl")
    return wheel


def fresh_venv(tmp_path: Path, wheel: Path) -> Path:
    """A new virtual environment with the wheel installed; its dependencies are the test
    environment's (a .pth naming its site-packages), so nothing is downloaded."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # A path line in a .pth only extends sys.path: the test environment's own .pth files (its
    # editable install of envanter among them) are not run.
    (Path(purelib) / "dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    subprocess.run(
        [*PIP, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return venv


def test_the_installed_wheel_builds_the_csv_template_example_from_an_empty_folder(
    tmp_path: Path,
) -> None:
    wheel = make_wheel(tmp_path)
    packaged = {n for n in zipfile.ZipFile(wheel).namelist() if n.startswith("envanter/project/")}
    for name in RESOURCES:
        expected = {f"envanter/project/{name}/{f}" for f in files_under(ROOT / name)}
        assert expected <= packaged, (name, sorted(expected - packaged))

    venv = fresh_venv(tmp_path, wheel)
    here = tmp_path / "empty"
    here.mkdir()
    envanter = str(venv / "bin" / "envanter")
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import envanter; print(envanter.__file__)"],
        cwd=here,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(venv)), where  # the wheel's copy, not the checkout's

    subprocess.run([envanter, "template", "envanter.csv"], cwd=here, check=True, timeout=60)
    with (here / "envanter.csv").open("a", encoding="utf-8", newline="") as f:
        f.write(ROWS)
    (here / "envanter.en.yaml").write_text(TRANSLATIONS, encoding="utf-8")
    done = subprocess.run(
        [
            envanter,
            "build",
            "--source",
            "envanter.csv",
            "--out",
            "yayin",
            "--reference-year",
            "2025",
        ],
        cwd=here,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "built 2 services into yayin/" in done.stderr

    out = here / "yayin"
    assert sorted(p.name for p in here.iterdir()) == ["envanter.csv", "envanter.en.yaml", "yayin"]
    assert (out / ".envanter-output").is_file() and (out / "index.html").is_file()
    assert set(files_under(ROOT / "site" / "static")) <= set(files_under(out / "static"))
    graph = Graph().parse(out / "data" / "dataset.nt", format="nt")
    titles = {
        o
        for s in graph.subjects(RDF.type, CPSV.PublicService)
        for o in graph.objects(s, DCTERMS.title)
    }
    assert titles == {
        Literal("Evlilik Desteği", lang="tr"),
        Literal("Yenidoğan Desteği", lang="tr"),
        Literal("Marriage Support", lang="en"),  # from envanter.en.yaml beside the table
        Literal("Newborn Support", lang="en"),
    }


def test_a_projects_own_folder_replaces_the_packaged_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in RESOURCES:
        assert resource(name) == packaged(name)  # nothing of the project's own here
        assert files_under(packaged(name)) == files_under(ROOT / name)
    # The project's own reference data, with English titles in it (as a project kept them
    # before translations lived beside the table), one of them another than the table's own.
    shutil.copytree(ROOT / "data" / "reference", tmp_path / "data" / "reference")
    en = tmp_path / "data" / "reference" / "en.yaml"
    en.write_text(TRANSLATIONS.replace('"Marriage Support"', '"Wedding Support"'), encoding="utf-8")
    assert resource("data/reference") == Path("data/reference")
    assert resource("mappings") == packaged("mappings")

    write_template(tmp_path / "envanter.csv")
    with (tmp_path / "envanter.csv").open("a", encoding="utf-8", newline="") as f:
        f.write(ROWS)
    result = CliRunner().invoke(
        main, ["build", "--source", "envanter.csv", "--out", "yayin", "--reference-year", "2025"]
    )
    assert result.exit_code == 0, result.output
    graph = Graph().parse(tmp_path / "yayin" / "data" / "dataset.nt", format="nt")
    english = {
        o
        for s in graph.subjects(RDF.type, CPSV.PublicService)
        for o in graph.objects(s, DCTERMS.title)
        if isinstance(o, Literal) and o.language == "en"
    }
    assert english == {Literal("Wedding Support", lang="en"), Literal("Newborn Support", lang="en")}
