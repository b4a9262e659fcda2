# newscrawl — `make demo` crawls the bundled offline demo network; `make test` runs every test
# (what CI runs); `make test-fast` runs the unit layer only (no subprocess crawls, no slow loops);
# `make soak` is `make test` plus the longer kill/stop loops and full Hypothesis example counts.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8701

.PHONY: demo test test-fast soak setup bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(PY) -m newscrawl demo --base-port $(PORT)

# Two phases: everything but the `serial` tests on two xdist workers (one file per worker
# at a time, so module fixtures are built once), then the serial tests alone. Both phases
# always run; the target fails if either did.
test: setup
	@HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-ci} $(PY) -m pytest -q -rfEs -n 2 --dist loadfile -m "not serial"; \
	parallel=$$?; \
	HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-ci} $(PY) -m pytest -q -rfEs -m serial; \
	serial=$$?; \
	[ $$parallel -eq 0 ] && [ $$serial -eq 0 ]

test-fast: setup
	HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-dev} $(PY) -m pytest -q -rfEs -n 2 -m "not e2e and not slow"

soak: setup
	NEWSCRAWL_SOAK=1 HYPOTHESIS_PROFILE=soak $(MAKE) test

bench: setup
	$(PY) bench/extraction.py
	$(PY) bench/crawl.py
	$(PY) bench/state.py
	$(PY) bench/warc.py

clean:
	rm -rf $(VENV) .newscrawl output/news
