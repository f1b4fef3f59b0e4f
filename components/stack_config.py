"""Glue between the Pulumi runtime and the pipeline (`crossaccount.pipeline`).

`load_from_pulumi_config` runs the same steps as `make plan`, `make check` and `make verify`
(read -> settings -> plan -> guardrails) on the configuration the engine passed, before the
first resource is registered: a stack the settings or the guardrails refuse stops the program
with every problem listed, and creates nothing. `deploy` registers what the plan says.
"""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
from pulumi.runtime import config as runtime_config

from crossaccount import NAMESPACE
from crossaccount.pipeline import Checked, check_stack, enforce
from crossaccount.plan import StackPlan
from crossaccount.read import EngineConfig

from .cross_account_access import CrossAccountAccess, CrossAccountAccessArgs


def engine_config() -> EngineConfig:
    """Every `cross-account-roles:*` value the engine passed, and which of them are secret.

    All keys are read (not only the known ones) so that a misspelt key is reported rather
    than silently ignored. The SDK has no public call that lists config keys: the language
    host's exec script puts them in `CONFIG` and the secret keys in the set behind
    `is_config_secret` (`set_all_config`, from `PULUMI_CONFIG` and `PULUMI_CONFIG_SECRET_KEYS`:
    sdk/python/cmd/pulumi-language-python-exec). Only those: the language host sets both
    variables itself, after the user's environment (sdk/python/cmd/pulumi-language-python/
    main.go, `env = append(os.Environ(), PULUMI_CONFIG=...)`; the last one wins), so a
    `PULUMI_CONFIG` or `PULUMI_CONFIG_SECRET_KEYS` left in a shell never reaches the program
    under the engine, and must not reach it under the mocks of `make plan` either (`make check`
    never reads them).
    """
    values = runtime_config.CONFIG.get()
    prefix = f"{NAMESPACE}:"
    ours = {k: v if isinstance(v, str) else json.dumps(v) for k, v in values.items() if k.startswith(prefix)}
    secret = {k for k in ours if runtime_config.is_config_secret(k)}
    return EngineConfig(values=ours, secret_keys=frozenset(secret))


def load_from_pulumi_config(project_dir: Path) -> Checked:
    """The pipeline on the running stack; raises before any resource is registered.

    Raises `SettingsError` for bad settings and `GuardrailError` for guardrail errors;
    warnings and waived findings are shown with `pulumi.log.warn`.
    """
    checked = check_stack(project_dir, pulumi.get_stack(), engine_config())
    enforce(checked, pulumi.log.warn)
    return checked


def deploy(plan: StackPlan) -> CrossAccountAccess:
    """The component for `plan`, and the stack's outputs."""
    access = CrossAccountAccess("access", CrossAccountAccessArgs(plan=plan))
    for name, value in access.outputs.items():
        pulumi.export(name, value)
    return access
