# newscrawl — `make demo` crawls the bundled offline demo network; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8701

.PHONY: demo test setup bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(PY) -m newscrawl demo --base-port $(PORT)

test: setup
	$(PY) -m pytest -q -rfEs

bench: setup
	$(PY) bench/extraction.py
	$(PY) bench/crawl.py
	$(PY) bench/state.py
	$(PY) bench/warc.py

clean:
	rm -rf $(VENV) .newscrawl output/news
