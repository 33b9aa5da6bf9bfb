#!/usr/bin/env bash
# Set up with the development tools, then run every check CI runs: lint, types, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
make check
