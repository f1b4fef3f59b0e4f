"""Create in moto exactly the resources of the offline plan, each in its provider's account.

The plan is `tools.plan.as_data(run_program(...))`: the real program's registrations with the
real policy documents. Each AWS resource goes into the account its provider is pinned to
(`allowedAccountIds`), with the inputs as registered. Only the types this program emits are
handled; any other type, or an input this helper does not pass on, fails loudly, so the
end-to-end test cannot silently cover less than the program creates.
"""

from __future__ import annotations

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

NOT_IN_AWS = (PROVIDER, TYPE_TOKEN)
"""Registrations that are no AWS object: the providers and the component."""
INPUTS = {
    USER: {"name", "path", "tags"},
    POLICY: {"name", "path", "description", "policy", "tags"},
    ROLE: {"name", "path", "description", "assumeRolePolicy", "maxSessionDuration", "permissionsBoundary", "tags"},
    USER_ATTACHMENT: {"user", "policyArn"},
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
    """The ARN moto assigned (None for attachments)."""


def _tags(inputs: Mapping[str, Any]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted((inputs.get("tags") or {}).items())]


def _optional(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in (None, [], "")}


def _create(iam: Any, type_: str, inputs: Mapping[str, Any]) -> tuple[str, str | None]:
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
