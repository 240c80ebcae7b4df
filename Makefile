# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint typecheck pytest fuzz bench clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Gongkai 需要 Python 3.11 或更高版本 (needs Python >= 3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## Set up, migrate, load the demo data and serve everything on http://127.0.0.1:8000
run: install
	$(BIN)/gongkai migrate
	$(BIN)/gongkai demo
	$(BIN)/gongkai serve

## Set up, then lint, type-check and run the whole test suite (SQLite and PostgreSQL, 2 workers)
test: install lint typecheck pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest -n 2 --dist loadgroup

## Fuzz the whole API through the gateway as every role (schemathesis; SQLite and PostgreSQL).
## `make test` runs the same test with a few seconds per role; this gives each role FUZZ_SECONDS.
FUZZ_SECONDS ?= 120
FUZZ_EXAMPLES ?= 50
fuzz: install
	GONGKAI_TEST_FUZZ_SECONDS=$(FUZZ_SECONDS) GONGKAI_TEST_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
		$(BIN)/pytest -n 2 -m fuzz tests/fuzz

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
