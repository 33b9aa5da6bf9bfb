# The tasks CI runs (`make check`) and the ones you will want while working.
PY := .venv/bin/python

.PHONY: check lint format typecheck test build clean

check: lint typecheck test

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format:
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

typecheck:
	$(PY) -m mypy

test:
	$(PY) -m pytest -q

build:
	$(PY) build.py

clean:
	rm -rf dist .pytest_cache .mypy_cache .ruff_cache
