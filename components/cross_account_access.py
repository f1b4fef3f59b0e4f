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

from components.people import DESCRIPTION, people_resources
from crossaccount.plan import StackPlan, stack_outputs
from crossaccount.plan.names import attachment_import_id, managed_attachment_name
from crossaccount.settings.models import AccountSettings

from .naming import SOURCE_SUFFIX, TARGET_SUFFIX

TYPE_TOKEN = "crossaccount:iam:CrossAccountAccess"
__all__ = ["SOURCE_SUFFIX", "TARGET_SUFFIX", "TYPE_TOKEN", "CrossAccountAccess", "CrossAccountAccessArgs"]
KEEP_USER = True
"""`retain_on_delete` of every user: a person's IAM user outlives its place in the program.

With `retain_on_delete` the engine never calls the provider's Delete for the user (pulumi's
`DeleteStep.Apply` skips it when the state's RetainOnDelete is set), so switching the user to
`create: false`, removing or renaming it, a hand-over to another stack and `pulumi destroy` all
leave the user, its MFA device, keys and password in the account; the stack only forgets it.
Without it, DeleteUser would run, and fail with DeleteConflict half-way through an update
because the user still has an MFA device (the provider removes those only with
`force_destroy`, which this program never sets).

Not `protect`: a protected resource makes every one of those edits, and `pulumi destroy`,
fail (`DeleteStep.Apply` refuses), so each routine hand-over would need `pulumi state
unprotect` first; retaining keeps the person's user just as safe without that. Deleting a
person's user is a deliberate step outside the program (docs/people.md, "Deleting a person's user")."""


@dataclass(frozen=True)
class CrossAccountAccessArgs:
    """What the component needs: the stack's computed plan."""

    plan: StackPlan
    """Every user, role, policy and document of the stack (`crossaccount.plan.build_stack_plan`)."""


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


def _adopt(adopt: bool, import_id: str) -> str | None:
    """Pulumi's `import` option (`import_`) when the settings ask to adopt the existing resource.

    Since Pulumi 3.174 the engine imports and then updates in the same deployment (pulumi/pulumi#19339;
    pulumi/docs, concepts/resources/options/import.md: "the import will succeed, and the resource
    will then be modified to reflect the inputs in your Pulumi program"): it reads the resource by
    this id, and where the program's inputs differ from what it read (a trust policy, tags, a
    permissions boundary the settings leave out) it overwrites them in place. A difference the
    provider can only apply by replacing (a role's path, a policy's description) is refused by the
    engine: it never deletes what it is adopting. Hence `ignoreChanges: [description]` on every
    policy (`components.people.DESCRIPTION`), and docs/adopting.md asks for a role's existing path.
    Once imported, the state records the import id and the option is a no-op.
    """
    return import_id if adopt else None


def _in(parent: pulumi.Resource, provider: aws.Provider | None, **options: Any) -> pulumi.ResourceOptions:
    """The options of a resource of the component in one account, built in one step.

    (Not `ResourceOptions.merge`: each merge copies and re-merges every option, and two merges
    per user cost about 0.5 s of a 4,000-user plan; the options are the same, which the tests
    of the registrations' options and the benchmark's floor check.)"""
    return pulumi.ResourceOptions(parent=parent, provider=provider, **options)


