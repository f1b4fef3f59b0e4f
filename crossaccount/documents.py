"""Pure builders: settings in, IAM documents, names, ARNs and the derived strings out.

No Pulumi imports. The component creates exactly what `build_access_plan` describes, and the
offline plan, the guardrails, the policy pack, `verify` and the tests all read the same
objects, so one setting can be followed from the stack file to the document AWS receives.
Every value here is a pure function of the settings: two runs give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from . import people, selfservice
from .packing import pack
from .settings import (
    MANAGED_POLICY_SIZE,
    MAX_ATTACHED_POLICIES,
    SELF_SERVICE_FILE,
    LoadedSettings,
    PasswordPolicySettings,
    RoleSettings,
    SettingsError,
    StackSettings,
    key,
)
from .trust_modes import account_wide_trust_policy, trust_tags

VERSION = "2012-10-17"
SIGNIN_HOSTS = {
    "aws": "signin.aws.amazon.com",
    "aws-cn": "signin.amazonaws.cn",
    "aws-us-gov": "signin.amazonaws-us-gov.com",
}


def to_json(document: Mapping[str, Any]) -> str:
    """The one serialisation of a policy document: compact, key order as built, stable."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def _one_or_many(values: list[str]) -> str | list[str]:
    """IAM returns a single element as a string; writing it the same way avoids a diff."""
    return values[0] if len(values) == 1 else values


def iam_arn(partition: str, account_id: str, kind: str, path: str, name: str) -> str:
    """`arn:<partition>:iam::<account>:<kind><path><name>` (kind: user, role, policy, mfa)."""
    return f"arn:{partition}:iam::{account_id}:{kind}{path}{name}"


# --- documents ---------------------------------------------------------------------------


def trust_conditions(role: RoleSettings) -> dict[str, dict[str, str]]:
    """Conditions on the trust policy's Allow (never a Deny on MFA being false)."""
    conditions: dict[str, dict[str, str]] = {}
    if role.require_mfa:
        conditions["Bool"] = {"aws:MultiFactorAuthPresent": "true"}
        if role.mfa_max_age_seconds is not None:
            conditions["NumericLessThan"] = {"aws:MultiFactorAuthAge": str(role.mfa_max_age_seconds)}
    if role.external_id is not None:
        conditions["StringEquals"] = {"sts:ExternalId": role.external_id}
    return conditions


def trust_actions(role: RoleSettings) -> list[str]:
    actions = ["sts:AssumeRole"]
    if role.require_source_identity:
        actions.append("sts:SetSourceIdentity")
    if role.allow_session_tags:
        actions.append("sts:TagSession")
    return actions


def trust_policy(role: RoleSettings, user_arns: Mapping[str, str]) -> dict[str, Any]:
    """The role's trust policy: the exact ARNs of its trusted users, never `:root` or `*`.

    With `requireSourceIdentity`, each user gets a statement of its own that pins the source
    identity to that user's name, so one user cannot pose as another.
    """
    conditions = trust_conditions(role)
    if role.require_source_identity:
        statements = []
        sids = unique_sids("Trust", role.trusted_users)
        for user in role.trusted_users:
            condition = {**conditions, "StringEquals": {**conditions.get("StringEquals", {}), "sts:SourceIdentity": user}}
            statements.append(_trust_statement(sids[user], [user_arns[user]], trust_actions(role), condition))
    else:
        arns = sorted(user_arns[u] for u in role.trusted_users)
        statements = [_trust_statement("TrustSourceUsers", arns, trust_actions(role), conditions)]
    return {"Version": VERSION, "Statement": statements}


def trusted_roles_statement(role: RoleSettings) -> dict[str, Any]:
    """`trustedRoles` in a statement of their own, so that people can be held to MFA while a
    pipeline's role, which cannot present MFA, is not. Its MFA rule is `requireMfaForRoles`,
    by default the role's `requireMfa` (secure unless the stack says otherwise)."""
    conditions: dict[str, dict[str, str]] = {}
    require = role.require_mfa if role.require_mfa_for_roles is None else role.require_mfa_for_roles
    if require:
        conditions["Bool"] = {"aws:MultiFactorAuthPresent": "true"}
        if role.mfa_max_age_seconds is not None:
            conditions["NumericLessThan"] = {"aws:MultiFactorAuthAge": str(role.mfa_max_age_seconds)}
    if role.external_id is not None:
        conditions["StringEquals"] = {"sts:ExternalId": role.external_id}
    actions = ["sts:AssumeRole", "sts:TagSession"] if role.allow_session_tags else ["sts:AssumeRole"]
    return _trust_statement("TrustSourceRoles", sorted(role.trusted_roles), actions, conditions)


