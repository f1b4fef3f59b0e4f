"""Access that comes through IAM groups, read from a plan's resources (`make plan FORMAT=json`).

A group's policies are its members' policies: AWS evaluates every managed policy attached to
a group (`GroupPolicyAttachment`) and every inline policy of it (`GroupPolicy`) as part of
each member's identity-based policies (IAM User Guide, "IAM user groups" and "Policy
evaluation logic": identity-based policies include those of the user's groups). So who holds
a permission depends on two kinds of resource at once, the attachment and the membership
(`UserGroupMembership`, or the exclusive `GroupMembership`), and a change to either is a
change of access. Trust policies cannot name a group, so `trustedGroups` reaches AWS as the
members' ARNs; the plan's outputs (`groups.<name>.roles`) say which roles trust which group.

Facts only: `crossaccount.access.diff` turns two plans' facts into access changes and
`crossaccount.access.grants` into the access table's rows (`tools.render.review` prints them). Every value is read defensively (a base
plan is a file a user hands the command): what is not a string or a list of strings is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crossaccount.resource_types import (
    GROUP,
    GROUP_MEMBERSHIP,
    GROUP_POLICY,
    GROUP_POLICY_ATTACHMENT,
    POLICY,
    PROVIDER,
    USER_GROUP_MEMBERSHIP,
)

from .canonical import statements


def allows_assume(action: str) -> bool:
    """Whether an action of an Allow statement covers sts:AssumeRole: IAM matches action names
    ignoring case, `*` any run of characters and `?` one (IAM User Guide, "IAM JSON policy
    elements: Action")."""
    pattern = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in action.lower())
    return re.fullmatch(pattern, "sts:assumerole") is not None


@dataclass(frozen=True)
class GroupFacts:
    """One group as the plan leaves it in AWS."""

    name: str
    members: frozenset[str] = frozenset()
    policies: frozenset[str] = frozenset()
    """The ARNs of the managed policies attached to it."""
    inline: frozenset[str] = frozenset()
    """The names of its inline policies."""
    roles: frozenset[str] = frozenset()
    """The roles that trust it (`trustedGroups`), from the plan's outputs."""

    @property
    def carries_policies(self) -> bool:
        return bool(self.policies or self.inline)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _texts(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str) and v] if isinstance(value, list) else []


def _inputs(r: Mapping[str, Any]) -> Mapping[str, Any]:
    inputs = r.get("inputs")
    return inputs if isinstance(inputs, Mapping) else {}


GROUP_TYPES = frozenset({GROUP, GROUP_POLICY_ATTACHMENT, GROUP_POLICY, USER_GROUP_MEMBERSHIP, GROUP_MEMBERSHIP})
"""The resource types `group_facts` reads."""


def group_facts(plan: Mapping[str, Any]) -> dict[str, GroupFacts]:
    """Every group the plan creates or touches (attaches to, adds members to), by name."""
    members: dict[str, set[str]] = {}
    policies: dict[str, set[str]] = {}
    inline: dict[str, set[str]] = {}
    names: set[str] = set()
    for r in plan.get("resources", []):
        type_ = r.get("type")
        if not isinstance(type_, str) or type_ not in GROUP_TYPES:  # nearly every resource: no input read
            continue
        inputs = _inputs(r)
        if type_ == GROUP and (name := _text(inputs.get("name")) or _text(r.get("name"))):
            names.add(name)
        elif type_ == GROUP_POLICY_ATTACHMENT and (group := _text(inputs.get("group"))):
            if arn := _text(inputs.get("policyArn")):
                policies.setdefault(group, set()).add(arn)
        elif type_ == GROUP_POLICY and (group := _text(inputs.get("group"))):
            inline.setdefault(group, set()).add(_text(inputs.get("name")) or str(r.get("name")))
        elif type_ == USER_GROUP_MEMBERSHIP and (user := _text(inputs.get("user"))):
            for group in _texts(inputs.get("groups")):
                members.setdefault(group, set()).add(user)
        elif type_ == GROUP_MEMBERSHIP and (group := _text(inputs.get("group"))):
            members.setdefault(group, set()).update(_texts(inputs.get("users")))
    roles = _trusting_roles(plan)
    names |= members.keys() | policies.keys() | inline.keys()
    return {
        n: GroupFacts(
            n,
            frozenset(members.get(n, ())),
            frozenset(policies.get(n, ())),
            frozenset(inline.get(n, ())),
            frozenset(roles.get(n, ())),
        )
        for n in sorted(names)
    }


def _trusting_roles(plan: Mapping[str, Any]) -> dict[str, list[str]]:
    """`outputs.groups.<name>.roles`: the roles whose trustedGroups name the group."""
    outputs = plan.get("outputs")
    groups = outputs.get("groups") if isinstance(outputs, Mapping) else None
    if not isinstance(groups, Mapping):
        return {}
    return {n: _texts(v.get("roles")) for n, v in groups.items() if isinstance(n, str) and isinstance(v, Mapping)}


