"""How PRIVILEGE_ESCALATION reads what a policy says, each correct policy beside its near miss:
ARNs as AWS reads them (a stack's id, a function's qualifier, an AWS-owned document, the
caller's own user), the two conditions it evaluates (iam:PassedToService, AWS's
permissions-boundary delegation pattern), Denies, and what a finding tells the reader to change.
AWS managed policies are judged by the same catalogue."""

from __future__ import annotations

import json
from typing import Any

import pytest

from crossaccount.guardrails import Entity, PolicyDocument
from tests.guardrails.corpus import findings

ACCOUNT = "444455556666"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/AppBoundary"
PINNED = {"StringEquals": {"iam:PermissionsBoundary": BOUNDARY}}
BOUNDARY_DENIES = [
    {
        "Sid": "NoBoundaryRemoval",
        "Effect": "Deny",
        "Action": ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"],
        "Resource": "*",
    },
    {
        "Sid": "NoBoundaryPolicyEdit",
        "Effect": "Deny",
        "Action": ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy"],
        "Resource": BOUNDARY,
    },
]


def policy(*statements: dict[str, Any]) -> PolicyDocument:
    return PolicyDocument("managed", "policies/p.json", json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))


def allow(actions: list[str], resources: list[str] | str, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources, **extra}


def escalation(doc: PolicyDocument) -> list[str]:
    return [f.message for f in findings(doc) if f.rule_id == "PRIVILEGE_ESCALATION"]


def every_finding(doc: PolicyDocument) -> list[str]:
    return [f.line() for f in findings(doc)]


# --- ARNs as AWS reads them ---------------------------------------------------------------

STACK = f"arn:aws:cloudformation:eu-north-1:{ACCOUNT}:stack"
FUNCTION = f"arn:aws:lambda:eu-north-1:{ACCOUNT}:function"


def test_a_stack_arn_ending_in_its_id_wildcard_is_one_stack() -> None:
    doc = policy(allow(["cloudformation:UpdateStack", "cloudformation:DescribeStacks"], f"{STACK}/app-prod/*"))
    assert every_finding(doc) == []


def test_a_wildcard_in_the_stack_name_is_every_matching_stack() -> None:
    (message,) = escalation(policy(allow(["cloudformation:UpdateStack"], f"{STACK}/app-*/*")))
    assert message.startswith("grants the privilege-escalation path cloudformation-002 CloudFormationUpdateStack [")
    assert f"on the exact ARN (arn:aws:cloudformation:eu-north-1:{ACCOUNT}:stack/<StackName>/<Id>)" in message


def test_a_functions_versions_and_aliases_are_that_function() -> None:
    doc = policy(
        allow(["lambda:UpdateFunctionCode", "lambda:InvokeFunction"], [f"{FUNCTION}:orders-api", f"{FUNCTION}:orders-api:*"])
    )
    assert every_finding(doc) == []


@pytest.mark.parametrize(
    "resource", [f"{FUNCTION}:orders-*", f"{FUNCTION}:*:*", "arn:aws:lambda:eu-north-1:*:function:orders-api:*"]
)
def test_a_wildcard_in_the_function_name_or_account_is_every_matching_function(resource: str) -> None:
    (message,) = escalation(policy(allow(["lambda:UpdateFunctionCode"], resource)))
    assert message.startswith("grants the privilege-escalation path lambda-003 EditExistingLambdaFunctionWithRole [")
    assert resource in message


def test_an_aws_owned_ssm_document_has_an_empty_account_and_a_fixed_purpose_one_is_no_path() -> None:
    doc = policy(
        allow(
            ["ssm:SendCommand"],
            ["arn:aws:ssm:eu-north-1::document/AWS-RunPatchBaseline", f"arn:aws:ec2:eu-north-1:{ACCOUNT}:instance/*"],
        )
    )
    assert every_finding(doc) == []


def test_a_document_that_runs_any_command_on_every_instance_is_the_send_command_path() -> None:
    doc = policy(
        allow(
            ["ssm:SendCommand"],
            ["arn:aws:ssm:eu-north-1::document/AWS-RunShellScript", f"arn:aws:ec2:eu-north-1:{ACCOUNT}:instance/*"],
        )
    )
    (message,) = escalation(doc)
    assert message.startswith("grants the privilege-escalation path ssm-002 SSMSendCommand [pathfinding.cloud ssm-002, ")
    assert "document/AWS-RunShellScript" in message
    assert (
        f"Narrowest fix: ssm:SendCommand on the exact ARNs (arn:aws:ec2:eu-north-1:{ACCOUNT}:instance/<InstanceId> and "
        in message
    )


