"""Trusting the people an organisation already signs in: IAM Identity Center permission sets,
SAML providers and OIDC providers (`trustedPermissionSets`, `trustedSamlProviders`,
`trustedOidcProviders`).

Invariant: each kind's trust statement is exactly the documented one; a permission set's
statement lets in the Identity Center role of that permission set and nothing else (judged
by AWS's ArnLike semantics over the exact document, since moto cannot evaluate a trust
policy across accounts or model Identity Center); no MFA condition where the session cannot
carry one, and the guardrails know why; the outputs give the permission set's inline policy
and a working `~/.aws/config` profile; every bad value is refused with its key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from crossaccount.errors import show
from crossaccount.read.engine import engine_config_of
from tests.conftest import SOURCE, TARGET, one, walkthrough_settings
from tests.node_tools import mermaid_parse
from tests.test_review import plan_of
from tests.test_settings_errors import problems_of
from tools.offline.mocks import ProgramRun, run_program
from tools.render.plan import render_json
from tools.render.plan_diff import diff_plans
from tools.render.review import access_grants, access_table, mermaid

ROLE = "s3-list-role"
ROLE_ARN = f"arn:aws:iam::{TARGET}:role/{ROLE}"
START_URL = "https://acme.awsapps.com/start"
SAML_ARN = f"arn:aws:iam::{TARGET}:saml-provider/Okta"
OIDC_ARN = f"arn:aws:iam::{TARGET}:oidc-provider/token.actions.githubusercontent.com"
SUBJECT = "repo:acme/app:ref:refs/heads/main"
SOURCE_ROOT = f"arn:aws:iam::{SOURCE}:root"
USER_STATEMENT = {
    "Sid": "TrustSourceUsers",
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{SOURCE}:user/random_user"},
    "Action": "sts:AssumeRole",
    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
}


def with_role(**role_settings: Any) -> dict[str, Any]:
    raw = walkthrough_settings()
    raw["roles"][ROLE].update(role_settings)
    return raw


def only_federated(raw: dict[str, Any]) -> dict[str, Any]:
    """`s3-list-role` trusts no user; another role trusts the walk-through's user (a declared
    user must be trusted by a role)."""
    raw["roles"]["people-role"] = {**raw["roles"][ROLE], "trustedUsers": ["random_user"]}
    for k in (
        "trustedPermissionSets",
        "ssoRegion",
        "ssoStartUrl",
        "trustedSamlProviders",
        "samlAudiences",
        "trustedOidcProviders",
    ):
        raw["roles"]["people-role"].pop(k, None)
    raw["roles"][ROLE]["trustedUsers"] = []
    return raw


def permission_set(name: str = "DataEngineers", region: str = "eu-west-1", **more: Any) -> dict[str, Any]:
    return with_role(trustedPermissionSets=[name], ssoRegion=region, ssoStartUrl=START_URL, **more)


def trust_of(run: ProgramRun) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(one(run, "aws:iam/role:Role", ROLE).inputs["assumeRolePolicy"])
    return document


# --- the documents, exactly ----------------------------------------------------------------


def test_a_permission_set_is_trusted_through_its_identity_center_role_without_mfa(run: Callable[..., ProgramRun]) -> None:
    result = run(permission_set())
    assert trust_of(result) == {
        "Version": "2012-10-17",
        "Statement": [
            USER_STATEMENT,
            {
                "Sid": "TrustPermissionSetDataengineers",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{SOURCE}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "ArnLike": {
                        "aws:PrincipalArn": f"arn:aws:iam::{SOURCE}:role/aws-reserved/sso.amazonaws.com/eu-west-1/"
                        "AWSReservedSSO_DataEngineers_????????????????"
                    }
                },
            },
        ],
    }
    assert result.findings == ()


def test_an_identity_center_in_us_east_1_has_no_region_segment(run: Callable[..., ProgramRun]) -> None:
    statement = trust_of(run(permission_set(region="us-east-1")))["Statement"][1]
    assert statement["Condition"] == {
        "ArnLike": {
            "aws:PrincipalArn": f"arn:aws:iam::{SOURCE}:role/aws-reserved/sso.amazonaws.com/"
            "AWSReservedSSO_DataEngineers_????????????????"
        }
    }


def test_external_id_and_session_tags_apply_to_a_permission_set(run: Callable[..., ProgramRun]) -> None:
    statement = trust_of(run(permission_set(externalId="acme-prod", allowSessionTags=True)))["Statement"][1]
    assert statement["Action"] == ["sts:AssumeRole", "sts:TagSession"]
    assert statement["Condition"]["StringEquals"] == {"sts:ExternalId": "acme-prod"}
    assert "Bool" not in statement["Condition"]


def test_a_saml_provider_is_trusted_for_the_regional_and_non_regional_sign_in_endpoints(run: Callable[..., ProgramRun]) -> None:
    """By default the two forms AWS documents for an IdP posting to AWS: the target region's
    endpoint (which AWS recommends) and the non-regional one; a trust with only the latter refuses
    an IdP configured with the regional endpoint. One StringEquals with a list: OR, as IAM
    evaluates several values of one single-valued key such as SAML:aud."""
    raw = only_federated(with_role(trustedSamlProviders=[SAML_ARN]))
    result = run(raw)
    assert trust_of(result) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TrustSamlProviderOkta",
                "Effect": "Allow",
                "Principal": {"Federated": SAML_ARN},
                "Action": "sts:AssumeRoleWithSAML",
                "Condition": {
                    "StringEquals": {
                        "SAML:aud": ["https://eu-north-1.signin.aws.amazon.com/saml", "https://signin.aws.amazon.com/saml"]
                    }
                },
            }
        ],
    }
    assert result.findings == ()
    assert result.outputs["roles"][ROLE]["identityProviders"] == [
        {
            "kind": "saml",
            "arn": SAML_ARN,
            "audiences": ["https://eu-north-1.signin.aws.amazon.com/saml", "https://signin.aws.amazon.com/saml"],
        }
    ]


@pytest.mark.parametrize(
    ("audiences", "expected"),
    [
        (["https://eu-west-1.signin.aws.amazon.com/saml"], "https://eu-west-1.signin.aws.amazon.com/saml"),
        (
            ["https://us-east-2.signin.aws.amazon.com/saml", "https://signin.aws.amazon.com/saml"],
            ["https://us-east-2.signin.aws.amazon.com/saml", "https://signin.aws.amazon.com/saml"],
        ),
    ],
)
def test_saml_audiences_are_the_exact_endpoints_given(
    run: Callable[..., ProgramRun], audiences: list[str], expected: str | list[str]
) -> None:
    raw = only_federated(with_role(trustedSamlProviders=[SAML_ARN], samlAudiences=audiences))
    result = run(raw)
    assert trust_of(result)["Statement"][0]["Condition"] == {"StringEquals": {"SAML:aud": expected}}
    assert result.findings == ()


def test_an_oidc_provider_is_trusted_for_one_exact_audience_and_subject(run: Callable[..., ProgramRun]) -> None:
    raw = with_role(trustedOidcProviders=[{"arn": OIDC_ARN, "audience": "sts.amazonaws.com", "subject": SUBJECT}])
    result = run(raw)
    assert trust_of(result)["Statement"] == [
        USER_STATEMENT,
        {
            "Sid": "TrustOidcProvider1",
            "Effect": "Allow",
            "Principal": {"Federated": OIDC_ARN},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                    "token.actions.githubusercontent.com:sub": SUBJECT,
                }
            },
        },
    ]
    assert result.findings == ()
    assert result.outputs["roles"][ROLE]["identityProviders"] == [
        {"kind": "oidc", "arn": OIDC_ARN, "audience": "sts.amazonaws.com", "subject": SUBJECT}
    ]


# --- who gets in ---------------------------------------------------------------------------


def _arn_like(pattern: str, value: str) -> bool:
    """AWS's ArnLike: case-sensitive; each of the six colon-separated parts compared on its own;
    `*` any run of characters, `?` exactly one (IAM User Guide, "IAM JSON policy elements:
    Condition operators", ARN condition operators,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN)."""
    want, got = pattern.split(":", 5), value.split(":", 5)
    if len(want) != 6 or len(got) != 6:
        return False
    for p, v in zip(want, got, strict=True):
        regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in p)
        if re.fullmatch(regex, v, re.DOTALL) is None:
            return False
    return True


