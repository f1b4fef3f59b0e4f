"""Issue 29, third pass: what the rules no longer refuse, and what they still do beside it.

- `s3:*` (or an S3 pattern covering permissions management) on named buckets and their objects is
  the warning S3_WILDCARD_NAMED_BUCKETS, not ACTION_WILDCARD or PERMISSIONS_MANAGEMENT_WILDCARD:
  every action it grants acts on that bucket alone, and a bucket policy or ACL grants nothing beyond
  its own bucket. A wildcard bucket name, another service, `"*"`, or a pattern over several services
  stays an error.
- Permissions-management wildcards over a user's own credentials (`iam:*AccessKey*`) on the caller's
  own user (`user/${aws:username}`) pass, as the IAM User Guide's example grants them; on any other
  user they stay errors, and a key for users the holder did not name is a privilege escalation.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from crossaccount.guardrails import PolicyDocument
from tests.guardrails.corpus import findings

OWN = "arn:aws:iam::*:user/${aws:username}"


def doc(*statements: dict[str, Any]) -> PolicyDocument:
    return PolicyDocument("managed", "policies/p.json", json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))


def allow(action: Any, resource: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def rules(*statements: dict[str, Any]) -> list[str]:
    return sorted(f.rule_id for f in findings(doc(*statements)))


# --- S3 wildcards on named buckets -----------------------------------------------------------


def test_every_s3_action_on_one_named_bucket_is_one_warning_naming_what_opens_it() -> None:
    (found,) = findings(doc(allow("s3:*", ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"])))
    assert (found.rule_id, found.severity, found.location) == (
        "S3_WILDCARD_NAMED_BUCKETS",
        "warning",
        "policies/p.json, Statement[0]",
    )
    assert found.message == (
        '"s3:*" on "arn:aws:s3:::reports", "arn:aws:s3:::reports/*" (the bucket "reports" alone) grants every S3 action '
        "there, those AWS adds later included; among them s3:DeleteBucketPolicy, s3:PutBucketAcl, s3:PutBucketPolicy, "
        "s3:PutBucketPublicAccessBlock, s3:PutObjectAcl, with which the holder can open the bucket to other accounts or "
        "to everyone, or lift its bucket policy's Denies. It gives no power over anything else: list the actions the "
        "role needs (s3:GetObject, s3:PutObject)"
    )


def test_every_s3_action_on_a_home_folder_names_only_the_object_acls() -> None:
    (found,) = findings(doc(allow("S3:*", "arn:aws:s3:::team-files/home/${aws:username}/*")))
    assert found.rule_id == "S3_WILDCARD_NAMED_BUCKETS"
    assert "among them s3:PutObjectAcl, with which the holder can share those objects" in found.message
    assert "PutBucketPolicy" not in found.message


def test_a_put_pattern_on_two_named_buckets_is_the_warning_not_permissions_management() -> None:
    assert rules(allow(["s3:Put*", "s3:GetObject"], ["arn:aws:s3:::a-reports/*", "arn:aws:s3:::b-reports"])) == [
        "S3_WILDCARD_NAMED_BUCKETS"
    ]


def test_exact_s3_actions_on_a_named_bucket_raise_nothing() -> None:
    assert rules(allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::reports/*")) == []


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:s3:::reports*",  # any bucket whose name starts so, another account's included
        "arn:aws:s3:::*/reports",
        "arn:aws:s3:::report?",
        "arn:aws:s3:::${aws:username}",  # a bucket per caller: any name
        "*",
    ],
)
def test_every_s3_action_on_buckets_nobody_named_stays_an_error(resource: str) -> None:
    found = rules(allow("s3:*", resource))
    assert "ACTION_WILDCARD" in found
    assert "PERMISSIONS_MANAGEMENT_WILDCARD" in found
    assert "S3_WILDCARD_NAMED_BUCKETS" not in found


def test_a_named_bucket_beside_another_resource_stays_an_error() -> None:
    found = rules(allow("s3:*", ["arn:aws:s3:::reports", "arn:aws:sqs:eu-west-1:123456789012:orders"]))
    assert "ACTION_WILDCARD" in found
    assert "S3_WILDCARD_NAMED_BUCKETS" not in found


@pytest.mark.parametrize("action", ["*", "s*:*", "s3*:*", "*:Put*"])
def test_a_pattern_over_several_services_on_a_named_bucket_stays_an_error(action: str) -> None:
    found = rules(allow(action, "arn:aws:s3:::reports"))
    assert "S3_WILDCARD_NAMED_BUCKETS" not in found
    assert {"ACTION_WILDCARD", "PERMISSIONS_MANAGEMENT_WILDCARD"} & set(found)


def test_every_s3_action_beside_iam_star_on_a_bucket_reports_iam_star_alone_as_the_error() -> None:
    found = findings(doc(allow(["iam:*", "s3:*"], "arn:aws:s3:::reports")))
    errors = {f.rule_id: f.message for f in found if f.severity == "error"}
    assert errors["ACTION_WILDCARD"].startswith('Action "iam:*" allows every action of iam,')
    assert '"s3:*"' not in errors["ACTION_WILDCARD"]
    assert "S3_WILDCARD_NAMED_BUCKETS" in {f.rule_id for f in found}


# --- one's own credentials ---------------------------------------------------------------------


CREDENTIAL_PATTERNS = ["iam:*AccessKey*", "iam:*ServiceSpecificCredential*", "iam:*SigningCertificate*", "iam:*SSHPublicKey*"]


def test_the_iam_user_guide_credentials_example_passes_on_the_callers_own_user() -> None:
    assert rules(allow([*CREDENTIAL_PATTERNS, "iam:ChangePassword", "iam:GetUser"], OWN)) == []


@pytest.mark.parametrize(
    "resource",
    ["arn:aws:iam::123456789012:user/bob", "arn:aws:iam::123456789012:user/${aws:username}*", "arn:aws:iam::*:user/*"],
)
def test_credential_wildcards_on_another_user_stay_errors(resource: str) -> None:
    assert "PERMISSIONS_MANAGEMENT_WILDCARD" in rules(allow("iam:*AccessKey*", resource))


def test_a_key_for_users_nobody_named_is_a_privilege_escalation() -> None:
    found = {f.rule_id: f.message for f in findings(doc(allow("iam:*AccessKey*", "arn:aws:iam::123456789012:user/*")))}
    assert "iam-002" in found["PRIVILEGE_ESCALATION"]


def test_a_wildcard_on_ones_own_user_that_covers_policies_stays_an_error() -> None:
    found = {f.rule_id: f.message for f in findings(doc(allow("iam:*User*", OWN)))}
    assert "iam:AttachUserPolicy" in found["PERMISSIONS_MANAGEMENT_WILDCARD"]
    assert "iam:CreateAccessKey" not in found["PERMISSIONS_MANAGEMENT_WILDCARD"]
    assert "PRIVILEGE_ESCALATION" in found  # attaching a policy to oneself is self-escalation


def test_own_credentials_beside_another_resource_are_judged_as_written() -> None:
    assert "PERMISSIONS_MANAGEMENT_WILDCARD" in rules(allow("iam:*AccessKey*", [OWN, "arn:aws:iam::123456789012:user/bob"]))


# --- PASSROLE_STAR under a Deny that narrows it ----------------------------------------------------

ROLES = "arn:aws:iam::123456789012:role"


def passrole_rules(*deny: dict[str, Any]) -> list[str]:
    return [r for r in rules(allow("iam:PassRole", f"{ROLES}/*"), *deny) if r == "PASSROLE_STAR"]


def test_a_deny_whose_not_resource_leaves_only_named_roles_makes_passrole_on_every_role_quiet() -> None:
    narrowed = {"Effect": "Deny", "Action": "iam:PassRole", "NotResource": [f"{ROLES}/orders-task", f"{ROLES}/orders-run"]}
    assert passrole_rules(narrowed) == []


def test_a_deny_of_every_pass_quiets_it_too() -> None:
    assert passrole_rules({"Effect": "Deny", "Action": "iam:*", "Resource": "*"}) == []


@pytest.mark.parametrize(
    "deny",
    [
        {"Effect": "Deny", "Action": "iam:PassRole", "NotResource": f"{ROLES}/orders-*"},  # leaves every orders- role
        {"Effect": "Deny", "Action": "iam:PassRole", "NotResource": f"{ROLES}/${{aws:username}}"},  # any name
        {"Effect": "Deny", "Action": "iam:PassRole", "Resource": f"{ROLES}/?"},  # one-character names only
        {"Effect": "Deny", "Action": "iam:PassRole", "Resource": f"{ROLES}/Admin*"},  # ARNs compare with case
        {
            "Effect": "Deny",
            "Action": "iam:PassRole",
            "NotResource": f"{ROLES}/orders-task",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}},  # holds only elsewhere
        },
        {"Effect": "Deny", "Action": "iam:GetRole", "NotResource": f"{ROLES}/orders-task"},  # another action
    ],
)
def test_a_deny_that_leaves_a_pattern_or_holds_only_sometimes_keeps_passrole_star(deny: dict[str, Any]) -> None:
    assert passrole_rules(deny) == ["PASSROLE_STAR"]
