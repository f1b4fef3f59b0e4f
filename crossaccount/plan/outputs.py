"""The stack's outputs: what a person needs to assume each role."""

from __future__ import annotations

from typing import Any

from .model import AccessPlan, RolePlan, StackPlan, UserPlan


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
                "access": {a.user: _access_output(a) for a in r.access},
                **_federated_outputs(r),
            }
            for r in plan.roles
        },
        **_people_outputs(plan),
    }


def _federated_outputs(role: RolePlan) -> dict[str, Any]:
    """The role's permission sets and identity providers (only for a role that trusts some, so
    the outputs of other stacks do not change)."""
    outputs: dict[str, Any] = {}
    if role.permission_sets:
        outputs["permissionSets"] = {
            p.permission_set: {
                "principalArnPattern": p.principal_arn_pattern,
                "inlinePolicy": p.inline_policy,
                "awsConfigProfile": p.aws_config_profile,
                "profileName": p.profile_name,
            }
            for p in role.permission_sets
        }
    if role.federated:
        outputs["identityProviders"] = [
            {"kind": f.kind, "arn": f.provider_arn, "audiences": list(f.audiences)}
            if f.kind == "saml"
            else {
                "kind": f.kind,
                "arn": f.provider_arn,
                "audience": f.audiences[0],
                **({"subject": f.subject} if f.subject else {}),
            }
            for f in role.federated
        ]
    return outputs


def _access_output(access: AccessPlan) -> dict[str, Any]:
    """The strings one person pastes for one role: first `mfaSessionCommand` (where AWS requires
    MFA, `mfaRequired`, with `mfaReason` where that is not the role's own `requireMfa`), then the
    profile or the command, both signed with the session that step writes."""
    route = access.route
    return {
        "mfaRequired": access.mfa.required,
        "mfaReason": access.mfa.reason or None,
        "mfaSessionCommand": route.mfa.command if route is not None and route.mfa is not None else None,
        "assumeRoleCommand": access.assume_role_command,
        "awsConfigProfile": access.aws_config_profile,
        "profileName": None if access.aws_config_profile is None else access.profile_name,
    }


def _user_output(user: UserPlan) -> dict[str, Any]:
    output: dict[str, Any] = {"arn": user.arn, "mfaSerial": user.mfa_serial, "profile": user.profile, "roles": list(user.roles)}
    if user.mfa_session is not None:
        output["mfaSessionProfile"] = user.mfa_session.session_profile
        output["mfaSessionCommand"] = user.mfa_session.command
    if user.groups:
        output["groups"] = list(user.groups)
    if user.day_one is not None:
        output["dayOne"] = {"awsConfig": list(user.day_one.aws_config), "steps": list(user.day_one.steps)}
    return output


def _people_outputs(plan: StackPlan) -> dict[str, Any]:
    """The source account's sign-in page, and the groups (when the stack has any)."""
    outputs: dict[str, Any] = {"consoleSignInUrl": plan.console_sign_in_url}
    if plan.groups:
        outputs["groups"] = {g.name: {"arn": g.arn, "members": list(g.members), "roles": list(g.roles)} for g in plan.groups}
    return outputs