def _admits(statement: Mapping[str, Any], principal_arn: str) -> bool:
    """Whether the statement lets a session of `principal_arn` call sts:AssumeRole: the
    Principal `arn:aws:iam::<account>:root` admits every principal of that account, then every
    condition must hold (this document has ArnLike aws:PrincipalArn only)."""
    root = statement["Principal"]["AWS"]
    account = root.split(":")[4]
    if principal_arn.split(":")[4] != account or statement["Action"] != "sts:AssumeRole":
        return False
    ((operator, block),) = statement["Condition"].items()
    assert operator == "ArnLike"
    assert list(block) == ["aws:PrincipalArn"]
    return _arn_like(block["aws:PrincipalArn"], principal_arn)


SSO = f"arn:aws:iam::{SOURCE}:role/aws-reserved/sso.amazonaws.com/eu-west-1/"


@pytest.mark.parametrize(
    ("who", "principal_arn", "admitted"),
    [
        ("its role", f"{SSO}AWSReservedSSO_DataEngineers_1234567890abcdef", True),
        ("its role after the assignment was recreated", f"{SSO}AWSReservedSSO_DataEngineers_abcdef0123456789", True),
        ("a role of another permission set", f"{SSO}AWSReservedSSO_DataScientists_1234567890abcdef", False),
        ("a permission set whose name extends it", f"{SSO}AWSReservedSSO_DataEngineers_Admin_1234567890abcdef", False),
        ("a name differing only in case", f"{SSO}AWSReservedSSO_dataengineers_1234567890abcdef", False),
        ("a role outside aws-reserved", f"arn:aws:iam::{SOURCE}:role/AWSReservedSSO_DataEngineers_1234567890abcdef", False),
        (
            "a role of another Identity Center region",
            f"arn:aws:iam::{SOURCE}:role/aws-reserved/sso.amazonaws.com/us-east-1/AWSReservedSSO_DataEngineers_1234567890abcdef",
            False,
        ),
        (
            "its role in another account",
            "arn:aws:iam::999988887777:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_DataEngineers_1234567890abcdef",
            False,
        ),
        ("an IAM user of the source account", f"arn:aws:iam::{SOURCE}:user/DataEngineers", False),
    ],
)
def test_the_permission_set_statement_admits_its_role_and_nothing_else(
    run: Callable[..., ProgramRun], who: str, principal_arn: str, admitted: bool
) -> None:
    statement = trust_of(run(permission_set()))["Statement"][1]
    assert _admits(statement, principal_arn) is admitted, who


