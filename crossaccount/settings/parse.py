"""Pydantic's findings turned into the program's problem texts: the key, the value received
and what is expected, in the user's words (a number where a string belongs says to quote it)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from crossaccount.errors import key, show
from crossaccount.iam import MAX_AGE_RANGE, MAX_SESSION, MFA_AGE_RANGE, MIN_SESSION, PASSWORD_LENGTH_RANGE, REUSE_RANGE

WHOLE_NUMBERS: Mapping[str, str] = {
    "maxSessionDuration": f"a whole number of seconds from {MIN_SESSION:,} (1 hour) to {MAX_SESSION:,} (12 hours)",
    "mfaMaxAgeSeconds": f"a whole number of seconds from {MFA_AGE_RANGE[0]:,} to {MFA_AGE_RANGE[1]:,}",
    "minimumPasswordLength": f"a whole number from {PASSWORD_LENGTH_RANGE[0]} to {PASSWORD_LENGTH_RANGE[1]}",
    "passwordReusePrevention": f"a whole number from {REUSE_RANGE[0]} to {REUSE_RANGE[1]}, or null",
    "maxPasswordAge": f"a whole number of days from {MAX_AGE_RANGE[0]} to {MAX_AGE_RANGE[1]:,}, or null",
}
"""What each number setting expects, for a value of the wrong type and one out of range alike.
The bounds themselves are the fields' own (`Field(ge=, le=)` in crossaccount.settings.models),
with the numbers of crossaccount.iam; tests/test_settings_errors.py checks the two agree."""
NUMBER_ERRORS = ("int_type", "int_from_float", "int_parsing", "greater_than_equal", "less_than_equal")
"""Pydantic's findings about a number setting: not a whole number, or outside its field's bounds."""
_NUMBER_TEXT_RE = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z", re.ASCII)


def whole_number(value: Any, loc: tuple[Any, ...]) -> str:
    """What a number setting expects; for a number written as text, why the engine passed text."""
    expected = WHOLE_NUMBERS.get(str(loc[-1]) if loc else "", "a whole number")
    if isinstance(value, str) and _NUMBER_TEXT_RE.match(value):
        if not math.isfinite(float(value)):
            return (
                f"{expected}; the number is beyond what a 64-bit float holds (about 1.8e308), so the engine passes it on as text"
            )
        return f"{expected}, unquoted (quoted, the engine passes it as text)"
    return expected


def expected_type(item: Any, loc: tuple[Any, ...]) -> str:
    if loc and loc[-1] == "accountId":
        return 'a 12-digit account id as a quoted string, e.g. "111122223333" (unquoted, YAML reads it as a number)'
    value = item.get("input")
    if item["type"] == "string_type" and isinstance(value, bool):
        return f'a string; {json.dumps(value)} unquoted is a boolean to the engine: quote it, e.g. "{json.dumps(value)}"'
    if item["type"] == "string_type" and isinstance(value, int | float):
        return f'a string; {value} unquoted is a number to the engine: quote it, e.g. "{value}"'
    if item["type"] in NUMBER_ERRORS:
        return whole_number(value, loc)
    return {
        "string_type": "a string",
        "bool_type": "true or false",
        "dict_type": "a mapping",
        "model_type": "a mapping",
        "list_type": "a list",
    }.get(item["type"], str(item["msg"]).removeprefix("Input should be ").lower())


def pydantic_problems(error: ValidationError, at: tuple[str | int, ...]) -> list[str]:
    problems = []
    for item in error.errors():
        loc = (*at, *item["loc"])
        if item["type"] == "missing":
            problems.append(f"{key(loc)}: missing; {expected_for(loc)}")
        elif item["type"] == "extra_forbidden":
            problems.append(f"{key(loc)}: unknown key (value {show(item['input'])}); see docs/settings.md")
        else:
            problems.append(f"{key(loc)}: got {show(item['input'])}; expected {expected_type(item, loc)}")
    return problems


_M = TypeVar("_M", bound=BaseModel)
_TAGS = TypeAdapter(dict[str, str], config=ConfigDict(strict=True))
_POLICY_WAIVERS = TypeAdapter(dict[str, dict[str, str]], config=ConfigDict(strict=True))


BOUND_ERRORS = {"greater_than_equal": "ge", "less_than_equal": "le"}
"""Pydantic's findings of a number outside its field's `Field(ge=, le=)`, and the bound each names."""


def parse(model: type[_M], value: Any, at: tuple[str | int, ...], problems: list[str]) -> _M | None:
    """One part of the settings, or None with its problems added (the other parts still get checked).

    A part whose only problems are numbers out of bounds is still returned, each number held at
    the bound it crossed, so that the checks after this one report that part's other problems too
    (the problems already say what was wrong; nothing is built from a stack with problems)."""
    try:
        return model.model_validate(value)
    except ValidationError as error:
        problems.extend(pydantic_problems(error, at))
        return _within_bounds(model, value, error)


def _within_bounds(model: type[_M], value: Any, error: ValidationError) -> _M | None:
    items = error.errors()
    if not isinstance(value, dict) or not all(item["type"] in BOUND_ERRORS for item in items):
        return None
    held = dict(value)
    for item in items:
        if len(item["loc"]) != 1 or item["loc"][0] not in held:
            return None
        held[item["loc"][0]] = item.get("ctx", {})[BOUND_ERRORS[item["type"]]]
    try:
        return model.model_validate(held)
    except ValidationError:
        return None


def parse_mapping(raw: Mapping[str, Any], name: str, problems: list[str]) -> dict[str, Any]:
    value = raw.get(name)
    if value is None:
        problems.append(f"{key((name,))}: missing; {expected_for((name,))}")
        return {}
    if not isinstance(value, dict):
        problems.append(f"{key((name,))}: got {show(value)}; {expected_for((name,))}")
        return {}
    return value


def parse_optional_mapping(raw: Mapping[str, Any], name: str, problems: list[str]) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        problems.append(f"{key((name,))}: got {show(value)}; expected a mapping of name to settings")
        return {}
    return value


def expected_for(loc: tuple[Any, ...]) -> str:
    leaf = loc[-1]
    return {
        "accountId": 'expected a 12-digit account id as a quoted string, e.g. "111122223333"',
        "region": "expected an AWS region, e.g. eu-north-1",
        "trustedUsers": "expected a list of user names declared under cross-account-roles:users",
        "source": "expected a mapping with accountId and region",
        "target": "expected a mapping with accountId and region",
        "users": "expected a mapping of user name to user settings",
        "roles": "expected a mapping of role name to role settings",
        "action": "expected service:Operation, e.g. s3:ListBuckets",
        "audience": "expected the exact aud of the provider's tokens (<provider url>:aud), e.g. sts.amazonaws.com",
        "subject": "expected the exact sub of the provider's tokens (<provider url>:sub), e.g. repo:my-org/my-repo:ref:refs/heads/main",
        "arn": "expected the provider's ARN, arn:aws:iam::<target account>:oidc-provider/<url>",
    }.get(str(leaf), "this key is required")


def parse_tags(value: Any, problems: list[str]) -> dict[str, str]:
    try:
        return _TAGS.validate_python(value)
    except ValidationError as error:
        problems.extend(pydantic_problems(error, ("tags",)))
        return {}


def parse_policy_waivers(value: Any, problems: list[str]) -> dict[str, dict[str, str]]:
    try:
        return _POLICY_WAIVERS.validate_python(value)
    except ValidationError as error:
        problems.extend(pydantic_problems(error, ("policyWaivers",)))
        return {}
