"""Web server configurations for static hosting: nginx and Apache do what `envanter serve` does
for the minted URIs (303 See Other from a thing to its document, by Accept and Accept-Language)
and serve every file with its media type.

`write_web_configs(dist, base)` writes `dist/nginx.conf` (maps and a `server { }` block, to
include in nginx's `http { }` context) and `dist/.htaccess` (mod_rewrite rules). Neither server
can weigh q-values in a rewrite rule: both send the client to the first format it lists that we
serve (browsers list text/html first; RDF clients their preferred syntax). `envanter serve`
negotiates fully.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

# Suffix → media type, as `envanter serve` answers (see serve.MEDIA_TYPES).
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
    ("font/woff2", "woff2"),
    ("application/manifest+json", "webmanifest"),
)
# Types that are text: served with `charset=utf-8`.
TEXT_TYPES = ("text/html", "text/turtle", "text/csv", "text/css", "text/javascript", "text/plain")


def site_path(base: str) -> str:
    """The path the publication is served under: `/` for `https://example.org/`."""
    path = urlsplit(base).path or "/"
    return path if path.endswith("/") else path + "/"


NGINX = r"""# nginx configuration for the envanter publication built for @BASE@
# Written by `envanter build`; see docs/serving.md.
#
# Include this file in nginx's http { } context (for example copy it to
# /etc/nginx/conf.d/envanter.conf), then set `listen`, `server_name` and `root` below. The
# publication (the folder `envanter build` wrote) must be served at @PATH@:@ROOT_NOTE@
#
# A thing's URI (@PATH@id/…, @PATH@def/…) answers 303 See Other to its document:
#   text/html → @PATH@doc/….html (@PATH@en/doc/….html when Accept-Language starts with en)
#   text/turtle → .ttl, application/ld+json or application/json → .jsonld,
#   application/n-triples → .nt; no Accept or */* → HTML; nothing we serve → 406.
# nginx cannot weigh q-values: the first type the client lists that we serve wins.

map $http_accept $envanter_format {
    default "";
    "" html;
    "~*^\s*(text/html|application/xhtml\+xml)" html;
    "~*^\s*(text/turtle|application/x-turtle)" ttl;
    "~*^\s*(application/ld\+json|application/json)" jsonld;
    "~*^\s*application/n-triples" nt;
    "~*(text/html|application/xhtml\+xml)" html;
    "~*(text/turtle|application/x-turtle)" ttl;
    "~*(application/ld\+json|application/json)" jsonld;
    "~*application/n-triples" nt;
    "~*(\*/\*|text/\*)" html;
    "~*application/\*" jsonld;
}

# English pages for clients that put English first.
map "$envanter_format:$http_accept_language" $envanter_language {
    default "";
    "~*^html:\s*en" "en/";
}

# The thing a URI names, without the site's path: @PATH@id/hizmet/x → id/hizmet/x.
map $uri $envanter_thing {
    default "";
    "~^@PATH_RE@((?:id|def)/.+)$" $1;
}