class CrossAccountAccess(pulumi.ComponentResource):
    """Users in the source account that may assume roles in the target account."""

    source_provider: aws.Provider | None
    """The provider for the source account (users and their assume-role policies); None for a
    roles-only stack, which creates nothing there (and so needs no credentials for it)."""
    target_provider: aws.Provider
    """The provider for the target account (roles and their permission policies)."""
    users: dict[str, aws.iam.User]
    """The users this stack creates (not those with `create: false`), by name."""
    roles: dict[str, aws.iam.Role]
    """The roles, by name."""
    groups: dict[str, aws.iam.Group]
    """The source account's groups of this stack, by name (`components.people`)."""
    outputs: dict[str, Any]
    """The stack outputs (`crossaccount.plan.stack_outputs`): ARNs and the copy-paste strings."""

    def __init__(self, name: str, args: CrossAccountAccessArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        plan = args.plan
        settings = plan.settings
        source = None if plan.kind == "roles" else _provider(f"{name}{SOURCE_SUFFIX}", settings.source, plan.stack, self)
        self.source_provider = source
        # A people's stack with no roles of its own (no target): nothing to create in a target account.
        if source is not None and not plan.roles and settings.target == settings.source:
            self.target_provider = source
        else:
            self.target_provider = _provider(f"{name}{TARGET_SUFFIX}", settings.target, plan.stack, self)
        in_source = pulumi.ResourceOptions(parent=self, provider=source)

        users: dict[str, aws.iam.User] = {}
        for user in plan.users:
            if user.create:
                users[user.name] = aws.iam.User(
                    f"{name}-user-{user.name}",
                    name=user.name,
                    path=user.path,
                    tags=dict(user.tags) or None,
                    opts=_in(self, source, retain_on_delete=KEEP_USER, import_=_adopt(user.adopt, user.name)),
                )

        roles = self._roles(name, plan, users)

        for user in plan.users:
            for assume in user.assume_policies:  # one, or the parts of a split (crossaccount.packing)
                suffix = f"-{assume.part}" if assume.part else ""
                part_of = f" (part {assume.part})" if assume.part else ""
                identity = aws.iam.Policy(
                    f"{name}-assume-{user.name}{suffix}",
                    name=assume.name,
                    path="/",
                    description=f"Lets {user.name} assume the roles that trust them (identity side kept by stack "
                    f"{plan.stack}){part_of}",
                    policy=assume.document,
                    tags=dict(user.tags) or None,
                    opts=_in(self, source, ignore_changes=DESCRIPTION),
                )
                aws.iam.UserPolicyAttachment(
                    f"{name}-attach-assume-{user.name}{suffix}",
                    user=users[user.name].name if user.name in users else user.name,
                    policy_arn=identity.arn,
                    opts=in_source,
                )

        self.users = users
        self.roles = roles
        # ARNs are computed from account, path and name, so they are known at preview time
        # and identical to what AWS assigns (the tests compare them with the resources').
        outputs = stack_outputs(plan)
        for role in plan.roles:
            if role.secret:  # the assume-role commands and profiles carry the secret externalId
                for carrying in ("access", "permissionSets"):
                    if carrying in outputs["roles"][role.name]:
                        outputs["roles"][role.name][carrying] = pulumi.Output.secret(outputs["roles"][role.name][carrying])
        self.outputs = outputs
        self.groups = people_resources(name, plan, users, in_source, self.outputs)
        # The outputs are the stack's (`__main__.py` exports them): registering them on the
        # component too would store a second copy in the state (9.9 MB of JSON for 4,000 users
        # and 400 roles, written at every checkpoint) and serialise them twice. An empty map
        # still tells the engine the component is complete.
        self.register_outputs({})

    def _roles(self, name: str, plan: StackPlan, users: dict[str, aws.iam.User]) -> dict[str, aws.iam.Role]:
        """The roles, their policies and attachments, in the target account.

        The policies come first: a role whose permissionsBoundary is a policy this stack creates
        gets that policy's `arn` Output, so the engine creates the policy before the role (and
        deletes it after): with the ARN as a plain string the engine sees no dependency and may
        create the role first, which IAM refuses (CreateRole: NoSuchEntity for a boundary that
        does not exist, https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html),
        and a policy in use as a boundary cannot be deleted (DeleteConflict).
        """
        target = self.target_provider
        documents: dict[str, aws.iam.Policy] = {}
        for role in plan.roles:
            for policy in role.policies:
                documents[policy.arn.lower()] = aws.iam.Policy(
                    f"{name}-policy-{policy.name}",
                    name=policy.name,
                    path="/",
                    description=f"Permissions of role {role.name}, from policies/{policy.file_name}",
                    policy=policy.document,
                    tags=dict(role.tags) or None,
                    # An adopted policy's description is whatever its creator wrote; IAM cannot change
                    # it, so without ignoreChanges its import would be a refused replacement.
                    opts=_in(self, target, ignore_changes=DESCRIPTION, import_=_adopt(role.adopt_policies, policy.arn)),
                )
        roles: dict[str, aws.iam.Role] = {}
        for role in plan.roles:
            trusted = [users[a.user] for a in role.access if a.user in users]
            boundary = role.permissions_boundary
            created = documents.get(boundary.lower()) if boundary is not None else None
            resource = aws.iam.Role(
                f"{name}-role-{role.name}",
                name=role.name,
                path=role.path,
                description=role.description or None,
                # A secret externalId is in the trust policy: the engine keeps the input encrypted.
                assume_role_policy=pulumi.Output.secret(role.trust_document) if role.secret else role.trust_document,
                max_session_duration=role.max_session_duration,
                permissions_boundary=created.arn if created is not None else boundary,
                tags=dict(role.tags) or None,
                # IAM rejects a trust policy naming a user that does not exist yet.
                opts=_in(self, target, depends_on=trusted, import_=_adopt(role.adopt, role.name)),
            )
            roles[role.name] = resource
            for policy in role.policies:
                aws.iam.RolePolicyAttachment(
                    f"{name}-attach-{policy.name}",
                    role=resource.name,
                    policy_arn=documents[policy.arn.lower()].arn,
                    opts=_in(self, target, import_=_adopt(role.adopt_policies, attachment_import_id(role.name, policy.arn))),
                )
            for arn in role.managed_policy_arns:
                aws.iam.RolePolicyAttachment(
                    f"{name}-attach-{managed_attachment_name(role.name, arn)}",
                    role=resource.name,
                    policy_arn=arn,
                    opts=_in(self, target, import_=_adopt(role.adopt_policies, attachment_import_id(role.name, arn))),
                )
        return roles
