# Two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The constraints file pins every transitive dependency, so CI installs what was tested.
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt

.PHONY: run test lint typecheck unit bench sandbox clean catalogs messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e '.[dev]'
	@touch $@ $(VENV)/.installed

# Languages (docs/languages.md): the translations are .po files, compiled to .mo here (the
# compiled files are not committed). `make messages` extracts new texts into every catalog.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard bot/locales/*/LC_MESSAGES/*.po))
catalogs: $(CATALOGS)
bot/locales/%.mo: bot/locales/%.po | $(VENV)/.installed
	@$(BIN)/pybabel compile --statistics -i $< -o $@

messages: $(VENV)/.installed-dev
	$(BIN)/python -m tools.catalogs

# With a token (in .env or the environment) the real bot; without one, the offline sandbox.
run: $(VENV)/.installed catalogs
	@$(BIN)/stretchbot

# The real bot in a terminal chat, no Telegram: make sandbox ARGS="--speed 10 --now 08:59:50"
sandbox: $(VENV)/.installed catalogs
	@$(BIN)/stretchbot sandbox $(ARGS)

test: $(VENV)/.installed-dev catalogs lint typecheck unit

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

# Most tests wait on scaled timers and local HTTP rather than the CPU, so they run in parallel;
# TEST_WORKERS=0 runs them in one process. --dist loadgroup keeps each xdist_group (the
# multi-instance and kill -9 tests: "instances") in one worker, one test after another.
TEST_WORKERS ?= 4
unit: $(VENV)/.installed-dev catalogs
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadgroup

bench: $(VENV)/.installed-dev catalogs
	$(BIN)/python -m bench $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
