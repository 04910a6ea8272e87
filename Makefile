# Naskah — two commands for a new user: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
# `make run` writes the server's, the workers' and the libraries' INFO lines here; the
# terminal shows warnings, errors and the welcome block.
LOG_FILE ?= $(abspath $(or $(DATA_DIR),data))/logs/naskah.log
QUIET_LOGS := NASKAH_CONSOLE_LOG_LEVEL=WARNING NASKAH_LOG_FILE=$(LOG_FILE)
# Exact versions with hashes of every runtime and dev dependency (Python 3.11, Linux
# x86_64), made from pyproject.toml by `make lock`; the install stamp follows both files.
LOCK := requirements.lock
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)
UV_VERSION := 0.13.10
# `make lock` keeps the pinned versions that still fit pyproject.toml and adds what it
# added; `make lock LOCK_ARGS=--upgrade` moves every pin to the newest allowed release.
LOCK_ARGS ?=

.PHONY: install lock run test test-pg lint format bench chaos vendor messages clean

$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Naskah needs Python 3.11 or newer"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -x $(VENV)/bin/uv || $(PY) -m pip install --quiet uv==$(UV_VERSION)
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes \
		--python-version 3.11 --python-platform x86_64-unknown-linux-gnu $(LOCK_ARGS) -o $(LOCK)

run: install
	$(PY) manage.py migrate --noinput
	PORT=$(PORT) HOST=$(HOST) $(QUIET_LOGS) $(PY) manage.py seed_demo
	$(QUIET_LOGS) $(PY) manage.py workflows_setup_schedules
	$(QUIET_LOGS) $(PY) manage.py masuk_setup_schedules
	$(QUIET_LOGS) $(PY) manage.py arsip_sync --schedule
	$(QUIET_LOGS) $(PY) manage.py signing_setup_schedules
	$(QUIET_LOGS) $(PY) manage.py storage_sweep --schedule
	$(QUIET_LOGS) $(PY) manage.py audit_checkpoint --schedule
	PORT=$(PORT) HOST=$(HOST) $(QUIET_LOGS) $(PY) scripts/run_dev.py

test: install
	$(PY) -m pytest -p no:cacheprovider -n 2 --dist loadfile $(PYTEST_ARGS)

# mypy: the packages and settings are in pyproject.toml ([tool.mypy]); its cache in
# .mypy_cache keeps a re-run to a few seconds.
lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	$(PY) scripts/bench.py $(BENCH)

# The chaos run (docs/benchmarks.md, "Chaos run"): PostgreSQL only, on loopback; the named
# database is DROPPED and created again. CHAOS_ARGS e.g. "--duration 300 --no-ocr".
CHAOS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/naskah_chaos
chaos: install
	DATABASE_URL=$(CHAOS_DATABASE_URL) DATA_DIR=$${DATA_DIR:-data/chaos} $(PY) scripts/chaos.py --fresh $(CHAOS_ARGS)

messages: install
	$(PY) manage.py makemessages -l id -l en --ignore=.venv --ignore=static --no-obsolete
	$(PY) scripts/compile_messages.py

vendor:
	scripts/vendor.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
