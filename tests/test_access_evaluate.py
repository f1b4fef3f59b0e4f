"""The evaluation rules a user relies on, one test each, with the AWS page that states the rule.

Invariant: `crossaccount.access.evaluate` answers as AWS's documented evaluation logic does, names
the statements that decided (source, Statement index, Sid, effect) and says why in one line; a
policy it cannot read raises `UnsupportedPolicy` naming the policy, the statement and the element,
whatever the request.
"""

from __future__ import annotations

from typing import Any

import pytest

from crossaccount.access import Caller, Decision, Policy, Request, StatementRef, UnsupportedPolicy, evaluate

HOME = "111122223333"
PROD = "444455556666"
ALICE = Caller("AWS", f"arn:aws:iam::{HOME}:user/alice", account=HOME)
BOB = Caller("AWS", f"arn:aws:iam::{HOME}:user/bob", account=HOME)
OPS = Caller("AWS", f"arn:aws:iam::{HOME}:role/ops", session_arn=f"arn:aws:sts::{HOME}:assumed-role/ops/carol", account=HOME)
ROLE = f"arn:aws:iam::{PROD}:role/s3-list-role"
BUCKET = "arn:aws:s3:::reports/q1.csv"


def doc(*statements: dict[str, Any], version: str = "2012-10-17") -> dict[str, Any]:
    return {"Version": version, "Statement": list(statements)}


