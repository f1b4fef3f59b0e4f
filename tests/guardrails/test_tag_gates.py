"""Issue 29: a tag that decides access, written by the holder (`escalation.tag_gated`, paths
aws-abac-1 to -4). Tagging alone is no path; beside a statement whose condition reads the caller's own
tag (`aws:PrincipalTag/<key>`, or `${aws:PrincipalTag/<key>}` in a value) or the tag of the roles or users
it assumes or changes (`aws:ResourceTag/<key>`, `iam:ResourceTag/<key>`), a statement that lets the holder
write that key decides what the condition grants (IAM User Guide, access_iam-tags.html; AWS Security Blog,
securing resource tags used for authorization). The documented locks hold: `aws:TagKeys` allowing only
other keys, a Deny of writing the key (`ForAnyValue:StringEquals aws:TagKeys`, `Null aws:RequestTag/<key>`)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from crossaccount.guardrails import Entity, PolicyDocument
from tests.guardrails.corpus import findings

A = "123456789012"
OWN = "arn:aws:iam::*:user/${aws:username}"
TEAM_SECRETS = {
    "Effect": "Allow",
    "Action": "secretsmanager:GetSecretValue",
    "Resource": "*",
    "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
}
ASSUME_TAGGED = {
    "Effect": "Allow",
    "Action": "sts:AssumeRole",
    "Resource": f"arn:aws:iam::{A}:role/team-*",
    "Condition": {"StringEquals": {"iam:ResourceTag/Project": "blue"}},
}


def doc(*statements: dict[str, Any], file: str = "policies/p.json") -> PolicyDocument:
    return PolicyDocument("managed", file, json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))


def allow(action: Any, resource: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def escalation(*statements: dict[str, Any]) -> list[str]:
    return [f.message for f in findings(doc(*statements)) if f.rule_id == "PRIVILEGE_ESCALATION"]


def test_tagging_oneself_beside_a_principal_tag_condition_is_the_path_naming_both_statements_and_the_lock() -> None:
    (found,) = [f for f in findings(doc(TEAM_SECRETS, allow("iam:TagUser", OWN))) if f.rule_id == "PRIVILEGE_ESCALATION"]
    assert found.location == "policies/p.json, Statement[1]"
    assert found.message.startswith(
        "grants the privilege-escalation path aws-abac-1 TagOwnUserToMeetPrincipalTagCondition [AWS documentation "
        "IAM/latest/UserGuide/access_iam-tags.html (aws:PrincipalTag on IAM principals), AWS Security Blog tags used for "
        "authorization: only authorized principals may change them] (together with Statement[0]): iam:TagUser allows "
        "iam:TagUser on arn:aws:iam::*:user/${aws:username}, "
    )
    assert 'Narrowest fix: a Deny of iam:TagUser with ForAnyValue:StringEquals aws:TagKeys ["team"]' in found.message


def test_tagging_alone_is_no_path() -> None:
    assert escalation(allow(["iam:TagUser", "iam:TagRole"], "*")) == []


def test_a_principal_tag_written_out_as_a_key_is_read_too() -> None:
    gate = allow("ssm:GetParameter", "*", Condition={"StringEquals": {"aws:PrincipalTag/level": "prod"}})
    (message,) = escalation(gate, allow("iam:TagRole", f"arn:aws:iam::{A}:role/app-*"))
    assert "aws-abac-2 TagOwnRoleToMeetPrincipalTagCondition" in message


def test_tagging_roles_beside_a_resource_tag_on_assuming_them_is_the_path() -> None:
    (message,) = escalation(ASSUME_TAGGED, allow("iam:TagRole", f"arn:aws:iam::{A}:role/*"))
    assert "aws-abac-3 TagRoleToMeetResourceTagCondition" in message
    assert "(together with Statement[0])" in message


def test_tagging_roles_the_condition_never_acts_on_is_no_path() -> None:
    assert escalation(ASSUME_TAGGED, allow("iam:TagRole", f"arn:aws:iam::{A}:role/other-*")) == []


def test_tagging_one_named_role_is_no_path() -> None:
    assert escalation(ASSUME_TAGGED, allow("iam:TagRole", f"arn:aws:iam::{A}:role/team-a")) == []


def test_tagging_users_does_not_meet_a_condition_on_roles() -> None:
    assert escalation(ASSUME_TAGGED, allow("iam:TagUser", "*")) == []


@pytest.mark.parametrize(
    ("operator", "keys"),
    [("ForAllValues:StringEquals", ["Nickname", "CostCenter"]), ("ForAllValues:StringLike", ["cost-*"])],
)
def test_tag_keys_that_exclude_the_key_close_the_path(operator: str, keys: list[str]) -> None:
    tagging = allow("iam:TagUser", OWN, Condition={operator: {"aws:TagKeys": keys}})
    assert escalation(TEAM_SECRETS, tagging) == []


@pytest.mark.parametrize("keys", [["Team"], ["te*"], ["*"]])
def test_tag_keys_that_name_the_key_in_any_case_or_by_a_pattern_keep_the_path(keys: list[str]) -> None:
    operator = "ForAllValues:StringLike" if any("*" in k for k in keys) else "ForAllValues:StringEquals"
    tagging = allow("iam:TagUser", OWN, Condition={operator: {"aws:TagKeys": keys}})
    assert len(escalation(TEAM_SECRETS, tagging)) == 1


@pytest.mark.parametrize(
    "condition",
    [
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["Team"]}},
        {"ForAnyValue:StringLike": {"aws:TagKeys": ["t*"]}},
        {"Null": {"aws:RequestTag/team": "false"}},
    ],
)
def test_a_deny_of_writing_the_key_closes_the_path(condition: dict[str, Any]) -> None:
    deny = {"Effect": "Deny", "Action": "iam:Tag*", "Resource": "*", "Condition": condition}
    assert escalation(TEAM_SECRETS, allow("iam:TagUser", OWN), deny) == []


@pytest.mark.parametrize(
    "deny",
    [
        {
            "Effect": "Deny",
            "Action": "iam:TagUser",
            "Resource": "*",
            "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["project"]}},
        },
        {
            "Effect": "Deny",
            "Action": "iam:TagRole",
            "Resource": "*",
            "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}},
        },
        {
            "Effect": "Deny",
            "Action": "iam:TagUser",
            "Resource": "*",
            "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}, "Bool": {"aws:MultiFactorAuthPresent": "false"}},
        },
    ],
)
def test_a_deny_of_another_key_another_action_or_only_sometimes_keeps_the_path(deny: dict[str, Any]) -> None:
    assert len(escalation(TEAM_SECRETS, allow("iam:TagUser", OWN), deny)) == 1


def test_an_unconditional_deny_of_tagging_closes_it() -> None:
    assert escalation(TEAM_SECRETS, allow("iam:TagUser", OWN), {"Effect": "Deny", "Action": "iam:TagUser", "Resource": "*"}) == []


def test_a_condition_and_its_tagging_in_one_statement_are_no_path() -> None:
    """Tagging roles already tagged: the condition is the tagging's own (it limits which roles, not a grant)."""
    own = allow("iam:TagRole", f"arn:aws:iam::{A}:role/*", Condition={"StringEquals": {"aws:ResourceTag/team": "blue"}})
    assert escalation(own) == []


