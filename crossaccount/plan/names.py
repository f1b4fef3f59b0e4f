"""The names this program chooses for what it creates: policies, attachments, import ids."""

from __future__ import annotations


def user_policy_name(stack: str, user: str) -> str:
    """Includes the stack name, so that two stacks can grant the same user side by side."""
    return f"{user}-assume-roles-{stack}"


def group_policy_name(stack: str, group: str) -> str:
    """`-group-` keeps it apart from a user's `<user>-assume-roles-<stack>` (collisions are still checked)."""
    return f"{group}-group-assume-roles-{stack}"


def role_policy_name(role: str, file_name: str) -> str:
    return f"{role}-{file_name.removesuffix('.json')}"


def managed_attachment_name(role: str, arn: str) -> str:
    """The part of a managed policy attachment's Pulumi name after `<component>-attach-`."""
    return f"{role}-{arn.split(':')[4]}-{arn.rsplit('/', 1)[-1]}"


def group_assume_resource_name(group: str, part: str) -> str:
    """A group's assume-role policy's Pulumi name after `<component>-` (its attachment's after
    `<component>-attach-`): `group-assume-<group>[-<part>]`."""
    return f"group-assume-{group}{'-' + part if part else ''}"


def group_managed_attachment_name(group: str, arn: str) -> str:
    """The Pulumi name of a group's managed policy attachment after `<component>-attach-`."""
    return f"group-{group}-{arn.split(':')[4]}-{arn.rsplit('/', 1)[-1]}"


def attachment_import_id(entity: str, policy_arn: str) -> str:
    """The import id of a Role/UserPolicyAttachment: `<role or user name>/<policy ARN>`.

    As the provider's importer parses it (terraform-provider-aws, iam/role_policy_attachment.go:
    `strings.SplitN(d.Id(), "/", 2)`, "expected <role-name>/<policy_arn>"). The id a created
    attachment gets is different (`<role>-<unique suffix>`), see the README on when not to set
    importPolicies.
    """
    return f"{entity}/{policy_arn}"


def self_service_policy_name(stack: str) -> str:
    """One per stack that owns users: the stack name keeps two stacks of one account apart."""
    return f"self-service-credentials-{stack}"
