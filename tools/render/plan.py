"""The plan as text (`make plan`), JSON (`FORMAT=json`) and the reviewer's Markdown
(`FORMAT=markdown`, built by `tools.render.review` from the JSON's data): every registration
the offline engine recorded (account, type, name, exact policy documents), the stack outputs
and the guardrails' findings. Output is byte-for-byte stable between runs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from crossaccount.guardrails import Finding, summarise
from crossaccount.resource_types import PROVIDER
from tools.offline.registration import ProgramRun, Registration

from . import jsontext
from .options import option_marks as review_option_marks

POLICY_INPUTS = ("assumeRolePolicy", "policy")


def _resource(r: Registration) -> dict[str, Any]:
    return {
        "urn": r.urn,
        "type": r.type,
        "name": r.name,
        "provider": r.provider,
        "account": r.account,
        "inputs": r.inputs,
        "options": r.options,
    }


def option_marks(r: Registration) -> str:
    """The resource's options for a reviewer, e.g. `[import random_user, then update] [retainOnDelete]` ('' if none)."""
    return review_option_marks(r.options)


def _verb(r: Registration) -> str:
    """The engine's step prefix: `=` for an import (adopted), `+` for a create."""
    return "=" if "import" in r.options else "+"


def as_data(run: ProgramRun, findings: Sequence[Finding] = ()) -> dict[str, Any]:
    """The plan as the JSON document `make plan FORMAT=json` prints."""
    return {
        "project": run.project,
        "stack": run.stack,
        "resources": [_resource(r) for r in run.registrations],
        "outputs": run.outputs,
        "findings": [f.as_dict() for f in findings],
    }


def render_json(run: ProgramRun, findings: Sequence[Finding] = ()) -> str:
    return jsontext.dumps(as_data(run, findings)) + "\n"


def _accounts(run: ProgramRun) -> dict[str, Registration]:
    """Side (`source`/`target`) -> its provider registration."""
    providers = {r.name: r for r in run.registrations if r.type == PROVIDER}
    sides: dict[str, Registration] = {}
    for r in run.registrations:
        if r.account and r.provider in providers:
            sides.setdefault(r.account, providers[r.provider])
    return sides


def _provider_line(side: str, provider: Registration) -> str:
    inputs = provider.inputs
    ids = ", ".join(inputs.get("allowedAccountIds") or [])
    how = (
        f"profile {inputs['profile']}"
        if inputs.get("profile")
        else (f"assumes {inputs['assumeRoles'][0]['roleArn']}" if inputs.get("assumeRoles") else "environment credentials")
    )
    return f"{side} account {ids} (provider {provider.name}: {how}, region {inputs.get('region')}, allowedAccountIds [{ids}])"


def _value_lines(key: str, value: Any, indent: str) -> list[str]:
    if key in POLICY_INPUTS and isinstance(value, str):
        try:
            pretty = json.dumps(json.loads(value), indent=2, ensure_ascii=False)
        except json.JSONDecodeError:
            return [f"{indent}{key}: {value}"]
        return [f"{indent}{key}:"] + [f"{indent}  {line}" for line in pretty.splitlines()]
    rendered = value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)
    return [f"{indent}{key}: {rendered}"]


def render_text(run: ProgramRun, findings: Sequence[Finding] = ()) -> str:
    lines = [
        f"Plan for stack {run.stack} of {run.project}: what `pulumi up` would create.",
        "(Offline, under Pulumi's mocks: nothing was created, no account was called.)",
    ]
    sides = _accounts(run)
    for side in ("source", "target"):
        members = [r for r in run.registrations if r.account == side]
        if side not in sides:
            continue
        lines += ["", _provider_line(side, sides[side])]
        for r in members:
            marks = option_marks(r)
            lines.append(f"  {_verb(r)} {r.type}  {r.inputs.get('name', r.name)}  ({r.name}){'  ' + marks if marks else ''}")
            for k in sorted(r.inputs):
                if k != "name":
                    lines += _value_lines(k, r.inputs[k], "      ")
    unplaced = [r for r in run.registrations if r.account is None and r.type != PROVIDER]
    if unplaced:
        lines += ["", "not in an account:"]
        lines += [f"  + {r.type}  {r.name}" for r in unplaced]
    lines += ["", "Outputs:"]
    lines += [f"  {line}" for line in jsontext.dumps(run.outputs).splitlines()]
    counts: dict[str, int] = {}
    for r in run.registrations:
        counts[r.type] = counts.get(r.type, 0) + 1
    lines += ["", f"{len(run.registrations)} resources: " + ", ".join(f"{n} {t}" for t, n in sorted(counts.items()))]
    lines += ["", f"Guardrails: {summarise(findings)} (rules and waivers: docs/guardrails.md)"]
    lines += [f"  {f.line()}" for f in findings]
    return "\n".join(lines) + "\n"


def render_markdown(run: ProgramRun, findings: Sequence[Finding] = (), base: dict[str, Any] | None = None) -> str:
    """For a pull-request comment: the reviewer's plan (`tools.render.review`), built from the JSON
    plan's data, with what changed since `base` (a saved plan JSON) when given."""
    from tools.render.review import render_review  # noqa: PLC0415 (Markdown only: see tools.render.options)

    return render_review(as_data(run, findings), base)


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}
