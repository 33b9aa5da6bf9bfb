"""Many inventories as one publication: the seed with three inventories of the corpus, built once
for the module into one graph, site and catalog, against each built alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from envanter.check.shards import is_service
from envanter.errors import ConfigError, InputError
from envanter.publication.sitedata import site_data, store_of
from envanter.rdf.graph import subject_groups
from envanter.rdf.split import Appender, split_dumps
from envanter.run.batches import by_subject, used_part
from envanter.run.executor import Parallel, Serial
from envanter.run.pipeline import BuildOptions, BuildResult, build

from .conftest import CORRECTIONS, EPOCH, ROOT, SEED

BASE = "https://envanter.example/"
CORPUS = ROOT / "tests" / "inventories"
OTHERS = [
    CORPUS / "cankaya-belediyesi.xlsx",
    CORPUS / "kadikoy-tapu-mudurlugu.csv",
    CORPUS / "ege-universitesi-ogrenci-isleri.ods",
]
# What each institution's steward writes in its metadata file; the publisher's name gives the
# URI scope of its own things.
METADATA = {
    "cankaya-belediyesi": (
        "publisher: {name: Çankaya Belediyesi}\n"
        "place: {name: Ankara, wikidata: Q3640}\nreference_year: 2024\n",
        "cankaya-belediyesi",
    ),
    "kadikoy-tapu-mudurlugu": (
        "publisher: {name: Kadıköy Tapu Müdürlüğü}\n"
        "place: {name: İstanbul, wikidata: Q406}\nreference_year: 2024\n",
        "kadikoy-tapu-mudurlugu",
    ),
    "ege-universitesi-ogrenci-isleri": (
        "publisher: {name: Ege Üniversitesi}\n"
        "department: {name: Öğrenci İşleri Daire Başkanlığı}\n"
        "place: {name: Türkiye, wikidata: Q43}\nreference_year: 2024\n",
        "ege-universitesi",
    ),
}
REFERENCE = ROOT / "tests" / "reference"
CPSV = Namespace("http://purl.org/vocab/cpsv#")
CV = Namespace("http://data.europa.eu/m8g/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")


def run_build(out: Path, sources: list[Path], corrections: Path | None) -> BuildResult:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        patch.chdir(ROOT)  # the seed's pins are data/ids/, as `envanter build` finds them
        options = BuildOptions(
            source=sources[0], more_sources=tuple(sources[1:]), out=out, corrections=corrections
        )
        return build(options, executor=Serial())


@pytest.fixture(scope="module")
def others(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The three corpus inventories, each with its metadata file beside it."""
    folder = tmp_path_factory.mktemp("inventories")
    paths = []
    for source in OTHERS:
        path = folder / source.name
        shutil.copy(source, path)
        path.with_name(path.stem + ".meta.yaml").write_text(
            METADATA[source.stem][0], encoding="utf-8"
        )
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def together(tmp_path_factory: pytest.TempPathFactory, others: list[Path]) -> tuple[Path, Graph]:
    out = tmp_path_factory.mktemp("together") / "dist"
    run_build(out, [SEED, *others], CORRECTIONS)
    return out, Graph().parse(out / "data" / "dataset.nt")


def service_iris(g: Graph) -> set[str]:
    return {str(s) for s in g.subjects(RDF.type, CPSV.PublicService)}


def test_the_combined_graph_conforms_to_the_official_cpsv_ap_shapes(
    together: tuple[Path, Graph],
) -> None:
    from pyshacl import validate

    shapes = Graph().parse(REFERENCE / "cpsv-ap" / "shacl" / "cpsv-ap-SHACL.ttl")
    conforms, _, text = validate(together[1], shacl_graph=shapes, inference="none")
    assert conforms, text


def test_the_combined_graph_conforms_to_our_shapes(together: tuple[Path, Graph]) -> None:
    from envanter.check.validate import check_file

    report = check_file(together[0] / "data" / "dataset.nt", "profile", BASE)
    assert report.violations == [], report.summary()


def test_every_service_of_every_inventory_is_published_once(together: tuple[Path, Graph]) -> None:
    # 54 in the seed, 7 in Çankaya's, 6 in Kadıköy Tapu's, 6 in Ege Üniversitesi's (their sources).
    assert len(service_iris(together[1])) == 54 + 7 + 6 + 6


@pytest.mark.parametrize("k", range(len(OTHERS)), ids=[p.stem for p in OTHERS])
def test_an_inventorys_service_uris_are_those_of_its_build_alone(
    together: tuple[Path, Graph], others: list[Path], k: int, tmp_path: Path
) -> None:
    source = others[k]
    run_build(tmp_path / "dist", [source], None)
    alone = service_iris(Graph().parse(tmp_path / "dist" / "data" / "dataset.nt"))
    g = together[1]
    dataset = URIRef(f"{BASE}id/veri-seti/{source.stem}")
    mine = {str(s) for s in g.subjects(DCT.isPartOf, dataset)}
    assert mine == alone
    # Scoped by the inventory: its URIs are nobody else's.
    scope = METADATA[source.stem][1]
    assert all(iri.startswith(f"{BASE}id/hizmet/{scope}--") for iri in alone)


