"""`envanter serve` over real HTTP on 127.0.0.1: dereferencing by content negotiation, the files
and their media types, path traversal, and the SPARQL 1.1 Protocol endpoint with its limits."""

from __future__ import annotations

import csv
import http.client
import io
import json
import socket
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from envanter.cli import main
from envanter.serve.negotiation import negotiate, prefers_english
from envanter.sparql import adapt_query, example_queries

from .conftest import ROOT, build_seed
from .serving import Running, serving

BASE = "http://127.0.0.1:8000/"  # conneg is path-only: any port serves this build
SECRET = "TOP-SECRET-never-served"
THING = "/id/hizmet/halk-sut-destegi"
NO_HTML = "/id/belge/dilekce"  # a thing whose HTML page the fixture removes
SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"


@dataclass
class Served:
    dist: Path
    secret: Path
    main: Running
    strict: Running  # --timeout 0.5 --limit 5

    def connect(self, server: Running | None = None) -> http.client.HTTPConnection:
        return (server or self.main).connect()


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("serve")
    dist = tmp / "dist"
    build_seed(dist, BASE)
    # One thing without HTML pages, to see how negotiation falls back.
    for page in (dist / "doc" / f"{NO_HTML[1:]}.html", dist / "en" / "doc" / f"{NO_HTML[1:]}.html"):
        page.unlink(missing_ok=True)
    assert (dist / "doc" / f"{NO_HTML[1:]}.ttl").exists()
    # Files outside the publication that must never be served, and links pointing at them.
    secret = tmp / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    (dist / "leak.txt").symlink_to(secret)
    (dist / "leakdir").symlink_to(tmp, target_is_directory=True)
    (dist / "doc" / "leak.ttl").symlink_to(secret)
    with (
        serving(dist, tmp / "main.log") as main,
        serving(dist, tmp / "strict.log", "--timeout", "0.5", "--limit", "5") as strict,
    ):
        yield Served(dist, secret, main, strict)


def request(
    conn: http.client.HTTPConnection,
    path: str,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    body: bytes | str | None = None,
) -> tuple[http.client.HTTPResponse, bytes]:
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response, response.read()


def get(
    served: Served, path: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> tuple[http.client.HTTPResponse, bytes]:
    conn = served.connect()
    try:
        return request(conn, path, headers, method)
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------
# Content negotiation


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        (None, ".html"),
        ("*/*", ".html"),
        ("text/html", ".html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", ".html"),
        ("text/*", ".html"),
        ("text/turtle", ".ttl"),
        ("application/x-turtle", ".ttl"),
        ("application/ld+json", ".jsonld"),
        ("application/json", ".jsonld"),
        ("application/n-triples", ".nt"),
        ("text/html;q=0.5, text/turtle", ".ttl"),
        ("text/turtle;q=0.2, application/ld+json;q=0.8", ".jsonld"),
        ("application/n-triples, */*;q=0.1", ".nt"),
        ("text/turtle;q=0, */*", ".html"),
        ("image/png, text/turtle;q=0.3", ".ttl"),
        ("TEXT/TURTLE", ".ttl"),
    ],
)
def test_a_thing_answers_303_to_the_document_the_client_asks_for(
    served: Served, accept: str | None, suffix: str
) -> None:
    response, body = get(served, THING, {"Accept": accept} if accept else {})
    assert response.status == 303, body
    assert response.getheader("Location") == f"/doc{THING}{suffix}"
    assert response.getheader("Vary") == "Accept, Accept-Language"
    assert body == b""


@pytest.mark.parametrize(
    ("language", "location"),
    [
        ("en", f"/en/doc{THING}.html"),
        ("en-US,en;q=0.9,tr;q=0.8", f"/en/doc{THING}.html"),
        ("tr,en;q=0.5", f"/doc{THING}.html"),
        ("tr-TR", f"/doc{THING}.html"),
        ("de", f"/doc{THING}.html"),
        ("*", f"/doc{THING}.html"),
        ("tr;q=0.2, en;q=0.3", f"/en/doc{THING}.html"),
    ],
)
def test_html_is_english_when_the_client_prefers_english(
    served: Served, language: str, location: str
) -> None:
    response, _ = get(served, THING, {"Accept": "text/html", "Accept-Language": language})
    assert (response.status, response.getheader("Location")) == (303, location)


