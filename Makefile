# Two environments (see README "Why two Python environments"):
#   .venv/rasa  Python 3.10, Rasa 3.6.21 server + Thai NLU components + channels
#   .venv/app   Python 3.11, action server, knowledge base, web chat, tests
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Rasa must never phone home: no telemetry, and with telemetry off no Sentry.
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

RASA_VENV := .venv/rasa
APP_VENV  := .venv/app
RASA_PY   := $(RASA_VENV)/bin/python
APP_PY    := $(APP_VENV)/bin/python
# Rasa's command line with the project's patches applied first (bot/__main__.py),
# never the bare `rasa` command: tests/bot/server/test_entry_point.py checks.
RASA      := $(RASA_PY) -m bot
MODEL     := models/thai-assistant.tar.gz

PY310 := $(shell PYENV_VERSION=3.10.13 python3.10 -c 'import sys;print(sys.executable)' 2>/dev/null || command -v python3.10)
PY311 := $(shell PYENV_VERSION=3.11.7 python3.11 -c 'import sys;print(sys.executable)' 2>/dev/null || command -v python3.11 || command -v python3)

.PHONY: help env model seed web run test bench clean user

help:
	@echo "make run   - create environments, train if needed, seed, start the assistant"
	@echo "make test  - create what the tests need and run every test tier"
	@echo "make bench - run the benchmarks in bench/ (figures go to bench/results/)"
	@echo "make user USERNAME=... ROLE=... [PROVINCE=NN] [OFFICE=CODE] - create a console account (password on stdin)"

$(RASA_VENV)/.installed: requirements.txt constraints-rasa.txt
	@test -n "$(PY310)" || { echo "Python 3.10 is required for Rasa 3.6 (pyenv install 3.10.13)"; exit 1; }
	$(PY310) -m venv $(RASA_VENV)
	$(RASA_PY) -m pip install -q --upgrade pip wheel
	$(RASA_PY) -m pip install -q -r requirements.txt
	touch $@

$(APP_VENV)/.installed: requirements-app.txt constraints-app.txt
	$(PY311) -m venv $(APP_VENV)
	$(APP_PY) -m pip install -q --upgrade pip wheel
	$(APP_PY) -m pip install -q -r requirements-app.txt
	touch $@

env: $(RASA_VENV)/.installed $(APP_VENV)/.installed

seed: $(APP_VENV)/.installed
	PYTHONPATH=$(CURDIR) $(APP_PY) -m app.kb.seed

# The web chat page from npm packages (package-lock.json); cheap when up to date.
web:
	bash scripts/build_web.sh

# Training data that comes from content (FAQ questions, service and office
# names, the domain vocabulary's texts) is exported from the published
# knowledge base into data/nlu/content first; it is rewritten only when it
# changed. Nothing trains when the model was trained from these very inputs
# (scripts/model.sh); otherwise Rasa retrains only the components whose
# fingerprints changed.
model: $(RASA_VENV)/.installed seed
	PYTHONPATH=$(CURDIR) $(APP_PY) -m app.kb.export_training
	PYTHONPATH=$(CURDIR) bash scripts/model.sh

run: env model seed web
	PYTHONPATH=$(CURDIR) $(APP_PY) -m app.run

test: env
	bash scripts/test.sh

bench: env model seed
	PYTHONPATH=$(CURDIR) $(RASA_PY) -m bench.nlu_quality
	PYTHONPATH=$(CURDIR) $(APP_PY) -m bench.latency

# A staff console account; the password is read from standard input.
# ROLE: admin, content_editor, analyst, province_officer (PROVINCE=NN), district_officer (OFFICE=code).
user: $(APP_VENV)/.installed seed
	@test -n "$(USERNAME)" -a -n "$(ROLE)" || { echo "usage: make user USERNAME=... ROLE=... [PROVINCE=NN] [OFFICE=CODE]"; exit 2; }
	@PYTHONPATH=$(CURDIR) $(APP_PY) -m app.console.users create --username "$(USERNAME)" --role "$(ROLE)" \
		$(if $(PROVINCE),--province "$(PROVINCE)") $(if $(OFFICE),--office "$(OFFICE)")

clean:
	rm -rf .venv models var .pytest_cache
