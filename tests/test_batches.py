"""The build in batches of services, in worker processes, publishes what one batch in the
build's own process would: the same dumps, documents, pages, validation findings and VoID counts,
to the byte; and a violation in any batch stops the whole build, with every violation reported."""

from __future__ import annotations

import filecmp
import json
import shutil
import sys
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest

from envanter.check.report import ValidationFailed
from envanter.run.batches import BatchResult
from envanter.run.executor import Parallel, Serial, services_per_batch
from envanter.run.pipeline import BuildOptions, BuildResult, build, prepare_tables

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from common import synthetic_input, synthetic_options

SERVICES = 330  # batches of 100 (the smallest batch): four batches, two workers
VOID = "http://rdfs.org/ns/void#"
CPSV_SERVICE = "http://purl.org/vocab/cpsv#PublicService"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
EPOCH = "1700000000"  # the catalog's dates, the same in both builds

Built = tuple[BuildOptions, BuildResult, list[str]]


def build_with(options: BuildOptions, executor: Parallel | Serial) -> Built:
    said: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return options, build(options, said.append, executor), said


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """In batches of 100 services, in two worker processes."""
    folder = tmp_path_factory.mktemp("batches")
    synthetic_input(SERVICES, folder)
    return build_with(synthetic_options(SERVICES, folder, folder / "dist"), Parallel(workers=2))


@pytest.fixture(scope="module")
def whole(built: Built) -> Built:
    """The same inventory in one batch, in the build's own process."""
    options = replace(built[0], out=built[0].out.with_name("whole"))
    return build_with(options, Serial(services_per_batch=1_000_000))


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def nt_triples(out: Path) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(path=out / "data/dataset.nt", format=ox.RdfFormat.N_TRIPLES)]


def test_a_large_inventory_is_built_in_several_batches(built: Built, whole: Built) -> None:
    _, result, said = built
    assert services_per_batch(SERVICES, 2) == 100
    assert f"mapping, validating and writing {SERVICES} services in 4 batches" in said
    assert f"services: {SERVICES} of {SERVICES}" in said
    assert f"mapping, validating and writing {SERVICES} services in 1 batch" in whole[2]
    # (tests/test_bench.py checks which parts of a batch are timed)
    assert len(result.batch_stages) == 6 and all(t > 0 for t in result.batch_stages.values())


def test_the_parallel_batched_build_is_the_serial_single_batch_build_to_the_byte(
    built: Built, whole: Built
) -> None:
    options, result, _ = built
    one = whole[0].out
    files = files_under(options.out)
    assert files == files_under(one)
    assert len([f for f in files if f.startswith("doc/id/hizmet/")]) == SERVICES * 4
    _, mismatch, errors = filecmp.cmpfiles(options.out, one, sorted(files), shallow=False)
    assert not mismatch and not errors, (mismatch[:5], errors[:5])
    assert result.files == [options.out / f.relative_to(one) for f in whole[1].files]
    assert result.report is not None and whole[1].report is not None
    assert result.report.findings == whole[1].report.findings
    assert result.report.findings  # (the synthetic services have warnings and notes to show)


def test_the_dumps_say_the_same_graph_three_ways(built: Built) -> None:
    options, result, _ = built
    triples = nt_triples(options.out)
    assert result.triples == len(triples) == len(set(triples)) > SERVICES * 50
    parsed = ox.parse(path=options.out / "data" / "dataset.ttl", format=ox.RdfFormat.TURTLE)
    assert {q.triple for q in parsed} == set(triples)  # the Turtle is one document


def test_void_counts_the_whole_graph(built: Built) -> None:
    options, _, _ = built
    catalog = {
        (q.subject.value, q.predicate.value): q.object.value
        for q in ox.parse(path=options.out / "catalog.ttl", format=ox.RdfFormat.TURTLE)
        if q.predicate.value.startswith(VOID) and q.predicate.value != VOID + "exampleResource"
    }
    void = {p.removeprefix(VOID): v for (_, p), v in catalog.items()}
    triples = nt_triples(options.out)
    space = "https://envanter.example/id/"
    entities = {t.subject.value for t in triples if t.subject.value.startswith(space)}
    classes = {t.object.value for t in triples if t.predicate.value == RDF_TYPE}
    assert void["triples"] == str(len(triples))
    assert void["entities"] == str(len(entities))
    assert void["classes"] == str(len(classes))
    examples = {
        q.object.value
        for q in ox.parse(path=options.out / "catalog.ttl", format=ox.RdfFormat.TURTLE)
        if q.predicate.value == VOID + "exampleResource"
    }
    services = sorted(
        t.subject.value
        for t in triples
        if t.predicate.value == RDF_TYPE and t.object.value == CPSV_SERVICE
    )
    assert examples == set(services[:3])


