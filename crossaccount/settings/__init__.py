"""Settings: the read step's values and documents in, validated settings out, or one
`SettingsError` listing every problem (each naming its key, the value and what is expected).

Pure: no file is read here and nothing of Pulumi is imported. The keys are declared in
`models`; each is checked in the module named for it (`accounts`, `users`, `roles`, `people`,
`trust_modes`, `federation`, `policy_files`, `project`), with IAM's limits from `crossaccount.iam`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from crossaccount import NAMESPACE
from crossaccount.errors import SettingsError, key, show
from crossaccount.iam import IAM_NAME_RE
from crossaccount.inputs import PROJECT_FILE, SELF_SERVICE_FILE, PolicyFile, StackInput

from . import organisation, people
from .accounts import check_account, check_partitions
from .federation import check_federation
from .invariants import parse_invariants
from .models import (
    KEYS,
    AccessInvariant,
    AccountSettings,
    GroupSettings,
    Kind,
    LoadedSettings,
    PasswordPolicySettings,
    People,
    RoleSettings,
    SelfServiceSettings,
    StackSettings,
    UserSettings,
)
from .parse import parse, parse_mapping, parse_optional_mapping, parse_policy_waivers, parse_tags
from .policy_files import check_policy_waivers, self_service_document
from .project import organisation_problems, password_policy_owner_problems, stack_name_problems
from .roles import check_roles
from .rules import check_name, check_tags, check_unique_ignoring_case
from .trust_modes import trust_mode_problems
from .users import check_users

__all__ = [
    "KEYS",
    "AccountSettings",
    "GroupSettings",
    "LoadedSettings",
    "PasswordPolicySettings",
    "RoleSettings",
    "SelfServiceSettings",
    "SettingsError",
    "StackSettings",
    "UserSettings",
    "load_settings",
]

MAX_STACK_NAME = 40
"""The stack name is part of policy names (`<user>-assume-roles-<stack>`, 128 characters at most)."""


@dataclass
class _Parsed:
    """Each part of the settings that parsed (None or left out where it did not), and the raw mappings."""

    source: AccountSettings | None
    target: AccountSettings | None
    tags: dict[str, str]
    policy_waivers: dict[str, dict[str, str]]
    raw_users: dict[str, Any]
    raw_roles: dict[str, Any]
    raw_groups: dict[str, Any]
    users: dict[str, UserSettings]
    roles: dict[str, RoleSettings]
    groups: dict[str, GroupSettings]
    self_service: SelfServiceSettings | None
    password_policy: PasswordPolicySettings | None
    require_pgp_key: bool = True
    access_invariants: list[AccessInvariant] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every role and group parsed (checks that count across them would otherwise mislead)."""
        return len(self.roles) == len(self.raw_roles) and len(self.groups) == len(self.raw_groups)


def load_settings(given: StackInput) -> LoadedSettings:
    """The stack's settings, checked; raises `SettingsError` with every problem found."""
    problems: list[str] = [
        f"{key((n,))}: unknown key; expected one of {', '.join(KEYS)}" for n in sorted(set(given.raw) - set(KEYS))
    ]
    if not IAM_NAME_RE.match(given.stack) or len(given.stack) > MAX_STACK_NAME:
        problems.append(
            f"stack name {show(given.stack)}: expected 1 to {MAX_STACK_NAME} characters of letters, digits and +=,.@_- (it is part of policy names)"
        )
    problems += stack_name_problems(given.stack, given.project)
    kind = organisation.stack_kind(given.raw)
    p = _parse_all(given.raw, problems, kind)
    directory = _directory(p, given, kind, problems)
    policy_files = _check_all(p, given, directory, problems)
    source_documents = _source_documents(p, given, kind, problems)
    if kind == "people" and p.source is not None:  # whatever else is wrong here: never revoke in silence
        problems += organisation.unseen_problems(p.source, given.project)
    if p.source is not None and not problems:  # judged across stacks once the stack itself is valid
        problems += organisation_problems(
            given.stack, kind, p.source, p.target, p.users, p.roles, given.project, p.groups if kind != "roles" else None
        )
    if problems or p.source is None or p.target is None:
        raise SettingsError(project_file_first(problems, given.inherited))
    settings = StackSettings.model_validate(
        {
            "source": p.source,
            "target": p.target,
            "users": p.users,
            "roles": p.roles,
            "tags": p.tags,
            "policyWaivers": p.policy_waivers,
            "groups": p.groups,
            "selfService": p.self_service,
            "passwordPolicy": p.password_policy,
            "requirePgpKey": p.require_pgp_key,
            "accessInvariants": p.access_invariants,
        }
    )
    return LoadedSettings(
        stack=given.stack,
        settings=settings,
        policy_files=policy_files,
        source_documents=source_documents,
        secret_paths=given.secret_paths,
        kind=kind,
        people=directory if kind == "roles" else None,
        remote_roles=organisation.remote_roles(p.source, given.project) if kind == "people" else (),
        others=tuple(organisation.views(given.project)),
        notes=(
            *organisation.unseen_notes(kind, p.source, given.project),
            *organisation.shared_account_notes(p.target, p.roles, given.project),
        ),
    )