def test_the_seeds_service_uris_are_those_of_its_build_alone(
    together: tuple[Path, Graph], seed_dist: Path
) -> None:
    alone = service_iris(Graph().parse(seed_dist / "data" / "dataset.nt"))
    seed = URIRef(f"{BASE}id/veri-seti/{SEED.stem}")
    assert {str(s) for s in together[1].subjects(DCT.isPartOf, seed)} == alone
    assert f"{BASE}id/hizmet/evlilik-destegi" in alone  # as first published: no scope


def test_a_batch_reads_from_the_shared_part_it_uses_what_the_whole_would_give(
    together: tuple[Path, Graph],
) -> None:
    """A batch's pages read its site data from its own triples and the part of what the
    services share that they reach: for its services, the same as from everything shared."""
    dump = together[0] / "data" / "dataset.nt"
    groups = subject_groups(q.triple for q in ox.parse(path=dump, format=ox.RdfFormat.N_TRIPLES))
    services = {key for key, triples in groups if is_service(triples)}
    batch = set(sorted(services)[::3])  # every third service: some of every inventory
    own = [(key, ts) for key, ts in groups if key.partition("#")[0] in batch]
    mine = [t for _, triples in own for t in triples]
    shared = [t for key, ts in groups if key.partition("#")[0] not in services for t in ts]
    part = used_part(by_subject(shared), own)
    assert 0 < len(part) < len(shared)
    queries = ROOT / "queries" / "site"
    whole = site_data(store_of(shared + mine), BASE, queries)
    used = site_data(store_of(part + mine), BASE, queries)
    assert len(used.services) == len(batch)
    for name in ("services", "links", "participations", "steps", "volumes", "requirements"):
        assert getattr(used, name) == getattr(whole, name), name
    assert (used.used_by, used.totals) == (whole.used_by, whole.totals)
    # Everything the pages name (what the services link to, their corrections among them, and
    # what that says of itself) is labelled, typed and detailed as in the whole.
    named = {o for rels in used.links.values() for targets in rels.values() for o in targets}
    named |= {
        p[k]
        for ps in used.participations.values()
        for p in ps
        for k in ("role", "participant")
        if p.get(k)
    }
    named |= {v for i in list(named) for values in used.details.get(i, {}).values() for v in values}
    assert len(named) > 20
    for i in named:
        assert used.labels.get(i) == whole.labels.get(i), i
        assert used.types.get(i) == whole.types.get(i), i
        assert used.details.get(i) == whole.details.get(i), i
        assert used.corrections.get(i) == whole.corrections.get(i), i


def test_a_law_two_inventories_cite_is_one_resource_listing_the_services_of_both(
    together: tuple[Path, Graph],
) -> None:
    g = together[1]
    law = URIRef(f"{BASE}id/mevzuat/kanun-634")  # Kat Mülkiyeti Kanunu
    citing = {str(s) for s in g.subjects(CV.hasLegalResource, law)}
    assert any(s.startswith(f"{BASE}id/hizmet/cankaya-belediyesi--") for s in citing)
    assert any(s.startswith(f"{BASE}id/hizmet/kadikoy-tapu-mudurlugu--") for s in citing)
    # Belediye Kanunu: the seed's services and Çankaya's.
    belediye = {
        str(s) for s in g.subjects(CV.hasLegalResource, URIRef(f"{BASE}id/mevzuat/kanun-5393"))
    }
    assert f"{BASE}id/hizmet/evlilik-destegi" in belediye
    assert any(s.startswith(f"{BASE}id/hizmet/cankaya-belediyesi--") for s in belediye)
    # Its page lists the services of both.
    page = (together[0] / "doc" / "id" / "mevzuat" / "kanun-634.html").read_text(encoding="utf-8")
    assert "cankaya-belediyesi--" in page
    assert "kadikoy-tapu-mudurlugu--" in page


def test_units_of_the_same_name_in_two_institutions_are_two_units(tmp_path: Path) -> None:
    # Two copies of one table under two institutions' names: every unit, channel and service
    # is each institution's own.
    a, b = tmp_path / "ilce-a.csv", tmp_path / "ilce-b.csv"
    for path in (a, b):
        path.write_bytes(OTHERS[1].read_bytes())
    run_build(tmp_path / "dist", [a, b], None)
    g = Graph().parse(tmp_path / "dist" / "data" / "dataset.nt")
    units = {str(o) for o in g.objects(None, CV.hasCompetentAuthority)}
    assert f"{BASE}id/kurum/ilce-a--kadikoy-tapu-mudurlugu" in units
    assert f"{BASE}id/kurum/ilce-b--kadikoy-tapu-mudurlugu" in units
    channels = {str(o) for o in g.objects(None, CV.hasChannel)}
    assert {c.split("/")[-1].split("--")[0] for c in channels} == {"ilce-a", "ilce-b"}
    assert len(service_iris(g)) == 12


