#!/usr/bin/env bash
# Vendor the oxigraph npm package's web build (web.js + web_bg.wasm) into
# site/static/vendor/oxigraph/, the SPARQL engine the query page runs in the browser when no
# server answers. Usage: bash scripts/vendor-oxigraph.sh [VERSION]  (default: the pinned one,
# the `version:` line of site/static/vendor/oxigraph/README.txt, which this rewrites).
# The package ships no licence files: LICENSE-MIT and LICENSE-APACHE come from the same
# version's source (the oxigraph repository's root); see site/static/vendor/oxigraph/README.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

target=site/static/vendor/oxigraph
version="${1:-$(sed -n 's/^version: //p' "$target/README.txt")}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# npm pack checks the tarball against the registry's integrity hash.
(cd "$work" && npm pack --silent "oxigraph@$version" >/dev/null && tar xzf "oxigraph-$version.tgz")
license="$(node -p "require('$work/package/package.json').license")"
if [[ "$license" != "MIT OR Apache-2.0" ]]; then
    echo "vendor-oxigraph: oxigraph $version is licensed '$license', not 'MIT OR Apache-2.0':" \
        "check it may be shipped before vendoring" >&2
    exit 1
fi
cp "$work/package/web.js" "$work/package/web_bg.wasm" "$target/"
sed -i "s/^version: .*/version: $version/" "$target/README.txt"
echo "vendored oxigraph $version into $target (update LICENSE-* if the licence text changed)"