def test_language_does_not_change_an_rdf_document(served: Served) -> None:
    response, _ = get(served, THING, {"Accept": "text/turtle", "Accept-Language": "en"})
    assert response.getheader("Location") == f"/doc{THING}.ttl"


def test_head_dereferences_too(served: Served) -> None:
    response, body = get(served, THING, {"Accept": "text/turtle"}, method="HEAD")
    assert (response.status, response.getheader("Location"), body) == (
        303,
        f"/doc{THING}.ttl",
        b"",
    )


@pytest.mark.parametrize("accept", ["image/png", "text/turtle;q=0", "application/pdf, text/csv"])
def test_nothing_acceptable_is_406(served: Served, accept: str) -> None:
    response, body = get(served, THING, {"Accept": accept})
    assert response.status == 406
    assert response.getheader("Vary") == "Accept, Accept-Language"
    assert b"text/turtle" in body  # says what it could have had


@pytest.mark.parametrize(
    "path", ["/id/hizmet/yok-boyle-bir-hizmet", "/def/yok", "/id/hizmet", f"{THING}.ttl"]
)
def test_an_unknown_thing_is_404(served: Served, path: str) -> None:
    response, body = get(served, path, {"Accept": "text/turtle"})
    assert response.status == 404, body


def test_a_thing_without_its_html_page_is_404_for_html(served: Served) -> None:
    response, body = get(served, NO_HTML, {"Accept": "text/html"})
    assert response.status == 404
    assert b"no html document" in body
    response, _ = get(served, NO_HTML, {"Accept": "text/turtle"})
    assert (response.status, response.getheader("Location")) == (303, f"/doc{NO_HTML}.ttl")


def test_every_minted_uri_dereferences(served: Served) -> None:
    """Every subject of the dataset under {base}id/ or {base}def/ (without #) has documents."""
    minted = set()
    with (served.dist / "data" / "dataset.nt").open(encoding="utf-8") as lines:
        for line in lines:
            subject = line.split(" ", 1)[0]
            if subject.startswith(f"<{BASE}") and "#" not in subject:
                path = "/" + subject[len(BASE) + 1 : -1]
                if path.startswith(("/id/", "/def/")):
                    minted.add(path)
    assert len(minted) > 300
    conn = served.connect()
    try:
        for path in sorted(minted):
            response, _ = request(conn, quote(path), {"Accept": "application/n-triples"})
            assert response.status == 303, path
            target, _ = request(conn, response.getheader("Location") or "")
            assert target.status == 200, path
    finally:
        conn.close()


def test_every_catalog_iri_dereferences_and_every_answer_allows_any_origin(
    served: Served,
) -> None:
    catalog = Graph().parse(served.dist / "catalog.ttl", format="turtle")
    iris = {
        str(s).split("#")[0]
        for s in catalog.subjects()
        if isinstance(s, URIRef) and str(s).startswith(BASE) and str(s) != BASE  # (the home page)
    }
    assert BASE + "katalog" in iris and any("/id/dagitim/" in i for i in iris)
    for iri in sorted(iris):
        path = "/" + iri.removeprefix(BASE)
        for accept in ("text/turtle", "text/html", "application/ld+json", "application/n-triples"):
            response, _ = get(served, path, {"Accept": accept})
            assert response.status == 303, (path, accept)
            assert response.getheader("Access-Control-Allow-Origin") == "*"
            location = response.getheader("Location") or ""
            if accept == "text/html" and path.startswith(("/katalog", "/id/dagitim/")):
                assert location == "/hakkinda.html", path  # the page listing every download
            document, body = get(served, location)
            assert document.status == 200, (path, accept)
            assert document.getheader("Access-Control-Allow-Origin") == "*"
    response, _ = get(served, "/katalog", {"Accept": "text/html", "Accept-Language": "en"})
    assert response.getheader("Location") == "/en/hakkinda.html"
    response, _ = get(served, "/.well-known/void", {"Accept": "text/turtle"})
    assert (response.status, response.getheader("Location")) == (303, "/catalog.ttl")
    # The catalog's own document says what catalog.ttl says of it.
    response, _ = get(served, "/katalog", {"Accept": "text/turtle"})
    _, body = get(served, response.getheader("Location") or "")
    described = Graph().parse(data=body.decode(), format="turtle")
    katalog = URIRef(BASE + "katalog")
    assert set(described.predicate_objects(katalog)) == set(catalog.predicate_objects(katalog))
    response, _ = get(served, "/context.jsonld")
    assert response.getheader("Access-Control-Allow-Origin") == "*"


