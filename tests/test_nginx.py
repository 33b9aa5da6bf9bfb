"""The nginx configuration the build writes (dist/nginx.conf), run in a real nginx on 127.0.0.1:
the same 303s as `envanter serve` for the common Accept headers, and the documents' media types.
The Apache rules (dist/.htaccess) are checked for what they must contain."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner

from envanter.cli import main
from envanter.sparql import adapt_query, example_queries
from envanter.webconfig import apache_config, nginx_config

from .conftest import ROOT, build_seed, free_port
from .serving import oxigraph

NGINX = Path("/usr/sbin/nginx")
BASE = "http://127.0.0.1:8000/"
THING = "/id/hizmet/halk-sut-destegi"


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("nginx") / "dist"
    return build_seed(out, BASE)


@pytest.fixture(scope="module")
def store(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The production store: the seed published with `envanter publish` into an Oxigraph
    server, then that store served read-only with a query time limit; yields its port."""
    location = tmp_path_factory.mktemp("store") / "oxigraph"
    with oxigraph(location) as port:
        url = f"http://127.0.0.1:{port}"
        result = CliRunner().invoke(
            main,
            ["publish", "--dist", str(dist), "--store", f"{url}/store", "--query", f"{url}/query"],
        )
        assert result.exit_code == 0, result.output
    read_only = ("--timeout-s", "5", "--union-default-graph")
    with oxigraph(location, *read_only, command="serve-read-only") as port:
        yield port


