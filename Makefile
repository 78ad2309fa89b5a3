# The commands of the README: `make demo`, `make test` and `make test-fast`. They work on a fresh machine with Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN     = $(VENV)/bin
PORT   ?= 8000

.PHONY: install demo test test-fast test-postgres e2e clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed

# Creates the database, writes and imports the demo province, prints the demo logins, serves the app.
# Citizens' SMS and e-mail go to var/notifications.jsonl (the page /mot-cua/thong-bao/ lists them).
demo: install
	$(BIN)/lienthong demo-setup
	LIENTHONG_NOTIFY_URL=$${LIENTHONG_NOTIFY_URL:-file:notifications.jsonl} $(BIN)/lienthong serve --port $(PORT)

# The whole suite (unit, integration, browser), on every core (pytest-xdist: each worker has its own test database,
# data directory, ports and browser; an idle worker takes tests queued for a busy one, so the minutes-long layout
# walks do not leave a core idle at the end). DATABASE_URL selects PostgreSQL; SQLite otherwise.
test: install
	$(BIN)/pytest -n auto --dist worksteal

# The inner loop: everything but the browser tests, on every core (pytest-xdist; each worker has its own
# test database, data directory and ports).
test-fast: install
	$(BIN)/pytest -m "not e2e" --ignore=tests/e2e -n auto --dist worksteal

# Only the browser tests.
e2e: install
	$(BIN)/pytest tests/e2e

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/lienthong} $(BIN)/pytest -n auto --dist worksteal

clean:
	rm -rf $(VENV) var .pytest_cache
