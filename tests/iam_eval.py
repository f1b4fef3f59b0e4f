"""A small reading of IAM's policy evaluation, for the self-service and MFA-route tests.

It does exactly what AWS's "policy evaluation logic" page says for the elements these
documents use, and refuses anything else, so a test cannot pass by silently ignoring a
condition: an explicit Deny wins, then an Allow, else the request is implicitly denied.
Action/NotAction and Resource match with `*` and `?` wildcards, case-insensitively for
actions; `${aws:username}` in a Resource or a condition value is the caller's name; the
condition operators are Bool, BoolIfExists, StringEquals, NumericLessThan and ArnLike (a
missing key fails a condition, except with ...IfExists). moto's evaluator does not do this (it
treats every operator but StringEquals as met), hence this helper.

`evaluate_trust` reads a role's trust policy the same way for one caller: a statement applies
when its `Principal.AWS` is the caller's ARN, or the caller's account's root (which hands the
decision to that account's identity policies). For a role in another account, AWS allows
AssumeRole only when the caller's identity policies and the trust policy both allow it (IAM
User Guide, cross-account policy evaluation logic:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

Decision = Literal["allow", "deny", "implicit deny"]
OPERATORS = ("Bool", "BoolIfExists", "StringEquals", "NumericLessThan", "ArnLike")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _wildcard(pattern: str, value: str, ignore_case: bool) -> bool:
    regex = fnmatch.translate(pattern.replace("[", "[[]"))
    return re.match(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def _substitute(text: str, context: Mapping[str, str]) -> str:
    return text.replace("${aws:username}", context["aws:username"])


def _condition_met(condition: Mapping[str, Mapping[str, Any]], context: Mapping[str, str]) -> bool:
    for operator, tests in condition.items():
        if operator not in OPERATORS:
            raise ValueError(f"iam_eval does not evaluate {operator}; teach it before relying on it")
        for key_name, expected in tests.items():
            wanted = [_substitute(str(v), context) for v in _list(expected)]
            if key_name not in context:
                if operator.endswith("IfExists"):
                    continue
                return False
            actual = context[key_name]
            if operator.startswith("Bool"):
                ok = actual.lower() in [w.lower() for w in wanted]
            elif operator == "StringEquals":
                ok = actual in wanted
            elif operator == "ArnLike":
                ok = any(_wildcard(w, actual, False) for w in wanted)
            else:
                ok = any(float(actual) < float(w) for w in wanted)
            if not ok:
                return False
    return True


def _applies(statement: Mapping[str, Any], action: str, resource: str, context: Mapping[str, str]) -> bool:
    if "Action" in statement:
        concerned = any(_wildcard(a, action, True) for a in _list(statement["Action"]))
    else:
        concerned = not any(_wildcard(a, action, True) for a in _list(statement["NotAction"]))
    if not concerned:
        return False
    if not any(_wildcard(_substitute(r, context), resource, False) for r in _list(statement["Resource"])):
        return False
    return _condition_met(statement.get("Condition", {}), context)


def evaluate(policies: Sequence[Mapping[str, Any]], action: str, resource: str, context: Mapping[str, str]) -> Decision:
    """The decision for one request made by the user `context["aws:username"]`."""
    allowed = False
    for policy in policies:
        for statement in _list(policy["Statement"]):
            unknown = set(statement) - {"Sid", "Effect", "Action", "NotAction", "Resource", "Condition"}
            if unknown:
                raise ValueError(f"iam_eval does not evaluate {sorted(unknown)}")
            if _applies(statement, action, resource, context):
                if statement["Effect"] == "Deny":
                    return "deny"
                allowed = True
    return "allow" if allowed else "implicit deny"


def _principal_matches(statement: Mapping[str, Any], caller_arn: str) -> bool:
    principals = statement.get("Principal", {})
    if set(principals) - {"AWS"}:
        raise ValueError(f"iam_eval does not evaluate principals {sorted(principals)}")
    account_root = ":".join(caller_arn.split(":")[:5]) + ":root"
    return any(p in (caller_arn, account_root) for p in _list(principals.get("AWS", [])))


def evaluate_trust(policy: Mapping[str, Any], action: str, caller_arn: str, context: Mapping[str, str]) -> Decision:
    """The trust policy's decision for `caller_arn` calling `action` on the role."""
    statements = []
    for statement in _list(policy["Statement"]):
        if _principal_matches(statement, caller_arn):
            statements.append({**{k: v for k, v in statement.items() if k != "Principal"}, "Resource": "*"})
    return evaluate([{"Statement": statements}], action, "*", context)
