#!/usr/bin/env bash
# The main job: set up, then build the publication into dist/ (options as for `envanter build`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python build.py "$@"
echo "The publication is in dist/: data/dataset.nt (the graph), data/tables/ (tidy CSV), def/ (the vocabulary)."
