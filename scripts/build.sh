#!/usr/bin/env bash
# The main job: set up, then build the publication into dist/ (options as for `envanter build`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python build.py "$@"
echo "The tables are in dist/data/tables/ (start with services.csv; csv-metadata.json describes them)."
