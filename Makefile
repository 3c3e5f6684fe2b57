# `make run` and `make test` do all the set-up on a machine that has only Python 3.11+.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# With DATABASE_URL unset, commands run against the embedded PostgreSQL in .data/postgres, which is
# started for them and stopped afterwards (unless it was already running).
WITH_DB := $(if $(DATABASE_URL),,$(BIN)/python -m config.embedded_db run --)

.PHONY: run test install browser lint format stop clean

run: install
	@$(WITH_DB) sh -c '$(MANAGE) migrate --no-input && $(MANAGE) seed_demo --site-url http://127.0.0.1:$(PORT)/ && \
		echo "Serving http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)" && \
		exec $(MANAGE) runserver 127.0.0.1:$(PORT)'

test: install lint browser
	@$(WITH_DB) $(BIN)/pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml config/constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3"
	$(BIN)/python config/requirements.py dev > $(VENV)/requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -c config/constraints.txt -r $(VENV)/requirements.txt
	@touch $@

# The browser tests (tests/e2e) drive Debian's chromium; Playwright never downloads one. Install it
# when we can (root with apt-get); otherwise say why those tests will be skipped, and go on
# (.ci/run sets REQUIRE_BROWSER=1, which turns the skip into a failure).
NO_BROWSER := $(if $(filter 1,$(REQUIRE_BROWSER)),Browser tests will fail (REQUIRE_BROWSER=1),Browser tests will be skipped)
browser:
	@if [ -n "$$CHROMIUM_PATH" ]; then \
		[ -x "$$CHROMIUM_PATH" ] || echo "$(NO_BROWSER): CHROMIUM_PATH=$$CHROMIUM_PATH is not an executable."; \
	elif command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then \
		:; \
	elif [ "$$(id -u)" != 0 ]; then \
		echo "$(NO_BROWSER): chromium is not installed and installing it needs root (apt-get install chromium)."; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "$(NO_BROWSER): chromium is not installed and there is no apt-get to install it."; \
	else \
		echo "Installing Debian's chromium for the browser tests (apt-get)"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
			|| echo "$(NO_BROWSER): apt-get could not install chromium (see above)."; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

stop: install
	$(BIN)/python -m config.embedded_db stop

clean: stop
	rm -rf $(VENV)
