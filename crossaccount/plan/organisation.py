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

from crossaccount.iam import iam_arn
from crossaccount.settings.models import AccountSettings, LoadedSettings, RoleSettings, StackView

from .documents import assume_roles_policy, to_json
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
