# Quick start: `make demo` and `make test`, each complete on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint install browser redis clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the project's dependencies change.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/newsmon demo

# Debian's chromium for the browser tests (skipped locally when missing; required in CI).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "chromium not found: browser tests will be skipped (install Debian's chromium to run them)"; fi; }

# Debian's redis-server for the Redis frontier tests (skipped locally when missing; required in CI).
redis:
	@command -v redis-server >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; \
	  else echo "redis-server not found: Redis tests will be skipped (install Debian's redis-server to run them)"; fi; }

# Lint and types: ruff over the whole project, mypy on extract/, storage/ and crawler/ (pyproject.toml
# holds their settings); every `# noqa` and `# type: ignore` names its code and says why. All three
# run, and any finding fails.
IGNORE_WITH_REASON := \# noqa: [A-Z]+[0-9]+(, [A-Z]+[0-9]+)* - [^ ]|\# type: ignore\[[a-z-]+(, [a-z-]+)*\]  \# [^ ]
lint: install
	@failed=0; \
	$(BIN)/ruff check . || failed=1; \
	$(BIN)/mypy extract storage crawler || failed=1; \
	if grep -rnE --include='*.py' --exclude-dir=.venv --exclude-dir=build '#\s*(noqa|type:\s*ignore)' . \
	     | grep -vE '$(IGNORE_WITH_REASON)'; then \
	  echo "lint: the lines above must say why (# noqa: CODE - why, or # type: ignore[code]  # why)"; failed=1; \
	fi; \
	exit $$failed

test: install browser redis lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) data build *.egg-info
