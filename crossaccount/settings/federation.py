"""The people an organisation already signs in: a role's `trustedPermissionSets` (IAM Identity
Center, with `ssoRegion` and `ssoStartUrl`), `trustedSamlProviders` and `trustedOidcProviders`.

- A permission set is trusted through the role IAM Identity Center creates for it in the source
  account (`arn:<p>:iam::<source>:role/aws-reserved/sso.amazonaws.com/[<region>/]AWSReservedSSO_<name>_<suffix>`,
  https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html).
  Its name is checked as CreatePermissionSet checks it, so it can hold no wildcard.
- A SAML or OIDC provider signs people straight into the target account: it must be a provider
  of that account (a trust policy naming another account's provider would trust whoever that
  account's administrators let it vouch for). An OIDC provider comes with the exact audience
  and subject of its tokens; a pattern in either would trust more than one workload.

Pure: no Pulumi import.
"""

from __future__ import annotations

import re

from crossaccount.errors import key, show
from crossaccount.iam import (
    OIDC_PROVIDER_ARN_RE,
    PATTERN_CHARACTERS,
    PERMISSION_SET_NAME_RE,
    REGION_RE,
    SAML_PROVIDER_ARN_RE,
    SIGNIN_HOSTS,
    SSO_HOME_REGION_WITHOUT_SEGMENT,
    SSO_ROLE_PATH,
    partition_of,
    saml_regional_audience,
)

from .models import AccountSettings, RoleSettings

START_URL_RE = re.compile(
    r"^https://(?:(?P<label>[A-Za-z0-9][A-Za-z0-9-]{0,62})\.awsapps\.(?:com|cn)/start"
    r"|start\.us-gov-home\.awsapps\.com/directory/(?P<gov>[A-Za-z0-9][A-Za-z0-9-]{0,62}))/?\Z",
    re.ASCII,
)
"""The AWS access portal URL: `https://<d-id or alias>.awsapps.com/start` (`.cn` in China), or
GovCloud's `https://start.us-gov-home.awsapps.com/directory/<id>`."""

SAML_AUDIENCE_RE = re.compile(r"^https://(?:(?P<region>[a-z0-9-]{1,40})\.)?(?P<host>signin\.[a-z.-]+)/saml\Z", re.ASCII)
"""The form of a SAML sign-in endpoint; `saml_audience_problem` checks its host and region."""

