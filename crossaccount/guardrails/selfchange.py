"""A role that may change itself: however exactly its policies name it, a role allowed to write its
own policies, attach policies to itself, rewrite its own trust policy or permissions boundary, or
publish new versions of the customer managed policies attached to it can give itself any permission
(pathfinding.cloud's self-escalation category: iam-005, iam-009, iam-012, iam-001 on the role's own
ARN).

PRIVILEGE_ESCALATION reports these actions on wildcards (`role/*`, `"*"`); this rule reports the
rest: the role's own ARN written out (`arn:aws:iam::444455556666:role/deployer`), or built from a
policy variable (`arn:aws:iam::${aws:PrincipalAccount}:role/deployer`, `role/${aws:PrincipalTag/x}`:
a variable may be any value, so it may be the role's own). The Resource is compared with the role's
ARN in any case: AWS matches ARNs with case ("In the Resource element, the IAM user name is case
sensitive", IAM User Guide, reference_policies_elements_resource.html), but whether a request carries
the name as written or as stored is not documented, so the louder reading is taken. A Deny without
conditions that covers the action on the role's ARN (`escalation.pattern_covers`, with case) cancels
it; an attach limited by `iam:PolicyARN` to harmless AWS managed policies (`ReadOnlyAccess`) is no
change of power.

The policy pack applies it over the stack (`pack="stack"`), where a role's inline policies are known
and its ARN is not (its account is the provider's): there any account is taken to be the role's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .catalogue import is_arn, is_broad, matches, overlaps, strings
from .escalation import POLICY_VARIABLE, attaches_only_harmless, is_denied, unconditional_denies
from .managed import AWS_MANAGED_RE
from .model import ERROR, Entity, PolicyDocument, entity_rule, show

ROLE_SELF_ACTIONS: dict[str, str] = {
    "iam:PutRolePolicy": "write its own inline policy",
    "iam:AttachRolePolicy": "attach any managed policy to itself",
    "iam:UpdateAssumeRolePolicy": "rewrite its own trust policy, and so who may assume it",
    "iam:PutRolePermissionsBoundary": "replace its own permissions boundary",
    "iam:DeleteRolePermissionsBoundary": "remove its own permissions boundary",
}
"""What each action lets a role do to itself (the role's ARN is its resource)."""
POLICY_SELF_ACTIONS: dict[str, str] = {
    "iam:CreatePolicyVersion": "publish a new version of a policy attached to it",
    "iam:SetDefaultPolicyVersion": "make another version of a policy attached to it the one in force",
}
"""What each action lets a role do to a customer managed policy attached to it."""


def _own_arn(entity: Entity) -> str | None:
    if entity.arn:
        return entity.arn
    if not entity.name:
        return None
    return f"arn:*:iam::*:role{entity.path or '/'}{entity.name}"


def _own_policies(entity: Entity) -> list[str]:
    """The customer managed policies attached to the role: those the program makes from its files, and
    those it names by ARN (any account but AWS's)."""
    named = [arn for _, arn in entity.managed_policy_arns if not AWS_MANAGED_RE.match(arn) and is_arn(arn)]
    return [*entity.policy_arns, *named]


def _names_it(resource: str, own: str) -> bool:
    """Whether a Resource value that names no wildcard may name `own` (a policy variable may be any
    value; compared in any case)."""
    if not is_arn(resource):
        return False
    return overlaps(POLICY_VARIABLE.sub("*", resource).lower(), own.lower())


def _grants(statement: Mapping[str, Any], action_name: str) -> bool:
    actions, not_actions = strings(statement, "Action"), strings(statement, "NotAction")
    if actions is not None:
        return any(matches(p, action_name) for p in actions)
    return not_actions is not None and not any(matches(p, action_name) for p in not_actions)


def _changes(
    doc: PolicyDocument, own: str, policies: list[str], denies: list[Mapping[str, Any]]
) -> Iterator[tuple[int, list[str], list[str]]]:
    """(statement index, what the role may do to itself, the Resource values that name it)."""
    targets = [(action, what, [own]) for action, what in ROLE_SELF_ACTIONS.items()]
    targets += [(action, what, policies) for action, what in POLICY_SELF_ACTIONS.items()]
    for i, statement in doc.statements():
        if statement.get("Effect") != "Allow":
            continue
        found: list[str] = []
        resources: list[str] = []
        for action_name, what, owned in targets:
            if not owned or not _grants(statement, action_name):
                continue
            if action_name == "iam:AttachRolePolicy" and attaches_only_harmless(statement):
                continue
            for target in owned:
                # a wildcard is PRIVILEGE_ESCALATION's finding; a named resource is this rule's
                named = [r for r in strings(statement, "Resource") or [] if not is_broad(r) and _names_it(r, target)]
                if named and not is_denied(denies, action_name, target):
                    found.append(f"{action_name} ({what})")
                    resources += named
                    break
        if found:
            yield i, found, sorted(set(resources))


@entity_rule(
    "ROLE_CHANGES_ITSELF",
    ERROR,
    "a role whose own policies let it change its own policies, trust policy, boundary or attached policies' versions",
    pack="stack",
)
def role_changes_itself(entity: Entity) -> Iterator[tuple[str, str]]:
    own = _own_arn(entity) if entity.kind == "role" else None
    if own is None:
        return
    documents = [*entity.permission_documents, *entity.inline_policies]
    statements = [(i, s) for doc in documents for i, s in doc.statements()]
    denies = unconditional_denies(statements)
    policies = _own_policies(entity)
    for doc in documents:
        for i, found, resources in _changes(doc, own, policies, denies):
            yield (
                entity.name_at,
                f"{doc.at(i)} allows {'; '.join(found)} on {', '.join(show(r) for r in resources)}, which names the role "
                f"itself ({show(own)}): with it the role can give itself any permission. Name only other roles and "
                "policies, or deny these actions on the role's own ARN; or waive ROLE_CHANGES_ITSELF with the reason",
            )