def test_the_ontology_goes_to_its_page_and_its_turtle(served: Served) -> None:
    response, _ = get(served, "/def/envanter", {"Accept": "text/html"})
    assert response.getheader("Location") == "/def/index.html"
    response, _ = get(served, "/def/envanter", {"Accept": "text/turtle"})
    assert response.getheader("Location") == "/def/envanter.ttl"
    # A concept whose key has a dot is a thing, not a file with a suffix.
    response, _ = get(served, "/def/sdp/120.05", {"Accept": "text/turtle"})
    assert response.getheader("Location") == "/doc/def/sdp/120.05.ttl"
    # The shapes the publication was checked with are a thing too.
    response, _ = get(served, "/def/sekiller", {"Accept": "text/turtle"})
    assert response.getheader("Location") == "/doc/def/sekiller.ttl"
    response, _ = get(served, "/def/sekiller", {"Accept": "text/html"})
    assert response.getheader("Location") == "/def/sekiller.html"


def test_negotiation_helpers() -> None:
    offers = [("text/html",), ("text/turtle",)]
    assert negotiate(None, offers) == 0
    assert negotiate("", offers) == 0
    assert negotiate("text/turtle;q=0.9, text/html;q=0.9", offers) == 0  # a tie: ours
    assert negotiate("text/*;q=0.5, text/turtle", offers) == 1
    assert negotiate("text/*, text/html;q=0", offers) == 1  # the specific range decides
    assert negotiate("garbage", offers) == 0
    assert negotiate("image/*", offers) is None
    assert prefers_english("en-GB") and not prefers_english(None)
    assert not prefers_english("en;q=0.5, tr")


# ---------------------------------------------------------------------------------------------
# Files


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        (f"/doc{THING}.ttl", "text/turtle; charset=utf-8"),
        (f"/doc{THING}.nt", "application/n-triples"),
        (f"/doc{THING}.jsonld", "application/ld+json"),
        (f"/doc{THING}.html", "text/html; charset=utf-8"),
        (f"/en/doc{THING}.html", "text/html; charset=utf-8"),
        ("/data/dataset.ttl", "text/turtle; charset=utf-8"),
        ("/data/dataset.nt", "application/n-triples"),
        ("/data/dataset.jsonld", "application/ld+json"),
        ("/context.jsonld", "application/ld+json"),
        ("/catalog.ttl", "text/turtle; charset=utf-8"),
        ("/data/tables/services.csv", "text/csv; charset=utf-8"),
        ("/data/tables/csv-metadata.json", "application/csvm+json"),
        ("/def/index.html", "text/html; charset=utf-8"),
        ("/def/envanter.ttl", "text/turtle; charset=utf-8"),
        ("/validation/index.html", "text/html; charset=utf-8"),
        ("/sitemap.xml", "application/xml"),
    ],
)
def test_files_have_their_media_type(served: Served, path: str, media_type: str) -> None:
    response, body = get(served, path)
    assert response.status == 200, body
    assert response.getheader("Content-Type") == media_type
    assert body == (served.dist / path[1:]).read_bytes()
    assert response.getheader("ETag") and response.getheader("Last-Modified")


