# Satu Atap — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format lock messages browser-deps clean bench

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
	@# The background worker (imports, message delivery) runs beside the server and stops with it.
	$(PY) manage.py db_worker --queue-name default & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

## Lint and run the whole test suite (DATABASE_URL=postgres://... for PostgreSQL).
test: $(VENV)/.dev lint
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(PY) manage.py check -v0

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

## Benchmarks on PostgreSQL (see bench/README.md): ledger, collection, donors, registry. Generates the data if missing, prints
## the figures. BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench), BENCH_SCALE
## (default 1 = 500 units, 1,000,000 lines), BENCH_REGENERATE=1 to rebuild the database.
bench: $(VENV)/.dev
	mkdir -p var/bench
	$(PY) -m bench.generate --if-needed --scale $(or $(BENCH_SCALE),1) \
		--database-url "$(or $(BENCH_DATABASE_URL),postgres://postgres@127.0.0.1:5432/bench)" \
		$(if $(filter 1,$(BENCH_REGENERATE)),--recreate)
	$(PY) -m bench.donors_generate --if-needed --count $(or $(BENCH_DONORS),1000000) \
		--database-url "$(or $(BENCH_DATABASE_URL),postgres://postgres@127.0.0.1:5432/bench)"
	$(PY) -m bench.registry_load --if-needed --count $(or $(BENCH_PEOPLE),1000000) \
		--database-url "$(or $(BENCH_DATABASE_URL),postgres://postgres@127.0.0.1:5432/bench)"
	$(PY) -m bench.distribution_generate --if-needed --count $(or $(BENCH_PAYMENTS),500000) \
		--database-url "$(or $(BENCH_DATABASE_URL),postgres://postgres@127.0.0.1:5432/bench)"
	BENCH_DATABASE_URL="$(or $(BENCH_DATABASE_URL),postgres://postgres@127.0.0.1:5432/bench)" \
		$(PY) -m pytest -c bench/pytest.ini --rootdir . bench --benchmark-json var/bench/results.json $(PYTEST_ARGS)
	$(PY) -m bench.report var/bench/results.json
	$(PY) -m bench.registry_batch --count $(or $(BENCH_BATCH),100000)
