"""The IAM documents: trust policies (exact users, trusted roles, permission sets, identity
providers, the account-wide modes) and the identity side (a user's or group's assume-role
policy, a permission set's inline policy). Pure: same settings, same bytes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from crossaccount.iam import POLICY_VERSION as VERSION
from crossaccount.iam import default_saml_audiences, permission_set_role_pattern
from crossaccount.settings.models import AccountSettings, RoleSettings, TrustedOidcProvider, TrustedTag


def to_json(document: Mapping[str, Any]) -> str:
    """The one serialisation of a policy document: compact, key order as built, stable."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def _one_or_many(values: list[str]) -> str | list[str]:
    """IAM returns a single element as a string; writing it the same way avoids a diff."""
    return values[0] if len(values) == 1 else values


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


def role_trust_policy(
    role: RoleSettings,
    trusted_users: list[str],
    user_arns: Mapping[str, str],
    source: AccountSettings | None = None,
    target: AccountSettings | None = None,
) -> dict[str, Any]:
    """The whole trust policy: the users (`trustedUsers` and the members of `trustedGroups`, by
    exact ARN, as `trust_policy` writes them), then `trustedRoles` in their own statement, then
    the permission sets of the source account and the identity providers of the target
    account (`federated_statements`), each in a statement of its own."""
    statements: list[dict[str, Any]] = []
    if trusted_users:
        statements += trust_policy(role.model_copy(update={"trusted_users": trusted_users}), user_arns)["Statement"]
    if role.trusted_roles:
        statements.append(trusted_roles_statement(role))
    if source is not None and target is not None:
        statements += federated_statements(role, source, target)
    return {"Version": VERSION, "Statement": statements}


def federated_statements(role: RoleSettings, source: AccountSettings, target: AccountSettings) -> list[dict[str, Any]]:
    """One statement per trusted permission set, SAML provider and OIDC provider entry."""
    sids = unique_sids("TrustPermissionSet", role.trusted_permission_sets)
    statements = [permission_set_statement(role, source, p, sids[p]) for p in role.trusted_permission_sets]
    saml_sids = unique_sids("TrustSamlProvider", [a.rsplit("/", 1)[-1] for a in role.trusted_saml_providers])
    for arn in role.trusted_saml_providers:
        statements.append(saml_statement(role, arn, target.region, saml_sids[arn.rsplit("/", 1)[-1]]))
    for i, provider in enumerate(role.trusted_oidc_providers):
        statements.append(oidc_statement(role, provider, f"TrustOidcProvider{i + 1}"))
    return statements


def permission_set_statement(role: RoleSettings, source: AccountSettings, permission_set: str, sid: str) -> dict[str, Any]:
    """The source account's root, narrowed with `ArnLike aws:PrincipalArn` to the role IAM Identity
    Center creates for exactly this permission set (`permission_set_role_pattern`).

    The role's ARN is not written as the Principal: its suffix changes whenever the permission
    set's assignment is recreated, and a Principal naming a deleted role turns into its unique
    id ("Referencing permission sets in resource policies",
    https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html).
    No MFA condition: an Identity Center session does not carry aws:MultiFactorAuthPresent
    (MFA is enforced when the person signs in to the access portal), so the condition would
    refuse everyone. The ExternalId and session tags apply as for users.
    """
    pattern = permission_set_role_pattern(source.partition, source.account_id, role.sso_region or "", permission_set)
    condition: dict[str, dict[str, str]] = {"ArnLike": {"aws:PrincipalArn": pattern}}
    if role.external_id is not None:
        condition["StringEquals"] = {"sts:ExternalId": role.external_id}
    actions = ["sts:AssumeRole", "sts:TagSession"] if role.allow_session_tags else ["sts:AssumeRole"]
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:{source.partition}:iam::{source.account_id}:root"},
        "Action": _one_or_many(actions),
        "Condition": condition,
    }


def saml_audiences(role: RoleSettings, region: str) -> list[str]:
    """The sign-in endpoints the role's SAML assertions may be addressed to: `samlAudiences`, else
    the target region's endpoint and the non-regional one (`default_saml_audiences`)."""
    return list(role.saml_audiences) if role.saml_audiences is not None else default_saml_audiences(region)


