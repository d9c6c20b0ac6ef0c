# Two commands for a fresh machine: `make run` and `make test`. Both create .venv and install what they need.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
# Compiled catalogs for the source checkout (the editable install reads them here; a wheel build compiles its own).
CATALOGS := $(patsubst %.po,%.mo,$(wildcard locales/*/LC_MESSAGES/messages.po))

.PHONY: run test lint catalogs messages traditional bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml setup.py | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(DEV): pyproject.toml setup.py | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(RUNTIME) $@

catalogs: $(CATALOGS)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po | $(RUNTIME)
	$(VENV)/bin/pybabel compile --domain messages --locale $* --input-file $< --output-file $@

run: $(RUNTIME) catalogs
	$(PY) run_bot.py run

lint: $(DEV)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/vulture

test: $(DEV) catalogs lint
	$(PY) -m pytest -q

# Refresh the message template after adding strings; then translate the new entries in every catalog.
# `_("text")` and `_("singular", "plural", n)` by their number of arguments (a trailing comma counts as one more),
# as tests/unit/test_catalogs.py reads them.
KEYWORDS := $(foreach k,_ __,-k $(k):1,1t -k $(k):1,2t -k $(k):1,2,3t -k $(k):1,2,4t)
messages: $(DEV)
	$(VENV)/bin/pybabel extract -F babel.cfg $(KEYWORDS) --no-location --omit-header -o locales/messages.pot .

# The Traditional Chinese catalog from the Simplified one (OpenCC s2twp and domain/data/traditional.json; docs/languages.md).
traditional: $(RUNTIME)
	$(PY) -m locales.traditional

bench: $(DEV)
	for script in bench/bench_*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache $(CATALOGS)