# --- the outputs ---------------------------------------------------------------------------


def test_the_outputs_give_the_permission_sets_inline_policy_and_an_sso_profile(run: Callable[..., ProgramRun]) -> None:
    outputs = run(permission_set(maxSessionDuration=7200)).outputs["roles"][ROLE]["permissionSets"]
    assert list(outputs) == ["DataEngineers"]
    entry = outputs["DataEngineers"]
    assert json.loads(entry["inlinePolicy"]) == {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "AssumeCrossAccountRole", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE_ARN}],
    }
    assert entry["principalArnPattern"] == f"{SSO}AWSReservedSSO_DataEngineers_????????????????"
    assert entry["profileName"] == f"{ROLE}@{TARGET}"
    assert entry["awsConfigProfile"] == (
        "[sso-session acme]\n"
        f"sso_start_url = {START_URL}\n"
        "sso_region = eu-west-1\n"
        "sso_registration_scopes = sso:account:access\n"
        "\n"
        f"[profile DataEngineers@{SOURCE}]\n"
        "sso_session = acme\n"
        f"sso_account_id = {SOURCE}\n"
        "sso_role_name = DataEngineers\n"
        "region = eu-north-1\n"
        "\n"
        f"[profile {ROLE}@{TARGET}]\n"
        f"role_arn = {ROLE_ARN}\n"
        f"source_profile = DataEngineers@{SOURCE}\n"
        "duration_seconds = 3600\n"  # role chaining: at most 1 hour, whatever maxSessionDuration says
        "region = eu-north-1\n"
    )


