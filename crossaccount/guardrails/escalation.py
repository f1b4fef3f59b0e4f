"""Privilege escalation: an Allow that lets the role make itself (or another principal) more
powerful than its policies say.

The paths are our catalogue (`paths.all_paths()`), built from the public sources each path cites:
DataDog's pathfinding.cloud, prowler's merged list, cloudsplaining (Rhino Security Labs'
methods), BishopFox's iam-vulnerable, nccgroup's PMapper edge checks, HackTricks and AWS's own
documentation. IAM paths (policy versions, attaching or putting policies, trust policies,
access keys, login profiles, permissions boundaries) and paths through compute that runs with
a role: passing a role to a new function, build, stack, task, notebook, pipeline, schedule or
agent runtime, or changing one that exists (function code and configuration, buildspecs,
pipelines, state machines, stacks and change sets, App Runner services, Batch jobs, CodeDeploy
deployments, SSM sessions, commands and associations, SageMaker presigned URLs, ...).

A path is granted when every one of its actions is allowed on a resource the holder did not
name one by one: `"*"`, an ARN with a wildcard in its account or resource part that the action
acts on (`role/*`, `function:app-*`, `arn:aws:iam::*:user/*`), or any resource through
NotResource. ARNs are read as AWS reads them: a wildcard that only covers a resource's qualifier
(a stack's id in `stack/app-prod/*`, a function's versions and aliases in `function:orders-api:*`)
still names one resource. Actions are matched as IAM does (`iam:*`, `ssm:Send*`, `*`), an Allow
with NotAction grants every action it does not exclude, and a path may be spread over several
statements of one document (each statement that grants part of it gets the finding, naming the
others), or over several policies of a role (`combined`).

Conditions evaluated (every other condition is left to the reviewer: a condition narrows who or
when, and the path should be seen either way):

- `iam:PassedToService` on `iam:PassRole`: a path that passes its role to a service the
  condition does not name is closed (`paths.EscalationPath.passed_to`);
- `iam:PermissionsBoundary` (`StringEquals`/`ArnEquals` exact policy ARNs), AWS's documented
  delegation pattern: the actions are granted only on principals with that boundary, which caps
  whatever is attached to them. That is safe only while the boundary stays: the same documents
  must not let the holder delete a boundary (`iam:Delete{Role,User}PermissionsBoundary`) or change
  the boundary policy (`iam:CreatePolicyVersion`, `iam:SetDefaultPolicyVersion` on its ARN), a
  Deny being the usual way to say so. With the boundary locked such grants are no path; unlocked,
  the finding names what to deny;
- `iam:PolicyARN` on an attach (issue 29): judged by the policies it can name; only AWS managed
  policies that grant no path and no whole service (`ReadOnlyAccess`) make it no path
  (`attaches_only_harmless`); `eks:policyArn` naming only exact access policies other than
  cluster-admin, admin and edit likewise (`associates_only_harmless`);
- a Deny without conditions cancels a grant only where it covers every name the grant's pattern
  can name (`catalogue.pattern_covers`: `role/?` does not cover `role/*`), or, with NotResource,
  leaves of it only resources named one by one (`is_denied`).

- a condition that reads a tag on an IAM principal (`aws:PrincipalTag/<key>`, `aws:ResourceTag/<key>` on
  roles or users, issue 29): beside it, a statement that lets the holder write that key on such a
  principal is a path (`tag_gated`, `paths.TAG_GATES`) unless an `aws:TagKeys` condition or a Deny keeps
  the key from it.

IAM and STS actions on roles under `role/aws-service-role/` open no path: only their service can
create or change them (`SERVICE_LINKED_ROLES`). A role that names itself exactly is `selfchange`'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from .catalogue import (
    action,
    acts_on,
    arn_format,
    arn_matches,
    condition_keys,
    covers,
    expand,
    has_wildcard,
    is_arn,
    is_broad,
    listed,
    matches,
    names_one_resource,
    overlaps,
    pattern_covers,
    strings,
)
from .model import ERROR, PolicyDocument, as_list, document_rule, show
from .paths import OWN_CREDENTIALS, RESOURCE_REQUIREMENTS, TAG_GATES, EscalationPath, all_paths

PASS_ROLE = "iam:PassRole"
BOUNDARY_KEY = "iam:permissionsboundary"
PASSED_TO_KEY = "iam:passedtoservice"
POLICY_ARN_KEY = "iam:policyarn"
ATTACH_ACTIONS = ("iam:AttachRolePolicy", "iam:AttachUserPolicy", "iam:AttachGroupPolicy")
"""The actions an `iam:PolicyARN` condition limits to named policies (the IAM catalogue lists the key for these)."""
EKS_POLICY_ARN_KEY = "eks:policyarn"
EKS_ADMIN_ACCESS_POLICIES = ("AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy", "AmazonEKSEditPolicy")
"""The EKS access policies that give a principal power over a cluster's workloads (and so over the
roles its pods run as): cluster-admin, admin and edit (EKS User Guide, access-policy-permissions.html;
Datadog's detection rule "AWS principal assigned administrative privileges in an EKS cluster" names
the first two). An `eks:policyArn` condition naming only other exact access policies
(`AmazonEKSViewPolicy`) makes eks:AssociateAccessPolicy no path."""
SERVICE_LINKED_ROLES = "role/aws-service-role/"
"""Where service-linked roles live. Only their service creates, edits or deletes them: "You cannot
modify the trust policy for a service-linked role", "You cannot modify the permissions policy for a
service-linked role in IAM" (IAM User Guide, id_roles_update-role-trust-policy.html and
id_roles_update-role-permissions.html; IAM answers UnmodifiableEntityException), and no customer
can create a role under that path. IAM and STS actions on them open no path."""
POLICY_VARIABLE = re.compile(r"\$\{[^}]*\}")
EXACT_OPERATORS = ("stringequals", "arnequals", "stringlike", "arnlike")
BOUNDARY_LOCKS = ("iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary")
BOUNDARY_POLICY_CHANGES = ("iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion")
SHOWN_FIXES = 4


# --- requirements: (action, index of its resource requirement) -----------------------------

Requirement = tuple[str, int]


def _requirements(action_name: str) -> tuple[Requirement, ...]:
    return tuple((action_name, k) for k in range(len(RESOURCE_REQUIREMENTS.get(action_name, ((None, ()),)))))


@lru_cache(maxsize=1)
def _path_requirements() -> Mapping[str, tuple[Requirement, ...]]:
    return {p.id: tuple(r for a in p.actions for r in _requirements(a)) for p in all_paths()}


@lru_cache(maxsize=1)
def _needed() -> Mapping[str, list[str]]:
    """Every action of every path, by its service prefix in lower case."""
    by_service: dict[str, list[str]] = {}
    for a in sorted({a for p in all_paths() for a in p.actions}):
        by_service.setdefault(a.split(":", 1)[0].lower(), []).append(a)
    return by_service


# --- statements ---------------------------------------------------------------------------


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


def _through(statement: Mapping[str, Any], action_name: str, patterns: Mapping[str, list[str]]) -> list[str] | None:
    """The patterns (or the NotAction) through which the statement names the action, or None."""
    if strings(statement, "Action") is not None:
        return _covering(patterns, action_name) or None
    if strings(statement, "NotAction") is not None and not _covering(patterns, action_name):
        return [f"NotAction {show(statement['NotAction'])}"]
    return None


def _conditions(statement: Mapping[str, Any]) -> list[tuple[str, str, list[Any]]]:
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return []
    return [
        (str(op).lower(), str(key).lower(), as_list(values))
        for op, block in condition.items()
        if isinstance(block, dict)
        for key, values in block.items()
    ]


def _exact_values(statement: Mapping[str, Any], key: str) -> tuple[str, ...] | None:
    """The values a condition on `key` requires (`StringEquals`, `ArnEquals`, or their Like forms),
    or None when the statement has no such condition (IfExists and For...Values are not read)."""
    for op, cond_key, values in _conditions(statement):
        if cond_key == key and op in EXACT_OPERATORS and values and all(isinstance(v, str) for v in values):
            return tuple(values)
    return None


def _boundaries(statement: Mapping[str, Any]) -> frozenset[str] | None:
    """The permissions boundaries an `iam:PermissionsBoundary` condition pins, exact ARNs only."""
    values = _exact_values(statement, BOUNDARY_KEY)
    if values is None or any(has_wildcard(v) for v in values):
        return None
    return frozenset(values)


@dataclass(frozen=True)
class Grant:
    """How one statement grants one requirement beyond one named resource."""

    patterns: list[str]
    resources: list[str]
    services: tuple[str, ...] | None = None
    """For iam:PassRole: the services an iam:PassedToService condition allows, None for any."""
    bounded: frozenset[str] | None = None
    """Only on principals with one of these permissions boundaries (iam:PermissionsBoundary)."""


@lru_cache(maxsize=64)
def _names_re(names: tuple[str, ...]) -> re.Pattern[str]:
    """The dangerous names as one expression, `*` and `?` as IAM reads them, case-sensitive (ARNs are)."""
    body = "|".join("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in name) for name in names)
    return re.compile(f"(?:{body})", re.DOTALL)


def _is_dangerous_name(resource: str, names: tuple[str, ...]) -> bool:
    """Whether the Resource can name one of the dangerous resources (their resource parts, `document/AWS-RunShellScript`,
    `role/cdk-*-cfn-exec-role-*`); a policy variable in it may be any value. A name without wildcards
    (nearly every one: a user's assume-role policy lists exact roles) is one match of one expression."""
    if not is_arn(resource):
        return False
    part = POLICY_VARIABLE.sub("*", resource.split(":", 5)[5])
    if not has_wildcard(part):
        return _names_re(names).fullmatch(part) is not None
    return any(overlaps(name, part) for name in names)


def _is_service_linked(action_name: str, resource: str) -> bool:
    """An IAM or STS action on roles under `role/aws-service-role/` only (the path is written out, so the
    wildcards that follow stay under it): no customer can create or change them (`SERVICE_LINKED_ROLES`)."""
    if action_name.split(":", 1)[0].lower() not in ("iam", "sts") or not is_arn(resource):
        return False
    parts = resource.split(":", 5)
    return parts[2] == "iam" and parts[5].startswith(SERVICE_LINKED_ROLES)


def _is_own_user(resource: str) -> bool:
    """`arn:aws:iam::<account or *>:user/${aws:username}`: the caller's own user, whatever the account
    field says (an IAM user is only reached from its own account). Attaching or putting a policy
    there is self-escalation (pathfinding.cloud's category); making credentials there is not."""
    return is_arn(resource) and resource.split(":", 5)[2] == "iam" and resource.split(":", 5)[5] == "user/${aws:username}"


def _on(statement: Mapping[str, Any], requirement: Requirement) -> list[str]:
    """The resources beyond one named resource (or the dangerous named ones) on which the statement
    allows the requirement's action."""
    action_name, k = requirement
    if "NotResource" in statement:
        return [f"NotResource {show(statement['NotResource'])}"]
    types, names = RESOURCE_REQUIREMENTS.get(action_name, ((None, ()),))[k]
    found = []
    for r in strings(statement, "Resource") or []:
        if names and r != "*" and not _is_dangerous_name(r, names) and not (types and "document" in types):
            continue  # a role that is not an administrator by convention (checked first: the cheap test)
        if not acts_on(action_name, r, types) or _is_service_linked(action_name, r):
            continue
        if names:
            # a document: any document (a wildcard), or one that runs any command; a role: one that is
            # an administrator by convention (its account does not matter)
            if r == "*" or _is_dangerous_name(r, names) or (is_arn(r) and has_wildcard(r.split(":", 5)[5])):
                found.append(r)
        elif _is_own_user(r):  # the caller: self-escalation, except for credentials it already holds
            if action_name not in OWN_CREDENTIALS:
                found.append(r)
        elif is_broad(r) and not names_one_resource(action_name, r):
            found.append(r)
    return found


def _leaves_named(kept: list[str] | None, action_name: str, resource: str) -> bool:
    """Whether a Deny with NotResource `kept` leaves, of what `resource` names, only resources named one
    by one (or nothing): every kept entry that can meet it is an exact ARN (or one resource's qualifiers).
    A policy variable in either may be any value."""
    if kept is None:
        return False
    allowed = POLICY_VARIABLE.sub("*", resource)
    for entry in kept:
        if not overlaps(POLICY_VARIABLE.sub("*", entry), allowed):
            continue
        if "${" in entry or (is_broad(entry) and not names_one_resource(action_name, entry)):
            return False
    return True


def is_denied(denies: list[Mapping[str, Any]], action_name: str, resource: str) -> bool:
    """Whether a Deny without conditions covers the action on every resource the Allow's `resource` can
    name (`pattern_covers`: a Deny on `role/?` does not cancel an Allow on `role/*`), or, through
    NotResource, denies all of it but resources named one by one."""
    for deny in denies:
        if not any(matches(p, action_name) for p in strings(deny, "Action") or []):
            continue
        if "NotResource" in deny:
            if "Resource" not in deny and _leaves_named(strings(deny, "NotResource"), action_name, resource):
                return True
            continue
        if any(pattern_covers(d, resource) for d in strings(deny, "Resource") or []):
            return True
    return False


PolicyJudge = Callable[[str], bool]
_policy_judge: list[PolicyJudge] = []
"""How an `iam:PolicyARN` value is judged: `managed` registers its judge when it is imported (it
judges AWS managed policies with this module, so this module cannot import it). None registered:
no value is harmless (the louder answer)."""


def judge_policy_arns_with(judge: PolicyJudge) -> None:
    """Register the function that says whether every policy an `iam:PolicyARN` value can name grants no path."""
    _policy_judge[:] = [judge]


def _is_harmless_policy(policy_arn: str) -> bool:
    return bool(_policy_judge) and _policy_judge[0](policy_arn)


def associates_only_harmless(statement: Mapping[str, Any]) -> bool:
    """An `eks:policyArn` condition that lets eks:AssociateAccessPolicy associate only exact access
    policies other than `EKS_ADMIN_ACCESS_POLICIES`."""
    values = _exact_values(statement, EKS_POLICY_ARN_KEY)
    return values is not None and all(
        v.startswith("arn:aws:eks::aws:cluster-access-policy/")
        and not has_wildcard(v)
        and "${" not in v
        and v.rsplit("/", 1)[1].lower() not in {n.lower() for n in EKS_ADMIN_ACCESS_POLICIES}
        for v in values
    )


def attaches_only_harmless(statement: Mapping[str, Any]) -> bool:
    """An `iam:PolicyARN` condition (StringEquals, ArnEquals or their Like forms) that lets the statement
    attach only policies that grant no path (`_is_harmless_policy`): AWS's documented way to let someone
    attach named policies (IAM User Guide, reference_policies_examples_iam_limit-managed.html)."""
    values = _exact_values(statement, POLICY_ARN_KEY)
    return values is not None and all(_is_harmless_policy(v) for v in values)


def _statement_grants(statement: Mapping[str, Any], denies: list[Mapping[str, Any]]) -> dict[Requirement, Grant]:
    """requirement -> how the statement grants it, for each path requirement granted beyond one resource.

    Only the actions of the services an Action list names are compared (or every path action,
    with a wildcard in the service part or a NotAction). (Measured on a 4,000-user stack, where
    every user's assume-role policy names sts only: the rule went from 0.6 s to a few milliseconds.)"""
    if statement.get("Effect") != "Allow":
        return {}
    actions = strings(statement, "Action")
    patterns = _by_service(actions or strings(statement, "NotAction") or [])
    needed = _needed()
    if actions is not None and "" not in patterns:
        candidates = [a for service in sorted(patterns) for a in needed.get(service, [])]
    else:
        candidates = [a for names in needed.values() for a in names]
    if not candidates:
        return {}
    # what the Action and Resource elements grant beyond one resource; the conditions and Denies
    # are read only then (a user's assume-role policy names exact roles: nothing to read)
    wide = []
    for action_name in candidates:
        through = _through(statement, action_name, patterns)
        if through is not None:
            wide += [(action_name, through, req, on) for req in _requirements(action_name) if (on := _on(statement, req))]
    if not wide:
        return {}
    bounded = _boundaries(statement)
    passed = _exact_values(statement, PASSED_TO_KEY)
    found = {}
    for action_name, through, requirement, on in wide:
        if bounded is not None and BOUNDARY_KEY not in condition_keys(action_name):
            continue  # the request carries no boundary key: StringEquals on it never matches
        if action_name in ATTACH_ACTIONS and attaches_only_harmless(statement):
            continue
        if action_name == "eks:AssociateAccessPolicy" and associates_only_harmless(statement):
            continue
        resources = [r for r in on if not is_denied(denies, action_name, r)]
        if resources:
            found[requirement] = Grant(through, resources, services=passed if action_name == PASS_ROLE else None, bounded=bounded)
    return found


# --- documents ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Escalation:
    """What one statement contributes to the paths a document grants."""

    index: int
    paths: list[EscalationPath]
    actions: list[str]
    patterns: list[str]
    resources: list[str]
    others: list[int]
    """The other statements that grant the rest of these paths."""
    fixes: list[str]
    """The narrowest changes that close these paths in this statement."""
    unlocked: list[str]
    """For grants pinned to a permissions boundary: the Denies that would lock it."""

    @property
    def methods(self) -> list[str]:
        return [p.id for p in self.paths]


def unconditional_denies(statements: list[tuple[int, Mapping[str, Any]]]) -> list[Mapping[str, Any]]:
    """The Denies without conditions that name actions (Resource or NotResource)."""
    return [s for _, s in statements if s.get("Effect") == "Deny" and "Condition" not in s and "Action" in s]


def _boundary_unlocked(denies: list[Mapping[str, Any]], bounded: list[tuple[str, Grant]]) -> list[str]:
    """The Denies AWS's delegation pattern adds and this document lacks: deleting the boundary of
    the users or roles the bounded grants reach, and changing the boundary policies. Empty: the
    boundaries are locked. (Without the Denies, any other policy of the holder, one this check
    cannot see included, could grant the escape: a Deny holds whatever else is attached.)"""
    missing = []
    for action_name, grant in bounded:
        kinds = [k for k in ("Role", "User") if k in action_name] or ["Role", "User"]
        for kind in kinds:
            lock = f"iam:Delete{kind}PermissionsBoundary"
            if not all(is_denied(denies, lock, r) for r in grant.resources):
                missing.append(f"{lock} on {listed(grant.resources, 2)}")
        for boundary in sorted(grant.bounded or ()):
            for change in BOUNDARY_POLICY_CHANGES:
                if not is_denied(denies, change, boundary):
                    missing.append(f"{change} on {boundary}")
    return sorted(set(missing))


def _usable(grants: list[tuple[int, Grant]], path: EscalationPath, locked: bool) -> list[tuple[int, Grant]]:
    """The grants of one requirement that serve the path: not confined to a locked boundary, and for
    iam:PassRole, passing to a service the path uses."""
    usable = []
    for i, grant in grants:
        if grant.bounded is not None and locked:
            continue
        if (
            grant.services is not None
            and path.passed_to
            and not any(covers(s, target) for s in grant.services for target in path.passed_to)
        ):
            continue
        usable.append((i, grant))
    return usable


def _minimal(complete: list[EscalationPath]) -> list[EscalationPath]:
    """The complete paths that do not contain another complete path's actions (a superset adds
    nothing a reader must fix)."""
    sets = {p.id: set(p.actions) for p in complete}
    return [p for p in complete if not any(sets[q.id] < sets[p.id] for q in complete)]


def _example_arn(action_name: str, resource_type: str, resources: list[str]) -> str:
    """The ARN format of one of the action's resource types, with the partition, region and account
    of the wildcard the statement used where it wrote them out."""
    raw = arn_format(action_name, resource_type)
    values = {"Partition": "aws"}
    for r in resources:
        if is_arn(r):
            parts = r.split(":", 5)
            if parts[3] and not has_wildcard(parts[3]):
                values["Region"] = parts[3]
            if parts[4] and not has_wildcard(parts[4]):
                values["Account"] = parts[4]
    for name, value in values.items():
        raw = raw.replace("${" + name + "}", value)
    return raw.replace("${", "<").replace("}", ">")


def _resource_types(action_name: str, k: int, resources: list[str]) -> list[str]:
    """The resource types the statement's wildcards stand for: those the ARNs match, else the
    requirement's first type (ssm:SendCommand's instances, then its document), else the action's first."""
    entry = action(action_name)
    if entry is None or not entry.resources:
        return []
    types, _ = RESOURCE_REQUIREMENTS.get(action_name, ((None, ()),))[k]
    candidates = [(t, f) for t, f in entry.resources if types is None or t in types]
    found = []
    for r in resources:
        for resource_type, pattern in candidates:
            if is_arn(r) and arn_matches(resource_type, pattern, r):
                found.append(resource_type)
                break
    return sorted(set(found), key=found.index) or [candidates[0][0] if candidates else entry.resources[0][0]]


def _fixes(paths: list[EscalationPath], granted: Mapping[Requirement, list[tuple[int, Grant]]], index: int) -> list[str]:
    fixes = []
    for action_name in sorted({a for p in paths for a in p.actions}):
        examples: list[str] = []
        for (a, k), grants in granted.items():
            resources = sorted({r for i, g in grants if i == index for r in g.resources})
            if a == action_name and resources:
                examples += [_example_arn(a, t, resources) for t in _resource_types(a, k, resources)]
        if not examples:
            continue  # an action that only works on "*" (ec2:DescribeInstances): "or drop" names it
        if action_name == PASS_ROLE:
            services = sorted({s for p in paths for s in p.passed_to})
            condition = f" and an iam:PassedToService condition ({', '.join(services)})" if services else ""
            fixes.append(f"iam:PassRole on the exact role ARN ({examples[0]}){condition}")
        else:
            fixes.append(f"{action_name} on the exact ARN{'s' * (len(examples) > 1)} ({' and '.join(examples)})")
    if len(fixes) > SHOWN_FIXES:
        fixes = [*fixes[:SHOWN_FIXES], f"and {len(fixes) - SHOWN_FIXES} more actions on their exact ARNs"]
    shared = sorted(set.intersection(*(set(p.actions) for p in paths)))
    if shared:
        fixes.append(f"or drop {' or '.join(shared)}")
    return fixes


def escalations(doc: PolicyDocument) -> Iterator[Escalation]:
    """Each statement that grants (part of) a path the document grants in full, the paths through a tag
    that decides access (`tag_gated`) with the rest."""
    if not doc.is_identity:
        return
    generic = list(_generic_escalations(doc))
    gated_ones = list(tag_gated(doc))
    if not gated_ones:
        yield from generic
        return
    found = {e.index: e for e in generic}
    for gated in gated_ones:
        known = found.get(gated.index)
        found[gated.index] = gated if known is None else _joined(known, gated)
    for index in sorted(found):
        yield found[index]


def _joined(first: Escalation, second: Escalation) -> Escalation:
    """Two findings of one statement as one (one finding per statement and rule)."""
    return Escalation(
        index=first.index,
        paths=[*first.paths, *second.paths],
        actions=sorted({*first.actions, *second.actions}),
        patterns=sorted({*first.patterns, *second.patterns}),
        resources=sorted({*first.resources, *second.resources}),
        others=sorted({*first.others, *second.others}),
        fixes=[*first.fixes, *second.fixes],
        unlocked=first.unlocked,
    )


def _generic_escalations(doc: PolicyDocument) -> Iterator[Escalation]:
    statements = list(doc.statements())
    denies = unconditional_denies(statements)
    granted: dict[Requirement, list[tuple[int, Grant]]] = {}
    for i, statement in statements:
        for requirement, grant in _statement_grants(statement, denies).items():
            granted.setdefault(requirement, []).append((i, grant))
    if not granted:
        return
    bounded = [(a, g) for (a, _), grants in granted.items() for _, g in grants if g.bounded is not None]
    locked = bool(bounded) and not _boundary_unlocked(denies, bounded)
    requirements = _path_requirements()
    complete: list[EscalationPath] = []
    serving: dict[str, dict[Requirement, list[tuple[int, Grant]]]] = {}
    for path in all_paths():
        if path.id in TAG_GATES:
            continue  # read beside the statement whose condition reads the tag: `tag_gated`
        reqs = requirements[path.id]
        if not all(r in granted for r in reqs):
            continue
        usable = {r: _usable(granted[r], path, locked) for r in reqs}
        if all(usable.values()):
            complete.append(path)
            serving[path.id] = usable
    complete = _minimal(complete)
    for i, _ in statements:
        paths = [p for p in complete if any(j == i for gs in serving[p.id].values() for j, _ in gs)]
        if not paths:
            continue
        mine = {r: [(j, g) for j, g in gs if j == i] for p in paths for r, gs in serving[p.id].items()}
        mine = {r: gs for r, gs in mine.items() if gs}
        actions = sorted({a for a, _ in mine})
        yield Escalation(
            index=i,
            paths=paths,
            actions=actions,
            patterns=sorted({pattern for gs in mine.values() for _, g in gs for pattern in g.patterns}),
            resources=sorted({r for gs in mine.values() for _, g in gs for r in g.resources}),
            others=sorted({j for p in paths for gs in serving[p.id].values() for j, _ in gs if j != i}),
            fixes=_fixes(paths, mine, i),
            unlocked=_boundary_unlocked(denies, [(a, g) for (a, _), gs in mine.items() for _, g in gs if g.bounded is not None]),
        )


# --- paths through a tag that decides access (issue 29) ---------------------------------------

PRINCIPAL_TAG = "aws:principaltag/"
RESOURCE_TAGS = ("aws:resourcetag/", "iam:resourcetag/")
_PRINCIPAL_TAG_VARIABLE = re.compile(r"\$\{aws:PrincipalTag/([^}]+)\}", re.IGNORECASE)
TAGGING = {"role": "iam:TagRole", "user": "iam:TagUser"}
KEY_OPERATORS = ("stringequals", "stringequalsignorecase", "stringlike")


@dataclass(frozen=True)
class TagGate:
    """A statement whose condition reads a tag on an IAM principal."""

    index: int
    key: str
    """The tag key as written."""
    whose: str
    """"principal" (the caller's own tag) or "resource" (the role's or user's the statement acts on)."""
    kinds: tuple[str, ...]
    """The kinds of principal whose tag decides ("role", "user")."""
    resources: tuple[str, ...]
    """The statement's resources (for a resource tag: which principals it acts on)."""


def _principal_kinds(statement: Mapping[str, Any]) -> tuple[str, ...]:
    """The kinds of IAM principal ("role", "user") the statement's actions act on."""
    kinds: set[str] = set()
    for pattern in strings(statement, "Action") or []:
        if pattern.split(":", 1)[0].lower() not in ("iam", "sts", "*"):
            continue
        for found in expand(pattern):
            if found.name.split(":", 1)[0].lower() in ("iam", "sts"):
                kinds |= {t for t, _ in found.resources if t in TAGGING}
    return tuple(sorted(kinds))


def _tag_gates(statements: list[tuple[int, Mapping[str, Any]]]) -> list[TagGate]:
    gates = []
    for i, statement in statements:
        if statement.get("Effect") != "Allow" or "Condition" not in statement:
            continue
        resources = tuple(strings(statement, "Resource") or ["*"])
        for _, key, values in _conditions(statement):
            if key.startswith(PRINCIPAL_TAG):
                gates.append(TagGate(i, key[len(PRINCIPAL_TAG) :], "principal", ("role", "user"), resources))
            for value in values:
                for match in _PRINCIPAL_TAG_VARIABLE.finditer(str(value)):
                    gates.append(TagGate(i, match[1], "principal", ("role", "user"), resources))
            if key.startswith(RESOURCE_TAGS):
                kinds = _principal_kinds(statement)
                if kinds:
                    gates.append(TagGate(i, key.split("/", 1)[1], "resource", kinds, resources))
    return gates


def _names_key(values: list[Any], key: str, *, like: bool) -> bool:
    return any(
        isinstance(v, str) and (covers(v, key) if like else v.lower() == key.lower())  # IAM tag keys: any case
        for v in values
    )


def _may_write_key(statement: Mapping[str, Any], key: str) -> bool:
    """Whether a tagging statement lets the holder write the key: not when an `aws:TagKeys` condition
    (`ForAllValues:StringEquals`/`StringLike`, the documented way) allows only other keys. `aws:TagKeys`
    is multivalued and AWS requires a set operator with it (IAM User Guide,
    reference_policies_condition-single-vs-multi-valued-context-keys.html): without `ForAllValues:` the
    condition does not say every key written is allowed, so it is not read as a limit (the louder answer)."""
    for op, cond_key, values in _conditions(statement):
        if cond_key != "aws:tagkeys" or not op.startswith("forallvalues:"):
            continue
        base = op.removeprefix("forallvalues:")
        if base in KEY_OPERATORS and not _names_key(values, key, like=base == "stringlike"):
            return False
    return True


def _denies_key(statements: list[tuple[int, Mapping[str, Any]]], action_name: str, resource: str, key: str) -> bool:
    """A Deny of the tagging action on the resource whose only conditions name the key: `ForAnyValue:StringEquals`
    (or `StringLike`) `aws:TagKeys` naming it, or `Null` `aws:RequestTag/<key>` false, the documented ways to
    keep a tag used for authorization unchanged."""
    for _, deny in statements:
        if deny.get("Effect") != "Deny" or not any(matches(p, action_name) for p in strings(deny, "Action") or []):
            continue
        if not any(pattern_covers(d, resource) for d in strings(deny, "Resource") or []):
            continue
        conditions = _conditions(deny)
        if conditions and all(
            (
                key_name == "aws:tagkeys"
                and op.startswith("foranyvalue:")
                and op.removeprefix("foranyvalue:") in KEY_OPERATORS
                and _names_key(values, key, like=op.endswith("like"))
            )
            or (op == "null" and key_name == f"aws:requesttag/{key.lower()}" and [str(v).lower() for v in values] == ["false"])
            for op, key_name, values in conditions
        ):
            return True
    return False


def _reaches(tagging: str, resource: str, gate: TagGate) -> bool:
    """Whether tagging on this Resource can tag a principal the gate reads: for the caller's own tag, any
    role or user however named (the holder's among them) or the caller's own user; for a role's or user's
    tag, one of the principals the gate's statement acts on, beyond one named principal."""
    if resource == "*":
        return True
    if not acts_on(tagging, resource) or _is_service_linked(tagging, resource):
        return False
    if gate.whose == "principal":
        return (is_broad(resource) and not _is_own_user(resource)) or (tagging == TAGGING["user"] and _is_own_user(resource))
    return is_broad(resource) and any(
        r == "*" or overlaps(POLICY_VARIABLE.sub("*", r), POLICY_VARIABLE.sub("*", resource)) for r in gate.resources
    )


def tag_gated(doc: PolicyDocument) -> Iterator[Escalation]:
    """Statements that let the holder write a tag another statement's condition reads on an IAM principal
    (`paths.TAG_GATES`): the caller's own tag (`aws:PrincipalTag/<key>`, written out or as
    `${aws:PrincipalTag/<key>}`), or the tag of the roles or users it assumes or changes
    (`aws:ResourceTag/<key>`). Tagging is no path alone; beside such a condition, whoever may write the tag
    decides what the condition grants."""
    if "\\" not in doc.text and "tag/" not in doc.text.lower():
        return  # no tag condition key can be written without "tag/" (or a JSON escape): the common case, cheaply
    statements = list(doc.statements())
    gates = _tag_gates(statements)
    if not gates:
        return
    denies = unconditional_denies(statements)
    by_path = {p.id: p for p in all_paths() if p.id in TAG_GATES}
    found: dict[int, Escalation] = {}
    for j, statement in statements:
        if statement.get("Effect") != "Allow":
            continue
        patterns = _by_service(strings(statement, "Action") or strings(statement, "NotAction") or [])
        for path_id, (whose, kind) in TAG_GATES.items():
            tagging = TAGGING[kind]
            through = _through(statement, tagging, patterns)
            if through is None:
                continue
            resources = (
                [f"NotResource {show(statement['NotResource'])}"]
                if "NotResource" in statement
                else strings(statement, "Resource") or []
            )
            for gate in gates:
                if gate.whose != whose or kind not in gate.kinds or gate.index == j or not _may_write_key(statement, gate.key):
                    continue
                reached = [
                    r
                    for r in resources
                    if (r.startswith("NotResource ") or _reaches(tagging, r, gate))
                    and not (not r.startswith("NotResource ") and is_denied(denies, tagging, r))
                    and not (not r.startswith("NotResource ") and _denies_key(statements, tagging, r, gate.key))
                ]
                if not reached:
                    continue
                fix = (
                    f"a Deny of {tagging} with ForAnyValue:StringEquals aws:TagKeys [{show(gate.key)}] (no one but an "
                    "administrator writes a tag used for authorization)"
                )
                here = Escalation(
                    index=j,
                    paths=[by_path[path_id]],
                    actions=[tagging],
                    patterns=through,
                    resources=reached,
                    others=[gate.index],
                    fixes=[fix, f"or {tagging} only on exact ARNs of principals that no condition reads {show(gate.key)} on"],
                    unlocked=[],
                )
                known = found.get(j)
                if known is None:
                    found[j] = here
                elif by_path[path_id] in known.paths:
                    found[j] = _joined(known, replace(here, paths=[], fixes=[]))
                else:
                    found[j] = _joined(known, here)
    yield from (found[j] for j in sorted(found))


def boundary_note(found: Escalation) -> str:
    """Why grants pinned to a permissions boundary still count: the Denies that would lock it."""
    if not found.unlocked:
        return ""
    return (
        " (the iam:PermissionsBoundary condition confines them to principals with that boundary, but nothing stops "
        f"the holder from removing or rewriting it: add a Deny of {listed(found.unlocked, 4)})"
    )


def describe_paths(paths: list[EscalationPath], limit: int = 3) -> str:
    """The paths with their sources, the most cited first (they are the best known), then the ids of the rest."""
    paths = sorted(paths, key=lambda p: (-len(p.sources), p.id))
    shown = "; ".join(f"{p.id} {p.title} [{p.cited()}]" for p in paths[:limit])
    rest = [p.id for p in paths[limit:]]
    more = f"; and {len(rest)} more ({', '.join(rest)})" if rest else ""
    return shown + more


@document_rule(
    "PRIVILEGE_ESCALATION",
    ERROR,
    "an Allow granting a privilege-escalation path (our catalogue, from eight public sources) beyond one named resource",
)
def privilege_escalation(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    for found in escalations(doc):
        note = boundary_note(found)
        together = f" (together with {', '.join(f'Statement[{j}]' for j in found.others)})" if found.others else ""
        yield (
            doc.at(found.index),
            f"grants the privilege-escalation path{'s' * (len(found.paths) > 1)} {describe_paths(found.paths)}{together}: "
            f"{listed(found.patterns)} allow{'s' * (len(found.patterns) == 1)} {', '.join(found.actions)} "
            f"on {listed(found.resources)}{note}, with which the holder can give itself or another principal more power "
            f"than its policies say. Narrowest fix: {'; '.join(found.fixes)}; or waive PRIVILEGE_ESCALATION with the reason",
        )