@pytest.fixture(scope="module")
def nginx(dist: Path, store: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with running_nginx(dist, store, tmp_path_factory.mktemp("nginx-run")) as port:
        yield port


@contextmanager
def running_nginx(dist: Path, store: int, tmp: Path) -> Iterator[int]:
    """The configuration the build wrote into `dist`, run in nginx on 127.0.0.1 with the SPARQL
    store at `store`; yields its port."""
    if not NGINX.exists():
        pytest.fail(
            f"{NGINX} is missing: this test runs the generated configuration in a real nginx. "
            "Install it with `bash scripts/setup.sh --dev` (Debian's nginx package)."
        )
    tmp.mkdir(parents=True, exist_ok=True)
    port = free_port()
    site = (dist / "nginx.conf").read_text(encoding="utf-8")
    # The generated block is for a real host: listen here and serve the built folder instead.
    site, listens = re.subn(r"(?m)^    listen 80;$", f"    listen 127.0.0.1:{port};", site)
    site, roots = re.subn(r"(?m)^    root /var/www/envanter;$", f"    root {dist};", site)
    site, stores = re.subn(
        r"(?m)^    server 127\.0\.0\.1:7878;$", f"    server 127.0.0.1:{store};", site
    )
    assert (listens, roots, stores) == (1, 1, 1), "one listen, one root, one store address"
    (tmp / "site.conf").write_text(site, encoding="utf-8")
    (tmp / "nginx.conf").write_text(
        f"""daemon off;
master_process off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
""",
        encoding="utf-8",
    )
    # -p: relative paths under tmp; -e: the error log before the configuration is read (the
    # default one, under /var/log, may not be writable).
    arguments = ["-c", str(tmp / "nginx.conf"), "-p", f"{tmp}/"]
    check = subprocess.run(
        [str(NGINX), "-t", "-q", "-e", str(tmp / "error.log"), *arguments],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [str(NGINX), "-e", str(tmp / "error.log"), *arguments],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.communicate()[1]
                assert time.monotonic() < deadline, "nginx did not listen within 10 s"
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(tmp / "body", ignore_errors=True)


def get(port: int, path: str, headers: dict[str, str]) -> tuple[http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("headers", "location"),
    [
        ({"Accept": "text/turtle"}, f"/doc{THING}.ttl"),
        ({"Accept": "text/html"}, f"/doc{THING}.html"),
        ({"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}, f"/doc{THING}.html"),
        ({}, f"/doc{THING}.html"),
        ({"Accept": "*/*"}, f"/doc{THING}.html"),
        ({"Accept": "application/ld+json"}, f"/doc{THING}.jsonld"),
        ({"Accept": "application/json"}, f"/doc{THING}.jsonld"),
        ({"Accept": "application/n-triples"}, f"/doc{THING}.nt"),
        ({"Accept": "text/html", "Accept-Language": "en-US,en;q=0.9"}, f"/en/doc{THING}.html"),
        ({"Accept": "text/html", "Accept-Language": "tr,en;q=0.5"}, f"/doc{THING}.html"),
    ],
)
def test_nginx_answers_303_to_the_document(
    nginx: int, headers: dict[str, str], location: str
) -> None:
    response, _ = get(nginx, THING, headers)
    assert response.status == 303
    assert response.getheader("Location") == location
    assert response.getheader("Vary") == "Accept, Accept-Language"


def test_nginx_catalog_iris_well_known_void_and_cors(nginx: int) -> None:
    response, _ = get(nginx, "/katalog", {"Accept": "text/turtle"})
    assert (response.status, response.getheader("Location")) == (303, "/doc/katalog.ttl")
    assert response.getheader("Access-Control-Allow-Origin") == "*"
    response, body = get(nginx, "/doc/katalog.ttl", {})
    assert response.status == 200 and b"dcat:Catalog" in body
    assert response.getheader("Access-Control-Allow-Origin") == "*"
    response, _ = get(nginx, "/id/dagitim/data-dataset-nt", {"Accept": "application/ld+json"})
    assert (response.status, response.getheader("Location")) == (
        303,
        "/doc/id/dagitim/data-dataset-nt.jsonld",
    )
    assert response.getheader("Access-Control-Allow-Origin") == "*"
    response, _ = get(nginx, "/id/dagitim/data-dataset-nt", {"Accept": "text/html"})
    assert (response.status, response.getheader("Location")) == (303, "/hakkinda.html")
    response, _ = get(nginx, "/def/sekiller", {"Accept": "text/html"})
    assert (response.status, response.getheader("Location")) == (303, "/def/sekiller.html")
    response, _ = get(nginx, "/.well-known/void", {})
    assert (response.status, response.getheader("Location")) == (303, "/catalog.ttl")
    response, _ = get(nginx, "/context.jsonld", {})
    assert response.getheader("Access-Control-Allow-Origin") == "*"


def test_nginx_ontology_concepts_406_and_404(nginx: int) -> None:
    response, _ = get(nginx, "/def/envanter", {"Accept": "text/turtle"})
    assert (response.status, response.getheader("Location")) == (303, "/def/envanter.ttl")
    response, _ = get(nginx, "/def/envanter", {"Accept": "text/html"})
    assert (response.status, response.getheader("Location")) == (303, "/def/index.html")
    response, _ = get(nginx, "/def/sdp/120.05", {"Accept": "text/turtle"})
    assert (response.status, response.getheader("Location")) == (303, "/doc/def/sdp/120.05.ttl")
    response, _ = get(nginx, "/def/sekiller", {"Accept": "application/ld+json"})
    assert (response.status, response.getheader("Location")) == (303, "/doc/def/sekiller.jsonld")
    response, _ = get(nginx, THING, {"Accept": "image/png"})
    assert response.status == 406
    response, _ = get(nginx, "/id/hizmet/yok-boyle-bir-hizmet", {"Accept": "text/turtle"})
    assert response.status == 404
    assert response.getheader("Vary") == "Accept, Accept-Language"


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        (f"/doc{THING}.ttl", "text/turtle; charset=utf-8"),
        (f"/doc{THING}.nt", "application/n-triples"),
        (f"/doc{THING}.jsonld", "application/ld+json"),
        (f"/doc{THING}.html", "text/html; charset=utf-8"),
        ("/data/tables/services.csv", "text/csv; charset=utf-8"),
        ("/data/tables/csv-metadata.json", "application/csvm+json"),
        ("/def/index.html", "text/html; charset=utf-8"),
        ("/def/envanter.ttl", "text/turtle; charset=utf-8"),
    ],
)
def test_nginx_serves_documents_with_their_media_type(
    nginx: int, dist: Path, path: str, media_type: str
) -> None:
    response, body = get(nginx, path, {})
    assert response.status == 200
    assert response.getheader("Content-Type") == media_type
    assert body == (dist / path[1:]).read_bytes()


def test_nginx_does_not_serve_dot_files(nginx: int, dist: Path) -> None:
    assert (dist / ".htaccess").exists()
    response, _ = get(nginx, "/.htaccess", {})
    assert response.status == 404


def test_configs_follow_the_base_path() -> None:
    """A base with a path (https://example.org/envanter/) is served under that path."""
    conf = nginx_config("https://example.org/envanter/", ROOT / "site")
    assert "server_name example.org;" in conf
    assert "location = /envanter/def/envanter {" in conf
    assert '"~^/envanter/((?:id|def)/.+)$" $1;' in conf
    htaccess = apache_config("https://example.org/envanter/", ROOT / "site")
    assert "RewriteBase /envanter/" in htaccess
    assert "RewriteRule ^((?:id|def)/.+)$ doc/$1.%{ENV:ENVANTER_FORMAT} [R=303,L]" in htaccess
    for media in ("text/turtle .ttl", "application/n-triples .nt", "application/ld+json .jsonld"):
        assert f"AddType {media}" in htaccess


def test_the_example_queries_run_through_nginx_on_the_store(nginx: int) -> None:
    """Every example query, sent to nginx's /sparql, is answered by the read-only store."""
    for q in example_queries(ROOT / "queries"):
        text = adapt_query(q.text, BASE)
        for method in ("GET", "POST"):
            conn = http.client.HTTPConnection("127.0.0.1", nginx, timeout=30)
            try:
                accept = {"Accept": "application/sparql-results+json"}
                if method == "GET":
                    conn.request("GET", "/sparql?" + urlencode({"query": text}), headers=accept)
                else:
                    form = {"Content-Type": "application/x-www-form-urlencoded", **accept}
                    conn.request("POST", "/sparql", urlencode({"query": text}), form)
                response = conn.getresponse()
                body = response.read()
            finally:
                conn.close()
            assert response.status == 200, (q.name, method, body[:300])
            assert json.loads(body)["results"]["bindings"], (q.name, method)


def test_the_store_behind_nginx_takes_no_updates(nginx: int) -> None:
    update = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    conn = http.client.HTTPConnection("127.0.0.1", nginx, timeout=30)
    try:
        form = {"Content-Type": "application/sparql-update"}
        conn.request("POST", "/sparql", update, form)
        response = conn.getresponse()
        response.read()
        assert response.status >= 400
        conn.request("PUT", "/sparql", "x", {"Content-Type": "text/turtle"})
        response = conn.getresponse()
        response.read()
        assert response.status == 403
        # Only the query endpoint is proxied: the store's others are not reachable at all.
        for path in ("/store", "/update", "/query"):
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            assert response.status == 404, path
    finally:
        conn.close()


def test_a_browser_at_the_endpoint_gets_the_example_queries(nginx: int) -> None:
    response, _ = get(nginx, "/sparql", {"Accept": "text/html"})
    assert (response.status, response.getheader("Location")) == (303, "/sorgular.html")


def test_the_query_page_finds_the_store_behind_nginx(nginx: int) -> None:
    """What the query page (static/query.js) asks when it opens, `ASK {}` in SPARQL JSON, is
    answered by the store, so the page sends its queries there: SELECT answered in SPARQL JSON,
    CONSTRUCT in N-Triples, as the page asks for them. Its in-browser engine, for static hosts,
    is served as application/wasm."""
    json_results = "application/sparql-results+json"
    response, body = get(
        nginx, "/sparql?" + urlencode({"query": "ASK {}"}), {"Accept": json_results}
    )
    assert response.status == 200
    assert (response.getheader("Content-Type") or "").startswith(json_results)
    assert json.loads(body)["boolean"] is True
    page = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": f"{json_results}, application/n-triples;q=0.9",
    }
    for text, media in (
        ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", json_results),
        ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "application/n-triples"),
    ):
        conn = http.client.HTTPConnection("127.0.0.1", nginx, timeout=30)
        try:
            conn.request("POST", "/sparql", urlencode({"query": text}), page)
            response = conn.getresponse()
            response.read()
        finally:
            conn.close()
        assert response.status == 200, text
        assert (response.getheader("Content-Type") or "").startswith(media), text
    response, _ = get(nginx, "/static/vendor/oxigraph/web_bg.wasm", {})
    assert (response.status, response.getheader("Content-Type")) == (200, "application/wasm")


