"""The CrossAccountAccess component: two explicit providers and the IAM on each side.

It decides nothing that the settings or the documents decide: it takes a `StackPlan` (every
name, ARN and document already computed) and registers one resource per item, each with
`parent=self` and the provider of the account it belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.people import people_resources
from crossaccount.documents import StackPlan, stack_outputs
from crossaccount.settings import AccountSettings

TYPE_TOKEN = "crossaccount:iam:CrossAccountAccess"
SOURCE_SUFFIX = "-source"
"""The source account's provider is named `<component name>-source`."""
TARGET_SUFFIX = "-target"
"""The target account's provider is named `<component name>-target`."""


@dataclass(frozen=True)
class CrossAccountAccessArgs:
    """What the component needs: the stack's computed plan."""

    plan: StackPlan
    """Every user, role, policy and document of the stack (`crossaccount.documents.build_stack_plan`)."""


def _provider(name: str, account: AccountSettings, stack: str, parent: pulumi.Resource) -> aws.Provider:
    """A provider that refuses to touch any account but the configured one."""
    assume_roles = None
    if account.role_arn is not None:
        assume_roles = [aws.ProviderAssumeRoleArgs(role_arn=account.role_arn, session_name=f"pulumi-{stack}")]
    return aws.Provider(
        name,
        region=account.region,
        profile=account.profile,
        assume_roles=assume_roles,
        allowed_account_ids=[account.account_id],
        opts=pulumi.ResourceOptions(parent=parent),
    )


class CrossAccountAccess(pulumi.ComponentResource):
    """Users in the source account that may assume roles in the target account."""

    source_provider: aws.Provider
    """The provider for the source account (users and their assume-role policies)."""
    target_provider: aws.Provider
    """The provider for the target account (roles and their permission policies)."""
    users: dict[str, aws.iam.User]
    """The users this stack creates (not those with `create: false`), by name."""
    roles: dict[str, aws.iam.Role]
    """The roles, by name."""
    groups: dict[str, aws.iam.Group]
    """The source account's groups of this stack, by name (`components.people`)."""
    outputs: dict[str, Any]
    """The stack outputs (`crossaccount.documents.stack_outputs`): ARNs and the copy-paste strings."""

    def __init__(self, name: str, args: CrossAccountAccessArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        plan = args.plan
        settings = plan.settings
        self.source_provider = _provider(f"{name}{SOURCE_SUFFIX}", settings.source, plan.stack, self)
        self.target_provider = _provider(f"{name}{TARGET_SUFFIX}", settings.target, plan.stack, self)
        in_source = pulumi.ResourceOptions(parent=self, provider=self.source_provider)
        in_target = pulumi.ResourceOptions(parent=self, provider=self.target_provider)

        users: dict[str, aws.iam.User] = {}
        for user in plan.users:
            if user.create:
                users[user.name] = aws.iam.User(
                    f"{name}-user-{user.name}",
                    name=user.name,
                    path=user.path,
                    tags=dict(user.tags) or None,
                    opts=in_source,
                )

        roles: dict[str, aws.iam.Role] = {}
        for role in plan.roles:
            trusted = [users[a.user] for a in role.access if a.user in users]
            resource = aws.iam.Role(
                f"{name}-role-{role.name}",
                name=role.name,
                path=role.path,
                description=role.description or None,
                assume_role_policy=role.trust_document,
                max_session_duration=role.max_session_duration,
                permissions_boundary=role.permissions_boundary,
                tags=dict(role.tags) or None,
                # IAM rejects a trust policy naming a user that does not exist yet.
                opts=pulumi.ResourceOptions.merge(in_target, pulumi.ResourceOptions(depends_on=trusted)),
            )
            roles[role.name] = resource
            for policy in role.policies:
                document = aws.iam.Policy(
                    f"{name}-policy-{policy.name}",
                    name=policy.name,
                    path="/",
                    description=f"Permissions of role {role.name}, from policies/{policy.file_name}",
                    policy=policy.document,
                    tags=dict(role.tags) or None,
                    opts=in_target,
                )
                aws.iam.RolePolicyAttachment(
                    f"{name}-attach-{policy.name}",
                    role=resource.name,
                    policy_arn=document.arn,
                    opts=in_target,
                )
            for arn in role.managed_policy_arns:
                aws.iam.RolePolicyAttachment(
                    f"{name}-attach-{role.name}-{arn.split(':')[4]}-{arn.rsplit('/', 1)[-1]}",
                    role=resource.name,
                    policy_arn=arn,
                    opts=in_target,
                )

        for user in plan.users:
            if user.policy_document is None:
                continue  # its roles come through its groups
            identity = aws.iam.Policy(
                f"{name}-assume-{user.name}",
                name=user.policy_name,
                path="/",
                description=f"Lets {user.name} assume the roles of stack {plan.stack} in account {settings.target.account_id}",
                policy=user.policy_document,
                tags=dict(user.tags) or None,
                opts=in_source,
            )
            aws.iam.UserPolicyAttachment(
                f"{name}-attach-assume-{user.name}",
                user=users[user.name].name if user.name in users else user.name,
                policy_arn=identity.arn,
                opts=in_source,
            )

        self.users = users
        self.roles = roles
        # ARNs are computed from account, path and name, so they are known at preview time
        # and identical to what AWS assigns (the tests compare them with the resources').
        self.outputs = stack_outputs(plan)
        self.groups = people_resources(name, plan, users, in_source, self.outputs)
        self.register_outputs(self.outputs)