def allow(action: str = "s3:GetObject", resource: str = "*", **more: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


def deny(action: str = "s3:GetObject", resource: str = "*", **more: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **more}


def identity(*statements: dict[str, Any], source: str = "policies/p.json") -> Policy:
    return Policy(doc(*statements), source, "identity")


def resource(*statements: dict[str, Any], source: str = "bucket policy") -> Policy:
    return Policy(doc(*statements), source, "resource")


def request(
    caller: Caller = ALICE, action: str = "s3:GetObject", on: str = BUCKET, account: str | None = HOME, **context: str
) -> Request:
    return Request(caller, action, on, account, {k.replace("__", ":"): (v,) for k, v in context.items()})


def ref(source: str, index: int, effect: str, kind: str = "identity", sid: str | None = None) -> StatementRef:
    return StatementRef(source, kind, index, sid, effect)  # type: ignore[arg-type]


def test_an_explicit_deny_wins_over_every_allow_and_is_named() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
    "An explicit deny overrides an explicit allow"."""
    decision = evaluate(
        request(),
        identity=[identity(allow(), {**deny(), "Sid": "NoReports"})],
        resource=[resource(allow(Principal={"AWS": ALICE.arn}))],
    )
    assert decision == Decision(
        False, "explicit Deny in policies/p.json Statement[1] (NoReports)", (ref("policies/p.json", 1, "Deny", sid="NoReports"),)
    )


def test_nothing_allows_is_an_implicit_deny_with_no_statement() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html"""
    decision = evaluate(request(), identity=[identity(allow("s3:PutObject"))])
    assert decision == Decision(False, "no Allow in the identity policies or the resource policy", ())


def test_cross_account_needs_the_identity_policy_and_the_trust_policy() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html:
    both the caller's account and the resource's account must allow."""
    assume = request(action="sts:AssumeRole", on=ROLE, account=PROD)
    mine = identity(allow("sts:AssumeRole", ROLE))
    trust_doc = doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": ALICE.arn}})
    trust = Policy(trust_doc, "cross-account-roles:roles.s3-list-role (trust policy)", "resource")
    assert evaluate(assume, identity=[mine]) == Decision(
        False, f"no Allow in the resource policy (cross-account: the resource's account {PROD} must allow)", ()
    )
    assert evaluate(assume, resource=[trust]) == Decision(
        False, f"no Allow in the identity policies (cross-account: the caller's account {HOME} must allow)", ()
    )
    assert evaluate(assume, identity=[mine], resource=[trust]) == Decision(
        True,
        "allowed by the identity policies and the resource policy",
        (
            ref("policies/p.json", 0, "Allow"),
            ref("cross-account-roles:roles.s3-list-role (trust policy)", 0, "Allow", "resource"),
        ),
    )


def test_in_one_account_a_resource_policy_naming_the_user_is_enough() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html:
    "If either the identity-based policy or the resource-based policy within the same account
    allows the request and the other doesn't, the request is still allowed"."""
    decision = evaluate(request(), resource=[resource(allow(Principal={"AWS": ALICE.arn}))])
    assert decision == Decision(
        True, "allowed by the resource policy, which names the caller", (ref("bucket policy", 0, "Allow", "resource"),)
    )


def test_a_role_trust_policy_must_allow_even_within_one_account() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_compare-resource-policies.html: a
    role's trust policy is required; naming the account (not the user) hands the decision to the
    caller's identity policies."""
    same = f"arn:aws:iam::{HOME}:role/admin"
    assume = request(action="sts:AssumeRole", on=same, account=HOME)
    everything = identity(allow("*"))
    trusts_account = Policy(doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": HOME}}), "trust", "resource")
    trusts_other = Policy(
        doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": BOB.arn}}), "trust", "resource"
    )
    assert evaluate(assume, identity=[everything], resource=[trusts_other]) == Decision(
        False, "no Allow in the resource policy (a role's trust policy must allow, even within one account)", ()
    )
    assert evaluate(assume, resource=[trusts_account]).allowed is False
    assert evaluate(assume, identity=[everything], resource=[trusts_account]).allowed is True


def test_a_permissions_boundary_limits_what_the_identity_policies_grant() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html: only what
    both the identity policies and the boundary allow."""
    boundary = Policy(doc(allow("s3:List*")), "boundary.json", "boundary")
    assert evaluate(request(), identity=[identity(allow("s3:*"))], boundary=boundary) == Decision(
        False, "no Allow in the permissions boundary", ()
    )
    listed = evaluate(
        request(action="s3:ListBucket", on="arn:aws:s3:::reports"), identity=[identity(allow("s3:*"))], boundary=boundary
    )
    assert listed == Decision(
        True,
        "allowed by the identity policies",
        (ref("policies/p.json", 0, "Allow"), ref("boundary.json", 0, "Allow", "boundary")),
    )


def test_a_boundary_does_not_limit_a_resource_policy_naming_the_user_but_limits_one_naming_the_role() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html: in one
    account, a resource policy granting to an IAM user's ARN is not limited by the boundary's
    implicit deny; one granting to the role's ARN is."""
    boundary = Policy(doc(allow("sqs:*")), "boundary.json", "boundary")
    names_alice = resource(allow(Principal={"AWS": ALICE.arn}))
    names_role = resource(allow(Principal={"AWS": OPS.arn}))
    assert evaluate(request(), resource=[names_alice], boundary=boundary).allowed is True
    assert evaluate(request(OPS), resource=[names_role], boundary=boundary) == Decision(
        False, "no Allow in the permissions boundary", ()
    )
    assert evaluate(request(OPS), resource=[names_role]).allowed is True


def test_a_resource_policy_naming_the_session_is_not_limited_by_the_session_policy() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session: "The
    resource-based policy permissions are not limited by the session policy" when it names the
    session's ARN; naming the role's ARN, the session policy limits it."""
    session = [Policy(doc(allow("sqs:*")), "session policy", "session")]
    by_session = resource(allow(Principal={"AWS": OPS.session_arn}))
    by_role = resource(allow(Principal={"AWS": OPS.arn}))
    assert evaluate(request(OPS), resource=[by_session], session=session).allowed is True
    assert evaluate(request(OPS), resource=[by_role], session=session) == Decision(False, "no Allow in the session policies", ())


def test_an_scp_level_without_an_allow_denies_and_no_scps_means_not_considered() -> None:
    """https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html:
    every level (root, each OU, the account) must allow."""
    full = Policy(doc(allow("*")), "scp p-FullAWSAccess", "scp")
    only_ec2 = Policy(doc(allow("ec2:*")), "scp p-ec2only", "scp")
    mine = [identity(allow())]
    assert evaluate(request(), identity=mine, scps=[[full], [only_ec2], [full]]) == Decision(
        False, "no Allow in the service control policies at level 2 of 3", ()
    )
    assert evaluate(request(), identity=mine, scps=[]).allowed is True
    assert evaluate(request(), identity=mine, scps=[[full], []]).allowed is False  # a level with nothing attached allows nothing


def test_an_rcp_deny_refuses_even_the_resource_accounts_own_grant() -> None:
    """https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html"""
    full = Policy(doc(allow("*", Principal="*")), "RCPFullAWSAccess", "rcp")
    no_outsiders = Policy(
        doc(deny("s3:*", Principal="*", Condition={"StringNotEquals": {"aws:PrincipalAccount": PROD}})), "rcp p-outsiders", "rcp"
    )
    decision = evaluate(request(), identity=[identity(allow())], rcps=[[full, no_outsiders]])
    assert decision == Decision(
        False, "explicit Deny in rcp p-outsiders Statement[0]", (ref("rcp p-outsiders", 0, "Deny", "rcp"),)
    )


def test_not_principal_with_deny_exempts_only_a_principal_listed_with_its_account() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html:
    [user Bob, Bob's account] "denies access to all principals except the user named Bob"; a
    principal with a permissions boundary is always denied; NotPrincipal with Allow is refused."""
    fence = resource(
        allow(Principal={"AWS": HOME}),
        {"Effect": "Deny", "NotPrincipal": {"AWS": [ALICE.arn, f"arn:aws:iam::{HOME}:root"]}, "Action": "s3:*", "Resource": "*"},
    )
    mine = [identity(allow())]
    assert evaluate(request(ALICE), identity=mine, resource=[fence]).allowed is True
    assert evaluate(request(BOB), identity=mine, resource=[fence]) == Decision(
        False, "explicit Deny in bucket policy Statement[1]", (ref("bucket policy", 1, "Deny", "resource"),)
    )
    boundary = Policy(doc(allow("*")), "boundary.json", "boundary")
    assert evaluate(request(ALICE), identity=mine, resource=[fence], boundary=boundary).allowed is False
    with pytest.raises(UnsupportedPolicy, match=r"bucket policy Statement\[0\]: NotPrincipal with Allow is not supported"):
        evaluate(
            request(), resource=[resource({"Effect": "Allow", "NotPrincipal": {"AWS": BOB.arn}, "Action": "*", "Resource": "*"})]
        )


def test_if_exists_holds_on_a_missing_key_and_a_plain_operator_does_not() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists;
    a negated operator holds on a missing key."""
    region_if_exists = identity(allow(Condition={"StringEqualsIfExists": {"aws:RequestedRegion": "eu-west-1"}}))
    region = identity(allow(Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}))
    not_region = identity(allow(Condition={"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}))
    assert evaluate(request(), identity=[region_if_exists]).allowed is True
    assert evaluate(request(aws__RequestedRegion="us-east-1"), identity=[region_if_exists]).allowed is False
    assert evaluate(request(), identity=[region]).allowed is False
    assert evaluate(request(), identity=[not_region]).allowed is True


def test_for_all_values_holds_on_an_empty_or_missing_set_and_for_any_value_does_not() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html:
    ForAllValues returns true when the key is missing or has no values; ForAnyValue returns false."""
    for_all = identity(allow(Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}))
    for_any = identity(allow(Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": ["team", "env"]}}))
    with_tags = Request(ALICE, "s3:GetObject", BUCKET, HOME, {"aws:TagKeys": ("team", "owner")})
    no_tags = Request(ALICE, "s3:GetObject", BUCKET, HOME, {"aws:TagKeys": ()})
    assert [evaluate(r, identity=[for_all]).allowed for r in (request(), no_tags, with_tags)] == [True, True, False]
    assert [evaluate(r, identity=[for_any]).allowed for r in (request(), no_tags, with_tags)] == [False, False, True]


def test_mfa_present_and_its_age_decide_as_the_mfa_pages_say() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthage:
    the key is absent when the request was not signed with MFA; a numeric test on it is then false."""
    fresh_mfa = identity(
        allow(Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})
    )
    assert (
        evaluate(request(aws__MultiFactorAuthPresent="true", aws__MultiFactorAuthAge="300"), identity=[fresh_mfa]).allowed is True
    )
    assert (
        evaluate(request(aws__MultiFactorAuthPresent="true", aws__MultiFactorAuthAge="7200"), identity=[fresh_mfa]).allowed
        is False
    )
    assert evaluate(request(), identity=[fresh_mfa]).allowed is False  # long-term keys: neither key
    assert (
        evaluate(request(aws__MultiFactorAuthPresent="TRUE", aws__multifactorauthage="0"), identity=[fresh_mfa]).allowed is True
    )


def test_action_names_and_condition_key_names_ignore_case_but_resource_arns_do_not() -> None:
    """reference_policies_elements_action.html ("not case sensitive"), reference_policies_condition-keys.html
    ("Condition key names are not case-sensitive"), reference_policies_elements_resource.html (ARNs are matched
    as written)."""
    mixed = identity(
        allow("S3:getobject", "arn:aws:s3:::reports/*", Condition={"StringEquals": {"AWS:REQUESTEDREGION": "eu-west-1"}})
    )
    assert evaluate(request(action="s3:GetObject", aws__RequestedRegion="eu-west-1"), identity=[mixed]).allowed is True
    assert (
        evaluate(request(on="arn:aws:s3:::Reports/q1.csv", aws__RequestedRegion="eu-west-1"), identity=[mixed]).allowed is False
    )


def test_wildcards_match_within_each_arn_part() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html:
    `*` and `?` in any part; a pattern's part never spills into the next."""
    policy = identity(allow("s3:Get?bject", "arn:aws:s3:::rep*/q?.csv"))
    assert evaluate(request(), identity=[policy]).allowed is True
    assert evaluate(request(on="arn:aws:s3:::reports/q10.csv"), identity=[policy]).allowed is False
    assert evaluate(
        request(action="sqs:SendMessage", on=f"arn:aws:sqs:eu-west-1:{HOME}:q"),
        identity=[identity(allow("sqs:*", "arn:aws:sqs:*:*:q"))],
    ).allowed


def test_policy_variables_are_substituted_with_defaults_and_escapes_and_only_in_version_2012() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    own = identity(allow("s3:*", "arn:aws:s3:::home/${aws:username}/*"))
    assert evaluate(request(on="arn:aws:s3:::home/alice/x"), identity=[own]).allowed is True  # aws:username set from the caller
    assert evaluate(request(on="arn:aws:s3:::home/bob/x"), identity=[own]).allowed is False
    assert (
        evaluate(request(OPS, on="arn:aws:s3:::home/ops/x"), identity=[own]).allowed is False
    )  # a role session has no user name
    literal = identity(allow("s3:*", "arn:aws:s3:::odd/${*}"))
    assert evaluate(request(on="arn:aws:s3:::odd/*"), identity=[literal]).allowed is True
    assert evaluate(request(on="arn:aws:s3:::odd/x"), identity=[literal]).allowed is False
    default = identity(allow(Condition={"StringEquals": {"aws:PrincipalTag/team": "${aws:PrincipalTag/lead, 'ops'}"}}))
    tagged = Request(ALICE, "s3:GetObject", BUCKET, HOME, {"aws:PrincipalTag/team": ("ops",)})
    assert evaluate(tagged, identity=[default]).allowed is True
    old = Policy(doc(allow("s3:*", "arn:aws:s3:::home/${aws:username}/*"), version="2008-10-17"), "old.json", "identity")
    assert evaluate(request(on="arn:aws:s3:::home/alice/x"), identity=[old]).allowed is False
    assert evaluate(request(on="arn:aws:s3:::home/${aws:username}/x"), identity=[old]).allowed is True


def test_a_statement_holding_a_variable_with_no_value_in_not_resource_or_a_negated_condition_does_not_apply() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#principaltable:
    a key that is "not present ... any attempt to match it fails and causes the statement to be
    invalid". A role session has no aws:username."""
    everything = allow("s3:*")
    not_own = deny("s3:*", **{"NotResource": "arn:aws:s3:::home/${aws:username}/*"})
    del not_own["Resource"]
    not_named = deny("s3:*", Condition={"StringNotEquals": {"aws:PrincipalTag/owner": "${aws:username}"}})
    assert evaluate(request(OPS), identity=[identity(everything, not_own)]).allowed is True
    assert evaluate(request(ALICE), identity=[identity(everything, not_own)]).allowed is False  # alice's name resolves
    owner_tag = Request(OPS, "s3:GetObject", BUCKET, HOME, {"aws:PrincipalTag/owner": ("ops",)})
    assert evaluate(owner_tag, identity=[identity(everything, not_named)]).allowed is True


def test_ip_date_and_null_operators() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    office = identity(allow(Condition={"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}))
    assert evaluate(request(aws__SourceIp="203.0.113.7"), identity=[office]).allowed is True
    assert evaluate(request(aws__SourceIp="2001:db8::1"), identity=[office]).allowed is True
    assert evaluate(request(aws__SourceIp="198.51.100.1"), identity=[office]).allowed is False
    until = identity(allow(Condition={"DateLessThan": {"aws:CurrentTime": "2026-12-31T23:59:59Z"}}))
    assert evaluate(request(aws__CurrentTime="2026-12-07T05:00:00Z"), identity=[until]).allowed is True
    assert evaluate(request(aws__CurrentTime="1798761600"), identity=[until]).allowed is False  # epoch seconds, 2027-01-01
    temporary_only = identity(allow(Condition={"Null": {"aws:TokenIssueTime": "false"}}))
    assert evaluate(request(), identity=[temporary_only]).allowed is False
    assert evaluate(request(aws__TokenIssueTime="2026-12-07T04:00:00Z"), identity=[temporary_only]).allowed is True


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        (identity(allow(Condition={"StringMatchesRegex": {"aws:username": "a.*"}})), "policies/p.json Statement[0]: condition operator 'StringMatchesRegex' is not supported"),
        (identity(allow(Condition={"ForSomeValues:StringEquals": {"aws:TagKeys": "a"}})), "policies/p.json Statement[0]: unknown set operator 'ForSomeValues'"),
        (identity(allow(Principal={"AWS": "*"})), "policies/p.json Statement[0]: a identity policy takes no Principal or NotPrincipal (AWS refuses it)"),
        (identity(allow(Effect="allow")), "policies/p.json Statement[0]: Effect must be \"Allow\" or \"Deny\", got 'allow'"),
        (identity({**allow(), "Principals": "*"}), "policies/p.json Statement[0]: unsupported element(s) ['Principals']"),
        (resource(allow(Principal={"CanonicalUser": "abc"})), "bucket policy Statement[0] Principal: unsupported principal type(s) ['CanonicalUser']"),
        (resource(allow(Principal={"AWS": f"arn:aws:iam::{HOME}:user/*"})), "bucket policy Statement[0] Principal: AWS principal 'arn:aws:iam::111122223333:user/*': AWS takes no wildcard inside a principal"),
        (resource({"Effect": "Deny", "NotPrincipal": {"AWS": BOB.arn}, "Action": "*", "Resource": "*"}), "NotPrincipal lists arn:aws:iam::111122223333:user/bob without its account arn:aws:iam::111122223333:root"),
    ],
)  # fmt: skip
def test_what_the_evaluator_cannot_read_is_refused_naming_the_statement(policy: Policy, message: str) -> None:
    """A condition is never ignored: an unknown operator raises even when the action does not match."""
    with pytest.raises(UnsupportedPolicy) as caught:
        evaluate(
            request(action="ec2:RunInstances"),
            identity=[policy] if policy.kind == "identity" else [],
            resource=[policy] if policy.kind == "resource" else [],
        )
    assert message in str(caught.value)


def test_a_principal_names_a_user_or_role_whatever_the_case_of_its_name_but_not_of_its_account_or_path() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html (a
    Principal is saved as the entity's unique id) and reference_identifiers.html (IAM names are
    unique whatever their case): `user/ALICE` is alice."""
    upper = resource(allow(Principal={"AWS": f"arn:aws:iam::{HOME}:user/ALICE"}))
    pathed = resource(allow(Principal={"AWS": f"arn:aws:iam::{HOME}:user/team/alice"}))
    role = resource(allow(Principal={"AWS": f"arn:aws:iam::{HOME}:role/OPS"}))
    assert evaluate(request(ALICE), resource=[upper]).allowed is True
    assert evaluate(request(ALICE), resource=[pathed]).allowed is False
    assert evaluate(request(OPS), resource=[role]).allowed is True


def test_a_malformed_element_is_refused_even_in_a_statement_about_another_action() -> None:
    """The whole policy is read on every request: an answer never depends on which statement was
    reached first."""
    bad_resource = identity(allow("ec2:*", resource=None))  # type: ignore[arg-type]
    with pytest.raises(
        UnsupportedPolicy,
        match=r"policies/p.json Statement\[0\] Resource: expected a string or a non-empty list of strings, got None",
    ):
        evaluate(request(), identity=[bad_resource])
    bad_value = identity(allow("ec2:*", Condition={"StringEquals": {"aws:username": {"nested": "x"}}}))
    with pytest.raises(UnsupportedPolicy, match="a condition value must be a string, number or boolean, not dict"):
        evaluate(request(), identity=[bad_value])
    with pytest.raises(UnsupportedPolicy, match="Version '2012-10-18' is not one IAM knows"):
        evaluate(request(), identity=[Policy(doc(allow(), version="2012-10-18"), "policies/p.json", "identity")])


def test_a_context_value_given_as_a_string_is_one_value() -> None:
    loose = Request(ALICE, "s3:GetObject", BUCKET, HOME, {"aws:RequestedRegion": "eu-west-1"})  # type: ignore[dict-item]
    policy = identity(allow(Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}))
    assert evaluate(loose, identity=[policy]).allowed is True


def test_a_service_or_federated_caller_is_judged_by_the_resource_policy_alone() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
    (service principals, federated principals); SCPs apply to IAM users and roles only
    (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html)."""
    lambda_ = Caller("Service", "lambda.amazonaws.com")
    trust = Policy(
        doc({"Effect": "Allow", "Principal": {"Service": "Lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}),
        "trust",
        "resource",
    )
    assume = Request(lambda_, "sts:AssumeRole", ROLE, PROD)
    deny_all_scp = [[Policy(doc(deny("*")), "scp p-deny", "scp")]]
    assert evaluate(assume, resource=[trust], scps=deny_all_scp) == Decision(
        True, "allowed by the resource policy", (ref("trust", 0, "Allow", "resource"),)
    )
    provider = f"arn:aws:iam::{PROD}:saml-provider/okta"
    saml = Caller("Federated", provider)
    saml_trust = Policy(
        doc({"Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithSAML",
             "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}),
        "trust", "resource",
    )  # fmt: skip
    with_aud = Request(saml, "sts:AssumeRoleWithSAML", ROLE, PROD, {"SAML:aud": ("https://signin.aws.amazon.com/saml",)})
    assert evaluate(with_aud, resource=[saml_trust]).allowed is True
    assert evaluate(Request(saml, "sts:AssumeRoleWithSAML", ROLE, PROD), resource=[saml_trust]) == Decision(
        False, f"no Allow in the resource policy for Federated principal {provider}", ()
    )
    with pytest.raises(UnsupportedPolicy, match="condition operator 'StringMatchesRegex'"):  # read even where it does not apply
        evaluate(assume, resource=[trust], identity=[identity(allow(Condition={"StringMatchesRegex": {"a": "b"}}))])


def test_two_evaluations_give_the_same_decision() -> None:
    policies = [identity(allow(), deny("s3:GetObject", "arn:aws:s3:::secret/*"))]
    assert evaluate(request(), identity=policies) == evaluate(request(), identity=policies)
