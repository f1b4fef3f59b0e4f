"""Security rules: the IAM checks checkov, IAM Access Analyzer and cdk-nag make.

Everything these rules know about actions comes from the IAM action catalogue
(`catalogue`), not from a list kept here: whether an action can be limited to specific
resources (so `s3:ListAllMyBuckets` on `*` passes), its access level, and which actions a
pattern such as `iam:*Role*` covers. Every action is matched as IAM matches it (`*` and `?`
anywhere, any case) and every resource with a wildcard in its account or resource part is
treated like `"*"` (`catalogue.is_broad`), however it is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from .catalogue import (
    CATALOGUE,
    PERMISSIONS_MANAGEMENT,
    SHOWN,
    Action,
    acts_on,
    arn_format,
    covered_services,
    expand,
    has_wildcard,
    is_arn,
    is_broad,
    is_every_resource,
    listed,
    matches,
    resource_condition_keys,
    strings,
)
from .escalation import is_denied, unconditional_denies
from .federation import is_permission_set_statement
from .model import ERROR, WARNING, PolicyDocument, as_list, document_rule, show

WHOLE_ACCOUNT_RE = re.compile(r"^(\d{12}|arn:aws(-cn|-us-gov)?:iam::\d{12}:root)\Z", re.ASCII)
SERVICE_WILDCARD_RE = re.compile(r"^([^:]+:)?\*\Z")
PRINCIPAL_ARN_OPERATORS = ("arnequals", "arnlike", "stringequals", "stringlike")
MFA_KEY = "aws:multifactorauthpresent"


def _allows(statement: Mapping[str, Any]) -> bool:
    return statement.get("Effect") == "Allow"


def _aws_principals(statement: Mapping[str, Any]) -> list[Any]:
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if isinstance(principal, dict):
        return as_list(principal.get("AWS", []))
    return []


def _conditions(statement: Mapping[str, Any]) -> Iterator[tuple[str, str, list[Any]]]:
    """(operator, key, values) of each condition; operator and key lower-cased (IAM ignores their case)."""
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return
    for operator, block in condition.items():
        if isinstance(block, dict):
            for cond_key, values in block.items():
                yield str(operator).lower(), str(cond_key).lower(), as_list(values)


def _is_narrowed_by_principal_arn(statement: Mapping[str, Any]) -> bool:
    """An `ArnEquals`/`ArnLike` (or String...) `aws:PrincipalArn` condition names who, within the account."""
    return any(
        op.split(":")[-1] in PRINCIPAL_ARN_OPERATORS and key == "aws:principalarn" and values and "*" not in values
        for op, key, values in _conditions(statement)
    )


def _is_narrowed_by_principal_tag(statement: Mapping[str, Any]) -> bool:
    """A `StringEquals aws:PrincipalTag/<key>` condition: whoever carries the tag (`trust: tag`)."""
    return any(
        op.split(":")[-1] == "stringequals" and key.startswith("aws:principaltag/") and values and "*" not in values
        for op, key, values in _conditions(statement)
    )


def _account_wide_narrowing(statement: Mapping[str, Any]) -> str | None:
    """How a statement trusting a whole account is narrowed to a changing set of principals
    (a tag, an ARN pattern), or None when it names exact ARNs or is not narrowed at all."""
    conditions = list(_conditions(statement))
    for op, key, values in conditions:
        if op.split(":")[-1] == "stringequals" and key.startswith("aws:principaltag/"):
            return f"StringEquals aws:PrincipalTag/{key.split('/', 1)[1]} {show(values[0] if len(values) == 1 else values)}"
    for op, key, values in conditions:
        name = {"arnlike": "ArnLike", "stringlike": "StringLike"}.get(op.split(":")[-1])
        if key == "aws:principalarn" and name and any("*" in str(v) or "?" in str(v) for v in values):
            return f"{name} aws:PrincipalArn {show(values[0] if len(values) == 1 else values)}"
    return None


def _actions(statement: Mapping[str, Any]) -> list[str]:
    return [a for a in as_list(statement.get("Action", [])) if isinstance(a, str)]


# --- what a wildcard of actions reaches -----------------------------------------------------

_NAMED_BUCKET = re.compile(r"arn:aws(-cn|-us-gov)?:s3:::([^*?$/]+)(/.*)?\Z", re.DOTALL)
"""An S3 ARN of one named bucket (no wildcard or policy variable in its name), or of objects in it
(`arn:aws:s3:::reports/*`, `arn:aws:s3:::reports/home/${aws:username}/*`)."""


def _only_named_buckets(statement: Mapping[str, Any]) -> list[str]:
    """The buckets a statement's Resource names, when every value is a named bucket or objects in one
    (`_NAMED_BUCKET`); empty otherwise (`"*"`, a wildcard bucket, NotResource, another service's ARN)."""
    resources = strings(statement, "Resource") if "NotResource" not in statement else None
    matched = [_NAMED_BUCKET.match(r) for r in resources or []]
    if not matched or not all(matched):
        return []
    return sorted({m[2] for m in matched if m})


def _is_s3_pattern(pattern: str) -> bool:
    """An action pattern of the S3 service alone (`s3:*`, `S3:Put*`): its service part is `s3`, no wildcard."""
    service, colon, _ = pattern.partition(":")
    return bool(colon) and service.lower() == "s3"


OWN_CREDENTIAL_ACTIONS = frozenset(
    {
        "iam:CreateAccessKey",
        "iam:DeleteAccessKey",
        "iam:UpdateAccessKey",
        "iam:CreateServiceSpecificCredential",
        "iam:DeleteServiceSpecificCredential",
        "iam:ResetServiceSpecificCredential",
        "iam:UpdateServiceSpecificCredential",
        "iam:UploadSigningCertificate",
        "iam:UpdateSigningCertificate",
        "iam:DeleteSigningCertificate",
        "iam:UploadSSHPublicKey",
        "iam:UpdateSSHPublicKey",
        "iam:DeleteSSHPublicKey",
        "iam:CreateLoginProfile",
        "iam:UpdateLoginProfile",
        "iam:DeleteLoginProfile",
    }
)
"""The "Permissions management" actions that create, change or delete one of a user's own
credentials (access keys, service-specific credentials, signing certificates, SSH keys, console
password). On the caller's own user (`user/${aws:username}`) they give it no power it lacks: the
IAM User Guide's "allows IAM users to manage their own credentials" example grants `iam:*AccessKey*`,
`iam:*ServiceSpecificCredential*` and `iam:*SigningCertificate*` there
(reference_policies_examples_iam_credentials_console.html). A key for another user acts as that
user: PRIVILEGE_ESCALATION's path iam-002 (CreateAccessKey) and its kin."""


def _only_own_user(statement: Mapping[str, Any]) -> bool:
    """Whether every Resource of the statement is the caller's own user, `arn:aws:iam::<account or *>:user/${aws:username}`."""
    resources = strings(statement, "Resource") if "NotResource" not in statement else None
    return bool(resources) and all(
        is_arn(r) and r.split(":", 5)[2] == "iam" and r.split(":", 5)[5] == "user/${aws:username}" for r in resources or []
    )


# --- trust --------------------------------------------------------------------------------


@document_rule(
    "TRUST_PRINCIPAL_WILDCARD", ERROR, 'a trust policy that trusts Principal "*" without an aws:PrincipalArn condition'
)
def trust_principal_wildcard(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    if doc.is_identity:
        return
    for i, statement in doc.statements():
        if _allows(statement) and "*" in _aws_principals(statement) and not _is_narrowed_by_principal_arn(statement):
            yield (
                doc.at(i),
                'Principal "*" lets every AWS account assume the role; trust the exact user ARNs (trustedUsers), '
                "or narrow it with an ArnEquals aws:PrincipalArn condition",
            )


@document_rule(
    "TRUST_WHOLE_ACCOUNT",
    ERROR,
    "a trust policy that trusts a whole account (:root or a bare id) without an aws:PrincipalArn condition",
)
def trust_whole_account(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    if doc.is_identity:
        return
    for i, statement in doc.statements():
        if not _allows(statement) or _is_narrowed_by_principal_arn(statement) or _is_narrowed_by_principal_tag(statement):
            continue
        for principal in _aws_principals(statement):
            if isinstance(principal, str) and WHOLE_ACCOUNT_RE.match(principal):
                yield (
                    doc.at(i),
                    f"Principal {show(principal)} hands the decision to every administrator of that account; "
                    "trust the exact user ARNs, or add an ArnEquals aws:PrincipalArn condition naming them",
                )


@document_rule(
    "TRUST_ACCOUNT_WIDE",
    WARNING,
    "a trust policy trusting a whole account narrowed by a user path pattern or a tag (trust: path or trust: tag)",
)
def trust_account_wide(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    """The account-wide trust modes, shown to a reviewer: who is trusted can change in the
    source account without any change to this stack."""
    if doc.is_identity:
        return
    for i, statement in doc.statements():
        if is_permission_set_statement(statement):
            continue  # only AWS creates roles under aws-reserved/: no one can make a role match
        narrowing = _account_wide_narrowing(statement) if _allows(statement) else None
        if narrowing is None:
            continue
        for principal in _aws_principals(statement):
            if isinstance(principal, str) and WHOLE_ACCOUNT_RE.match(principal):
                who = (
                    "tag a user (iam:TagUser)"
                    if "PrincipalTag" in narrowing
                    else "create or move a user to a matching path (iam:CreateUser, iam:UpdateUser)"
                )
                yield (
                    doc.at(i),
                    f"Principal {show(principal)} narrowed by {narrowing}: anyone in that account who may {who} can "
                    "grant themselves this role; accepted for roles too many people need for exact user ARNs "
                    "(docs/settings.md: Trust modes). Use trust: users where the users fit, or waive TRUST_ACCOUNT_WIDE with the reason",
                )


def _requires_mfa(statement: Mapping[str, Any]) -> bool:
    return any(op == "bool" and key == MFA_KEY and values in (["true"], [True]) for op, key, values in _conditions(statement))


@document_rule("TRUST_WITHOUT_MFA", WARNING, "a trust statement that lets users assume the role without MFA")
def trust_without_mfa(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    """Not for a permission set's statement (`federation.is_permission_set_statement`): an IAM
    Identity Center session carries no aws:MultiFactorAuthPresent, since MFA is enforced when
    the person signs in to Identity Center; the condition would refuse everyone."""
    if doc.is_identity:
        return
    for i, statement in doc.statements():
        if is_permission_set_statement(statement):
            continue
        if _allows(statement) and _aws_principals(statement) and not _requires_mfa(statement):
            yield (
                doc.at(i),
                'no Bool aws:MultiFactorAuthPresent "true" condition: a leaked access key alone can assume the role; '
                "set requireMfa: true, or waive TRUST_WITHOUT_MFA with the reason (e.g. a machine user)",
            )


# --- permissions --------------------------------------------------------------------------


@document_rule("ALLOW_WITH_NOT", ERROR, "an Allow with NotPrincipal, NotAction or NotResource (it grants everything not listed)")
def allow_with_not(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    for i, statement in doc.statements():
        if _allows(statement):
            for element in ("NotPrincipal", "NotAction", "NotResource"):
                if element in statement:
                    yield (
                        doc.at(i),
                        f"Allow with {element} {show(statement[element])} grants everything not listed, including what AWS "
                        f"adds later; list what is allowed ({element.removeprefix('Not')}), or use a Deny",
                    )


@document_rule(
    "ACTION_WILDCARD", ERROR, 'an Allow of every action of a service, however written ("*", "ec2:*", "iam:?*", "iam:**")'
)
def action_wildcard(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    if not doc.is_identity:
        return
    for i, statement in doc.statements():
        if not _allows(statement):
            continue
        found: dict[str, str] = {}
        for action in _actions(statement):
            service = action.split(":")[0]
            if not has_wildcard(action):
                continue
            if _is_s3_pattern(action) and _only_named_buckets(statement):
                continue  # S3_WILDCARD_NAMED_BUCKETS, a warning
            if SERVICE_WILDCARD_RE.match(action) or action == "*:*" or covered_services(action):
                found[action] = (
                    "every service"
                    if action == "*" or not service.strip("*?")
                    else listed(list(covered_services(action)) or [service])
                )
        if found:
            shown = "; ".join(f"{show(action)} allows every action of {whom}" for action, whom in found.items())
            yield (
                doc.at(i),
                f"Action {shown}, including those added later; list the actions the role needs (e.g. s3:GetObject)",
            )


@document_rule(
    "PERMISSIONS_MANAGEMENT_WILDCARD",
    ERROR,
    'an Allow of an action pattern (`iam:*Role*`, `s3:Put*`) that covers "Permissions management" actions (per the catalogue)',
)
def permissions_management_wildcard(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    if not doc.is_identity:
        return
    for i, statement in doc.statements():
        if not _allows(statement):
            continue
        patterns = [p for p in _actions(statement) if has_wildcard(p)]
        if not patterns:
            continue
        named_buckets, own_user = _only_named_buckets(statement), _only_own_user(statement)
        covered = {
            pattern: [
                a.name
                for a in expand(pattern)
                if a.access_level == PERMISSIONS_MANAGEMENT and not (own_user and a.name in OWN_CREDENTIAL_ACTIONS)
            ]
            for pattern in patterns
            if not (named_buckets and _is_s3_pattern(pattern))
        }
        found = {pattern: names for pattern, names in covered.items() if names}
        if found:
            shown = "; ".join(f"{p} covers {listed(names, 3)}" for p, names in found.items())
            yield (
                doc.at(i),
                f"{shown}: actions that change who may do what (policies, trust, grants), which the {CATALOGUE} "
                "files under Permissions management, granted by a wildcard that also takes those AWS adds later; "
                "list the exact actions the role needs",
            )


S3_OPENERS = (
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutObjectAcl",
    "s3:PutBucketPublicAccessBlock",
)
"""What a wildcard of S3 actions on a named bucket can do beyond reading and writing its data: give
other accounts, or everyone, access to that bucket, or remove the Denies of its bucket policy."""


@document_rule(
    "S3_WILDCARD_NAMED_BUCKETS",
    WARNING,
    "an Allow of every S3 action, or an S3 pattern covering permissions management (`s3:*`, `s3:Put*`), on named buckets "
    "and their objects only",
)
def s3_wildcard_named_buckets(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    """Not an error (issue 29): every action it grants acts on those buckets and their objects only; a
    bucket policy or ACL grants nothing beyond its own bucket, so the holder gains no power over
    anything else. What it can do is share that bucket's data or lift the bucket policy's Denies."""
    if not doc.is_identity:
        return
    for i, statement in doc.statements():
        if not _allows(statement):
            continue
        patterns = [p for p in _actions(statement) if has_wildcard(p) and _is_s3_pattern(p)]
        buckets = _only_named_buckets(statement) if patterns else []
        if not buckets:
            continue
        patterns = [
            p for p in patterns if covered_services(p) or any(a.access_level == PERMISSIONS_MANAGEMENT for a in expand(p))
        ]
        if not patterns:
            continue
        reach = sorted(
            {
                name
                for name in S3_OPENERS
                if any(matches(p, name) for p in patterns) and any(acts_on(name, r) for r in strings(statement, "Resource") or [])
            }
        )
        policy = any(name.endswith(("BucketPolicy", "PublicAccessBlock")) for name in reach)
        opens = (
            f"; among them {listed(reach)}, with which the holder can "
            + (
                "open the bucket to other accounts or to everyone, or lift its bucket policy's Denies"
                if policy
                else "share those objects with other accounts or with everyone"
            )
            if reach
            else ""
        )
        yield (
            doc.at(i),
            f"{listed([show(p) for p in patterns])} on {listed([show(r) for r in strings(statement, 'Resource') or []])} "
            f"(the bucket{'s' * (len(buckets) > 1)} {listed([show(b) for b in buckets])} alone) grants every S3 action "
            f"there, those AWS adds later included{opens}. It gives no power over anything else: list the actions the role needs (s3:GetObject, s3:PutObject)",
        )


READ_LEVELS = frozenset({"Read", "List"})
REGION_KEYS = frozenset({"aws:requestedregion"})


def _narrows(condition_key: str, catalogue_keys: frozenset[str]) -> bool:
    """Whether a statement's condition key is one the catalogue lists for the action (its
    resources' tags, `ec2:Vpc`, `ec2:CreateAction`...), a `${TagKey}` in the catalogue's standing
    for any tag; a region key narrows where, not which resources."""
    if condition_key in REGION_KEYS or condition_key.endswith(":region"):
        return False
    return any(condition_key == k or ("${" in k and condition_key.startswith(k.split("${", 1)[0])) for k in catalogue_keys)


def _requires_the_key(operator: str, values: list[Any]) -> bool:
    """Whether a condition holds only for requests that carry the key with a value it names: not
    an `...IfExists` operator (true without the key), a negated one (`StringNotEquals`: true for
    every other value, and without the key), `ForAllValues:` (true without the key) or `Null`
    with `"true"` (true where the key is absent: every resource without that tag)."""
    if operator.startswith("forallvalues:") or not values:
        return False
    base = operator.rsplit(":", 1)[-1]
    if base.endswith("ifexists") or "not" in base:
        return False
    if base == "null":
        return all(str(v).lower() == "false" for v in values)
    return True


TAGS_WRITTEN = ("aws:requesttag/", "aws:tagkeys")
"""Keys about the tags a request writes: they narrow which resources a creation makes, not which
existing resources a tagging action (`iam:TagRole`) reaches."""


def _scoped_by_condition(statement: Mapping[str, Any], found: Action) -> bool:
    """Whether the statement grants the action only on resources a condition names: a key the
    catalogue lists for it, under an operator that requires the key (`_requires_the_key`)."""
    conditions = list(_conditions(statement))
    if not conditions:
        return False
    keys = resource_condition_keys(found.name)
    return any(
        _narrows(key, keys)
        and _requires_the_key(op, values)
        and not (found.access_level == "Tagging" and key.startswith(TAGS_WRITTEN))
        for op, key, values in conditions
    )


def _scopable_on_every(statement: Mapping[str, Any]) -> tuple[list[str], dict[str, Action], dict[str, Action]]:
    """The statement's every-resource values (`"*"`, `arn:aws:s3:::*`), and the actions it grants
    on them that could have been scoped, each pattern expanded and each action judged on its
    own: writes, tagging and permissions management are errors (`RESOURCE_STAR`), reads and
    lists warnings (`RESOURCE_STAR_SCOPABLE`). An action with no resource type (only `"*"` is
    accepted) is neither, nor one the statement narrows by a condition key the catalogue lists for
    it (`aws:ResourceTag/...`, `ec2:CreateAction`). An action whose resource types are all
    optional (`s3:GetObject`: an object or an access point's object) is scopable all the same:
    the catalogue marks alternatives optional, and every request names one of them."""
    every = [r for r in strings(statement, "Resource") or [] if is_every_resource(r)]
    errors: dict[str, Action] = {}
    warnings: dict[str, Action] = {}
    if not _allows(statement) or not every:
        return every, errors, warnings
    for pattern in _actions(statement):
        for found in expand(pattern):
            if not found.scopable or not any(acts_on(found.name, r) for r in every):
                continue
            if _scoped_by_condition(statement, found):
                continue
            (warnings if found.access_level in READ_LEVELS else errors).setdefault(found.name, found)
    return every, errors, warnings


@lru_cache(maxsize=64)
def _on_every_resource(
    doc: PolicyDocument,
) -> tuple[tuple[int, list[str], dict[str, Action], dict[str, Action]], ...]:
    """`_scopable_on_every` of each statement, worked out once for both rules that report it: a
    statement of `"*"` on `"*"` judges every action of every service (0.46 s of CPU on first use,
    the catalogue parsed included; 0.41 s before RESOURCE_STAR judged each action; measured)."""
    return tuple((i, *_scopable_on_every(statement)) for i, statement in doc.statements())


def _could_be(actions: dict[str, Action]) -> str:
    """Each action with the resource types (ARN formats) it could have been scoped to."""
    shown = []
    for name, found in list(actions.items())[:SHOWN]:
        types = [t for t, _ in found.resources if t in found.required] or [t for t, _ in found.resources]
        formats = "; ".join(f"{t} {arn_format(name, t)}" for t in types[:2])
        more = f" and {len(types) - 2} more types" if len(types) > 2 else ""
        shown.append(f"{name} ({formats}{more})")
    rest = len(actions) - SHOWN
    return ", ".join(shown) + (f" and {rest} more" if rest > 0 else "")


@document_rule(
    "RESOURCE_STAR",
    ERROR,
    'an Allow on Resource "*" (or an ARN naming every resource, `arn:aws:s3:::*`) of writes, tagging or permissions '
    "management that can be limited to specific resources (per the catalogue), with no condition narrowing them",
)
def resource_star(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    if not doc.is_identity:
        return
    for i, every, errors, _ in _on_every_resource(doc):
        if errors:
            yield (
                doc.at(i),
                f"Resource {listed([show(r) for r in every])} for {_could_be(errors)}, which the {CATALOGUE} says "
                "can be limited to those resource types; list the ARNs they need, or narrow them by a condition on the resources' "
                'tags (aws:ResourceTag/...) (actions that only work on "*", such as ec2:DescribeInstances, may stay), '
                "or waive RESOURCE_STAR with the reason",
            )


@document_rule(
    "RESOURCE_STAR_SCOPABLE",
    WARNING,
    'an Allow on Resource "*" of reads and lists that can be limited to specific resources (per the catalogue)',
)
def resource_star_scopable(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    if not doc.is_identity:
        return
    for i, every, _, warnings in _on_every_resource(doc):
        if warnings:
            yield (
                doc.at(i),
                f"Resource {listed([show(r) for r in every])} for {_could_be(warnings)}: the {CATALOGUE} says they can "
                "be limited to those resource types; list the ARNs where you know them",
            )


def _broadly(statement: Mapping[str, Any], action_name: str) -> list[str]:
    """The statement's wildcard resources (`is_broad`) on which it grants `action_name`: the
    NotResource element itself when it has one (it grants everything not listed)."""
    if "NotResource" in statement:
        return [f"NotResource {show(statement['NotResource'])}"]
    return [r for r in strings(statement, "Resource") or [] if is_broad(r) and acts_on(action_name, r)]


PASSED_TO_SERVICE_KEY = "iam:passedtoservice"
_NAMED_ROLES = re.compile(r"role/[^*?$]")
"""A role ARN's resource part that starts with a written-out name or path (`role/app-*`,
`role/service-role/*`), not a wildcard or a policy variable (`role/*`, `role/?*`, `role/${...}`)."""


def _one_service(statement: Mapping[str, Any]) -> str | None:
    """The one service an `iam:PassedToService` condition pins: `StringEquals` (which requires the
    key, case-sensitive) with one exact value. The Like, IfExists, negated and set forms are not
    read (they may allow any service, or a request without the key)."""
    for op, key, values in _conditions(statement):
        if key == PASSED_TO_SERVICE_KEY and op == "stringequals" and len(values) == 1:
            value = values[0]
            if isinstance(value, str) and value and not has_wildcard(value) and "${" not in value:
                return value
    return None


def _names_roles(resource: str) -> bool:
    """Whether a role ARN's name starts with written-out characters (`_NAMED_ROLES`)."""
    return is_arn(resource) and _NAMED_ROLES.match(resource.split(":", 5)[5]) is not None


@document_rule(
    "PASSROLE_STAR",
    ERROR,
    'an Allow of iam:PassRole on "*" or on any role ARN with a wildcard (`role/*`, `role/app-*`), unless a Deny leaves '
    "only named roles, or an iam:PassedToService condition pins one service and each ARN starts with a written-out name",
)
def passrole_star(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    if not doc.is_identity:
        return
    for i, statement in doc.statements():
        matching = [a for a in _actions(statement) if matches(a, "iam:PassRole")]
        resources = _broadly(statement, "iam:PassRole") if _allows(statement) and matching else []
        if resources:
            # a Deny without conditions that covers the pattern, or whose NotResource leaves only roles named
            # one by one (issue 29): what the Allow still grants is those named roles
            denies = unconditional_denies(list(doc.statements()))
            resources = [r for r in resources if r.startswith("NotResource ") or not is_denied(denies, "iam:PassRole", r)]
        service = _one_service(statement)
        if service is not None:
            # AWS checks iam:PassedToService on each pass (IAM User Guide, reference_policies_iam-condition-keys.html
            # #ck_PassedToService): only roles named as the pattern reads, only to that service
            resources = [r for r in resources if not _names_roles(r)]
        if resources and service is not None:
            yield (
                doc.at(i),
                f"{listed(matching)} on {listed(resources)} lets the holder hand any role, an administrator's included, to "
                f"{show(service)} (its iam:PassedToService condition), which then acts with it; list the exact role ARNs "
                "it may pass, or a pattern that starts with their name or path (role/app-*)",
            )
        elif resources:
            yield (
                doc.at(i),
                f"{listed(matching)} on {listed(resources)} lets the holder hand any role it matches, an administrator's "
                "included, to a service; list the exact role ARNs it may pass (and an iam:PassedToService condition)",
            )


@document_rule(
    "ROLE_CHAINING",
    ERROR,
    'an Allow of sts:AssumeRole on "*" or on a role ARN with a wildcard account or name (`arn:aws:iam::*:role/*`)',
)
def role_chaining(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    if not doc.is_identity:
        return
    for i, statement in doc.statements():
        matching = [a for a in _actions(statement) if matches(a, "sts:AssumeRole")]
        resources = _broadly(statement, "sts:AssumeRole") if _allows(statement) and matching else []
        if resources:
            yield (
                doc.at(i),
                f"{listed(matching)} on {listed(resources)} lets the role chain into every role it matches, in any account "
                "that trusts it, and act with that role's permissions; list the exact role ARNs it may assume",
            )


@document_rule(
    "MFA_DENY_BOOL_FALSE", ERROR, "a Deny on Bool aws:MultiFactorAuthPresent false (requests without the key slip through)"
)
def mfa_deny_bool_false(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    for i, statement in doc.statements():
        if statement.get("Effect") != "Deny":
            continue
        for op, key, values in _conditions(statement):
            if op == "bool" and key == MFA_KEY and ("false" in values or False in values):
                yield (
                    doc.at(i),
                    'Deny with Bool aws:MultiFactorAuthPresent "false" never matches a request made with long-term keys '
                    '(the key is absent, not false), so those get through; use BoolIfExists with "false", '
                    'or require MFA on the Allow with Bool "true"',
                )
