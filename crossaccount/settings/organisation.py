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

from crossaccount import NAMESPACE
from crossaccount.errors import key, show
from crossaccount.inputs import OtherStack, ProjectFacts

from .accounts import check_account
from .models import (
    KEYS,
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
from .rules import check_name


def stack_kind(raw: Mapping[str, Any]) -> Kind:
    """`roles` without a `users` key; `legacy` when every user it lists has `create: false`."""
    users = raw.get("users")
    if users is None:
        return "roles"
    if isinstance(users, dict) and users and all(isinstance(u, dict) and u.get("create") is False for u in users.values()):
        return "legacy"
    return "people"


def _mapping(values: Mapping[str, Any], name: str, problems: list[str]) -> dict[str, Any]:
    value = values.get(name)
    if value is not None and not isinstance(value, dict):
        problems.append(f"{key((name,))}: got {show(value)}; expected a mapping")
    return value if isinstance(value, dict) else {}


def _parsed(model: Any, value: Any, at: tuple[str, ...], problems: list[str]) -> Any:
    """`value` as `model`, or None; what did not parse is added to `problems` (the view's)."""
    if not isinstance(value, dict):
        problems.append(f"{key(at)}: got {show(value)}; expected a mapping")
        return None
    return parse(model, value, at, problems)


def _entries(model: Any, values: Mapping[str, Any], name: str, problems: list[str]) -> dict[str, Any]:
    return {
        n: parsed
        for n, v in _mapping(values, name, problems).items()
        if (parsed := _parsed(model, v, (name, n), problems)) is not None
    }


def view_of(other: OtherStack, project: ProjectFacts) -> StackView | None:
    """What parsed of `other` (None when its file cannot be read), parsed once per project read."""
    if other.values is None:
        return None
    cached = project.views.get(other.name)
    if isinstance(cached, StackView):
        return cached
    values = other.values
    problems: list[str] = [
        f"{key((n,))}: unknown key; expected one of {', '.join(KEYS)}" for n in sorted(set(values) - set(KEYS))
    ]
    self_service = _parsed(SelfServiceSettings, values.get("selfService", {}), ("selfService",), [])
    kind = stack_kind(values)
    accounts = {
        side: _parsed(AccountSettings, values[side], (side,), problems) if side in values else None
        for side in ("source", "target")
    }
    if kind == "roles" and "target" not in values:
        problems.append(f"{key(('target',))}: missing; expected a mapping with accountId and region")
    for side, account in accounts.items():
        if account is not None:
            check_account(account, side, problems)
    roles = _entries(RoleSettings, values, "roles", problems)
    for name in _mapping(values, "roles", []):
        check_name(name, ("roles", name), "role", problems)
    view = StackView(
        name=other.name,
        file_name=other.file_name,
        kind=kind,
        source=accounts["source"],
        target=accounts["target"],
        users=_entries(UserSettings, values, "users", problems),
        groups=_entries(GroupSettings, values, "groups", problems),
        roles=roles,
        self_service=self_service is not None and self_service.enabled,
        self_service_enforces_mfa=self_service is not None and self_service.enabled and self_service.enforce_mfa,
        problems=tuple(problems),
        environments=other.environments,
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
    listed: dict[str, str] = {}
    for view in views(project):
        if view.kind == "legacy" and view.same_source(source):
            listed.update({n: view.file_name for n in view.users if n not in listed})
        if view.kind != "people" or not view.same_source(source):
            continue
        files.append(view.file_name)
        for name, user in view.users.items():
            if not user.create:
                listed.setdefault(name, view.file_name)
            elif name not in users:
                users[name], owner[name] = user, view.file_name
                if view.self_service_enforces_mfa:
                    enforced.add(name)
        for name, group in view.groups.items():
            if name not in groups:
                groups[name], owner[f"group:{name}"] = group, view.file_name
    return People(
        users=users,
        groups=groups,
        owner=owner,
        files=tuple(files),
        not_created={n: f for n, f in listed.items() if n not in users},
        unreadable=tuple(o.file_name for o in project.other_stacks if o.values is None),
        mfa_enforced=frozenset(enforced),
    )


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


def unseen_problems(source: AccountSettings, project: ProjectFacts) -> list[str]:
    """For a people's stack: the other stack files whose roles it cannot see whole.

    The people's stack grants the roles of every roles-only stack of its source account. A file
    that cannot be read, or a roles-only stack whose roles, target or source do not parse, would
    leave those roles out of the people's assume-role policies: an `up` would revoke their
    grants without a word. The people's stack is refused instead, naming the file and what is
    wrong in it; "keep the grants that file last had" would need the deployed state, which the
    program cannot read before it registers anything (docs/organisation.md)."""
    problems = []
    for other in project.other_stacks:
        fix = (
            f"fix {other.file_name} (python -m tools check --stack {other.name} lists its problems), or delete it after "
            f"`pulumi destroy --stack {other.name}`; nothing was granted or revoked"
        )
        if other.values is None:
            why = "; ".join(other.problems[:2]) or "it cannot be read"
            problems.append(
                f"{other.file_name}: cannot be read ({why}), so this people's stack cannot tell which roles it holds, and "
                f"deploying it now would revoke every grant of that stack's roles: {fix}"
            )
            continue
        view = view_of(other, project)
        if view is None or view.kind != "roles" or (view.source is not None and not view.same_source(source)):
            continue
        inherited = tuple(
            f"{NAMESPACE}:{k}{end}" for k in project.project_values if k not in other.own_keys for end in (":", ".", "[")
        )
        own = [p for p in view.problems if not p.startswith(inherited)]  # Pulumi.yaml's: this stack's own too
        if not own:
            continue
        listed = "; ".join(f"{other.file_name}: {p}" for p in own[:3])
        more = f" (and {len(own) - 3} more)" if len(own) > 3 else ""
        problems.append(
            f"{other.file_name}: a roles-only stack whose roles this people's stack grants, but part of it is invalid "
            f"({listed}{more}), so it cannot tell which of its roles to grant, and deploying it now could revoke their grants: {fix}"
        )
    return problems


def unseen_notes(kind: Kind, source: AccountSettings, project: ProjectFacts) -> list[tuple[str, str, str]]:
    """For a people's stack, (file, what is not seen) for the ESC environments of the roles-only
    stacks whose roles it grants: the program reads their files only, so a role an environment
    adds is granted by no one."""
    notes: list[tuple[str, str, str]] = []
    if kind != "people":
        return notes
    for view in views(project):
        if view.kind == "roles" and view.environments and (view.source is None or view.same_source(source)):
            notes.append(
                (
                    "ESC_UNSEEN",
                    view.file_name,
                    f"imports the Pulumi ESC environment(s) {', '.join(view.environments)}, which neither the offline "
                    f"commands nor this stack's program read: this people's stack grants only the roles written in "
                    f"{view.file_name} (a role, a target or a trust the environment sets is not granted here): keep "
                    f"{NAMESPACE}:roles and {NAMESPACE}:target in {view.file_name} itself",
                )
            )
    return notes


def trusted_but_not_created(
    source: AccountSettings, users: Mapping[str, UserSettings], groups: Mapping[str, GroupSettings], project: ProjectFacts
) -> list[str]:
    """For a people's stack: the names the roles-only stacks of its source account trust that no
    people's stack creates (a person removed here whom another stack still trusts). That
    stack's trust policy would name a user who does not exist, which IAM refuses
    (MalformedPolicyDocument) at its next `up`; the people's `make check` says so, naming the
    other file's key, rather than only `check --all`."""
    directory = people_of(source, project)
    created = {n for n, u in users.items() if u.create} | set(directory.users)
    known_groups = set(groups) | set(directory.groups)
    problems = []
    for view in views(project):
        if view.kind != "roles" or not view.same_source(source):
            continue
        for name, role in view.roles.items():
            for field_name, names, known, what in (
                ("trustedUsers", role.trusted_users, created, "user"),
                ("trustedGroups", role.trusted_groups, known_groups, "group"),
            ):
                for i, trusted in enumerate(names):
                    if trusted in known:
                        continue
                    problems.append(
                        f"{view.file_name}: {key(('roles', name, field_name, i))}: trusts {what} {show(trusted)}, which no "
                        f"people's stack of source account {source.account_id} creates ({_here(trusted, what, users)}); "
                        f"expected {show(trusted)} {'created' if what == 'user' else 'declared'} here, "
                        f"or removed from that role's {field_name} in {view.file_name}"
                    )
    return problems


def _here(name: str, what: str, users: Mapping[str, UserSettings]) -> str:
    if what == "user" and name in users:
        return f"it is listed under {key(('users', name))} here with create: false"
    return f"not under {key(('users' if what == 'user' else 'groups',))} here"


def tag_conflicts(kind: Kind, source: AccountSettings, roles: Mapping[str, RoleSettings], project: ProjectFacts) -> list[str]:
    """Roles of different stacks that trust one user by the same tag key (ignoring case) with
    different values (`trust: tag`): the people's stack puts one value on the user, so one of
    the roles is unreachable. A roles-only stack names its role's key and the other file's; the
    people's stack, which tags the user, names the user and both."""
    demands: dict[tuple[str, str], list[tuple[str, str, str | None]]] = {}  # (user, key) -> [(k=v, where, file)]

    def collect(role_map: Mapping[str, RoleSettings], file_name: str | None) -> None:
        for name, role in role_map.items():
            if role.trust != "tag" or role.trusted_tag is None:
                continue
            tag = role.trusted_tag
            for user in role.trusted_users:
                where = key(("roles", name, "trustedTag"))
                demands.setdefault((user, tag.key.lower()), []).append((f"{tag.key}={tag.value}", where, file_name))

    collect(roles, None)
    for view in views(project):
        if view.kind in ("roles", "people") and view.same_source(source):
            collect(view.roles, view.file_name)
    problems = []
    for (user, _), found in sorted(demands.items()):
        if len({tag for tag, _, _ in found}) < 2 or all(f is None for _, _, f in found):
            continue  # one value, or only this stack's roles (trust_mode_problems)
        shown = "; ".join(f"{tag} for {f or 'this stack'}: {where}" for tag, where, f in found)
        if kind == "people":
            problems.append(
                f"{key(('users', user))}: roles trust this user by tag with different values ({shown}); the user "
                "carries one value per key (ignoring case), so one of the roles is unreachable: expected the same trustedTag"
            )
            continue
        for tag, where, file_name in found:
            if file_name is not None:
                continue
            others = "; ".join(f"{t} for {f}: {w}" for t, w, f in found if f is not None and t != tag)
            if others:
                problems.append(
                    f"{where}: trusts user {user!r} by tag {tag}, and other stacks by {others}; the user carries one value "
                    "per key (ignoring case), so one of the roles is unreachable: expected the same trustedTag"
                )
    return problems


def shared_account_notes(
    target: AccountSettings, roles: Mapping[str, RoleSettings], project: ProjectFacts
) -> list[tuple[str, str, str]]:
    """A warning (ORG_SHARED_ACCOUNT) for each other stack that also creates roles in this
    stack's target account. Where two stacks would create one name there, that is an error
    (`organisation_problems`, `crossaccount.plan.organisation`); otherwise both may deploy
    there, but the usual cause is a copied stack file whose accountId was not changed, which
    would put its roles, and their trust, into the wrong account."""
    if not roles:
        return []
    return [
        (
            "ORG_SHARED_ACCOUNT",
            key(("target", "accountId")),
            f"{view.file_name} also creates roles in account {target.account_id}; no name collides, so both stacks may "
            "deploy there: expected one stack per account unless that is meant (a copied stack file whose accountId was "
            "not changed deploys its roles, and their trust, into the wrong account)",
        )
        for view in views(project)
        if view.roles and view.target is not None and view.target.account_id == target.account_id
    ]
