# Satu Atap — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The local demo (make run) skips the two-factor requirement; set REQUIRE_2FA=true to try it.
REQUIRE_2FA ?= false
# The suite runs spread over every core (pytest-xdist); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
# mypy (django-stubs) checks every app's services and selectors rooms: modules or packages.
MYPY_MODULES = $(wildcard satuatap/*/services.py satuatap/*/services satuatap/*/selectors.py satuatap/*/selectors \
	satuatap/*/*/services.py satuatap/*/*/services satuatap/*/*/selectors.py satuatap/*/*/selectors)

.PHONY: run test lint format lock messages browser-deps clean bench load access-report

$(VENV)/.base: requirements/base.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements/base.txt
	touch $@

$(VENV)/.dev: $(VENV)/.base requirements/dev.txt
	$(PY) -m pip install -q -r requirements/dev.txt
	touch $@

## Start the app with demo data on the embedded SQLite database (var/).
run: $(VENV)/.base
	mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py demo --if-empty
	@echo "Satu Atap: http://$(HOST):$(PORT)/  (log in with a demo login above)"
	@echo "Second factor for admin, finance and head logins: REQUIRE_2FA=$(REQUIRE_2FA) (production requires it)."
	@# The background worker (imports, message delivery) runs beside the server and stops with it.
	REQUIRE_2FA=$(REQUIRE_2FA) $(PY) manage.py db_worker --queue-name default & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	REQUIRE_2FA=$(REQUIRE_2FA) $(PY) manage.py runserver $(HOST):$(PORT)

