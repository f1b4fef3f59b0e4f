"""Privilege escalation: an Allow that lets the role make itself (or another principal) more
powerful than its policies say.

The methods are cloudsplaining's catalogue (`PRIVILEGE_ESCALATION_METHODS` in
`cloudsplaining.shared.constants`, pinned 0.9.1): the Rhino Security Labs methods (create or
set a policy version, attach or put policies on users, groups and roles, update a trust
policy, pass a role to a compute service with that service's create action, create access
keys or login profiles for other users, ...) and the paths of DataDog's pathfinding.cloud.
Nothing is listed here: a new cloudsplaining release brings its new methods.

A method is granted when every one of its actions is allowed on a resource the method could
use beyond one named resource: `"*"`, an ARN with a wildcard in its account or resource part
that the action acts on (`arn:aws:iam::<account>:role/*`, `policy/team-*`, `arn:aws:iam::*:user/*`),
or any resource through NotResource. Actions are matched as IAM does (`iam:*`, `iam:*Role*`,
`*`), and an Allow with NotAction grants every action it does not exclude. A method may be
spread over several statements of one document: each statement that grants part of it gets
the finding, naming the others. The same actions on one exact ARN pass (the holder can change
that one role or policy, which is what the file says); so do read-only actions on wildcards.

cloudsplaining's own scan only flags actions on `Resource: "*"`; the wildcard ARNs are ours.
Conditions are not evaluated: a condition narrows who or when, not which resources, and a
reviewer should see the method either way (waive with the reason when a condition makes it safe).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cloudsplaining.shared.constants import PRIVILEGE_ESCALATION_METHODS

from .catalogue import action, acts_on, broad, has_wildcard, listed, matches, strings
from .model import ERROR, PolicyDocument, document_rule, show


@lru_cache(maxsize=1)
def escalation_methods() -> Mapping[str, tuple[str, ...]]:
    """cloudsplaining's methods: name -> the actions it needs, spelt as in the IAM catalogue
    (`iam:CreatePolicyVersion`; cloudsplaining writes them in lower case)."""
    methods: dict[str, tuple[str, ...]] = {}
    for name, actions in sorted(PRIVILEGE_ESCALATION_METHODS.items()):
        spelt = []
        for lower in actions:
            entry = action(lower)
            spelt.append(entry.name if entry is not None else lower)
        methods[name] = tuple(spelt)
    return methods


def _by_service(patterns: list[str]) -> dict[str, list[str]]:
    """Patterns by the service prefix they name (lower case); "" for those with a wildcard
    there: an action is then compared with its own service's patterns only (AWS's
    ReadOnlyAccess has thousands)."""
    found: dict[str, list[str]] = {}
    for pattern in patterns:
        service = pattern.split(":", 1)[0].lower() if ":" in pattern else ""
        found.setdefault("" if has_wildcard(service) or pattern == "*" else service, []).append(pattern)
    return found


def _covering(patterns: Mapping[str, list[str]], action_name: str) -> list[str]:
    service = action_name.split(":", 1)[0].lower()
    return [p for p in [*patterns.get(service, []), *patterns.get("", [])] if matches(p, action_name)]


def _grants(statement: Mapping[str, Any], action_name: str, patterns: Mapping[str, list[str]]) -> list[str] | None:
    """The patterns (or the NotAction) through which the statement allows the action, or None."""
    if strings(statement, "Action") is not None:
        return _covering(patterns, action_name) or None
    if strings(statement, "NotAction") is not None and not _covering(patterns, action_name):
        return [f"NotAction {show(statement['NotAction'])}"]
    return None


def _on(statement: Mapping[str, Any], action_name: str) -> list[str]:
    """The resources beyond one named resource on which the statement allows the action."""
    if "NotResource" in statement:
        return [f"NotResource {show(statement['NotResource'])}"]
    return [r for r in strings(statement, "Resource") or [] if broad(r) and acts_on(action_name, r)]


def _broad_grants(statement: Mapping[str, Any], needed: Mapping[str, list[str]]) -> dict[str, tuple[list[str], list[str]]]:
    """action -> (patterns, resources) for each needed action the statement grants beyond one resource.

    `needed` is the methods' actions by service (`_needed`): an Action list can only grant the
    actions of the services its patterns name (or of every service, with a wildcard in the
    service part), so only those are compared; a NotAction may grant any of them. (Measured on
    a 4,000-user stack, where every user's assume-role policy names sts only: the rule went
    from 0.6 s to a few milliseconds.)"""
    if statement.get("Effect") != "Allow":
        return {}
    actions = strings(statement, "Action")
    patterns = _by_service(actions or strings(statement, "NotAction") or [])
    if actions is not None and "" not in patterns:
        candidates = [a for service in sorted(patterns) for a in needed.get(service, [])]
    else:
        candidates = [a for actions in needed.values() for a in actions]
    found = {}
    for action_name in candidates:
        through = _grants(statement, action_name, patterns)
        resources = _on(statement, action_name) if through is not None else []
        if through is not None and resources:
            found[action_name] = (through, resources)
    return found


@lru_cache(maxsize=1)
def _needed() -> Mapping[str, list[str]]:
    """Every action of every method, by its service prefix in lower case."""
    by_service: dict[str, list[str]] = {}
    for a in sorted({a for actions in escalation_methods().values() for a in actions}):
        by_service.setdefault(a.split(":", 1)[0].lower(), []).append(a)
    return by_service


@dataclass(frozen=True)
class Escalation:
    """What one statement contributes to the methods a document grants."""

    index: int
    methods: list[str]
    actions: list[str]
    patterns: list[str]
    resources: list[str]
    others: list[int]
    """The other statements that grant the rest of these methods."""


def escalations(doc: PolicyDocument) -> Iterator[Escalation]:
    """Each statement that grants (part of) a method the document grants in full."""
    if not doc.is_identity:
        return
    statements = list(doc.statements())
    # (statement index, action) -> (patterns, resources), for every method action granted broadly
    granted = {(i, a): found for i, statement in statements for a, found in _broad_grants(statement, _needed()).items()}
    if not granted:
        return
    by_action: dict[str, list[int]] = {}
    for i, a in granted:
        by_action.setdefault(a, []).append(i)
    complete = {name: actions for name, actions in escalation_methods().items() if all(a in by_action for a in actions)}
    for i, _ in statements:
        methods = [name for name, actions in complete.items() if any((i, a) in granted for a in actions)]
        if methods:
            actions = sorted({a for name in methods for a in complete[name] if (i, a) in granted})
            yield Escalation(
                index=i,
                methods=methods,
                actions=actions,
                patterns=sorted({p for a in actions for p in granted[(i, a)][0]}),
                resources=sorted({r for a in actions for r in granted[(i, a)][1]}),
                others=sorted({j for name in methods for a in complete[name] for j in by_action[a] if j != i}),
            )


@document_rule(
    "PRIVILEGE_ESCALATION",
    ERROR,
    "an Allow granting a privilege-escalation method (cloudsplaining's catalogue) on `*` or wildcard ARNs",
)
def privilege_escalation(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    for found in escalations(doc):
        together = f" (together with {', '.join(f'Statement[{j}]' for j in found.others)})" if found.others else ""
        yield (
            doc.at(found.index),
            f"grants the privilege-escalation method{'s' * (len(found.methods) > 1)} {', '.join(found.methods)}{together}: "
            f"{listed(found.patterns)} allow{'s' * (len(found.patterns) == 1)} {', '.join(found.actions)} "
            f"on {listed(found.resources)}, with which the holder can give itself or another principal more power "
            "than its policies say; limit those actions to the exact ARNs they need, or waive PRIVILEGE_ESCALATION with the reason",
        )
