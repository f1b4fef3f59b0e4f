"""`build_stack_plan`: every role, user and group of a stack with its names, ARNs and documents."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from crossaccount.iam import POLICY_VERSION, iam_arn, permission_set_role_pattern
from crossaccount.inputs import SELF_SERVICE_FILE, UNDECRYPTED
from crossaccount.settings.models import AccountSettings, GroupSettings, LoadedSettings, RoleSettings, StackSettings, UserSettings
from crossaccount.settings.people import groups_of, trusted_user_names

from . import selfservice
from .access import (
    assume_role_command,
    assume_route,
    aws_config_profile,
    config_lines,
    console_sign_in_url,
    profile_name,
    role_profile_name,
    sso_config_profile,
    switch_role_url,
    user_profile,
)
from .conflicts import (
    group_policy_count_problems,
    group_resource_name_problems,
    policy_name_problems,
    self_service_size_problems,
    source_policy_name_problems,
    user_policy_count_problems,
)
from .dayone import DayOnePlan, DayOneRole, Person, day_one
from .documents import (
    account_wide_trust_policy,
    assume_roles_policy,
    permission_set_policy,
    role_trust_policy,
    saml_audiences,
    to_json,
    trust_actions,
    trust_conditions,
    trust_tags,
)
from .model import (
    AccessPlan,
    AssumePolicyPlan,
    FederatedAccessPlan,
    GroupPlan,
    LoginProfilePlan,
    PermissionPolicyPlan,
    PermissionSetAccessPlan,
    RolePlan,
    SelfServicePlan,
    StackPlan,
    UserPlan,
)
from .names import group_policy_name, role_policy_name, self_service_policy_name, user_policy_name
from .organisation import policy_name_collisions
from .packing import pack
from .route import MfaSession, decide_mfa, mfa_session_profile, session_seconds


@dataclass(frozen=True)
class _Arns:
    """The ARN of every principal the stack names, computed once."""

    users: Mapping[str, str]
    mfa_serials: Mapping[str, str]
    profiles: Mapping[str, str]
    roles: Mapping[str, str]
    """role -> ARN: this stack's roles, and (a people's stack) the roles-only stacks' by `<stack>/<role>`."""
    trusted: Mapping[str, list[str]]
    """role -> the users it trusts (trustedUsers, then its groups' members)."""
    role_settings: Mapping[str, RoleSettings]
    """This stack's roles and the remote roles, by the same keys as `roles`."""
    mfa_enforced: frozenset[str] = frozenset()
    """The users whose self-service policy denies all but enrolment without MFA."""
    sessions: Mapping[str, MfaSession] = field(default_factory=dict)
    """user -> the MFA session step of its routes to this stack's roles, where one requires MFA."""


def _directory(loaded: LoadedSettings) -> tuple[Mapping[str, UserSettings], Mapping[str, GroupSettings]]:
    """The users and groups the roles may trust: the stack's own, or the people's stacks'."""
    if loaded.people is not None:
        return loaded.people.users, loaded.people.groups
    return loaded.settings.users, loaded.settings.groups


def _arns(loaded: LoadedSettings) -> _Arns:
    s = loaded.settings
    src, tgt = s.source, s.target
    users, groups = _directory(loaded)
    role_settings: dict[str, RoleSettings] = dict(s.roles)
    roles = {n: iam_arn(tgt.partition, tgt.account_id, "role", r.path, n) for n, r in s.roles.items()}
    for remote in loaded.remote_roles:
        role_settings[remote.key] = remote.settings
        roles[remote.key] = iam_arn(remote.target.partition, remote.target.account_id, "role", remote.settings.path, remote.name)
    return _Arns(
        users={n: iam_arn(src.partition, src.account_id, "user", u.path, n) for n, u in users.items()},
        mfa_serials={n: iam_arn(src.partition, src.account_id, "mfa", "/", u.mfa_device_name or n) for n, u in users.items()},
        profiles={n: user_profile(s, n, u.profile) for n, u in users.items()},
        roles=roles,
        trusted={n: trusted_user_names(r, groups) for n, r in role_settings.items()},
        role_settings=role_settings,
    )