def test_the_condition_in_one_policy_and_the_tagging_in_another_is_an_escalation_across_policies() -> None:
    role = Entity(
        kind="role",
        where="cross-account-roles:roles.app",
        permission_documents=(
            doc(TEAM_SECRETS, file="policies/secrets.json"),
            doc(allow("iam:TagUser", OWN), file="policies/self-service.json"),
        ),
    )
    (found,) = [f for f in findings(role) if f.rule_id == "ESCALATION_ACROSS_POLICIES"]
    assert "aws-abac-1 TagOwnUserToMeetPrincipalTagCondition" in found.message
    assert "policies/self-service.json, Statement[0] allows iam:TagUser on arn:aws:iam::*:user/${aws:username}" in found.message


def test_a_condition_key_written_with_json_escapes_is_read_as_iam_reads_it() -> None:
    """The cheap pre-check on the text ("tag/") must not let `aws:Principal\\u0054ag/team` through."""
    text = json.dumps({"Version": "2012-10-17", "Statement": [TEAM_SECRETS, allow("iam:TagUser", OWN)]})
    escaped = text.replace("PrincipalTag/team", "Principal\\u0054ag\\u002fteam")
    assert escaped != text
    assert json.loads(escaped) == json.loads(text)
    found = [f.rule_id for f in findings(PolicyDocument("managed", "policies/p.json", escaped))]
    assert "PRIVILEGE_ESCALATION" in found


def test_tag_keys_without_for_all_values_do_not_limit_the_keys_written() -> None:
    """aws:TagKeys is multivalued and needs a set operator (IAM User Guide,
    reference_policies_condition-single-vs-multi-valued-context-keys.html): `StringEquals` alone does not say
    that every key written is Nickname, so it is not read as a limit."""
    tagging = allow("iam:TagUser", OWN, Condition={"StringEquals": {"aws:TagKeys": ["Nickname"]}})
    assert len(escalation(TEAM_SECRETS, tagging)) == 1
