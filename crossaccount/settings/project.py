"""Rules across the stacks of one project, judged on what the read step read of them:
stack names IAM would read as one, the source account's password policy, which has one
owner, a person owned twice, and a role that two stacks would create in one account."""

from __future__ import annotations

from collections.abc import Mapping

from crossaccount import NAMESPACE
from crossaccount.errors import key
from crossaccount.inputs import ProjectFacts

from . import organisation
from .models import AccountSettings, GroupSettings, Kind, RoleSettings, StackView, UserSettings


def stack_name_problems(stack: str, project: ProjectFacts) -> list[str]:
    """Two stacks whose names differ only in case name the same IAM policies (`<user>-assume-roles-<stack>`)."""
    same = [o for o in project.other_stacks if o.name.lower() == stack.lower()]
    if not same:
        return []
    return [
        f"stack name {stack!r}: the project also has stack {same[0].name!r} ({same[0].file_name}); "
        "IAM names ignore case, so their policies <user>-assume-roles-<stack> would be one policy: rename one stack"
    ]


def password_policy_owner_problems(source_account_id: str, project: ProjectFacts) -> list[str]:
    """For a stack that sets `passwordPolicy`: the account's password policy has one owner. Two
    stacks of this project that set it for the same source account would overwrite each other at
    every `up`, and a `passwordPolicy` in `Pulumi.yaml`'s project config would make every stack
    its owner. A stack whose file cannot be read is its own stack's error, not this one's."""
    problems = []
    if "passwordPolicy" in project.project_values:
        problems.append(
            f"{NAMESPACE}:passwordPolicy: set in Pulumi.yaml, the project's config, which every stack inherits; "
            "an account has one password policy, owned by one stack: set it in that stack's file only"
        )
    for other in project.other_stacks:
        values = other.values
        if values is None or "passwordPolicy" not in other.own_keys:
            continue
        source = values.get("source")
        if isinstance(source, dict) and source.get("accountId") == source_account_id:
            problems.append(
                f"{NAMESPACE}:passwordPolicy: {other.file_name} also sets the password policy of source account {source_account_id}; "
                "an account has one password policy, owned by one stack: remove passwordPolicy from all stacks but one"
            )
    return problems


def organisation_problems(
    stack: str,
    kind: Kind,
    source: AccountSettings,
    target: AccountSettings | None,
    users: Mapping[str, UserSettings],
    roles: Mapping[str, RoleSettings],
    project: ProjectFacts,
    groups: Mapping[str, GroupSettings] | None = None,
) -> list[str]:
    """What two stacks of the project cannot both do, judged from this stack: a person created
    by two stacks, and a role (or group) that two stacks would both create in one account (IAM
    names ignore case). Each problem names this stack's key and the other stack's file."""
    problems: list[str] = []
    others = organisation.views(project)
    if kind == "people":
        owners = {
            name.lower(): view.file_name
            for view in others
            if view.kind == "people" and view.same_source(source)
            for name, user in view.users.items()
            if user.create
        }
        for name, user in users.items():
            if user.create and name.lower() in owners:
                problems.append(
                    f"{key(('users', name))}: {owners[name.lower()]} also creates this user in source account "
                    f"{source.account_id}; exactly one stack owns each person: remove it from one of them"
                )
        problems += organisation.trusted_but_not_created(source, users, groups or {}, project)
    if kind != "legacy":
        problems += organisation.tag_conflicts(kind, source, roles, project)
    problems += _group_owner_problems(source, groups or {}, others)
    if target is not None:
        created = {
            name.lower(): view.file_name
            for view in others
            if view.target is not None and view.target.account_id == target.account_id
            for name in view.roles
        }
        for name in roles:
            if name.lower() in created:
                problems.append(
                    f"{key(('roles', name))}: {created[name.lower()]} also creates a role of this name in target account "
                    f"{target.account_id} (IAM names ignore case); expected each role of an account in one stack"
                )
    return problems


def _group_owner_problems(source: AccountSettings, groups: Mapping[str, GroupSettings], others: list[StackView]) -> list[str]:
    """A group two stacks of one source account both create: each `up` would take the other's
    group over (IAM names ignore case; the second create fails with EntityAlreadyExists, or,
    imported, each stack rewrites its path and policies)."""
    owners = {
        name.lower(): view.file_name
        for view in others
        if view.kind != "roles" and view.same_source(source)
        for name in view.groups
    }
    return [
        f"{key(('groups', name))}: {owners[name.lower()]} also creates a group of this name in source account "
        f"{source.account_id} (IAM names ignore case); expected each group in one stack: remove it from one of them"
        for name in groups
        if name.lower() in owners
    ]