## Lint and run the whole test suite (DATABASE_URL=postgres://... for PostgreSQL).
test: $(VENV)/.dev lint
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(PY) manage.py check -v0
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy $(MYPY_MODULES)

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Re-pin dependencies after editing requirements/*.in.
lock:
	$(PY) -m pip install -q uv
	$(VENV)/bin/uv pip compile --python-version 3.11 requirements/base.in -o requirements/base.txt
	$(VENV)/bin/uv pip compile --python-version 3.11 requirements/dev.in -o requirements/dev.txt

## Refresh and compile the translation catalogs (needs GNU gettext).
messages: $(VENV)/.dev
	$(PY) manage.py makemessages -l id -l en --no-obsolete --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

## Debian's Chromium for the browser tests (root only; CI calls this).
browser-deps:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

## Benchmarks on PostgreSQL (docs/performance.md): generates the data if missing, runs the pytest-benchmark suite,
## the side-by-side figures (HTTP posting vs a bare INSERT, reports vs DuckDB, worker memory, dedup vs Splink's
## defaults) and prints one table; then the server time of every menu page for each demo login on the demo's own
## SQLite file (bench.pages, target 0.5 s). BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench),
## BENCH_PROFILE (bench = 500 units, 1,000,000 lines in a year; national = 3,535 units, 10,000,000 lines in three
## years), BENCH_SCALE (default 1; 0.01 for a quick check), BENCH_REGENERATE=1 to rebuild the database.
BENCH_URL = $(or $(BENCH_DATABASE_URL),postgres://postgres@127.0.0.1:5432/bench)
BENCH_RESULTS = $(or $(BENCH_RESULTS_DIR),var/bench)
BENCH_SCALED = $(shell awk 'BEGIN { n = int($(1) * $(or $(BENCH_SCALE),1) + 0.5); print (n < $(2) ? $(2) : n) }')
bench: $(VENV)/.dev
	mkdir -p $(BENCH_RESULTS)
	rm -f $(BENCH_RESULTS)/failed
	BENCH_RESULTS_DIR=$(BENCH_RESULTS) $(PY) -m bench.generate --if-needed --all --profile $(or $(BENCH_PROFILE),bench) \
		--scale $(or $(BENCH_SCALE),1) --database-url "$(BENCH_URL)" $(if $(filter 1,$(BENCH_REGENERATE)),--recreate) \
		$(if $(BENCH_DONORS),--donors $(BENCH_DONORS)) $(if $(BENCH_PEOPLE),--people $(BENCH_PEOPLE)) \
		$(if $(BENCH_PAYMENTS),--payments $(BENCH_PAYMENTS))
	BENCH_DATABASE_URL="$(BENCH_URL)" BENCH_RESULTS_DIR=$(BENCH_RESULTS) \
		BENCH_IMPORT_ROWS=$(or $(BENCH_IMPORT_ROWS),$(call BENCH_SCALED,100000,2000)) \
		$(PY) -m pytest -c bench/pytest.ini --rootdir . bench --benchmark-json $(BENCH_RESULTS)/results.json $(PYTEST_ARGS) \
		|| echo "pytest-benchmark suite" >> $(BENCH_RESULTS)/failed
	$(PY) -m bench.registry_batch --count $(or $(BENCH_BATCH),$(call BENCH_SCALED,100000,5000)) --baseline \
		--json $(BENCH_RESULTS)/registry_batch.json || echo "bench.registry_batch" >> $(BENCH_RESULTS)/failed
	$(PY) -m bench.registry_import_dedup --count $(or $(BENCH_IMPORT_DEDUP),$(call BENCH_SCALED,3000,1000)) \
		--json $(BENCH_RESULTS)/registry_import_dedup.json || echo "bench.registry_import_dedup" >> $(BENCH_RESULTS)/failed
	@# A regency's beneficiaries list checked against 12,000 people, on SQLite and on PostgreSQL (its own database).
	$(PY) -m bench.registry_import --database-url "sqlite:///$(abspath $(BENCH_RESULTS))/registry-import.sqlite3" \
		--rows $(or $(BENCH_LIST_ROWS),$(call BENCH_SCALED,100000,2000)) \
		--json $(BENCH_RESULTS)/registry_import_sqlite.json || echo "bench.registry_import (SQLite)" >> $(BENCH_RESULTS)/failed
	$(PY) -m bench.registry_import --database-url "$(BENCH_URL)_import" \
		--rows $(or $(BENCH_LIST_ROWS),$(call BENCH_SCALED,100000,2000)) \
		--json $(BENCH_RESULTS)/registry_import_postgresql.json \
		|| echo "bench.registry_import (PostgreSQL)" >> $(BENCH_RESULTS)/failed
	BENCH_RESULTS_DIR=$(BENCH_RESULTS) $(PY) -m bench.side_by_side --database-url "$(BENCH_URL)" \
		--seconds $(or $(BENCH_HTTP_SECONDS),20) || echo "bench.side_by_side" >> $(BENCH_RESULTS)/failed
	@# The service desk (issue 17): the weekly figures over a year of tickets (50 units x 400 a day) under 1 s against
	@# DuckDB, and the queue over HTTP with locust (take p95, call to board p95, no ticket called twice).
	$(PY) -m bench.servicedesk_figures --database-url "$(BENCH_URL)_sd" --scale $(or $(BENCH_SCALE),1) \
		--json $(BENCH_RESULTS)/servicedesk_figures.json || echo "bench.servicedesk_figures" >> $(BENCH_RESULTS)/failed
	BENCH_RESULTS_DIR=$(BENCH_RESULTS) $(PY) -m bench.servicedesk_http --database-url "$(BENCH_URL)_sd_http" \
		--scale $(or $(BENCH_SCALE),1) --seconds $(or $(BENCH_HTTP_SECONDS),20) \
		--json $(BENCH_RESULTS)/servicedesk_http.json || echo "bench.servicedesk_http" >> $(BENCH_RESULTS)/failed
	BENCH_RESULTS_DIR=$(BENCH_RESULTS) $(PY) -m bench.report $(BENCH_RESULTS)/results.json
	@# The first pages of each demo login (the demo on its own SQLite file), against the 0.5 s target.
	env -u DATABASE_URL SATUATAP_VAR_DIR=$(BENCH_RESULTS)/demo REQUIRE_2FA=false $(PY) -m bench.pages --load-demo \
		--json $(BENCH_RESULTS)/pages.json || echo "bench.pages" >> $(BENCH_RESULTS)/failed
	@# The table is printed whatever failed; then make fails if a step did (its output is above).
	@if [ -e $(BENCH_RESULTS)/failed ]; then echo "failed: $$(tr '\n' ' ' < $(BENCH_RESULTS)/failed)"; exit 1; fi

## The load test at full length (a busy office network at 10x the Ramadan peak for LOAD_SECONDS, default 600) against
## gunicorn on a PostgreSQL test database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test_load).
load: $(VENV)/.dev
	DATABASE_URL="$(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/test_load)" LOAD_FULL=1 \
		$(PY) -m pytest -p no:randomly --create-db tests/test_load.py $(PYTEST_ARGS)

## The access-control audit: every view and API operation, and which check covers it (fails below 100%).
access-report: $(VENV)/.dev
	$(PY) -m tests.access_coverage $(ARGS)
