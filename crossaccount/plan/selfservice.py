"""The self-service credentials policy, the console sign-in and the password policy's inputs.

The policy is AWS's documented pattern "Allows MFA-authenticated IAM users to manage their
own credentials" (IAM User Guide, reference_policies_examples_aws_my-sec-creds-self-manage),
kept as a document in `policies/source/self-service-credentials.json`, narrowed to what the
issue asks (own password, access keys, signing certificates, virtual MFA device: no SSH keys
or Git credentials, no GetAccountSummary), with the change AWS's page documents for users
who must set a password at sign-in: `iam:ChangePassword` and `iam:GetAccountPasswordPolicy`
are in the Deny's NotAction, so a new user (password reset required) or one whose password
expired can set it before enrolling a device.

Its resources are written as AWS's page writes them (`arn:aws:iam::*:user/${aws:username}`);
`self_service_document` scopes them to the source account and its partition, and to each path
of the users it is attached to: a user's ARN carries its path (`user/team-data/alice`) and
`${aws:username}` does not, so `user/${aws:username}` matches no user with a path (IAM User
Guide, policy variables: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html;
IAM identifiers: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns).
One exact resource per distinct path (`user/team-data/${aws:username}`), no wildcard: a user
matches only its own ARN. With `enforceMfa: false` the `DenyAllExceptListedIfNoMFA` statement is
left out. No Pulumi imports.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from crossaccount.settings.models import PasswordPolicySettings
from crossaccount.settings.policy_files import DENY_WITHOUT_MFA_SID

DOCUMENTED_PREFIX = "arn:aws:iam::*:"
"""How AWS's page writes the resources: any account of the aws partition."""
DEFAULT_PASSWORD_LENGTH = 20
"""The AWS provider's default for a generated initial password."""


OWN_USER = "user/${aws:username}"
"""The template's resource for the caller's own user, written for users at the path `/`."""


def self_service_document(
    template: Mapping[str, Any], partition: str, account_id: str, enforce_mfa: bool, paths: Sequence[str] = ("/",)
) -> dict[str, Any]:
    """The document as AWS receives it: resources in the source account, each user resource once
    per path in `paths` (the distinct paths of its users), the MFA Deny if enforced (the settings
    step has checked that the template holds it)."""
    document = copy.deepcopy(dict(template))
    statements = document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]
    kept = []
    for statement in statements:
        if statement.get("Sid") == DENY_WITHOUT_MFA_SID and not enforce_mfa:
            continue
        resource = statement.get("Resource")
        if isinstance(resource, (str, list)):
            scoped = [
                p
                for r in (resource if isinstance(resource, list) else [resource])
                for p in _scoped(r, partition, account_id, paths)
            ]
            statement["Resource"] = scoped[0] if len(scoped) == 1 else scoped
        kept.append(statement)
    document["Statement"] = kept
    return document


def _scoped(resource: str, partition: str, account_id: str, paths: Sequence[str]) -> list[str]:
    if not resource.startswith(DOCUMENTED_PREFIX):
        return [resource]
    rest = resource.removeprefix(DOCUMENTED_PREFIX)
    prefix = f"arn:{partition}:iam::{account_id}:"
    if rest == OWN_USER:
        return [f"{prefix}user{path}${{aws:username}}" for path in sorted(set(paths))]
    return [prefix + rest]


def initial_password_length(policy: PasswordPolicySettings | None) -> int:
    """The generated password must satisfy the account's policy, or CreateLoginProfile fails."""
    return max(DEFAULT_PASSWORD_LENGTH, policy.minimum_password_length if policy is not None else 0)
