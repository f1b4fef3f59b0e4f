"""The organisation: the project's stacks seen together, as the accounts will see them.

A project has three kinds of stack (`stack_kind`), told apart by its `users` key alone:

- the **people's stack** declares the IAM users it creates (`users`, at least one without
  `create: false`). It holds the people of the source account: users, groups, self-service,
  console sign-in, the password policy, and every person's identity side, which covers the
  roles of its own target account *and* the roles of every roles-only stack of the project
  (`remote_roles`), packed into as few managed policies as IAM's 6,144 characters allow.
- a **roles-only stack** has no `users` key: it holds only roles in its target account, and
  its `trustedUsers` / `trustedGroups` name people of the people's stack of its source
  account (`people_of`). It creates nothing in the source account.
- a **legacy stack** (today's layout before migration) re-lists every person it trusts with
  `create: false` and attaches its own `<user>-assume-roles-<stack>` policy to each. It keeps
  working: the people's stack does not grant its roles (they are granted by the legacy
  stack), and every managed policy it attaches counts against the person's quota, judged
  across the whole project (`crossaccount.plan.organisation`).

The other stacks are read from the repository's stack files (`crossaccount.read.read_project`),
the same files `pulumi up` of those stacks reads, so the people's stack's preview shows the
change of its identity policies in the same pull request that changes a target stack.

Pure: what the read step read, parsed leniently (another stack's own problems are that
stack's to report, when it is checked); no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crossaccount.inputs import OtherStack, ProjectFacts

from .models import (
    AccountSettings,
    GroupSettings,
    Kind,
    People,
    RemoteRole,
    RoleSettings,
    SelfServiceSettings,
    StackView,
    UserSettings,
)
from .parse import parse


def stack_kind(raw: Mapping[str, Any]) -> Kind:
    """`roles` without a `users` key; `legacy` when every user it lists has `create: false`."""
    users = raw.get("users")
    if users is None:
        return "roles"
    if isinstance(users, dict) and users and all(isinstance(u, dict) and u.get("create") is False for u in users.values()):
        return "legacy"
    return "people"


def _mapping(values: Mapping[str, Any], name: str) -> dict[str, Any]:
    value = values.get(name)
    return value if isinstance(value, dict) else {}


def _parsed(model: Any, value: Any, name: str) -> Any:
    """`value` as `model`, or None: another stack's problems are that stack's to report."""
    if not isinstance(value, dict):
        return None
    return parse(model, value, (name,), [])


def view_of(other: OtherStack, project: ProjectFacts) -> StackView | None:
    """What parsed of `other` (None when its file cannot be read), parsed once per project read."""
    if other.values is None:
        return None
    cached = project.views.get(other.name)
    if isinstance(cached, StackView):
        return cached
    values = other.values
    self_service = _parsed(SelfServiceSettings, values.get("selfService", {}), "selfService")
    view = StackView(
        name=other.name,
        file_name=other.file_name,
        kind=stack_kind(values),
        source=_parsed(AccountSettings, values.get("source"), "source"),
        target=_parsed(AccountSettings, values.get("target"), "target"),
        users={n: u for n, v in _mapping(values, "users").items() if (u := _parsed(UserSettings, v, "users")) is not None},
        groups={n: g for n, v in _mapping(values, "groups").items() if (g := _parsed(GroupSettings, v, "groups")) is not None},
        roles={n: r for n, v in _mapping(values, "roles").items() if (r := _parsed(RoleSettings, v, "roles")) is not None},
        self_service=self_service is not None and self_service.enabled,
        self_service_enforces_mfa=self_service is not None and self_service.enabled and self_service.enforce_mfa,
    )
    project.views[other.name] = view
    return view


def views(project: ProjectFacts) -> list[StackView]:
    """Every other stack of the project that could be read, in the order of their names."""
    return [v for o in project.other_stacks if (v := view_of(o, project)) is not None]


def people_of(source: AccountSettings, project: ProjectFacts) -> People:
    """The users and groups of the people's stacks of `source` (the first declaration wins;
    a person declared twice is `organisation_problems`' to report)."""
    users: dict[str, UserSettings] = {}
    groups: dict[str, GroupSettings] = {}
    owner: dict[str, str] = {}
    enforced: set[str] = set()
    files = []
    for view in views(project):
        if view.kind != "people" or not view.same_source(source):
            continue
        files.append(view.file_name)
        for name, user in view.users.items():
            if user.create and name not in users:
                users[name], owner[name] = user, view.file_name
                if view.self_service_enforces_mfa:
                    enforced.add(name)
        for name, group in view.groups.items():
            if name not in groups:
                groups[name], owner[f"group:{name}"] = group, view.file_name
    return People(users=users, groups=groups, owner=owner, files=tuple(files), mfa_enforced=frozenset(enforced))


def remote_roles(source: AccountSettings, project: ProjectFacts) -> tuple[RemoteRole, ...]:
    """The roles of every roles-only stack of `source`, by stack name, then role name."""
    found = []
    for view in views(project):
        if view.kind != "roles" or view.target is None or not view.same_source(source):
            continue
        found += [RemoteRole(view.name, view.file_name, n, view.target, r) for n, r in sorted(view.roles.items())]
    return tuple(found)


def trusted_elsewhere(source: AccountSettings, groups: Mapping[str, GroupSettings], project: ProjectFacts) -> set[str]:
    """The users of a people's stack that the other stacks of its source account trust: by name
    (roles-only and legacy stacks), or through one of its `groups` (roles-only stacks)."""
    names: set[str] = set()
    for view in views(project):
        if view.kind == "people" or not view.same_source(source):
            continue
        for role in view.roles.values():
            names.update(role.trusted_users)
            if view.kind == "roles":
                names.update(m for g in role.trusted_groups if g in groups for m in groups[g].members)
    return names