def role_trust_policy(role: RoleSettings, trusted_users: list[str], user_arns: Mapping[str, str]) -> dict[str, Any]:
    """The whole trust policy: the users (`trustedUsers` and the members of `trustedGroups`, by
    exact ARN, as `trust_policy` writes them), then `trustedRoles` in their own statement."""
    statements: list[dict[str, Any]] = []
    if trusted_users:
        statements += trust_policy(role.model_copy(update={"trusted_users": trusted_users}), user_arns)["Statement"]
    if role.trusted_roles:
        statements.append(trusted_roles_statement(role))
    return {"Version": VERSION, "Statement": statements}


def _trust_statement(sid: str, arns: list[str], actions: list[str], conditions: Mapping[str, Any]) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"AWS": _one_or_many(arns)},
        "Action": _one_or_many(actions),
    }
    if conditions:
        statement["Condition"] = dict(conditions)
    return statement


def _sid(prefix: str, name: str) -> str:
    """Sids are letters and digits only: `Trust` + `random_user` -> `TrustRandomUser`."""
    return prefix + "".join(ch for ch in name.title() if ch.isascii() and ch.isalnum())


def unique_sids(prefix: str, names: list[str]) -> dict[str, str]:
    """One Sid per name, unique within the policy, the same for the same names every run.

    `_sid` drops the characters a Sid may not hold, so `a_b` and `a-b` (or `A_B`) would both
    be `TrustAB`. Names whose Sid is shared get the first hex digits of their name's SHA-256
    appended (longer until they differ); a name whose Sid is its own keeps the plain form,
    so existing trust policies do not change.
    """
    plain = {name: _sid(prefix, name) for name in names}
    counts: dict[str, int] = {}
    for sid in plain.values():
        counts[sid.lower()] = counts.get(sid.lower(), 0) + 1
    result = {}
    for name, sid in plain.items():
        if counts[sid.lower()] == 1:
            result[name] = sid
            continue
        digest = hashlib.sha256(name.encode()).hexdigest()
        length = 8
        while any(
            other != name and hashlib.sha256(other.encode()).hexdigest()[:length] == digest[:length]
            for other in names
            if plain[other].lower() == sid.lower()
        ):
            length += 4
        result[name] = f"{sid}{digest[:length]}"
    return result


def assume_roles_policy(user: str, roles: Mapping[str, tuple[RoleSettings, str]]) -> dict[str, Any]:
    """The user's identity policy: `sts:AssumeRole` on exactly the roles that trust the user.

    `roles` maps role name to (settings, ARN). Roles with the same actions and conditions
    share a statement; statements and resources are sorted so the document is stable.
    """
    groups: dict[str, tuple[list[str], dict[str, Any], list[str]]] = {}
    for name in sorted(roles):
        role, arn = roles[name]
        conditions: dict[str, Any] = {}
        if role.require_mfa:
            conditions["Bool"] = {"aws:MultiFactorAuthPresent": "true"}
        if role.require_source_identity:
            conditions["StringEquals"] = {"sts:SourceIdentity": user}
        actions = trust_actions(role)
        signature = to_json({"a": actions, "c": conditions})
        groups.setdefault(signature, (actions, conditions, []))[2].append(arn)
    statements = []
    for i, signature in enumerate(sorted(groups)):
        actions, conditions, arns = groups[signature]
        statement: dict[str, Any] = {
            "Sid": f"AssumeCrossAccountRoles{i + 1}" if len(groups) > 1 else "AssumeCrossAccountRoles",
            "Effect": "Allow",
            "Action": _one_or_many(actions),
            "Resource": _one_or_many(sorted(arns)),
        }
        if conditions:
            statement["Condition"] = conditions
        statements.append(statement)
    return {"Version": VERSION, "Statement": statements}


# --- the plan of what to create ----------------------------------------------------------


