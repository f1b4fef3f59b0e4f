"""Trust in the people an organisation already signs in: IAM Identity Center permission sets,
SAML and OIDC providers. The rules refuse the known mistakes of a federated trust, and
`is_permission_set_statement` tells `security` which statements need no MFA condition.

- A permission set's statement trusts the source account's root narrowed with `ArnLike
  aws:PrincipalArn` to the role IAM Identity Center creates for exactly one permission set
  (`role/aws-reserved/sso.amazonaws.com/[<region>/]AWSReservedSSO_<name>_` and 16 `?`,
  https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html).
  Only AWS creates roles under `aws-reserved/`, so no one in the account can make a role
  match by creating or moving one (TRUST_ACCOUNT_WIDE does not apply), and its sessions carry
  no `aws:MultiFactorAuthPresent`: MFA is enforced when the person signs in to Identity
  Center, so a Bool condition would refuse everyone (TRUST_WITHOUT_MFA does not apply).
- A SAML provider's statement pins `SAML:aud` (the sign-in endpoint the assertion is for); an
  OIDC provider's pins `<url>:aud` and `<url>:sub` with StringEquals: without them, any
  assertion or token the provider issues, for any application or workload, is accepted
  (IAM User Guide, "Create a role for OpenID Connect federation" and "... for SAML 2.0 federation").
- A provider must be of the role's own account: a provider of another account is configured by
  that account's administrators, who could then decide whom it vouches for to this role.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..iam import PERMISSION_SET_ROLE_PATTERN_RE, saml_audience
from .model import ERROR, PolicyDocument, as_list, document_rule, show

PROVIDER_ARN_RE = re.compile(
    r"^arn:(?P<partition>[^:]*):iam::(?P<account>[^:]*):(?P<kind>saml-provider|oidc-provider)/(?P<rest>.+)\Z", re.DOTALL
)
WILDCARDS = ("*", "?", "${")


def _conditions(statement: Mapping[str, Any]) -> list[tuple[str, str, str, list[Any]]]:
    """(operator lower-cased, key lower-cased, key as written, values) of each condition."""
    condition = statement.get("Condition")
    found = []
    if isinstance(condition, dict):
        for operator, block in condition.items():
            if isinstance(block, dict):
                for cond_key, values in block.items():
                    found.append((str(operator).lower(), str(cond_key).lower(), str(cond_key), as_list(values)))
    return found


def is_permission_set_statement(statement: Mapping[str, Any]) -> bool:
    """The statement trusts an account's root narrowed to the Identity Center roles of named
    permission sets of that same account, and to nothing else."""
    principal = statement.get("Principal")
    roots = as_list(principal.get("AWS", [])) if isinstance(principal, dict) else []
    if not isinstance(principal, dict) or set(principal) != {"AWS"} or len(roots) != 1 or not isinstance(roots[0], str):
        return False
    root = re.match(r"^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):root\Z", roots[0])
    narrowing = [(op, values) for op, low, _, values in _conditions(statement) if low == "aws:principalarn"]
    if root is None or len(narrowing) != 1 or narrowing[0][0] != "arnlike" or not narrowing[0][1]:
        return False
    for value in narrowing[0][1]:
        match = PERMISSION_SET_ROLE_PATTERN_RE.match(value) if isinstance(value, str) else None
        if match is None or (match["partition"], match["account"]) != (root[1], root[2]):
            return False
    return True


def _providers(statement: Mapping[str, Any]) -> Iterator[re.Match[str]]:
    """Each SAML or OIDC provider ARN among the statement's Federated principals."""
    principal = statement.get("Principal")
    if statement.get("Effect") != "Allow" or not isinstance(principal, dict):
        return
    for value in as_list(principal.get("Federated", [])):
        match = PROVIDER_ARN_RE.match(value) if isinstance(value, str) else None
        if match is not None:
            yield match


def _is_pinned(statement: Mapping[str, Any], condition_key: str) -> bool:
    """A plain StringEquals on the key, whose every value is literal text."""
    return any(
        op == "stringequals"
        and low == condition_key.lower()
        and values
        and not any(w in str(v) for v in values for w in WILDCARDS)
        for op, low, _, values in _conditions(statement)
    )


@document_rule(
    "TRUST_PROVIDER_AUDIENCE_MISSING",
    ERROR,
    "a SAML or OIDC trust statement without its audience pinned (StringEquals SAML:aud or <provider url>:aud, no wildcard)",
)
def trust_provider_audience_missing(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    if doc.is_identity:
        return
    for i, statement in doc.statements():
        for provider in _providers(statement):
            saml = provider["kind"] == "saml-provider"
            audience = "SAML:aud" if saml else f"{provider['rest']}:aud"
            if not _is_pinned(statement, audience):
                example = saml_audience("aws") if saml else "sts.amazonaws.com"
                yield (
                    doc.at(i),
                    f"Federated {show(provider[0])} without StringEquals {audience}: every assertion or token the provider "
                    f"issues, for any application, is accepted; pin it to the exact audience, e.g. {example}",
                )


@document_rule(
    "TRUST_OIDC_SUBJECT_UNPINNED",
    ERROR,
    "an OIDC trust statement whose subject (<provider url>:sub) is missing or a pattern rather than one exact StringEquals value",
)
def trust_oidc_subject_unpinned(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    if doc.is_identity:
        return
    for i, statement in doc.statements():
        for provider in _providers(statement):
            subject = f"{provider['rest']}:sub"
            if provider["kind"] == "oidc-provider" and not _is_pinned(statement, subject):
                found = [f"{op} {show(values)}" for op, low, _, values in _conditions(statement) if low == subject.lower()]
                yield (
                    doc.at(i),
                    f"Federated {show(provider[0])} with {subject} {', '.join(found) or 'missing'}: every workload the provider "
                    "issues tokens for (any repository, branch or service account it matches) may assume the role; "
                    "pin it with StringEquals to the exact subject, e.g. repo:my-org/my-repo:ref:refs/heads/main",
                )


@document_rule(
    "TRUST_PROVIDER_OTHER_ACCOUNT",
    ERROR,
    "a trust statement naming a SAML or OIDC provider of another account than the role's",
)
def trust_provider_other_account(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    if doc.is_identity or doc.account is None:  # the role's account is unknown (a provider without allowedAccountIds)
        return
    for i, statement in doc.statements():
        for provider in _providers(statement):
            if provider["account"] != doc.account:
                yield (
                    doc.at(i),
                    f"Federated {show(provider[0])} is a provider of account {show(provider['account'])}, not of the role's "
                    f"account {doc.account}: whoever administers that account decides whom it vouches for to this role; "
                    f"name a provider of the role's account (arn:aws:iam::{doc.account}:{provider['kind']}/...)",
                )