def project_file_first(problems: list[str], inherited: frozenset[str]) -> list[str]:
    """Each problem of a key the stack inherits from `Pulumi.yaml`, named as that file's (where
    the fix goes, and the same problem for every stack), before the stack's own."""
    heads = tuple(f"{NAMESPACE}:{k}{end}" for k in sorted(inherited) for end in (":", ".", "["))
    project = [f"{PROJECT_FILE}: config {p}" for p in problems if p.startswith(heads)]
    return [*project, *(p for p in problems if not p.startswith(heads))]


def is_people_only(raw: Mapping[str, Any], kind: Kind) -> bool:
    """A people's stack with no roles of its own: no `target` and no `roles`. Its target is its
    source account (nothing is created there but what the source side creates)."""
    return kind == "people" and "target" not in raw and "roles" not in raw


def _parse_all(raw: Mapping[str, Any], problems: list[str], kind: Kind) -> _Parsed:
    source = parse(AccountSettings, raw.get("source"), ("source",), problems) if "source" in raw else None
    target = parse(AccountSettings, raw.get("target"), ("target",), problems) if "target" in raw else None
    if is_people_only(raw, kind):
        target = source
    for side in ("source", "target"):
        if side not in raw and not (side == "target" and is_people_only(raw, kind)):
            problems.append(f"{key((side,))}: missing; expected a mapping with accountId and region")
    tags = parse_tags(raw.get("tags", {}), problems)
    policy_waivers = parse_policy_waivers(raw.get("policyWaivers", {}), problems)
    raw_users = parse_mapping(raw, "users", problems) if kind != "roles" else {}
    raw_roles = (
        parse_optional_mapping(raw, "roles", problems) if is_people_only(raw, kind) else parse_mapping(raw, "roles", problems)
    )
    users = {n: u for n, v in raw_users.items() if (u := parse(UserSettings, v, ("users", n), problems))}
    roles = {n: r for n, v in raw_roles.items() if (r := parse(RoleSettings, v, ("roles", n), problems))}
    raw_groups = parse_optional_mapping(raw, "groups", problems)
    groups = {n: g for n, v in raw_groups.items() if (g := parse(GroupSettings, v, ("groups", n), problems))}
    self_service = parse(SelfServiceSettings, raw.get("selfService", {}), ("selfService",), problems)
    password_policy = (
        parse(PasswordPolicySettings, raw["passwordPolicy"], ("passwordPolicy",), problems) if "passwordPolicy" in raw else None
    )
    require_pgp_key = raw.get("requirePgpKey", True)
    if not isinstance(require_pgp_key, bool):
        problems.append(f"{key(('requirePgpKey',))}: got {show(require_pgp_key)}; expected true or false")
        require_pgp_key = False  # one error for the one mistake: nothing is created either way
    return _Parsed(
        source,
        target,
        tags,
        policy_waivers,
        raw_users,
        raw_roles,
        raw_groups,
        users,
        roles,
        groups,
        self_service,
        password_policy,
        require_pgp_key,
        parse_invariants(dict(raw), problems),
    )


