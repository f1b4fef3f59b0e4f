"""The federated trust rules, each with a compliant and a non-compliant statement side by side:
a permission set's statement needs no MFA and is not account-wide, but a broader Identity
Center pattern is both; a SAML or OIDC statement pins its audience (and an OIDC one its exact
subject) to a provider of the role's own account."""

from __future__ import annotations

import json
from typing import Any

import pytest

from crossaccount.guardrails import RULES, PolicyDocument
from tests.guardrails.corpus import findings

SOURCE, TARGET = "111122223333", "444455556666"
ROOT = f"arn:aws:iam::{SOURCE}:root"
SSO = f"arn:aws:iam::{SOURCE}:role/aws-reserved/sso.amazonaws.com/eu-west-1/"
EXACT = f"{SSO}AWSReservedSSO_DataEngineers_????????????????"
SAML = f"arn:aws:iam::{TARGET}:saml-provider/Okta"
OIDC = f"arn:aws:iam::{TARGET}:oidc-provider/token.actions.githubusercontent.com"
HOST = "token.actions.githubusercontent.com"


def trust(*statements: dict[str, Any], account: str | None = TARGET) -> PolicyDocument:
    text = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
    return PolicyDocument("trust", "cross-account-roles:roles.r (trust policy)", text, account)


def ids(doc: PolicyDocument) -> list[str]:
    return [f.rule_id for f in findings(doc)]


def permission_set(pattern: Any, principal: str = ROOT) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": "sts:AssumeRole",
        "Condition": {"ArnLike": {"aws:PrincipalArn": pattern}},
    }


def federated(provider: str, action: str, condition: dict[str, Any] | None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"Federated": provider}, "Action": action}
    if condition is not None:
        statement["Condition"] = condition
    return statement


def test_a_permission_set_statement_needs_no_mfa_and_is_not_account_wide() -> None:
    assert ids(trust(permission_set(EXACT))) == []
    us_east_1 = f"arn:aws:iam::{SOURCE}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DataEngineers_????????????????"
    assert ids(trust(permission_set(us_east_1))) == []


@pytest.mark.parametrize(
    "pattern",
    [
        f"{SSO}AWSReservedSSO_DataEngineers_*",  # also the role of a permission set DataEngineers_Admin
        f"{SSO}AWSReservedSSO_*",  # every permission set
        f"arn:aws:iam::{SOURCE}:role/AWSReservedSSO_DataEngineers_????????????????",  # outside aws-reserved: anyone can create it
        [EXACT, f"arn:aws:iam::{SOURCE}:role/*"],  # one exact pattern does not excuse another
    ],
)
def test_a_broader_identity_center_pattern_gets_no_exemption(pattern: Any) -> None:
    assert ids(trust(permission_set(pattern))) == ["TRUST_ACCOUNT_WIDE", "TRUST_WITHOUT_MFA"]


def test_a_pattern_of_another_account_than_the_principal_gets_no_exemption() -> None:
    other = EXACT.replace(SOURCE, "999988887777")
    assert "TRUST_WITHOUT_MFA" in ids(trust(permission_set(other)))


def test_a_saml_statement_must_pin_its_audience() -> None:
    pinned = {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
    assert ids(trust(federated(SAML, "sts:AssumeRoleWithSAML", pinned))) == []
    assert ids(trust(federated(SAML, "sts:AssumeRoleWithSAML", None))) == ["TRUST_PROVIDER_AUDIENCE_MISSING"]
    pattern = {"StringLike": {"SAML:aud": "https://*"}}
    assert ids(trust(federated(SAML, "sts:AssumeRoleWithSAML", pattern))) == ["TRUST_PROVIDER_AUDIENCE_MISSING"]


def test_an_oidc_statement_must_pin_its_audience_and_exact_subject() -> None:
    both = {"StringEquals": {f"{HOST}:aud": "sts.amazonaws.com", f"{HOST}:sub": "repo:acme/app:ref:refs/heads/main"}}
    assert ids(trust(federated(OIDC, "sts:AssumeRoleWithWebIdentity", both))) == []
    no_audience = {"StringEquals": {f"{HOST}:sub": "repo:acme/app:ref:refs/heads/main"}}
    assert ids(trust(federated(OIDC, "sts:AssumeRoleWithWebIdentity", no_audience))) == ["TRUST_PROVIDER_AUDIENCE_MISSING"]
    wildcard = {"StringEquals": {f"{HOST}:aud": "sts.amazonaws.com"}, "StringLike": {f"{HOST}:sub": "repo:acme/*"}}
    (finding,) = findings(trust(federated(OIDC, "sts:AssumeRoleWithWebIdentity", wildcard)))
    assert (finding.rule_id, finding.severity, finding.location) == (
        "TRUST_OIDC_SUBJECT_UNPINNED",
        "error",
        "cross-account-roles:roles.r (trust policy), Statement[0]",
    )
    assert finding.message.startswith(f'Federated "{OIDC}" with {HOST}:sub stringlike ["repo:acme/*"]: every workload')


def test_a_provider_of_another_account_is_refused_where_the_roles_account_is_known() -> None:
    other = SAML.replace(TARGET, "999988887777")
    pinned = {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
    (finding,) = findings(trust(federated(other, "sts:AssumeRoleWithSAML", pinned)))
    assert (finding.rule_id, finding.severity) == ("TRUST_PROVIDER_OTHER_ACCOUNT", "error")
    assert ids(trust(federated(SAML, "sts:AssumeRoleWithSAML", pinned))) == []
    # Where the role's account is not known (the pack, a provider without allowedAccountIds), the rule is silent.
    assert ids(trust(federated(other, "sts:AssumeRoleWithSAML", pinned), account=None)) == []


def test_the_federated_rules_are_errors_a_stack_can_waive_with_a_reason() -> None:
    for rule_id in ("TRUST_PROVIDER_AUDIENCE_MISSING", "TRUST_OIDC_SUBJECT_UNPINNED", "TRUST_PROVIDER_OTHER_ACCOUNT"):
        assert (RULES[rule_id].severity, RULES[rule_id].waivable, RULES[rule_id].pack) == ("error", True, "resource")