def test_a_role_trusting_only_a_permission_set_grants_nothing_in_the_source_account(
    run: Callable[..., ProgramRun],
) -> None:
    result = run(only_federated(permission_set()))
    assert [s["Sid"] for s in trust_of(result)["Statement"]] == ["TrustPermissionSetDataengineers"]
    assert result.outputs["roles"][ROLE]["access"] == {}
    source_documents = [r.inputs.get("policy", "") for r in result.registrations if r.account == "source"]
    assert source_documents
    assert not any(ROLE_ARN in d for d in source_documents)


# --- refused values ------------------------------------------------------------------------

K = f"cross-account-roles:roles.{ROLE}"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"trustedPermissionSets": ["Data*"], "ssoRegion": "eu-west-1", "ssoStartUrl": START_URL},
            f'{K}.trustedPermissionSets[0]: got "Data*"; expected a permission set\'s name, 1 to 32 characters of '
            "letters, digits and +=,.@_- (no wildcard), e.g. DataEngineers",
        ),
        (
            {"trustedPermissionSets": ["DataEngineers"], "ssoStartUrl": START_URL},
            f"{K}.ssoRegion: missing; trustedPermissionSets needs the region of the IAM Identity Center instance, e.g. "
            "eu-west-1 (its roles are under aws-reserved/sso.amazonaws.com/<region>/, without the region for us-east-1)",
        ),
        (
            {"trustedPermissionSets": ["DataEngineers"], "ssoRegion": "cn-north-1", "ssoStartUrl": START_URL},
            f'{K}.ssoRegion: got "cn-north-1", a region of partition aws-cn; expected a region of the source '
            "account's partition aws",
        ),
        (
            {"trustedPermissionSets": ["DataEngineers"], "ssoRegion": "eu-west-1", "ssoStartUrl": "http://acme.example/start"},
            f'{K}.ssoStartUrl: got "http://acme.example/start"; expected the AWS access portal URL, '
            "https://<identity store id or alias>.awsapps.com/start",
        ),
        (
            {"ssoRegion": "eu-west-1"},
            f"{K}.ssoRegion: set without trustedPermissionSets; expected trustedPermissionSets, or remove it",
        ),
        (
            {"trustedSamlProviders": ["arn:aws:iam::999988887777:saml-provider/Okta"]},
            f'{K}.trustedSamlProviders[0]: got "arn:aws:iam::999988887777:saml-provider/Okta", a saml-provider of aws '
            f"account 999988887777; expected one of the target account (arn:aws:iam::{TARGET}:saml-provider/...): the "
            "role trusts only providers of its own account",
        ),
        (
            {"trustedSamlProviders": [f"arn:aws-cn:iam::{TARGET}:saml-provider/Okta"]},
            f'{K}.trustedSamlProviders[0]: got "arn:aws-cn:iam::{TARGET}:saml-provider/Okta", a saml-provider of aws-cn '
            f"account {TARGET}; expected one of the target account (arn:aws:iam::{TARGET}:saml-provider/...): the "
            "role trusts only providers of its own account",
        ),
        (
            {"trustedSamlProviders": [f"arn:aws:iam::{TARGET}:role/Okta"]},
            f'{K}.trustedSamlProviders[0]: got "arn:aws:iam::{TARGET}:role/Okta"; expected the ARN of a saml-provider of '
            f"the target account, arn:aws:iam::{TARGET}:saml-provider/<name>",
        ),
        (
            {"trustedOidcProviders": [{"arn": OIDC_ARN, "audience": "sts.amazonaws.com", "subject": "repo:acme/*"}]},
            f'{K}.trustedOidcProviders[0].subject: got "repo:acme/*", which holds *; expected the exact subject, e.g. '
            "repo:my-org/my-repo:ref:refs/heads/main: the trust compares it with StringEquals, and a pattern would "
            "trust every token it matches",
        ),
        (
            {"trustedOidcProviders": [{"arn": OIDC_ARN, "subject": SUBJECT}]},
            f"{K}.trustedOidcProviders[0].audience: missing; expected the exact aud of the provider's tokens "
            "(<provider url>:aud), e.g. sts.amazonaws.com",
        ),
        (
            {"trustedOidcProviders": [{"arn": OIDC_ARN, "audience": "", "subject": SUBJECT}]},
            f"{K}.trustedOidcProviders[0].audience: empty; expected the exact audience of the tokens, e.g. sts.amazonaws.com",
        ),
        (
            {
                "trustedOidcProviders": [
                    {
                        "arn": "arn:aws:iam::999988887777:oidc-provider/token.actions.githubusercontent.com",
                        "audience": "sts.amazonaws.com",
                        "subject": SUBJECT,
                    }
                ]
            },
            f"{K}.trustedOidcProviders[0].arn: got "
            + show("arn:aws:iam::999988887777:oidc-provider/token.actions.githubusercontent.com")
            + ", a oidc-provider of aws account 999988887777; expected one of the target account "
            + f"(arn:aws:iam::{TARGET}:oidc-provider/...): the role trusts only providers of its own account",
        ),
        (
            {"samlAudiences": ["https://signin.aws.amazon.com/saml"]},
            f"{K}.samlAudiences: set without trustedSamlProviders; expected trustedSamlProviders, or remove it",
        ),
        (
            {"trustedSamlProviders": [SAML_ARN], "samlAudiences": []},
            f"{K}.samlAudiences: empty; expected at least one AWS sign-in endpoint, e.g. "
            "https://eu-north-1.signin.aws.amazon.com/saml (an empty list would refuse every assertion), or remove it "
            "for the default",
        ),
        *[
            (
                {"trustedSamlProviders": [SAML_ARN], "samlAudiences": [bad]},
                f"{K}.samlAudiences[0]: got {show(bad)}; expected an AWS sign-in endpoint of partition aws, "
                "https://signin.aws.amazon.com/saml or https://<region>.signin.aws.amazon.com/saml",
            )
            for bad in (
                "http://signin.aws.amazon.com/saml",  # not https
                "https://signin.aws.amazon.com/saml/",  # a trailing slash: StringEquals matches no assertion
                "HTTPS://SIGNIN.AWS.AMAZON.COM/SAML",  # upper case: StringEquals is case-sensitive
                "https://signin.aws.amazon.com:443/saml",
                "https://*.signin.aws.amazon.com/saml",  # a pattern
                "https://signin.aws.amazon.com.evil.example/saml",  # another host that starts like AWS's
                "https://evil.example/signin.aws.amazon.com/saml",
                "https://signin.amazonaws.cn/saml",  # another partition's host
                "https://signin.aws.amazon.com/saml?x=1",
                " https://signin.aws.amazon.com/saml",
                "urn:amazon:webservices",  # the IdP's entity id, not the endpoint
            )
        ],
        (
            {"trustedSamlProviders": [SAML_ARN], "samlAudiences": ["https://cn-north-1.signin.aws.amazon.com/saml"]},
            f'{K}.samlAudiences[0]: got "https://cn-north-1.signin.aws.amazon.com/saml"; expected a region of partition '
            "aws before .signin.aws.amazon.com, e.g. https://eu-west-1.signin.aws.amazon.com/saml",
        ),
        (
            {"trustedSamlProviders": [SAML_ARN], "samlAudiences": ["https://eu-west-99x.signin.aws.amazon.com/saml"]},
            f'{K}.samlAudiences[0]: got "https://eu-west-99x.signin.aws.amazon.com/saml"; expected a region of '
            "partition aws before .signin.aws.amazon.com, e.g. https://eu-west-1.signin.aws.amazon.com/saml",
        ),
        (
            {
                "trustedSamlProviders": [SAML_ARN],
                "samlAudiences": ["https://signin.aws.amazon.com/saml", "https://signin.aws.amazon.com/saml"],
            },
            f"{K}.samlAudiences: lists an endpoint twice; expected each once",
        ),
        (
            {"trustedSamlProviders": [SAML_ARN], "requireSourceIdentity": True},
            f"{K}.requireSourceIdentity: true with trustedSamlProviders; the source identity is pinned to an IAM user's "
            "name, which these principals do not have: expected one or the other",
        ),
        (
            {"trust": "path", "trustedPath": "/team/", "trustedSamlProviders": [SAML_ARN]},
            f"{K}: trustedSamlProviders with trust: path; the account-wide modes trust IAM users only, expected the members "
            "in trustedUsers (or trust: users for groups, roles, permission sets and providers)",
        ),
    ],
)
def test_a_bad_federated_setting_is_refused_with_its_key(change: dict[str, Any], expected: str) -> None:
    assert expected in problems_of(with_role(**change))