def _directory(p: _Parsed, given: StackInput, kind: Kind, problems: list[str]) -> People:
    """The users and groups this stack's roles may trust: its own, or, for a roles-only stack,
    those of the people's stacks of its source account (`organisation.people_of`)."""
    if kind != "roles":
        return People(users=p.users, groups=p.groups, owner={}, files=())
    for name in ("groups", "passwordPolicy", "selfService"):
        if name in given.raw:
            problems.append(
                f"{key((name,))}: set in a stack without users, which holds only roles in its target account; "
                "expected it in the people's stack (the stack that declares the users)"
            )
    if p.source is None:
        return People(users={}, groups={}, owner={}, files=())
    directory = organisation.people_of(p.source, given.project)
    if not directory.files:
        unreadable = (
            f" ({', '.join(directory.unreadable)} cannot be read: if it is the people's stack, fix it first)"
            if directory.unreadable
            else ""
        )
        relisting = sorted(set(directory.not_created.values()))
        if relisting:
            unreadable += (
                f" ({', '.join(relisting)} lists its users with create: false only: a stack that re-lists people "
                "created elsewhere, not a people's stack)"
            )
        problems.append(
            f"{key(('users',))}: missing, so this stack holds only roles, trusted by the people of a people's stack; "
            f"the project has no stack that declares the users of source account {p.source.account_id}{unreadable}: "
            "expected users here, or a stack file whose users this stack's roles trust"
        )
    return directory


def _check_all(p: _Parsed, given: StackInput, directory: People, problems: list[str]) -> dict[str, PolicyFile]:
    """Every key's checks, in the order of the keys; returns the documents the roles name."""
    for side, account in (("source", p.source), ("target", p.target)):
        if account is not None:
            check_account(account, side, problems)
    if p.source is not None and p.target is not None:
        check_partitions(p.source, p.target, problems)
    check_tags(p.tags, ("tags",), problems)
    if "users" in given.raw and not p.raw_users:
        problems.append(f"{key(('users',))}: empty; expected at least one user")
    if "roles" in given.raw and not p.raw_roles:
        problems.append(f"{key(('roles',))}: empty; expected at least one role")
    check_unique_ignoring_case(list(p.raw_users), ("users",), "user", problems)
    check_unique_ignoring_case(list(p.raw_roles), ("roles",), "role", problems)
    for name in p.raw_users:
        check_name(name, ("users", name), "user", problems)
    for name in p.raw_roles:
        check_name(name, ("roles", name), "role", problems)
    trusted = {u for r in p.roles.values() for u in people.trusted_user_names(r, p.groups)}
    trusted |= organisation.trusted_elsewhere(p.source, p.groups, given.project) if p.source is not None else set()
    judged = (p.raw_roles and p.complete) or is_people_only(given.raw, organisation.stack_kind(given.raw))
    check_users(p.users, p.tags, trusted if judged else None, problems)
    where = ", ".join(directory.files) if directory.files else None
    declared: Mapping[str, Any] | None = p.raw_users if where is None else directory.users
    if where is None and "users" not in given.raw:
        declared = None  # a roles-only stack with no people's stack: `_directory` said so
    policy_files = check_roles(p.roles, declared, p.target, p.tags, given.policies, problems, where, directory.not_created)
    problems += trust_mode_problems(directory.users, p.roles, p.tags)
    for name, role in p.roles.items():
        check_federation(name, role, p.source, p.target, problems)
    if where is not None and p.source is not None:
        people.check_role_principals(p.source, p.roles, directory.groups, problems, where)
    check_policy_waivers(p.policy_waivers, p.roles, problems)
    return policy_files


def _source_documents(p: _Parsed, given: StackInput, kind: Kind, problems: list[str]) -> dict[str, PolicyFile]:
    """The people's checks, the self-service document (for a stack that creates users), and the
    password policy's one owner across the project."""
    if kind == "roles" or p.source is None or p.self_service is None or len(p.groups) != len(p.raw_groups):
        return {}
    people.check_people(
        p.source, p.users, p.roles, p.groups, p.self_service, p.password_policy, problems, require_pgp_key=p.require_pgp_key
    )
    documents: dict[str, PolicyFile] = {}
    if p.self_service.enabled and any(u.create for u in p.users.values()):
        document = self_service_document(given.source_policies, problems)
        if document is not None:
            documents[SELF_SERVICE_FILE] = document
    if p.password_policy is not None and not problems:  # judged across stacks once the stack itself is valid
        problems += password_policy_owner_problems(p.source.account_id, given.project)
    return documents