def test_nginx_answers_a_missing_page_with_the_sites_404_page(nginx: int, dist: Path) -> None:
    response, body = get(nginx, "/doc/id/hizmet/no-such-service.html", {})
    assert response.status == 404
    assert body == (dist / "404.html").read_bytes()


def test_apache_answers_a_missing_page_with_the_sites_404_page() -> None:
    htaccess = apache_config("https://example.org/envanter/", ROOT / "site")
    assert "ErrorDocument 404 /envanter/404.html" in htaccess.splitlines()


def test_nginx_serves_a_received_csv_with_the_charset_it_was_read_in(tmp_path: Path) -> None:
    """A source saved by Turkish Excel is Windows-1254: served as received, with that charset
    (what the build writes stays UTF-8)."""
    source = ROOT / "tests" / "inventories" / "ankara-il-milli-egitim.csv"
    out = tmp_path / "dist"
    args = ["build", "-q", "--source", str(source), "--out", str(out), "--base-uri", BASE]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    # (No query reaches the store here: any port will do.)
    with running_nginx(out, free_port(), tmp_path / "nginx") as port:
        response, body = get(port, f"/kaynak/{source.name}", {})
        written, _ = get(port, "/data/tables/services.csv", {})
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/csv; charset=windows-1254"
    assert body == source.read_bytes()
    assert written.getheader("Content-Type") == "text/csv; charset=utf-8"
