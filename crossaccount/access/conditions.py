"""The Condition element and the policy language's strings: wildcards, policy variables and every
condition operator AWS documents, read as AWS's pages say.

- Operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
  (String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress/NotIpAddress, Arn*, Null, ...IfExists).
  A key missing from the request makes a condition false, except for the negated operators
  (StringNotEquals, ArnNotLike, NotIpAddress...), which are then true; ...IfExists is true on a
  missing key; Null tests presence only.
- Set operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
  ForAllValues: every value of the request's key matches (true on an empty set or a missing key);
  ForAnyValue: at least one does (false on an empty set or a missing key).
- Policy variables: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
  `${key}` (key names case-insensitive), `${key, 'default'}`, and `${*}`, `${?}`, `${$}` for the
  literal characters; only in a policy of Version 2012-10-17, only in Resource and the string and
  ARN operators. A variable whose key is missing (or has several values) and has no default
  matches nothing.
- Condition key names are case-insensitive (the condition keys reference: "Condition key names
  are not case-sensitive"); values are compared as each operator says.

Anything else raises `UnsupportedPolicy` naming the operator: a condition is never ignored.
Pure: no I/O.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from .types import UnsupportedPolicy

Context = Mapping[str, tuple[str, ...]]
"""The request's condition keys, names lowercased (see `normalise_context`)."""

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"^\s*([^,\s]+)\s*,\s*'((?:[^']|'')*)'\s*$")
_LITERALS = {"*": "*", "?": "?", "$": "$"}


