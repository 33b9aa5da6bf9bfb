"""Editions that never break a URI: a build with `--previous` leaves every URI of the previous
edition answering 200 (through its 303) or 410 Gone with a tombstone, from `envanter serve` and
from a real nginx with the generated configuration; a rename the steward confirmed in the pins
keeps its URI; likely renames are proposed, never applied."""

from __future__ import annotations

import csv
import http.client
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from envanter.errors import ConfigError
from envanter.publication.renames import propose
from envanter.publication.tombstones import read_register
from envanter.run.pipeline import BuildOptions, build
from envanter.webconfig import apache_config

from .conftest import free_port
from .serving import serving
from .test_nginx import running_nginx

BASE = "http://127.0.0.1:8000/"
CORPUS = Path(__file__).parent / "inventories" / "kadikoy-tapu-mudurlugu.csv"
SCOPE = "kadikoy-tapu-mudurlugu"
WITHDRAWN = f"id/hizmet/{SCOPE}--aile-konutu-serhi"  # service 6, gone in edition 2
RENAMED = f"id/hizmet/{SCOPE}--tapu-kaydi-ornegi-verilmesi"  # service 5, renamed in edition 2
NEW_NAME = "Tapu Kaydı Örneği Verilmesi Başvurusu"
ADDED = f"id/hizmet/{SCOPE}--ipotek-terkini"
# A document only the withdrawn service asked for: gone with it.
UNUSED = f"id/belge/{SCOPE}--evlilik-cuzdani"


@dataclass
class Editions:
    one: Path
    two: Path
    three: Path
    ids: Path


