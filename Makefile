# Gradewell's everyday commands. `make run` and `make test` work on a fresh
# clone: each sets up the virtual environment it needs first.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed
export PYTHONPATH := $(CURDIR)/platform:$(CURDIR)

.PHONY: run setup db test lint format sandbox-image clean

$(STAMP): requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

setup: $(STAMP)

# Development database: migrate, load the exercise bank, create the demo course.
db: setup
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py load_exercises
	DEBUG=1 $(BIN)/python manage.py seed_demo

# Serve on 127.0.0.1:8000 with a Celery worker; Ctrl-C stops both.
run: db
	DEBUG=1 LOG_FORMAT=console $(BIN)/honcho --procfile Procfile.dev start

test: setup
	bash scripts/run-tests.sh $(ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

sandbox-image:
	bash docker/sandbox/build.sh

clean:
	rm -rf var/ $(VENV)