def normalise_context(context: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """The context with its key names lowercased (IAM compares condition key names without case);
    a lone string is one value, never its characters."""
    return {name.lower(): (values,) if isinstance(values, str) else tuple(values) for name, values in context.items()}


def _variable_value(inner: str, context: Context) -> str | None:
    """What `${inner}` stands for: a literal character, the key's one value, its default, or None."""
    if inner in _LITERALS:
        return _LITERALS[inner]
    default: str | None = None
    name = inner.strip()
    found = _DEFAULT.match(inner)
    if found:
        name, default = found.group(1), found.group(2).replace("''", "'")
    values = context.get(name.lower())
    if values is not None and len(values) == 1:
        return values[0]
    return default


def compile_pattern(
    text: str, context: Context, variables: bool, wildcards: bool, ignore_case: bool = False
) -> re.Pattern[str] | None:
    """`text` as an anchored regular expression: `*` and `?` as wildcards when `wildcards`, policy
    variables substituted as literal text when `variables`; None when a variable has no value."""
    if not variables or "${" not in text:
        return _plain(text, wildcards, ignore_case)
    parts: list[str] = []
    position = 0
    for found in _VARIABLE.finditer(text):
        parts.append(_literal_or_wild(text[position : found.start()], wildcards))
        value = _variable_value(found.group(1), context)
        if value is None:
            return None
        parts.append(re.escape(value))
        position = found.end()
    parts.append(_literal_or_wild(text[position:], wildcards))
    return _compiled("".join(parts), ignore_case)


@lru_cache(maxsize=8192)
def _plain(text: str, wildcards: bool, ignore_case: bool) -> re.Pattern[str]:
    """A pattern without policy variables, compiled once (the same patterns recur in every request)."""
    return _compiled(_literal_or_wild(text, wildcards), ignore_case)


@lru_cache(maxsize=4096)
def _compiled(regex: str, ignore_case: bool) -> re.Pattern[str]:
    return re.compile(regex, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _literal_or_wild(text: str, wildcards: bool) -> str:
    if not wildcards:
        return re.escape(text)
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)


def substitute(text: str, context: Context, variables: bool) -> str | None:
    """`text` with its policy variables replaced (no wildcard meaning); None when one has no value."""
    if not variables:
        return text
    out: list[str] = []
    position = 0
    for found in _VARIABLE.finditer(text):
        value = _variable_value(found.group(1), context)
        if value is None:
            return None
        out += [text[position : found.start()], value]
        position = found.end()
    return "".join([*out, text[position:]])


def is_unresolved(text: str, context: Context, variables: bool) -> bool:
    """Whether `text` holds a policy variable with no value (its key missing, or multi-valued,
    and no default)."""
    return variables and any(_variable_value(found.group(1), context) is None for found in _VARIABLE.finditer(text))


def arn_matches(pattern: str, value: str, context: Context, variables: bool) -> bool:
    """ArnLike/ArnEquals and the Resource element: each of the six colon-separated parts matched on
    its own, case-sensitively, with `*` and `?`; the last part (the resource) may hold colons. A
    pattern that is not an ARN ("*", or anything without six parts) is matched whole."""
    pattern_parts = pattern.split(":", 5)
    if len(pattern_parts) < 6:
        compiled = compile_pattern(pattern, context, variables, wildcards=True)
        return compiled is not None and compiled.fullmatch(value) is not None
    value_parts = value.split(":", 5)
    if len(value_parts) < 6:
        return False
    for mine, theirs in zip(pattern_parts, value_parts, strict=True):
        compiled = compile_pattern(mine, context, variables, wildcards=True)
        if compiled is None or compiled.fullmatch(theirs) is None:
            return False
    return True


def _number(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return None if math.isnan(number) else number


def _date(text: str) -> float | None:
    """A date as AWS reads it: ISO 8601 (a time zone, or UTC without one) or epoch seconds."""
    number = _number(text)
    if number is not None:
        return number
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def _ip(value: str, wanted: str) -> bool:
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(wanted, strict=False)
    except ValueError:
        return False


def _compare(
    convert: Callable[[str], float | None], test: Callable[[float, float], bool]
) -> Callable[[str, str, Context, bool], bool]:
    def match(value: str, wanted: str, context: Context, variables: bool) -> bool:
        del context, variables  # numbers, dates: no policy variables (reference_policies_variables.html)
        left, right = convert(value), convert(wanted)
        return left is not None and right is not None and test(left, right)

    return match


def _string(ignore_case: bool, wildcards: bool) -> Callable[[str, str, Context, bool], bool]:
    def match(value: str, wanted: str, context: Context, variables: bool) -> bool:
        compiled = compile_pattern(wanted, context, variables, wildcards=wildcards, ignore_case=ignore_case)
        return compiled is not None and compiled.fullmatch(value) is not None

    return match


def _bool(value: str, wanted: str, context: Context, variables: bool) -> bool:
    del context, variables
    return value.lower() == wanted.lower()


def _binary(value: str, wanted: str, context: Context, variables: bool) -> bool:
    del context, variables
    return value == wanted


def _arn(value: str, wanted: str, context: Context, variables: bool) -> bool:
    return arn_matches(wanted, value, context, variables)


def _ip_match(value: str, wanted: str, context: Context, variables: bool) -> bool:
    del context, variables
    return _ip(value, wanted)


Matcher = Callable[[str, str, Context, bool], bool]

OPERATORS: dict[str, tuple[Matcher, bool]] = {
    # operator: (does one request value match one policy value, is the operator negated)
    "StringEquals": (_string(ignore_case=False, wildcards=False), False),
    "StringNotEquals": (_string(ignore_case=False, wildcards=False), True),
    "StringEqualsIgnoreCase": (_string(ignore_case=True, wildcards=False), False),
    "StringNotEqualsIgnoreCase": (_string(ignore_case=True, wildcards=False), True),
    "StringLike": (_string(ignore_case=False, wildcards=True), False),
    "StringNotLike": (_string(ignore_case=False, wildcards=True), True),
    "NumericEquals": (_compare(_number, lambda a, b: a == b), False),
    "NumericNotEquals": (_compare(_number, lambda a, b: a == b), True),
    "NumericLessThan": (_compare(_number, lambda a, b: a < b), False),
    "NumericLessThanEquals": (_compare(_number, lambda a, b: a <= b), False),
    "NumericGreaterThan": (_compare(_number, lambda a, b: a > b), False),
    "NumericGreaterThanEquals": (_compare(_number, lambda a, b: a >= b), False),
    "DateEquals": (_compare(_date, lambda a, b: a == b), False),
    "DateNotEquals": (_compare(_date, lambda a, b: a == b), True),
    "DateLessThan": (_compare(_date, lambda a, b: a < b), False),
    "DateLessThanEquals": (_compare(_date, lambda a, b: a <= b), False),
    "DateGreaterThan": (_compare(_date, lambda a, b: a > b), False),
    "DateGreaterThanEquals": (_compare(_date, lambda a, b: a >= b), False),
    "Bool": (_bool, False),
    "BinaryEquals": (_binary, False),
    "IpAddress": (_ip_match, False),
    "NotIpAddress": (_ip_match, True),
    # ArnEquals and ArnLike behave alike: both read wildcards in each part (the operators page).
    "ArnEquals": (_arn, False),
    "ArnLike": (_arn, False),
    "ArnNotEquals": (_arn, True),
    "ArnNotLike": (_arn, True),
}


NO_VARIABLES = frozenset(name for name in OPERATORS if not name.startswith(("String", "Arn")))
"""Operators that read no policy variables (reference_policies_variables.html: string and ARN ones do)."""


def _as_values(value: Any, where: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, str | int | float):
            out.append(str(item))
        else:
            raise UnsupportedPolicy(f"{where}: a condition value must be a string, number or boolean, not {type(item).__name__}")
    if not out:
        raise UnsupportedPolicy(f"{where}: a condition key with no values")
    return tuple(out)


def parse_operator(operator: str, where: str) -> tuple[str | None, str, bool]:
    """`ForAllValues:StringLikeIfExists` -> ("ForAllValues", "StringLike", True)."""
    qualifier: str | None = None
    name = operator
    if ":" in operator:
        qualifier, _, name = operator.partition(":")
        if qualifier not in ("ForAllValues", "ForAnyValue"):
            raise UnsupportedPolicy(f"{where}: unknown set operator {qualifier!r} in {operator!r} (ForAllValues or ForAnyValue)")
    if_exists = name.endswith("IfExists") and name != "IfExists"
    base = name.removesuffix("IfExists") if if_exists else name
    if base == "Null":
        if if_exists or qualifier:
            raise UnsupportedPolicy(f"{where}: {operator!r} is not supported (Null takes neither IfExists nor a set operator)")
    elif base not in OPERATORS:
        raise UnsupportedPolicy(f"{where}: condition operator {operator!r} is not supported")
    return qualifier, base, if_exists


def _key_test(  # noqa: PLR0911 (one return per set operator and per missing-key rule)
    qualifier: str | None,
    base: str,
    if_exists: bool,
    wanted: tuple[str, ...],
    actual: tuple[str, ...] | None,
    context: Context,
    variables: bool,
) -> bool:
    if base == "Null":
        return any((actual is None) == (w.lower() == "true") for w in wanted)
    if actual is None and if_exists:
        return True
    match, negated = OPERATORS[base]
    if negated and any(is_unresolved(w, context, variables) for w in wanted) and base not in NO_VARIABLES:
        # "If AWS cannot resolve a variable this might cause the entire statement to be invalid"
        # (reference_policies_variables.html): a negated test never holds on a value it cannot read.
        return False

    def one(value: str) -> bool:
        hit = any(match(value, w, context, variables) for w in wanted)
        return not hit if negated else hit

    if qualifier == "ForAllValues":
        return all(one(v) for v in actual or ())
    if qualifier == "ForAnyValue":
        return any(one(v) for v in actual or ())
    if actual is None or not actual:
        return if_exists or negated
    if negated:
        return all(one(v) for v in actual)
    return any(one(v) for v in actual)


def check_condition(condition: Any, where: str) -> None:
    """Raise `UnsupportedPolicy` for a Condition block this module cannot read: its shape, each
    operator, each value. Run on every statement, whatever the request."""
    if not isinstance(condition, Mapping):
        raise UnsupportedPolicy(f"{where}: Condition must be an object of operators")
    for operator, tests in condition.items():
        parse_operator(str(operator), where)
        if not isinstance(tests, Mapping):
            raise UnsupportedPolicy(f"{where}: Condition {operator} must map condition keys to values")
        for key_name, value in tests.items():
            _as_values(value, f"{where} Condition {operator} {key_name}")


def condition_holds(condition: Any, context: Context, variables: bool, where: str) -> bool:
    """Whether a statement's whole Condition block holds: every operator, every key of each."""
    if not isinstance(condition, Mapping):
        raise UnsupportedPolicy(f"{where}: Condition must be an object of operators")
    holds = True
    for operator, tests in condition.items():
        qualifier, base, if_exists = parse_operator(str(operator), where)
        if not isinstance(tests, Mapping):
            raise UnsupportedPolicy(f"{where}: Condition {operator} must map condition keys to values")
        for key_name, value in tests.items():
            wanted = _as_values(value, f"{where} Condition {operator} {key_name}")
            actual = context.get(str(key_name).lower())
            # Every operator is read (an unsupported one raises) before the answer is given.
            holds = _key_test(qualifier, base, if_exists, wanted, actual, context, variables) and holds
    return holds
