# caretime: the two commands of the README, and the checks CI runs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test check lint layers types migrations-check deploy-check demo clean messages
# The compiled message catalogues (committed, shipped in the wheel); each is rebuilt when its .po changes.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard caretime/locale/*/LC_MESSAGES/*.po))

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed: set PYTHON=/path/to/python3.11"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,import]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

$(CATALOGUES): %.mo: %.po $(STAMP)
	DEBUG=true $(BIN)/python manage.py compile_translations

## Install, create the SQLite database, load the demo region and serve http://127.0.0.1:8000
run: $(STAMP) $(CATALOGUES)
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py load_demo --if-missing
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

## Install what the tests need and run the whole suite (browser tests need /usr/bin/chromium)
test: $(STAMP) $(CATALOGUES)
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

## Lint, format check, the layers of the code, types, migrations: what CI runs besides the tests
check: lint layers types migrations-check

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## The import contract in pyproject.toml: no import runs up a layer or between the sources
layers: $(STAMP)
	$(BIN)/lint-imports

types: $(STAMP)
	DEBUG=true $(BIN)/mypy caretime tests $(wildcard bench/*.py)

migrations-check: $(STAMP)
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

deploy-check: $(STAMP)
	DEBUG=false SECRET_KEY=deploy-check-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	  WORKER_REPORT_KEY=deploy-check-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	  MFA_ENCRYPTION_KEY=$$(head -c 32 /dev/urandom | base64 | tr '+/' '-_') \
	  ALLOWED_HOSTS=caretime.example HTTPS=true $(BIN)/python manage.py check --deploy --fail-level WARNING

## Collect the marked text of the code and templates into the catalogues (needs GNU gettext's xgettext)
messages: $(STAMP)
	DEBUG=true $(BIN)/python manage.py makemessages --locale es --no-obsolete \
	  --ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'build/*' --ignore 'staticfiles/*'
	DEBUG=true $(BIN)/python manage.py compile_translations

clean:
	rm -rf $(VENV) staticfiles caretime.sqlite3 caretime.sqlite3-*