def test_two_inventories_with_one_uri_scope_are_refused(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for path, _ in ((a, 1), (b, 2)):
        path.write_bytes(OTHERS[1].read_bytes())
        path.with_name(path.stem + ".meta.yaml").write_text(
            "publisher: Kadıköy Tapu Müdürlüğü\n", encoding="utf-8"
        )
    with pytest.raises(ConfigError, match="the same URI scope 'kadikoy-tapu-mudurlugu'"):
        run_build(tmp_path / "dist", [a, b], None)
    assert not (tmp_path / "dist").exists()


def test_every_files_problems_are_told_at_once(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("Sıra No;Hizmetin Adı\n", encoding="utf-8")
    b.write_text("nothing of an inventory\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        run_build(tmp_path / "dist", [a, b, OTHERS[1]], None)
    files = {p.file for p in e.value.problems}
    assert any(f.endswith("a.csv") for f in files) and any(f.endswith("b.csv") for f in files)
    assert not (tmp_path / "dist").exists()


def test_the_catalog_has_a_dataset_per_inventory_and_one_for_the_whole(
    together: tuple[Path, Graph], others: list[Path]
) -> None:
    out, g = together
    catalog = Graph().parse(out / "catalog.ttl")
    keys = [SEED.stem, *(p.stem for p in others)]
    parts = {URIRef(f"{BASE}id/veri-seti/{key}") for key in keys}
    whole = URIRef(f"{BASE}id/veri-seti/envanterler")
    assert set(catalog.objects(URIRef(f"{BASE}katalog"), DCAT.dataset)) == parts | {whole}
    assert set(catalog.objects(whole, DCT.hasPart)) == parts
    whole_dumps = {
        str(catalog.value(d, DCAT.downloadURL)) for d in catalog.objects(whole, DCAT.distribution)
    }
    assert f"{BASE}data/dataset.nt" in whole_dumps
    # Each inventory's dataset is published by its own publisher.
    cankaya = URIRef(f"{BASE}id/veri-seti/cankaya-belediyesi")
    assert catalog.value(cankaya, DCT.publisher) == URIRef(f"{BASE}id/kurum/cankaya-belediyesi")
    assert catalog.value(cankaya, DCT.spatial) == URIRef("http://www.wikidata.org/entity/Q3640")
    for key in keys:
        part = URIRef(f"{BASE}id/veri-seti/{key}")
        urls = {
            str(catalog.value(d, DCAT.downloadURL))
            for d in catalog.objects(part, DCAT.distribution)
        }
        assert urls == {f"{BASE}data/veri-seti/{key}.ttl", f"{BASE}data/veri-seti/{key}.nt"}
        # Its own dump: its services, no other's, and what they link to, to be read alone.
        dump = Graph().parse(out / "data" / "veri-seti" / f"{key}.ttl")
        assert service_iris(dump) == {str(s) for s in g.subjects(DCT.isPartOf, part)}
        for service in dump.subjects(RDF.type, CPSV.PublicService):
            for authority in dump.objects(service, CV.hasCompetentAuthority):
                assert (authority, RDF.type, CV.PublicOrganisation) in dump
        assert Graph().parse(out / "data" / "veri-seti" / f"{key}.nt").isomorphic(dump)


@pytest.mark.parametrize(
    "files",
    [("html/shacl/shapes.ttl", "html/shacl/range.ttl"), ("shacl/dcat-ap-SHACL.ttl",)],
    ids=["shapes-and-ranges", "single-file"],
)
def test_the_catalog_of_many_passes_the_official_dcat_ap_shapes(
    together: tuple[Path, Graph], files: tuple[str, ...]
) -> None:
    from pyshacl import validate

    shapes = Graph()
    for name in files:
        shapes.parse(REFERENCE / "dcat-ap" / name)
    catalog = Graph().parse(together[0] / "catalog.ttl")
    conforms, _, text = validate(catalog, shacl_graph=shapes, inference="none")
    assert conforms, text


def test_the_home_page_leads_to_each_institutions_page_listing_its_services(
    together: tuple[Path, Graph], others: list[Path]
) -> None:
    out, g = together
    home = (out / "index.html").read_text(encoding="utf-8")
    for key in [SEED.stem, *(p.stem for p in others)]:
        assert f'href="doc/id/veri-seti/{key}.html"' in home
    assert "Kamu Hizmet Envanteri: Çankaya Belediyesi (2024)" in home
    page = (out / "doc" / "id" / "veri-seti" / "cankaya-belediyesi.html").read_text(
        encoding="utf-8"
    )
    dataset = URIRef(f"{BASE}id/veri-seti/cankaya-belediyesi")
    services = [str(s).removeprefix(f"{BASE}id/") for s in g.subjects(DCT.isPartOf, dataset)]
    assert len(services) == 7
    for service in services:
        assert f"{service}.html" in page
    # Browsing by department: a unit's page lists the services it is competent for.
    unit = out / "doc" / "id" / "kurum" / "cankaya-belediyesi--imar-ve-sehircilik-mudurlugu.html"
    assert "cankaya-belediyesi--yapi-ruhsati-verilmesi.html" in unit.read_text(encoding="utf-8")


def test_no_page_names_one_inventorys_publisher_for_all(together: tuple[Path, Graph]) -> None:
    out = together[0]
    page = out / "doc" / "id" / "hizmet" / "cankaya-belediyesi--yapi-ruhsati-verilmesi.html"
    for path in (out / "index.html", page):
        text = path.read_text(encoding="utf-8")
        assert "İstanbul Büyükşehir Belediyesi" not in text, path


def test_each_inventory_s_dump_is_its_lines_then_what_they_reach(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Written a line at a time (the smallest piece), the files are still each inventory's own
    # lines in the whole's order, then the shared subjects they reach, breadth first (a level in IRI order).
    monkeypatch.setattr(Appender, "LIMIT", 1)
    b = "https://example.org/"
    t = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    name = "<http://purl.org/dc/terms/title>"
    law, unit, other = f"<{b}id/kanun/1>", f"<{b}id/birim/u>", f"<{b}id/birim/v>"
    lines = {
        "a1": f'<{b}id/hizmet/a1> {name} "A1" .\n',
        "a1-law": f"<{b}id/hizmet/a1> <{b}p> {law} .\n",
        "a1-unit": f"<{b}id/hizmet/a1#x> <{b}p> {unit} .\n",
        "a1-type": f"<{b}id/hizmet/a1> {t} {other} .\n",
        "b1-law": f"<{b}id/hizmet/b1> <{b}p> {law} .\n",
        "law": f'{law} {name} "Kanun" .\n',
        "unit": f'{unit} {name} "Birim" .\n',
        "unit-up": f"{unit} <{b}p> {other} .\n",
        "other": f'{other} {name} "Üst birim" .\n',
        "dataset": f'<{b}id/veri-seti/b> {name} "B" .\n',
    }
    whole = tmp_path / "dataset.nt"
    whole.write_text("".join(lines.values()), encoding="utf-8")
    out = tmp_path / "veri-seti"
    written = split_dumps(whole, b, {"a1": "a", "b1": "b"}, {}, out, Serial().each)
    assert written == {key: [out / f"{key}.ttl", out / f"{key}.nt"] for key in ("a", "b")}
    a = ["a1", "a1-law", "a1-unit", "a1-type", "unit", "unit-up", "law", "other"]
    assert (out / "a.nt").read_text(encoding="utf-8") == "".join(lines[k] for k in a)
    b_lines = ["b1-law", "dataset", "law"]
    assert (out / "b.nt").read_text(encoding="utf-8") == "".join(lines[k] for k in b_lines)
    assert Graph().parse(out / "a.ttl").isomorphic(Graph().parse(out / "a.nt"))


def test_the_inventories_turtle_written_in_two_processes_is_the_same_bytes(
    tmp_path: Path,
) -> None:
    b = "https://example.org/"
    name = "<http://purl.org/dc/terms/title>"
    law = f"<{b}id/kanun/1>"
    whole = tmp_path / "dataset.nt"
    services = {f"s{i}": f"kurum-{i % 5}" for i in range(40)}
    whole.write_text(
        "".join(
            f'<{b}id/hizmet/{s}> {name} "Hizmet {s}" .\n<{b}id/hizmet/{s}> <{b}p> {law} .\n'
            for s in services
        )
        + f'{law} {name} "Kanun" .\n',
        encoding="utf-8",
    )
    prefixes = {"dct": "http://purl.org/dc/terms/", "ex": b}
    alone = split_dumps(whole, b, services, prefixes, tmp_path / "one", Serial().each)
    shared = split_dumps(whole, b, services, prefixes, tmp_path / "two", Parallel(workers=2).each)
    assert sorted(alone) == sorted(shared) == [f"kurum-{k}" for k in range(5)]
    for key, (ttl, nt) in alone.items():
        assert shared[key][0].read_bytes() == ttl.read_bytes()
        assert shared[key][1].read_bytes() == nt.read_bytes()
        assert b'"Kanun"' in ttl.read_bytes()
