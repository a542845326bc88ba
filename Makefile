# Kimi Code: `make demo` and `make test` do all the set-up on a fresh machine.
# `make setup` is idempotent: each step in scripts/setup.d/ skips itself when already done.

PYTHON ?= python3
VENV   := .venv
export PYTHON VENV

.PHONY: setup demo test lint typecheck unit e2e-editor bench clean

setup:
	@bash scripts/setup.sh

demo: setup
	@bash scripts/demo.sh

test: setup
	@bash scripts/test.sh

lint: setup
	$(VENV)/bin/ruff check kimi_code tests benchmarks
	$(VENV)/bin/ruff format --check kimi_code tests benchmarks

typecheck: setup
	$(VENV)/bin/mypy

unit: setup
	$(VENV)/bin/pytest -m "not e2e and not editor" -q

e2e-editor: setup
	@bash scripts/setup-editor.sh
	$(VENV)/bin/pytest -m editor -q tests/editor

clean:
	rm -rf $(VENV) .build editor-client/out editor-client/node_modules test-output
