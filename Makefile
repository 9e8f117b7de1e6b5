# The two commands: `make run` (embedded default: SQLite, Celery eager, demo data)
# and `make test` (PostgreSQL + Redis on localhost). See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# Tests talk to real services; override these to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/huitian
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: install run test services smoke prod-smoke lint format bench messages translations check-deploy clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $@

install: $(VENV)/.installed

translations: install
	$(BIN)/python manage.py compile_translations -v0

run: install translations
	mkdir -p var/media var/staticfiles
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python manage.py migrate --noinput
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python manage.py install_schedule
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: /admin/  API docs: /api/docs/)"
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python manage.py runserver $(HOST):$(PORT)

# PostgreSQL and Redis on localhost: started when installed but stopped (.ci/services),
# unless DATABASE_URL and REDIS_URL point at other hosts.
services:
	@case "$${DATABASE_URL:-$(TEST_DATABASE_URL)} $${REDIS_URL:-$(TEST_REDIS_URL)}" in \
	  *127.0.0.1*|*localhost*) bash .ci/services ;; \
	esac

test: install translations services
	mkdir -p var/staticfiles
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	CELERY_TASK_ALWAYS_EAGER=true DJANGO_ALLOW_ASYNC_UNSAFE=true \
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The embedded default, end to end: fresh SQLite, demo data, the four front doors.
smoke: install translations
	bash .ci/smoke

# Production mode, end to end: PostgreSQL, collectstatic, gunicorn, check --deploy.
prod-smoke: install translations services
	bash .ci/prod-smoke

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Refresh the catalogues after changing user-facing strings (needs GNU gettext).
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var --ignore=static --ignore=tests --ignore=bench
	$(BIN)/python manage.py makemessages -d djangojs -l zh_Hans --no-obsolete --ignore=.venv --ignore=var --ignore=static/vendor

check-deploy: install
	mkdir -p var
	DJANGO_ENV=production DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	DJANGO_ALLOWED_HOSTS=huitian.example.cn DATABASE_URL=sqlite:///var/check.sqlite3 \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var .pytest_cache
