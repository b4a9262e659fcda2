# newscrawl — `make demo` crawls the bundled offline demo network; `make test` runs every test
# (what CI runs); `make test-fast` runs the unit layer only (no subprocess crawls, no slow loops).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8701

.PHONY: demo test test-fast setup bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(PY) -m newscrawl demo --base-port $(PORT)

test: setup
	HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-ci} $(PY) -m pytest -q -rfEs

test-fast: setup
	HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-dev} $(PY) -m pytest -q -rfEs -m "not e2e and not slow"

bench: setup
	$(PY) bench/extraction.py
	$(PY) bench/crawl.py
	$(PY) bench/state.py
	$(PY) bench/warc.py

clean:
	rm -rf $(VENV) .newscrawl output/news