def test_a_role_without_any_principal_names_every_kind_it_could_trust() -> None:
    assert problems_of(with_role(trustedUsers=[])) == [
        f"{K}.trustedUsers: empty, and no trustedGroups, trustedRoles, trustedPermissionSets, trustedSamlProviders or "
        "trustedOidcProviders; expected at least one principal"
    ]


# --- the reviewer's Markdown -----------------------------------------------------------------


def everyone() -> dict[str, Any]:
    """The walk-through's user, a permission set, a SAML provider and an OIDC provider."""
    return permission_set(
        trustedSamlProviders=[SAML_ARN],
        trustedOidcProviders=[{"arn": OIDC_ARN, "audience": "sts.amazonaws.com", "subject": SUBJECT}],
    )


def test_the_access_table_names_each_kind_and_where_mfa_is_enforced() -> None:
    table = access_table(access_grants(plan_of(everyone())))
    rows = [r.split(" | ")[:4] for r in table[2:]]
    assert rows == [
        ["| `DataEngineers` (IAM Identity Center permission set of the source account)", f"`{ROLE}`", TARGET,
         "at sign-in to IAM Identity Center (not in the trust policy)"],
        ["| `Okta` (SAML provider of the target account, AssumeRoleWithSAML)", f"`{ROLE}`", TARGET,
         "at sign-in to the identity provider"],
        ["| `random_user`", f"`{ROLE}`", TARGET, "required"],
        [f"| `token.actions.githubusercontent.com (sub {SUBJECT})` (OIDC provider of the target account, "
         "AssumeRoleWithWebIdentity)", f"`{ROLE}`", TARGET, "not applicable (a token of the provider)"],
    ]  # fmt: skip