def test_a_violation_in_any_batch_stops_the_build_and_every_one_is_reported(
    built: Built, tmp_path: Path
) -> None:
    options, _, _ = built
    ids = sorted(
        str(r["id"])
        for r in next(t for t in prepare_tables(options).tables if t.name == "services").rows
    )
    first, last = ids[0], ids[-1]  # in the first batch and in the last
    shapes = tmp_path / "shapes"
    shutil.copytree(options.shapes, shapes)
    with (shapes / "profile.ttl").open("a", encoding="utf-8") as f:
        f.write(
            f"""
<urn:test:forbidden> a sh:NodeShape ;
    dct:identifier "test-forbidden" ;
    sh:targetClass cpsv:PublicService ;
    sh:property [
        sh:path dct:identifier ;
        sh:pattern "^(?!({first}|{last})$)" ;
        sh:severity sh:Violation ;
        sh:message "Yasak."@tr , "Forbidden."@en ;
    ] .
"""
        )
    out = tmp_path / "out" / "dist"
    failing = replace(options, shapes=shapes, out=out)
    with pytest.raises(ValidationFailed) as failed:
        build(failing, executor=Parallel(workers=2))
    focus = {f.focus for f in failed.value.report.violations}
    base = "https://envanter.example/id/hizmet/"
    assert focus == {base + first, base + last}
    assert not out.exists()
    assert list(out.parent.iterdir()) == []  # no temporary folder left behind


def test_two_builds_in_processes_with_other_hash_seeds_are_byte_identical(
    built: Built, tmp_path: Path
) -> None:
    """Sets iterate in another order in every process: nothing published may depend on it
    (say, two services with the same title listed on an entity's page)."""
    import os
    import subprocess

    options, _, _ = built
    folder = options.source.parent
    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
        "from common import synthetic_options; from envanter.run.pipeline import build;"
        f"build(synthetic_options({SERVICES}, Path(sys.argv[2]), Path(sys.argv[3])))"
    )
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"dist-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1700000000"}
        subprocess.run(
            [sys.executable, "-c", script, str(ROOT / "bench"), str(folder), str(out)],
            env=env,
            check=True,
            timeout=300,
        )
        outs.append(out)
    files = files_under(outs[0])
    assert files == files_under(outs[1])
    _, mismatch, errors = filecmp.cmpfiles(outs[0], outs[1], sorted(files), shallow=False)
    assert not mismatch and not errors, mismatch[:10]


def test_every_row_goes_to_its_services_batch_and_survives_packing(built: Built) -> None:
    from envanter.rdf.graph import pack_rows, packed_batches, service_key, unpack_rows

    tables = prepare_tables(built[0]).tables
    shared, names, packed = packed_batches(tables, lambda n: services_per_batch(n, 2))
    batches = [unpack_rows(pack_rows(batch)) for batch in packed]
    assert len(batches) == 4
    per_service = {t.name: t for t in tables if service_key(t) is not None}
    assert sorted(names) == sorted(per_service)
    assert sorted(shared) == sorted(t.name for t in tables if t.name not in per_service)
    ids = [[str(row["id"]) for row in batch["services"]] for batch in batches]
    flat = [i for batch in ids for i in sorted(batch)]
    assert flat == sorted(flat) and len(flat) == SERVICES  # in the order of the ids, once each
    for name, table in per_service.items():
        key = service_key(table)
        assert key is not None
        placed = 0
        for batch, own in zip(batches, ids, strict=True):
            assert all(str(row[key]) in own for row in batch[name])
            placed += len(batch[name])
        assert placed == len(table.rows)
        # …the same rows, as dicts again, in the table's order within each batch.
        batch_of = {i: k for k, own in enumerate(ids) for i in own}
        columns = [c.name for c in table.columns]
        assert [batch[name] for batch in batches] == [
            [{c: row.get(c) for c in columns} for row in table.rows if batch_of[str(row[key])] == k]
            for k in range(len(batches))
        ]


@pytest.mark.parametrize("sendfile", [True, False], ids=["sendfile", "read-and-write"])
def test_the_dumps_runs_are_appended_whole_with_or_without_sendfile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sendfile: bool
) -> None:
    """The runs are copied in the kernel where the system has sendfile, by reading and writing
    where not: the same bytes either way, runs larger than one copy's chunk included."""
    from envanter.rdf import dumps as dump_runs
    from envanter.rdf import serialize
    from envanter.rdf.jsonld import JsonLd

    if not sendfile:
        monkeypatch.delattr(dump_runs.os, "sendfile", raising=False)
    prefixes = {"ex": "http://example.org/"}
    runs = []
    for k, count in enumerate((3, 60_000, 0, 2)):  # the second run is some 3 MB a dump
        triples = [
            ox.Triple(
                ox.NamedNode(f"http://example.org/s{k}-{i:06d}"),
                ox.NamedNode("http://example.org/p"),
                ox.Literal(f"değer {i}"),
            )
            for i in range(count)
        ]
        stem = tmp_path / "parts" / f"{k:06d}"
        stem.parent.mkdir(exist_ok=True)
        dump_runs.write_dump_part(triples, prefixes, JsonLd(prefixes), stem)
        runs.append(
            (
                stem,
                {ext: stem.with_suffix("." + ext).read_bytes() for ext in ("ttl", "nt", "jsonld")},
            )
        )
    with dump_runs.Dumps(prefixes, tmp_path / "data") as dumps:
        for stem, _ in runs:
            dumps.append(stem)
        ttl, nt, jsonld = dumps.close()
    assert nt.read_bytes() == b"".join(parts["nt"] for _, parts in runs)
    assert ttl.read_bytes() == serialize.turtle_header(prefixes) + b"".join(
        parts["ttl"] for _, parts in runs
    )
    document = json.loads(jsonld.read_bytes())
    assert len(document["@graph"]) == 60_005  # one node a subject, every run's
    assert not any(stem.with_suffix(".nt").exists() for stem, _ in runs)  # the runs are removed


