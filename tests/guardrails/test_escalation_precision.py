"""Issue 29: when a Deny cancels an Allow, and which grants open no path at all.

- A Deny cancels an Allow only where it covers every name the Allow's pattern can name
  (`catalogue.pattern_covers`): proved here on generated patterns and strings, never trusted on
  examples alone. A decoy Deny (`role/?` against `role/*`, another case, a narrower pattern) leaves
  the path reported.
- A Deny with NotResource that leaves only roles named one by one closes a path; one that leaves a
  pattern does not.
- Roles under `role/aws-service-role/` cannot be created or edited by customers; an attach limited
  by `iam:PolicyARN` is judged by the policies it names; an EKS access-policy association limited by
  `eks:policyArn` to non-administrator access policies is no path.
"""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from crossaccount.guardrails import PolicyDocument
from crossaccount.guardrails.catalogue import pattern_covers
from crossaccount.guardrails.managed import power
from tests.guardrails.corpus import findings

A = "444455556666"
ROLES = f"arn:aws:iam::{A}:role/"
PATTERN = st.text(alphabet="ab*?", max_size=7)
TEXT = st.text(alphabet="abAB", max_size=8)


def iam_glob(pattern: str) -> re.Pattern[str]:
    """How AWS matches a Resource pattern with a request's ARN: `*` any run, `?` one character, with case."""
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.DOTALL)


def instances(pattern: str, fills: list[str]) -> list[str]:
    """Strings the pattern matches: each `*` and `?` filled from `fills` in turn (a `?` takes one character)."""
    found = []
    for k in range(len(fills) + 1):
        out, used = [], k
        for c in pattern:
            fill = fills[used % len(fills)] if fills else ""
            used += 1
            out.append(fill if c == "*" else (fill[:1] or "a") if c == "?" else c)
        found.append("".join(out))
    return found


@settings(max_examples=400, deadline=None)
@given(wide=PATTERN, narrow=PATTERN, fills=st.lists(TEXT, max_size=3))
def test_a_pattern_that_covers_another_matches_every_name_the_other_matches(wide: str, narrow: str, fills: list[str]) -> None:
    if pattern_covers(ROLES + wide, ROLES + narrow):
        for name in instances(narrow, fills):
            assert iam_glob(narrow).fullmatch(name)
            assert iam_glob(wide).fullmatch(name), (wide, narrow, name)


@settings(max_examples=400, deadline=None)
@given(wide=PATTERN, name=TEXT)
def test_against_a_name_without_wildcards_covering_is_matching_with_case(wide: str, name: str) -> None:
    assert pattern_covers(ROLES + wide, ROLES + name) == bool(iam_glob(wide).fullmatch(name))


@given(pattern=PATTERN)
def test_every_pattern_covers_itself_and_star_covers_every_pattern(pattern: str) -> None:
    assert pattern_covers(ROLES + pattern, ROLES + pattern)
    assert pattern_covers(ROLES + "*", ROLES + pattern)
    assert pattern_covers("*", ROLES + pattern)


def test_the_decoys_of_issue_29_do_not_cover() -> None:
    assert not pattern_covers(ROLES + "?", ROLES + "*")
    assert not pattern_covers(ROLES + "Admin-*", ROLES + "admin-*")
    assert not pattern_covers(ROLES + "app-?*", ROLES + "app*")
    assert not pattern_covers(ROLES + "app-${aws:username}", ROLES + "app-*")  # a variable's value is not known
    assert not pattern_covers("arn:aws:iam::1*:role/x", "arn:aws:iam::*:role/x")
    assert pattern_covers(ROLES + "*", ROLES + "${aws:username}")  # the variable's value is some name
    assert pattern_covers(ROLES + "?*", ROLES + "*?")
    assert pattern_covers("arn:aws:iam::*", ROLES + "app")  # a `*` ending the ARN reaches past colons


def escalation_messages(*statements: dict[str, Any]) -> list[str]:
    doc = PolicyDocument("managed", "policies/x.json", json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))
    return [f.message for f in findings(doc) if f.rule_id == "PRIVILEGE_ESCALATION"]


PASS_ANY = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": ROLES + "*"}
RUN = {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}


def test_a_deny_of_every_role_cancels_the_pass_role_grant() -> None:
    assert escalation_messages(PASS_ANY, RUN, {"Effect": "Deny", "Action": "iam:PassRole", "Resource": ROLES + "*"}) == []


def test_a_deny_of_one_character_roles_does_not_hide_the_path() -> None:
    messages = escalation_messages(PASS_ANY, RUN, {"Effect": "Deny", "Action": "iam:PassRole", "Resource": ROLES + "?"})
    assert len(messages) == 2  # one for each statement that grants part of the path
    assert all(m.startswith("grants the privilege-escalation path ec2-001 CreateEC2WithExistingIP ") for m in messages)


