"""Create in moto exactly the resources of the offline plan, each in its provider's account.

The plan is `tools.commands.plan.as_data(run_program(...))`: the real program's registrations with the
real policy documents. Each AWS resource goes into the account its provider is pinned to
(`allowedAccountIds`), with the inputs as registered. Only the types this program emits are
handled; any other type, or an input this helper does not pass on, fails loudly, so the
end-to-end test cannot silently cover less than the program creates.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from components.cross_account_access import TYPE_TOKEN

PROVIDER = "pulumi:providers:aws"
USER = "aws:iam/user:User"
POLICY = "aws:iam/policy:Policy"
ROLE = "aws:iam/role:Role"
USER_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
ROLE_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
GROUP = "aws:iam/group:Group"
GROUP_ATTACHMENT = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"
MEMBERSHIP = "aws:iam/userGroupMembership:UserGroupMembership"
LOGIN_PROFILE = "aws:iam/userLoginProfile:UserLoginProfile"
PASSWORD_POLICY = "aws:iam/accountPasswordPolicy:AccountPasswordPolicy"
PASSWORD_POLICY_INPUTS = {
    "minimumPasswordLength": "MinimumPasswordLength",
    "requireUppercaseCharacters": "RequireUppercaseCharacters",
    "requireLowercaseCharacters": "RequireLowercaseCharacters",
    "requireNumbers": "RequireNumbers",
    "requireSymbols": "RequireSymbols",
    "passwordReusePrevention": "PasswordReusePrevention",
    "maxPasswordAge": "MaxPasswordAge",
    "allowUsersToChangePassword": "AllowUsersToChangePassword",
    "hardExpiry": "HardExpiry",
}

NOT_IN_AWS = (PROVIDER, TYPE_TOKEN)
"""Registrations that are no AWS object: the providers and the component."""
INPUTS = {
    PASSWORD_POLICY: set(PASSWORD_POLICY_INPUTS),
    USER: {"name", "path", "tags"},
    GROUP: {"name", "path"},
    MEMBERSHIP: {"user", "groups"},
    LOGIN_PROFILE: {"user", "passwordResetRequired", "passwordLength", "pgpKey"},
    POLICY: {"name", "path", "description", "policy", "tags"},
    ROLE: {"name", "path", "description", "assumeRolePolicy", "maxSessionDuration", "permissionsBoundary", "tags"},
    USER_ATTACHMENT: {"user", "policyArn"},
    GROUP_ATTACHMENT: {"group", "policyArn"},
    ROLE_ATTACHMENT: {"role", "policyArn"},
}
"""The inputs passed on, per type. The order is the creation order: a trust policy names
users that must exist, and an attachment needs its policy and its user or role."""


class UnsupportedPlanError(Exception):
    """The plan holds something this helper cannot create faithfully."""


@dataclass(frozen=True)
class Created:
    """One AWS object made from one registration."""

    account: str
    type: str
    name: str
    """The AWS name (an attachment: `<user or role> -> <policy ARN>`)."""
    arn: str | None
    """The ARN moto assigned (None for attachments, memberships, login and password policies)."""


def _tags(inputs: Mapping[str, Any]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted((inputs.get("tags") or {}).items())]


def _optional(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in (None, [], "")}


def generated_password(length: int) -> str:
    """As the AWS provider makes the initial password: random, every character class present."""
    classes = (string.ascii_lowercase, string.ascii_uppercase, string.digits, "!@#$%^&*()_+-=[]{}|'")
    while True:
        password = "".join(secrets.choice("".join(classes)) for _ in range(length))
        if all(any(ch in c for ch in password) for c in classes):
            return password


def _create_people(iam: Any, type_: str, inputs: Mapping[str, Any]) -> tuple[str, str | None]:
    """The source account's people resources (components/people.py)."""
    if type_ == PASSWORD_POLICY:
        # As the provider sends it: only the fields whose value is set (`d.GetOk`, which 0 and
        # false are not); AWS resets every field it is not sent (components/people.py OFF).
        iam.update_account_password_policy(**{PASSWORD_POLICY_INPUTS[k]: v for k, v in inputs.items() if v})
        return "account password policy", None
    if type_ == GROUP:
        group = iam.create_group(**_optional(GroupName=inputs["name"], Path=inputs.get("path")))["Group"]
        return group["GroupName"], group["Arn"]
    if type_ == MEMBERSHIP:
        for group_name in inputs["groups"]:
            iam.add_user_to_group(GroupName=group_name, UserName=inputs["user"])
        return f"{inputs['user']} in {', '.join(inputs['groups'])}", None
    if type_ == LOGIN_PROFILE:
        if inputs.get("pgpKey"):
            raise UnsupportedPlanError(f"{LOGIN_PROFILE} for {inputs['user']}: apply_plan does not encrypt to a PGP key")
        iam.create_login_profile(
            UserName=inputs["user"],
            Password=generated_password(inputs["passwordLength"]),
            PasswordResetRequired=inputs["passwordResetRequired"],
        )
        return f"login profile of {inputs['user']}", None
    iam.attach_group_policy(GroupName=inputs["group"], PolicyArn=inputs["policyArn"])
    return f"{inputs['group']} -> {inputs['policyArn']}", None