def _mfa_enforced(loaded: LoadedSettings) -> frozenset[str]:
    """Who gets a self-service policy that enforces MFA: the users this stack creates (as
    `_self_service_plan` decides), or, for a roles-only stack, the people's stacks' say."""
    if loaded.people is not None:
        return loaded.people.mfa_enforced
    s = loaded.settings
    if not (s.self_service.enabled and s.self_service.enforce_mfa) or SELF_SERVICE_FILE not in loaded.source_documents:
        return frozenset()
    return frozenset(n for n, u in s.users.items() if u.create)


def _with_mfa(loaded: LoadedSettings, arns: _Arns) -> _Arns:
    """`arns` with who must sign in with MFA, and each such user's one session step."""
    enforced = _mfa_enforced(loaded)
    elsewhere = _mfa_ages_elsewhere(loaded)
    legacy_of: dict[str, list[RoleSettings]] = {}
    for legacy in _legacy_roles(loaded).values():
        for trusted_user in legacy.settings.trusted_users:
            legacy_of.setdefault(trusted_user, []).append(legacy.settings)
    sessions = {}
    for user in sorted(arns.users):
        # Every role the stack knows the route to: a people's stack's own and the roles-only
        # stacks' (`remote_roles`), so a person trusted only by other stacks' roles has a session
        # step here too, as long as the shortest `mfaMaxAgeSeconds` of all of them.
        needing = [
            role
            for name, role in arns.role_settings.items()
            if user in arns.trusted[name] and decide_mfa(role.require_mfa, user in enforced).required
        ]
        needing += [r for r in legacy_of.get(user, []) if decide_mfa(r.require_mfa, user in enforced).required]
        if needing:
            ages = [r.mfa_max_age_seconds for r in needing if r.require_mfa and r.mfa_max_age_seconds is not None]
            ages += elsewhere.get(user, [])
            profile = arns.profiles[user]
            sessions[user] = MfaSession(profile, mfa_session_profile(profile), arns.mfa_serials[user], session_seconds(ages))
    return replace(arns, mfa_enforced=enforced, sessions=sessions)


@dataclass(frozen=True)
class _DayOneRole:
    settings: RoleSettings
    arn: str
    target: AccountSettings
    secret: bool
    """Its externalId is a secret: kept out of the day-one outputs, which are not secret."""


def _legacy_roles(loaded: LoadedSettings) -> dict[str, _DayOneRole]:
    """A people's stack: the roles of the legacy stacks of its source account (people re-listed
    with `create: false`), which hold their own identity side but belong in the person's
    `~/.aws/config` all the same, by `<stack>/<role>`."""
    if loaded.kind != "people" or loaded.people is not None:
        return {}
    found = {}
    for view in loaded.others:
        if view.kind != "legacy" or view.target is None or not view.same_source(loaded.settings.source):
            continue
        t = view.target
        for name, role in sorted(view.roles.items()):
            arn = iam_arn(t.partition, t.account_id, "role", role.path, name)
            found[f"{view.name}/{name}"] = _DayOneRole(role, arn, t, role.external_id == UNDECRYPTED)
    return found


def _day_one_roles(loaded: LoadedSettings, arns: _Arns) -> dict[str, _DayOneRole]:
    """Every role a person of this stack may reach, by its key: this stack's, the roles-only
    stacks' (`<stack>/<role>`) and the legacy stacks'."""
    s = loaded.settings
    roles = {n: _DayOneRole(r, arns.roles[n], s.target, loaded.is_secret("roles", n, "externalId")) for n, r in s.roles.items()}
    for remote in loaded.remote_roles:
        roles[remote.key] = _DayOneRole(
            remote.settings, arns.roles[remote.key], remote.target, remote.settings.external_id == UNDECRYPTED
        )
    roles.update(_legacy_roles(loaded))
    return roles


def _mfa_ages_elsewhere(loaded: LoadedSettings) -> dict[str, list[int]]:
    """user -> the `mfaMaxAgeSeconds` of the other stacks' roles that trust them: the one session
    profile (`<profile>-mfa`) serves every stack, so every stack's `mfaSessionCommand` asks for a
    session no longer than the shortest of them (an older MFA is refused by that role's trust)."""
    _, groups = _directory(loaded)
    ages: dict[str, list[int]] = {}
    for view in loaded.others:
        if not view.same_source(loaded.settings.source):
            continue
        for role in view.roles.values():
            if role.require_mfa and role.mfa_max_age_seconds is not None:
                for user in trusted_user_names(role, groups):
                    ages.setdefault(user, []).append(role.mfa_max_age_seconds)
    return ages


