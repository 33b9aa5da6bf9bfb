"""The validation report: findings, how they read, and the report published with the data
(validation/report.ttl, and validation/index.html with the findings paged after it)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef

from ..errors import EXIT_VIOLATIONS, EnvanterError
from ..publication.paging import PAGE_SIZE, pagers
from ..rdf import vocab
from ..rdf.vocab import RDF_TYPE

SH = Namespace(vocab.SH)
DCT = Namespace(vocab.DCT)
SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "note"}
ORDER = {"violation": 0, "warning": 1, "note": 2}


@dataclass(frozen=True, order=True)
class Finding:
    """One SHACL result, with the rule it comes from and its message in both languages."""

    severity: str  # violation, warning or note
    rule: str  # the shape's identifier, e.g. "service-title"
    focus: str
    path: str | None
    value: str | None
    message_en: str
    message_tr: str


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "violation"]

    def summary(self) -> str:
        v, w, n = self.count("violation"), self.count("warning"), self.count("note")
        return (
            f"{v} violation{'s' if v != 1 else ''}, {w} warning{'s' if w != 1 else ''}, "
            f"{n} note{'s' if n != 1 else ''}"
        )


class ValidationFailed(EnvanterError):
    """The graph breaks our shapes; nothing is published."""

    exit_code = EXIT_VIOLATIONS

    def __init__(self, report: Report, what: str, strict: bool = False) -> None:
        self.report = report
        failing = [
            f
            for f in report.findings
            if f.severity == "violation" or (strict and f.severity == "warning")
        ]
        lines = [f"{what} does not pass validation: {report.summary()}"]
        lines += [format_finding(f) for f in failing]
        super().__init__("\n".join(lines))


def finding_order(f: Finding) -> tuple[int, str, str, str, str, str]:
    """The report's stable order: severity, rule, resource, then the rest."""
    return (ORDER[f.severity], f.rule, f.focus, f.path or "", f.value or "", f.message_en)


def format_finding(f: Finding, lang: str = "en") -> str:
    message = f.message_en if lang == "en" else f.message_tr
    where = f"<{f.focus}>" if not f.focus.startswith("_:") else f.focus
    return f"  {f.severity} [{f.rule}] {where}: {message}"


def report_triples(report: Report, base: str) -> list[ox.Triple]:
    """The report as sh:ValidationReport triples, results as numbered IRIs (stable bytes)."""
    n = ox.NamedNode
    sh = vocab.SH
    report_iri = n(base + "validation/report")
    severity = {"violation": "Violation", "warning": "Warning", "note": "Info"}
    triples = [
        ox.Triple(report_iri, RDF_TYPE, n(sh + "ValidationReport")),
        ox.Triple(
            report_iri,
            n(sh + "conforms"),
            ox.Literal(
                "false" if report.violations else "true",
                datatype=n(vocab.XSD + "boolean"),
            ),
        ),
    ]
    for k, f in enumerate(report.findings, start=1):
        r = n(f"{base}validation/report#r{k}")
        triples += [
            ox.Triple(report_iri, n(sh + "result"), r),
            ox.Triple(r, RDF_TYPE, n(sh + "ValidationResult")),
            ox.Triple(r, n(sh + "resultSeverity"), n(sh + severity[f.severity])),
            ox.Triple(r, n(sh + "sourceShape"), n(f"{base}def/sekiller#{f.rule}")),
            ox.Triple(r, n(sh + "resultMessage"), ox.Literal(f.message_en, language="en")),
            ox.Triple(r, n(sh + "resultMessage"), ox.Literal(f.message_tr, language="tr")),
        ]
        if not f.focus.startswith("_:"):
            triples.append(ox.Triple(r, n(sh + "focusNode"), n(f.focus)))
        if f.path:
            triples.append(ox.Triple(r, n(sh + "resultPath"), n(f.path)))
        if f.value is not None and f.value.startswith(("http://", "https://")):
            triples.append(ox.Triple(r, n(sh + "value"), n(f.value)))
        elif f.value is not None:
            triples.append(ox.Triple(r, n(sh + "value"), ox.Literal(f.value)))
    return triples


@dataclass(frozen=True)
class Rule:
    """A shape as the report page lists it."""

    id: str
    severity: str
    message_en: str
    message_tr: str


def rules(shapes: Graph) -> list[Rule]:
    """Every rule of the shapes, with its severity and messages (from the shape or its first
    property shape)."""
    out = []
    for shape, identifier in shapes.subject_objects(DCT.identifier):
        candidates = [shape, *shapes.objects(shape, SH.property)]
        severity = next(
            (
                SEVERITIES[URIRef(str(s))]
                for c in candidates
                for s in shapes.objects(c, SH.severity)
                if s in SEVERITIES
            ),
            "violation",
        )
        texts: dict[str, str] = {}
        for c in candidates:
            for m in shapes.objects(c, SH.message):
                if isinstance(m, Literal) and m.language and m.language not in texts:
                    texts[m.language] = str(m)
        out.append(Rule(str(identifier), severity, texts.get("en", ""), texts.get("tr", "")))
    return sorted(out, key=lambda r: (ORDER[r.severity], r.id))


def write_report(
    report: Report,
    shapes: Graph,
    base: str,
    templates: Path,
    folder: Path,
    frame: Callable[[str], Mapping[str, object]],
) -> list[Path]:
    """validation/report.ttl and the bilingual report pages: validation/index.html, each rule
    with its severity and how many findings it has, then the findings in the report's order
    (severity, rule, resource), PAGE_SIZE a page, the first page on index.html and the others
    at validation/sayfa/{n}.html. `frame` gives the site's frame of the page at a path."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from ..rdf.serialize import write_turtle

    folder.mkdir(parents=True, exist_ok=True)
    ttl = write_turtle(
        report_triples(report, base),
        {
            "sh": vocab.SH,
            "sekil": base + "def/sekiller#",
            "rapor": base + "validation/report#",
        },
        folder / "report.ttl",
    )
    ordered = sorted(report.findings, key=finding_order)
    counts: dict[str, int] = {}
    for f in ordered:
        counts[f.rule] = counts.get(f.rule, 0) + 1
    page = "validation/index.html"
    paged = pagers(page, len(ordered))
    # Where each rule's findings begin (the row that carries the rule's anchor, f-{rule}).
    begins: dict[str, int] = {}
    for k, f in enumerate(ordered):
        begins.setdefault(f.rule, k)
    starts = {
        rule: paged[k // PAGE_SIZE][0].path.removeprefix("validation/")
        for rule, k in begins.items()
    }
    env = Environment(
        loader=FileSystemLoader(templates), autoescape=True, undefined=StrictUndefined
    )
    template = env.get_template("validation.html.j2")
    written = []
    for pager, first in paged:
        chunk = ordered[first : first + PAGE_SIZE]
        html = template.render(
            summary=pager.number == 1,
            violations=report.count("violation"),
            warnings=report.count("warning"),
            notes=report.count("note"),
            rules=rules(shapes),
            counts=counts,
            starts=starts,
            findings=[(f, begins[f.rule] == first + k) for k, f in enumerate(chunk)],
            pager=pager,
            severity_tr={"violation": "ihlal", "warning": "uyarı", "note": "not"},
            layout="base.html.j2",
            **frame(pager.path),
        )
        path = folder.parent / pager.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
        written.append(path)
    return [ttl, *written]
