"""AWS's own limits and formats: what IAM rejects, checked before any resource exists.

Each rule is one function; each yields (location, message) with the value found and the
fix. The numbers and patterns are IAM's (../shared/IAM-FACTS.md); those the stack settings
are `crossaccount.iam`'s, which the settings and the plan read too, so each limit is written once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from crossaccount.iam import (
    ACCOUNT_ID_RE,
    ENTITY_PATH_RE,
    GROUP_NAME_RE,
    IAM_NAME_RE,
    INLINE_TOTAL_SIZE,
    MANAGED_POLICY_SIZE,
    MAX_ATTACHED_POLICIES,
    MAX_ATTACHED_POLICIES_RAISED,
    MAX_DESCRIPTION,
    MAX_PATH,
    MAX_SESSION,
    MAX_TAGS,
    MIN_SESSION,
    POLICY_ARN_RE,
    POLICY_NAME_RE,
    POLICY_PATH_RE,
    SID_RE,
    TAG_KEY_MAX,
    TAG_VALUE_MAX,
    TRUST_POLICY_MAX_SIZE,
    TRUST_POLICY_SIZE,
    non_whitespace_length,
)
from crossaccount.iam import POLICY_VERSION as VERSION
from crossaccount.settings.parse import WHOLE_NUMBERS

from .model import ERROR, Entity, PolicyDocument, Unwaivable, as_list, document_rule, entity_rule, show

DESCRIPTION_CHARS_RE = re.compile(r"^[\t\n\r\x20-\x7E\xA1-\xFF]*\Z")

POLICY_ELEMENTS = ("Version", "Id", "Statement")
STATEMENT_ELEMENTS = ("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition")
PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")

_PART = r"(?:\$\{[^}]*\}|[^:])*"  # a policy variable such as ${aws:PrincipalAccount} may hold a colon
ARN_RE = re.compile(
    rf"^arn:(?P<partition>[^:]*):(?P<service>[^:]*):(?P<region>{_PART}):(?P<account>{_PART}):(?P<resource>.+)\Z", re.DOTALL
)
PARTITION_RE = re.compile(r"^(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|[a-z*?-]*[*?][a-z*?-]*)\Z", re.ASCII)
SERVICE_RE = re.compile(r"^[a-z0-9*?-]+\Z", re.ASCII)
REGION_PART_RE = re.compile(r"^([a-z0-9*?-]*|\$\{[^}]*\})\Z", re.ASCII)
ACCOUNT_PART_RE = re.compile(r"^(|\d{12}|aws|[\d*?]*[*?][\d*?]*|\$\{[^}]*\})\Z", re.ASCII)
PRINCIPAL_ARN_RE = re.compile(
    r"^arn:(aws|aws-cn|aws-us-gov):(iam::[^:]+:(root|user/.+|role/.+|federated-user/.+|assumed-role/.+)"
    r"|sts::[^:]+:(assumed-role/.+|federated-user/.+))\Z",
    re.ASCII | re.DOTALL,
)
UNIQUE_ID_RE = re.compile(r"^(AIDA|AROA|AIPA|ANPA|ANVA|ASIA|AKIA|AGPA)[A-Z0-9]{12,}\Z", re.ASCII)


REFUSED_CHARACTER_RE = re.compile(r"[^\t\n\r\x20-\xff]")


def allowed_character(ch: str) -> bool:
    """IAM accepts tab, LF, CR and U+0020 to U+00FF in a policy document."""
    return ch in "\t\n\r" or 0x20 <= ord(ch) <= 0xFF


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string in a JSON value (keys included), with where it sits."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield f"{path}.{k}" if path else str(k), str(k)
            yield from _strings(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, f"{path}[{i}]")


# --- documents ----------------------------------------------------------------------------


@document_rule(
    "POLICY_JSON", ERROR, "a document that is not a JSON policy: not JSON, no Statement, unknown elements", waivable=False
)
def policy_json(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    error = doc.parse_error
    if error is not None:
        yield (
            doc.at(),
            f"not valid JSON ({error.msg} at line {error.lineno}, column {error.colno}); expected a JSON policy document",
        )
        return
    data = doc.data
    if not isinstance(data, dict):
        yield doc.at(), f"got {show(data)}; expected a JSON object with Version and Statement"
        return
    for element in data:
        if element not in POLICY_ELEMENTS:
            yield doc.at(), f"unknown element {show(element)}; a policy has only Version, Id and Statement (remove it)"
    if "Statement" not in data:
        yield doc.at(), "no Statement; expected a list of statements"
        return
    statement = data["Statement"]
    if not isinstance(statement, list | dict):
        yield doc.at(), f"Statement is {show(statement)}; expected a list of statement objects"
        return
    if statement in ([], {}):
        yield doc.at(), "Statement is empty; expected at least one statement"
    for i, item in enumerate(as_list(statement)):
        if not isinstance(item, dict):
            yield doc.at(i), f"got {show(item)}; expected a statement object with Effect, Action and Resource"
            continue
        for element in item:
            if element not in STATEMENT_ELEMENTS:
                yield doc.at(i), f"unknown element {show(element)}; a statement has only {', '.join(STATEMENT_ELEMENTS)}"
        condition = item.get("Condition")
        if condition is not None and not (isinstance(condition, dict) and all(isinstance(v, dict) for v in condition.values())):
            yield doc.at(i), f"Condition is {show(condition)}; expected {{operator: {{key: value}}}}"


@document_rule(
    "POLICY_SIZE",
    ERROR,
    f"a customer managed policy over {MANAGED_POLICY_SIZE:,} characters (whitespace not counted)",
    waivable=False,
)
def policy_size(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    size = non_whitespace_length(doc.text)
    if doc.kind == "managed" and size > MANAGED_POLICY_SIZE:
        yield (
            doc.at(),
            f"{size:,} characters without whitespace; a managed policy holds at most {MANAGED_POLICY_SIZE:,}: "
            "split the statements into two files (each becomes its own policy) or merge statements with the same Effect and Resource",
        )


@document_rule("TRUST_POLICY_SIZE", ERROR, f"a trust policy over {TRUST_POLICY_SIZE:,} characters (the default quota)")
def trust_policy_size(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    size = non_whitespace_length(doc.text)
    if doc.kind == "trust" and size > TRUST_POLICY_MAX_SIZE:
        yield Unwaivable(
            doc.at(),
            f"{size:,} characters without whitespace; a trust policy holds at most {TRUST_POLICY_MAX_SIZE:,} even with "
            "the target account's AssumeRolePolicySizeQuota raised to its maximum, so no waiver can help: trust fewer "
            "users per role, or trust them by IAM path (trust: path) or by tag (trust: tag) (docs/settings.md: Trust modes)",
        )
    elif doc.kind == "trust" and size > TRUST_POLICY_SIZE:
        yield (
            doc.at(),
            f"{size:,} characters without whitespace; a trust policy holds at most {TRUST_POLICY_SIZE:,} by default: "
            "trust fewer users per role, or trust them by IAM path (trust: path) or by tag (trust: tag) (docs/settings.md: Trust modes), "
            "or, if the target account's AssumeRolePolicySizeQuota was raised, "
            "waive TRUST_POLICY_SIZE for the role with the quota as the reason",
        )


@document_rule("POLICY_CHARACTERS", ERROR, "characters IAM refuses (outside tab, LF, CR and U+0020-U+00FF)", waivable=False)
def policy_characters(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    def bad(text: str) -> str:
        found = sorted({ch for ch in text if not allowed_character(ch)})
        return ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in found)

    fix = "IAM accepts tab, LF, CR and U+0020-U+00FF only: replace typographic quotes, dashes and emoji with plain ASCII"
    if "\\" not in doc.text and not REFUSED_CHARACTER_RE.search(doc.text):
        return  # nothing refused in the text, and no escape (\u..., \b, \f) that could decode to one
    if doc.parse_error is not None:
        if bad(doc.text):
            yield doc.at(), f"contains {bad(doc.text)}; {fix}"
        return
    data = doc.data
    indexed = dict(doc.statements())
    for i, statement in sorted(indexed.items()):
        for path, text in _strings(statement, ""):
            if bad(text):
                yield doc.at(i), f"{path} {show(text, 60)} contains {bad(text)}; {fix}"
    if isinstance(data, dict):
        outside = {k: v for k, v in data.items() if k != "Statement"}
        for path, text in _strings(outside, ""):
            if bad(text):
                yield doc.at(), f"{path} {show(text, 60)} contains {bad(text)}; {fix}"


@document_rule("POLICY_VERSION", ERROR, f'Version missing or not "{VERSION}" (policy variables would be literal text)')
def policy_version(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    data = doc.data
    if not isinstance(data, dict):
        return
    if "Version" not in data:
        yield doc.at(), f'no Version; without it IAM reads policy variables as literal text: add "Version": "{VERSION}"'
    elif data["Version"] != VERSION:
        yield doc.at(), f'Version is {show(data["Version"])}; expected "{VERSION}" (the only version with policy variables)'


@document_rule("SID_FORMAT", ERROR, "a Sid with characters other than ASCII letters and digits", waivable=False)
def sid_format(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    for i, statement in doc.statements():
        if "Sid" in statement:
            sid = statement["Sid"]
            if not isinstance(sid, str) or not SID_RE.match(sid):
                yield doc.at(i), f"Sid {show(sid)}; expected ASCII letters and digits only, e.g. {_sid_suggestion(sid)}"


def _sid_suggestion(sid: Any) -> str:
    text = "".join(ch for ch in str(sid).title() if ch.isascii() and ch.isalnum())
    return show(text or "AllowListBuckets")


@document_rule("SID_DUPLICATE", ERROR, "two statements with the same Sid", waivable=False)
def sid_duplicate(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    first: dict[str, int] = {}
    for i, statement in doc.statements():
        sid = statement.get("Sid")
        if isinstance(sid, str) and sid:
            if sid in first:
                yield doc.at(i), f"Sid {show(sid)} is also the Sid of Statement[{first[sid]}]; give each statement its own Sid"
            else:
                first[sid] = i


@document_rule("STATEMENT_EFFECT", ERROR, 'a statement whose Effect is missing or not "Allow"/"Deny"', waivable=False)
def statement_effect(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    for i, statement in doc.statements():
        if "Effect" not in statement:
            yield doc.at(i), 'no Effect; expected "Effect": "Allow" or "Deny"'
        elif statement["Effect"] not in ("Allow", "Deny"):
            yield doc.at(i), f'Effect is {show(statement["Effect"])}; expected "Allow" or "Deny" (case matters)'


def _string_list_problem(statement: Mapping[str, Any], element: str) -> str | None:
    values = statement[element]
    items = as_list(values)
    if not items or not all(isinstance(v, str) and v for v in items):
        return f"{element} is {show(values)}; expected a non-empty string or a list of non-empty strings"
    return None


@document_rule("STATEMENT_ACTION", ERROR, "a statement without Action or NotAction (or with both)", waivable=False)
def statement_action(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    for i, statement in doc.statements():
        present = [e for e in ("Action", "NotAction") if e in statement]
        if not present:
            yield doc.at(i), 'neither Action nor NotAction; expected "Action": ["service:Operation", ...]'
        elif len(present) == 2:
            yield doc.at(i), "both Action and NotAction; expected one of them (Action)"
        else:
            problem = _string_list_problem(statement, present[0])
            if problem:
                yield doc.at(i), problem


@document_rule(
    "STATEMENT_RESOURCE", ERROR, "a permission statement without Resource or NotResource (or with both)", waivable=False
)
def statement_resource(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    if not doc.is_identity:
        return
    for i, statement in doc.statements():
        present = [e for e in ("Resource", "NotResource") if e in statement]
        if not present:
            yield doc.at(i), 'neither Resource nor NotResource; expected "Resource": ["arn:...", ...]'
        elif len(present) == 2:
            yield doc.at(i), "both Resource and NotResource; expected one of them (Resource)"
        else:
            problem = _string_list_problem(statement, present[0])
            if problem:
                yield doc.at(i), problem


@document_rule("TRUST_PRINCIPAL", ERROR, "a trust statement without a well-formed Principal", waivable=False)
def trust_principal(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    if doc.is_identity:
        return
    for i, statement in doc.statements():
        element = "Principal" if "Principal" in statement else "NotPrincipal" if "NotPrincipal" in statement else None
        if element is None:
            yield doc.at(i), 'no Principal; a trust policy says who may assume the role: "Principal": {"AWS": "<user ARN>"}'
            continue
        principal = statement[element]
        if principal == "*":
            continue
        if not isinstance(principal, dict) or not principal:
            yield doc.at(i), f'{element} is {show(principal)}; expected "*" or {{"AWS": [...]}} (or Service, Federated)'
            continue
        for kind, values in principal.items():
            if kind not in PRINCIPAL_TYPES:
                yield doc.at(i), f"{element} type {show(kind)} is unknown; expected one of {', '.join(PRINCIPAL_TYPES)}"
            elif not as_list(values) or not all(_is_principal_value(kind, v) for v in as_list(values)):
                yield doc.at(i), f"{element}.{kind} is {show(values)}; expected a string or a list of strings"


def _is_principal_value(kind: str, value: Any) -> bool:
    """A non-empty string; an account id written as a number is ACCOUNT_ID_FORMAT's to report."""
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return (isinstance(value, str) and bool(value)) or (kind == "AWS" and is_number)