def account_ids(plan: Mapping[str, Any]) -> dict[str, str]:
    """Side (`source`/`target`) -> account id, from the providers' allowedAccountIds."""
    providers = {r.get("name"): r for r in plan.get("resources", []) if r.get("type") == PROVIDER}
    sides: dict[str, str] = {}
    for r in plan.get("resources", []):
        provider = providers.get(r.get("provider") or "")
        if r.get("account") and provider is not None:
            ids = _texts(_inputs(provider).get("allowedAccountIds")) or ["?"]
            sides.setdefault(str(r["account"]), ", ".join(ids))
    return sides


def policy_key(arn: str) -> str:
    """What identifies a customer managed policy whatever the partition: `iam::<account>:policy/<path><name>`."""
    return arn.split(":iam::", 1)[-1]


def policy_documents(plan: Mapping[str, Any]) -> dict[str, str]:
    """The documents of the managed policies the plan creates, by `policy_key` of their ARN
    (IAM computes the ARN from the account, path and name, so it is known before they exist)."""
    accounts = account_ids(plan)
    out: dict[str, str] = {}
    for r in plan.get("resources", []):
        inputs = _inputs(r)
        document = _text(inputs.get("policy"))
        account = accounts.get(str(r.get("account")))
        if r.get("type") == POLICY and document is not None and account is not None:
            name = _text(inputs.get("name")) or str(r.get("name"))
            out[f"{account}:policy{_text(inputs.get('path')) or '/'}{name}"] = document
    return out


def assumable_roles(document: str | None) -> tuple[str, ...]:
    """The resources of the Allow statements of `document` that allow sts:AssumeRole (a Deny
    is not subtracted: this names what the policy offers, for a reviewer to read)."""
    found: list[str] = []
    for s in statements(document):
        # An Allow with NotAction allows every action it does not list, sts:AssumeRole included.
        by_not_action = bool(s.not_action) and not any(allows_assume(a) for a in s.not_action)
        if s.effect == "Allow" and (any(allows_assume(a) for a in s.action) or by_not_action):
            found += [r for r in s.resource if r not in found]
    return tuple(found)


def groups_of_policy(plan: Mapping[str, Any]) -> dict[str, list[str]]:
    """`policy_key` of an attached policy -> the groups it is attached to, sorted."""
    out: dict[str, list[str]] = {}
    for group in group_facts(plan).values():
        for arn in group.policies:
            out.setdefault(policy_key(arn), []).append(group.name)
    return {k: sorted(v) for k, v in out.items()}


def arn_matches(pattern: str, arn: str) -> bool:
    """Whether a Resource of a policy covers `arn`: `*` any run of characters, `?` one, case
    kept (IAM User Guide, "IAM JSON policy elements: Resource")."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, arn) is not None


def groups_granting(
    groups: Mapping[str, GroupFacts], assumable: Mapping[str, tuple[str, ...]], user: str, role_key: str
) -> tuple[str, ...]:
    """The groups of `user` whose policies the plan creates allow sts:AssumeRole on the role
    `role_key` (`<account>:role<path><name>`, its ARN after `:iam::`, so that any partition
    matches): the identity side of the cross-account access, held through the group.
    `assumable`: `assumable_by_policy` of the plan (read once, not once per row)."""

    def covers(pattern: str) -> bool:
        return arn_matches(pattern.split(":iam::", 1)[1] if ":iam::" in pattern else pattern, role_key)

    return tuple(
        g.name
        for g in groups.values()
        if user in g.members and any(covers(r) for arn in g.policies for r in assumable.get(policy_key(arn), ()))
    )


def assumable_by_policy(groups: Mapping[str, GroupFacts], documents: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """`policy_key` -> the roles it lets its holder assume (`assumable_roles`), for each policy
    the plan creates and attaches to a group."""
    keys = {policy_key(arn) for g in groups.values() for arn in g.policies}
    return {key: assumable_roles(documents[key]) for key in sorted(keys) if key in documents}


def groups_by_member(groups: Mapping[str, GroupFacts]) -> dict[str, dict[str, GroupFacts]]:
    """user -> the groups it is a member of (so that a row of the access table looks at its own)."""
    out: dict[str, dict[str, GroupFacts]] = {}
    for g in groups.values():
        for user in sorted(g.members):
            out.setdefault(user, {})[g.name] = g
    return out


def other_policies_of(
    groups: Mapping[str, GroupFacts], documents: Mapping[str, str], user: str
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(group, its policies the plan does not create) for each group of `user` that has any:
    managed policies by ARN, inline ones as `inline <name>`. Permissions the person holds in
    the source account through the group, whose documents the plan does not show."""
    out = []
    for g in groups.values():
        managed = tuple(sorted(arn for arn in g.policies if policy_key(arn) not in documents))
        if user in g.members and (managed or g.inline):
            out.append((g.name, managed + tuple(f"inline {n}" for n in sorted(g.inline))))
    return tuple(out)
