# territorial: `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
OUT ?= out

.PHONY: setup upgrade demo test lint bench fetch maps web sheets docs-img clean help

help:
	@echo "make demo   set up, then run the main job on the built-in France data (writes to $(OUT)/)"
	@echo "make test   set up, then run every test"
	@echo "make bench  run the benchmarks (writes benchmarks/results/)"
	@echo "make maps   national static maps into $(OUT)/maps/"
	@echo "make web    national interactive pages into $(OUT)/web/"
	@echo "make sheets the atlas of the 101 départements' sheets into $(OUT)/atlas/departements/"
	@echo "make docs-img  regenerate the pictures of docs/"
	@echo "make lint   ruff check and format check"
	@echo "make upgrade  re-resolve the newest versions, run the suite, rewrite constraints.txt"

$(STAMP): pyproject.toml constraints.txt scripts/setup_system.sh
	bash scripts/setup_system.sh
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -c constraints.txt --upgrade pip
	$(PY) -m pip install -c constraints.txt -e ".[test,bench]"
	touch $(STAMP)

setup: $(STAMP)

# re-resolve, test, rewrite constraints.txt, then reinstall .venv from it
upgrade:
	bash scripts/setup_system.sh
	bash scripts/upgrade.sh $(PYTHON)
	rm -f $(STAMP)
	$(MAKE) setup

fetch: setup
	$(VENV)/bin/territorial fetch france

demo: setup
	$(VENV)/bin/territorial fetch france-road-accidents
	$(VENV)/bin/territorial fetch france-land-cover
	$(PY) scripts/demo.py --out $(OUT)

test: setup
	$(VENV)/bin/territorial fetch france
	$(VENV)/bin/territorial fetch france-road-accidents
	$(VENV)/bin/territorial fetch france-land-cover
	$(PY) -m pytest -n 2 --dist loadgroup --junitxml=$(OUT)/test-report.xml

lint: setup
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts

bench: setup
	$(VENV)/bin/territorial fetch france
	$(PY) benchmarks/run.py

maps: setup
	$(VENV)/bin/territorial fetch france
	$(PY) scripts/make_maps.py --out $(OUT)/maps

web: setup
	$(VENV)/bin/territorial fetch france
	$(PY) scripts/make_web.py --out $(OUT)/web

sheets: setup
	$(VENV)/bin/territorial fetch france
	$(VENV)/bin/territorial atlas france:departement -o $(OUT)/atlas/departements

docs-img: setup
	$(VENV)/bin/territorial fetch france
	$(PY) scripts/make_maps.py --docs
	$(PY) scripts/make_web.py --out $(OUT)/web --screenshots docs/img
	$(PY) scripts/docs/indicators_figures.py
	$(PY) scripts/docs/diagnose_images.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