def build_stack_plan(loaded: LoadedSettings) -> StackPlan:
    """Every name, ARN and document of the stack. Pure: same settings, same bytes."""
    s = loaded.settings
    src, tgt = s.source, s.target
    arns = _with_mfa(loaded, _arns(loaded))
    roles = [_role_plan(loaded, name, role, arns) for name, role in s.roles.items()]
    self_service = _self_service_plan(loaded)
    users = _user_plans(loaded, arns, self_service) if loaded.people is None else _trusted_people(loaded, arns)
    groups = [_group_plan(loaded, name, arns) for name in s.groups]
    same_account = src.account_id == tgt.account_id
    problems = user_policy_count_problems(users, loaded)
    problems += group_policy_count_problems(groups)
    problems += group_resource_name_problems(groups)
    problems += policy_name_problems(roles, users, same_account=same_account)
    problems += source_policy_name_problems(users, groups, self_service, roles if same_account else [])
    problems += self_service_size_problems(self_service, sorted({u.path for u in users if u.self_service}))
    if loaded.others:
        problems += policy_name_collisions(loaded, roles, users, groups, self_service)
    return StackPlan(
        stack=loaded.stack,
        settings=s,
        users=tuple(users),
        roles=tuple(roles),
        groups=tuple(groups),
        self_service=self_service,
        password_policy=s.password_policy,
        console_sign_in_url=console_sign_in_url(s),
        kind=loaded.kind,
        notes=loaded.notes,
        problems=tuple(problems),
    )


def _role_plan(loaded: LoadedSettings, name: str, role: RoleSettings, arns: _Arns) -> RolePlan:
    s = loaded.settings
    tgt = s.target
    role_arn = arns.roles[name]
    policies = tuple(
        PermissionPolicyPlan(
            file_name=f,
            name=role_policy_name(name, f),
            arn=iam_arn(tgt.partition, tgt.account_id, "policy", "/", role_policy_name(name, f)),
            document=loaded.policy_files[f].text,
        )
        for f in role.policy_files
    )
    access = []
    for u in arns.trusted[name]:
        mfa = decide_mfa(role.require_mfa, u in arns.mfa_enforced)
        route = assume_route(role, role_arn, u, arns.profiles[u], arns.sessions[u] if mfa.required else None)
        access.append(
            AccessPlan(
                user=u,
                assume_role_command=assume_role_command(route),
                aws_config_profile=aws_config_profile(s, role, name, route),
                profile_name=role_profile_name(s, name),
                route=route,
                mfa=mfa,
            )
        )
    trust = (
        role_trust_policy(role, arns.trusted[name], arns.users, s.source, tgt)
        if role.trust == "users"
        else account_wide_trust_policy(role, s.source, trust_conditions(role), trust_actions(role), POLICY_VERSION)
    )
    return RolePlan(
        name=name,
        path=role.path,
        arn=role_arn,
        description=role.description,
        max_session_duration=role.max_session_duration,
        permissions_boundary=role.permissions_boundary,
        tags={**s.tags, **role.tags},
        trust_document=to_json(trust),
        policies=policies,
        managed_policy_arns=tuple(role.managed_policy_arns),
        switch_role_url=switch_role_url(s, name),
        access=tuple(access),
        secret=loaded.is_secret("roles", name, "externalId"),
        adopt=role.import_,
        adopt_policies=role.import_policies,
        permission_sets=_permission_set_access(s, name, role, role_arn),
        federated=_federated_access(role, tgt.region),
    )


def _permission_set_access(s: StackSettings, name: str, role: RoleSettings, role_arn: str) -> tuple[PermissionSetAccessPlan, ...]:
    """For each trusted permission set: its role's pattern, the inline policy Identity Center
    must give it, and the profiles its people copy."""
    return tuple(
        PermissionSetAccessPlan(
            permission_set=p,
            principal_arn_pattern=permission_set_role_pattern(s.source.partition, s.source.account_id, role.sso_region or "", p),
            inline_policy=to_json(permission_set_policy(role, role_arn)),
            aws_config_profile=sso_config_profile(s, role, name, role_arn, p),
            profile_name=role_profile_name(s, name),
        )
        for p in role.trusted_permission_sets
    )