@dataclass(frozen=True)
class AssumePolicyPlan:
    """One customer managed policy that lets a user assume some of this stack's roles."""

    part: str
    """`""` for a user's only policy; the bits of its part once split (`crossaccount.packing`)."""
    name: str
    arn: str
    document: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class UserPlan:
    """A source-account user and the policies that let it assume this stack's roles."""

    name: str
    path: str
    arn: str
    create: bool
    tags: Mapping[str, str]
    """On the user (when created) and on its assume-role policies: stack-wide tags, then the
    user's, then the tags of `trust: tag` roles that trust it."""
    mfa_serial: str
    policy_name: str | None
    """The first (usually the only) assume-role policy's name, all of them in `assume_policies`;
    None when no role lists the user in trustedUsers (its roles come through its groups)."""
    policy_arn: str | None
    policy_document: str | None
    roles: tuple[str, ...]
    """Every role of this stack the user may assume: listed in trustedUsers or through a group."""
    profile: str = ""
    """The profile with the user's own credentials, which the copy-paste strings name."""
    adopt: bool = False
    """`import: true`: the existing IAM user is imported (Pulumi's import option, id: the name)."""
    direct_roles: tuple[str, ...] = ()
    """The roles its own assume-role policy grants (those listing it in trustedUsers)."""
    groups: tuple[str, ...] = ()
    """The groups of this stack it is a member of (UserGroupMembership, not exclusive)."""
    self_service: bool = False
    """The stack's self-service policy is attached to it (a user this stack creates)."""
    console: LoginProfilePlan | None = None

    assume_policies: tuple[AssumePolicyPlan, ...] = ()
    """Every assume-role policy of the user, at most 6,144 characters each (`crossaccount.packing`)."""

    @property
    def attached_policies(self) -> int:
        """Managed policies this stack attaches to the user: its assume-role policies and the self-service one."""
        return len(self.assume_policies) + self.self_service


@dataclass(frozen=True)
class LoginProfilePlan:
    """Console sign-in: a login profile whose generated password must be changed at first sign-in."""

    pgp_key: str | None
    """keybase:<user> or a base64 public key: the password comes back encrypted to it."""
    password_length: int


@dataclass(frozen=True)
class GroupPlan:
    """A source-account group, its members, and the identity side of the roles granted to it."""

    name: str
    path: str
    arn: str
    members: tuple[str, ...]
    roles: tuple[str, ...]
    """Roles that list the group in trustedGroups."""
    policy_name: str | None
    """`<group>-group-assume-roles-<stack>`, attached to the group; None when no role trusts it."""
    policy_arn: str | None
    policy_document: str | None
    managed_policy_arns: tuple[str, ...]
    tags: Mapping[str, str]
    """On the group's assume-role policy (IAM groups take no tags)."""


@dataclass(frozen=True)
class SelfServicePlan:
    """The stack's one self-service credentials policy, attached to each user it creates."""

    name: str
    arn: str
    document: str
    users: tuple[str, ...]
    enforce_mfa: bool


@dataclass(frozen=True)
class PermissionPolicyPlan:
    """A customer managed policy in the target account, loaded from one file in policies/."""

    file_name: str
    name: str
    arn: str
    document: str


@dataclass(frozen=True)
class AccessPlan:
    """How one trusted user reaches one role: the copy-paste strings."""

    user: str
    assume_role_command: str
    aws_config_profile: str | None
    """None where the role requires a source identity: no profile key can set one (see `aws_config_profile`)."""
    profile_name: str = ""
    """The name of the `[profile ...]` block: `<role>@<target account>`, unique across stacks."""


@dataclass(frozen=True)
class RolePlan:
    """A target-account role with its trust policy, permission policies and access strings."""

    name: str
    path: str
    arn: str
    description: str
    max_session_duration: int
    permissions_boundary: str | None
    tags: Mapping[str, str]
    trust_document: str
    policies: tuple[PermissionPolicyPlan, ...]
    managed_policy_arns: tuple[str, ...]
    switch_role_url: str
    access: tuple[AccessPlan, ...]
    secret: bool = False
    """The trust document and the access strings hold a secret (`externalId` given as `secure:`)."""
    adopt: bool = False
    """`import: true`: the existing IAM role is imported (id: the name)."""
    adopt_policies: bool = False
    """`importPolicies: true`: its policies (id: ARN) and attachments (id: `<role>/<policy ARN>`) are imported."""


