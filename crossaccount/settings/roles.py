"""`roles`: each role's path, description, session, MFA, external id, boundary, tags,
principals, permission sources and `verify` checks. Its policy files are `policy_files`'s, its
trust mode `trust_modes`'s, its trusted groups and roles `people`'s, its permission sets and
identity providers `federation`'s."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from crossaccount.errors import key, show
from crossaccount.iam import (
    EXTERNAL_ID_RE,
    MAX_ATTACHED_POLICIES,
    MAX_ATTACHED_POLICIES_RAISED,
    MAX_DESCRIPTION,
    POLICY_ARN_RE,
    arn_partition,
)
from crossaccount.inputs import PolicyFile, PolicyFolder

from .federation import federated_keys
from .models import AccountSettings, RoleSettings
from .policy_files import resolve_role_files
from .rules import check_declared, check_managed_arns, check_path, check_tags, check_waivers

SMOKE_ACTION_RE = re.compile(r"^[a-z0-9-]+:[A-Z][A-Za-z0-9]+\Z", re.ASCII)
SWITCH_ROLE_MAX = 64
"""The console's switch-role page takes a path plus role name of at most 64 characters."""


def check_roles(
    roles: Mapping[str, RoleSettings],
    declared_users: Mapping[str, Any] | None,
    target: AccountSettings | None,
    stack_tags: Mapping[str, str],
    policies: PolicyFolder,
    problems: list[str],
    declared_where: str | None = None,
    not_created: Mapping[str, str] | None = None,
) -> dict[str, PolicyFile]:
    """Every role's problems, in the order of its keys; returns the documents its policyFiles name."""
    found: dict[str, PolicyFile] = {}
    seen: set[str] = set()
    for name, role in roles.items():
        at = ("roles", name)
        _check_role_entity(name, role, problems)
        _check_session(role, at, problems)
        if role.external_id is not None and not EXTERNAL_ID_RE.match(role.external_id):
            problems.append(
                f"{key((*at, 'externalId'))}: got {show(role.external_id)}; expected 2 to 1,224 characters of letters, digits and +=,.@:/_-"
            )
        _check_boundary(role, at, target, problems)
        check_tags(role.tags, (*at, "tags"), problems, inherited=stack_tags)
        if not role.trusted_users and not role.trusted_groups and not role.trusted_roles and not federated_keys(role):
            problems.append(
                f"{key((*at, 'trustedUsers'))}: empty, and no trustedGroups, trustedRoles, trustedPermissionSets, "
                "trustedSamlProviders or trustedOidcProviders; expected at least one principal"
            )
        if declared_users is not None:  # None: no people to judge against, already its own problem
            check_declared(
                role.trusted_users, declared_users, (*at, "trustedUsers"), "user", "users", problems, declared_where, not_created
            )
        _check_permission_sources(role, at, target, problems)
        resolve_role_files(role, at, policies, found, seen, problems)
        check_waivers(role.waivers, (*at, "waivers"), problems)
        for i, check in enumerate(role.checks):
            if not SMOKE_ACTION_RE.match(check.action):
                problems.append(
                    f"{key((*at, 'checks', i, 'action'))}: got {show(check.action)}; expected service:Operation, e.g. s3:ListBuckets"
                )
    return dict(sorted(found.items()))


def _check_role_entity(name: str, role: RoleSettings, problems: list[str]) -> None:
    at = ("roles", name)
    check_path(role.path, (*at, "path"), problems)
    if len(role.path) - 1 + len(name) > SWITCH_ROLE_MAX:
        problems.append(
            f"{key((*at, 'path'))}: path {show(role.path)} plus role name is {len(role.path) - 1 + len(name)} characters; "
            f"the console's switch-role page takes at most {SWITCH_ROLE_MAX}"
        )
    if len(role.description) > MAX_DESCRIPTION:
        problems.append(f"{key((*at, 'description'))}: {len(role.description)} characters; expected at most {MAX_DESCRIPTION:,}")


def _check_session(role: RoleSettings, at: tuple[str, ...], problems: list[str]) -> None:
    """maxSessionDuration and mfaMaxAgeSeconds."""
    if role.mfa_max_age_seconds is not None and not role.require_mfa:
        problems.append(f"{key((*at, 'mfaMaxAgeSeconds'))}: set while requireMfa is false; expected requireMfa: true")


def _check_boundary(role: RoleSettings, at: tuple[str, ...], target: AccountSettings | None, problems: list[str]) -> None:
    boundary = role.permissions_boundary
    if boundary is None:
        return
    if not POLICY_ARN_RE.match(boundary):
        problems.append(f"{key((*at, 'permissionsBoundary'))}: got {show(boundary)}; expected a policy ARN")
        return
    if target is None:
        return
    if arn_partition(boundary) != target.partition:
        problems.append(
            f"{key((*at, 'permissionsBoundary'))}: got {show(boundary)}; expected an ARN of partition {target.partition} "
            f"(target.region {target.region})"
        )
    if boundary.split(":")[4] not in (target.account_id, "aws"):
        problems.append(
            f"{key((*at, 'permissionsBoundary'))}: got {show(boundary)}; a permissions boundary must be a policy of "
            f"the target account {target.account_id} or an AWS managed policy (arn:{target.partition}:iam::aws:policy/...)"
        )


def _check_permission_sources(
    role: RoleSettings, at: tuple[str, ...], target: AccountSettings | None, problems: list[str]
) -> None:
    """managedPolicyArns, and how many managed policies the role would have."""
    if not role.policy_files and not role.managed_policy_arns:
        problems.append(f"{key(at)}: neither policyFiles nor managedPolicyArns; expected at least one permission source")
    account = (target.partition, target.account_id) if target is not None else None
    check_managed_arns(role.managed_policy_arns, (*at, "managedPolicyArns"), account, "the target account's", problems)
    attached = len(role.policy_files) + len(role.managed_policy_arns)
    if attached > MAX_ATTACHED_POLICIES_RAISED:
        problems.append(
            f"{key(at)}: {attached} managed policies (policyFiles plus managedPolicyArns); AWS attaches at most "
            f"{MAX_ATTACHED_POLICIES_RAISED} to a role even with its quota raised, so no waiver can help"
        )
    elif attached > MAX_ATTACHED_POLICIES and "MANAGED_POLICY_COUNT" not in role.waivers:
        # With the waiver, the guardrail MANAGED_POLICY_COUNT judges it (and shows the waiver's reason).
        problems.append(
            f"{key(at)}: {attached} managed policies (policyFiles plus managedPolicyArns); AWS attaches at most {MAX_ATTACHED_POLICIES} to a role"
        )
    if len(set(role.policy_files)) != len(role.policy_files):
        problems.append(f"{key((*at, 'policyFiles'))}: lists a file twice; expected each file once")