def test_a_not_resource_deny_that_leaves_named_roles_closes_the_path() -> None:
    keep = {"Effect": "Deny", "Action": "iam:PassRole", "NotResource": [ROLES + "web-server", ROLES + "batch-worker"]}
    assert escalation_messages(PASS_ANY, RUN, keep) == []


def test_a_not_resource_deny_that_leaves_a_pattern_does_not() -> None:
    keep = {"Effect": "Deny", "Action": "iam:PassRole", "NotResource": [ROLES + "web-server", ROLES + "app-*"]}
    messages = escalation_messages(PASS_ANY, RUN, keep)
    assert len(messages) == 2
    assert all("ec2-001" in m for m in messages)
    keep_variable = {"Effect": "Deny", "Action": "iam:PassRole", "NotResource": ROLES + "${aws:PrincipalTag/role}"}
    assert escalation_messages(PASS_ANY, RUN, keep_variable) != []


def test_service_linked_roles_open_no_path_but_a_lookalike_path_does() -> None:
    edit = ["iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy"]
    assert escalation_messages({"Effect": "Allow", "Action": edit, "Resource": ROLES + "aws-service-role/*"}) == []
    (message,) = escalation_messages({"Effect": "Allow", "Action": edit, "Resource": ROLES + "*aws-service-role/*"})
    for path in ("iam-005", "iam-009", "iam-012"):
        assert path in message


def attach(policy_arns: str | list[str], operator: str = "ArnEquals") -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Action": "iam:AttachRolePolicy",
        "Resource": ROLES + "app-*",
        "Condition": {operator: {"iam:PolicyARN": policy_arns}},
    }


def test_an_attach_limited_to_read_only_policies_is_no_path() -> None:
    assert power("ReadOnlyAccess")[0] == "limited"
    assert escalation_messages(attach("arn:aws:iam::aws:policy/ReadOnlyAccess")) == []
    assert (
        escalation_messages(
            attach(["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"])
        )
        == []
    )


def test_an_attach_that_may_name_a_powerful_or_unknown_policy_is_a_path() -> None:
    for policy_arns, operator in (
        ("arn:aws:iam::aws:policy/AdministratorAccess", "ArnEquals"),
        (["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/IAMFullAccess"], "ArnEquals"),
        ("arn:aws:iam::aws:policy/*Access", "ArnLike"),  # AdministratorAccess among them
        ("arn:aws:iam::aws:policy/AmazonS3FullAccess", "ArnEquals"),  # a whole service: more power all the same
        (f"arn:aws:iam::{A}:policy/ReadOnlyAccess", "ArnEquals"),  # a customer policy: cannot be judged
        ("arn:aws:iam::*:policy/ReadOnlyAccess", "ArnLike"),
        ("arn:aws:iam::aws:policy/NoSuchPolicyInMotosCopy", "ArnEquals"),
        ("arn:aws:iam::aws:policy/ReadOnlyAccess", "ArnNotEquals"),  # not read: the grant stands
        ("arn:aws:iam::aws:policy/ReadOnlyAccess", "ArnEqualsIfExists"),
    ):
        (message,) = escalation_messages(attach(policy_arns, operator))
        assert message.startswith("grants the privilege-escalation path iam-009 AttachRolePolicy "), (policy_arns, operator)


def associate(*access_policies: str) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Action": "eks:AssociateAccessPolicy",
        "Resource": f"arn:aws:eks:eu-north-1:{A}:access-entry/prod/*",
        "Condition": {"StringEquals": {"eks:policyArn": list(access_policies)}},
    }


def test_an_eks_association_limited_to_the_view_policy_is_no_path() -> None:
    assert escalation_messages(associate("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy")) == []
    for admin in ("AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy", "AmazonEKSEditPolicy", "*"):
        (message,) = escalation_messages(associate(f"arn:aws:eks::aws:cluster-access-policy/{admin}"))
        assert message.startswith("grants the privilege-escalation path dsl-eks-2 AssociateEKSAccessPolicy "), admin


def test_assume_role_is_a_path_only_on_roles_that_are_administrators_by_convention() -> None:
    for role in (
        "arn:aws:iam::*:role/OrganizationAccountAccessRole",
        f"arn:aws:iam::{A}:role/AWSControlTowerExecution",
        f"arn:aws:iam::{A}:role/cdk-hnb659fds-cfn-exec-role-{A}-eu-north-1",
        f"arn:aws:iam::{A}:role/cdk-*",
        f"arn:aws:iam::{A}:role/Organization*",
    ):
        (message,) = escalation_messages({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role})
        assert message.startswith("grants the privilege-escalation path aws-sts-1 AssumeAdministratorByConventionRole "), role
    for role in (
        f"arn:aws:iam::{A}:role/app-deployer",
        f"arn:aws:iam::{A}:role/organizationaccountaccessrole",  # ARNs match with case
        f"arn:aws:iam::{A}:role/cdk-hnb659fds-lookup-role-{A}-eu-north-1",
    ):
        assert escalation_messages({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role}) == [], role