def test_each_description_is_cut_whole_from_the_batchs_runs(tmp_path: Path) -> None:
    """A batch's documents take their Turtle and N-Triples from its runs of the dumps, cut
    after each description: every piece is what pyoxigraph writes of that description alone,
    and the runs are what they are without the cuts, even where the source text holds the
    marker's own line."""
    from envanter.rdf import dumps as dump_runs
    from envanter.rdf import serialize
    from envanter.rdf.jsonld import JsonLd

    prefixes = {"ex": "http://example.org/", "dct": "http://purl.org/dc/terms/"}
    title = ox.NamedNode("http://purl.org/dc/terms/title")
    hostile = "a\n" + dump_runs.CUT_LINE.decode() + '"""\n<urn:envanter:cut> .'
    descriptions = []
    for k in range(5):
        s = ox.NamedNode(f"http://example.org/s{k}")
        triples = [ox.Triple(s, title, ox.Literal(f"{hostile} {k}", language="tr"))]
        triples += [
            ox.Triple(ox.NamedNode(f"http://example.org/s{k}#f{i}"), title, ox.Literal(f"{i}"))
            for i in range(k)
        ]
        descriptions.append(serialize.Description(s.value, triples))
    stem = tmp_path / "000001"
    jsonld = JsonLd(prefixes)
    dump_runs.write_descriptions_part(descriptions, prefixes, jsonld, stem)
    triples = [t for d in descriptions for t in d.triples]
    plain = tmp_path / "plain"
    dump_runs.write_dump_part(triples, prefixes, jsonld, plain)
    for ext in ("ttl", "nt", "jsonld"):
        assert stem.with_suffix("." + ext).read_bytes() == plain.with_suffix("." + ext).read_bytes()
    for d in descriptions:
        assert d.turtle == serialize.turtle_body(d.triples, prefixes)
        assert d.ntriples == ox.serialize(d.triples, format=ox.RdfFormat.N_TRIPLES)


def test_what_a_batch_sends_back_names_each_string_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query's solutions bring a service's URI once for every law, unit and channel it uses:
    the end of the build, which keeps every batch's site data and list views, must hold one
    copy of each, as the batch sent it (through the pickle, from a worker process)."""
    from envanter.run import batches

    received: list[BatchResult] = []
    add = batches.Merged.add

    def keep(merged: batches.Merged, result: BatchResult) -> None:
        received.append(result)
        add(merged, result)

    monkeypatch.setattr(batches.Merged, "add", keep)
    synthetic_input(SERVICES, tmp_path)
    build(synthetic_options(SERVICES, tmp_path, tmp_path / "dist"), executor=Parallel(workers=2))
    assert len(received) == 4
    for result in received:
        copies = strings_of(result)
        repeated = {text: len(ids) for text, ids in copies.items() if len(ids) > 1}
        assert not repeated, sorted(repeated.items())[:5]
        # …and the strings are those of the batch's services and what they use.
        assert set(result.iris) <= copies.keys()
        assert any(len(users) > 1 for users in result.site.used_by.values())


def strings_of(result: BatchResult) -> dict[str, set[int]]:
    """Each string a batch's result names in its site data and list views: its objects' ids."""
    copies: dict[str, set[int]] = {}

    def seen(text: str | None) -> None:
        if text is not None:
            copies.setdefault(text, set()).add(id(text))

    for iri in result.iris:
        seen(iri)
    for entity, users in result.site.used_by.items():
        seen(entity)
        for user in users:
            seen(user)
    for iri, kinds in result.site.types.items():
        seen(iri)
        for kind in kinds:
            seen(kind)
    for view in result.views:
        seen(view.iri)
        seen(view.unit)
        for iri in [*view.laws, *view.audiences, *view.channel_kinds, *view.sdp]:
            seen(iri)
        for document, how in view.documents:
            seen(document)
            seen(how)
        for value in view.row.values():
            seen(value)
    return copies
