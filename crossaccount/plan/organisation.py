"""A person's managed policies across the project's stacks: IAM counts every policy attached
to a user, whichever stack attached it, against one quota (10 by default, 20 at most).

The people's stack attaches the self-service policy and the packed assume-role policies of
its own and every roles-only stack's roles; each legacy stack (people re-listed with
`create: false`) attaches its own `<user>-assume-roles-<stack>` policies. Each stack judges
the people it attaches policies to against the sum, so a person past the quota is refused by
`make check` and before any `up`, not by `LimitExceeded` half-way through one. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from crossaccount.errors import key
from crossaccount.iam import iam_arn
from crossaccount.settings.models import AccountSettings, LoadedSettings, RoleSettings, StackView

from .documents import assume_roles_policy, to_json
from .model import GroupPlan, RolePlan, SelfServicePlan, UserPlan
from .names import group_policy_name, role_policy_name, self_service_policy_name, user_policy_name
from .packing import pack


def policy_count(user: str, roles: Mapping[str, tuple[RoleSettings, str]]) -> int:
    """How many assume-role policies `user` needs for `roles` (key -> (settings, ARN)), packed."""
    if not roles:
        return 0
    return len(pack(list(roles), lambda names: assume_roles_policy(user, {n: roles[n] for n in names}), to_json))


def _arn(target: AccountSettings, name: str, role: RoleSettings) -> str:
    return iam_arn(target.partition, target.account_id, "role", role.path, name)


def _direct(view: StackView, user: str, prefix: str = "") -> dict[str, tuple[RoleSettings, str]]:
    if view.target is None:
        return {}
    target = view.target
    return {f"{prefix}{n}": (r, _arn(target, n, r)) for n, r in view.roles.items() if user in r.trusted_users}


def policies_elsewhere(loaded: LoadedSettings, users: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
    """user -> [(the other stack's file, the managed policies it attaches to the user)], for the
    users this stack attaches policies to. A people's stack counts the legacy stacks; a legacy
    stack counts the people's stack (its assume-role parts and self-service) and the other
    legacy stacks."""
    source = loaded.settings.source
    others = [v for v in loaded.others if v.same_source(source)]
    legacy = [v for v in others if v.kind == "legacy"]
    found: dict[str, list[tuple[str, int]]] = {}
    for user in users:
        counts = [(v.file_name, policy_count(user, _direct(v, user))) for v in legacy]
        if loaded.kind == "legacy":
            counts += [(v.file_name, _people_count(v, others, user)) for v in others if v.kind == "people" and user in v.users]
        found[user] = [(f, n) for f, n in counts if n]
    return found


def _people_count(people: StackView, others: list[StackView], user: str) -> int:
    """What the people's stack attaches to `user`: its assume-role parts and the self-service policy."""
    roles = _direct(people, user)
    for view in others:
        if view.kind == "roles":
            roles.update(_direct(view, user, f"{view.name}/"))
    created = people.users[user].create
    return policy_count(user, roles) + int(people.self_service and created)


@dataclass(frozen=True)
class MigrationPeak:
    """A person past IAM's quota while one legacy stack is migrated to roles only: after `up` of
    the people's stack (which then grants that stack's roles too) and before `up` of the migrated
    stack (which deletes its old `<user>-assume-roles-<stack>` policies), both sets are attached."""

    user: str
    legacy_file: str
    """The legacy stack whose migration makes the peak."""
    people_count: int
    """The people's stack's managed policies on the user once it grants that stack's roles (self-service included)."""
    legacy_count: int
    """The migrated stack's old assume-role policies, still attached at that step."""
    others: tuple[tuple[str, int], ...]
    """The other legacy stacks' policies on the user: (file, count)."""

    @property
    def total(self) -> int:
        return self.people_count + self.legacy_count + sum(n for _, n in self.others)


def migration_peaks(loaded: LoadedSettings, users: Iterable[str], quota: int) -> list[MigrationPeak]:
    """For a people's stack: each (person, legacy stack) whose migration, done next by the
    documented order (docs/organisation.md, people's stack first), would attach more than
    `quota` managed policies to the person at the step where both layouts' policies exist
    (IAM then answers the people's stack's `up` with LimitExceeded)."""
    source = loaded.settings.source
    others = [v for v in loaded.others if v.same_source(source)]
    legacy = [v for v in others if v.kind == "legacy"]
    if loaded.kind != "people" or not legacy:
        return []
    people = StackView(
        name=loaded.stack,
        file_name="",
        kind="people",
        source=source,
        target=loaded.settings.target,
        users=loaded.settings.users,
        groups=loaded.settings.groups,
        roles=loaded.settings.roles,
        self_service=loaded.settings.self_service.enabled,
    )
    peaks = []
    for user in users:
        if user not in people.users:
            continue
        counts = {v.file_name: policy_count(user, _direct(v, user)) for v in legacy}
        for view in legacy:
            if not counts[view.file_name]:
                continue
            migrated = _people_count(people, [*others, replace(view, kind="roles")], user)
            peak = MigrationPeak(
                user,
                view.file_name,
                migrated,
                counts[view.file_name],
                tuple((f, n) for f, n in counts.items() if n and f != view.file_name),
            )
            if peak.total > quota:
                peaks.append(peak)
    return peaks


Named = dict[tuple[str, str], tuple[str, str]]
"""(account id, lower-case name) -> (the name as written, where it comes from)."""


def _packed_names(base: str, user: str, roles: Mapping[str, tuple[RoleSettings, str]]) -> list[str]:
    """The names of `user`'s assume-role policies for `roles`: `base`, or its parts `base-<bits>`."""
    if not roles:
        return []
    parts = pack(list(roles), lambda names: assume_roles_policy(user, {n: roles[n] for n in names}), to_json)
    return [f"{base}-{p.bits}" if p.bits else base for p in parts]


def _policies_of(view: StackView, others: list[StackView], accounts: set[str]) -> Named:
    """The customer managed policies `view` would create in `accounts`: its roles' policies (target
    account) and, in the source account, its users' assume-role policies (packed as its plan packs
    them, over `others`, the project's stacks but `view`), its groups' and its self-service policy."""
    found: Named = {}
    if view.target is not None and view.target.account_id in accounts:
        for name, role in view.roles.items():
            for i, file_name in enumerate(role.policy_files):
                policy = role_policy_name(name, file_name)
                found[(view.target.account_id, policy.lower())] = (policy, key(("roles", name, "policyFiles", i)))
    if view.source is None or view.kind == "roles" or view.source.account_id not in accounts:
        return found
    account = view.source.account_id
    for user, settings in view.users.items():
        roles = _direct(view, user)
        if view.kind == "people":
            for other in others:
                if other.kind == "roles" and other.same_source(view.source):
                    roles.update(_direct(other, user, f"{other.name}/"))
        for policy in _packed_names(user_policy_name(view.name, user), user, roles):
            found[(account, policy.lower())] = (policy, key(("users", user)))
        if view.kind == "people" and view.self_service and settings.create:
            policy = self_service_policy_name(view.name)
            found[(account, policy.lower())] = (policy, key(("selfService",)))
    for group in view.groups:
        if any(group in r.trusted_groups for r in view.roles.values()):
            policy = group_policy_name(view.name, group)
            found[(account, policy.lower())] = (policy, key(("groups", group)))
    return found


def policy_name_collisions(
    loaded: LoadedSettings,
    roles: list[RolePlan],
    users: list[UserPlan],
    groups: list[GroupPlan],
    self_service: SelfServicePlan | None,
) -> list[str]:
    """Every customer managed policy name this stack and another stack of the project would both
    create in one account, ignoring case as IAM does (CreatePolicy: EntityAlreadyExists, at the
    second stack's `up`): a role's derived policy `<role>-<file>`, a part of a person's packed
    assume-role policies `<user>-assume-roles-<stack>[-<bits>]`, a legacy stack's policy, a group's,
    the self-service policy; a roles-only stack whose target is the source account meets the
    people's stack's names there. Each names this stack's key and the other stack's file and key."""
    s = loaded.settings
    mine: list[tuple[str, str, str]] = [
        (s.target.account_id, p.name, key(("roles", r.name, "policyFiles", i))) for r in roles for i, p in enumerate(r.policies)
    ]
    mine += [(s.source.account_id, a.name, key(("users", u.name))) for u in users for a in u.assume_policies]
    mine += [(s.source.account_id, a.name, key(("groups", g.name))) for g in groups for a in g.assume_policies]
    if self_service is not None:
        mine.append((s.source.account_id, self_service.name, key(("selfService",))))
    here = StackView(
        loaded.stack, f"Pulumi.{loaded.stack}.yaml", loaded.kind, s.source, s.target, s.users, s.groups, s.roles, False
    )
    stacks = [here, *loaded.others]
    accounts = {account for account, _, _ in mine}
    problems = []
    for view in loaded.others:
        theirs = _policies_of(view, [v for v in stacks if v is not view], accounts)
        for account, name, where in mine:
            found = theirs.get((account, name.lower()))
            if found is None:
                continue
            their_name, their_where = found
            problems.append(
                f"{where}: the policy {name!r} it creates in account {account} has the name of the policy {their_name!r} "
                f"that {view.file_name} creates there ({their_where}); IAM names ignore case, and the second `up` would "
                "fail (EntityAlreadyExists): rename the role, the policy file, the user or one of the stacks"
            )
    return problems
