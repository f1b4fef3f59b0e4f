"""Action names and resources checked against a real catalogue of IAM actions: parliament's.

parliament (pinned 1.6.4) ships the IAM action catalogue (services, actions, the resource
types each action takes) and works offline. Three of its findings are used:

- UNKNOWN_ACTION / UNKNOWN_PREFIX (and its exception for an action without a colon):
  our UNKNOWN_ACTION;
- RESOURCE_MISMATCH: our RESOURCE_MISMATCH;
- RESOURCE_STAR, which lists the actions of an Allow on `Resource: "*"` that the catalogue
  says can be scoped to a resource: `security.RESOURCE_STAR` reports them. Actions that take
  no resource (`s3:ListAllMyBuckets`) are not listed, so they may keep `"*"`.

Everything else parliament reports is checked by our own rules, which name the stack key
or file (its MALFORMED, INVALID_SID, DUPLICATE_SID, NO_VERSION, INVALID_ARN, ...), or is
out of scope (condition type checks, community auditors); those findings are not read.

parliament is shown one statement at a time, and only statements our structural rules
accept (it raises on some malformed input instead of reporting it). It sees only Effect,
Action/NotAction and Resource/NotResource: Sid, Principal and Condition are ours to check,
and its condition checks raise on keys missing from its catalogue.

Its known false positives are handled in ONE place, `KNOWN_FALSE_POSITIVES`, each with its
reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

import parliament

from .model import ERROR, PolicyDocument, as_list, document_rule, show

CATALOGUE = f"parliament {parliament.__version__} action catalogue"

KNOWN_FALSE_POSITIVES: Mapping[tuple[str, str], str] = {
    ("trust", "MALFORMED"): (
        "parliament calls a statement without Resource malformed and stops before reading its actions, and a "
        "trust statement must have none (TRUST_RESOURCE); so it is never shown a trust statement as is, but "
        'with Resource "*" added (see `_view`), which lets it check the actions'
    ),
    ("trust", "RESOURCE_STAR"): (
        "the Resource \"*\" is the one added above, not the user's: a trust policy's resource is the role itself"
    ),
    ("NotAction", "RESOURCE_STAR"): (
        "parliament reads a NotAction list as the actions granted, so it would name the excluded actions; "
        "an Allow with NotAction is ALLOW_WITH_NOT's finding"
    ),
    ("NotAction", "RESOURCE_MISMATCH"): "same: parliament matches the excluded actions against the resources",
    ("NotResource", "RESOURCE_STAR"): "parliament reads a NotResource list as the resources granted; ALLOW_WITH_NOT reports it",
    ("NotResource", "RESOURCE_MISMATCH"): "same: the excluded resources are not what the statement grants",
}
"""(situation, parliament issue) -> why that finding is not a problem. The one place where
parliament's false positives are handled; a situation is the document kind ("trust") or an
element the statement uses ("NotAction", "NotResource")."""

USED_ISSUES = {
    "UNKNOWN_ACTION": "UNKNOWN_ACTION",
    "UNKNOWN_PREFIX": "UNKNOWN_ACTION",
    "EXCEPTION": "UNKNOWN_ACTION",
    "RESOURCE_MISMATCH": "RESOURCE_MISMATCH",
    "RESOURCE_STAR": "RESOURCE_STAR",
}
"""parliament issue -> our rule id. Every other issue is left to our own rules (see above)."""


def _well_formed(statement: Mapping[str, Any], kind: str) -> bool:
    """What parliament can read without raising: our structural rules report the rest."""

    def strings(element: str) -> bool:
        values = as_list(statement[element])
        return bool(values) and all(isinstance(v, str) and v for v in values)

    actions = [e for e in ("Action", "NotAction") if e in statement]
    resources = [e for e in ("Resource", "NotResource") if e in statement]
    if statement.get("Effect") not in ("Allow", "Deny") or len(actions) != 1 or not strings(actions[0]):
        return False
    if kind == "trust":
        return not resources
    return len(resources) == 1 and strings(resources[0])


def _view(statement: Mapping[str, Any], kind: str, drop: frozenset[str] = frozenset()) -> str | None:
    """The statement as parliament is shown it (see the module docstring), as JSON text;
    `drop` removes actions already reported unknown. None when no action is left."""
    shown = {k: statement[k] for k in ("Effect", "Action", "NotAction", "Resource", "NotResource") if k in statement}
    element = "Action" if "Action" in shown else "NotAction"
    actions = [a for a in as_list(shown[element]) if a not in drop]
    if not actions:
        return None
    shown[element] = actions
    if kind == "trust":
        shown["Resource"] = "*"
    return json.dumps({"Version": "2012-10-17", "Statement": [shown]}, sort_keys=True)


def _situations(statement: Mapping[str, Any], kind: str) -> tuple[str, ...]:
    return tuple(s for s in (kind, "NotAction", "NotResource") if s == kind or s in statement)


@lru_cache(maxsize=4096)
def _parliament(view: str, situations: tuple[str, ...]) -> tuple[tuple[str, Any], ...]:
    """parliament's findings for one statement that we use: (our rule id, parliament's detail)."""
    policy = parliament.analyze_policy_string(view, ignore_private_auditors=True)
    found = []
    for finding in policy.findings:
        if finding.issue not in USED_ISSUES or any((s, finding.issue) in KNOWN_FALSE_POSITIVES for s in situations):
            continue
        detail: Any = finding.detail
        if finding.issue in ("UNKNOWN_ACTION", "UNKNOWN_PREFIX", "EXCEPTION"):
            detail = finding.location.get("string", detail)
        found.append((USED_ISSUES[finding.issue], detail))
    return tuple(found)


def _analyse(statement: Mapping[str, Any], kind: str) -> list[tuple[str, Any]]:
    """parliament stops at a statement's first unknown action; shown the statement again
    without the unknown ones, it checks the rest, so every mistake is reported at once."""
    found: list[tuple[str, Any]] = []
    unknown: frozenset[str] = frozenset()
    while (view := _view(statement, kind, unknown)) is not None:
        batch = _parliament(view, _situations(statement, kind))
        found += batch
        more = {str(detail) for rule_id, detail in batch if rule_id == "UNKNOWN_ACTION"} - unknown
        if not more:
            break
        unknown |= more
    return found


def catalogue_findings(doc: PolicyDocument, rule_id: str) -> Iterator[tuple[int, Any]]:
    """(statement index, parliament's detail) for each finding of `rule_id` in the document."""
    for i, statement in doc.statements():
        if _well_formed(statement, doc.kind):
            for found_id, detail in _analyse(statement, doc.kind):
                if found_id == rule_id:
                    yield i, detail


@document_rule("UNKNOWN_ACTION", ERROR, f"an action that is not in the IAM action catalogue ({CATALOGUE})")
def unknown_action(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    for i, action in catalogue_findings(doc, "UNKNOWN_ACTION"):
        yield (
            doc.at(i),
            f"action {show(action)} is not in the {CATALOGUE}; check the service prefix and the operation's spelling "
            "(e.g. s3:GetObject), or, if the action is newer than the catalogue, waive UNKNOWN_ACTION with that reason",
        )


@document_rule(
    "RESOURCE_MISMATCH", ERROR, "an Allow whose Resource matches nothing the action acts on (the statement grants nothing)"
)
def resource_mismatch(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    for i, detail in catalogue_findings(doc, "RESOURCE_MISMATCH"):
        for item in detail:
            yield (
                doc.at(i),
                f"no Resource matches what {item['action']} acts on (expected {item['required_format']} per the {CATALOGUE}), "
                "so the statement grants nothing for it: fix the ARN, or move the action to a statement with the right resources",
            )


def scopable_actions_on_star(doc: PolicyDocument) -> Iterator[tuple[int, list[str]]]:
    """(statement index, actions the catalogue says can be scoped) for each Allow on Resource "*"."""
    for i, actions in catalogue_findings(doc, "RESOURCE_STAR"):
        yield i, sorted(actions)