def _federated_access(role: RoleSettings, region: str) -> tuple[FederatedAccessPlan, ...]:
    audiences = tuple(saml_audiences(role, region))
    saml = [FederatedAccessPlan("saml", arn, audiences) for arn in role.trusted_saml_providers]
    oidc = [FederatedAccessPlan("oidc", p.arn, (p.audience,), p.subject) for p in role.trusted_oidc_providers]
    return tuple(saml + oidc)


def _user_plans(loaded: LoadedSettings, arns: _Arns, self_service: SelfServicePlan | None) -> list[UserPlan]:
    """The stack's users; a people's stack grants them its own roles and the roles-only stacks'."""
    s = loaded.settings
    roles_of: dict[str, list[str]] = {}
    for role_key in sorted(arns.role_settings):
        for u in arns.trusted[role_key]:
            roles_of.setdefault(u, []).append(role_key)
    # user -> the roles that list it in trustedUsers, in one pass (a scan of every role per
    # user is quadratic: seconds at 4,000 users)
    direct_of: dict[str, dict[str, tuple[RoleSettings, str]]] = {}
    for role_key, role in arns.role_settings.items():
        for trusted_user in role.trusted_users:
            direct_of.setdefault(trusted_user, {})[role_key] = (role, arns.roles[role_key])
    tags_for_trust = trust_tags(arns.role_settings)
    reachable = _day_one_roles(loaded, arns)
    day_one_of = {u: list(keys) for u, keys in roles_of.items()}
    for role_key in sorted(reachable.keys() - arns.role_settings.keys()):
        for trusted_user in reachable[role_key].settings.trusted_users:
            day_one_of.setdefault(trusted_user, []).append(role_key)
    users = []
    for name, user in s.users.items():
        trusting = direct_of.get(name, {})
        assume = _assume_policies(loaded.stack, s, name, trusting) if trusting else ()
        console = None
        if user.console_access:
            console = LoginProfilePlan(user.pgp_key, selfservice.initial_password_length(s.password_policy), adopt=user.import_)
        users.append(
            UserPlan(
                name=name,
                path=user.path,
                arn=arns.users[name],
                create=user.create,
                tags={**s.tags, **user.tags, **tags_for_trust.get(name, {})},
                mfa_serial=arns.mfa_serials[name],
                policy_name=assume[0].name if assume else None,
                policy_arn=assume[0].arn if assume else None,
                policy_document=assume[0].document if assume else None,
                roles=tuple(roles_of.get(name, ())),
                direct_roles=tuple(sorted(trusting)),
                groups=tuple(groups_of(name, s.groups)),
                self_service=self_service is not None and name in self_service.users,
                console=console,
                mfa_session=arns.sessions.get(name),
                profile=arns.profiles[name],
                adopt=user.import_,
                assume_policies=assume,
                day_one=_day_one(loaded, arns, name, user, self_service, reachable, day_one_of.get(name, []))
                if user.create
                else None,
            )
        )
    return users


def _day_one(
    loaded: LoadedSettings,
    arns: _Arns,
    name: str,
    user: UserSettings,
    self_service: SelfServicePlan | None,
    reachable: Mapping[str, _DayOneRole],
    role_keys: list[str],
) -> DayOnePlan:
    """The person's `~/.aws/config` and steps over every role that trusts them, of any stack."""
    s = loaded.settings
    session = arns.sessions.get(name)
    roles = []
    for role_key in role_keys:
        reached = reachable[role_key]
        role, target = reached.settings, reached.target
        mfa = decide_mfa(role.require_mfa, name in arns.mfa_enforced)
        route = assume_route(role, reached.arn, name, arns.profiles[name], session if mfa.required else None)
        role_name = role_key.rsplit("/", 1)[-1]
        lines = config_lines(target, role, role_name, route)
        config = None if lines is None else tuple(lines)
        no_profile = ""
        if config is None:
            no_profile = "it requires a source identity, which no profile key sets"
        command = assume_role_command(route)
        if reached.secret:  # never in these outputs, which are not secret: the role's own outputs are
            config, command = None, ""
            no_profile = "its externalId is a secret: take its awsConfigProfile from its stack's outputs, with --show-secrets"
        roles.append(DayOneRole(role_key, profile_name(target, role_name), route, config, command, no_profile))
    person = Person(
        name=name,
        profile=arns.profiles[name],
        mfa_serial=arns.mfa_serials[name],
        device_name=user.mfa_device_name or name,
        self_service=self_service is not None and name in self_service.users,
        enforce_mfa=name in arns.mfa_enforced,
        console=user.console_access,
        console_sign_in_url=console_sign_in_url(s),
        pgp_key=user.pgp_key is not None,
    )
    return day_one(person, session, roles)


