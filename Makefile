# Every target runs inside .venv; `make install` creates it on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
LINT_DIRS := $(wildcard src codegen tests bench examples)

.PHONY: install generate check-generated check lint typecheck test record demo bench schema-drift schema-drift-check clean

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

## Fail when anything generated is stale.
check-generated: $(STAMP)
	$(PY) -m codegen.models --check
	$(PY) -m codegen.unasync --check

lint: $(STAMP)
	$(PY) -m ruff check $(LINT_DIRS)
	$(PY) -m ruff format --check $(LINT_DIRS)

typecheck: $(STAMP)
	$(PY) -m mypy

check: lint typecheck check-generated

test: $(STAMP)
	$(PY) -m pytest

## Re-record this project's cassettes against the real service (needs HF_TOKEN and a network).
record: $(STAMP)
	@test -n "$$HF_TOKEN" || (echo "HF_TOKEN is not set: recording needs a real token" && exit 2)
	HFIE_RECORD=1 $(PY) -m pytest tests/_async tests/_sync -k cassette

## Compare schemas/ with the pinned @huggingface/tasks release (schemas/upstream-drift.yaml;
## fetched once with `npm pack` into .cache/upstream/). UPSTREAM=<dir> compares with a folder.
schema-drift: $(STAMP)
	$(PY) -m codegen.upstream report $(if $(UPSTREAM),--upstream $(UPSTREAM))

## Fail on any difference from the pinned release that the allow-list does not explain.
schema-drift-check: $(STAMP)
	$(PY) -m codegen.upstream check $(if $(UPSTREAM),--upstream $(UPSTREAM))

demo: $(STAMP)
	$(PY) -m examples.run_demo

bench: $(STAMP)
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