@dataclass(frozen=True)
class StackPlan:
    """Everything the component creates for one stack, computed before anything exists."""

    stack: str
    settings: StackSettings
    users: tuple[UserPlan, ...]
    roles: tuple[RolePlan, ...]
    groups: tuple[GroupPlan, ...] = ()
    self_service: SelfServicePlan | None = None
    password_policy: PasswordPolicySettings | None = None
    """Set when this stack owns the source account's password policy."""
    console_sign_in_url: str = ""
    """The source account's IAM user sign-in page."""


def user_policy_name(stack: str, user: str) -> str:
    """Includes the stack name, so that two stacks can grant the same user side by side."""
    return f"{user}-assume-roles-{stack}"


def group_policy_name(stack: str, group: str) -> str:
    """`-group-` keeps it apart from a user's `<user>-assume-roles-<stack>` (collisions are still checked)."""
    return f"{group}-group-assume-roles-{stack}"


def console_sign_in_url(settings: StackSettings) -> str:
    """The source account's IAM user sign-in page, `https://<account>.signin.aws.amazon.com/console`."""
    return f"https://{settings.source.account_id}.{SIGNIN_HOSTS[settings.source.partition]}/console"


def role_policy_name(role: str, file_name: str) -> str:
    return f"{role}-{file_name.removesuffix('.json')}"


def managed_attachment_name(role: str, arn: str) -> str:
    """The part of a managed policy attachment's Pulumi name after `<component>-attach-`."""
    return f"{role}-{arn.split(':')[4]}-{arn.rsplit('/', 1)[-1]}"


def user_profile(settings: StackSettings, user: str) -> str:
    """The profile with the person's own credentials: their `profile` setting, else `<user>@<source account>`.

    Never the deployer's `source.profile`: the role trusts the user, not the deployer.
    """
    return settings.users[user].profile or f"{user}@{settings.source.account_id}"


def role_profile_name(settings: StackSettings, role_name: str) -> str:
    """`<role>@<target account>`: a role name is unique in its account, so two stacks (prod and
    staging) can put their profiles in one ~/.aws/config side by side."""
    return f"{role_name}@{settings.target.account_id}"


def assume_role_command(settings: StackSettings, role: RoleSettings, role_arn: str, user: str, mfa_serial: str) -> str:
    parts = [
        "aws sts assume-role",
        f"--role-arn {role_arn}",
        f"--role-session-name {user}",
        f"--profile {user_profile(settings, user)}",
        f"--duration-seconds {role.max_session_duration}",
    ]
    if role.require_mfa:
        parts += [f"--serial-number {mfa_serial}", "--token-code <MFA_CODE>"]
    if role.external_id is not None:
        parts.append(f"--external-id {role.external_id}")
    if role.require_source_identity:
        parts.append(f"--source-identity {user}")
    return " ".join(parts)


AWS_CONFIG_ROLE_KEYS = (
    "role_arn",
    "source_profile",
    "mfa_serial",
    "external_id",
    "role_session_name",
    "duration_seconds",
    "region",
)
"""Every key the profile writes. Each is one botocore's assume-role provider (and so the AWS CLI)
reads from a profile; it reads no `source_identity`, which is why a role that requires a source
identity gets no profile (tests/e2e/test_sessions_and_profiles.py loads each profile with botocore)."""


def aws_config_profile(
    settings: StackSettings, role: RoleSettings, role_name: str, role_arn: str, mfa_serial: str, user: str
) -> str | None:
    """The `~/.aws/config` block for `user` to use `role_name`, or None if no profile can work.

    A role with `requireSourceIdentity` trusts only calls that set `sts:SourceIdentity`; the AWS
    CLI and the SDKs have no profile key for it, so such a profile would be refused. For those
    roles the `assumeRoleCommand` (with `--source-identity`) is the form that works.
    """
    if role.require_source_identity:
        return None
    lines = [
        f"[profile {role_profile_name(settings, role_name)}]",
        f"role_arn = {role_arn}",
        f"source_profile = {user_profile(settings, user)}",
    ]
    if role.require_mfa:
        lines.append(f"mfa_serial = {mfa_serial}")
    if role.external_id is not None:
        lines.append(f"external_id = {role.external_id}")
    lines.append(f"role_session_name = {user}")
    lines.append(f"duration_seconds = {role.max_session_duration}")
    lines.append(f"region = {settings.target.region}")
    return "\n".join(lines) + "\n"


