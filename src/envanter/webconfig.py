"""Web server configurations, written from Jinja templates (site/server/) like every other
output: nginx and Apache do what `envanter serve` does for the minted URIs (303 See Other from a
thing to its document, by Accept and Accept-Language) and serve every file with its media type.

`write_web_configs(dist, base)` writes `dist/nginx.conf` (maps, an upstream for the SPARQL
store and a `server { }` block, to include in nginx's `http { }` context) and `dist/.htaccess`
(mod_rewrite rules). Neither server can weigh q-values in a rewrite rule: both send the client to
the first format it lists that we serve (browsers list text/html first; RDF clients their
preferred syntax). `envanter serve` negotiates fully.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .resources import resource

# Suffix → media type, as `envanter serve` answers (see serve.files.MEDIA_TYPES).
TYPES = (
    ("text/html", "html"),
    ("text/turtle", "ttl"),
    ("application/n-triples", "nt"),
    ("application/ld+json", "jsonld"),
    ("application/json", "json"),
    ("text/csv", "csv"),
    ("application/xml", "xml"),
    ("text/css", "css"),
    ("text/javascript", "js"),
    ("image/svg+xml", "svg"),
    ("image/png", "png"),
    ("image/vnd.microsoft.icon", "ico"),
    ("text/plain", "txt"),
    ("application/sparql-query", "rq"),
    ("application/wasm", "wasm"),
    ("font/woff2", "woff2"),
    ("application/manifest+json", "webmanifest"),
)
# Types that are text: served with `charset=utf-8`.
TEXT_TYPES = ("text/html", "text/turtle", "text/csv", "text/css", "text/javascript", "text/plain")
# Where the SPARQL store listens (the Oxigraph server's default) and its query time limit.
STORE = "127.0.0.1:7878"
STORE_TIMEOUT = 10
TEMPLATES = {"nginx.conf": "nginx.conf.j2", ".htaccess": "htaccess.j2"}


def site_path(base: str) -> str:
    """The path the publication is served under: `/` for `https://example.org/`."""
    path = urlsplit(base).path or "/"
    return path if path.endswith("/") else path + "/"


def regex_escape(path: str) -> str:
    """A path as a literal in a PCRE pattern (nginx and Apache both use PCRE)."""
    return "".join("\\" + c if c in r".^$*+?()[]{}|\\" else c for c in path)


def received_rules(charsets: Mapping[str, str]) -> list[tuple[str, str, str, str]]:
    """For each source document received as text (kaynak/<file>): its name escaped for a
    double-quoted nginx string and for a single-quoted Apache expression string, its media type
    and the charset its reader read it in."""
    suffixes = dict((f".{suffix}", media) for media, suffix in TYPES)
    rules = []
    for name, charset in sorted(charsets.items()):
        media = suffixes.get(Path(name).suffix.lower())
        if media is not None and media in TEXT_TYPES:
            escaped = name.replace("\\", "\\\\")
            nginx, apache = escaped.replace('"', '\\"'), escaped.replace("'", "\\'")
            rules.append((nginx, apache, media, charset))
    return rules


def render(
    template: str,
    base: str,
    site: Path | None,
    charsets: Mapping[str, str] | None = None,
    gone: Sequence[str] = (),
) -> str:
    """`site`: the site's folder (its `server/` holds the templates); the project's or the
    packaged one by default. `charsets`: the charset of each source document received as text,
    by its file name (kaynak/<file>). `gone`: the tombstones' files (publication/tombstones.py),
    relative to the publication's folder, answered with 410 Gone."""
    env = Environment(
        loader=FileSystemLoader((site or resource("site")) / "server"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        autoescape=False,  # configuration files, not HTML
    )
    path = site_path(base)
    root_note = (
        "\n# `root` is its folder."
        if path == "/"
        else f"\n# `root` is the folder that holds it as {path.strip('/')}/."
    )
    return env.get_template(template).render(
        base=base,
        path=path,
        path_re=regex_escape(path),
        host=urlsplit(base).hostname or "_",
        root_note=root_note,
        text_types=" ".join(t for t in TEXT_TYPES if t != "text/html"),
        text_suffixes=" ".join(f".{s}" for m, s in TYPES if m in TEXT_TYPES),
        types=TYPES,
        store=STORE,
        store_timeout=STORE_TIMEOUT,
        gone=[path + g for g in gone],
        gone_re=[regex_escape(g) for g in gone],
        received=received_rules(charsets or {}),
    )


def nginx_config(base: str, site: Path | None = None, gone: Sequence[str] = ()) -> str:
    """`nginx.conf`: maps, the store's upstream and a server block, for nginx's `http { }`."""
    return render(TEMPLATES["nginx.conf"], base, site, gone=gone)


def apache_config(base: str, site: Path | None = None, gone: Sequence[str] = ()) -> str:
    """`.htaccess`: mod_rewrite rules for the publication's folder."""
    return render(TEMPLATES[".htaccess"], base, site, gone=gone)


def write_web_configs(
    dist: Path,
    base: str,
    site: Path | None = None,
    charsets: Mapping[str, str] | None = None,
    gone: Sequence[str] = (),
) -> list[Path]:
    """Write `dist/nginx.conf` and `dist/.htaccess` for the publication built for `base`; a
    source document received as text (`charsets`: by file name) is served with its charset;
    `gone` lists the tombstones' files, answered with 410 Gone."""
    written = []
    for name, template in TEMPLATES.items():
        path = dist / name
        path.write_text(render(template, base, site, charsets, gone), encoding="utf-8")
        written.append(path)
    return written
