"""Who the people of a stack are: groups, trusted roles, console sign-in, the password policy.

The checks here run in the settings step (every problem is collected with the others, before
anything is registered), and the expansions are what the plan uses:

- IAM trust policies cannot name a group, so a role's `trustedGroups` are written as the
  exact ARNs of the groups' members (`trusted_user_names`); the identity side of a
  group-granted role is one policy attached to the group, so a new member needs one line.
- `trustedRoles` are existing roles of the source account (a pipeline's role), trusted in a
  statement of their own; this program never creates or changes anything for them in the
  source account (their own permissions are their owner's business).

No Pulumi imports.
"""

from __future__ import annotations

from collections.abc import Mapping

from crossaccount.errors import key, show
from crossaccount.iam import (
    GROUP_NAME_RE,
    MAX_ATTACHED_POLICIES,
    MAX_GROUPS_PER_USER,
    ROLE_ARN_RE,
)

from .models import AccountSettings, GroupSettings, PasswordPolicySettings, RoleSettings, SelfServiceSettings, UserSettings
from .pgp import pgp_key_problem
from .rules import check_declared, check_managed_arns, check_path, check_unique_ignoring_case

"""What the AWS provider fetches from keybase.io at `up` (Keybase user names: 2-16 of letters, digits, _)."""


def trusted_user_names(role: RoleSettings, groups: Mapping[str, GroupSettings]) -> list[str]:
    """The users a role trusts: its `trustedUsers`, then the members of its `trustedGroups`, each once."""
    names = list(role.trusted_users)
    for group in role.trusted_groups:
        for member in groups[group].members if group in groups else []:
            if member not in names:
                names.append(member)
    return names


def groups_of(user: str, groups: Mapping[str, GroupSettings]) -> list[str]:
    """The groups of this stack that `user` is a member of, in the settings' order."""
    return [g for g, group in groups.items() if user in group.members]


def group_granted_roles(group: str, roles: Mapping[str, RoleSettings]) -> list[str]:
    return [r for r, role in roles.items() if group in role.trusted_groups]


# --- checks --------------------------------------------------------------------------------


def check_people(
    source: AccountSettings,
    users: Mapping[str, UserSettings],
    roles: Mapping[str, RoleSettings],
    groups: Mapping[str, GroupSettings],
    self_service: SelfServiceSettings,
    password_policy: PasswordPolicySettings | None,
    problems: list[str],
    *,
    require_pgp_key: bool = True,
) -> None:
    """Every problem with groups, trusted roles, console sign-in and the password policy."""
    _check_groups(users, roles, groups, (source.partition, source.account_id), problems)
    _check_users(users, groups, self_service, problems, require_pgp_key)
    check_role_principals(source, roles, groups, problems)


def _check_groups(
    users: Mapping[str, UserSettings],
    roles: Mapping[str, RoleSettings],
    groups: Mapping[str, GroupSettings],
    account: tuple[str, str],
    problems: list[str],
) -> None:
    check_unique_ignoring_case(list(groups), ("groups",), "group", problems)
    for name, group in groups.items():
        at = ("groups", name)
        if not GROUP_NAME_RE.match(name):
            problems.append(
                f"{key(at)}: group name {show(name)} is not valid; expected 1 to 128 characters of letters, digits and +=,.@_-"
            )
        check_path(group.path, (*at, "path"), problems)
        check_declared(group.members, users, (*at, "members"), "user", "users", problems)
        check_managed_arns(
            group.managed_policy_arns, (*at, "managedPolicyArns"), account, "the source account's, where groups live", problems
        )
        granted = 1 if group_granted_roles(name, roles) else 0
        attached = granted + len(group.managed_policy_arns)
        if attached > MAX_ATTACHED_POLICIES:
            problems.append(
                f"{key(at)}: {attached} managed policies ({len(group.managed_policy_arns)} managedPolicyArns"
                f"{' plus its assume-role policy' if granted else ''}); AWS attaches at most {MAX_ATTACHED_POLICIES} to a group"
            )


