"""Plain data (what the engine's JSON decodes to) into the settings' frozen dataclasses, checked
as pydantic's strict mode (v2) checked the settings' models before.

Nothing is converted: `"3600"` is not an int, `1` is not a bool, a tuple is not a list. A
dataclass is read from a mapping by its fields' camelCase names (`accountId`; a field's
`alias` metadata where the name is a Python keyword: `import_` is `import`); a key it does
not declare is an error, and so is a missing field that has no default. Every problem is
reported, as pydantic reports it (`type`, `loc`, `msg`, `input`) and in pydantic's order
(fields in declaration order, then the input's unknown keys in its order), so that the
settings' error texts stay as they were; `tests/test_strict.py` checks both against pydantic,
on generated inputs.

Why not pydantic: importing it and building the settings' validators took ~0.1 s of every
`make plan` and `make check`, a third of the program's start-up on top of the Pulumi SDK's.
The settings need only the types below, which take a few lines each:

    str, bool, int, Any, X | None, Literal[...], list[X], dict[str, X], a settings dataclass
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any, Literal, TypeVar, Union, overload

_T = TypeVar("_T")
Loc = tuple[str | int, ...]
Check = Callable[[Any, Loc, list[dict[str, Any]]], Any]
"""(value, where, errors) -> the value as the dataclass holds it; a problem is appended to errors."""


class ValidationError(ValueError):
    """Every problem of one value, each `{"type", "loc", "msg", "input"}` (pydantic's `errors()`)."""

    def __init__(self, problems: list[dict[str, Any]]):
        self._problems = problems
        super().__init__(f"{len(problems)} validation error(s): {problems}")

    def errors(self) -> list[dict[str, Any]]:
        return list(self._problems)


@overload
def validate(type_: type[_T], value: Any) -> _T: ...


@overload
def validate(type_: Any, value: Any) -> Any: ...


def validate(type_: Any, value: Any) -> Any:
    """`value` as `type_` (a dataclass, or a type of the list above); raises `ValidationError`."""
    problems: list[dict[str, Any]] = []
    result = _check_for(type_)(value, (), problems)
    if problems:
        raise ValidationError(problems)
    return result


def alias(field: dataclasses.Field[Any]) -> str:
    """The key a field is read from: `mfa_device_name` -> `mfaDeviceName` (pydantic's `to_camel`)."""
    given: str | None = field.metadata.get("alias")
    if given is not None:
        return given
    head, *rest = field.name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _problem(kind: str, loc: Loc, msg: str, value: Any) -> dict[str, Any]:
    return {"type": kind, "loc": loc, "msg": msg, "input": value}


def _loc_item(key: Any) -> str | int:
    """How pydantic names a mapping's key in a location: a str or an int as it is, else its text."""
    return key if isinstance(key, str | int) else str(key)


def _scalar(kind: type, name: str) -> Check:
    def check(value: Any, loc: Loc, problems: list[dict[str, Any]]) -> Any:
        # bool is an int to Python, not to pydantic's strict int
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return value
        problems.append(_problem(f"{name}_type", loc, f"Input should be a valid {_NOUNS[name]}", value))
        return None

    return check


_NOUNS = {"string": "string", "bool": "boolean", "int": "integer", "list": "list", "dict": "dictionary"}
_SCALARS: dict[Any, Check] = {str: _scalar(str, "string"), bool: _scalar(bool, "bool"), int: _scalar(int, "int")}


def _literal(allowed: tuple[Any, ...]) -> Check:
    shown = [repr(a) for a in allowed]
    expected = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"

    def check(value: Any, loc: Loc, problems: list[dict[str, Any]]) -> Any:
        if any(type(value) is type(a) and value == a for a in allowed):
            return value
        problems.append(_problem("literal_error", loc, f"Input should be {expected}", value))
        return None

    return check


def _optional(inner: Check) -> Check:
    def check(value: Any, loc: Loc, problems: list[dict[str, Any]]) -> Any:
        return None if value is None else inner(value, loc, problems)

    return check


def _list(item: Check) -> Check:
    def check(value: Any, loc: Loc, problems: list[dict[str, Any]]) -> Any:
        if not isinstance(value, list):
            problems.append(_problem("list_type", loc, "Input should be a valid list", value))
            return None
        return [item(v, (*loc, i), problems) for i, v in enumerate(value)]

    return check


def _dict(item: Check) -> Check:
    key_check = _SCALARS[str]

    def check(value: Any, loc: Loc, problems: list[dict[str, Any]]) -> Any:
        if not isinstance(value, dict):
            problems.append(_problem("dict_type", loc, "Input should be a valid dictionary", value))
            return None
        result = {}
        for k, v in value.items():
            at = (*loc, _loc_item(k))
            key_check(k, (*at, "[key]"), problems)
            result[k] = item(v, at, problems)
        return result

    return check


def _dataclass(cls: type) -> Check:
    hints = typing.get_type_hints(cls)
    fields = [(f, alias(f), _check_for(hints[f.name])) for f in dataclasses.fields(cls) if f.init]
    known = {key for _, key, _ in fields}
    message = f"Input should be a valid dictionary or instance of {cls.__name__}"

    def check(value: Any, loc: Loc, problems: list[dict[str, Any]]) -> Any:
        if isinstance(value, cls):
            return value
        if not isinstance(value, dict):
            problems.append(_problem("model_type", loc, message, value))
            return None
        before = len(problems)
        values = {}
        for field, key, field_check in fields:
            if key in value:
                values[field.name] = field_check(value[key], (*loc, key), problems)
            elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
                problems.append(_problem("missing", (*loc, key), "Field required", value))
        for k, v in value.items():
            if not isinstance(k, str):
                problems.append(_problem("invalid_key", (*loc, _loc_item(k)), "Keys should be strings", k))
            elif k not in known:
                problems.append(_problem("extra_forbidden", (*loc, k), "Extra inputs are not permitted", v))
        return cls(**values) if len(problems) == before else None

    return check


def _any(value: Any, loc: Loc, problems: list[dict[str, Any]]) -> Any:
    return value


@cache
def _check_for(type_: Any) -> Check:  # noqa: PLR0911 (one return per kind of type)
    """The check of one type, built once per type."""
    if type_ is Any:
        return _any
    if type_ in _SCALARS:
        return _SCALARS[type_]
    if dataclasses.is_dataclass(type_) and isinstance(type_, type):
        return _dataclass(type_)
    origin, args = typing.get_origin(type_), typing.get_args(type_)
    if origin is Literal:
        return _literal(args)
    if origin in (Union, types.UnionType) and len(args) == 2 and type(None) in args:
        return _optional(_check_for(next(a for a in args if a is not type(None))))
    if origin is list:
        return _list(_check_for(args[0]))
    if origin is dict and args[0] is str:
        return _dict(_check_for(args[1]))
    raise TypeError(f"no strict check for {type_!r}: the settings use only the types in crossaccount.strict's docstring")
