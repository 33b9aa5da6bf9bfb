#!/usr/bin/env bash
# The main job: set up, build the publication into dist/ (options as for `envanter build`), then
# serve it on http://127.0.0.1:8000/ until Ctrl-C. SERVE=0 builds without serving.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python build.py "$@"
echo "The publication is in dist/: the site (index.html), data/dataset.{ttl,nt,jsonld}, data/tables/, catalog.ttl."
if [[ "${SERVE:-1}" != "0" ]]; then
    exec .venv/bin/envanter serve --dist dist --host 127.0.0.1 --port "${PORT:-8000}"
fi
