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
`self_service_document` scopes them to the source account and its partition. With
`enforceMfa: false` the `DenyAllExceptListedIfNoMFA` statement is left out. No Pulumi imports.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from crossaccount.settings.models import PasswordPolicySettings
from crossaccount.settings.policy_files import DENY_WITHOUT_MFA_SID

DOCUMENTED_PREFIX = "arn:aws:iam::*:"
"""How AWS's page writes the resources: any account of the aws partition."""
DEFAULT_PASSWORD_LENGTH = 20
"""The AWS provider's default for a generated initial password."""


def self_service_document(template: Mapping[str, Any], partition: str, account_id: str, enforce_mfa: bool) -> dict[str, Any]:
    """The document as AWS receives it: resources in the source account, the MFA Deny if enforced
    (the settings step has checked that the template holds it)."""
    document = copy.deepcopy(dict(template))
    statements = document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]
    kept = []
    for statement in statements:
        if statement.get("Sid") == DENY_WITHOUT_MFA_SID and not enforce_mfa:
            continue
        resource = statement.get("Resource")
        if isinstance(resource, str):
            statement["Resource"] = _scoped(resource, partition, account_id)
        elif isinstance(resource, list):
            statement["Resource"] = [_scoped(r, partition, account_id) for r in resource]
        kept.append(statement)
    document["Statement"] = kept
    return document


def _scoped(resource: str, partition: str, account_id: str) -> str:
    if resource.startswith(DOCUMENTED_PREFIX):
        return f"arn:{partition}:iam::{account_id}:{resource.removeprefix(DOCUMENTED_PREFIX)}"
    return resource


def initial_password_length(policy: PasswordPolicySettings | None) -> int:
    """The generated password must satisfy the account's policy, or CreateLoginProfile fails."""
    return max(DEFAULT_PASSWORD_LENGTH, policy.minimum_password_length if policy is not None else 0)
