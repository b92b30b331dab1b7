# Every target runs inside .venv; `make install` creates it on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
LINT_DIRS := $(wildcard src codegen tests bench examples)

.PHONY: install generate check-generated check lint typecheck test coverage docs docs-serve record demo bench schema-drift clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Regenerate models (schemas/ -> models/) and the sync twin (_async/ -> _sync/).
generate: $(STAMP)
	$(PY) -m codegen.models
	$(PY) -m codegen.unasync
	$(PY) -m codegen.config_docs

## Fail when anything generated is stale.
check-generated: $(STAMP)
	$(PY) -m codegen.models --check
	$(PY) -m codegen.unasync --check
	$(PY) -m codegen.config_docs --check

lint: $(STAMP)
	$(PY) -m ruff check $(LINT_DIRS)
	$(PY) -m ruff format --check $(LINT_DIRS)

typecheck: $(STAMP)
	$(PY) -m mypy

check: lint typecheck check-generated

test: $(STAMP)
	$(PY) -m pytest

## The documentation site (mkdocs-material + mkdocstrings) into .site/; fails on any warning.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --quiet --site-dir .site

docs-serve: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs serve

## Re-record this project's cassettes against the real service (needs HF_TOKEN and a network).
record: $(STAMP)
	@test -n "$$HF_TOKEN" || (echo "HF_TOKEN is not set: recording needs a real token" && exit 2)
	HFIE_RECORD=1 $(PY) -m pytest tests/_async tests/_sync -k cassette

## Compare schemas/ with a folder of upstream HF task specs: make schema-drift UPSTREAM=<dir>
schema-drift: $(STAMP)
	@test -n "$(UPSTREAM)" || (echo "usage: make schema-drift UPSTREAM=<dir of upstream task specs>" && exit 2)
	$(PY) -m codegen.schema_drift $(UPSTREAM)

demo: $(STAMP)
	$(PY) -m examples.run_demo

bench: $(STAMP)
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .site .coverage
