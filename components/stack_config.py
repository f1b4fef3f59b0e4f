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
    host puts them in `CONFIG` (from `PULUMI_CONFIG`) and the secret keys in the set behind
    `is_config_secret` (from `PULUMI_CONFIG_SECRET_KEYS`; pulumi-language-python-exec).
    """
    values = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret_env = set(runtime_config.get_config_secret_keys_env())
    prefix = f"{NAMESPACE}:"
    ours = {k: v if isinstance(v, str) else json.dumps(v) for k, v in values.items() if k.startswith(prefix)}
    secret = {k for k in ours if k in secret_env or runtime_config.is_config_secret(k)}
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
