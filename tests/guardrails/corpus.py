"""The corpus of bad and good inputs, one YAML file per case.

    bad/stack/*.yaml      settings (deep-merged into the walk-through's) + policy files, and the
                          rule, location and message fragments the guardrails must report
    bad/resources/*.yaml  a resource as the engine sees it (or several, for totals per entity),
                          and what the policy pack must report
    good/stack/*.yaml     stacks that must pass with no finding at all
    good/resources/*.yaml resources every policy of the pack must pass

In a resource's inputs, a policy written as a YAML mapping is turned into JSON text, as
the engine holds it. A policy file written as a mapping is dumped as JSON, a string as is.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from crossaccount.guardrails import DOCUMENT_RULES, ENTITY_RULES, Entity, Finding, PolicyDocument, sort_findings
from tests.conftest import walkthrough_settings

CORPUS = Path(__file__).resolve().parent
POLICY_INPUTS = ("assumeRolePolicy", "policy")
DEFAULT_PROVIDER = "access-target"


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Mappings merged key by key; any other value (lists included) replaces."""
    merged = copy.deepcopy(base)
    for k, v in override.items():
        merged[k] = merge(merged[k], v) if isinstance(v, dict) and isinstance(merged.get(k), dict) else copy.deepcopy(v)
    return merged


@dataclass(frozen=True)
class StackCase:
    name: str
    rule: str | None
    location: str | None
    contains: tuple[str, ...]
    settings: dict[str, Any]
    policies: dict[str, str]
    """file name -> the text written to policies/."""


@dataclass(frozen=True)
class FakeResource:
    type: str
    name: str
    props: dict[str, Any]
    provider: str | None
    provider_props: dict[str, Any] = field(default_factory=dict)
    """The provider's inputs as the engine sends them with the resource (`allowedAccountIds`)."""


@dataclass(frozen=True)
class ResourceCase:
    name: str
    rule: str | None
    location: str | None
    contains: tuple[str, ...]
    resources: tuple[FakeResource, ...]
    stack: bool
    """True when the case lists several resources (the rule looks at totals across the stack)."""


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def _policy_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)


def _engine_props(props: dict[str, Any]) -> dict[str, Any]:
    out = dict(props)
    for k in POLICY_INPUTS:
        if isinstance(out.get(k), dict):
            out[k] = json.dumps(out[k], separators=(",", ":"), ensure_ascii=False)
    if isinstance(out.get("inlinePolicies"), list):
        out["inlinePolicies"] = [_engine_props(p) for p in out["inlinePolicies"]]
    return out


def _resource(data: dict[str, Any]) -> FakeResource:
    return FakeResource(
        type=data["type"],
        name=data.get("name", "subject"),
        props=_engine_props(data.get("props") or {}),
        provider=data.get("provider", DEFAULT_PROVIDER),
        provider_props=data.get("providerProps") or {},
    )


def stack_cases(kind: str) -> list[StackCase]:
    cases = []
    for path in sorted((CORPUS / kind / "stack").glob("*.yaml")):
        data = _load(path)
        cases.append(
            StackCase(
                name=path.stem,
                rule=data.get("rule"),
                location=data.get("location"),
                contains=tuple(data.get("contains", ())),
                settings=merge(walkthrough_settings(), data.get("settings") or {}),
                policies={f: _policy_text(v) for f, v in (data.get("policies") or {}).items()},
            )
        )
    return cases


def resource_cases(kind: str) -> list[ResourceCase]:
    cases = []
    for path in sorted((CORPUS / kind / "resources").glob("*.yaml")):
        data = _load(path)
        several = "resources" in data
        resources = tuple(_resource(r) for r in data["resources"]) if several else (_resource(data["resource"]),)
        cases.append(
            ResourceCase(
                name=path.stem,
                rule=data.get("rule"),
                location=data.get("location"),
                contains=tuple(data.get("contains", ())),
                resources=resources,
                stack=several,
            )
        )
    return cases


def file_cases_as_resources(cases: list[StackCase]) -> list[ResourceCase]:
    """Each bad policy file of the stack corpus as an aws:iam/policy:Policy, for the pack:
    the same document must be rejected there, located at `policy` instead of the file."""
    derived = []
    for case in cases:
        if case.location is None or not case.location.startswith("policies/"):
            continue
        file_name = case.location.removeprefix("policies/").split(",")[0]
        props = {"name": "from-file", "policy": case.policies[file_name]}
        derived.append(
            ResourceCase(
                name=f"{case.name} (as aws:iam/policy:Policy)",
                rule=case.rule,
                location=case.location.replace(f"policies/{file_name}", "policy"),
                contains=case.contains,
                resources=(FakeResource("aws:iam/policy:Policy", "from-file", props, DEFAULT_PROVIDER),),
                stack=False,
            )
        )
    return derived


def findings(subject: PolicyDocument | Entity) -> list[Finding]:
    """Every document or entity rule's findings on one subject, in the rules' order."""
    found: list[Finding] = []
    if isinstance(subject, PolicyDocument):
        for document_rule in DOCUMENT_RULES:
            found += document_rule.run(subject)
    else:
        for entity_rule in ENTITY_RULES:
            found += entity_rule.run(subject)
    return sort_findings(found)