@document_rule("TRUST_RESOURCE", ERROR, "a trust statement with Resource or NotResource", waivable=False)
def trust_resource(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    if doc.is_identity:
        return
    for i, statement in doc.statements():
        for element in ("Resource", "NotResource"):
            if element in statement:
                yield (
                    doc.at(i),
                    f"{element} {show(statement[element])} in a trust policy; the trust policy's resource is the role itself: remove it",
                )


@document_rule("IDENTITY_PRINCIPAL", ERROR, "a permission statement with Principal or NotPrincipal", waivable=False)
def identity_principal(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    if not doc.is_identity:
        return
    for i, statement in doc.statements():
        for element in ("Principal", "NotPrincipal"):
            if element in statement:
                yield (
                    doc.at(i),
                    f"{element} {show(statement[element])} in a permission policy; the policy applies to the role or user "
                    "it is attached to: remove it (who may assume a role goes in trustedUsers)",
                )


def _resource_values(statement: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for element in ("Resource", "NotResource"):
        for value in as_list(statement.get(element, [])):
            if isinstance(value, str) and value != "*":
                yield element, value


def _principal_values(statement: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    for element in ("Principal", "NotPrincipal"):
        principal = statement.get(element)
        if isinstance(principal, dict):
            for value in as_list(principal.get("AWS", [])):
                yield f"{element}.AWS", value


@document_rule(
    "ARN_FORMAT", ERROR, "a malformed ARN in Resource or Principal (or a unique id where an ARN belongs)", waivable=False
)
def arn_format(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    for i, statement in doc.statements():
        for element, value in _resource_values(statement):
            problem = _resource_arn_problem(value)
            if problem:
                yield doc.at(i), f"{element} {show(value)} {problem}"
        for element, value in _principal_values(statement):
            if not isinstance(value, str) or value == "*" or value.isdigit():
                continue  # "*" is TRUST_PRINCIPAL_WILDCARD's; account ids are ACCOUNT_ID_FORMAT's
            if UNIQUE_ID_RE.match(value):
                yield (
                    doc.at(i),
                    f"{element} {show(value)} is a unique id, which IAM shows when the trusted user or role was deleted; "
                    "write its ARN (arn:aws:iam::<account>:user/<name>)",
                )
            elif "*" in value or "?" in value:
                yield (
                    doc.at(i),
                    f"{element} {show(value)} has a wildcard, which IAM refuses in a Principal; "
                    'trust the exact ARNs, or "*" narrowed by an ArnLike aws:PrincipalArn condition',
                )
            elif not PRINCIPAL_ARN_RE.match(value):
                yield (
                    doc.at(i),
                    f"{element} {show(value)} is not an IAM principal; expected a 12-digit account id or "
                    "arn:aws:iam::<account>:root, :user/<name> or :role/<name>",
                )


def _resource_arn_problem(value: str) -> str | None:
    match = ARN_RE.match(value)
    if match is None:
        return 'is not an ARN; expected "*" or arn:<partition>:<service>:<region>:<account>:<resource>'
    if not PARTITION_RE.match(match["partition"]):
        return f"has partition {show(match['partition'])}; expected aws, aws-cn or aws-us-gov"
    if not SERVICE_RE.match(match["service"]):
        return f"has service {show(match['service'])}; expected a service prefix such as s3 or iam"
    if not REGION_PART_RE.match(match["region"]):
        return f"has region {show(match['region'])}; expected a region such as eu-north-1, or nothing for global services"
    return None


@document_rule(
    "ACCOUNT_ID_FORMAT", ERROR, "an account id that is not exactly 12 digits (in a Principal or an ARN)", waivable=False
)
def account_id_format(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    fix = 'expected exactly 12 digits as a string (an account id may start with 0), e.g. "111122223333"'
    for i, statement in doc.statements():
        for element, value in _principal_values(statement):
            if isinstance(value, int | float) and not isinstance(value, bool):
                yield doc.at(i), f"{element} {show(value)} is a number; {fix}"
            elif isinstance(value, str) and value.isdigit() and not ACCOUNT_ID_RE.match(value):
                yield doc.at(i), f"{element} {show(value)} has {len(value)} digits; {fix}"
            elif (
                isinstance(value, str)
                and (match := ARN_RE.match(value))
                and match["account"]
                and "*" not in value
                and not ACCOUNT_ID_RE.match(match["account"])
            ):
                yield doc.at(i), f"{element} {show(value)} names account {show(match['account'])}; {fix}"
        for element, value in _resource_values(statement):
            match = ARN_RE.match(value)
            if match and not ACCOUNT_PART_RE.match(match["account"]):
                yield doc.at(i), f"{element} {show(value)} names account {show(match['account'])}; {fix}"


# --- entities -----------------------------------------------------------------------------


@entity_rule("NAME_FORMAT", ERROR, "a user, role, group or policy name IAM refuses (characters, length)", waivable=False)
def name_format(entity: Entity) -> Iterator[tuple[str, str]]:
    if entity.name is None or entity.kind == "attachment":
        return
    if entity.kind == "policy":
        if not POLICY_NAME_RE.match(entity.name):
            yield (
                entity.name_at,
                f"policy name {show(entity.name)} ({len(entity.name)} characters) is not valid; expected 1 to 128 characters of "
                "letters, digits and +=,.@_- (a role's policy is named <role>-<file name without .json>: shorten the file name)",
            )
    elif entity.kind == "group":  # CreateGroup takes up to 128 characters
        if not GROUP_NAME_RE.match(entity.name):
            yield (
                entity.name_at,
                f"group name {show(entity.name)} ({len(entity.name)} characters) is not valid; "
                "expected 1 to 128 characters of letters, digits and +=,.@_-",
            )
    elif not IAM_NAME_RE.match(entity.name):
        yield (
            entity.name_at,
            f"{entity.kind} name {show(entity.name)} ({len(entity.name)} characters) is not valid; "
            "expected 1 to 64 characters of letters, digits and +=,.@_-",
        )


@entity_rule("PATH_FORMAT", ERROR, "an IAM path IAM refuses (shape, characters, over 512 characters)", waivable=False)
def path_format(entity: Entity) -> Iterator[tuple[str, str]]:
    if entity.path is None or entity.kind == "attachment":
        return
    if entity.kind == "policy":
        if not (POLICY_PATH_RE.match(entity.path) and len(entity.path) <= MAX_PATH):
            yield (
                entity.at("path"),
                f"got {show(entity.path)}; expected / or /<letters, digits and .,+@=_->/ (at most 512 characters)",
            )
    elif not ENTITY_PATH_RE.match(entity.path):
        yield entity.at("path"), f"got {show(entity.path)}; expected / or /<printable ASCII>/ (at most 512 characters)"


@entity_rule(
    "TAGS_LIMITS",
    ERROR,
    "tags over IAM's limits: more than 50, key or value too long, aws: prefix, keys equal but for case",
    waivable=False,
)
def tags_limits(entity: Entity) -> Iterator[tuple[str, str]]:
    if entity.tags is None:
        return
    where = entity.at("tags")
    if len(entity.tags) > MAX_TAGS:
        yield where, f"{len(entity.tags)} tags; IAM takes at most {MAX_TAGS}: drop or merge some"
    seen: dict[str, str] = {}
    for k, v in entity.tags.items():
        if not 1 <= len(k) <= TAG_KEY_MAX:
            yield where, f"tag key {show(k)} has {len(k)} characters; expected 1 to {TAG_KEY_MAX}"
        if k.lower().startswith("aws:"):
            yield where, f"tag key {show(k)} uses the reserved prefix aws:; choose another key"
        if len(v) > TAG_VALUE_MAX:
            yield where, f"tag {show(k)} has a value of {len(v)} characters; expected at most {TAG_VALUE_MAX}"
        other = seen.setdefault(k.lower(), k)
        if other != k and entity.kind in ("user", "role"):
            yield (
                where,
                f"tag keys {show(other)} and {show(k)} differ only in case; IAM treats them as one key on a {entity.kind}",
            )


@entity_rule(
    "DESCRIPTION_FORMAT",
    ERROR,
    "a role or policy description over 1,000 characters or with characters IAM refuses",
    waivable=False,
)
def description_format(entity: Entity) -> Iterator[tuple[str, str]]:
    text = entity.description
    if text is None:
        return
    if len(text) > MAX_DESCRIPTION:
        yield entity.at("description"), f"{len(text):,} characters; expected at most {MAX_DESCRIPTION:,}"
    if not DESCRIPTION_CHARS_RE.match(text):
        found = sorted({ch for ch in text if not DESCRIPTION_CHARS_RE.match(ch)})
        listed = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in found)
        yield entity.at("description"), f"contains {listed}; IAM takes printable ASCII and U+00A1-U+00FF only"


@entity_rule(
    "MAX_SESSION_DURATION", ERROR, f"a role's MaxSessionDuration outside {MIN_SESSION:,}-{MAX_SESSION:,} seconds", waivable=False
)
def max_session_duration(entity: Entity) -> Iterator[tuple[str, str]]:
    value = entity.max_session_duration
    if value is None or entity.kind != "role":
        return
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if number is None or number != int(number) or not MIN_SESSION <= number <= MAX_SESSION:
        yield (
            entity.at("maxSessionDuration"),
            f"got {show(value)}; expected {WHOLE_NUMBERS['maxSessionDuration']}",
        )


@entity_rule(
    "MANAGED_POLICY_COUNT",
    ERROR,
    f"more than {MAX_ATTACHED_POLICIES} managed policies attached to one user, role or group",
    pack="stack",
)
def managed_policy_count(entity: Entity) -> Iterator[tuple[str, str]]:
    if entity.kind not in ("user", "role", "group"):
        return
    count = len(entity.managed_policy_arns) + entity.other_attached
    if count > MAX_ATTACHED_POLICIES_RAISED:
        yield Unwaivable(
            entity.name_at,
            f"{count} managed policies attached to {entity.kind} {show(entity.name)}; AWS attaches at most "
            f"{MAX_ATTACHED_POLICIES_RAISED} even with the quota raised to its maximum, so no waiver can help: merge policy files",
        )
    elif count > MAX_ATTACHED_POLICIES:
        yield (
            entity.name_at,
            f"{count} managed policies attached to {entity.kind} {show(entity.name)}; AWS attaches at most "
            f"{MAX_ATTACHED_POLICIES} by default: merge policy files, or waive MANAGED_POLICY_COUNT if the quota was raised",
        )


@entity_rule(
    "INLINE_POLICY_TOTAL_SIZE",
    ERROR,
    "inline policies of one user, role or group over their total size",
    pack="stack",
    waivable=False,
)
def inline_policy_total_size(entity: Entity) -> Iterator[tuple[str, str]]:
    limit = INLINE_TOTAL_SIZE.get(entity.kind)
    if limit is None or not entity.inline_policies:
        return
    total = sum(non_whitespace_length(doc.text) for doc in entity.inline_policies)
    if total > limit:
        yield (
            entity.name_at,
            f"inline policies of {entity.kind} {show(entity.name)} total {total:,} characters without whitespace; "
            f"a {entity.kind} holds at most {limit:,}: move statements into a managed policy (aws.iam.Policy plus an attachment)",
        )


@entity_rule(
    "POLICY_ARN_FORMAT", ERROR, "an attached managed policy or permissions boundary that is not a policy ARN", waivable=False
)
def policy_arn_format(entity: Entity) -> Iterator[tuple[str, str]]:
    named = list(entity.managed_policy_arns)
    if entity.permissions_boundary is not None:
        named.append((entity.at("permissionsBoundary"), entity.permissions_boundary))
    for where, arn in named:
        if not POLICY_ARN_RE.match(arn):
            yield where, f"got {show(arn)}; expected a policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess"