def test_an_empty_account_is_aws_owned_only_where_aws_owns_such_resources() -> None:
    """An IAM role has an account: `arn:aws:iam:::role/x` grants nothing (RESOURCE_MISMATCH)."""
    found = findings(policy(allow(["iam:GetRole"], "arn:aws:iam:::role/deployer")))
    assert "RESOURCE_MISMATCH" in {f.rule_id for f in found}
    assert [
        f.rule_id for f in findings(policy(allow(["ssm:GetDocument"], "arn:aws:ssm:eu-north-1::document/AWS-RunPatchBaseline")))
    ] == []


def test_managing_ones_own_credentials_is_no_path_but_anyone_elses_is() -> None:
    own = policy(allow(["iam:CreateAccessKey", "iam:UpdateLoginProfile"], "arn:aws:iam::*:user/${aws:username}"))
    assert escalation(own) == []
    (message,) = escalation(policy(allow(["iam:CreateAccessKey"], f"arn:aws:iam::{ACCOUNT}:user/*")))
    assert "iam-002 CreateAccessKey" in message


def test_attaching_or_putting_policies_on_ones_own_user_is_self_escalation() -> None:
    (message,) = escalation(policy(allow(["iam:PutUserPolicy"], "arn:aws:iam::*:user/${aws:username}")))
    assert message.startswith("grants the privilege-escalation path iam-007 PutUserPolicy [")


# --- conditions ---------------------------------------------------------------------------


def test_passed_to_service_naming_another_service_closes_a_pass_role_path() -> None:
    doc = policy(
        allow(["iam:PassRole"], "*", Condition={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}),
        allow(["lambda:CreateFunction", "lambda:InvokeFunction"], "*"),
    )
    assert escalation(doc) == []


def test_passed_to_service_naming_the_paths_service_keeps_it_and_the_fix_names_the_condition() -> None:
    doc = policy(
        allow(["iam:PassRole"], "*", Condition={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}),
        allow(["lambda:CreateFunction", "lambda:InvokeFunction"], "*"),
    )
    first, second = escalation(doc)
    assert first.startswith("grants the privilege-escalation path lambda-001 PassExistingRoleToNewLambdaThenInvoke [")
    assert "(together with Statement[1])" in first
    assert (
        "iam:PassRole on the exact role ARN (arn:aws:iam::<Account>:role/<RoleNameWithPath>) and an iam:PassedToService " in first
    )
    assert "(together with Statement[0])" in second


def test_awss_permissions_boundary_delegation_pattern_passes() -> None:
    """IAM User Guide, "Delegating responsibility to others using permissions boundaries"."""
    doc = policy(
        allow(
            ["iam:CreateRole", "iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:PutRolePermissionsBoundary"],
            f"arn:aws:iam::{ACCOUNT}:role/app-*",
            Condition=PINNED,
        ),
        *BOUNDARY_DENIES,
    )
    assert escalation(doc) == []


def test_a_pinned_boundary_without_the_denies_is_a_path_and_the_finding_names_the_missing_denies() -> None:
    doc = policy(allow(["iam:AttachRolePolicy"], f"arn:aws:iam::{ACCOUNT}:role/app-*", Condition=PINNED))
    (message,) = escalation(doc)
    assert message.startswith("grants the privilege-escalation path iam-009 AttachRolePolicy [")
    assert "the iam:PermissionsBoundary condition confines them to principals with that boundary" in message
    assert f"add a Deny of iam:CreatePolicyVersion on {BOUNDARY}, iam:DeleteRolePermissionsBoundary on " in message


def test_a_boundary_condition_with_a_wildcard_pins_nothing() -> None:
    loose = {"StringLike": {"iam:PermissionsBoundary": f"arn:aws:iam::{ACCOUNT}:policy/*"}}
    doc = policy(allow(["iam:AttachRolePolicy"], f"arn:aws:iam::{ACCOUNT}:role/app-*", Condition=loose), *BOUNDARY_DENIES)
    (message,) = escalation(doc)
    assert "iam-009 AttachRolePolicy" in message


def test_a_boundary_condition_on_an_action_without_that_key_grants_nothing() -> None:
    """iam:CreateAccessKey carries no iam:PermissionsBoundary key (per the catalogue): StringEquals on it never matches."""
    doc = policy(allow(["iam:CreateAccessKey"], f"arn:aws:iam::{ACCOUNT}:user/*", Condition=PINNED))
    assert escalation(doc) == []
    (message,) = escalation(policy(allow(["iam:CreateAccessKey"], f"arn:aws:iam::{ACCOUNT}:user/*")))
    assert "iam-002 CreateAccessKey" in message