def test_documents_parse_as_what_they_say(served: Served) -> None:
    for suffix, fmt in ((".ttl", "turtle"), (".nt", "nt"), (".jsonld", "json-ld")):
        _, body = get(served, f"/doc{THING}{suffix}")
        graph = Graph().parse(data=body, format=fmt, publicID=BASE)
        assert len(graph) > 10, suffix


def test_a_client_with_the_etag_gets_304(served: Served) -> None:
    response, _ = get(served, "/catalog.ttl")
    etag = response.getheader("ETag") or ""
    again, body = get(served, "/catalog.ttl", {"If-None-Match": etag})
    assert (again.status, body) == (304, b"")


def test_folders_serve_their_index(served: Served) -> None:
    response, body = get(served, "/def/")
    assert response.status == 200 and body == (served.dist / "def" / "index.html").read_bytes()
    response, _ = get(served, "/def")
    assert (response.status, response.getheader("Location")) == (301, "/def/")
    response, _ = get(served, "/data/")  # no index.html: no listing either
    assert response.status == 404


def test_keep_alive_serves_many_requests_on_one_connection(served: Served) -> None:
    conn = served.connect()
    try:
        for _ in range(20):
            response, _ = request(conn, THING, {"Accept": "text/turtle"})
            assert response.status == 303
            response, body = request(conn, "/catalog.ttl")
            assert response.status == 200 and body
    finally:
        conn.close()


def raw_get(served: Served, target: bytes) -> tuple[int, bytes]:
    """Send a request line exactly as given (http.client would refuse or tidy some of these)."""
    with socket.create_connection(("127.0.0.1", served.main.port), timeout=10) as s:
        s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, data


@pytest.mark.parametrize(
    "target",
    [
        b"/../secret.txt",
        b"/doc/../../secret.txt",
        b"/%2e%2e/secret.txt",
        b"/%2E%2E/secret.txt",
        b"/..%2fsecret.txt",
        b"/%2e%2e%2fsecret.txt",
        b"/doc/%2e%2e%2f%2e%2e%2fsecret.txt",
        b"/%252e%252e/secret.txt",
        b"/..\\secret.txt",
        b"/%5c..%5csecret.txt",
        b"/doc/..%5c..%5csecret.txt",
        b"//secret.txt",
        b"/leak.txt",
        b"/doc/leak.ttl",
        b"/leakdir/secret.txt",
        b"/%00/secret.txt",
        b"/secret.txt%00.ttl",
        b"/%ff%fe/secret.txt",
        b"/.%2e/secret.txt",
        b"/sparql/../../secret.txt",
        b"http://127.0.0.1/../secret.txt",
        b"/id/../../secret.txt",
    ],
)
def test_nothing_outside_the_publication_is_served(served: Served, target: bytes) -> None:
    # The absolute path of the secret, too: a path is only ever looked up among indexed files.
    status, data = raw_get(served, target)
    assert status in (400, 404), data[:200]
    assert SECRET.encode() not in data


def test_an_absolute_filesystem_path_is_not_served(served: Served) -> None:
    status, data = raw_get(served, quote(str(served.secret)).encode())
    assert status == 404 and SECRET.encode() not in data
    status, data = raw_get(served, b"/" + quote(str(served.secret)).encode())
    assert status == 404 and SECRET.encode() not in data


def test_write_methods_are_refused(served: Served) -> None:
    conn = served.connect()
    try:
        response, _ = request(conn, "/catalog.ttl", method="PUT", body=b"x")
        assert response.status == 405
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------
# SPARQL


SELECT = "SELECT ?s ?title WHERE { ?s <http://purl.org/dc/terms/title> ?title } ORDER BY ?s ?title LIMIT 3"
CONSTRUCT = f"CONSTRUCT {{ <{BASE}id{THING[3:]}> ?p ?o }} WHERE {{ <{BASE}id{THING[3:]}> ?p ?o }}"


def sparql_get(
    served: Served, query: str, accept: str | None = None, server: Running | None = None
) -> tuple[http.client.HTTPResponse, bytes]:
    conn = served.connect(server)
    try:
        return request(
            conn, "/sparql?" + urlencode({"query": query}), {"Accept": accept} if accept else {}
        )
    finally:
        conn.close()