def _check_users(
    users: Mapping[str, UserSettings],
    groups: Mapping[str, GroupSettings],
    self_service: SelfServiceSettings,
    problems: list[str],
    require_pgp_key: bool,
) -> None:
    for name, user in users.items():
        at = ("users", name)
        member_of = groups_of(name, groups)
        if len(member_of) > MAX_GROUPS_PER_USER:
            problems.append(
                f"{key(at)}: member of {len(member_of)} groups ({', '.join(member_of)}); AWS allows at most {MAX_GROUPS_PER_USER} per user"
            )
        if user.console_access and not user.create:
            problems.append(
                f"{key((*at, 'consoleAccess'))}: set on a user with create: false; the console password belongs to the stack that owns the user"
            )
        if require_pgp_key and user.console_access and user.create and not user.import_ and user.pgp_key is None:
            # The provider generates the password at create and keeps it in the state, in the
            # clear but for the state's secrets encryption, unless a PGP key encrypts it
            # (terraform-provider-aws, iam/user_login_profile.go: encrypted_password).
            problems.append(
                f"{key((*at, 'consoleAccess'))}: true without pgpKey, and {key(('requirePgpKey',))} is true (the default); "
                f"{name}'s initial console password would sit in the stack's state, readable by whoever holds the state's "
                "key, who could sign in first and enrol their own MFA device: expected pgpKey (keybase:<user> or the "
                f"person's base64 PGP public key), or {key(('requirePgpKey',))}: false to accept that (docs/ci.md)"
            )
        if user.pgp_key is not None:
            if not user.console_access:
                problems.append(
                    f"{key((*at, 'pgpKey'))}: set without consoleAccess: true; the key only encrypts the initial console password"
                )
            elif user.import_ and user.create:
                # import + consoleAccess adopts the person's existing login profile (id: the user
                # name); the provider encrypts only a password it generates itself, at create, and
                # never reads one back (terraform-provider-aws, iam/user_login_profile.go), so the
                # key would encrypt nothing and `encryptedPassword` would stay empty.
                problems.append(
                    f"{key((*at, 'pgpKey'))}: set with import: true and consoleAccess: true, which adopt {name}'s "
                    "existing console password; the provider encrypts only a password it generates, so the key would "
                    "encrypt nothing. Remove pgpKey (the person keeps their password), or remove import to create the user"
                )
            problem = pgp_key_problem(user.pgp_key)
            if problem is not None:
                problems.append(f"{key((*at, 'pgpKey'))}: {problem}")
        if self_service.enabled and user.create and user.mfa_device_name not in (None, name):
            problems.append(
                f"{key((*at, 'mfaDeviceName'))}: got {show(user.mfa_device_name)}; the self-service policy lets a user create "
                f"only the virtual MFA device named after them (mfa/{name}); remove mfaDeviceName, or set "
                f"{key(('selfService', 'enabled'))}: false"
            )


def check_role_principals(
    source: AccountSettings,
    roles: Mapping[str, RoleSettings],
    groups: Mapping[str, GroupSettings],
    problems: list[str],
    groups_where: str | None = None,
) -> None:
    """Each role's trustedGroups (declared under `groups`, of `groups_where` for a roles-only
    stack) and trustedRoles."""
    for name, role in roles.items():
        _check_role_principals(source, name, role, groups, problems, groups_where)


def _check_role_principals(
    source: AccountSettings,
    name: str,
    role: RoleSettings,
    groups: Mapping[str, GroupSettings],
    problems: list[str],
    groups_where: str | None,
) -> None:
    at = ("roles", name)
    check_declared(role.trusted_groups, groups, (*at, "trustedGroups"), "group", "groups", problems, groups_where)
    if (
        role.trusted_groups
        and all(g in groups for g in role.trusted_groups)
        and not role.trusted_users
        and not role.trusted_roles
        and not trusted_user_names(role, groups)
    ):
        problems.append(
            f"{key((*at, 'trustedGroups'))}: the groups {', '.join(role.trusted_groups)} have no members, and the role trusts "
            "no one else; expected at least one member (a trust policy must name a principal)"
        )
    partition = source.partition
    seen: dict[str, int] = {}
    for i, arn in enumerate(role.trusted_roles):
        where = key((*at, "trustedRoles", i))
        if not ROLE_ARN_RE.match(arn) or "*" in arn or "?" in arn:
            problems.append(
                f"{where}: got {show(arn)}; expected the ARN of an existing role, arn:{partition}:iam::{source.account_id}:role/<name> "
                "(no wildcards, not an assumed-role session ARN)"
            )
            continue
        if "${" in arn:
            # A policy variable, which IAM does not resolve in a Principal: "You cannot use a policy
            # variable ... in the Principal element" (https://docs.aws.amazon.com/IAM/latest/UserGuide/
            # reference_policies_variables.html#policy-vars-wheretouse); IAM refuses the trust policy.
            problems.append(
                f"{where}: got {show(arn)}; ${{ starts a policy variable, which a trust policy's Principal does not take: "
                f"expected the ARN of an existing role, arn:{partition}:iam::{source.account_id}:role/<path>/<name>, its path without ${{"
            )
            continue
        arn_partition, account = arn.split(":")[1], arn.split(":")[4]
        if account != source.account_id or arn_partition != partition:
            problems.append(
                f"{where}: got {show(arn)}, a role in {arn_partition} account {account}; expected a role of the source account "
                f"(arn:{partition}:iam::{source.account_id}:role/...): the trust of other accounts is not this stack's to grant"
            )
        other = seen.setdefault(arn.lower(), i)
        if other != i:
            problems.append(
                f"{where}: the same role as trustedRoles[{other}] (IAM ignores case in role names); expected each role once"
            )
    if role.trusted_roles and role.require_source_identity:
        problems.append(
            f"{key((*at, 'trustedRoles'))}: set with requireSourceIdentity, which pins the source identity to a user's name; "
            "a role has none. Expected one or the other"
        )
    if role.require_mfa_for_roles is not None and not role.trusted_roles:
        problems.append(
            f"{key((*at, 'requireMfaForRoles'))}: set on a role without trustedRoles; expected trustedRoles, or remove it"
        )
