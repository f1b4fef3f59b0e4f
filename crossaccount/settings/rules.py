"""Small checks that several keys share: names, paths, tags, lists of declared names, waivers.
Each appends problems naming the key it was given."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from typing import Any

from crossaccount.errors import key, show
from crossaccount.iam import (
    ENTITY_PATH_RE,
    IAM_NAME_RE,
    MAX_TAGS,
    MIN_SESSION_NAME,
    PATTERN_CHARACTERS,
    POLICY_ARN_RE,
    TAG_KEY_MAX,
    TAG_PUNCTUATION,
    TAG_VALUE_MAX,
)


def check_tags(
    tags: Mapping[str, str], path: tuple[str | int, ...], problems: list[str], inherited: Mapping[str, str] | None = None
) -> None:
    """Each tag's key and value; the count includes the stack-wide tags the entity inherits."""
    total = len({**(inherited or {}), **tags})
    if total > MAX_TAGS:
        with_inherited = " (with cross-account-roles:tags)" if inherited else ""
        problems.append(f"{key(path)}: {total} tags{with_inherited}; expected at most {MAX_TAGS}")
    for k, v in tags.items():
        if not 1 <= len(k) <= TAG_KEY_MAX:
            problems.append(f"{key(path)}: tag key {show(k)} has {len(k)} characters; expected 1 to {TAG_KEY_MAX}")
        if k.lower().startswith("aws:"):
            problems.append(f"{key(path)}: tag key {show(k)} uses the reserved prefix aws:; choose another key")
        if len(v) > TAG_VALUE_MAX:
            problems.append(f"{key(path)}.{k}: tag value has {len(v)} characters; expected at most {TAG_VALUE_MAX}")
        for what, text in (("key", k), ("value", v)):
            bad = bad_tag_characters(text)
            if bad:
                problems.append(
                    f"{key(path)}.{k}: tag {what} {show(text)} has characters IAM refuses ({bad}); "
                    "expected letters, digits, spaces and _.:/=+-@"
                )
    check_unique_ignoring_case(list({**(inherited or {}), **tags}), path, "tag key", problems)


def bad_tag_characters(text: str) -> str:
    """IAM's tag pattern `[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*`: letters, separators, numbers, six marks."""
    bad = sorted({ch for ch in text if ch not in TAG_PUNCTUATION and unicodedata.category(ch)[0] not in ("L", "Z", "N")})
    return ", ".join(f"U+{ord(ch):04X} {json.dumps(ch)}" for ch in bad)


def check_name(name: str, path: tuple[str | int, ...], what: str, problems: list[str]) -> None:
    if not IAM_NAME_RE.match(name):
        problems.append(
            f"{key(path)}: {what} name {show(name)} is not valid; expected 1 to 64 characters of letters, digits and +=,.@_-"
        )
    elif what == "user" and len(name) < MIN_SESSION_NAME:
        problems.append(
            f"{key(path)}: user name {show(name)} is shorter than {MIN_SESSION_NAME} characters; it is the role session "
            "name and source identity, which STS takes from 2 to 64 characters"
        )


def check_path(value: str, path: tuple[str | int, ...], problems: list[str]) -> None:
    if not ENTITY_PATH_RE.match(value):
        problems.append(f"{key(path)}: got {show(value)}; expected / or /<printable ASCII>/ (at most 512 characters)")
    found = [m for m in PATTERN_CHARACTERS if m in value]
    if found:
        problems.append(
            f"{key(path)}: got {show(value)}; {' and '.join(found)} in a path becomes a wildcard or a policy variable "
            "in the ARNs this stack writes into policies: expected a path without them"
        )


