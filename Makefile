# The two commands: `make run` and `make test`. Everything else is a helper for them.
SHELL := /bin/bash
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails point at the address the server listens on, unless SITE_URL says otherwise.
export SITE_URL ?= http://$(HOST):$(PORT)
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
VENV := .venv/bin
MANAGE := $(VENV)/python manage.py

.PHONY: install run test lint format bench fuzz check-migrations

install: ## Install uv when missing, then the locked dependencies into .venv
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m uv --version >/dev/null 2>&1 || \
		$(PYTHON) -m pip install --quiet --user uv || \
		$(PYTHON) -m pip install --quiet --user --break-system-packages uv
	@$(UV) sync --frozen --quiet

run: install ## Migrate, seed the demo organisation and start web + worker + beat
	@$(MANAGE) migrate --noinput -v0
	@$(MANAGE) install_schedules --quiet
	@$(MANAGE) collectstatic --noinput -v0
	@$(MANAGE) seed_demo
	@echo "Starting web, worker and beat: open http://$(HOST):$(PORT)/ and log in with a demo login above (Ctrl+C stops)."
	@HOST=$(HOST) PORT=$(PORT) $(VENV)/honcho start -f Procfile

test: install ## The whole suite (PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set)
	@$(VENV)/pytest $(PYTEST_ARGS)

fuzz: install ## A long API fuzzing run (schemathesis, fresh seed): make fuzz [FUZZ_EXAMPLES=200]
	@FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200} FUZZ_RANDOM=1 $(VENV)/pytest tests/fuzz -q

lint: install
	@$(VENV)/ruff check .
	@$(VENV)/ruff format --check .

format: install
	@$(VENV)/ruff check --fix .
	@$(VENV)/ruff format .

bench: install ## Benchmarks of the hot paths; each prints JSON with a baseline measured in the same run
	@for script in benchmarks/*.py; do \
		case "$$script" in benchmarks/chat.py|benchmarks/nudges.py|benchmarks/load.py) \
			if [ -z "$$DATABASE_URL" ] || [ -z "$$REDIS_URL" ]; then \
				echo "$$script needs DATABASE_URL (PostgreSQL) and REDIS_URL: not run."; continue; fi;; \
		benchmarks/exports.py) \
			if [ -z "$$DATABASE_URL" ]; then \
				echo "$$script needs DATABASE_URL (PostgreSQL): not run."; continue; fi;; esac; \
		$(VENV)/python $$script || exit 1; done

.PHONY: backup restore
backup: install ## Database (pg_dump) + uploaded files into one archive: make backup [BACKUP=file.tar]
	@$(MANAGE) backup $(BACKUP)

restore: install ## Into the empty database of DATABASE_URL and MEDIA_ROOT: make restore BACKUP=file.tar
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=var/backups/<archive>.tar"; exit 2; }
	@$(MANAGE) restore $(BACKUP)
