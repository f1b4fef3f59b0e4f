"""Rules over resources as the engine sees them: what the component never does, but a
resource added outside it might. The policy pack applies them to every resource; the tests
apply them to what the program registers under the mocks."""

from __future__ import annotations

from collections.abc import Iterator

from ..resource_types import GROUP_MEMBERSHIP, POLICY_ATTACHMENT, exclusive_type
from .model import ERROR, EngineResource, resource_rule

EXCLUSIVE_ATTACHMENT = POLICY_ATTACHMENT
EXCLUSIVE_RESOURCES = {
    EXCLUSIVE_ATTACHMENT: (
        "aws.iam.PolicyAttachment takes exclusive control of the policy across the whole account and detaches it "
        "from every user, role and group it does not list; use RolePolicyAttachment, UserPolicyAttachment or "
        "GroupPolicyAttachment"
    ),
    GROUP_MEMBERSHIP: (
        "aws.iam.GroupMembership takes exclusive control of the group's members and removes every user it does not "
        "list; use UserGroupMembership"
    ),
    **{
        exclusive_type(entity, kind): (
            f"aws.iam.{entity.title()}{kind}Exclusive removes from the {entity} every "
            f"{'attached managed policy' if kind == 'PolicyAttachments' else 'inline policy'} it does not list, "
            f"including those other stacks or people added; use {entity.title()}PolicyAttachment"
        )
        for entity in ("role", "user", "group")
        for kind in ("PolicyAttachments", "Policies")
    },
}
"""Resources that take exclusive control of an IAM relationship (the provider's `*Exclusive` resources and the
two classic ones): each would silently undo what another stack or a person set up."""
DEFAULT_PROVIDER_PREFIX = "default"
"""The engine names a default provider `default` or `default_<version>` (pulumi's `IsDefaultProvider`)."""


@resource_rule(
    "EXCLUSIVE_POLICY_ATTACHMENT",
    ERROR,
    "aws.iam.PolicyAttachment, GroupMembership or a *Exclusive resource, which remove everything they do not list",
)
def exclusive_policy_attachment(resource: EngineResource) -> Iterator[tuple[str, str]]:
    message = EXCLUSIVE_RESOURCES.get(resource.type)
    if message is not None:
        yield (resource.name, message)


@resource_rule(
    "EXPLICIT_PROVIDER", ERROR, "an aws resource without an explicit provider (it would land in the default profile's account)"
)
def explicit_provider(resource: EngineResource) -> Iterator[tuple[str, str]]:
    if not resource.type.startswith("aws:"):
        return
    if resource.provider is None or resource.provider.startswith(DEFAULT_PROVIDER_PREFIX):
        shown = "none" if resource.provider is None else f"the default provider {resource.provider!r}"
        yield (
            resource.name,
            f"provider is {shown}: the resource would go to whichever account the ambient credentials point at; "
            "pass opts=pulumi.ResourceOptions(provider=<the source or target account's provider>)",
        )
