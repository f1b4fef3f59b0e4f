"""The source account's people resources of `CrossAccountAccess`: groups and their
memberships, the self-service policy, console login profiles and the password policy.

Like the component, it decides nothing: every name and document comes from the `StackPlan`
(`crossaccount.plan`), and every resource goes to the source account's provider.
Memberships use `UserGroupMembership`, which adds this stack's groups to a user and leaves
any other group alone (`GroupMembership` would take the group's whole member list over).
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from crossaccount.plan import StackPlan
from crossaccount.plan.names import group_assume_resource_name, group_managed_attachment_name

LOGIN_PROFILE_IGNORED = ["passwordResetRequired", "passwordLength", "pgpKey"]
"""The AWS provider's login profile has no update: every input forces a replacement, that is
a new password. After the first sign-in AWS reports PasswordResetRequired false, which the
provider reads back and would "fix" by replacing the profile at the next `up`
(hashicorp/terraform-provider-aws#23567); a later change of key or length must not reset a
password in use either. The provider never reads the password back, so a password the user
changed is never touched."""


DESCRIPTION = ["description"]
"""Every customer managed policy's description is written when it is created and never changed:
IAM cannot update a policy's description, so the provider replaces the policy for it
(terraform-provider-aws, iam/policy.go: `description` is ForceNew), and a replacement of a
policy with a fixed name fails (EntityAlreadyExists) or, delete-first, leaves people without
access. The same holds for a policy adopted with `importPolicies` (its creator wrote another
description, and the engine refuses to replace what it imports), for the self-service policy
(whose text follows `enforceMfa`) and for policies created before the people's stack covered
other accounts, which keep their old text."""

KEEP_LOGIN_PROFILE = True
"""`retain_on_delete` of every login profile: a person's console password outlives its place in
the program, like their user (`components.cross_account_access.KEEP_USER`). A hand-over
(`create: false`, the receiving stack adopts the profile with `import: true`) or the removal of
the user forgets it instead of calling DeleteLoginProfile, which would lock the person out of the
console. The cost, documented in docs/people.md: removing `consoleAccess` no longer revokes the
password; that is `aws iam delete-login-profile`, a deliberate step like deleting a user."""


OFF = 0
"""What the password policy's `null` settings are sent as: 0, AWS's value for "no expiry" and "no
reuse prevention" (GetAccountPasswordPolicy reports them so). Left out (None), the provider would
never apply them to an existing policy: both inputs are Optional+Computed, so an absent input keeps
the value in the state, no diff, no update (terraform-provider-aws, iam/account_password_policy.go).
An explicit 0 is a diff (90 -> 0), so the provider updates; its update sends only the fields whose
value is set (`d.GetOk`, which a 0 is not), and UpdateAccountPasswordPolicy resets every field it is
not sent to its default, 0 ("no partial updates", IAM API reference). Its Read then reports 0:
the state matches the settings, and the next `up` has nothing to do."""


def _or_off(value: int | None) -> int:
    return OFF if value is None else value


def people_resources(
    name: str,
    plan: StackPlan,
    users: dict[str, aws.iam.User],
    in_source: pulumi.ResourceOptions,
    outputs: dict[str, Any],
) -> dict[str, aws.iam.Group]:
    """Register the people resources; add the login profiles' outputs to `outputs["users"]`."""
    groups: dict[str, aws.iam.Group] = {}
    for group in plan.groups:
        resource = aws.iam.Group(f"{name}-group-{group.name}", name=group.name, path=group.path, opts=in_source)
        groups[group.name] = resource
        for assume in group.assume_policies:  # one, or the parts of a split (crossaccount.plan.packing)
            resource_name = group_assume_resource_name(group.name, assume.part)
            identity = aws.iam.Policy(
                f"{name}-{resource_name}",
                name=assume.name,
                path="/",
                description=f"Lets the members of group {group.name} assume the roles that trust the group "
                f"(identity side kept by stack {plan.stack})",
                policy=assume.document,
                tags=dict(group.tags) or None,
                opts=pulumi.ResourceOptions(parent=in_source.parent, provider=in_source.provider, ignore_changes=DESCRIPTION),
            )
            aws.iam.GroupPolicyAttachment(
                f"{name}-attach-{resource_name}", group=resource.name, policy_arn=identity.arn, opts=in_source
            )
        for arn in group.managed_policy_arns:
            aws.iam.GroupPolicyAttachment(
                f"{name}-attach-{group_managed_attachment_name(group.name, arn)}",
                group=resource.name,
                policy_arn=arn,
                opts=in_source,
            )

    for user in plan.users:
        if user.groups:
            aws.iam.UserGroupMembership(
                f"{name}-groups-{user.name}",
                user=users[user.name].name if user.name in users else user.name,
                groups=[groups[g].name for g in user.groups],
                opts=in_source,
            )

    if plan.self_service is not None:
        service = plan.self_service
        policy = aws.iam.Policy(
            f"{name}-self-service",
            name=service.name,
            path="/",
            description=f"Lets each user of stack {plan.stack} manage their own password, access keys, signing certificates "
            "and MFA device" + (", and nothing else until signed in with MFA" if service.enforce_mfa else ""),
            policy=service.document,
            tags=dict(plan.settings.tags) or None,
            opts=pulumi.ResourceOptions(parent=in_source.parent, provider=in_source.provider, ignore_changes=DESCRIPTION),
        )
        for user_name in service.users:
            aws.iam.UserPolicyAttachment(
                f"{name}-attach-self-service-{user_name}", user=users[user_name].name, policy_arn=policy.arn, opts=in_source
            )

    for user in plan.users:
        if user.console is None:
            continue
        profile = aws.iam.UserLoginProfile(
            f"{name}-login-{user.name}",
            user=users[user.name].name,
            password_reset_required=True,
            password_length=user.console.password_length,
            pgp_key=user.console.pgp_key,
            # pulumi-aws's UserLoginProfile marks `password` secret itself (its constructor adds
            # additional_secret_outputs=["password"]), so the state holds it encrypted.
            opts=pulumi.ResourceOptions(
                parent=in_source.parent,
                provider=in_source.provider,
                ignore_changes=LOGIN_PROFILE_IGNORED,
                retain_on_delete=KEEP_LOGIN_PROFILE,
                # The provider's import id of a login profile is the user name (its Read takes
                # `user` from the id); the ignored inputs are what an import cannot read back.
                import_=user.name if user.console.adopt else None,
            ),
        )
        shown = outputs["users"][user.name]
        if user.console.adopt:
            pass  # the person's own password: never known to the stack, so no initialPassword output
        elif user.console.pgp_key is None:
            # `pulumi stack output --show-secrets users` reveals it; the plan shows [secret].
            shown["initialPassword"] = pulumi.Output.secret(profile.password)  # type: ignore[arg-type]  # (mypy cannot infer T from Output[str])
        else:
            shown["encryptedPassword"] = profile.encrypted_password
            shown["pgpKeyFingerprint"] = profile.key_fingerprint

    if plan.password_policy is not None:
        p = plan.password_policy
        aws.iam.AccountPasswordPolicy(
            f"{name}-password-policy",
            minimum_password_length=p.minimum_password_length,
            require_uppercase_characters=p.require_uppercase_characters,
            require_lowercase_characters=p.require_lowercase_characters,
            require_numbers=p.require_numbers,
            require_symbols=p.require_symbols,
            password_reuse_prevention=_or_off(p.password_reuse_prevention),
            max_password_age=_or_off(p.max_password_age),
            allow_users_to_change_password=p.allow_users_to_change_password,
            hard_expiry=p.hard_expiry,
            opts=in_source,
        )
    return groups