def saml_statement(role: RoleSettings, provider_arn: str, region: str, sid: str) -> dict[str, Any]:
    """A SAML provider of the target account, its assertions pinned to the sign-in endpoints
    (`SAML:aud`, https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html).

    `SAML:aud` is single-valued (the Recipient of the one assertion), so the endpoints are one
    StringEquals with a list of values, which IAM evaluates as OR (IAM User Guide, "Condition
    element: multiple values", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html);
    no ForAnyValue, which is for multivalued keys ("Single-valued vs. multivalued context keys",
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
    An IdP posting to a regional endpoint AWS recommends (https://<region>.signin.aws.amazon.com/saml)
    is refused by a trust that names only the non-regional one."""
    actions = ["sts:AssumeRoleWithSAML", "sts:TagSession"] if role.allow_session_tags else ["sts:AssumeRoleWithSAML"]
    audiences = saml_audiences(role, region)
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Federated": provider_arn},
        "Action": _one_or_many(actions),
        "Condition": {"StringEquals": {"SAML:aud": _one_or_many(audiences)}},
    }


def oidc_statement(role: RoleSettings, provider: TrustedOidcProvider, sid: str) -> dict[str, Any]:
    """An OIDC provider of the target account, its tokens pinned to one exact audience and subject
    (`<url>:aud`, `<url>:sub`, https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html)."""
    url = provider.arn.split(":oidc-provider/", 1)[1]
    actions = (
        ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"] if role.allow_session_tags else ["sts:AssumeRoleWithWebIdentity"]
    )
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Federated": provider.arn},
        "Action": _one_or_many(actions),
        "Condition": {"StringEquals": {f"{url}:aud": provider.audience, f"{url}:sub": provider.subject}},
    }


def permission_set_policy(role: RoleSettings, role_arn: str) -> dict[str, Any]:
    """The inline policy a trusted permission set needs (the identity side, which lives in
    Identity Center, not in this program): `sts:AssumeRole` on exactly this role. No MFA
    condition, for the reason `permission_set_statement` gives."""
    return permission_set_document(role_arn, role.allow_session_tags)


def permission_set_document(role_arn: str, allow_session_tags: bool) -> dict[str, Any]:
    """`permission_set_policy` of a role that allows session tags or not (what a plan's trust
    policy says: `crossaccount.access.from_plan` rebuilds the policy from it)."""
    actions = ["sts:AssumeRole", "sts:TagSession"] if allow_session_tags else ["sts:AssumeRole"]
    statement = {"Sid": "AssumeCrossAccountRole", "Effect": "Allow", "Action": _one_or_many(actions), "Resource": role_arn}
    return {"Version": VERSION, "Statement": [statement]}


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


def trust_tags(roles: Mapping[str, RoleSettings]) -> dict[str, dict[str, str]]:
    """user -> the tags the tag-mode roles that trust it ask for (the program puts them on the user)."""
    tags: dict[str, dict[str, str]] = {}
    for role in roles.values():
        if role.trust == "tag" and role.trusted_tag is not None:
            for user in role.trusted_users:
                tags.setdefault(user, {})[role.trusted_tag.key] = role.trusted_tag.value
    return tags


def account_wide_trust_policy(
    role: RoleSettings, source: AccountSettings, conditions: Mapping[str, Mapping[str, str]], actions: list[str], version: str
) -> dict[str, Any]:
    """The trust policy of a `path` or `tag` role: the source account's root, narrowed to its
    IAM users under the path or carrying the tag, with the role's other conditions (MFA...)."""
    root = f"arn:{source.partition}:iam::{source.account_id}:root"
    users_arn = f"arn:{source.partition}:iam::{source.account_id}:user"
    condition: dict[str, dict[str, str]] = {op: dict(block) for op, block in conditions.items()}
    if role.trust == "path":
        sid = "TrustSourceUsersUnderPath"
        condition["ArnLike"] = {"aws:PrincipalArn": f"{users_arn}{role.trusted_path}*"}
    else:  # tag: the settings step refuses `trust: tag` without trustedTag
        tag = role.trusted_tag or TrustedTag(key="", value="")
        sid = "TrustSourceUsersWithTag"
        condition.setdefault("StringEquals", {})[f"aws:PrincipalTag/{tag.key}"] = tag.value
        condition["ArnLike"] = {"aws:PrincipalArn": f"{users_arn}/*"}
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"AWS": root},
        "Action": actions[0] if len(actions) == 1 else actions,
        "Condition": condition,
    }
    return {"Version": version, "Statement": [statement]}