def test_an_unconditioned_deny_cancels_the_grant_it_covers_and_a_narrower_one_does_not() -> None:
    granted = allow(["lambda:UpdateFunctionCode"], f"{FUNCTION}:*")
    assert escalation(policy(granted, {"Effect": "Deny", "Action": "lambda:Update*", "Resource": "*"})) == []
    (message,) = escalation(policy(granted, {"Effect": "Deny", "Action": "lambda:Update*", "Resource": f"{FUNCTION}:prod-*"}))
    assert "lambda-003" in message


# --- findings a person can act on ---------------------------------------------------------


def test_a_finding_names_the_path_its_sources_the_actions_the_resources_and_the_narrowest_fix() -> None:
    (message,) = escalation(
        policy(allow(["codebuild:StartBuild", "codebuild:BatchGetBuilds"], f"arn:aws:codebuild:eu-north-1:{ACCOUNT}:project/*"))
    )
    assert message == (
        "grants the privilege-escalation path codebuild-002 CodeBuildStartBuild [pathfinding.cloud codebuild-002, "
        "prowler CodeBuildStartBuild]: codebuild:StartBuild allows codebuild:StartBuild on "
        f"arn:aws:codebuild:eu-north-1:{ACCOUNT}:project/*, with which the holder can give itself or another principal more "
        "power than its policies say. Narrowest fix: codebuild:StartBuild on the exact ARN "
        f"(arn:aws:codebuild:eu-north-1:{ACCOUNT}:project/<ProjectName>); or drop codebuild:StartBuild; "
        "or waive PRIVILEGE_ESCALATION with the reason"
    )


# --- AWS managed policies -----------------------------------------------------------------


def role_with(arn: str) -> Entity:
    return Entity(kind="role", where="cross-account-roles:roles.r", managed_policy_arns=(("managedPolicyArns[0]", arn),))


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("AmazonSSMFullAccess", "ssm-002"),
        ("AWSCodeBuildAdminAccess", "codebuild-002"),
        ("AmazonEventBridgeSchedulerFullAccess", "prowler-PassRole-SchedulerCreateSchedule"),
        ("AWSStepFunctionsFullAccess", "prowler-StepFunctionsUpdateStateMachine-StartExecution"),
    ],
)
def test_service_full_access_policies_that_run_code_as_a_role_are_managed_policy_escalation(name: str, path: str) -> None:
    (finding,) = findings(role_with(f"arn:aws:iam::aws:policy/{name}"))
    assert finding.rule_id == "MANAGED_POLICY_ESCALATION"
    assert path in finding.message


@pytest.mark.parametrize(
    "name",
    ["ReadOnlyAccess", "job-function/ViewOnlyAccess", "SecurityAudit", "AmazonSSMReadOnlyAccess", "AmazonSSMManagedInstanceCore"],
)
def test_read_only_managed_policies_grant_no_path(name: str) -> None:
    assert [f.rule_id for f in findings(role_with(f"arn:aws:iam::aws:policy/{name}"))] == []


@pytest.mark.parametrize(
    ("actions", "one", "many"),
    [
        (["apprunner:UpdateService"], f"arn:aws:apprunner:eu-north-1:{ACCOUNT}:service/orders/*",
         f"arn:aws:apprunner:eu-north-1:{ACCOUNT}:service/*/*"),
        (["ecs:RegisterTaskDefinition", "ecs:RunTask", "iam:PassRole"], f"arn:aws:ecs:eu-north-1:{ACCOUNT}:task-definition/orders:*",
         f"arn:aws:ecs:eu-north-1:{ACCOUNT}:task-definition/*:*"),
        (["states:UpdateStateMachine", "states:StartExecution"], f"arn:aws:states:eu-north-1:{ACCOUNT}:stateMachine:orders:*",
         f"arn:aws:states:eu-north-1:{ACCOUNT}:stateMachine:*"),
    ],
)  # fmt: skip
def test_a_wildcard_in_a_revision_or_id_is_one_resource_and_in_its_name_many(actions: list[str], one: str, many: str) -> None:
    passrole = [allow(["iam:PassRole"], f"arn:aws:iam::{ACCOUNT}:role/orders-task")] if "iam:PassRole" in actions else []
    rest = [a for a in actions if a != "iam:PassRole"]
    assert escalation(policy(allow(rest, one), *passrole)) == []
    passrole_any = [allow(["iam:PassRole"], f"arn:aws:iam::{ACCOUNT}:role/*")] if passrole else []
    assert escalation(policy(allow(rest, many), *passrole_any))