def _trusted_people(loaded: LoadedSettings, arns: _Arns) -> list[UserPlan]:
    """A roles-only stack: the people its roles trust, referenced, never created or changed
    (their identity side is the people's stack's), in the order of the people's stack."""
    users, _ = _directory(loaded)
    roles_of: dict[str, list[str]] = {}
    for role_name in sorted(loaded.settings.roles):
        for u in arns.trusted[role_name]:
            roles_of.setdefault(u, []).append(role_name)
    return [
        UserPlan(
            name=name,
            path=user.path,
            arn=arns.users[name],
            create=False,
            tags={},
            mfa_serial=arns.mfa_serials[name],
            policy_name=None,
            policy_arn=None,
            policy_document=None,
            roles=tuple(roles_of[name]),
            profile=arns.profiles[name],
            mfa_session=arns.sessions.get(name),
        )
        for name, user in users.items()
        if name in roles_of
    ]


def _group_plan(loaded: LoadedSettings, name: str, arns: _Arns) -> GroupPlan:
    s = loaded.settings
    src = s.source
    group = s.groups[name]
    granted = {r: (role, arns.roles[r]) for r, role in arns.role_settings.items() if name in role.trusted_groups}
    # One policy for every member: the source identity is pinned with the policy variable.
    parts = _packed(s, group_policy_name(loaded.stack, name), "${aws:username}", granted) if granted else ()
    return GroupPlan(
        name=name,
        path=group.path,
        arn=iam_arn(src.partition, src.account_id, "group", group.path, name),
        members=tuple(group.members),
        roles=tuple(sorted(granted)),
        policy_name=parts[0].name if parts else None,
        policy_arn=parts[0].arn if parts else None,
        policy_document=parts[0].document if parts else None,
        managed_policy_arns=tuple(group.managed_policy_arns),
        tags=dict(s.tags),
        assume_policies=parts,
    )


def _self_service_plan(loaded: LoadedSettings) -> SelfServicePlan | None:
    """For a stack that creates users (and has not turned it off): one policy for all of them."""
    s = loaded.settings
    owned = tuple(n for n, u in s.users.items() if u.create)
    template = loaded.source_documents.get(SELF_SERVICE_FILE)
    if not s.self_service.enabled or not owned or template is None:
        return None
    name = self_service_policy_name(loaded.stack)
    paths = sorted({s.users[n].path for n in owned})
    document = selfservice.self_service_document(
        template.document, s.source.partition, s.source.account_id, s.self_service.enforce_mfa, paths
    )
    return SelfServicePlan(
        name=name,
        arn=iam_arn(s.source.partition, s.source.account_id, "policy", "/", name),
        document=to_json(document),
        users=owned,
        enforce_mfa=s.self_service.enforce_mfa,
    )


def _assume_policies(
    stack: str, s: StackSettings, user: str, trusting: Mapping[str, tuple[RoleSettings, str]]
) -> tuple[AssumePolicyPlan, ...]:
    """The user's assume-role policies: one, or the parts `crossaccount.plan.packing` splits it into."""
    return _packed(s, user_policy_name(stack, user), user, trusting)


def _packed(
    s: StackSettings, base: str, principal: str, trusting: Mapping[str, tuple[RoleSettings, str]]
) -> tuple[AssumePolicyPlan, ...]:
    """`base`'s identity policies for the roles `trusting`, packed (`crossaccount.plan.packing`)."""
    parts = pack(list(trusting), lambda names: assume_roles_policy(principal, {n: trusting[n] for n in names}), to_json)
    plans = []
    for part in parts:
        policy_name = f"{base}-{part.bits}" if part.bits else base
        plans.append(
            AssumePolicyPlan(
                part=part.bits,
                name=policy_name,
                arn=iam_arn(s.source.partition, s.source.account_id, "policy", "/", policy_name),
                document=part.text,
                roles=part.roles,
            )
        )
    return tuple(plans)
