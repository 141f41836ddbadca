# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install install-dev browser bench ray-local

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs the app's packages (stamp files make later runs instant).
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Chromium for the real-browser tests; skipped (the tests then say so) without root or apt.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		(apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
		echo "chromium not installed: the browser tests will be skipped"; }

run: install
	$(BIN)/streamlit run app.py

test: install-dev browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: install-dev
	$(BIN)/python -m bench.train_speed

# A Ray cluster of two one-CPU worker processes on this machine, for PLAYGROUND_RAY_ADDRESS (README: Ray).
ray-local: install
	$(BIN)/python deploy/ray_local_cluster.py
