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

from .settings import LoadedSettings, RoleSettings, SettingsError, StackSettings, key

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
class UserPlan:
    """A source-account user and the policy that lets it assume this stack's roles."""

    name: str
    path: str
    arn: str
    create: bool
    tags: Mapping[str, str]
    """On the user (when created) and on its assume-role policy: stack-wide tags, then the user's."""
    mfa_serial: str
    policy_name: str
    policy_arn: str
    policy_document: str
    roles: tuple[str, ...]
    profile: str = ""
    """The profile with the user's own credentials, which the copy-paste strings name."""
    adopt: bool = False
    """`import: true`: the existing IAM user is imported (Pulumi's import option, id: the name)."""


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


def user_policy_name(stack: str, user: str) -> str:
    """Includes the stack name, so that two stacks can grant the same user side by side."""
    return f"{user}-assume-roles-{stack}"


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
        other = attachments.setdefault(f"assume-{user.name}".lower(), where)
        if other != where:
            problems.append(
                f"{where}: the attachment of its assume-role policy (attach-assume-{user.name}) would get the resource name "
                f"of the attachment at {other}; rename the role or the file"
            )
        if same_account:
            other = seen.setdefault(user.policy_name.lower(), where)
            if other != where:
                problems.append(
                    f"{where}: its assume-role policy {user.policy_name!r} has the name of the policy derived at {other}, "
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
            for u in role.trusted_users
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
                trust_document=to_json(trust_policy(role, user_arns)),
                policies=policies,
                managed_policy_arns=tuple(role.managed_policy_arns),
                switch_role_url=switch_role_url(s, name),
                access=access,
                secret=secret,
                adopt=role.import_,
                adopt_policies=role.import_policies,
            )
        )

    users = []
    for name, user in s.users.items():
        trusting = {r: (role, role_arns[r]) for r, role in s.roles.items() if name in role.trusted_users}
        policy_name = user_policy_name(loaded.stack, name)
        users.append(
            UserPlan(
                name=name,
                path=user.path,
                arn=user_arns[name],
                create=user.create,
                tags={**s.tags, **user.tags},
                mfa_serial=mfa_serials[name],
                policy_name=policy_name,
                policy_arn=iam_arn(src.partition, src.account_id, "policy", "/", policy_name),
                policy_document=to_json(assume_roles_policy(name, trusting)),
                roles=tuple(sorted(trusting)),
                profile=user_profile(s, name),
                adopt=user.import_,
            )
        )
    _check_policy_names(roles, users, same_account=src.account_id == tgt.account_id)
    return StackPlan(stack=loaded.stack, settings=s, users=tuple(users), roles=tuple(roles))


def stack_outputs(plan: StackPlan) -> dict[str, Any]:
    """The stack's outputs: what a person needs to assume each role."""
    return {
        "sourceAccountId": plan.settings.source.account_id,
        "targetAccountId": plan.settings.target.account_id,
        "users": {
            u.name: {"arn": u.arn, "mfaSerial": u.mfa_serial, "profile": u.profile, "roles": list(u.roles)} for u in plan.users
        },
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
    }
