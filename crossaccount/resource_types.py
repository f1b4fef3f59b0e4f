"""The engine's and the AWS provider's names, written once.

The resource-type tokens (`aws:iam/role:Role`: the provider's schema), the AWS provider's own
type, and how a recorded plan shows a secret input. The guardrails, the components' permissions
table, the policy pack, the offline mocks and the renderers each read them from here, so a
token cannot be spelled two ways. Nothing here reads a file or imports Pulumi.
"""

from __future__ import annotations

PROVIDER = "pulumi:providers:aws"
"""The explicit AWS provider's type (each account's `access-<side>` provider)."""
SECRET = "[secret]"
"""How the offline mocks and the plan file show a secret input or output (tools.offline.mocks)."""

USER = "aws:iam/user:User"
ROLE = "aws:iam/role:Role"
GROUP = "aws:iam/group:Group"
POLICY = "aws:iam/policy:Policy"
USER_LOGIN_PROFILE = "aws:iam/userLoginProfile:UserLoginProfile"
ACCOUNT_PASSWORD_POLICY = "aws:iam/accountPasswordPolicy:AccountPasswordPolicy"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
USER_POLICY_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
GROUP_POLICY_ATTACHMENT = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"
USER_GROUP_MEMBERSHIP = "aws:iam/userGroupMembership:UserGroupMembership"
GROUP_MEMBERSHIP = "aws:iam/groupMembership:GroupMembership"
"""Exclusive: takes control of the group's members (guardrails/resources.py refuses it)."""
POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"
"""Exclusive: takes control of the policy across the account (guardrails/resources.py refuses it)."""


def exclusive_type(entity: str, kind: str) -> str:
    """The provider's `*Exclusive` resource of `entity` (role, user, group) and `kind`
    (PolicyAttachments, Policies): `aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive`."""
    return f"aws:iam/{entity}{kind}Exclusive:{entity.title()}{kind}Exclusive"