def attachment_import_id(entity: str, policy_arn: str) -> str:
    """The import id of a Role/UserPolicyAttachment: `<role or user name>/<policy ARN>`.

    As the provider's importer parses it (terraform-provider-aws, iam/role_policy_attachment.go:
    `strings.SplitN(d.Id(), "/", 2)`, "expected <role-name>/<policy_arn>"). The id a created
    attachment gets is different (`<role>-<unique suffix>`), see the README on when not to set
    importPolicies.
    """
    return f"{entity}/{policy_arn}"


def switch_role_url(settings: StackSettings, role_name: str) -> str:
    host = SIGNIN_HOSTS[settings.target.partition]
    query = urlencode(
        {"account": settings.target.account_id, "roleName": role_name, "displayName": f"{role_name}@{settings.target.account_id}"}
    )
    return f"https://{host}/switchrole?{query}"


def _check_policy_names(roles: list[RolePlan], users: list[UserPlan], same_account: bool) -> None:
    """Names derived from role, file, user and stack names must be distinct.

    IAM policy names are unique in an account ignoring case; the component's Pulumi names
    (`<component>-attach-<...>`) are unique in the stack. When source and target are one
    account, the users' and the roles' policies share that account. Their length and
    characters are the guardrails' NAME_FORMAT rule.
    """
    problems = []
    seen: dict[str, str] = {}
    attachments: dict[str, str] = {}
    created_arns = {p.arn.lower() for r in roles for p in r.policies}
    for role in roles:
        for i, policy in enumerate(role.policies):
            where = f"{key(('roles', role.name, 'policyFiles', i))}"
            other = seen.setdefault(policy.name.lower(), where)
            if other != where:
                problems.append(
                    f"{where}: policy name {policy.name!r} is also the name derived at {other}; rename one of the files"
                )
            other = attachments.setdefault(policy.name.lower(), where)
        for i, arn in enumerate(role.managed_policy_arns):
            where = f"{key(('roles', role.name, 'managedPolicyArns', i))}"
            if arn.lower() in created_arns:
                problems.append(f"{where}: {arn} is a policy this stack creates from policyFiles; list it once, in policyFiles")
                continue
            other = attachments.setdefault(managed_attachment_name(role.name, arn).lower(), where)
            if other != where:
                problems.append(
                    f"{where}: attaching {arn} would get the resource name of the attachment at {other} "
                    f"({managed_attachment_name(role.name, arn)}); rename the policy file"
                )
    for user in users:
        where = key(("users", user.name))
        for assume in user.assume_policies:  # one, or the parts of a split (crossaccount.packing)
            suffix = f"-{assume.part}" if assume.part else ""
            other = attachments.setdefault(f"assume-{user.name}{suffix}".lower(), where)
            if other != where:
                problems.append(
                    f"{where}: the attachment of its assume-role policy (attach-assume-{user.name}{suffix}) would get the "
                    f"resource name of the attachment at {other}; rename the role or the file"
                )
            if same_account:
                other = seen.setdefault(assume.name.lower(), where)
                if other != where:
                    problems.append(
                        f"{where}: its assume-role policy {assume.name!r} has the name of the policy derived at {other}, "
                        "and source and target are one account; rename the file or the role"
                    )
    if problems:
        raise SettingsError(problems)