def test_select_as_json_by_default(served: Served) -> None:
    response, body = sparql_get(served, SELECT)
    assert response.status == 200, body
    assert response.getheader("Content-Type") == "application/sparql-results+json"
    assert response.getheader("Access-Control-Allow-Origin") == "*"
    data = json.loads(body)
    assert data["head"]["vars"] == ["s", "title"]
    rows = data["results"]["bindings"]
    assert len(rows) == 3
    assert rows[0]["s"]["type"] == "uri" and rows[0]["title"]["type"] == "literal"
    assert rows[0]["title"]["xml:lang"] in ("tr", "en")


def test_select_as_xml(served: Served) -> None:
    response, body = sparql_get(served, SELECT, "application/sparql-results+xml")
    assert response.getheader("Content-Type", "").startswith("application/sparql-results+xml")
    root = ET.fromstring(body)
    assert [v.get("name") for v in root.iter(f"{SPARQL_RESULTS}variable")] == ["s", "title"]
    results = list(root.iter(f"{SPARQL_RESULTS}result"))
    assert len(results) == 3
    assert results[0].find(f"{SPARQL_RESULTS}binding/{SPARQL_RESULTS}uri") is not None


def test_select_as_csv_and_tsv(served: Served) -> None:
    response, body = sparql_get(served, SELECT, "text/csv")
    assert response.getheader("Content-Type") == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows[0] == ["s", "title"] and len(rows) == 4
    assert rows[1][0].startswith(BASE)
    response, body = sparql_get(served, SELECT, "text/tab-separated-values")
    assert response.getheader("Content-Type", "").startswith("text/tab-separated-values")
    lines = body.decode("utf-8").splitlines()
    assert lines[0] == "?s\t?title" and len(lines) == 4
    subject, title = lines[1].split("\t")
    assert subject.startswith(f"<{BASE}") and title.startswith('"')


def test_ask(served: Served) -> None:
    _, body = sparql_get(served, f"ASK {{ <{BASE}{THING[1:]}> ?p ?o }}")
    assert json.loads(body) == {"head": {}, "boolean": True}
    _, body = sparql_get(served, "ASK { <urn:x:nothing> ?p ?o }", "application/sparql-results+xml")
    assert ET.fromstring(body).find(f"{SPARQL_RESULTS}boolean").text == "false"  # type: ignore[union-attr]


def test_construct_as_turtle_ntriples_and_jsonld(served: Served) -> None:
    expected = Graph().parse(served.dist / "doc" / f"{THING[1:]}.ttl", format="turtle")
    subject_triples = {t for t in expected if str(t[0]) == BASE + THING[1:]}
    for accept, fmt in (
        (None, "turtle"),
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
    ):
        response, body = sparql_get(served, CONSTRUCT, accept)
        assert response.status == 200, body
        graph = Graph().parse(data=body, format=fmt)
        assert set(graph) == subject_triples, accept


def test_post_form_and_post_query(served: Served) -> None:
    conn = served.connect()
    try:
        response, body = request(
            conn,
            "/sparql",
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"},
            "POST",
            urlencode({"query": SELECT}),
        )
        assert response.status == 200 and len(body.splitlines()) == 4
        response, body = request(
            conn,
            "/sparql",
            {"Content-Type": "application/sparql-query; charset=utf-8"},
            "POST",
            SELECT.encode(),
        )
        assert response.status == 200 and len(json.loads(body)["results"]["bindings"]) == 3
        response, body = request(conn, "/sparql", {"Content-Type": "text/plain"}, "POST", SELECT)
        assert response.status == 415
    finally:
        conn.close()


def test_format_parameter_overrides_accept(served: Served) -> None:
    conn = served.connect()
    try:
        response, body = request(conn, "/sparql?" + urlencode({"query": SELECT, "format": "csv"}))
        assert response.getheader("Content-Type") == "text/csv; charset=utf-8"
        response, body = request(
            conn, "/sparql?" + urlencode({"query": SELECT, "format": "turtle"})
        )
        assert response.status == 400 and b"json, xml, csv, tsv" in body
    finally:
        conn.close()