EXAMPLE_REGIONS = {"aws": "eu-west-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}

FEDERATED_KEYS = ("trustedPermissionSets", "trustedSamlProviders", "trustedOidcProviders")


_PORTAL_EXAMPLE = {
    "aws": "https://d-1234567890.awsapps.com/start",
    "aws-cn": "https://d-1234567890.awsapps.cn/start",
    "aws-us-gov": "https://start.us-gov-home.awsapps.com/directory/d-1234567890",
}


def start_url_partition(start_url: str) -> str:
    """The partition of an AWS access portal URL that `START_URL_RE` matches."""
    match = START_URL_RE.match(start_url)
    if match is not None and match["gov"]:
        return "aws-us-gov"
    return "aws-cn" if ".awsapps.cn/" in start_url else "aws"


def _check_does_something(at: tuple[str, ...], role: RoleSettings, problems: list[str]) -> None:
    """A setting that would do nothing is refused: MFA settings on a role whose only principals
    sign in elsewhere (their statements carry no MFA condition: IAM Identity Center and the
    identity provider enforce MFA at sign-in), and an external id no principal can send
    (AssumeRoleWithSAML and AssumeRoleWithWebIdentity take no ExternalId parameter:
    https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithSAML.html,
    https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html)."""
    federated = federated_keys(role)
    if not federated or role.trusted_users or role.trusted_groups or role.trusted_roles:
        return
    listed = " and ".join(federated)
    for setting, field in (("requireMfa", "require_mfa"), ("mfaMaxAgeSeconds", "mfa_max_age_seconds")):
        if field in role.model_fields_set:
            problems.append(
                f"{key((*at, setting))}: set on a role whose only principals are {listed}, who sign in elsewhere; their "
                "statements carry no MFA condition (IAM Identity Center or the identity provider enforces MFA at sign-in: "
                f"docs/identity-center.md), so it does nothing: remove {setting}, and require MFA where they sign in"
            )
    if role.external_id is not None and not role.trusted_permission_sets:
        problems.append(
            f"{key((*at, 'externalId'))}: set on a role whose only principals are {listed}; they assume it with "
            "AssumeRoleWithSAML or AssumeRoleWithWebIdentity, which take no ExternalId, so no principal can send it: "
            "remove externalId (it is for a third party that calls AssumeRole), or trust that principal by trustedRoles"
        )


def sso_session_name(start_url: str) -> str:
    """The `[sso-session <name>]` the outputs' profiles use: the portal's id or alias."""
    match = START_URL_RE.match(start_url)
    return (match["label"] or match["gov"]) if match else "sso"


def federated_keys(role: RoleSettings) -> list[str]:
    """The federated principal keys the role sets (for the checks that refuse a combination)."""
    values = (role.trusted_permission_sets, role.trusted_saml_providers, role.trusted_oidc_providers)
    return [k for k, v in zip(FEDERATED_KEYS, values, strict=True) if v]


def check_federation(
    name: str, role: RoleSettings, source: AccountSettings | None, target: AccountSettings | None, problems: list[str]
) -> None:
    """Every problem with one role's permission sets and identity providers."""
    at = ("roles", name)
    _check_permission_sets(at, role, source, problems)
    if target is not None:
        _check_saml(at, role, target, problems)
        _check_oidc(at, role, target, problems)
    _check_does_something(at, role, problems)
    if role.require_source_identity and federated_keys(role):
        problems.append(
            f"{key((*at, 'requireSourceIdentity'))}: true with {' and '.join(federated_keys(role))}; the source identity is "
            "pinned to an IAM user's name, which these principals do not have: expected one or the other"
        )


def _check_permission_sets(at: tuple[str, ...], role: RoleSettings, source: AccountSettings | None, problems: list[str]) -> None:
    names = role.trusted_permission_sets
    for i, permission_set in enumerate(names):
        if not PERMISSION_SET_NAME_RE.match(permission_set):
            problems.append(
                f"{key((*at, 'trustedPermissionSets', i))}: got {show(permission_set)}; expected a permission set's name, "
                "1 to 32 characters of letters, digits and +=,.@_- (no wildcard), e.g. DataEngineers"
            )
    if len({n.lower() for n in names}) != len(names):
        problems.append(f"{key((*at, 'trustedPermissionSets'))}: lists a permission set twice; expected each once")
    if not names:
        for setting, value in (("ssoRegion", role.sso_region), ("ssoStartUrl", role.sso_start_url)):
            if value is not None:
                problems.append(
                    f"{key((*at, setting))}: set without trustedPermissionSets; expected trustedPermissionSets, or remove it"
                )
        return
    _check_sso_region(at, role.sso_region, source, problems)
    if role.sso_start_url is None:
        problems.append(
            f"{key((*at, 'ssoStartUrl'))}: missing; trustedPermissionSets needs the AWS access portal URL for the "
            "profiles people copy, e.g. https://d-1234567890.awsapps.com/start"
        )
    elif not START_URL_RE.match(role.sso_start_url):
        problems.append(
            f"{key((*at, 'ssoStartUrl'))}: got {show(role.sso_start_url)}; expected the AWS access portal URL, "
            "https://<identity store id or alias>.awsapps.com/start"
        )
    elif source is not None and start_url_partition(role.sso_start_url) != source.partition:
        problems.append(
            f"{key((*at, 'ssoStartUrl'))}: got {show(role.sso_start_url)}, an AWS access portal of partition "
            f"{start_url_partition(role.sso_start_url)}; expected a portal of the source account's partition {source.partition} "
            f"(source.region {source.region}), e.g. {_PORTAL_EXAMPLE[source.partition]}: the permission sets' roles are in "
            "the source account, and a portal of another partition signs no one in there"
        )


def _check_sso_region(at: tuple[str, ...], region: str | None, source: AccountSettings | None, problems: list[str]) -> None:
    where = key((*at, "ssoRegion"))
    if region is None:
        problems.append(
            f"{where}: missing; trustedPermissionSets needs the region of the IAM Identity Center instance, e.g. eu-west-1 "
            f"(its roles are under {SSO_ROLE_PATH.lstrip('/')}<region>/, without the region for {SSO_HOME_REGION_WITHOUT_SEGMENT})"
        )
    elif not REGION_RE.match(region):
        problems.append(f"{where}: got {show(region)}; expected an AWS region, e.g. eu-west-1")
    elif source is not None and partition_of(region) != source.partition:
        problems.append(
            f"{where}: got {show(region)}, a region of partition {partition_of(region)}; expected a region of the "
            f"source account's partition {source.partition}"
        )


def _check_provider_arn(
    where: str, arn: str, pattern: re.Pattern[str], kind: str, target: AccountSettings, problems: list[str]
) -> bool:
    """The ARN has the provider's form and is of the target account; True when it is usable."""
    example = f"arn:{target.partition}:iam::{target.account_id}:{kind}/"
    match = pattern.match(arn)
    if match is None:
        problems.append(f"{where}: got {show(arn)}; expected the ARN of a {kind} of the target account, {example}<name>")
        return False
    if (match["partition"], match["account"]) != (target.partition, target.account_id):
        problems.append(
            f"{where}: got {show(arn)}, a {kind} of {match['partition']} account {match['account']}; expected one of the "
            f"target account ({example}...): the role trusts only providers of its own account"
        )
        return False
    return True


def _check_saml(at: tuple[str, ...], role: RoleSettings, target: AccountSettings, problems: list[str]) -> None:
    for i, arn in enumerate(role.trusted_saml_providers):
        _check_provider_arn(key((*at, "trustedSamlProviders", i)), arn, SAML_PROVIDER_ARN_RE, "saml-provider", target, problems)
    if len(set(role.trusted_saml_providers)) != len(role.trusted_saml_providers):
        problems.append(f"{key((*at, 'trustedSamlProviders'))}: lists a provider twice; expected each once")
    _check_saml_audiences(at, role, target, problems)


def saml_audience_problem(value: str, partition: str) -> str | None:
    """Why `value` is not an AWS SAML sign-in endpoint of `partition` in its exact form, or None.

    `SAML:aud` is compared with StringEquals, byte for byte (IAM User Guide, string condition
    operators): an assertion's Recipient is `https://[<region>.]<sign-in host>/saml` in lower case,
    so any other spelling (http, upper case, a trailing slash, a port, a query) matches nothing, and
    a pattern or another host would accept assertions addressed to someone else."""
    host = SIGNIN_HOSTS[partition]
    match = SAML_AUDIENCE_RE.match(value)
    if match is None or match["host"] != host:
        return f"expected an AWS sign-in endpoint of partition {partition}, https://{host}/saml or https://<region>.{host}/saml"
    region = match["region"]
    if region is not None and (not REGION_RE.match(region) or partition_of(region) != partition):
        return f"expected a region of partition {partition} before .{host}, e.g. {saml_regional_audience(EXAMPLE_REGIONS[partition])}"
    return None


def _check_saml_audiences(at: tuple[str, ...], role: RoleSettings, target: AccountSettings, problems: list[str]) -> None:
    where = (*at, "samlAudiences")
    audiences = role.saml_audiences
    if audiences is None:
        return
    if not role.trusted_saml_providers:
        problems.append(f"{key(where)}: set without trustedSamlProviders; expected trustedSamlProviders, or remove it")
        return
    if not audiences:
        problems.append(
            f"{key(where)}: empty; expected at least one AWS sign-in endpoint, e.g. {saml_regional_audience(target.region)} "
            "(an empty list would refuse every assertion), or remove it for the default"
        )
    for i, value in enumerate(audiences):
        problem = saml_audience_problem(value, target.partition)
        if problem is not None:
            problems.append(f"{key((*where, i))}: got {show(value)}; {problem}")
    if len(set(audiences)) != len(audiences):
        problems.append(f"{key(where)}: lists an endpoint twice; expected each once")


def _check_oidc(at: tuple[str, ...], role: RoleSettings, target: AccountSettings, problems: list[str]) -> None:
    seen: set[tuple[str, str, str]] = set()
    for i, provider in enumerate(role.trusted_oidc_providers):
        here: tuple[str | int, ...] = (*at, "trustedOidcProviders", i)
        _check_provider_arn(key((*here, "arn")), provider.arn, OIDC_PROVIDER_ARN_RE, "oidc-provider", target, problems)
        for field, value, example in (
            ("audience", provider.audience, "sts.amazonaws.com"),
            ("subject", provider.subject, "repo:my-org/my-repo:ref:refs/heads/main"),
        ):
            wild = [c for c in PATTERN_CHARACTERS if c in value]
            if not value.strip():
                problems.append(f"{key((*here, field))}: empty; expected the exact {field} of the tokens, e.g. {example}")
            elif wild:
                problems.append(
                    f"{key((*here, field))}: got {show(value)}, which holds {' and '.join(wild)}; expected the exact {field}, "
                    f"e.g. {example}: the trust compares it with StringEquals, and a pattern would trust every token it matches"
                )
        entry = (provider.arn, provider.audience, provider.subject)
        if entry in seen:
            problems.append(f"{key(here)}: the same provider, audience and subject as an earlier entry; expected each once")
        seen.add(entry)