def build_stack_plan(loaded: LoadedSettings) -> StackPlan:
    """Every name, ARN and document of the stack. Pure: same settings, same bytes."""
    s = loaded.settings
    src, tgt = s.source, s.target
    user_arns = {n: iam_arn(src.partition, src.account_id, "user", u.path, n) for n, u in s.users.items()}
    mfa_serials = {n: iam_arn(src.partition, src.account_id, "mfa", "/", u.mfa_device_name or n) for n, u in s.users.items()}
    role_arns = {n: iam_arn(tgt.partition, tgt.account_id, "role", r.path, n) for n, r in s.roles.items()}

    trusted = {n: people.trusted_user_names(r, s.groups) for n, r in s.roles.items()}
    roles = []
    for name, role in s.roles.items():
        secret = loaded.is_secret("roles", name, "externalId")
        policies = tuple(
            PermissionPolicyPlan(
                file_name=f,
                name=role_policy_name(name, f),
                arn=iam_arn(tgt.partition, tgt.account_id, "policy", "/", role_policy_name(name, f)),
                document=loaded.policy_files[f].text,
            )
            for f in role.policy_files
        )
        access = tuple(
            AccessPlan(
                user=u,
                assume_role_command=assume_role_command(s, role, role_arns[name], u, mfa_serials[u]),
                aws_config_profile=aws_config_profile(s, role, name, role_arns[name], mfa_serials[u], u),
                profile_name=role_profile_name(s, name),
            )
            for u in trusted[name]
        )
        roles.append(
            RolePlan(
                name=name,
                path=role.path,
                arn=role_arns[name],
                description=role.description,
                max_session_duration=role.max_session_duration,
                permissions_boundary=role.permissions_boundary,
                tags={**s.tags, **role.tags},
                trust_document=to_json(
                    role_trust_policy(role, trusted[name], user_arns)
                    if role.trust == "users"
                    else account_wide_trust_policy(role, src, trust_conditions(role), trust_actions(role), VERSION)
                ),
                policies=policies,
                managed_policy_arns=tuple(role.managed_policy_arns),
                switch_role_url=switch_role_url(s, name),
                access=access,
                secret=secret,
                adopt=role.import_,
                adopt_policies=role.import_policies,
            )
        )

    self_service = _self_service_plan(loaded)
    roles_of: dict[str, list[str]] = {}
    for role_name in sorted(s.roles):
        for u in trusted[role_name]:
            roles_of.setdefault(u, []).append(role_name)
    # user -> the roles that list it in trustedUsers, in one pass (a scan of every role per
    # user is quadratic: seconds at 4,000 users)
    direct_of: dict[str, dict[str, tuple[RoleSettings, str]]] = {}
    for role_name, role in s.roles.items():
        for trusted_user in role.trusted_users:
            direct_of.setdefault(trusted_user, {})[role_name] = (role, role_arns[role_name])
    tags_for_trust = trust_tags(s.roles)
    users = []
    for name, user in s.users.items():
        trusting = direct_of.get(name, {})
        assume = _assume_policies(loaded.stack, s, name, trusting) if trusting else ()
        console = None
        if user.console_access:
            console = LoginProfilePlan(user.pgp_key, selfservice.initial_password_length(s.password_policy))
        users.append(
            UserPlan(
                name=name,
                path=user.path,
                arn=user_arns[name],
                create=user.create,
                tags={**s.tags, **user.tags, **tags_for_trust.get(name, {})},
                mfa_serial=mfa_serials[name],
                policy_name=assume[0].name if assume else None,
                policy_arn=assume[0].arn if assume else None,
                policy_document=assume[0].document if assume else None,
                roles=tuple(roles_of.get(name, ())),
                direct_roles=tuple(sorted(trusting)),
                groups=tuple(people.groups_of(name, s.groups)),
                self_service=self_service is not None and name in self_service.users,
                console=console,
                profile=user_profile(s, name),
                adopt=user.import_,
                assume_policies=assume,
            )
        )
    groups = []
    for name, group in s.groups.items():
        granted = {r: (s.roles[r], role_arns[r]) for r in people.group_granted_roles(name, s.roles)}
        policy_name = group_policy_name(loaded.stack, name) if granted else None
        groups.append(
            GroupPlan(
                name=name,
                path=group.path,
                arn=iam_arn(src.partition, src.account_id, "group", group.path, name),
                members=tuple(group.members),
                roles=tuple(sorted(granted)),
                policy_name=policy_name,
                policy_arn=iam_arn(src.partition, src.account_id, "policy", "/", policy_name) if policy_name else None,
                # One policy for every member: the source identity is pinned with the policy variable.
                policy_document=to_json(assume_roles_policy("${aws:username}", granted)) if granted else None,
                managed_policy_arns=tuple(group.managed_policy_arns),
                tags=dict(s.tags),
            )
        )
    _check_user_policy_counts(users)
    same_account = src.account_id == tgt.account_id
    _check_policy_names(roles, users, same_account=same_account)
    _check_source_policy_names(users, groups, self_service, roles if same_account else [])
    return StackPlan(
        stack=loaded.stack,
        settings=s,
        users=tuple(users),
        roles=tuple(roles),
        groups=tuple(groups),
        self_service=self_service,
        password_policy=s.password_policy,
        console_sign_in_url=console_sign_in_url(s),
    )