def _create(iam: Any, type_: str, inputs: Mapping[str, Any]) -> tuple[str, str | None]:
    if type_ in (PASSWORD_POLICY, GROUP, MEMBERSHIP, LOGIN_PROFILE, GROUP_ATTACHMENT):
        return _create_people(iam, type_, inputs)
    if type_ == USER:
        user = iam.create_user(**_optional(UserName=inputs["name"], Path=inputs.get("path"), Tags=_tags(inputs)))["User"]
        return user["UserName"], user["Arn"]
    if type_ == POLICY:
        policy = iam.create_policy(
            **_optional(
                PolicyName=inputs["name"],
                Path=inputs.get("path"),
                PolicyDocument=inputs["policy"],
                Description=inputs.get("description"),
                Tags=_tags(inputs),
            )
        )["Policy"]
        return policy["PolicyName"], policy["Arn"]
    if type_ == ROLE:
        role = iam.create_role(
            **_optional(
                RoleName=inputs["name"],
                Path=inputs.get("path"),
                AssumeRolePolicyDocument=inputs["assumeRolePolicy"],
                Description=inputs.get("description"),
                MaxSessionDuration=inputs.get("maxSessionDuration"),
                PermissionsBoundary=inputs.get("permissionsBoundary"),
                Tags=_tags(inputs),
            )
        )["Role"]
        return role["RoleName"], role["Arn"]
    if type_ == USER_ATTACHMENT:
        iam.attach_user_policy(UserName=inputs["user"], PolicyArn=inputs["policyArn"])
        return f"{inputs['user']} -> {inputs['policyArn']}", None
    iam.attach_role_policy(RoleName=inputs["role"], PolicyArn=inputs["policyArn"])
    return f"{inputs['role']} -> {inputs['policyArn']}", None


def apply_plan(plan: Mapping[str, Any], client: Callable[[str, str], Any]) -> list[Created]:
    """Create the plan's resources; `client(service, account)` gives a client for that account.

    Raises `UnsupportedPlanError` before creating anything if the plan holds a type or an input
    this helper does not handle, or a resource whose provider is not pinned to one account.
    """
    resources = list(plan["resources"])
    providers = {r["name"]: r for r in resources if r["type"] == PROVIDER}
    problems = []
    for r in resources:
        if r["type"] in NOT_IN_AWS:
            continue
        if r["type"] not in INPUTS:
            problems.append(f"{r['type']} {r['name']}: apply_plan cannot create this type; teach it before the e2e covers it")
            continue
        extra = sorted(set(r["inputs"]) - INPUTS[r["type"]])
        if extra:
            problems.append(f"{r['type']} {r['name']}: inputs {extra} are not passed on by apply_plan")
        pinned = (providers.get(r["provider"] or "") or {}).get("inputs", {}).get("allowedAccountIds") or []
        if len(pinned) != 1:
            problems.append(f"{r['type']} {r['name']}: provider {r['provider']} is not pinned to one account ({pinned})")
    if problems:
        raise UnsupportedPlanError("\n".join(problems))

    created = []
    for type_ in INPUTS:
        for r in resources:
            if r["type"] == type_:
                account = providers[r["provider"]]["inputs"]["allowedAccountIds"][0]
                name, arn = _create(client("iam", account), type_, r["inputs"])
                created.append(Created(account, type_, name, arn))
    return created
