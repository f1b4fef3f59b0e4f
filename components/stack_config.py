"""Glue between the Pulumi runtime's configuration and the pure settings loader.

Settings, then the guardrails, both before the first resource is registered: a stack the
guardrails reject stops the program with every finding listed, and creates nothing.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config

from crossaccount.documents import StackPlan, build_stack_plan
from crossaccount.guardrails import check_plan, enforce
from crossaccount.people import check_password_policy_owner
from crossaccount.settings import NAMESPACE, load_settings


def raw_stack_config() -> dict[str, Any]:
    """Every `cross-account-roles:*` value the engine passed, keyed without namespace.

    All keys are read (not only the known ones) so that a misspelt key is reported rather
    than silently ignored. The SDK has no public call that lists config keys; `CONFIG` and
    `PULUMI_CONFIG` are where the language host puts them.
    """
    values = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    prefix = f"{NAMESPACE}:"
    raw: dict[str, Any] = {}
    for full_key in sorted(values):
        if full_key.startswith(prefix):
            value = values[full_key]
            if isinstance(value, str):
                # A plain string stays a string: the settings loader says what was expected.
                with contextlib.suppress(json.JSONDecodeError):
                    value = json.loads(value)
            raw[full_key[len(prefix) :]] = value
    return raw


def load_from_pulumi_config(policies_dir: Path) -> StackPlan:
    """Settings -> plan -> guardrails for the running stack; raises before any resource is registered.

    Raises `SettingsError` for bad settings and `GuardrailError` for guardrail errors;
    warnings and waived findings are shown with `pulumi.log.warn`.
    """
    loaded = load_settings(pulumi.get_stack(), raw_stack_config(), policies_dir)
    check_password_policy_owner(loaded, policies_dir.parent)
    plan = build_stack_plan(loaded)
    enforce(plan.stack, check_plan(plan), pulumi.log.warn)
    return plan