def _self_service_plan(loaded: LoadedSettings) -> SelfServicePlan | None:
    """For a stack that creates users (and has not turned it off): one policy for all of them."""
    s = loaded.settings
    owned = tuple(n for n, u in s.users.items() if u.create)
    if not s.self_service.enabled or not owned:
        return None
    template = loaded.source_documents[SELF_SERVICE_FILE].document
    name = selfservice.self_service_policy_name(loaded.stack)
    document = selfservice.self_service_document(template, s.source.partition, s.source.account_id, s.self_service.enforce_mfa)
    return SelfServicePlan(
        name=name,
        arn=iam_arn(s.source.partition, s.source.account_id, "policy", "/", name),
        document=to_json(document),
        users=owned,
        enforce_mfa=s.self_service.enforce_mfa,
    )


def _check_source_policy_names(
    users: list[UserPlan], groups: list[GroupPlan], self_service: SelfServicePlan | None, roles_in_source: list[RolePlan]
) -> None:
    """The source account's policy names of this stack are distinct ignoring case (IAM does);
    `roles_in_source`: the roles, when source and target are one account."""
    named: list[tuple[str | None, str]] = [
        (p.name, key(("roles", r.name, "policyFiles", i))) for r in roles_in_source for i, p in enumerate(r.policies)
    ]
    named += [(a.name, key(("users", u.name))) for u in users for a in u.assume_policies]
    named += [(g.policy_name, key(("groups", g.name))) for g in groups]
    if self_service is not None:
        named.append((self_service.name, key(("selfService",))))
    problems = []
    seen: dict[str, str] = {}
    for policy_name, where in named:
        if policy_name is None:
            continue
        other = seen.setdefault(policy_name.lower(), where)
        if other != where:
            problems.append(f"{where}: policy name {policy_name!r} is also the name derived at {other}; rename one of them")
    if problems:
        raise SettingsError(problems)


def _assume_policies(
    stack: str, s: StackSettings, user: str, trusting: Mapping[str, tuple[RoleSettings, str]]
) -> tuple[AssumePolicyPlan, ...]:
    """The user's assume-role policies: one, or the parts `crossaccount.packing` splits it into."""
    parts = pack(list(trusting), lambda names: assume_roles_policy(user, {n: trusting[n] for n in names}), to_json)
    base = user_policy_name(stack, user)
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


def _check_user_policy_counts(users: list[UserPlan]) -> None:
    """A user takes at most 10 managed policies (AWS's default quota): refuse, with the numbers,
    a stack that would attach more, before anything is registered."""
    problems = []
    for user in users:
        if user.attached_policies > MAX_ATTACHED_POLICIES:
            problems.append(
                f"{key(('users', user.name))}: trusted by {len(user.roles)} roles of this stack, whose exact ARNs need "
                f"{len(user.assume_policies)} assume-role policies of at most {MANAGED_POLICY_SIZE:,} characters; "
                f"this stack would attach {user.attached_policies} managed policies to the user and AWS attaches at most "
                f"{MAX_ATTACHED_POLICIES}: expected fewer roles trusting this user in one stack (split the roles across stacks)"
            )
    if problems:
        raise SettingsError(problems)


def stack_outputs(plan: StackPlan) -> dict[str, Any]:
    """The stack's outputs: what a person needs to assume each role."""
    return {
        "sourceAccountId": plan.settings.source.account_id,
        "targetAccountId": plan.settings.target.account_id,
        "users": {u.name: _user_output(u) for u in plan.users},
        "roles": {
            r.name: {
                "arn": r.arn,
                "switchRoleUrl": r.switch_role_url,
                "access": {
                    a.user: {
                        "assumeRoleCommand": a.assume_role_command,
                        "awsConfigProfile": a.aws_config_profile,
                        "profileName": None if a.aws_config_profile is None else a.profile_name,
                    }
                    for a in r.access
                },
            }
            for r in plan.roles
        },
        **_people_outputs(plan),
    }


def _user_output(user: UserPlan) -> dict[str, Any]:
    output: dict[str, Any] = {"arn": user.arn, "mfaSerial": user.mfa_serial, "profile": user.profile, "roles": list(user.roles)}
    if user.groups:
        output["groups"] = list(user.groups)
    return output


def _people_outputs(plan: StackPlan) -> dict[str, Any]:
    """The source account's sign-in page, and the groups (when the stack has any)."""
    outputs: dict[str, Any] = {"consoleSignInUrl": plan.console_sign_in_url}
    if plan.groups:
        outputs["groups"] = {g.name: {"arn": g.arn, "members": list(g.members), "roles": list(g.roles)} for g in plan.groups}
    return outputs
