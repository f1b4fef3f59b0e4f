"""Glue between the Pulumi runtime's configuration and the pure settings loader.

Settings, then the guardrails, both before the first resource is registered: a stack the
guardrails reject stops the program with every finding listed, and creates nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
from pulumi.runtime import config as runtime_config

from crossaccount import NAMESPACE
from crossaccount.documents import StackPlan, build_stack_plan
from crossaccount.guardrails import check_plan, enforce
from crossaccount.people import check_password_policy_owner
from crossaccount.settings import LoadedSettings
from crossaccount.stack_file import EngineConfig, decode_engine_config, load_engine_settings

from .naming import FINDINGS_SINK


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


def raw_stack_config() -> dict[str, object]:
    """The settings' input decoded from what the engine passed (`crossaccount.stack_file`)."""
    return decode_engine_config(engine_config()).raw


def load_stack_settings(policies_dir: Path) -> LoadedSettings:
    return load_engine_settings(pulumi.get_stack(), engine_config(), policies_dir)


def load_from_pulumi_config(policies_dir: Path) -> StackPlan:
    """Settings -> plan -> guardrails for the running stack; raises before any resource is registered.

    Raises `SettingsError` for bad settings and `GuardrailError` for guardrail errors;
    warnings and waived findings are shown with `pulumi.log.warn`.
    """
    loaded = load_stack_settings(policies_dir)
    check_password_policy_owner(loaded, policies_dir.parent)
    plan = build_stack_plan(loaded)
    findings = check_plan(plan)
    sink = FINDINGS_SINK.get()
    if sink is not None:
        sink.extend(findings)
    enforce(plan.stack, findings, pulumi.log.warn)
    return plan