server {
    listen 80;
    server_name @HOST@;
    root /var/www/envanter;

    server_tokens off;
    # Location: @PATH@doc/… as a path, as `envanter serve` sends it.
    absolute_redirect off;
    index index.html;
    charset utf-8;
    charset_types @TEXT_TYPES@;

    types {
@TYPES@
    }
    default_type application/octet-stream;

    # Dot-files (.htaccess) are not part of the publication.
    location ~ /\. {
        return 404;
    }

    # CSV on the Web metadata is JSON with a media type of its own.
    location ~ (^|/)csv-metadata\.json$ {
        types { }
        default_type application/csvm+json;
    }

    # The ontology: its documentation page, or the whole ontology as Turtle.
    location = @PATH@def/envanter {
        add_header Vary "Accept, Accept-Language" always;
        if ($envanter_format = html) {
            return 303 @PATH@def/index.html;
        }
        if ($envanter_format = ttl) {
            return 303 @PATH@def/envanter.ttl;
        }
        if ($envanter_format = "") {
            return 406;
        }
        return 303 @PATH@doc/def/envanter.$envanter_format;
    }

    # Things: what is not a file (def/index.html, def/envanter.ttl are) is a thing's URI.
    location ~ ^@PATH_RE@(?:id|def)/ {
        try_files $uri $uri/ @envanter_thing;
    }

    location @envanter_thing {
        add_header Vary "Accept, Accept-Language" always;
        types { }
        default_type "text/plain; charset=utf-8";
        if ($envanter_format = "") {
            return 406 "406 Not Acceptable: a thing is described as text/html, text/turtle, application/ld+json, application/n-triples\n";
        }
        set $envanter_doc "@PATH@${envanter_language}doc/$envanter_thing.$envanter_format";
        if (!-f $document_root$envanter_doc) {
            # No English page: the Turkish one.
            set $envanter_doc "@PATH@doc/$envanter_thing.$envanter_format";
        }
        if (-f $document_root$envanter_doc) {
            return 303 $envanter_doc;
        }
        return 404 "404 Not Found: $uri is not a thing of this dataset, or has no $envanter_format document\n";
    }
}
"""

HTACCESS = r"""# Apache configuration for the envanter publication built for @BASE@
# Written by `envanter build`; see docs/serving.md.
#
# Needs mod_rewrite, mod_mime and mod_headers, and `AllowOverride FileInfo Indexes Options` (or
# All) for this folder, which must be served at @PATH@ under the DocumentRoot (the rules look
# for documents at %{DOCUMENT_ROOT}@PATH@doc/…).
#
# A thing's URI (@PATH@id/…, @PATH@def/…) answers 303 See Other to its document:
#   text/html → @PATH@doc/….html (@PATH@en/doc/….html when Accept-Language starts with en)
#   text/turtle → .ttl, application/ld+json or application/json → .jsonld,
#   application/n-triples → .nt; no Accept or */* → HTML; nothing we serve → 406.
# Apache cannot weigh q-values in a rule: the first type the client lists that we serve wins.

Options -Indexes -MultiViews
DirectoryIndex index.html

<IfModule mod_mime.c>
@ADDTYPES@
    AddCharset utf-8 @TEXT_SUFFIXES@
</IfModule>
<Files "csv-metadata.json">
    ForceType application/csvm+json
</Files>
<FilesMatch "^\.">
    Require all denied
</FilesMatch>

<IfModule mod_headers.c>
    <If "%{REQUEST_URI} =~ m#^@PATH_RE@(id|def)/#">
        Header always merge Vary "Accept, Accept-Language"
    </If>
</IfModule>

RewriteEngine On
RewriteBase @PATH@

# 1. The format, from Accept. A later rule overrides an earlier one, so the weakest come first:
#    anything (*/*) → HTML; a type named anywhere; a type named first (strongest).
RewriteRule ^ - [E=ENVANTER_FORMAT:]
RewriteCond %{HTTP_ACCEPT} application/\* [NC]
RewriteRule ^ - [E=ENVANTER_FORMAT:jsonld]
RewriteCond %{HTTP_ACCEPT} ^\s*$ [OR]
RewriteCond %{HTTP_ACCEPT} (\*/\*|text/\*) [NC]
RewriteRule ^ - [E=ENVANTER_FORMAT:html]
RewriteCond %{HTTP_ACCEPT} application/n-triples [NC]
RewriteRule ^ - [E=ENVANTER_FORMAT:nt]
RewriteCond %{HTTP_ACCEPT} (application/ld\+json|application/json) [NC]
RewriteRule ^ - [E=ENVANTER_FORMAT:jsonld]
RewriteCond %{HTTP_ACCEPT} (text/turtle|application/x-turtle) [NC]
RewriteRule ^ - [E=ENVANTER_FORMAT:ttl]
RewriteCond %{HTTP_ACCEPT} (text/html|application/xhtml\+xml) [NC]
RewriteRule ^ - [E=ENVANTER_FORMAT:html]
RewriteCond %{HTTP_ACCEPT} ^\s*application/n-triples [NC]
RewriteRule ^ - [E=ENVANTER_FORMAT:nt]
RewriteCond %{HTTP_ACCEPT} ^\s*(application/ld\+json|application/json) [NC]
RewriteRule ^ - [E=ENVANTER_FORMAT:jsonld]
RewriteCond %{HTTP_ACCEPT} ^\s*(text/turtle|application/x-turtle) [NC]
RewriteRule ^ - [E=ENVANTER_FORMAT:ttl]
RewriteCond %{HTTP_ACCEPT} ^\s*(text/html|application/xhtml\+xml) [NC]
RewriteRule ^ - [E=ENVANTER_FORMAT:html]

