# StoreSync. `make run` serves the demo; `make test` runs the whole suite. Both set themselves up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ONLY   ?=

.PHONY: run test bench lint install install-test i18n clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "StoreSync needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install -q -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -c constraints.txt -e ".[test]"
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(BIN)/storesync run

test: install-test
	bash scripts/test.sh

bench: install-test
	$(BIN)/python -m bench.run $(if $(ONLY),--only $(ONLY),)

lint: install-test
	$(BIN)/ruff check app tasks tests bench tools
	$(BIN)/lint-imports

# Refresh the message catalogs after adding or changing UI text.
i18n: install-test
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k N_ -k deferred -k deferred_plural:1,2 -o app/locale/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i app/locale/messages.pot -d app/locale -l id --no-fuzzy-matching

clean:
	rm -rf $(VENV) var test-output