def test_the_diagram_draws_a_permission_set_in_the_source_account_and_providers_in_the_target() -> None:
    diagram = mermaid(plan_of(everyone()))
    lines = diagram.splitlines()
    source_end, target_end = [i for i, line in enumerate(lines) if line == "  end"]
    assert lines.index('    s1["IAM Identity Center permission set DataEngineers"]') < source_end
    assert (
        source_end < lines.index('    f1["OIDC provider token.actions.githubusercontent.com (sub ' + SUBJECT + ')"]') < target_end
    )
    assert source_end < lines.index('    f2["SAML provider Okta"]') < target_end
    assert '  s1 -- "AssumeRole + MFA at sign-in" --> r1' in lines
    assert '  f2 -- "AssumeRoleWithSAML + MFA at sign-in" --> r1' in lines
    assert '  f1 -- "AssumeRoleWithWebIdentity" --> r1' in lines
    assert mermaid_parse([diagram]) == [{"ok": True, "type": "flowchart-v2"}]


def test_a_new_permission_set_or_provider_is_widened_access() -> None:
    base = plan_of(walkthrough_settings())
    widened = [c.text for c in diff_plans(base, plan_of(everyone())).of("widens")]
    assert widened == [
        f"new statement: Allow principal {SOURCE_ROOT} sts:AssumeRole if ArnLike aws:PrincipalArn {SSO}"
        "AWSReservedSSO_DataEngineers_???????????????? (permission set DataEngineers)",
        f"new statement: Allow principal Federated {OIDC_ARN} sts:AssumeRoleWithWebIdentity if StringEquals "
        f"token.actions.githubusercontent.com:aud sts.amazonaws.com; StringEquals token.actions.githubusercontent.com:sub "
        f"{SUBJECT} (OIDC provider token.actions.githubusercontent.com, sub {SUBJECT})",
        f"new statement: Allow principal Federated {SAML_ARN} sts:AssumeRoleWithSAML if StringEquals SAML:aud "
        "[https://eu-north-1.signin.aws.amazon.com/saml, https://signin.aws.amazon.com/saml] (SAML provider Okta)",
    ]