def check_declared(
    names: list[str],
    declared: Mapping[str, Any],
    path: tuple[str | int, ...],
    what: str,
    under: str,
    problems: list[str],
    where: str | None = None,
    not_created: Mapping[str, str] | None = None,
) -> None:
    """Each name in a list (trustedUsers, trustedGroups, a group's members) is declared under
    `under` (of `where`, the people's stacks, for a roles-only stack), and listed once.
    `not_created`: name -> the file that lists that user with `create: false` only."""
    declared_at = key((under,)) if where is None else f"{key((under,))} of {where}"
    for i, name in enumerate(names):
        if name not in declared and not_created and name in not_created:
            problems.append(
                f"{key((*path, i))}: {what} {show(name)} is listed with create: false in {not_created[name]}, so no stack "
                f"creates it, and a roles-only stack trusts the people a people's stack creates; expected {show(name)} "
                f"created (create: true, the default) under {declared_at}"
            )
        elif name not in declared:
            shown = sorted(declared)
            expected = ", ".join(shown[:20]) + (f" and {len(shown) - 20:,} more" if len(shown) > 20 else "")
            problems.append(
                f"{key((*path, i))}: {what} {show(name)} is not declared under {declared_at}; "
                f"expected one of {expected or '(none declared)'}"
            )
    if len(set(names)) != len(names):
        problems.append(f"{key(path)}: lists a {what} twice; expected each {what} once")


def check_unique_ignoring_case(names: list[str], path: tuple[str | int, ...], what: str, problems: list[str]) -> None:
    seen: dict[str, str] = {}
    for name in names:
        other = seen.setdefault(name.lower(), name)
        if other != name:
            problems.append(
                f"{key(path)}: {what} names {show(other)} and {show(name)} differ only in case; IAM treats them as one"
            )


INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
"""Control and format characters (U+200B zero-width space, U+2060 word joiner, U+FEFF, bidi
marks) and spaces: a text made only of them shows nothing to a reviewer."""


def visible(text: str) -> bool:
    """Whether `text` holds a character a reader sees (`str.strip` leaves zero-width ones)."""
    return any(unicodedata.category(ch) not in INVISIBLE_CATEGORIES for ch in text)


def check_waivers(waivers: Mapping[str, str], path: tuple[str | int, ...], problems: list[str]) -> None:
    """A waiver names a rule and says why; whether the rule exists is the guardrails' call (WAIVER_INVALID)."""
    for rule_id, reason in waivers.items():
        if not visible(rule_id):
            problems.append(f"{key(path)}: a waiver with an empty rule id; expected a rule id such as RESOURCE_STAR")
        if not visible(reason):
            hint = " (only invisible characters)" if reason.strip() else ""
            problems.append(
                f"{key((*path, rule_id))}: got {show(reason)}{hint}; expected the reason for waiving {rule_id} "
                "(it is shown in the plan)"
            )


def check_managed_arns(
    arns: list[str], path: tuple[str | int, ...], account: tuple[str, str] | None, whose: str, problems: list[str]
) -> None:
    """managedPolicyArns of a role or a group: policy ARNs, each once (IAM ignores case), of the
    partition of the account the entity lives in, and either AWS managed (`aws`) or a customer
    managed policy of that account. `account`: (partition, account id), None when unknown.

    AWS attaches only a policy of the entity's own account or an AWS managed one: a customer
    managed policy is "a standalone policy that you create ... in your AWS account"
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html),
    and AttachRolePolicy / AttachGroupPolicy with another account's ARN fails with NoSuchEntity
    ("Policy ... does not exist or is not attachable",
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachGroupPolicy.html), after
    every resource before it was created.
    """
    seen: dict[str, int] = {}
    for i, arn in enumerate(arns):
        at = key((*path, i))
        if not POLICY_ARN_RE.match(arn):
            problems.append(f"{at}: got {show(arn)}; expected a policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess")
            continue
        first = seen.setdefault(arn.lower(), i)
        if first != i:
            problems.append(f"{at}: {show(arn)} is also managedPolicyArns[{first}] (IAM ignores case); expected each policy once")
            continue
        if account is None:
            continue
        partition, account_id = account
        if arn.split(":")[1] != partition:
            problems.append(f"{at}: got {show(arn)}; expected an ARN of partition {partition} ({whose})")
        elif arn.split(":")[4] not in ("aws", account_id):
            problems.append(
                f"{at}: got {show(arn)}, a customer managed policy of account {arn.split(':')[4]}; AWS attaches only AWS managed "
                f"policies (arn:{partition}:iam::aws:policy/...) and policies of the entity's own account {account_id} ({whose}): "
                "expected one of those"
            )
