# Set-up is part of every target: a fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: app test lint bench vendor clean messages

# The interface's message catalogs: each .po compiled to its .mo (not kept in git) before
# the app or the tests run; `make messages` extracts the messages from the code and
# brings every .po up to date (then translate what it marks untranslated or fuzzy).
LOCALES := src/corridor_atlas/i18n/locales
MO      := $(patsubst %.po,%.mo,$(wildcard $(LOCALES)/*/LC_MESSAGES/corridor_atlas.po))

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip==26.3
	$(PY) -m pip install -q -e ".[test]"
	touch $(STAMP)

%.mo: %.po $(STAMP)
	$(VENV)/bin/pybabel -q compile -i $< -o $@

messages: $(STAMP)
	$(PY) scripts/messages.py update

app: $(STAMP) $(MO)
	$(VENV)/bin/streamlit run app.py

test: $(STAMP) $(MO)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check src app.py tests scripts

bench: $(STAMP) $(MO)
	$(PY) -m pip install -q -e ".[test,bench]"
	$(PY) scripts/benchmark.py

vendor: $(STAMP)
	PYTHON=$(PY) bash scripts/vendor_assets.sh

clean:
	rm -rf $(VENV) $(MO)

# Load: the server under many protocol-speaking sessions, and Chromium page loads under load.
# Both need nginx for two replicas (apt-get install nginx); see README "Load".
.PHONY: load loadtest replicas

load: $(STAMP)
	$(PY) scripts/loadgen.py --sessions 10 50 100 --replicas 1 2
	$(PY) scripts/loadgen.py --fault --sessions 50 --replicas 2

loadtest: $(STAMP)
	$(PY) scripts/loadtest.py

replicas: $(STAMP)
	$(PY) scripts/replicas.py --replicas 2 --port 8501