# 2. Files and folders are served as they are (def/index.html, def/envanter.ttl among them).
RewriteCond %{REQUEST_FILENAME} -f [OR]
RewriteCond %{REQUEST_FILENAME} -d
RewriteRule ^ - [L]

# 3. The ontology: its documentation page, or the whole ontology as Turtle.
RewriteCond %{ENV:ENVANTER_FORMAT} =html
RewriteRule ^def/envanter$ def/index.html [R=303,L]
RewriteCond %{ENV:ENVANTER_FORMAT} =ttl
RewriteRule ^def/envanter$ def/envanter.ttl [R=303,L]

# 4. Things: 406 when the client takes none of our formats, else 303 to the document.
RewriteCond %{ENV:ENVANTER_FORMAT} ^$
RewriteRule ^(id|def)/ - [R=406,L]
RewriteCond %{ENV:ENVANTER_FORMAT} =html
RewriteCond %{HTTP:Accept-Language} ^\s*en [NC]
RewriteCond %{DOCUMENT_ROOT}@PATH@en/doc/$1.html -f
RewriteRule ^((?:id|def)/.+)$ en/doc/$1.html [R=303,L]
RewriteCond %{DOCUMENT_ROOT}@PATH@doc/$1.%{ENV:ENVANTER_FORMAT} -f
RewriteRule ^((?:id|def)/.+)$ doc/$1.%{ENV:ENVANTER_FORMAT} [R=303,L]
RewriteRule ^(id|def)/ - [R=404,L]
"""


def regex_escape(path: str) -> str:
    """A path as a literal in a PCRE pattern (nginx and Apache both use PCRE)."""
    return "".join("\\" + c if c in r".^$*+?()[]{}|\\" else c for c in path)


def fill(template: str, base: str) -> str:
    path = site_path(base)
    host = urlsplit(base).hostname or "_"
    root_note = (
        "\n# `root` is its folder."
        if path == "/"
        else f"\n# `root` is the folder that holds it as {path.strip('/')}/."
    )
    values = {
        "@BASE@": base,
        "@PATH@": path,
        "@PATH_RE@": regex_escape(path),
        "@HOST@": host,
        "@ROOT_NOTE@": root_note,
        "@TEXT_TYPES@": " ".join(t for t in TEXT_TYPES if t != "text/html"),
        "@TYPES@": "\n".join(f"        {media} {suffix};" for media, suffix in TYPES),
        "@ADDTYPES@": "\n".join(f"    AddType {media} .{suffix}" for media, suffix in TYPES),
        "@TEXT_SUFFIXES@": " ".join(f".{s}" for m, s in TYPES if m in TEXT_TYPES),
    }
    for key, value in values.items():
        template = template.replace(key, value)
    return template


def nginx_config(base: str) -> str:
    """`nginx.conf`: maps and a server block, for nginx's `http { }` context."""
    return fill(NGINX, base)


def apache_config(base: str) -> str:
    """`.htaccess`: mod_rewrite rules for the publication's folder."""
    return fill(HTACCESS, base)


def write_web_configs(dist: Path, base: str) -> list[Path]:
    """Write `dist/nginx.conf` and `dist/.htaccess` for the publication built for `base`."""
    written = []
    for name, text in (("nginx.conf", nginx_config(base)), (".htaccess", apache_config(base))):
        path = dist / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
