"""The SHACL shapes, rule by rule: one folder per case under tests/shapes/<rule-id>/<case>/.

Each case is a small graph (data.ttl) and the findings validate() must return for it, all of them
(expect.yaml), with either SHACL engine; and the two engines agree on every field of every
finding (rule, focus, path, value, messages). A `fires-<n>` case has one defect the rule must catch; `quiet` is valid against
every rule of its shapes file, so it expects no finding at all.

The data is parsed as the build parses it: the inventory graph through pyoxigraph and to_rdflib,
which keeps lexical forms exactly (so "P3W"^^xsd:duration reaches the shapes as written); the
catalog with rdflib, as pipeline.py reads dist/catalog.ttl.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from envanter.check.shacl import ENGINES, load_shapes, to_rdflib, validate

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = Path(__file__).resolve().parent / "shapes"
BASE = "https://envanter.example/"
SHAPE_FILES = ("profile", "dcat")

SH = Namespace("http://www.w3.org/ns/shacl#")
DCT = Namespace("http://purl.org/dc/terms/")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")

CASES = sorted(p.parent for p in CASES_DIR.glob("*/*/expect.yaml"))


@cache
def shapes(name: str) -> Graph:
    return load_shapes([ROOT / "shapes" / f"{name}.ttl"], BASE)


def rule_ids(name: str) -> set[str]:
    return {str(i) for i in shapes(name).objects(None, DCT.identifier)}


def read_data(path: Path, name: str) -> Graph:
    if name == "profile":
        return to_rdflib(ox.parse(path=path, format=ox.RdfFormat.TURTLE))
    return Graph().parse(path, format="turtle")


def case_id(folder: Path) -> str:
    return f"{folder.parent.name}/{folder.name}"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("folder", CASES, ids=case_id)
def test_case(folder: Path, engine: str) -> None:
    expect = yaml.safe_load((folder / "expect.yaml").read_text(encoding="utf-8"))
    name = expect["shapes"]
    assert name in SHAPE_FILES, f"unknown shapes file {name!r}"
    rule = folder.parent.name
    assert rule in rule_ids(name), f"{rule} is not a rule of shapes/{name}.ttl"
    expected = {(f["severity"], f["rule"], f["focus"]) for f in expect["findings"] or []}
    if folder.name == "quiet":
        assert expected == set(), "a quiet case expects no finding"
    else:
        assert any(r == rule for _, r, _ in expected), f"a fires case of {rule} expects {rule}"

    report = validate(read_data(folder / "data.ttl", name), shapes(name), engine)
    got = {(f.severity, f.rule, f.focus) for f in report.findings}
    if got != expected:
        lines = [f"case {case_id(folder)} ({engine}): findings differ", "expected:"]
        lines += [f"  {e}" for e in sorted(expected)] or ["  (none)"]
        lines += ["got:"]
        lines += [
            f"  {(f.severity, f.rule, f.focus)} path={f.path} value={f.value!r}: {f.message_en}"
            for f in report.findings
        ] or ["  (none)"]
        pytest.fail("\n".join(lines))


def test_the_engines_agree_on_every_field_of_every_finding() -> None:
    fired = 0
    for folder in CASES:
        name = yaml.safe_load((folder / "expect.yaml").read_text(encoding="utf-8"))["shapes"]
        data = read_data(folder / "data.ttl", name)
        reference = validate(data, shapes(name), "pyshacl").findings
        assert validate(data, shapes(name), "turbo").findings == reference, case_id(folder)
        fired += bool(reference)
    assert fired >= len(CASES) // 2  # (most cases have findings to compare)


def test_every_case_folder_is_collected() -> None:
    folders = sorted(p for p in CASES_DIR.glob("*/*") if p.is_dir())
    missing = sorted(case_id(f) for f in set(folders) - set(CASES))
    assert len(CASES) == len(folders), f"case folders without expect.yaml: {missing}"
    for folder in folders:
        assert (folder / "data.ttl").is_file(), f"{case_id(folder)} has no data.ttl"
        assert folder.name == "quiet" or (
            folder.name.startswith("fires-") and folder.name[len("fires-") :].isdigit()
        ), f"{case_id(folder)}: a case is named fires-<n> or quiet"
    rules = set().union(*(rule_ids(name) for name in SHAPE_FILES))
    assert len(CASES) >= 2 * len(rules)


def test_every_rule_has_cases_that_fire_and_a_quiet_one() -> None:
    for name in SHAPE_FILES:
        for rule in sorted(rule_ids(name)):
            folder = CASES_DIR / rule
            assert list(folder.glob("fires-*/expect.yaml")), f"{rule} has no fires case"
            assert (folder / "quiet" / "expect.yaml").is_file(), f"{rule} has no quiet case"
    known = set().union(*(rule_ids(name) for name in SHAPE_FILES))
    strays = {p.name for p in CASES_DIR.iterdir() if p.is_dir()} - known
    assert not strays, f"case folders for rules that do not exist: {sorted(strays)}"


def has_messages(g: Graph, node: URIRef) -> bool:
    languages = {m.language for m in g.objects(node, SH.message) if isinstance(m, Literal)}
    return {"tr", "en"} <= languages


def has_severity(g: Graph, node: URIRef) -> bool:
    return any(s in (SH.Violation, SH.Warning, SH.Info) for s in g.objects(node, SH.severity))


def shape_problems(g: Graph) -> list[str]:
    """What a rule lacks: a message in tr and en and a severity (on the node shape, or on each of
    its property shapes), and rdfs:seeAlso on the node shape ending in #<rule-id>."""
    problems = []
    for shape, rule in g.subject_objects(DCT.identifier):
        if (shape, RDF.type, SH.NodeShape) not in g:
            problems.append(f"{rule}: not a sh:NodeShape")
        properties = list(g.objects(shape, SH.property))
        if not has_messages(g, shape) and (
            not properties or not all(has_messages(g, p) for p in properties)
        ):
            problems.append(f"{rule}: no sh:message in both tr and en")
        if not has_severity(g, shape) and (
            not properties or not all(has_severity(g, p) for p in properties)
        ):
            problems.append(f"{rule}: no sh:severity")
        links = [str(s) for s in g.objects(shape, RDFS.seeAlso)]
        if not any(link.endswith(f"#{rule}") for link in links):
            problems.append(f"{rule}: no rdfs:seeAlso ending in #{rule} ({links})")
    return problems


@pytest.mark.parametrize("name", SHAPE_FILES)
def test_every_shape_has_messages_severity_and_a_link(name: str) -> None:
    assert rule_ids(name), f"shapes/{name}.ttl has no rules"
    problems = shape_problems(shapes(name))
    assert not problems, "\n".join(problems)