def write_source(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Editions:
    """Edition 1: the Kadıköy inventory. Edition 2: service 6 withdrawn (the added service named
    its successor), service 5 renamed (the rename confirmed in the pins), a service added.
    Edition 3: edition 2 again, built on it."""
    folder = tmp_path_factory.mktemp("editions")
    ids = folder / "ids"
    with CORPUS.open(encoding="utf-8-sig") as f:
        header, *rows = list(csv.reader(f))
    one = folder / "one"
    first = write_source(folder / "src1" / CORPUS.name, [header, *rows])
    build(BuildOptions(source=first, out=one, base_uri=BASE, corrections=None, ids=ids))
    kept = [list(r) for r in rows if r[0] != "6"]
    renamed = next(r for r in kept if r[0] == "5")
    renamed[3] = NEW_NAME
    added = list(next(r for r in kept if r[0] == "2"))
    added[0], added[3] = "6", "İpotek Terkini"
    added[4] = "Taşınmaz üzerindeki ipoteğin kaldırılması."
    second = write_source(folder / "src2" / CORPUS.name, [header, *kept, added])
    # The steward confirms the rename: the new name keeps the old slug (docs/uri-policy.md).
    pins = ids / SCOPE / "services.yaml"
    pins.parent.mkdir(parents=True, exist_ok=True)
    with pins.open("a", encoding="utf-8") as f:
        f.write(f"{NEW_NAME}: tapu-kaydi-ornegi-verilmesi\n")
    # … and names the withdrawn service's successor.
    (ids / "successors.yaml").write_text(f"{WITHDRAWN}: {ADDED}\n", encoding="utf-8")
    two = folder / "two"
    build(
        BuildOptions(source=second, out=two, base_uri=BASE, corrections=None, ids=ids, previous=one)
    )
    three = folder / "three"
    build(
        BuildOptions(
            source=second, out=three, base_uri=BASE, corrections=None, ids=ids, previous=two
        )
    )
    return Editions(one, two, three, ids)


def uris_of(edition: Path) -> list[str]:
    """Every URI of an edition, as paths: the subjects and objects of its dump under the base
    (without their fragments) and every page of its site (the earlier editions and the search
    index's files aside)."""
    paths: set[str] = set()
    for q in ox.parse(path=str(edition / "data" / "dataset.nt"), format=ox.RdfFormat.N_TRIPLES):
        for term in (q.subject, q.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE):
                paths.add("/" + term.value[len(BASE) :].partition("#")[0])
    for page in edition.rglob("*.html"):
        rel = page.relative_to(edition).as_posix()
        if not rel.startswith(("surum/", "pagefind/")):
            paths.add("/" + rel)
    return sorted(paths)


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    """The answer to a GET, following one 303 (a thing to its document): the final status,
    where it was found and its body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    if response.status == 303:
        location = response.getheader("Location") or ""
        status, _, body = get(port, location, headers)
        return status, location, body
    return response.status, path, body


@pytest.fixture(scope="module")
def served(editions: Editions, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with serving(editions.two, tmp_path_factory.mktemp("serve") / "log") as running:
        yield running.port


@pytest.fixture(scope="module")
def nginx(editions: Editions, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    # No SPARQL store: these requests never reach it.
    with running_nginx(editions.two, free_port(), tmp_path_factory.mktemp("nginx")) as port:
        yield port


@pytest.fixture(params=["serve", "nginx"])
def server(request: pytest.FixtureRequest) -> int:
    port: int = request.getfixturevalue("served" if request.param == "serve" else "nginx")
    return port


def test_no_uri_of_the_previous_edition_answers_404(editions: Editions, server: int) -> None:
    uris = uris_of(editions.one)
    assert f"/{WITHDRAWN}" in uris and f"/{UNUSED}" in uris and f"/{RENAMED}" in uris
    assert len(uris) > 100
    answers = {path: get(server, path)[0] for path in uris}
    broken = {path: status for path, status in answers.items() if status not in (200, 410)}
    assert broken == {}
    gone = sorted(path for path, status in answers.items() if status == 410)
    assert f"/{WITHDRAWN}" in gone and f"/{UNUSED}" in gone
    assert f"/{RENAMED}" not in gone


def test_the_withdrawn_service_answers_410_with_its_tombstone(server: int) -> None:
    status, where, body = get(server, f"/{WITHDRAWN}", {"Accept": "text/html"})
    assert (status, where) == (410, f"/doc/{WITHDRAWN}.html")
    page = body.decode()
    assert "<h1>Aile Konutu Şerhi</h1>" in page
    assert "Hizmet kaynak envanterden çıkarıldı." in page
    assert "Sürüm 2" in page
    assert f'<a href="{BASE}{ADDED}">' in page
    status, where, body = get(
        server, f"/{WITHDRAWN}", {"Accept": "text/html", "Accept-Language": "en"}
    )
    assert (status, where) == (410, f"/en/doc/{WITHDRAWN}.html")
    assert "The service was withdrawn from the source inventory." in body.decode()


def test_a_gone_uri_asked_as_turtle_answers_303_to_turtle_that_answers_410(
    server: int,
) -> None:
    status, where, body = get(server, f"/{WITHDRAWN}", {"Accept": "text/turtle"})
    assert (status, where) == (410, f"/doc/{WITHDRAWN}.ttl")
    graph = Graph().parse(data=body.decode(), format="turtle")
    s = URIRef(BASE + WITHDRAWN)
    assert (s, URIRef("http://www.w3.org/ns/adms#status"), None) in graph
    assert graph.value(s, URIRef("http://www.w3.org/ns/adms#status")) == URIRef(
        "http://purl.org/adms/status/Withdrawn"
    )
    replaced = URIRef("http://purl.org/dc/terms/isReplacedBy")
    assert graph.value(s, replaced) == URIRef(BASE + ADDED)
    assert str(graph.value(s, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))) == (
        "Aile Konutu Şerhi"
    )
    assert graph.value(s, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")) == URIRef(
        "http://purl.org/vocab/cpsv#PublicService"
    )
    status, where, body = get(server, f"/{WITHDRAWN}", {"Accept": "application/ld+json"})
    assert (status, where) == (410, f"/doc/{WITHDRAWN}.jsonld")
    assert isomorphic(Graph().parse(data=body.decode(), format="json-ld"), graph)


def test_the_renamed_service_keeps_its_uri(editions: Editions, server: int) -> None:
    status, where, body = get(server, f"/{RENAMED}", {"Accept": "text/turtle"})
    assert (status, where) == (200, f"/doc/{RENAMED}.ttl")
    graph = Graph().parse(data=body.decode(), format="turtle")
    title = URIRef("http://purl.org/dc/terms/title")
    assert Literal(NEW_NAME, lang="tr") in set(graph.objects(URIRef(BASE + RENAMED), title))
    assert get(server, f"/{ADDED}")[0] == 200
    assert RENAMED not in {t.path for t in read_register(editions.two)}
    # Confirmed, it is no longer proposed.
    assert NEW_NAME not in (editions.two / "renames.yaml").read_text(encoding="utf-8")


def test_tombstones_carry_over_to_the_next_edition(editions: Editions) -> None:
    two, three = read_register(editions.two), read_register(editions.three)
    assert [t.path for t in two] == [t.path for t in three]
    assert {t.edition for t in three} == {2}
    for t in two:
        for rel in t.files:
            assert (editions.three / rel).read_bytes() == (editions.two / rel).read_bytes()
    assert "tombstones.json" in (editions.three / "nginx.conf").read_text(encoding="utf-8")
    register = json.loads((editions.three / "tombstones.json").read_text(encoding="utf-8"))
    assert register["edition"] == 2


def test_a_thing_that_comes_back_is_no_longer_a_tombstone(
    editions: Editions, tmp_path: Path
) -> None:
    """Edition 1's source again after edition 2: the withdrawn service is back, its URI 200."""
    with CORPUS.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    source = write_source(tmp_path / "src" / CORPUS.name, rows)
    ids = tmp_path / "ids"
    shutil.copytree(editions.ids, ids)
    (ids / "successors.yaml").unlink()  # (the withdrawn service is back: no successor)
    out = tmp_path / "back"
    build(
        BuildOptions(
            source=source, out=out, base_uri=BASE, corrections=None, ids=ids, previous=editions.two
        )
    )
    paths = {t.path for t in read_register(out)}
    assert WITHDRAWN not in paths and UNUSED not in paths
    assert (out / "doc" / f"{WITHDRAWN}.ttl").read_text(encoding="utf-8").count("Withdrawn") == 0


def test_renames_are_proposed_never_applied() -> None:
    withdrawn = {
        BASE + "id/hizmet/sosyal-destek-istanbulkart": "Sosyal Destek İstanbulkart",
        BASE + "id/hizmet/evlilik-destegi": "Evlilik Desteği",
    }
    added = {
        BASE + "id/hizmet/sosyal-destek-istanbulkart-basvurusu": (
            "Sosyal Destek İstanbulkart Başvurusu"
        ),
        BASE + "id/hizmet/halk-ekmek-destegi": "Halk Ekmek Desteği",
    }
    proposals = propose(withdrawn, added)
    assert [(r.old_title, r.new_title) for r in proposals] == [
        ("Sosyal Destek İstanbulkart", "Sosyal Destek İstanbulkart Başvurusu")
    ]
    assert proposals[0].pin == "Sosyal Destek İstanbulkart Başvurusu: sosyal-destek-istanbulkart"


def test_an_unconfirmed_rename_is_proposed_and_its_old_uri_is_a_tombstone(
    editions: Editions, tmp_path: Path
) -> None:
    """Edition 2's source built without the pin: the old URI is a tombstone, the new name a new
    URI, and renames.yaml holds the pin line that would confirm it."""
    ids = tmp_path / "ids"  # (no pins: nothing confirmed)
    source = tmp_path / "src" / CORPUS.name
    source.parent.mkdir()
    shutil.copy(editions.two.parent / "src2" / CORPUS.name, source)
    out = tmp_path / "unconfirmed"
    said: list[str] = []
    build(
        BuildOptions(
            source=source, out=out, base_uri=BASE, corrections=None, ids=ids, previous=editions.one
        ),
        said.append,
    )
    assert RENAMED in {t.path for t in read_register(out)}
    proposals = (out / "renames.yaml").read_text(encoding="utf-8")
    assert f"\n{NEW_NAME}: tapu-kaydi-ornegi-verilmesi\n" in proposals
    assert f"data/ids/{SCOPE}/services.yaml" in proposals
    assert any(line.startswith("likely rename: 'Tapu Kaydı Örneği Verilmesi'") for line in said)


def test_apache_rules_answer_the_gone_paths_410(editions: Editions) -> None:
    gone = sorted({rel for t in read_register(editions.two) for rel in t.files})
    rules = apache_config(BASE, gone=gone)
    assert "ErrorDocument 410 %{REQUEST_URI}" in rules
    assert "RewriteCond %{ENV:REDIRECT_STATUS} =410\nRewriteRule ^ - [L]" in rules
    escaped = f"doc/{WITHDRAWN}.ttl".replace(".", "\\.")
    assert f"RewriteRule ^{escaped}$ - [G]" in rules
    # Before the rule that serves files as they are: a tombstone is a file.
    assert rules.index(escaped) < rules.index("RewriteCond %{REQUEST_FILENAME} -f")
    written = (editions.two / ".htaccess").read_text(encoding="utf-8")
    assert f"RewriteRule ^{escaped}$ - [G]" in written
    assert written.count("[G]") == len(gone)
    assert "[G]" not in apache_config(BASE)


def test_a_successor_must_be_gone_and_published(editions: Editions, tmp_path: Path) -> None:
    ids = tmp_path / "ids"
    shutil.copytree(editions.ids, ids)
    source = editions.two.parent / "src2" / CORPUS.name
    for named, wrong in (
        (f"{WITHDRAWN}: id/hizmet/{SCOPE}--yok\n", "is not published in this edition"),
        (f"{ADDED}: {WITHDRAWN}\n", "is not gone in this edition"),
    ):
        (ids / "successors.yaml").write_text(named, encoding="utf-8")
        options = BuildOptions(
            source=source,
            out=tmp_path / "out",
            base_uri=BASE,
            corrections=None,
            ids=ids,
            previous=editions.one,
        )
        with pytest.raises(ConfigError, match=wrong):
            build(options)


def test_a_gone_page_or_file_answers_410(editions: Editions, tmp_path: Path) -> None:
    """A page the previous edition wrote and this one does not gets a tombstone page; a file
    with nothing to say answers a bare 410."""
    previous = tmp_path / "previous"
    shutil.copytree(editions.one, previous)
    (previous / "eski.html").write_text("<p>eski</p>\n", encoding="utf-8")
    (previous / "data" / "eski.csv").write_text("a\n1\n", encoding="utf-8")
    out = tmp_path / "out"
    build(
        BuildOptions(
            source=editions.two.parent / "src2" / CORPUS.name,
            out=out,
            base_uri=BASE,
            corrections=None,
            ids=editions.ids,
            previous=previous,
        )
    )
    pages = {t.path: t for t in read_register(out) if t.reason == "page"}
    assert set(pages) == {"eski.html", "data/eski.csv"}
    assert "Bu sayfa artık yayımlanmıyor." in (out / "eski.html").read_text(encoding="utf-8")
    assert not (out / "data" / "eski.csv").exists()
    with serving(out, tmp_path / "log") as running:
        status, _, body = get(running.port, "/eski.html")
        assert status == 410 and b"Bu sayfa" in body
        assert get(running.port, "/data/eski.csv")[0] == 410
        assert get(running.port, "/data/yok.csv")[0] == 404
    with running_nginx(out, free_port(), tmp_path / "nginx") as port:
        status, _, body = get(port, "/eski.html")
        assert status == 410 and b"Bu sayfa" in body
        assert get(port, "/data/eski.csv")[0] == 410
        assert get(port, "/data/yok.csv")[0] == 404


# The change feed (publication/ldes.py): a Linked Data Event Stream of the services' versions.
LDES = "https://w3id.org/ldes#"
TREE = "https://w3id.org/tree#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def feed(edition: Path) -> ox.Store:
    """The stream's view and every page it links, read into one store."""
    store = ox.Store()
    view = edition / "ldes" / "akis.ttl"
    store.load(path=str(view), format=ox.RdfFormat.TURTLE, base_iri=BASE + "ldes/akis.ttl")
    for row in store.query(f"SELECT ?node WHERE {{ ?r <{TREE}node> ?node }}"):  # type: ignore[union-attr]
        page = row["node"].value
        assert page.startswith(BASE)
        store.load(path=str(edition / page[len(BASE) :]), format=ox.RdfFormat.TURTLE)
    return store


def versions(store: ox.Store) -> dict[str, list[str]]:
    """Each service's version objects, by the service's path, in the order of their pages."""
    query = f"""SELECT ?service ?member WHERE {{
        ?stream <{TREE}member> ?member .
        ?member <{DCT}isVersionOf> ?service ; <{PROV}generatedAtTime> ?time .
    }} ORDER BY ?time ?member"""
    found: dict[str, list[str]] = {}
    for row in store.query(query):  # type: ignore[union-attr]
        found.setdefault(row["service"].value[len(BASE) :], []).append(row["member"].value)
    return found


def test_the_feed_is_an_event_stream_paged_by_time(editions: Editions) -> None:
    store = feed(editions.two)
    stream = ox.NamedNode(BASE + "ldes/akis.ttl#akis")
    view = ox.NamedNode(BASE + "ldes/akis.ttl")
    kinds = {q.object for q in store.quads_for_pattern(stream, ox.NamedNode(RDF_TYPE), None)}
    assert kinds == {ox.NamedNode(LDES + "EventStream")}
    assert ox.Quad(stream, ox.NamedNode(TREE + "view"), view) in store
    version_of = ox.NamedNode(DCT + "isVersionOf")
    generated = ox.NamedNode(PROV + "generatedAtTime")
    assert ox.Quad(stream, ox.NamedNode(LDES + "versionOfPath"), version_of) in store
    assert ox.Quad(stream, ox.NamedNode(LDES + "timestampPath"), generated) in store
    relations = list(
        store.query(f"""SELECT ?kind ?path ?node ?n WHERE {{
            <{view.value}> <{TREE}relation> ?r .
            ?r a ?kind ; <{TREE}path> ?path ; <{TREE}node> ?node ; <{TREE}value> ?v ;
               <{TREE}remainingItems> ?n .
        }} ORDER BY ?node""")  # type: ignore[union-attr]
    )
    # Edition 1's page, kept as it was, and edition 2's.
    assert [r["node"].value for r in relations] == [BASE + "ldes/1/1.ttl", BASE + "ldes/2/1.ttl"]
    for r in relations:
        assert r["kind"].value == TREE + "GreaterThanOrEqualToRelation"
        assert r["path"].value == PROV + "generatedAtTime"
        assert 0 < int(r["n"].value) <= 500
    one = (editions.one / "ldes" / "1" / "1.ttl").read_bytes()
    assert (editions.two / "ldes" / "1" / "1.ttl").read_bytes() == one


def test_the_first_edition_has_every_service_as_a_version(editions: Editions) -> None:
    found = versions(feed(editions.one))
    services = {
        q.subject.value[len(BASE) :]
        for q in ox.parse(
            path=str(editions.one / "data" / "dataset.nt"), format=ox.RdfFormat.N_TRIPLES
        )
        if q.predicate.value == RDF_TYPE
        and q.object == ox.NamedNode("http://purl.org/vocab/cpsv#PublicService")
    }
    assert set(found) == services
    assert all(len(members) == 1 for members in found.values())


def test_the_next_edition_adds_the_versions_of_what_it_changed(editions: Editions) -> None:
    one, two = versions(feed(editions.one)), versions(feed(editions.two))
    new = {s: m[len(one.get(s, [])) :] for s, m in two.items() if len(m) > len(one.get(s, []))}
    assert ADDED in new and WITHDRAWN in new and RENAMED in new
    store = feed(editions.two)
    gone = ox.NamedNode(new[WITHDRAWN][0])
    deleted = ox.NamedNode("https://www.w3.org/ns/activitystreams#Delete")
    assert ox.Quad(gone, ox.NamedNode(RDF_TYPE), deleted) in store
    renamed = ox.NamedNode(new[RENAMED][0])
    titles = {
        q.object.value for q in store.quads_for_pattern(renamed, ox.NamedNode(DCT + "title"), None)
    }
    assert NEW_NAME in titles
    # Edition 3 changed nothing: no page of its own, the earlier pages kept.
    assert versions(feed(editions.three)) == two
    assert not (editions.three / "ldes" / "3").exists()


def test_the_catalog_links_the_feed(editions: Editions) -> None:
    catalog = Graph().parse(editions.two / "catalog.ttl")
    see_also = URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso")
    assert (None, see_also, URIRef(BASE + "ldes/akis.ttl")) in catalog