def test_an_unacceptable_result_format_is_406(served: Served) -> None:
    response, body = sparql_get(served, SELECT, "image/png")
    assert response.status == 406 and b"application/sparql-results+json" in body


UPDATE = f"INSERT DATA {{ <{BASE}x> <{BASE}p> <{BASE}o> }}"


def count_triples(served: Served) -> int:
    _, body = sparql_get(served, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("how", ["get-update", "post-update-form", "post-sparql-update", "query"])
def test_updates_are_refused(served: Served, how: str) -> None:
    before = count_triples(served)
    conn = served.connect()
    try:
        if how == "get-update":
            response, body = request(conn, "/sparql?" + urlencode({"update": UPDATE}))
        elif how == "post-update-form":
            response, body = request(
                conn,
                "/sparql",
                {"Content-Type": "application/x-www-form-urlencoded"},
                "POST",
                urlencode({"update": UPDATE}),
            )
        elif how == "post-sparql-update":
            response, body = request(
                conn, "/sparql", {"Content-Type": "application/sparql-update"}, "POST", UPDATE
            )
        else:
            response, body = request(
                conn, "/sparql?" + urlencode({"query": "PREFIX x: <urn:x:>\n# add\n" + UPDATE})
            )
    finally:
        conn.close()
    assert response.status == 400
    assert body.decode() == (
        "400 Bad Request: SPARQL updates are refused: this endpoint is read-only "
        "(send a SELECT, ASK, CONSTRUCT or DESCRIBE query)\n"
    )
    assert response.getheader("Access-Control-Allow-Origin") == "*"
    assert count_triples(served) == before


def test_a_syntax_error_is_400_with_the_parsers_message(served: Served) -> None:
    response, body = sparql_get(served, "SELECT ?x WHERE { ?x ?y }")
    assert response.status == 400
    assert body.decode() == (
        "400 Bad Request: the query is not valid SPARQL: "
        "error at 1:26: expected one of LATERAL, SERVICE, [_]\n"
    )


def test_cors_preflight(served: Served) -> None:
    response, _ = get(served, "/sparql", {"Origin": "https://example.org"}, method="OPTIONS")
    assert response.status == 204
    assert response.getheader("Access-Control-Allow-Origin") == "*"
    assert "POST" in (response.getheader("Allow") or "")


def test_a_slow_query_is_stopped_with_503(served: Served) -> None:
    # A cross join of 3 × 1260 typings × 9128 triples: 34 million rows to count, about two
    # seconds of work (bounded, so the abandoned query ends soon); the server allows half a second.
    slow = "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?k { 1 2 3 } ?a a ?t . ?b ?p ?o }"
    start = time.monotonic()
    response, body = sparql_get(served, slow, server=served.strict)
    elapsed = time.monotonic() - start
    assert response.status == 503, body
    assert b"longer than the server's limit of 0.5 s" in body
    assert elapsed < 2.0
    # The server still answers.
    response, body = sparql_get(served, "ASK {}", server=served.strict)
    assert response.status == 200


def test_answers_beyond_the_limit_are_cut_and_marked(served: Served) -> None:
    response, body = sparql_get(served, "SELECT ?s WHERE { ?s ?p ?o }", server=served.strict)
    assert response.status == 200
    assert response.getheader("X-Envanter-Truncated") == "true"
    assert response.getheader("X-Envanter-Limit") == "5"
    answer = json.loads(body)
    assert len(answer["results"]["bindings"]) == 5
    assert answer["head"] == {
        "vars": ["s"],
        "warnings": [
            "truncated: the answer has more rows than the server's limit of 5; these are the "
            "first ones (page with LIMIT and OFFSET)"
        ],
    }
    response, body = sparql_get(
        served, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "application/n-triples", served.strict
    )
    assert response.getheader("X-Envanter-Truncated") == "true"
    assert len(body.decode().splitlines()) == 5
    response, body = sparql_get(
        served, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 5", server=served.strict
    )
    assert response.getheader("X-Envanter-Truncated") is None
    assert json.loads(body)["head"] == {"vars": ["s"]}
    assert len(json.loads(body)["results"]["bindings"]) == 5


def test_query_says_when_the_endpoint_cut_the_answer(served: Served) -> None:
    url = f"http://127.0.0.1:{served.strict.port}/sparql"
    runner = CliRunner()
    cut = runner.invoke(main, ["query", "-e", "SELECT ?s WHERE { ?s ?p ?o }", "--endpoint", url])
    assert cut.exit_code == 0, cut.output
    assert cut.stderr == (
        f"warning: {url} cut the answer at its row limit: only the first rows (or triples) "
        "are shown; page with LIMIT and OFFSET\n"
    )
    assert len(cut.stdout.splitlines()) == 2 + 5  # the header, its rule and five rows
    whole = runner.invoke(
        main, ["query", "-e", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 5", "--endpoint", url]
    )
    assert (whole.exit_code, whole.stderr) == (0, "")


def test_a_request_body_over_1_mb_is_413(served: Served) -> None:
    conn = served.connect()
    try:
        conn.putrequest("POST", "/sparql")
        conn.putheader("Content-Type", "application/sparql-query")
        conn.putheader("Content-Length", str(2 * 1024 * 1024))
        conn.endheaders()
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    assert response.status == 413
    assert b"max_body of 1048576" in body  # (waitress answers before the app reads it)


def test_the_query_page_lists_the_example_queries(served: Served) -> None:
    response, body = get(served, "/sparql", {"Accept": "text/html"})
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    page = body.decode("utf-8")
    queries = example_queries(ROOT / "queries")
    assert len(queries) >= 14
    for q in queries:
        # Jinja escapes ' in titles: compare the escaped form.
        for title in (q.title_tr, q.title_en):
            assert title.replace("'", "&#39;") in page, title
    # The texts are pointed at the dataset's base, and nothing is loaded from elsewhere.
    assert "https://envanter.example/" not in page
    assert f"{BASE}def/envanter#" in page
    assert 'action="/sparql"' in page
    for external in ('src="http', "src='http", '<link rel="stylesheet" href="http', "@import"):
        assert external not in page
    # Without Accept: text/html and without a query, it is a protocol error.
    response, _ = get(served, "/sparql", {"Accept": "application/sparql-results+json"})
    assert response.status == 400


def test_the_example_queries_run_through_the_endpoint(served: Served) -> None:
    conn = served.connect()
    try:
        for q in example_queries(ROOT / "queries"):
            text = adapt_query(q.text, BASE)
            response, body = request(
                conn,
                "/sparql",
                {"Content-Type": "application/sparql-query"},
                "POST",
                text.encode("utf-8"),
            )
            assert response.status == 200, (q.name, body[:300])
            assert json.loads(body)["results"]["bindings"], q.name
    finally:
        conn.close()


def test_an_answer_xml_cannot_carry_is_406_in_xml_and_200_in_json(served: Served) -> None:
    query = 'SELECT ?x WHERE { BIND("bell\\u0007here" AS ?x) }'
    response, body = sparql_get(served, query, "application/sparql-results+xml")
    assert response.status == 406
    assert b"U+0007 (row 1, ?x), which XML 1.0 cannot carry" in body
    response, body = sparql_get(served, query, "application/sparql-results+json")
    assert response.status == 200
    assert json.loads(body)["results"]["bindings"] == [
        {"x": {"type": "literal", "value": "bell\x07here"}}
    ]


def test_a_missing_page_gets_the_sites_designed_404_page(served: Served) -> None:
    response, body = get(served, "/doc/id/hizmet/no-such-service.html")
    assert response.status == 404
    assert (response.getheader("Content-Type") or "").startswith("text/html")
    assert body == (served.dist / "404.html").read_bytes()
    head, _ = get(served, "/no/such/page.html", method="HEAD")
    assert head.status == 404