def test_a_secret_external_id_keeps_the_permission_sets_profiles_secret() -> None:
    raw = permission_set(externalId="partner-7f3a9")
    # The engine decrypts in place and marks the whole top-level key secret.
    result = run_program("utils", engine_config_of(raw, secret_keys={"cross-account-roles:roles"}))
    assert result.outputs["roles"][ROLE]["permissionSets"] == "[secret]"
    assert "partner-7f3a9" not in json.dumps(result.outputs)


def test_the_plan_of_a_federated_role_is_the_same_bytes_every_run() -> None:
    first, second = (render_json(run_program("utils", everyone())) for _ in range(2))
    assert first == second
    assert "AWSReservedSSO_DataEngineers_????????????????" in first


# --- a setting that does nothing is refused ------------------------------------------------


def test_mfa_settings_and_an_external_id_are_accepted_where_a_principal_uses_them(run: Callable[..., ProgramRun]) -> None:
    """The control: with a user beside the permission set, requireMfa and mfaMaxAgeSeconds
    reach the user's statement; a permission set's role calls AssumeRole, which can send an
    external id."""
    result = run(permission_set(requireMfa=True, mfaMaxAgeSeconds=3600))
    assert trust_of(result)["Statement"][0]["Condition"]["NumericLessThan"] == {"aws:MultiFactorAuthAge": "3600"}
    assert run(only_federated(permission_set(externalId="partner-1234"))).registrations


PERMISSION_SET = {"trustedPermissionSets": ["DataEngineers"], "ssoRegion": "eu-west-1", "ssoStartUrl": START_URL}


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        (
            {**PERMISSION_SET, "requireMfa": True},
            "cross-account-roles:roles.s3-list-role.requireMfa: set on a role whose only principals are trustedPermissionSets, "
            "who sign in elsewhere; their statements carry no MFA condition (IAM Identity Center or the identity provider "
            "enforces MFA at sign-in: docs/identity-center.md), so it does nothing: remove requireMfa, and require MFA where "
            "they sign in",
        ),
        (
            {**PERMISSION_SET, "mfaMaxAgeSeconds": 900},
            "cross-account-roles:roles.s3-list-role.mfaMaxAgeSeconds: set on a role whose only principals are "
            "trustedPermissionSets, who sign in elsewhere;",
        ),
        (
            {"trustedSamlProviders": [SAML_ARN], "externalId": "partner-1234"},
            "cross-account-roles:roles.s3-list-role.externalId: set on a role whose only principals are trustedSamlProviders; "
            "they assume it with AssumeRoleWithSAML or AssumeRoleWithWebIdentity, which take no ExternalId, so no principal "
            "can send it: remove externalId (it is for a third party that calls AssumeRole), or trust that principal by "
            "trustedRoles",
        ),
        (
            {**PERMISSION_SET, "ssoStartUrl": "https://start.us-gov-home.awsapps.com/directory/d-1234567890"},
            'cross-account-roles:roles.s3-list-role.ssoStartUrl: got "https://start.us-gov-home.awsapps.com/directory/'
            "d-1234567890\", an AWS access portal of partition aws-us-gov; expected a portal of the source account's "
            "partition aws (source.region eu-north-1), e.g. https://d-1234567890.awsapps.com/start: the permission sets' "
            "roles are in the source account, and a portal of another partition signs no one in there",
        ),
    ],
)
def test_a_setting_that_does_nothing_is_refused_with_its_key(settings: dict[str, Any], problem: str) -> None:
    problems = problems_of(only_federated(with_role(**settings)))
    assert len(problems) == 1, problems
    assert problems[0].startswith(problem)
