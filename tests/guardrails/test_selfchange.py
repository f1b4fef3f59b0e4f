"""ROLE_CHANGES_ITSELF (issue 29): a role that may change itself is an escalation however exactly its
policies name it: its own inline policies, attachments, trust policy and boundary, new versions of
the customer managed policies attached to it, its ARN written out or built from a policy variable.
A Deny on its own ARN cancels it; other roles, and attaches limited to harmless policies, do not count."""

from __future__ import annotations

import json
from typing import Any

import pytest

from crossaccount.guardrails import Entity, PolicyDocument
from tests.guardrails.corpus import findings

A = "444455556666"
ME = f"arn:aws:iam::{A}:role/deployer"
MY_POLICY = f"arn:aws:iam::{A}:policy/deployer-deploy"


def file(*statements: dict[str, Any]) -> PolicyDocument:
    return PolicyDocument("managed", "policies/deploy.json", json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))


def deployer(*documents: PolicyDocument, **fields: Any) -> Entity:
    return Entity(
        kind="role",
        where="cross-account-roles:roles.deployer",
        name="deployer",
        path="/",
        arn=ME,
        policy_arns=(MY_POLICY,),
        permission_documents=documents,
        **fields,
    )


def messages(role: Entity) -> list[str]:
    return [f.message for f in findings(role) if f.rule_id == "ROLE_CHANGES_ITSELF"]


def allow(actions: str | list[str], resource: str | list[str], **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resource, **extra}


@pytest.mark.parametrize(
    ("action", "resource", "what"),
    [
        ("iam:PutRolePolicy", ME, "write its own inline policy"),
        ("iam:AttachRolePolicy", ME, "attach any managed policy to itself"),
        ("iam:UpdateAssumeRolePolicy", ME, "rewrite its own trust policy, and so who may assume it"),
        ("iam:DeleteRolePermissionsBoundary", ME, "remove its own permissions boundary"),
        ("iam:PutRolePermissionsBoundary", ME, "replace its own permissions boundary"),
        ("iam:CreatePolicyVersion", MY_POLICY, "publish a new version of a policy attached to it"),
        ("iam:SetDefaultPolicyVersion", MY_POLICY, "make another version of a policy attached to it the one in force"),
        ("iam:PutRolePolicy", "arn:aws:iam::${aws:PrincipalAccount}:role/deployer", "write its own inline policy"),
        ("iam:PutRolePolicy", f"arn:aws:iam::{A}:role/${{aws:PrincipalTag/team}}", "write its own inline policy"),
        ("iam:PutRolePolicy", f"arn:aws:iam::{A}:role/Deployer", "write its own inline policy"),  # any case: the louder reading
    ],
)
def test_a_role_allowed_to_change_itself_by_name_is_an_error(action: str, resource: str, what: str) -> None:
    (message,) = messages(deployer(file(allow([action, "iam:GetRole"], resource))))
    assert message == (
        f'policies/deploy.json, Statement[0] allows {action} ({what}) on "{resource}", which names the role itself '
        f'("{ME}"): with it the role can give itself any permission. Name only other roles and policies, or deny '
        "these actions on the role's own ARN; or waive ROLE_CHANGES_ITSELF with the reason"
    )


def test_a_policy_attached_by_arn_is_the_roles_own_too() -> None:
    shared = f"arn:aws:iam::{A}:policy/shared-deploy"
    role = deployer(file(allow("iam:CreatePolicyVersion", shared)), managed_policy_arns=(("k.managedPolicyArns[0]", shared),))
    (message,) = messages(role)
    assert "iam:CreatePolicyVersion (publish a new version of a policy attached to it)" in message


def test_the_same_actions_on_other_roles_and_policies_are_no_finding() -> None:
    other = allow(
        ["iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:CreatePolicyVersion"],
        [f"arn:aws:iam::{A}:role/app-runner", f"arn:aws:iam::{A}:policy/app-runner", "arn:aws:iam::111122223333:role/deployer"],
    )
    assert messages(deployer(file(other))) == []


def test_wildcards_are_privilege_escalations_finding_not_this_rules() -> None:
    role = deployer(file(allow("iam:PutRolePolicy", f"arn:aws:iam::{A}:role/*")))
    assert messages(role) == []
    assert [f.rule_id for f in findings(role.permission_documents[0]) if f.rule_id == "PRIVILEGE_ESCALATION"] == [
        "PRIVILEGE_ESCALATION"
    ]


def test_a_deny_on_its_own_arn_cancels_it_a_decoy_deny_does_not() -> None:
    grant = allow("iam:PutRolePolicy", ME)
    assert (
        messages(deployer(file(grant, {"Effect": "Deny", "Action": "iam:*", "Resource": f"arn:aws:iam::{A}:role/deploy*"}))) == []
    )
    assert messages(deployer(file(grant), file({"Effect": "Deny", "Action": "iam:Put*", "Resource": ME}))) == []
    assert (
        len(messages(deployer(file(grant, {"Effect": "Deny", "Action": "iam:*", "Resource": f"arn:aws:iam::{A}:role/Deployer"}))))
        == 1
    )
    assert len(messages(deployer(file(grant, {"Effect": "Deny", "Action": "iam:AttachRolePolicy", "Resource": ME})))) == 1


def test_an_attach_limited_to_read_only_access_is_no_finding() -> None:
    limited = allow(
        "iam:AttachRolePolicy", ME, Condition={"ArnEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}
    )
    assert messages(deployer(file(limited))) == []
    admin = allow(
        "iam:AttachRolePolicy", ME, Condition={"ArnEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"}}
    )
    assert len(messages(deployer(file(admin)))) == 1


def test_not_action_reaches_its_own_arn_too() -> None:
    (message,) = messages(deployer(file({"Effect": "Allow", "NotAction": "s3:*", "Resource": ME})))
    assert "iam:PutRolePolicy (write its own inline policy); iam:AttachRolePolicy" in message


def test_in_the_policy_pack_the_role_is_known_by_name_in_any_account() -> None:
    role = Entity(
        kind="role",
        where="",
        name="deployer",
        path="/ci/",
        inline_policies=(file(allow("iam:UpdateAssumeRolePolicy", "arn:aws:iam::111122223333:role/ci/deployer")),),
    )
    (message,) = messages(role)
    assert 'which names the role itself ("arn:*:iam::*:role/ci/deployer")' in message
    assert messages(Entity(kind="role", where="", name="deployer", path="/other/", inline_policies=role.inline_policies)) == []
