# Two commands for a fresh machine: `make run` and `make test`. Both create .venv and install what they need.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed

.PHONY: run test lint catalogs messages bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(DEV): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(RUNTIME) $@

catalogs: $(RUNTIME)
	$(PY) -c "from bot.i18n import compile_catalogs; compile_catalogs()"

run: $(RUNTIME) catalogs
	$(PY) run_bot.py run

lint: $(DEV)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .

test: $(DEV) catalogs lint
	$(PY) -m pytest -q

# Refresh the message template after adding strings; then translate the new entries in both catalogs.
messages: $(DEV)
	$(VENV)/bin/pybabel extract -F babel.cfg -k __ --no-location --omit-header -o locales/messages.pot .

bench: $(DEV)
	for script in bench/bench_*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
